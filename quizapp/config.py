"""The user's settings file: which folders of their own decks to sync, and the deck size limits.

Read with the standard library's ``tomllib``; written with ``tomli_w`` (the maintained writer that
mirrors it) so a hand-edited file stays valid TOML. Every way the file can be unusable (not
TOML, a folder, unreadable, in an unwritable folder) is a :class:`ConfigError` saying how to fix it.

```toml
decks = ["/home/me/decks"]

[limits]            # optional; decks come from strangers, so a file or card past these is refused
max_file_kb = 8192  # one deck file
max_card_kb = 64    # one card (question, answer and lists)
```
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w

DEFAULT_MAX_FILE_KB = 8192
DEFAULT_MAX_CARD_KB = 64


class ConfigError(Exception):
    """The config file exists but cannot be used; the message says where and how to fix it."""


@dataclass(frozen=True)
class Limits:
    """How much of a deck is read: past these a file or card is a problem, not a slow UI."""

    max_file_bytes: int = DEFAULT_MAX_FILE_KB * 1024
    max_card_bytes: int = DEFAULT_MAX_CARD_KB * 1024


@dataclass
class Config:
    deck_folders: list[Path] = field(default_factory=list)
    limits: Limits = field(default_factory=Limits)


def load(path: Path) -> Config:
    try:
        if not path.exists():
            return Config()
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file: {_cause(exc)}") from exc
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc} (fix or delete the file)") from exc
    folders = data.get("decks", [])
    if not isinstance(folders, list) or not all(isinstance(f, str) for f in folders):
        raise ConfigError(
            f"{path}: 'decks' must be a list of folder paths (fix or delete the file)"
        )
    return Config(deck_folders=[Path(f) for f in folders], limits=_limits(path, data))


def _limits(path: Path, data: dict) -> Limits:
    table = data.get("limits", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [limits] must be a table (fix or delete it)")
    values = {}
    for key, default in (
        ("max_file_kb", DEFAULT_MAX_FILE_KB),
        ("max_card_kb", DEFAULT_MAX_CARD_KB),
    ):
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(
                f"{path}: limits.{key} must be a whole number of kilobytes, e.g. {default}"
            )
        values[key] = value
    return Limits(values["max_file_kb"] * 1024, values["max_card_kb"] * 1024)


def save(path: Path, config: Config) -> None:
    """Write atomically, so a crash mid-write never leaves a truncated config."""
    data: dict = {"decks": [str(p) for p in config.deck_folders]}
    if config.limits != Limits():
        data["limits"] = {
            "max_file_kb": config.limits.max_file_bytes // 1024,
            "max_card_kb": config.limits.max_card_bytes // 1024,
        }
    tmp = path.with_suffix(".toml.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(tomli_w.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write the config file: {_cause(exc)}") from exc


def _cause(exc: OSError) -> str:
    if isinstance(exc, IsADirectoryError):
        return "it is a folder, not a file (remove it or set QUIZAPP_CONFIG to a file)"
    if isinstance(exc, PermissionError):
        return "permission denied (check the file's and its folder's permissions)"
    return f"{exc.strerror or exc} (check the path)"

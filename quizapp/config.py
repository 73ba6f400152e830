"""The user's settings file: their deck folders, the sync folder, how many backups to keep,
the deck size limits and the app's colour theme.

Read with the standard library's ``tomllib``; written with ``tomli_w`` (the maintained writer that
mirrors it) so a hand-edited file stays valid TOML. Every way the file can be unusable (not
TOML, a folder, unreadable, in an unwritable folder) is a :class:`ConfigError` saying how to fix it.

```toml
decks = ["/home/me/decks"]
theme = "nord"      # set by the app when a theme is picked in its command palette

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

DEFAULT_MAX_FILE_KB = 8192
DEFAULT_MAX_CARD_KB = 64


class ConfigError(Exception):
    """The config file exists but cannot be used; the message says where and how to fix it."""


DAILY_BACKUPS = 14  # two weeks of daily backups
OPERATION_BACKUPS = 4  # backups taken before a migration, merge, rebuild, restore...


@dataclass(frozen=True)
class Limits:
    """How much of a deck is read: past these a file or card is a problem, not a slow UI."""

    max_file_bytes: int = DEFAULT_MAX_FILE_KB * 1024
    max_card_bytes: int = DEFAULT_MAX_CARD_KB * 1024


@dataclass
class Config:
    deck_folders: list[Path] = field(default_factory=list)
    #: Bundled deck files (relative to the bundled folder) the user copied to edit: the copy in
    #: their own folder replaces the bundled one, which is no longer synced.
    replaced_bundled: list[str] = field(default_factory=list)
    #: A folder the user syncs between machines (Syncthing, Dropbox...): see quizapp.merge.folder.
    sync_dir: Path | None = None
    daily_backups: int = DAILY_BACKUPS
    operation_backups: int = OPERATION_BACKUPS
    limits: Limits = field(default_factory=Limits)
    #: The app's colour theme (a Textual theme name), kept across restarts; None: the default.
    theme: str | None = None


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
    replaced = data.get("replaced_bundled", [])
    if not isinstance(replaced, list) or not all(isinstance(f, str) for f in replaced):
        raise ConfigError(
            f"{path}: 'replaced_bundled' must be a list of deck file names (fix or delete the file)"
        )
    sync_dir = data.get("sync_dir")
    if sync_dir is not None and not isinstance(sync_dir, str):
        raise ConfigError(f"{path}: 'sync_dir' must be a folder path (fix or delete the file)")
    theme = data.get("theme")
    if theme is not None and not isinstance(theme, str):
        raise ConfigError(f"{path}: 'theme' must be a theme name, e.g. \"nord\" (fix or delete it)")
    backups = data.get("backups", {})
    counts = {}
    for key, default in (("daily", DAILY_BACKUPS), ("before_operations", OPERATION_BACKUPS)):
        value = backups.get(key, default) if isinstance(backups, dict) else None
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(
                f"{path}: 'backups.{key}' must be a whole number of at least 1 "
                "(fix or delete the file)"
            )
        counts[key] = value
    return Config(
        deck_folders=[Path(f) for f in folders],
        sync_dir=Path(sync_dir) if sync_dir else None,
        daily_backups=counts["daily"],
        operation_backups=counts["before_operations"],
        replaced_bundled=replaced,
        limits=_limits(path, data),
        theme=theme,
    )


def to_toml(config: Config) -> dict[str, object]:
    data: dict[str, object] = {"decks": [str(p) for p in config.deck_folders]}
    if config.sync_dir is not None:
        data["sync_dir"] = str(config.sync_dir)
    if config.replaced_bundled:
        data["replaced_bundled"] = config.replaced_bundled
    if config.theme is not None:
        data["theme"] = config.theme
    if (config.daily_backups, config.operation_backups) != (DAILY_BACKUPS, OPERATION_BACKUPS):
        data["backups"] = {
            "daily": config.daily_backups,
            "before_operations": config.operation_backups,
        }
    if config.limits != Limits():
        data["limits"] = {
            "max_file_kb": config.limits.max_file_bytes // 1024,
            "max_card_kb": config.limits.max_card_bytes // 1024,
        }
    return data


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
    import tomli_w  # only saving needs the writer; every start-up reads the file

    tmp = path.with_suffix(".toml.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(tomli_w.dumps(to_toml(config)), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write the config file: {_cause(exc)}") from exc


def save_theme(path: Path, theme: str) -> None:
    """Keep the app's colour theme for the next start (the rest of the file is unchanged)."""
    settings = load(path)
    if settings.theme != theme:
        settings.theme = theme
        save(path, settings)


def _cause(exc: OSError) -> str:
    if isinstance(exc, IsADirectoryError):
        return "it is a folder, not a file (remove it or set QUIZAPP_CONFIG to a file)"
    if isinstance(exc, PermissionError):
        return "permission denied (check the file's and its folder's permissions)"
    return f"{exc.strerror or exc} (check the path)"

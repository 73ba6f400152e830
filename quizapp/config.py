"""The user's settings file: which folders of their own decks to sync besides the bundled one.

Read with the standard library's ``tomllib``; written with ``tomli_w`` (the maintained writer that
mirrors it) so a hand-edited file stays valid TOML.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path


class ConfigError(Exception):
    """The config file exists but cannot be used; the message says where and how to fix it."""


@dataclass
class Config:
    deck_folders: list[Path] = field(default_factory=list)
    #: Bundled deck files (relative to the bundled folder) the user copied to edit: the copy in
    #: their own folder replaces the bundled one, which is no longer synced.
    replaced_bundled: list[str] = field(default_factory=list)


def load(path: Path) -> Config:
    if not path.exists():
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
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
    return Config(deck_folders=[Path(f) for f in folders], replaced_bundled=replaced)


def save(path: Path, config: Config) -> None:
    """Write atomically, so a crash mid-write never leaves a truncated config."""
    import tomli_w  # only saving needs the writer; every start-up reads the file

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    data: dict[str, list[str]] = {"decks": [str(p) for p in config.deck_folders]}
    if config.replaced_bundled:
        data["replaced_bundled"] = config.replaced_bundled
    tmp.write_text(tomli_w.dumps(data), encoding="utf-8")
    os.replace(tmp, path)

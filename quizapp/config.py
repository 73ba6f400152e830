"""The user's settings file: their deck folders, the sync folder, how many backups to keep.

Read with the standard library's ``tomllib``; written with ``tomli_w`` (the maintained writer that
mirrors it) so a hand-edited file stays valid TOML.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w


class ConfigError(Exception):
    """The config file exists but cannot be used; the message says where and how to fix it."""


DAILY_BACKUPS = 14  # two weeks of daily backups
OPERATION_BACKUPS = 4  # backups taken before a migration, merge, rebuild, restore...


@dataclass
class Config:
    deck_folders: list[Path] = field(default_factory=list)
    #: A folder the user syncs between machines (Syncthing, Dropbox...): see quizapp.merge.folder.
    sync_dir: Path | None = None
    daily_backups: int = DAILY_BACKUPS
    operation_backups: int = OPERATION_BACKUPS


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
    sync_dir = data.get("sync_dir")
    if sync_dir is not None and not isinstance(sync_dir, str):
        raise ConfigError(f"{path}: 'sync_dir' must be a folder path (fix or delete the file)")
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
    )


def to_toml(config: Config) -> dict[str, object]:
    data: dict[str, object] = {"decks": [str(p) for p in config.deck_folders]}
    if config.sync_dir is not None:
        data["sync_dir"] = str(config.sync_dir)
    if (config.daily_backups, config.operation_backups) != (DAILY_BACKUPS, OPERATION_BACKUPS):
        data["backups"] = {
            "daily": config.daily_backups,
            "before_operations": config.operation_backups,
        }
    return data


def save(path: Path, config: Config) -> None:
    """Write atomically, so a crash mid-write never leaves a truncated config."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(tomli_w.dumps(to_toml(config)), encoding="utf-8")
    os.replace(tmp, path)

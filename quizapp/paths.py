"""Where quizapp keeps things: the user's store and config, and the decks that ship with it."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

APP_NAME = "quizapp"


def default_db_path() -> Path:
    """``$QUIZAPP_DB`` if set, else ``quizapp.db`` in the platform's per-user data folder."""
    override = os.environ.get("QUIZAPP_DB")
    if override:
        return Path(override).expanduser()
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "quizapp.db"


def config_path() -> Path:
    """``$QUIZAPP_CONFIG`` if set, else ``config.toml`` in the platform's per-user config folder."""
    override = os.environ.get("QUIZAPP_CONFIG")
    if override:
        return Path(override).expanduser()
    return Path(user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def bundled_content() -> Path:
    """The seed decks: inside the installed wheel, or ``content/`` of a source checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "content"
    if installed.is_dir():
        return installed
    return here.parent / "content"

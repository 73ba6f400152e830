"""Where quizapp keeps things: the user's store and config, and the decks that ship with it."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir, user_downloads_dir

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


def screenshot_folder(fallback: Path) -> Path:
    """Where the app saves a screenshot: the Downloads folder if there is one, else ``fallback``
    (the store's folder, created if need be): Textual's default fails when Downloads is missing.
    """
    downloads = Path(user_downloads_dir())
    if downloads.is_dir():
        return downloads
    fallback.mkdir(parents=True, exist_ok=True)
    return fallback


def bundled_content() -> Path:
    """The seed decks: inside the installed wheel, or ``content/`` of a source checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "content"
    if installed.is_dir():
        return installed
    return here.parent / "content"

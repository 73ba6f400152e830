"""One error path: any store, file or config failure as one line a user can act on.

Both UIs pass what reaches them (``sqlite3.Error``, ``OSError``, the config and store errors)
through :func:`explain`, which says which file, the cause in plain words (disk full, read-only,
locked, damaged, newer version) and what to do. SQLite's own texts ("disk I/O error", "attempt
to write a readonly database") say neither.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

from quizapp.config import ConfigError
from quizapp.store import StoreError, damaged_message, primary_code
from quizapp.terminal_text import printable

#: Exceptions the UIs turn into one line instead of a traceback.
HANDLED: tuple[type[BaseException], ...] = (sqlite3.Error, OSError, ConfigError, StoreError)

NOTHING_LOST = "nothing already saved was lost"
LOW_SPACE_BYTES = 4 * 1024 * 1024


def explain(exc: BaseException, *, db_path: Path | str | None = None) -> str:
    """One line for ``exc``: ``FILE: cause; what to do``."""
    if isinstance(exc, StoreError | ConfigError):
        return _one_line(str(exc))
    if isinstance(exc, sqlite3.Error):
        return _one_line(_sqlite(exc, db_path))
    if isinstance(exc, OSError):
        return _one_line(_os(exc, db_path))
    return _one_line(f"{type(exc).__name__}: {exc}")


def _sqlite(exc: sqlite3.Error, db_path: Path | str | None) -> str:
    where = db_path if db_path is not None else "the store"
    code = primary_code(exc)
    if code == sqlite3.SQLITE_FULL or (code == sqlite3.SQLITE_IOERR and _disk_full(db_path)):
        return (
            f"{where}: the disk is full, so the last change was not saved ({NOTHING_LOST}); "
            "free some space and run the command again"
        )
    if code == sqlite3.SQLITE_READONLY:
        return (
            f"{where}: the store is read-only (the file or its folder cannot be written); "
            "check their permissions, or pass a writable store with --db"
        )
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return (
            f"{where}: the store is locked by another quizapp (or another program); "
            f"{NOTHING_LOST}: run the command again when it has finished"
        )
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) or "malformed" in str(exc):
        return damaged_message(db_path, str(exc))
    if code == sqlite3.SQLITE_CANTOPEN:
        return (
            f"{where}: the store cannot be opened (its folder is missing or not writable); "
            "check the path and its permissions"
        )
    if code == sqlite3.SQLITE_IOERR:
        return (
            f"{where}: the disk reported an I/O error ({NOTHING_LOST}); check the disk, "
            "then run the command again"
        )
    if code == sqlite3.SQLITE_CONSTRAINT or isinstance(exc, sqlite3.IntegrityError):
        return (
            f"{where}: the store does not hold what this quizapp expects ({exc}); it may be "
            "damaged or from another version: run the command again, and restore a backup if "
            "it keeps failing"
        )
    return f"{where}: database error: {exc}; {NOTHING_LOST}"


def _disk_full(db_path: Path | str | None) -> bool:
    """SQLite often reports a full disk as a plain I/O error: look at the free space."""
    if db_path is None:
        return False
    try:
        return shutil.disk_usage(Path(db_path).parent).free < LOW_SPACE_BYTES
    except OSError:
        return False


_OS_CAUSES = {
    errno.ENOSPC: "the disk is full: free some space and try again",
    errno.EDQUOT: "the disk quota is used up: free some space and try again",
    errno.EROFS: "the file system is read-only: use a writable location",
    errno.EACCES: "permission denied: check the file's and its folder's permissions",
    errno.EPERM: "not permitted: check the file's and its folder's permissions",
    errno.ENOENT: "no such file or folder: check the path",
    errno.ENOTDIR: "a part of the path is a file, not a folder: check the path",
    errno.EISDIR: "is a folder, not a file: check the path",
    errno.ELOOP: "a symlink loop: fix or remove the symlink",
    errno.EEXIST: "a file is in the way: check the path",
    errno.EIO: "the disk reported an I/O error: check the disk",
}


def _os(exc: OSError, db_path: Path | str | None) -> str:
    where = exc.filename if exc.filename is not None else db_path
    cause = _OS_CAUSES.get(exc.errno or -1) or f"{exc.strerror or exc}: check the path"
    return f"{where}: {cause}" if where is not None else cause


def _one_line(text: str) -> str:
    return printable(" ".join(text.split()))

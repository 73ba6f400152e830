"""``quizapp merge OTHER.db``: take another store's log into this one, once."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from quizapp.backup import before
from quizapp.merge.log import read_log
from quizapp.merge.union import MergeReport, absorb
from quizapp.store import SCHEMA_VERSION, Store


class MergeError(Exception):
    """The other store cannot be merged; the message says why and what to do."""


def open_other(path: Path) -> sqlite3.Connection:
    """Open another store read-only (it is never written) and check it is one we can read."""
    path = Path(path)
    if not path.is_file():
        raise MergeError(f"{path}: no such file")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.DatabaseError as exc:
        raise MergeError(f"{path}: not a quizapp store ({exc})") from exc
    version = int(row[0]) if row else 0
    if version > SCHEMA_VERSION:
        conn.close()
        raise MergeError(
            f"{path}: written by a newer quizapp (schema {version}, this one knows "
            f"{SCHEMA_VERSION}); upgrade quizapp here first"
        )
    if version == 0:
        conn.close()
        raise MergeError(f"{path}: not a quizapp store (no schema version)")
    return conn


def merge_store(store: Store, other: Path, now: datetime) -> MergeReport:
    """Merge the log of the store at ``other`` into ``store``, backing ``store`` up first."""
    if store.path is not None and Path(other).resolve() == Path(store.path).resolve():
        raise MergeError(f"{other}: that is the store itself")
    conn = open_other(other)
    try:
        known = {r[0] for r in store.conn.execute("SELECT id FROM reviews")}
        log = read_log(conn, known)
    except sqlite3.DatabaseError as exc:
        raise MergeError(f"{other}: cannot be read ({exc}); try 'quizapp doctor' on it") from exc
    finally:
        conn.close()
    return absorb(store, log, before_write=lambda: before(store.conn, store.path, "merge", now))

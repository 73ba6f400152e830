"""The SQLite store: the user's review history and everything derived from it.

What is stored, and why it is shaped this way:

- ``reviews`` is the source of truth and append-only. Each row has a UUID so the logs of two
  machines can later be merged by union. An undone answer is not deleted; its id goes into
  ``undos``, which is also append-only.
- ``schedule`` is derived: ``quizapp rebuild`` replays the review log through fsrs and gets every
  row back exactly (see :mod:`quizapp.schedule`). ``queue`` and ``position`` exist so the due query
  is one index range scan.
- ``cards`` mirrors the markdown; ``files`` remembers each deck file's size and mtime so a sync can
  skip unchanged files without reading them.

Concurrency: WAL mode lets a second terminal read while one writes; every write happens inside
``BEGIN IMMEDIATE`` so two writers queue on the busy timeout instead of failing half-way.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

SCHEMA_VERSION = 5  # the number of migrations in quizapp.migrations
BUSY_TIMEOUT_MS = 30_000

# Queue values in ``schedule.queue``: which list a card is drawn from.
QUEUE_LEARNING = 0  # fsrs Learning / Relearning: short steps, shown first
QUEUE_REVIEW = 1
QUEUE_NEW = 2
QUEUE_OFF = 3  # retired (gone from the markdown) or suspended


def import_sqlite_utils() -> ModuleType:
    """Import sqlite-utils without letting it pull in numpy and pandas.

    sqlite-utils imports them, when installed, only to map their scalar types to column types;
    quizapp never stores numpy values, and loading numpy costs the CLI and the app a noticeable
    slice of their start-up. Hiding them during this one import leaves sqlite-utils on its
    plain-Python path; if numpy is already loaded (a proof ran), nothing changes.
    """
    if "sqlite_utils" in sys.modules:
        return sys.modules["sqlite_utils"]
    hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes "import name" fail
    try:
        import sqlite_utils
    finally:
        for name in hidden:
            del sys.modules[name]
    return sqlite_utils


class StoreError(Exception):
    """The database cannot be opened or used; the message says what to do."""


class Store:
    """An open quizapp database. Use one per thread: sqlite3 connections must not cross threads."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None) -> None:
        self.conn = conn
        self.path = path

    @cached_property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils' view of the same connection, built on first use.

        Imported lazily: sqlite-utils pulls in numpy and more (~200 ms), which the daily
        start-up and the answer path must not pay for.
        """
        return import_sqlite_utils().Database(self.conn)

    @classmethod
    def open(cls, path: Path | str, *, migrate: bool = True) -> Store:
        """Open (creating if needed) the store at ``path`` and bring its schema up to date."""
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=True,
            )
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: cannot open the database: {exc}") from exc
        store = cls(conn, path)
        if migrate:
            store.migrate()
        return store

    @classmethod
    def memory(cls) -> Store:
        """A throwaway in-memory store, for tests and dry runs."""
        conn = sqlite3.connect(":memory:", isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        store = cls(conn)
        store.migrate()
        return store

    def migrate(self, *, stop_before: str | None = None) -> None:
        """Apply pending migrations (sqlite-utils' Migrations), each recorded; safe to re-run.

        An up-to-date store is recognised from ``meta`` alone, without importing sqlite-utils.
        """
        try:
            current = self.schema_version()
            if stop_before is None and current == SCHEMA_VERSION:
                return
            if 0 < current < SCHEMA_VERSION:
                self._back_up_before_migrating()
            import_sqlite_utils()
            from quizapp.migrations import migrations

            with self.transaction():
                # Two processes starting at once must not both create the tables.
                migrations.apply(self.db, stop_before=stop_before)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot upgrade the database: {exc}") from exc

    def _back_up_before_migrating(self) -> None:
        """A migration rewrites tables: keep the old store first (see :mod:`quizapp.backup`)."""
        from quizapp.backup import BackupError, before
        from quizapp.clock import utc_now

        try:
            before(self.conn, self.path, "migrate", utc_now())
        except BackupError as exc:
            raise StoreError(f"{exc}; the upgrade was not started") from exc

    def schema_version(self) -> int:
        """The schema version recorded in ``meta``; 0 for a new, empty database."""
        try:
            row = self.conn.execute(
                "SELECT value FROM meta WHERE key = 'schema_version'"
            ).fetchone()
        except sqlite3.OperationalError:  # no meta table yet
            return 0
        return int(row[0]) if row else 0

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken with ``BEGIN IMMEDIATE`` so writers queue, not fail.

        Nested use joins the outer transaction (sqlite-utils' own ``atomic`` then uses savepoints).
        """
        if self.conn.in_transaction:
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

SCHEMA_VERSION = 2
BUSY_TIMEOUT_MS = 30_000

# Queue values in ``schedule.queue``: which list a card is drawn from.
QUEUE_LEARNING = 0  # fsrs Learning / Relearning: short steps, shown first
QUEUE_REVIEW = 1
QUEUE_NEW = 2
QUEUE_OFF = 3  # retired (gone from the markdown) or suspended

migrations = Migrations("quizapp")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    """The first schema: cards, their schedule, the review log, deck settings and file stamps."""
    db.execute(
        """
        CREATE TABLE cards (
            id TEXT PRIMARY KEY,
            note_id TEXT NOT NULL,
            deck TEXT NOT NULL,
            type TEXT NOT NULL,
            prompt TEXT NOT NULL,
            answer TEXT NOT NULL,
            key_points TEXT NOT NULL DEFAULT '[]',
            choices TEXT NOT NULL DEFAULT '[]',
            cloze INTEGER,
            expected TEXT NOT NULL DEFAULT '[]',
            tags TEXT NOT NULL DEFAULT '[]',
            prove TEXT,
            synonyms TEXT NOT NULL DEFAULT '{}',
            source TEXT NOT NULL,
            line INTEGER NOT NULL,
            content_hash TEXT NOT NULL,
            retired INTEGER NOT NULL DEFAULT 0,
            suspended INTEGER NOT NULL DEFAULT 0,
            added_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX cards_source ON cards (source)")
    db.execute(
        """
        CREATE TABLE schedule (
            card_id TEXT PRIMARY KEY REFERENCES cards (id),
            deck TEXT NOT NULL,
            position INTEGER NOT NULL,
            queue INTEGER NOT NULL,
            state INTEGER NOT NULL,
            step INTEGER,
            stability REAL,
            difficulty REAL,
            due TEXT NOT NULL,
            last_review TEXT,
            reps INTEGER NOT NULL DEFAULT 0,
            lapses INTEGER NOT NULL DEFAULT 0,
            introduced_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX schedule_due ON schedule (queue, due)")
    db.execute("CREATE INDEX schedule_new ON schedule (queue, deck, position)")
    db.execute("CREATE INDEX schedule_introduced ON schedule (introduced_at)")
    db.execute(
        """
        CREATE TABLE reviews (
            id TEXT PRIMARY KEY,
            card_id TEXT NOT NULL REFERENCES cards (id),
            reviewed_at TEXT NOT NULL,
            rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
            answer TEXT NOT NULL DEFAULT '',
            score REAL,
            duration_ms INTEGER,
            mode TEXT NOT NULL CHECK (mode IN ('review', 'quiz'))
        )
        """
    )
    db.execute("CREATE INDEX reviews_card ON reviews (card_id, reviewed_at)")
    db.execute("CREATE INDEX reviews_time ON reviews (reviewed_at)")
    db.execute(
        """
        CREATE TABLE decks (
            name TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            retention REAL NOT NULL,
            new_per_day INTEGER NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE files (
            path TEXT PRIMARY KEY,
            root TEXT NOT NULL,
            mtime_ns INTEGER NOT NULL,
            size INTEGER NOT NULL
        )
        """
    )
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '1')")


@migrations()
def m002_undo_bury_quiz(db: sqlite_utils.Database) -> None:
    """Undo without deleting history, burying a card until tomorrow, and mock-interview quizzes."""
    db.execute(
        "CREATE TABLE undos (review_id TEXT PRIMARY KEY REFERENCES reviews (id), undone_at TEXT)"
    )
    db.execute("ALTER TABLE schedule ADD COLUMN buried_until TEXT")
    db.execute(
        """
        CREATE TABLE quizzes (
            id TEXT PRIMARY KEY,
            deck TEXT,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            questions INTEGER NOT NULL,
            score REAL
        )
        """
    )
    db.execute("ALTER TABLE reviews ADD COLUMN quiz_id TEXT REFERENCES quizzes (id)")
    db.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")


class StoreError(Exception):
    """The database cannot be opened or used; the message says what to do."""


class Store:
    """An open quizapp database. Use one per thread: sqlite3 connections must not cross threads."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None) -> None:
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self.path = path

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
        """Apply pending migrations, each in its own transaction (safe to re-run)."""
        try:
            with self.transaction():
                # Two processes starting at once must not both create the tables.
                migrations.apply(self.db, stop_before=stop_before)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot upgrade the database: {exc}") from exc

    def schema_version(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
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

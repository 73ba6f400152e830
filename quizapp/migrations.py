"""The store's schema history, applied by sqlite-utils' ``Migrations``.

Each migration runs once, in a transaction, and is recorded in ``_sqlite_migrations``; a test
upgrades a database made by the first one. Never edit a migration that has shipped: add a new one,
bump ``quizapp.store.SCHEMA_VERSION`` and bring ``quizapp/schema.sql`` (what a new store is made
from, without these) to the schema it leaves; tests/test_schema.py fails until the two agree.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

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


@migrations()
def m003_misconceptions_and_corrections(db: sqlite_utils.Database) -> None:
    """Misconceptions written on open cards, and the user's corrections of the scorer's verdict.

    ``reviews.grading`` is JSON: the scorer's per-point verdict and the points the user flipped
    after reveal, kept with the answer so agreement can be measured and exported.
    """
    db.execute("ALTER TABLE cards ADD COLUMN misconceptions TEXT NOT NULL DEFAULT '[]'")
    db.execute("ALTER TABLE reviews ADD COLUMN grading TEXT")
    db.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")


@migrations()
def m004_parameters_cram_confidence(db: sqlite_utils.Database) -> None:
    """FSRS parameters fitted on the user's history, cram reviews, and confidence before reveal.

    ``parameter_events`` is append-only like the review log: each row says "from ``at`` on, cards
    of ``deck`` (every deck when NULL) are scheduled with these parameters and/or this desired
    retention", so a rebuild or a merge replays each review with the settings of its time.

    ``reviews.mode`` gains ``'cram'``. SQLite cannot alter a CHECK constraint, so the table is
    rebuilt the way sqlite-utils' ``transform`` does (new table, copy every row with its rowid,
    drop, rename, indexes recreated), with only the mode list changed; foreign keys from
    ``undos`` are checked at the end, inside the same transaction.
    """
    db.execute(
        """
        CREATE TABLE parameter_events (
            id TEXT PRIMARY KEY,
            at TEXT NOT NULL,
            deck TEXT,
            parameters TEXT,
            retention REAL,
            reviews INTEGER NOT NULL DEFAULT 0,
            metrics TEXT NOT NULL DEFAULT '{}'
        )
        """
    )
    db.execute("CREATE INDEX parameter_events_at ON parameter_events (at)")
    old_check = "CHECK (mode IN ('review', 'quiz'))"
    new_check = "CHECK (mode IN ('review', 'quiz', 'cram'))"
    statements = db["reviews"].transform_sql()
    if sum(old_check in sql for sql in statements) != 1:
        raise RuntimeError("m004: the reviews table does not have the expected mode constraint")
    before = db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
    deferred = db.execute("PRAGMA defer_foreign_keys").fetchone()[0]
    db.execute("PRAGMA defer_foreign_keys = ON")
    try:
        for sql in statements:
            db.execute(sql.replace(old_check, new_check))
        if db.execute("PRAGMA foreign_key_check").fetchall():
            raise RuntimeError("m004: rebuilding reviews broke a foreign key")
    finally:
        db.execute(f"PRAGMA defer_foreign_keys = {int(deferred)}")
    if db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] != before:
        raise RuntimeError("m004: rebuilding reviews lost rows")
    # 1 unsure, 2 fairly sure, 3 sure; NULL when the user did not say.
    db.execute(
        "ALTER TABLE reviews ADD COLUMN confidence INTEGER CHECK (confidence BETWEEN 1 AND 3)"
    )
    db.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")


@migrations()
def m005_event_log_and_sync_folder(db: sqlite_utils.Database) -> None:
    """An append-only log of card events besides answers, and what the sync folder has seen.

    ``events`` holds suspend/unsuspend/bury (and any later kind: a new kind needs no new table)
    with a UUID each, so two machines' logs merge by union like ``reviews``. ``card_id`` has no
    foreign key on purpose: an event may name a card whose deck this machine has not synced yet.
    Cards suspended before this migration get a ``suspend`` event whose id is derived from the
    card, so two machines back-filling the same suspension produce the same event.

    ``reviews_replay`` covers the replay scan. ``folder_seen`` lists the log entries already
    present in some file of the sync folder (so a machine writes only what is new), and
    ``folder_files`` how far each file was read.

    The schema version is set from the count of applied migrations so that this migration is
    right whatever number the migrations before it reach.
    """
    db.execute(
        """
        CREATE TABLE events (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            card_id TEXT,
            at TEXT NOT NULL,
            payload TEXT NOT NULL DEFAULT '{}'
        )
        """
    )
    db.execute("CREATE INDEX events_card ON events (card_id, at)")
    db.execute(
        """
        INSERT INTO events (id, kind, card_id, at, payload)
        SELECT 'backfill-suspend-' || id, 'suspend', id, updated_at, '{}'
        FROM cards WHERE suspended = 1
        """
    )
    # Replay reads every live review in (card, time, id) order: covered by one index, that
    # scan takes a quarter of the time it takes through reviews_card plus a sort.
    db.execute("CREATE INDEX reviews_replay ON reviews (card_id, reviewed_at, id, rating, mode)")
    db.execute("CREATE TABLE folder_seen (key TEXT PRIMARY KEY) WITHOUT ROWID")
    db.execute(
        """
        CREATE TABLE folder_files (
            name TEXT PRIMARY KEY,
            line_start INTEGER NOT NULL,
            offset INTEGER NOT NULL,
            line_sum TEXT NOT NULL,
            lines INTEGER NOT NULL
        )
        """
    )
    db.execute(
        "UPDATE meta SET value = CAST((SELECT COUNT(*) + 1 FROM _sqlite_migrations "
        "WHERE migration_set = 'quizapp') AS TEXT) WHERE key = 'schema_version'"
    )

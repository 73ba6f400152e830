-- The store's schema as the migrations in quizapp/migrations.py leave it (m001-m005), for
-- creating a new store in one transaction (quizapp/schema.py). Existing stores are still
-- upgraded by the migrations. tests/test_schema.py checks that a store made from this file and
-- one migrated step by step have the same tables, columns, constraints and indexes; a new
-- migration must change this file too (the test fails until it does).
--
-- Column order follows the migrations: a column a migration added with ALTER TABLE comes last.

CREATE TABLE _sqlite_migrations (
    id INTEGER PRIMARY KEY,
    migration_set TEXT,
    name TEXT,
    applied_at TEXT
);
CREATE UNIQUE INDEX idx__sqlite_migrations_migration_set_name
    ON _sqlite_migrations (migration_set, name);

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
    updated_at TEXT NOT NULL,
    misconceptions TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX cards_source ON cards (source);

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
    introduced_at TEXT,
    buried_until TEXT
);
CREATE INDEX schedule_due ON schedule (queue, due);
CREATE INDEX schedule_new ON schedule (queue, deck, position);
CREATE INDEX schedule_introduced ON schedule (introduced_at);

CREATE TABLE quizzes (
    id TEXT PRIMARY KEY,
    deck TEXT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    questions INTEGER NOT NULL,
    score REAL
);

CREATE TABLE reviews (
    id TEXT PRIMARY KEY,
    card_id TEXT NOT NULL REFERENCES cards (id),
    reviewed_at TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    answer TEXT NOT NULL DEFAULT '',
    score REAL,
    duration_ms INTEGER,
    mode TEXT NOT NULL CHECK (mode IN ('review', 'quiz', 'cram')),
    quiz_id TEXT REFERENCES quizzes (id),
    grading TEXT,
    confidence INTEGER CHECK (confidence BETWEEN 1 AND 3)
);
CREATE INDEX reviews_card ON reviews (card_id, reviewed_at);
CREATE INDEX reviews_time ON reviews (reviewed_at);
CREATE INDEX reviews_replay ON reviews (card_id, reviewed_at, id, rating, mode);

CREATE TABLE undos (review_id TEXT PRIMARY KEY REFERENCES reviews (id), undone_at TEXT);

CREATE TABLE decks (
    name TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    retention REAL NOT NULL,
    new_per_day INTEGER NOT NULL
);

CREATE TABLE files (
    path TEXT PRIMARY KEY,
    root TEXT NOT NULL,
    mtime_ns INTEGER NOT NULL,
    size INTEGER NOT NULL
);

CREATE TABLE parameter_events (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    deck TEXT,
    parameters TEXT,
    retention REAL,
    reviews INTEGER NOT NULL DEFAULT 0,
    metrics TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX parameter_events_at ON parameter_events (at);

CREATE TABLE events (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    card_id TEXT,
    at TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_card ON events (card_id, at);

CREATE TABLE folder_seen (key TEXT PRIMARY KEY) WITHOUT ROWID;

CREATE TABLE folder_files (
    name TEXT PRIMARY KEY,
    line_start INTEGER NOT NULL,
    offset INTEGER NOT NULL,
    line_sum TEXT NOT NULL,
    lines INTEGER NOT NULL
);

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta (key, value) VALUES ('schema_version', '5');

-- Recorded as sqlite-utils' Migrations would, so the next migration (m006...) finds these done.
INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES
    ('quizapp', 'm001_initial', :applied_at),
    ('quizapp', 'm002_undo_bury_quiz', :applied_at),
    ('quizapp', 'm003_misconceptions_and_corrections', :applied_at),
    ('quizapp', 'm004_parameters_cram_confidence', :applied_at),
    ('quizapp', 'm005_event_log_and_sync_folder', :applied_at);

"""The store keeps history safe: migrations, two writers at once, and a killed process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from quizapp import review
from quizapp.migrations import migrations
from quizapp.store import BUSY_TIMEOUT_MS, SCHEMA_VERSION, Store, StoreError
from quizapp.sync import sync

from .conftest import NOW, write_deck

ANSWER_LOOP = textwrap.dedent(
    """
    import sys
    from datetime import timedelta
    from quizapp.clock import parse_iso
    from quizapp.review import answer
    from quizapp.store import Store

    path, card, count, start = sys.argv[1], sys.argv[2], int(sys.argv[3]), parse_iso(sys.argv[4])
    store = Store.open(path)
    for n in range(count):
        done = answer(store, card, 3, start + timedelta(seconds=n))
        print(done.review_id, flush=True)
    """
)


def make_store(tmp_path: Path, cards: int = 2) -> Path:
    deck = "\n".join(f"## Q{i}\n<!-- id: q{i} -->\nA{i}\n" for i in range(cards))
    write_deck(tmp_path / "decks", "deck.md", deck)
    db = tmp_path / "quiz.db"
    with Store.open(db) as store:
        assert sync(store, [tmp_path / "decks"], NOW).ok
    return db


def schedule_rows(store: Store) -> list[tuple]:
    return [tuple(r) for r in store.conn.execute("SELECT * FROM schedule ORDER BY card_id")]


def test_store_opens_in_wal_mode_with_foreign_keys(file_store):
    conn = file_store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    # One short attempt at a time; Store._begin keeps retrying for busy_wait_s (tested below).
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS
    assert file_store.busy_wait_s >= 60
    assert file_store.schema_version() == SCHEMA_VERSION
    plan = conn.execute(
        "EXPLAIN QUERY PLAN SELECT card_id FROM schedule WHERE queue = 1 AND due <= 'x' "
        "ORDER BY due LIMIT 1"
    ).fetchall()
    assert any("schedule_due" in row[3] for row in plan)


def test_reopening_applies_no_migration_twice(tmp_path):
    db = tmp_path / "q.db"
    Store.open(db).close()
    with Store.open(db) as store:
        names = [r[0] for r in store.conn.execute("SELECT name FROM _sqlite_migrations")]
    assert names == [m.name for m in migrations._migrations]
    assert len(names) == SCHEMA_VERSION


def test_upgrade_from_the_first_schema_keeps_every_row(tmp_path):
    db = tmp_path / "old.db"
    old = Store.open(db, migrate=False)
    old.migrate(stop_before="m002_undo_bury_quiz")
    assert old.schema_version() == 1
    write_deck(tmp_path / "decks", "deck.md", "## Q\n<!-- id: q -->\nA\n")
    # Fill it the way version 1 of the app did: a card, its schedule and a review.
    old.conn.execute(
        "INSERT INTO cards (id, note_id, deck, type, prompt, answer, source, line, content_hash,"
        " added_at, updated_at) VALUES ('q', 'q', 'deck', 'basic', 'Q', 'A', ?, 1, 'h', ?, ?)",
        (str(tmp_path / "decks" / "deck.md"), NOW.isoformat(), NOW.isoformat()),
    )
    old.conn.execute(
        "INSERT INTO schedule (card_id, deck, position, queue, state, step, due, reps)"
        " VALUES ('q', 'deck', 0, 2, 1, 0, '1970-01-01T00:00:00.000000+00:00', 0)"
    )
    old.conn.execute("INSERT INTO decks VALUES ('deck', 'x', 0.9, 10)")
    old.conn.execute(
        "INSERT INTO reviews (id, card_id, reviewed_at, rating, mode) VALUES"
        " ('8b2d3c1e-0000-4000-8000-000000000001', 'q', ?, 3, 'review')",
        (NOW.isoformat(timespec="microseconds"),),
    )
    old.close()

    with Store.open(db) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 1
        # The new columns and tables work on the upgraded data.
        review.rebuild(store)
        assert review.get_state(store, "q").reps == 1
        answered = review.answer(store, "q", 1, NOW.replace(day=3))
        review.undo(store, answered.review_id, NOW.replace(day=3))
        review.bury(store, "q", NOW)
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_two_processes_answering_at_once_lose_nothing(tmp_path):
    db = make_store(tmp_path)
    count = 60
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", ANSWER_LOOP, str(db), card, str(count), NOW.isoformat()],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for card in ("q0", "q1")
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err
        assert len(out.split()) == count
    with Store.open(db) as store:
        ids = {r[0] for r in store.conn.execute("SELECT id FROM reviews")}
        assert ids == set(outputs[0][0].split()) | set(outputs[1][0].split())
        live = schedule_rows(store)
        review.rebuild(store)
        assert schedule_rows(store) == live


def test_killed_mid_burst_loses_no_committed_answer(tmp_path):
    db = make_store(tmp_path, cards=1)
    proc = subprocess.Popen(
        [sys.executable, "-c", ANSWER_LOOP, str(db), "q0", "100000", NOW.isoformat()],
        stdout=subprocess.PIPE,
        text=True,
    )
    committed = []
    assert proc.stdout is not None
    while len(committed) < 150:
        line = proc.stdout.readline()
        assert line, "the answering process stopped early"
        committed.append(line.strip())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    with Store.open(db) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {r[0] for r in store.conn.execute("SELECT id FROM reviews")}
        assert set(committed) <= stored
        live = schedule_rows(store)
        assert review.get_state(store, "q0").reps == len(stored)
        review.rebuild(store)
        assert schedule_rows(store) == live


def test_unopenable_database_is_a_clear_error(tmp_path):
    bad = tmp_path / "not-a-db.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match=r"not-a-db\.db"):
        Store.open(bad)


SYNC_ONCE = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from quizapp.clock import utc_now
    from quizapp.store import Store
    from quizapp.sync import sync

    store = Store.open(sys.argv[1])
    report = sync(store, [Path(sys.argv[2])], utc_now())
    print(report.ok, report.added)
    """
)


def test_two_terminals_starting_at_once_sync_the_same_decks_safely(tmp_path):
    deck = "\n".join(f"## Q{i}\n<!-- id: q{i} -->\nA{i}\n" for i in range(3000))
    folder = tmp_path / "decks"
    write_deck(folder, "deck.md", deck)
    db = tmp_path / "quiz.db"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SYNC_ONCE, str(db), str(folder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert out.startswith("True")
    added = sorted(int(out.split()[1]) for out, _ in results)
    assert added == [0, 3000]  # the second one found the first one's cards, added none
    with Store.open(db) as store:
        assert store.conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0] == 3000
        positions = store.conn.execute("SELECT COUNT(DISTINCT position) FROM schedule").fetchone()
        assert positions[0] == 3000

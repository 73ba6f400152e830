"""Migration 4 rebuilds ``reviews`` to admit cram answers: every row, index and link survives."""

from __future__ import annotations

import sqlite3

import pytest

from quizapp import review
from quizapp.clock import iso
from quizapp.store import Store
from quizapp.sync import sync

from .conftest import NOW, write_deck


def _v3_store_with_history(tmp_path):
    """A store at schema 3 holding reviews, an undo and a quiz answer, made by this very app."""
    db = tmp_path / "old.db"
    old = Store.open(db, migrate=False)
    old.migrate(stop_before="m004_parameters_cram_confidence")
    assert old.schema_version() == 3
    decks = tmp_path / "decks"
    write_deck(decks, "d.md", "## Q1\n<!-- id: q1 -->\nA\n\n## Q2\n<!-- id: q2 -->\nB\n")
    assert sync(old, [decks], NOW).ok
    # Rows written the way version 3 of the app wrote them (its answer() had no confidence).
    rows = [
        ("r1", "q1", NOW.replace(hour=12), 3, "", None, "review", None, None),
        ("r2", "q1", NOW.replace(hour=13), 1, "", None, "review", None, None),
        ("r3", "q2", NOW.replace(hour=14), 4, "typed", 0.5, "review", None, '{"x": 1}'),
        ("r4", "q2", NOW.replace(hour=16), 2, "", None, "quiz", "qz", None),
    ]
    old.conn.execute(
        "INSERT INTO quizzes (id, deck, started_at, questions) VALUES ('qz', NULL, 't', 1)"
    )
    for rid, card, at, rating, typed, score, mode, quiz, grading in rows:
        old.conn.execute(
            "INSERT INTO reviews (id, card_id, reviewed_at, rating, answer, score, mode, quiz_id,"
            " grading) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (rid, card, iso(at), rating, typed, score, mode, quiz, grading),
        )
    old.conn.execute("INSERT INTO undos VALUES ('r1', ?)", (iso(NOW.replace(hour=15)),))
    return old, db


def _dump(store: Store) -> tuple[list[tuple], list[tuple], list[tuple]]:
    reviews = [
        tuple(r)
        for r in store.conn.execute(
            "SELECT rowid, id, card_id, reviewed_at, rating, answer, score, duration_ms, mode,"
            " quiz_id, grading FROM reviews ORDER BY rowid"
        )
    ]
    undos = [tuple(r) for r in store.conn.execute("SELECT * FROM undos")]
    schedule = [tuple(r) for r in store.conn.execute("SELECT * FROM schedule ORDER BY card_id")]
    return reviews, undos, schedule


def test_upgrade_keeps_every_review_undo_index_and_schedule(tmp_path):
    old, db = _v3_store_with_history(tmp_path)
    before = _dump(old)[:2]
    indexes = {r[1] for r in old.conn.execute("PRAGMA index_list(reviews)")}
    old.close()

    with Store.open(db, migrate=False) as store:
        # m004 on its own: m005 adds an index of its own to reviews.
        store.migrate(stop_before="m005_event_log_and_sync_folder")
        assert store.schema_version() == 4
        assert _dump(store)[:2] == before
        assert {r[1] for r in store.conn.execute("PRAGMA index_list(reviews)")} == indexes
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # The other constraints came through the rebuild unchanged.
        with pytest.raises(sqlite3.IntegrityError):
            store.conn.execute(
                "INSERT INTO reviews (id, card_id, reviewed_at, rating, mode)"
                " VALUES ('bad', 'q1', 't', 5, 'review')"
            )
        with pytest.raises(sqlite3.IntegrityError):
            store.conn.execute(
                "INSERT INTO reviews (id, card_id, reviewed_at, rating, mode)"
                " VALUES ('bad', 'q1', 't', 3, 'other')"
            )
        with pytest.raises(sqlite3.IntegrityError):
            store.conn.execute("INSERT INTO undos VALUES ('no-such-review', 't')")
        store.conn.execute(
            "INSERT INTO reviews (id, card_id, reviewed_at, rating, mode, confidence)"
            " VALUES ('c', 'q1', 't', 3, 'cram', 2)"
        )
        review.rebuild(store)
        schedule = _dump(store)[2]
        store.conn.execute(
            "INSERT INTO reviews (id, card_id, reviewed_at, rating, mode, confidence)"
            " VALUES ('c2', 'q2', ?, 1, 'cram', 1)",
            (iso(NOW.replace(hour=17)),),
        )
        review.rebuild(store)
        assert _dump(store)[2] == schedule  # cram rows do not move the schedule
        assert review.get_state(store, "q1").reps == 1  # r1 undone, r2 live

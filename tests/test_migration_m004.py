"""Migration 4 rebuilds ``reviews`` to admit cram answers: every row, index and link survives."""

from __future__ import annotations

import sqlite3

import pytest

from quizapp import review
from quizapp.store import SCHEMA_VERSION, Store
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
    first = review.answer(old, "q1", 3, NOW)
    review.answer(old, "q1", 1, NOW.replace(hour=13))
    review.answer(old, "q2", 4, NOW.replace(hour=14), typed="typed", score=0.5)
    review.undo(old, first.review_id, NOW.replace(hour=15))
    old.conn.execute(
        "INSERT INTO quizzes (id, deck, started_at, questions) VALUES ('qz', NULL, 't', 1)"
    )
    review.answer(old, "q2", 2, NOW.replace(hour=16), mode="quiz", quiz_id="qz")
    old.conn.execute("UPDATE reviews SET grading = '{\"x\": 1}' WHERE score = 0.5")
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
    before = _dump(old)
    indexes = {r[0] for r in old.conn.execute("PRAGMA index_list(reviews)")}
    old.close()

    with Store.open(db) as store:
        assert store.schema_version() == SCHEMA_VERSION == 4
        assert _dump(store) == before
        assert {r[0] for r in store.conn.execute("PRAGMA index_list(reviews)")} == indexes
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
        assert _dump(store)[2] == before[2]  # a cram row does not move the schedule

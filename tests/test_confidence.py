"""Confidence before the reveal: one optional answer, stored with the review."""

from __future__ import annotations

import io

import pytest

from quizapp import review
from quizapp.cli import plain_review
from quizapp.sync import sync

from .conftest import NOW, write_deck

DECK = "## Q1\n<!-- id: q1 -->\nA1\n\n## Q2\n<!-- id: q2 -->\nA2\n\n## Q3\n<!-- id: q3 -->\nA3\n"


def test_plain_review_asks_how_sure_and_stores_it(store, tmp_path, monkeypatch):
    write_deck(tmp_path, "d.md", DECK)
    assert sync(store, [tmp_path], NOW).ok
    monkeypatch.setattr("click.echo", lambda *a, **k: None)
    monkeypatch.setattr("click.secho", lambda *a, **k: None)
    # Three basic cards: Enter to reveal, then how sure (3, skipped, 1), then the rating.
    lines = ["", "3", "3", "", "", "1", "", "1", "1", ":q"]
    plain_review.run(store, io.StringIO("\n".join(lines) + "\n"), confidence=True)
    saved = store.conn.execute("SELECT card_id, confidence, rating FROM reviews ORDER BY rowid")
    assert [tuple(r) for r in saved] == [("q1", 3, 3), ("q2", None, 1), ("q3", 1, 1)]


def test_without_the_flag_nothing_is_asked(store, tmp_path, monkeypatch):
    write_deck(tmp_path, "d.md", DECK)
    assert sync(store, [tmp_path], NOW).ok
    monkeypatch.setattr("click.echo", lambda *a, **k: None)
    monkeypatch.setattr("click.secho", lambda *a, **k: None)
    plain_review.run(store, io.StringIO("\n3\n:q\n"))
    rows = store.conn.execute("SELECT confidence, rating FROM reviews").fetchall()
    assert [tuple(r) for r in rows] == [(None, 3)]


def test_confidence_outside_one_to_three_is_refused(store, tmp_path):
    write_deck(tmp_path, "d.md", DECK)
    assert sync(store, [tmp_path], NOW).ok
    with pytest.raises(ValueError, match="confidence must be 1-3"):
        review.answer(store, "q1", 3, NOW, confidence=4)

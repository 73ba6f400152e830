"""Weak-topic drill and cram: the weakest cards first, and cram answers never move the schedule."""

from __future__ import annotations

from datetime import timedelta

from click.testing import CliRunner

from quizapp import drill, review
from quizapp.cli import main
from quizapp.store import Store
from quizapp.sync import sync

from .conftest import NOW, write_deck

DECK = """---
deck: drills
new_per_day: 20
---
## Q0
<!--
id: q0
tags: [linear]
-->
A0

## Q1
<!--
id: q1
tags: [linear]
-->
A1

## Q2
<!--
id: q2
tags: [trees]
-->
A2

## Q3
<!-- id: q3 -->
A3
"""


def _schedule(store: Store) -> list[tuple]:
    return [tuple(r) for r in store.conn.execute("SELECT * FROM schedule ORDER BY card_id")]


def _loaded(store: Store, tmp_path) -> Store:
    write_deck(tmp_path, "d.md", DECK)
    assert sync(store, [tmp_path], NOW).ok
    # q0 well known, q1 forgotten twice, q2 shaky; q3 never answered.
    for day, (card, rating) in enumerate([("q0", 4), ("q1", 1), ("q2", 3), ("q1", 1)]):
        review.answer(store, card, rating, NOW + timedelta(days=day))
    review.answer(store, "q2", 2, NOW + timedelta(days=5))
    return store


def test_the_weakest_come_first_and_unanswered_cards_are_left_out(store, tmp_path):
    _loaded(store, tmp_path)
    later = NOW + timedelta(days=6)
    chosen = drill.weakest(store, later, limit=10)
    assert chosen[0].card_id == "q1"
    assert "q3" not in [w.card_id for w in chosen]
    assert [w.weakness for w in chosen] == sorted(w.weakness for w in chosen)
    assert [w.card_id for w in drill.weakest(store, later, tag="linear")] == ["q1", "q0"]
    assert len(drill.weakest(store, later, limit=1)) == 1


def test_cram_answers_are_logged_but_leave_the_schedule_unchanged(store, tmp_path):
    _loaded(store, tmp_path)
    before = _schedule(store)
    answered = review.answer(store, "q1", 4, NOW + timedelta(days=7), mode="cram")
    assert answered.after == answered.before
    assert _schedule(store) == before
    review.rebuild(store)
    assert _schedule(store) == before
    mode = store.conn.execute("SELECT mode FROM reviews WHERE id = ?", (answered.review_id,))
    assert mode.fetchone()[0] == "cram"
    # A cram success lifts the card's recent score, so drills move on to other weak cards.
    assert drill.weakest(store, NOW + timedelta(days=7), limit=4)[0].recent is not None


def test_drill_command_crams_the_weakest_cards(tmp_path, monkeypatch):
    db = tmp_path / "q.db"
    decks = tmp_path / "decks"
    with Store.open(db) as store:
        _loaded(store, decks)
        before = _schedule(store)
    monkeypatch.setattr("quizapp.cli.drill_cmd.sync_or_exit", lambda store, quiet: None)
    result = CliRunner().invoke(
        main, ["--db", str(db), "drill", "--weakest", "2"], input="\n3\n\n1\n"
    )
    assert result.exit_code == 0, result.output
    assert "2 weakest card(s):" in result.output
    assert "2 drill answers saved." in result.output
    with Store.open(db) as store:
        modes = [r[0] for r in store.conn.execute("SELECT mode FROM reviews ORDER BY rowid")]
        assert modes[-2:] == ["cram", "cram"]
        assert _schedule(store) == before


def test_drill_names_the_tags_when_one_is_unknown(tmp_path, monkeypatch):
    db = tmp_path / "q.db"
    with Store.open(db) as store:
        _loaded(store, tmp_path / "decks")
    monkeypatch.setattr("quizapp.cli.drill_cmd.sync_or_exit", lambda store, quiet: None)
    result = CliRunner().invoke(main, ["--db", str(db), "drill", "--tag", "nope"])
    assert result.exit_code == 1
    assert "no card has the tag 'nope' (tags in use: linear, trees)" in result.output

"""Merging two stores' logs: the union by id, replayed, is the same from either side."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp import review
from quizapp.merge.log import read_log
from quizapp.merge.stores import MergeError, merge_store
from quizapp.merge.union import absorb
from quizapp.replay import replayed_states
from quizapp.schedule import CardState
from quizapp.store import QUEUE_NEW, QUEUE_OFF, Store
from quizapp.sync import sync

from .conftest import NOW, write_deck

CARDS = 4
DECK = "\n".join(f"## Q{i}\n<!-- id: q{i} -->\nA{i}\n" for i in range(CARDS))


@pytest.fixture(scope="module")
def deck_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("merge-decks")
    write_deck(folder, "deck.md", DECK)
    return folder


def snapshot(store: Store) -> dict[str, object]:
    """What two merged stores must agree on: the log and every card's schedule and flags."""
    q = store.conn.execute
    return {
        "reviews": sorted(
            tuple(r) for r in q("SELECT id, card_id, reviewed_at, rating, mode FROM reviews")
        ),
        "undos": sorted(r[0] for r in q("SELECT review_id FROM undos")),
        "events": sorted(tuple(r) for r in q("SELECT id, kind, card_id, at, payload FROM events")),
        "schedule": sorted(
            tuple(r)
            for r in q(
                "SELECT card_id, queue, state, step, stability, difficulty, due, last_review, "
                "reps, lapses, introduced_at, buried_until FROM schedule"
            )
        ),
        "flags": sorted(tuple(r) for r in q("SELECT id, retired, suspended FROM cards")),
    }


# One action: (card, rating, hours since the previous action, then undo it?, suspend toggle?)
ACTION = st.tuples(
    st.integers(0, CARDS - 1),
    st.integers(1, 4),
    st.integers(0, 72),
    st.booleans(),
    st.sampled_from([None, None, None, True, False]),
)


def play(store: Store, actions, start, ids=None) -> None:
    moment = start
    for n, (card, rating, hours, undo, suspend) in enumerate(actions):
        moment += timedelta(hours=hours, seconds=1)
        review_id = ids[n] if ids else None
        done = review.answer(store, f"q{card}", rating, moment, review_id=review_id)
        if undo:
            review.undo(store, done.review_id, moment)
        if suspend is not None:
            review.set_suspended(store, f"q{(card + 1) % CARDS}", suspend, moment)
        if rating == 2 and hours % 5 == 0:
            review.bury(store, f"q{card}", moment)


def fresh(deck_dir) -> Store:
    store = Store.memory()
    assert sync(store, [deck_dir], NOW).ok
    return store


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    base=st.lists(ACTION, max_size=6),
    left=st.lists(ACTION, max_size=12),
    right=st.lists(ACTION, max_size=12),
)
def test_merging_either_way_agrees_loses_nothing_and_equals_a_replay(deck_dir, base, left, right):
    a, b = fresh(deck_dir), fresh(deck_dir)
    shared = [str(uuid.UUID(int=n + 1)) for n in range(len(base))]
    for store in (a, b):  # a history both machines had before they went apart
        play(store, [(c, r, h, False, None) for c, r, h, _u, _s in base], NOW, shared)
    start = NOW + timedelta(days=30)
    play(a, left, start)
    play(b, right, start + timedelta(minutes=7))  # interleaved in time with a's answers
    before_a, before_b = snapshot(a), snapshot(b)
    log_a, log_b = read_log(a.conn), read_log(b.conn)

    absorb(a, log_b)
    absorb(b, log_a)
    merged = snapshot(a)
    assert merged == snapshot(b)
    assert set(merged["reviews"]) == set(before_a["reviews"]) | set(before_b["reviews"])
    assert set(merged["undos"]) == set(before_a["undos"]) | set(before_b["undos"])
    assert set(merged["events"]) == set(before_a["events"]) | set(before_b["events"])

    # Merging again changes nothing.
    assert not absorb(a, log_b).changed and not absorb(a, read_log(b.conn)).changed
    assert snapshot(a) == merged

    # The schedule is what replaying the union from scratch gives, and rebuild agrees.
    stored = {r["card_id"]: CardState.from_row(r) for r in a.conn.execute("SELECT * FROM schedule")}
    assert stored == replayed_states(a)
    review.rebuild(a)
    assert snapshot(a) == merged
    a.close()
    b.close()


def test_suspension_follows_the_latest_event_whichever_side_merges(deck_dir):
    a, b = fresh(deck_dir), fresh(deck_dir)
    review.set_suspended(a, "q0", True, NOW)
    review.set_suspended(b, "q0", False, NOW + timedelta(hours=1))  # later: it wins
    review.set_suspended(b, "q1", True, NOW)
    log_a, log_b = read_log(a.conn), read_log(b.conn)
    absorb(a, log_b)
    absorb(b, log_a)
    for store in (a, b):
        flags = dict(store.conn.execute("SELECT id, suspended FROM cards").fetchall())
        assert flags["q0"] == 0 and flags["q1"] == 1
        queues = dict(store.conn.execute("SELECT card_id, queue FROM schedule").fetchall())
        assert queues["q0"] == QUEUE_NEW and queues["q1"] == QUEUE_OFF


def test_a_review_of_a_card_this_store_lacks_is_kept_on_a_retired_stand_in(tmp_path, deck_dir):
    other_decks = tmp_path / "other"
    write_deck(other_decks, "extra.md", "## Extra?\n<!-- id: extra -->\nYes.\n")
    mine_path, theirs_path = tmp_path / "mine.db", tmp_path / "theirs.db"
    with Store.open(theirs_path) as theirs:
        assert sync(theirs, [deck_dir, other_decks], NOW).ok
        review.answer(theirs, "extra", 3, NOW)
    with Store.open(mine_path) as mine:
        assert sync(mine, [deck_dir], NOW).ok
        report = merge_store(mine, theirs_path, NOW + timedelta(hours=1))
        assert report.reviews == 1 and report.cards == 1
        card = review.get_card(mine, "extra")
        assert card.prompt == "Extra?"
        assert mine.conn.execute("SELECT retired FROM cards WHERE id = 'extra'").fetchone()[0]
        assert review.next_card(mine, NOW + timedelta(days=30)) != "extra"
        assert sync(mine, [deck_dir, other_decks], NOW).revived == 1
        assert review.get_state(mine, "extra").reps == 1
    from quizapp.backup import list_backups

    assert [b.kind for b in list_backups(mine_path)] == ["before-merge"]


def test_merge_refuses_a_non_store_and_itself(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"hello" * 1000)
    with Store.open(tmp_path / "mine.db") as mine:
        with pytest.raises(MergeError, match="not a quizapp store"):
            merge_store(mine, junk, NOW)
        with pytest.raises(MergeError, match="the store itself"):
            merge_store(mine, tmp_path / "mine.db", NOW)
        with pytest.raises(MergeError, match="no such file"):
            merge_store(mine, tmp_path / "nope.db", NOW)


def test_an_event_kind_this_version_does_not_know_is_kept_and_passed_on(deck_dir, tmp_path):
    """Later kinds (scheduler parameter changes, say) ride on the same log untouched."""
    from quizapp import events
    from quizapp.merge.folder import decode, exchange

    a, b = fresh(deck_dir), fresh(deck_dir)
    made = events.record(a, "params", None, NOW, {"w": [0.4, 1.2], "retention": 0.85})
    absorb(b, read_log(a.conn))
    row = b.conn.execute("SELECT kind, card_id, at, payload FROM events").fetchone()
    assert tuple(row) == ("params", None, made.at, made.to_row()["payload"])
    folder = tmp_path / "f"
    folder.mkdir()
    exchange(b, folder, NOW)
    (path,) = folder.glob("*.jsonl")
    kinds = [decode(line).get("kind") for line in path.read_bytes().splitlines()]
    assert "params" in kinds

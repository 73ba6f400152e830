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


# fsrs's defaults perturbed (initial stabilities tripled, the decay and a few weights moved),
# every weight inside fsrs's bounds: a fit any machine might adopt.
FITTED = (
    0.636, 3.8793, 6.9195, 24.8868, 6.0, 0.7, 2.5, 0.05, 1.6, 0.2, 0.9, 1.7, 0.08, 0.3,
    1.9, 0.5, 2.5, 0.6, 0.1, 0.07, 0.3,
)  # fmt: skip


def with_parameters(store: Store) -> dict[str, object]:
    """The snapshot plus the parameter events, byte for byte."""
    rows = store.conn.execute("SELECT * FROM parameter_events ORDER BY id")
    return {**snapshot(store), "parameter_events": [tuple(r) for r in rows]}


def rebuilt(store: Store) -> dict[str, object]:
    """What ``quizapp rebuild`` makes of the store (the store is rebuilt in place)."""
    review.rebuild(store)
    return with_parameters(store)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    base=st.lists(ACTION, max_size=5),
    left=st.lists(ACTION, min_size=1, max_size=10),
    right=st.lists(ACTION, min_size=1, max_size=10),
    fit_after=st.integers(0, 10),
    retention=st.sampled_from([None, 0.8, 0.95]),
    deck=st.sampled_from([None, "deck"]),
)
def test_merging_a_store_that_adopted_fitted_parameters_equals_a_rebuild_on_both(
    deck_dir, base, left, right, fit_after, retention, deck
):
    """A adopts a fit part-way through its own answers (B, perhaps, a retention); after
    merging both ways the two stores agree, and each equals ``review.rebuild`` on itself."""
    from quizapp.fitting import events as parameter_events

    a, b = fresh(deck_dir), fresh(deck_dir)
    shared = [str(uuid.UUID(int=n + 1)) for n in range(len(base))]
    for store in (a, b):
        play(store, [(c, r, h, False, None) for c, r, h, _u, _s in base], NOW, shared)
    start = NOW + timedelta(days=30)
    split = min(fit_after, len(left))
    play(a, left[:split], start)
    fit_at = start + timedelta(hours=sum(h for _c, _r, h, _u, _s in left[:split]), minutes=3)
    parameter_events.record(a, parameter_events.ParameterEvent(fit_at, deck, FITTED, None, 500))
    play(a, left[split:], fit_at)
    if retention is not None:
        event = parameter_events.ParameterEvent(start + timedelta(hours=5), retention=retention)
        parameter_events.record(b, event)
    play(b, right, start + timedelta(minutes=7))
    log_a, log_b = read_log(a.conn), read_log(b.conn)

    assert absorb(a, log_b).parameters == (retention is not None)
    assert absorb(b, log_a).parameters == 1
    merged = with_parameters(a)
    assert merged == with_parameters(b)
    assert len(merged["parameter_events"]) == 1 + (retention is not None)
    stored = {r["card_id"]: CardState.from_row(r) for r in b.conn.execute("SELECT * FROM schedule")}
    assert stored == replayed_states(b)
    assert not absorb(a, log_b).changed and with_parameters(a) == merged
    assert rebuilt(a) == merged
    assert rebuilt(b) == merged
    a.close()
    b.close()


def test_a_fit_that_arrives_replays_the_cards_it_covers(deck_dir):
    """Regression: B answers after A's fit time but before it hears of the fit; the merge
    must replay B's cards with the fit (and forward-replay new reviews with it too)."""
    from quizapp.fitting import events as parameter_events

    a, b = fresh(deck_dir), fresh(deck_dir)
    fit = parameter_events.ParameterEvent(NOW, parameters=FITTED, reviews=500)
    parameter_events.record(a, fit)
    moment = NOW + timedelta(hours=1)
    for day in range(6):
        for card in range(CARDS):
            review.answer(b, f"q{card}", 3, moment + timedelta(days=3 * day, minutes=card))
    review.answer(a, "q0", 4, moment + timedelta(days=40))  # after all of B's: forward
    report = absorb(b, read_log(a.conn))
    assert report.parameters == 1 and report.replayed == CARDS
    assert "1 parameter event(s)" in report.summary()
    absorb(a, read_log(b.conn))
    merged = with_parameters(b)
    assert merged == with_parameters(a) == rebuilt(a) == rebuilt(b)
    # ... and the fit mattered: without it the same reviews schedule differently.
    b.conn.execute("DELETE FROM parameter_events")
    assert rebuilt(b)["schedule"] != merged["schedule"]


def test_a_parameter_event_fsrs_cannot_use_is_left_out_with_a_warning(deck_dir):
    a, b = fresh(deck_dir), fresh(deck_dir)
    a.conn.execute(
        "INSERT INTO parameter_events (id, at, parameters, reviews, metrics) "
        "VALUES ('bad', ?, '[1, 2, 3]', 10, '{}')",
        ((NOW + timedelta(days=1)).isoformat(),),  # after A's answer, which it would break
    )
    review.answer(a, "q0", 3, NOW + timedelta(hours=1))
    report = absorb(b, read_log(a.conn))
    assert report.reviews == 1 and report.parameters == 0
    assert report.warnings == [
        "parameter event bad: a parameter event whose parameters are not 21 numbers within "
        "FSRS's bounds; not merged"
    ]
    assert b.conn.execute("SELECT COUNT(*) FROM parameter_events").fetchone()[0] == 0

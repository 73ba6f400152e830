"""Scheduling through the store: fsrs integration, replay, undo, the due order and daily limits."""

from __future__ import annotations

from datetime import timedelta

import fsrs
import fsrs.scheduler as fsrs_scheduler
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp import review
from quizapp.schedule import CardState, format_interval, fuzz_for, replay
from quizapp.store import QUEUE_LEARNING, QUEUE_OFF, QUEUE_REVIEW, Store
from quizapp.sync import sync

from .conftest import write_deck


def deck_of(folder, n: int, *, new_per_day: int = 10, retention: float = 0.9) -> None:
    cards = "\n".join(f"## Question {i}\n<!-- id: q{i} -->\nAnswer {i}\n" for i in range(n))
    write_deck(
        folder, "deck.md", f"---\nnew_per_day: {new_per_day}\nretention: {retention}\n---\n{cards}"
    )


@pytest.fixture
def loaded(store: Store, tmp_path, now) -> Store:
    deck_of(tmp_path, 5, retention=0.85)
    assert sync(store, [tmp_path], now).ok
    return store


def test_answers_match_fsrs_called_directly(loaded, now, monkeypatch):
    """The same ratings at the same times give exactly fsrs's card, fuzz included."""
    ratings = [3, 3, 1, 3, 4, 2, 3, 3]
    scheduler = fsrs.Scheduler(desired_retention=0.85, enable_fuzzing=True)
    direct = fsrs.Card(card_id=0)
    moment = now
    for rating in ratings:
        answered = review.answer(loaded, "q0", rating, moment)
        fuzz = fuzz_for(answered.review_id)
        monkeypatch.setattr(fsrs_scheduler, "random", lambda fuzz=fuzz: fuzz)
        direct, _ = scheduler.review_card(direct, fsrs.Rating(rating), moment)
        stored = review.get_state(loaded, "q0")
        assert stored.state == direct.state.value
        assert stored.step == direct.step
        assert stored.stability == direct.stability
        assert stored.difficulty == direct.difficulty
        assert stored.due == direct.due
        assert stored.last_review == direct.last_review
        moment = direct.due + timedelta(hours=1)
    assert review.get_state(loaded, "q0").lapses == 1  # the Again came while in Review


def test_fuzz_is_real_but_fixed_by_the_review_id():
    """Different review ids spread a long interval; the same id always gives the same due."""
    from datetime import UTC, datetime

    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    mature = replay([("00000000-0000-4000-8000-000000000001", t0, 4)], 0.9)
    later = t0 + timedelta(days=30)
    ids = [f"00000000-0000-4000-8000-{n:012x}" for n in (1, 2**40, 2**47, 2**47 + 2**46)]
    dues = set()
    for rid in ids:
        from quizapp.schedule import apply_rating

        first = apply_rating(mature, 3, later, rid, 0.9)
        again = apply_rating(mature, 3, later, rid, 0.9)
        assert first == again
        dues.add(first.due)
    assert len(dues) > 1


def test_rebuild_reproduces_every_schedule_exactly(loaded, now):
    moment = now
    for day in range(40):
        for card in ("q0", "q1", "q2"):
            if review.get_state(loaded, card).due <= moment:
                review.answer(loaded, card, [3, 1, 4, 2][(day + len(card)) % 4], moment)
        moment += timedelta(days=1, minutes=7)
    before = [tuple(r) for r in loaded.conn.execute("SELECT * FROM schedule ORDER BY card_id")]
    loaded.conn.execute("UPDATE schedule SET stability = 0, due = '2000-01-01T00:00:00+00:00'")
    review.rebuild(loaded)
    after = [tuple(r) for r in loaded.conn.execute("SELECT * FROM schedule ORDER BY card_id")]
    assert after == before


def test_undo_restores_the_previous_schedule_exactly(loaded, now):
    review.answer(loaded, "q0", 3, now)
    second = now + timedelta(minutes=11)
    before = review.get_state(loaded, "q0")
    answered = review.answer(loaded, "q0", 1, second)
    assert review.get_state(loaded, "q0") != before
    restored = review.undo(loaded, answered.review_id, second)
    assert restored == before == review.get_state(loaded, "q0")
    # The undone review stays in the log, marked, and is left out of a rebuild.
    assert [h["undone"] for h in review.history(loaded, "q0")] == [0, 1]
    review.rebuild(loaded)
    assert review.get_state(loaded, "q0") == before


def test_undo_of_a_first_answer_makes_the_card_new_again(loaded, now):
    answered = review.answer(loaded, "q3", 3, now)
    review.undo(loaded, answered.review_id, now)
    state = review.get_state(loaded, "q3")
    assert state == CardState() and state.is_new
    assert review.new_allowance(loaded, now)["deck"] == 10


def test_due_order_learning_then_reviews_then_new(store, tmp_path, now):
    deck_of(tmp_path, 4)
    sync(store, [tmp_path], now)
    # q1 becomes a review card due now, q2 a learning card due now; q0, q3 stay new.
    review.answer(store, "q1", 4, now - timedelta(days=30))
    review.answer(store, "q2", 1, now - timedelta(minutes=30))
    assert review.get_state(store, "q1").queue == QUEUE_REVIEW
    assert review.get_state(store, "q2").queue == QUEUE_LEARNING
    order = []
    for _ in range(4):
        card = review.next_card(store, now, exclude=order)
        order.append(card)
    assert order == ["q2", "q1", "q0", "q3"]


def test_new_cards_respect_the_daily_limit(store, tmp_path, now):
    deck_of(tmp_path, 6, new_per_day=2)
    sync(store, [tmp_path], now)
    shown = []
    while (card := review.next_card(store, now)) is not None:
        review.answer(store, card, 4, now)  # Easy graduates straight to review
        shown.append(card)
    assert shown == ["q0", "q1"]
    counts = review.deck_counts(store, now)
    assert [(c.deck, c.new, c.total) for c in counts] == [("deck", 0, 6)]
    tomorrow = now + timedelta(days=1)
    assert review.next_card(store, tomorrow) == "q2"


def test_bury_hides_a_card_until_tomorrow(loaded, now):
    before = {c.deck: c for c in review.deck_counts(loaded, now)}
    review.bury(loaded, "q0", now)
    assert review.next_card(loaded, now) == "q1"
    assert review.next_card(loaded, now + timedelta(days=1)) == "q0"
    # Not today's work any more, but still one of the deck's cards (Home agrees with Browse).
    after = {c.deck: c for c in review.deck_counts(loaded, now)}
    deck = next(iter(before))
    assert after[deck].total == before[deck].total
    assert after[deck].new == before[deck].new - 1 or after[deck].new == before[deck].new


def test_learning_card_due_soon_is_shown_ahead_when_nothing_else_is_left(store, tmp_path, now):
    deck_of(tmp_path, 1)
    sync(store, [tmp_path], now)
    review.answer(store, "q0", 1, now)  # Again: due in a minute
    assert review.next_card(store, now) == "q0"


def test_quiz_answers_are_logged_but_leave_the_schedule_alone(loaded, now):
    before = review.get_state(loaded, "q0")
    review.answer(loaded, "q0", 1, now, mode="quiz", typed="x", score=0.2)
    assert review.get_state(loaded, "q0") == before
    assert [h["mode"] for h in review.history(loaded, "q0")] == ["quiz"]


def test_bad_rating_is_rejected_without_writing(loaded, now):
    with pytest.raises(ValueError):
        review.answer(loaded, "q0", 5, now)
    assert loaded.conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 0


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 4), st.integers(0, 60 * 24 * 40)), min_size=1, max_size=12)
)
def test_replay_of_any_log_equals_the_live_schedule(tmp_path_factory, steps):
    from datetime import UTC, datetime

    folder = tmp_path_factory.mktemp("deck")
    deck_of(folder, 1)
    store = Store.memory()
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    sync(store, [folder], moment)
    for rating, gap_minutes in steps:
        moment += timedelta(minutes=gap_minutes)
        review.answer(store, "q0", rating, moment)
    live = review.get_state(store, "q0")
    review.rebuild(store)
    assert review.get_state(store, "q0") == live
    store.close()


def test_clock_going_backwards_still_matches_a_rebuild(loaded, now):
    """An answer stamped before (or at) the previous one is replayed in log order, not applied."""
    review.answer(loaded, "q0", 3, now)
    review.answer(loaded, "q0", 3, now + timedelta(days=3))
    review.answer(loaded, "q0", 1, now + timedelta(days=1))  # the clock was reset
    review.answer(loaded, "q0", 2, now + timedelta(days=1))  # same instant as the last one
    live = review.get_state(loaded, "q0")
    review.rebuild(loaded)
    assert review.get_state(loaded, "q0") == live
    assert live.reps == 4


def test_counts_include_the_learning_card_next_card_serves_ahead(store, tmp_path, now):
    deck_of(tmp_path, 1)
    sync(store, [tmp_path], now)
    review.answer(store, "q0", 1, now)  # Again: due in a minute, served ahead of time
    assert review.next_card(store, now) == "q0"
    (counts,) = review.deck_counts(store, now)
    assert (counts.learning, counts.due, counts.new) == (1, 0, 0)


def queue_of(store: Store, card_id: str) -> int:
    """The stored queue column (``CardState.queue`` is derived from the FSRS state alone)."""
    return store.conn.execute(
        "SELECT queue FROM schedule WHERE card_id = ?", (card_id,)
    ).fetchone()[0]


def test_a_suspended_card_stays_off_the_queues_through_answer_undo_and_rebuild(loaded, now):
    """Answered in a session that began before it was suspended, undone, rebuilt: still off."""
    review.answer(loaded, "q0", 3, now)
    review.set_suspended(loaded, "q0", True)
    later = now + timedelta(minutes=11)
    answered = review.answer(loaded, "q0", 3, later)
    assert queue_of(loaded, "q0") == QUEUE_OFF
    review.undo(loaded, answered.review_id, later)
    assert queue_of(loaded, "q0") == QUEUE_OFF
    review.rebuild(loaded)
    assert queue_of(loaded, "q0") == QUEUE_OFF
    review.set_suspended(loaded, "q0", False)
    assert queue_of(loaded, "q0") == QUEUE_LEARNING


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, "1m"),
        (5.5 * 60, "6m"),  # half up, not to even: 5.5 minutes and 6.5 minutes read 6m and 7m
        (6.5 * 60, "7m"),
        (59.6 * 60, "1h"),  # never "60m"
        (23.6 * 3600, "1d"),  # never "24h"
        (24 * 3600, "1d"),
        (29.6 * 86400, "1.0mo"),  # never "30d"
        (45 * 86400, "1.5mo"),
        (360 * 86400, "1.0y"),  # never "12.0mo"
        (400 * 86400, "1.1y"),
    ],
)
def test_intervals_read_in_the_unit_they_round_to(seconds, shown):
    assert format_interval(timedelta(seconds=seconds)) == shown

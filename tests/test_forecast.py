"""The 30-day workload forecast: expected answers per study day under the settings in force."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import fsrs
import pytest

from quizapp import forecast, review, stats
from quizapp.fitting import events
from quizapp.forecast import NewCards, SeenCard
from quizapp.schedule import CardState, Settings
from quizapp.sync import sync

from .conftest import write_deck

NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")
DEFAULT = Settings()


def review_card(due: datetime, stability: float, *, last_review: datetime | None = None):
    """A card in review, last seen ``stability`` days before ``due`` unless told otherwise."""
    last = last_review or due - timedelta(days=stability)
    state = CardState(
        state=fsrs.State.Review.value,
        step=None,
        stability=stability,
        difficulty=5.0,
        due=due,
        last_review=last,
        reps=3,
    )
    return SeenCard(state, DEFAULT, due)


def sure(due: datetime) -> SeenCard:
    """A card its owner is all but certain to recall (huge stability, seen the day before):
    answered once, Good, and not back within the window, so counts are exact."""
    return review_card(due, 5000.0, last_review=due - timedelta(days=1))


def counts(result) -> list[float]:
    return [round(day.total, 6) for day in result.days]


def test_overdue_and_later_today_count_on_day_0_and_tomorrow_on_day_1():
    seen = [
        sure(NOW - timedelta(days=3)),  # overdue: answered now
        sure(NOW + timedelta(hours=10)),  # 22:00 today
        sure(datetime(2026, 6, 11, 3, 59, tzinfo=UTC)),  # before 04:00: still today's study day
        sure(datetime(2026, 6, 11, 4, 0, tzinfo=UTC)),  # tomorrow's
    ]
    result = forecast.forecast(seen, [], NOW, days=5, zone=UTC_ZONE)
    assert [d.day for d in result.days] == [date(2026, 6, 10) + timedelta(days=i) for i in range(5)]
    assert counts(result) == [3, 1, 0, 0, 0]
    assert result.overdue == 1


def test_day_boundaries_are_local_study_days_across_a_dst_change():
    """Berlin moves its clocks forward on 29 March 2026: 04:00 local is 02:00 UTC that day
    and 03:00 UTC the day before; each card lands on the study day quizapp.clock says."""
    berlin = ZoneInfo("Europe/Berlin")
    now = datetime(2026, 3, 27, 10, 0, tzinfo=UTC)

    def local(day: int, hour: int, minute: int = 0) -> datetime:
        return datetime(2026, 3, day, hour, minute, tzinfo=berlin).astimezone(UTC)

    just_before = local(29, 3, 59)  # study day 28 March
    at_start = local(29, 4)  # study day 29 March
    seen = [sure(just_before), sure(at_start), sure(local(28, 3, 59))]
    result = forecast.forecast(seen, [], now, days=4, zone=berlin)
    assert counts(result) == [1, 1, 1, 0]  # 27th (03:59 on the 28th), 28th, 29th


def test_a_young_card_comes_back_within_the_window():
    """Stored due dates count it once; answered today with a two-day memory, it is back in about
    a week (Good, 0.9 likely: memory 7.8 days) and sooner after an Again (0.1 likely)."""
    young = review_card(NOW, 2.0)
    result = forecast.forecast([young], [], NOW, days=30, zone=UTC_ZONE)
    assert result.days[0].total >= 1
    assert result.days[8].total >= 0.8
    assert sum(day.total for day in result.days[1:]) > 1.5
    assert result.total == pytest.approx(sum(d.reviews for d in result.days))


def test_forgetting_is_counted_with_its_probability():
    """Due on time the card is recalled with the desired retention (0.9): the Again branch (0.1)
    comes back for its relearning step the same day, so day 0 expects more than one answer."""
    result = forecast.forecast([review_card(NOW, 20.0)], [], NOW, days=30, zone=UTC_ZONE)
    assert 1.05 < result.days[0].total < 1.3


def test_a_higher_desired_retention_means_more_work():
    cards = [review_card(NOW + timedelta(days=i % 5), 3.0 + i % 7) for i in range(20)]

    def total(retention: float) -> float:
        settings = Settings(retention=retention)
        moved = [SeenCard(c.state, settings, c.available) for c in cards]
        return forecast.forecast(moved, [], NOW, zone=UTC_ZONE).total

    assert total(0.97) > total(0.9) > total(0.8)


def test_new_cards_come_in_at_the_daily_limit_with_their_learning_steps():
    """25 waiting, 10 a day, 4 left today: 4, 10, 10, 1. Each one's ten-minute step is answered
    the same day, and it is back for its first review a few days later."""
    decks = [NewCards(DEFAULT, waiting=25, per_day=10, left_today=4)]
    result = forecast.forecast([], decks, NOW, days=10, zone=UTC_ZONE)
    assert [d.new for d in result.days] == [4, 10, 10, 1, 0, 0, 0, 0, 0, 0]
    assert result.days[0].reviews == pytest.approx(4, abs=0.05)  # the learning steps
    assert sum(d.reviews for d in result.days[4:]) > 10  # first reviews after graduating


def test_a_buried_card_counts_when_it_is_back():
    state = sure(NOW - timedelta(days=1)).state
    back = datetime(2026, 6, 11, 4, 0, tzinfo=UTC)
    result = forecast.forecast([SeenCard(state, DEFAULT, back)], [], NOW, days=3, zone=UTC_ZONE)
    assert counts(result) == [0, 1, 0]
    assert result.overdue == 0  # not waiting today: it is buried


def test_text_chart_fits_80_columns_with_a_number_on_every_day():
    decks = [NewCards(DEFAULT, waiting=40, per_day=10, left_today=10)]
    seen = [review_card(NOW + timedelta(days=i % 9), 2.0 + i % 5) for i in range(60)]
    result = forecast.forecast(seen, decks, NOW, zone=UTC_ZONE)
    lines = forecast.text_chart(result, width=80)
    assert all(len(line) <= 80 for line in lines)
    assert lines[0].startswith("today ")
    days = lines[:30]
    for line, day in zip(days, result.days, strict=True):
        # After the 6-wide day label: whole numbers here (the busiest day is over 10).
        assert line[6:].split()[0] == f"{round(day.total):,}" == forecast.number(day.total, 99)
    assert "░" in days[0] and "░" not in days[-1]  # new cards only while some wait
    assert lines[-1].strip() == "█ reviews  ░ new cards"
    busiest = max(result.days, key=lambda d: d.total)
    assert max(len(line) for line in days) == len(days[result.days.index(busiest)])


# -- from the store ----------------------------------------------------------------------------

DECK = "---\nnew_per_day: 2\n---\n" + "".join(
    f"## Q{i}\n<!-- id: q{i} -->\nA{i}\n\n" for i in range(5)
)


@pytest.fixture
def deck_store(store, tmp_path):
    write_deck(tmp_path, "d.md", DECK)
    assert sync(store, [tmp_path], NOW).ok
    return store


def test_the_store_reader_follows_the_schedules_limits_and_settings(deck_store):
    store = deck_store
    review.answer(store, "q0", 3, NOW)  # new card, Good: its ten-minute step is today
    review.bury(store, "q1", NOW)
    review.set_suspended(store, "q2", True)
    result = forecast.workload_forecast(store, NOW, days=30)
    # One new card was seen today, so one more comes today; then q3/q4 split over the next
    # days (q1 is buried, which keeps it new; the suspended q2 never comes).
    assert [d.new for d in result.days[:3]] == [1, 2, 0]
    # The ten-minute learning steps of q0 and of today's new card.
    assert result.days[0].reviews == pytest.approx(2, abs=0.05)
    base = result.total
    events.record(store, events.ParameterEvent(at=NOW, deck=None, retention=0.97))
    assert forecast.workload_forecast(store, NOW, days=30).total > base


def test_the_snapshot_carries_it(deck_store):
    snap = stats.snapshot(deck_store, NOW)
    assert snap.workload == forecast.workload_forecast(deck_store, NOW)

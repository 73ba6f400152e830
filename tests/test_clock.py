"""One study-day rule, right across DST changes, and a clock that ran ahead (issue 15, #7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from quizapp import review, stats
from quizapp.clock import day_start, iso, study_date, study_day_start
from quizapp.sync import sync

from .conftest import write_deck

# (zone, a DST change date there in 2026): spring forward and fall back, north and south,
# a 30-minute shift (Lord Howe) and changes at midnight (Santiago, Havana) or 02:00.
DST_DAYS = [
    ("America/New_York", "2026-03-08"),
    ("America/New_York", "2026-11-01"),
    ("Europe/Berlin", "2026-03-29"),
    ("Europe/Berlin", "2026-10-25"),
    ("Australia/Sydney", "2026-04-05"),
    ("Australia/Sydney", "2026-10-04"),
    ("Australia/Lord_Howe", "2026-04-05"),
    ("America/Santiago", "2026-04-05"),
    ("America/Santiago", "2026-09-06"),
    ("America/Havana", "2026-03-08"),
    ("Asia/Tehran", "2026-06-01"),  # no DST: the plain case
]


def reference_start(now: datetime, zone: ZoneInfo) -> datetime:
    """The latest minute at or before ``now`` whose wall-clock time in ``zone`` is 04:00,
    found by walking back minute by minute: independent of the code under test."""
    moment = now.astimezone(UTC).replace(second=0, microsecond=0)
    while True:
        local = moment.astimezone(zone)
        if (local.hour, local.minute) == (4, 0):
            return moment
        moment -= timedelta(minutes=1)


@pytest.mark.parametrize(("zone_name", "day"), DST_DAYS)
@pytest.mark.parametrize("hour", [0, 1, 3, 5, 12, 23])
def test_day_start_is_4am_local_on_dst_change_days(zone_name, day, hour):
    zone = ZoneInfo(zone_name)
    base = datetime.fromisoformat(day).replace(tzinfo=UTC)
    for offset in (-1, 0, 1):  # the day before, of and after the change, at this local hour
        local = (base + timedelta(days=offset)).astimezone(zone).replace(hour=hour, minute=30)
        now = local.astimezone(UTC)
        expected = reference_start(now, zone)
        assert day_start(now, zone) == expected, (zone_name, local)
        assert study_day_start(study_date(now, zone), zone) == expected


def test_stats_and_review_use_the_same_day_start(monkeypatch):
    """stats.study_day_start and clock.day_start were two implementations that disagreed."""
    assert stats.study_day_start is study_day_start and stats.study_date is study_date


def test_the_local_zone_comes_from_tz(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        now = datetime(2026, 3, 8, 7, 30, tzinfo=UTC)  # 03:30 EDT, after the 02:00 jump
        assert day_start(now) == datetime(2026, 3, 7, 9, 0, tzinfo=UTC)  # 04:00 EST
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_rows_from_a_clock_that_ran_ahead_do_not_count_as_today(tmp_path, file_store):
    """After a clock 3 days ahead is corrected, its rows must not fill today's new-card
    allowance (0 new cards for 3 days) or count as today's reviews."""
    deck = "---\nnew_per_day: 2\n---\n" + "\n".join(
        f"## Q{i}?\n<!-- id: q{i} -->\nA{i}.\n" for i in range(4)
    )
    write_deck(tmp_path / "decks", "deck.md", deck)
    now = datetime(2026, 3, 2, 12, tzinfo=UTC)
    assert sync(file_store, [tmp_path / "decks"], now).ok
    ahead = now + timedelta(days=3)
    for card_id in ("q0", "q1"):
        review.answer(file_store, card_id, 3, ahead)
    assert review.new_allowance(file_store, now) == {"deck": 2}
    assert stats.today(file_store, now).reviews_today == 0
    assert iso(ahead) > iso(now)
    # On the day the clock showed, they do count.
    assert review.new_allowance(file_store, ahead) == {"deck": 0}
    assert stats.today(file_store, ahead).reviews_today == 2

"""Statistics checked against review logs made through the real answer path.

Times are written as local wall-clock times (``local(...)``) because study days are local days that
start at 04:00; the tests then hold in any time zone. June avoids daylight-saving changes.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import fsrs
import pytest

from quizapp import charts, forecast, stats
from quizapp.clock import iso
from quizapp.review import Answered, answer, bury, set_suspended, undo
from quizapp.store import Store
from quizapp.sync import sync

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def local(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A local wall-clock time, as the aware UTC datetime that the core (and fsrs) expects."""
    return datetime(year, month, day, hour, minute).astimezone().astimezone(UTC)


def deck_text(count: int) -> str:
    return "".join(f"## Q{n}\n<!--\nid: q{n}\n-->\nA{n}\n\n" for n in range(1, count + 1))


@pytest.fixture
def cards(store: Store, tmp_path: Path) -> list[str]:
    """Six synced cards in deck 'ml', ids 'q1'..'q6' as stored."""
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "ml.md").write_text(deck_text(6), encoding="utf-8")
    report = sync(store, [folder], local(2026, 5, 1))
    assert report.ok and report.added == 6
    return [row[0] for row in store.conn.execute("SELECT id FROM cards ORDER BY line")]


def add_quiz(store: Store, quiz_id: str, deck: str | None, finished: datetime | None, score):
    started = (finished or local(2026, 6, 1)) - timedelta(minutes=20)
    store.conn.execute(
        "INSERT INTO quizzes (id, deck, started_at, finished_at, questions, score)"
        " VALUES (?, ?, ?, ?, 10, ?)",
        (quiz_id, deck, iso(started), iso(finished) if finished else None, score),
    )


# -- reviews per day ---------------------------------------------------------------------------


def test_reviews_per_day_counts_live_reviews_by_study_day(store, cards):
    day_a, day_b = date(2026, 6, 10), date(2026, 6, 12)
    answer(store, cards[0], 3, local(2026, 6, 10, 9))
    answer(store, cards[1], 3, local(2026, 6, 10, 18))
    answer(store, cards[2], 3, local(2026, 6, 11, 2))  # 02:00: still the study day of the 10th
    answer(store, cards[0], 3, local(2026, 6, 12, 8))
    taken_back = answer(store, cards[1], 1, local(2026, 6, 12, 9))
    undo(store, taken_back.review_id, local(2026, 6, 12, 9, 1))
    answer(store, cards[3], 2, local(2026, 6, 12, 10), mode="quiz")
    now = local(2026, 6, 12, 20)

    days = stats.reviews_per_day(store, now, days=10)

    assert len(days) == 10
    assert days[-1][0] == day_b  # ends with today
    assert days[0][0] == day_b - timedelta(days=9)
    assert {day: count for day, count in days if count} == {day_a: 3, day_b: 1}
    assert days[-1][1] == stats.summary(store, now).reviews_today


def test_reviews_per_day_leaves_out_days_before_the_window(store, cards):
    answer(store, cards[0], 3, local(2026, 6, 1))
    answer(store, cards[1], 3, local(2026, 6, 9))
    days = stats.reviews_per_day(store, local(2026, 6, 10), days=5)
    assert [count for _, count in days] == [0, 0, 0, 1, 0]


def test_streak_counts_consecutive_study_days_up_to_yesterday_or_today(store, cards):
    for day in (3, 5, 6, 7):
        answer(store, cards[0], 3, local(2026, 6, day, 10))
    assert stats.streak(store, local(2026, 6, 7, 22)) == 3  # 5, 6, 7
    assert stats.streak(store, local(2026, 6, 8, 9)) == 3  # today not done yet: still 3
    assert stats.streak(store, local(2026, 6, 9, 9)) == 0  # a day was missed


def test_today_line_counts_todays_answers_and_the_next_due_card(store, cards):
    answer(store, cards[0], 3, local(2026, 6, 6, 10))
    answer(store, cards[1], 4, local(2026, 6, 7, 10))
    answer(store, cards[2], 1, local(2026, 6, 7, 11))  # a learning step, overdue by 11:30
    now = local(2026, 6, 7, 11, 30)
    line = stats.today(store, now)
    assert (line.reviews_today, line.streak_days) == (2, 2)
    dues = [r[0] for r in store.conn.execute("SELECT due FROM schedule WHERE reps > 0")]
    assert line.next_due == min(d for d in (datetime.fromisoformat(x) for x in dues) if d > now)
    full = stats.summary(store, now)
    assert (full.reviews_today, full.streak_days, full.next_due) == (
        line.reviews_today,
        line.streak_days,
        line.next_due,
    )


def test_streak_reads_back_past_its_first_window(store, cards):
    start = local(2026, 6, 20, 10)
    rows = [
        (f"r{n}", cards[n % 6], iso(start - timedelta(days=n)), 3, "review") for n in range(100)
    ]
    store.conn.executemany(
        "INSERT INTO reviews (id, card_id, reviewed_at, rating, mode) VALUES (?, ?, ?, ?, ?)", rows
    )
    assert stats.streak(store, start) == 100
    assert stats.snapshot(store, start).streak_days == 100
    store.conn.execute("INSERT INTO undos (review_id) VALUES ('r40')")
    assert stats.streak(store, start) == 40


# -- due forecast ------------------------------------------------------------------------------


def set_due(store: Store, card_id: str, due: datetime, queue: int = 1) -> None:
    store.conn.execute(
        "UPDATE schedule SET due = ?, queue = ? WHERE card_id = ?", (iso(due), queue, card_id)
    )


def test_due_forecast_counts_due_cards_per_study_day(store, cards):
    now = local(2026, 6, 10, 12)
    set_due(store, cards[0], local(2026, 6, 2, 9))  # overdue: today
    set_due(store, cards[1], local(2026, 6, 10, 23))  # later today
    set_due(store, cards[2], local(2026, 6, 12, 3), queue=0)  # learning, 03:00: study day 11th
    set_due(store, cards[3], local(2026, 6, 12, 10))
    set_due(store, cards[4], local(2026, 6, 12, 10))
    bury(store, cards[1], now)  # buried: comes back tomorrow
    # cards[5] stays new and is not forecast
    forecast = stats.due_forecast(store, now, days=5)
    assert forecast == [
        (date(2026, 6, 10), 1),
        (date(2026, 6, 11), 2),
        (date(2026, 6, 12), 2),
        (date(2026, 6, 13), 0),
        (date(2026, 6, 14), 0),
    ]
    set_suspended(store, cards[3], True)
    assert stats.due_forecast(store, now, days=5)[2] == (date(2026, 6, 12), 1)


def test_due_forecast_follows_the_answers(store, cards):
    now = local(2026, 6, 10, 12)
    learning = answer(store, cards[0], 1, now)  # Again on a new card: back in minutes
    forecast = dict(stats.due_forecast(store, now, days=3))
    assert learning.after.due < now + timedelta(hours=1)
    assert forecast[date(2026, 6, 10)] == 1
    assert sum(forecast.values()) == 1


# -- true retention ----------------------------------------------------------------------------


def bucket_counts(buckets: list[stats.Bucket]) -> dict[str, tuple[int, int]]:
    return {b.label: (b.recalled, b.total) for b in buckets if b.total}


def expected_from_fsrs(answers: list[Answered], now: datetime) -> dict[str, tuple[int, int]]:
    """True retention from the states fsrs itself reported before each answer."""
    counts: dict[str, list[int]] = {}
    for a in answers:
        if a.before.state != fsrs.State.Review.value:
            continue
        elapsed = (a.after.last_review - a.before.last_review).days
        label = next(
            label
            for label, lo, hi in stats.INTERVALS
            if lo <= elapsed and (hi is None or elapsed <= hi)
        )
        entry = counts.setdefault(label, [0, 0])
        entry[0] += a.rating > 1
        entry[1] += 1
    return {label: (ok, total) for label, (ok, total) in counts.items()}


def test_retention_by_interval_matches_the_states_fsrs_reported(store, cards):
    t = local(2026, 5, 1, 10)
    plan = [  # (card index, rating, time)
        (0, 3, t),
        (0, 3, t + timedelta(minutes=10)),  # graduates to Review
        (0, 3, t + timedelta(days=1, hours=1)),  # 1 day
        (0, 1, t + timedelta(days=4, hours=2)),  # 3 days, forgotten -> Relearning
        (0, 3, t + timedelta(days=4, hours=2, minutes=10)),  # relearning step: not counted
        (0, 4, t + timedelta(days=14, hours=3)),  # 10 days
        (1, 3, t),
        (1, 3, t + timedelta(minutes=10)),
        (1, 2, t + timedelta(days=5)),  # 5 days, Hard still counts as recalled
        (1, 1, t + timedelta(days=45)),  # 40 days, forgotten
        (2, 4, t),  # Easy on a new card
        (2, 3, t + timedelta(days=120)),  # 120 days
    ]
    answers = [answer(store, cards[i], rating, when) for i, rating, when in plan]
    now = t + timedelta(days=200)

    got = bucket_counts(stats.retention_by_interval(store, now))

    assert got == expected_from_fsrs(answers, now)
    assert got == {
        "1d": (1, 1),
        "2-3d": (0, 1),
        "4-7d": (1, 1),
        "8-14d": (1, 1),
        "31-90d": (0, 1),
        ">90d": (1, 1),
    }


def test_retention_ignores_undone_and_quiz_answers(store, cards):
    t = local(2026, 5, 1, 10)
    answer(store, cards[0], 3, t)
    answer(store, cards[0], 3, t + timedelta(minutes=10))
    wrong = answer(store, cards[0], 1, t + timedelta(days=2))
    undo(store, wrong.review_id, t + timedelta(days=2, minutes=1))
    answer(store, cards[0], 1, t + timedelta(days=3), mode="quiz")
    answer(store, cards[0], 3, t + timedelta(days=9))  # 9 days after the last live review
    got = bucket_counts(stats.retention_by_interval(store, t + timedelta(days=10)))
    assert got == {"8-14d": (1, 1)}


def test_retention_window_and_both_query_plans_agree(store, cards):
    t = local(2026, 5, 1, 10)
    for i in range(4):
        answer(store, cards[i], 3, t)
        answer(store, cards[i], 3 if i % 2 else 1, t + timedelta(days=2 + i))
        answer(store, cards[i], 3, t + timedelta(days=20 + 3 * i))
    answer(store, cards[0], 1, t + timedelta(days=50))
    now = t + timedelta(days=55)

    everything = stats.retention_by_interval(store, now)
    assert stats.retention_by_interval(store, now, days=60) == everything  # per-review lookup
    assert stats.retention_by_interval(store, now, days=400) == everything  # whole-log pass
    recent = stats.retention_by_interval(store, now, days=30)
    # In the window: card 0 at day 50 (30 days after day 20, forgotten), cards 2 and 3 at days
    # 26 and 29; card 1's day-23 review is older than 30 days.
    assert bucket_counts(recent) == {"15-30d": (2, 3)}
    # Reviews after ``now`` are not counted.
    assert stats.retention_by_interval(store, t + timedelta(days=10)) != everything


def test_summary_retention_is_true_retention_over_30_days(store, cards):
    t = local(2026, 5, 1, 10)
    for i in range(3):
        answer(store, cards[i], 3, t)
        answer(store, cards[i], 1, t + timedelta(days=3))  # before the 30-day window
        answer(store, cards[i], 3 if i else 1, t + timedelta(days=40))
    now = t + timedelta(days=41)
    summary = stats.summary(store, now)
    recent = stats.retention_by_interval(store, now, days=30)
    assert summary.retention_30d == stats.pooled_rate(recent) == pytest.approx(2 / 3)
    assert stats.pooled_rate(stats.retention_by_interval(store, now)) == pytest.approx(2 / 6)
    assert "retention    67%" in stats.summary_text(store, now)


def test_retention_is_none_without_review_state_answers(store, cards):
    answer(store, cards[0], 3, local(2026, 6, 1))
    buckets = stats.retention_by_interval(store, local(2026, 6, 2))
    assert [b.label for b in buckets] == [label for label, _, _ in stats.INTERVALS]
    assert all(b.total == 0 and b.rate is None for b in buckets)
    assert stats.summary(store, local(2026, 6, 2)).retention_30d is None


# -- quiz trend --------------------------------------------------------------------------------


def test_quiz_trend_is_oldest_first_and_filters_by_deck(store):
    add_quiz(store, "c", "ml/basics", local(2026, 6, 3), 0.9)
    add_quiz(store, "a", "ml", local(2026, 6, 1), 0.5)
    add_quiz(store, "b", None, local(2026, 6, 2), 0.7)
    add_quiz(store, "d", "mlops", local(2026, 6, 4), 0.2)
    add_quiz(store, "open", "ml", None, None)  # not finished
    add_quiz(store, "unscored", "ml", local(2026, 6, 5), None)

    trend = stats.quiz_trend(store)
    assert [score for _, score in trend] == [0.5, 0.7, 0.9, 0.2]
    assert trend[0][0] == local(2026, 6, 1)
    assert [score for _, score in stats.quiz_trend(store, deck="ml")] == [0.5, 0.9]
    assert "quiz scores  50%  70%  90%  20%" in stats.summary_text(store, local(2026, 6, 6))


# -- snapshot and PNG export -------------------------------------------------------------------


def test_snapshot_holds_what_the_functions_return(store, cards):
    now = local(2026, 6, 10, 12)
    answer(store, cards[0], 3, now - timedelta(hours=1))
    add_quiz(store, "q", "ml", now - timedelta(days=1), 0.8)
    snap = stats.snapshot(store, now)
    assert list(snap.reviews_per_day) == stats.reviews_per_day(store, now)
    assert snap.workload == forecast.workload_forecast(store, now)
    assert list(snap.retention) == stats.retention_by_interval(store, now)
    assert list(snap.quiz_trend) == stats.quiz_trend(store)
    assert snap.reviews_today == 1 and snap.streak_days == 1


def assert_pngs(paths: list[Path], folder: Path) -> None:
    assert sorted(p.name for p in paths) == sorted(charts.FILES.values())
    for path in paths:
        assert path.parent == folder
        data = path.read_bytes()
        assert data.startswith(PNG_MAGIC), path
        assert len(data) > 5_000, path  # a drawn chart, not an empty canvas


def test_export_all_writes_four_pngs(store, cards, tmp_path):
    t = local(2026, 5, 1, 10)
    for i, card in enumerate(cards):
        answer(store, card, 3, t + timedelta(days=i))
        answer(store, card, 3 if i % 3 else 1, t + timedelta(days=10 + 2 * i))
    for n in range(5):
        add_quiz(store, f"quiz{n}", "ml", t + timedelta(days=3 * n), 0.5 + n / 10)
    folder = tmp_path / "out" / "charts"
    assert_pngs(charts.export_all(store, t + timedelta(days=30), folder), folder)


def test_export_all_draws_an_empty_store(store, tmp_path):
    assert_pngs(charts.export_all(store, local(2026, 6, 1), tmp_path), tmp_path)


def test_charts_png_functions_accept_the_plain_series(tmp_path):
    days = [(date(2026, 1, 1) + timedelta(days=i), i % 5) for i in range(120)]
    heatmap = charts.heatmap_png(days, tmp_path / "h.png")
    workload = forecast.Forecast(
        tuple(forecast.ForecastDay(day, count * 1.5, count % 2) for day, count in days[:30]), 2
    )
    drawn = charts.workload_png(workload, tmp_path / "f.png")
    assert heatmap.read_bytes().startswith(PNG_MAGIC)
    assert drawn.read_bytes().startswith(PNG_MAGIC)


def test_importing_stats_and_charts_pulls_in_no_ui_and_no_plotting():
    code = (
        "import sys, quizapp.stats, quizapp.charts\n"
        "heavy = {'textual', 'rich', 'matplotlib', 'numpy'} & set(sys.modules)\n"
        "print(sorted(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_counts_in_messages_read_as_english():
    from quizapp.wording import plural

    assert plural(1, "day") == "1 day" and plural(11, "day") == "11 days"
    assert plural(1, "quiz") == "1 quiz" and plural(3, "quiz") == "3 quizzes"
    assert plural(0, "file") == "0 files" and plural(12_000, "card") == "12,000 cards"

"""Interview-date mode: front-loaded new cards, reviews pulled earlier, warnings, the forecast."""

from __future__ import annotations

from datetime import timedelta

import fsrs
from click.testing import CliRunner

from quizapp.cli import main
from quizapp.planning.chart import text_chart
from quizapp.planning.costs import Costs
from quizapp.planning.planner import plan_cards
from quizapp.store import Store

from .conftest import NOW
from .plan_learner import deck, study

COSTS = Costs(20, 3)


def _reviewed(scheduler: fsrs.Scheduler, stability: float, days_ago: float) -> fsrs.Card:
    card = fsrs.Card(card_id=1, state=fsrs.State.Review, stability=stability, difficulty=5.0)
    card.last_review = NOW - timedelta(days=days_ago)
    card.due = card.last_review + timedelta(days=stability * 1.0)
    return card


def test_new_cards_come_first_and_weak_reviews_are_pulled_earlier():
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    cards = {f"n{i}": None for i in range(10)}
    cards["weak"] = _reviewed(scheduler, 3.0, 1)  # due in 2 days, weak by the date
    cards["strong"] = _reviewed(scheduler, 200.0, 1)
    target = NOW + timedelta(days=10)
    plan = plan_cards(scheduler, cards, NOW, target, 30, COSTS)
    first = plan.days[0]
    assert set(first.new) == {f"n{i}" for i in range(10)}  # all new cards on day one
    assert plan.never_studied == 0 and plan.warning is None
    # The weak card's FSRS due date is two days out, but the plan reviews it today already
    # and keeps it fresh; the strong card, safe anyway, is left (nearly) alone.
    assert "weak" in first.reviews
    assert sum("weak" in day.reviews for day in plan.days) >= 5
    assert sum("strong" in day.reviews for day in plan.days) <= 1
    assert plan.recall_on_date > plan.recall_now
    assert [d.recall_on_date for d in plan.days] == sorted(d.recall_on_date for d in plan.days)
    assert all(d.minutes <= 30 + 1e-9 for d in plan.days)


def test_a_budget_too_small_for_the_deck_is_reported():
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    cards = {f"n{i}": None for i in range(100)}
    plan = plan_cards(scheduler, cards, NOW, NOW + timedelta(days=3), 5, COSTS)
    assert plan.never_studied == 100 - 3 * 5  # 1 min per new card, 5 a day, 3 days
    assert plan.warning and "85 of 100 card(s) would never be studied" in plan.warning


def test_the_plan_beats_plain_fsrs_on_the_date(tmp_path):
    """The benchmark's claim, on two learners: higher predicted recall on the date."""
    for seed in (0, 1):
        plain = study("plain", tmp_path, NOW, days=14, minutes=20, seed=seed)
        planned = study("plan", tmp_path, NOW, days=14, minutes=20, seed=seed)
        assert planned > plain + 0.02, (seed, plain, planned)


def test_plan_command_prints_the_forecast_and_draws_it(tmp_path, monkeypatch):
    db = tmp_path / "q.db"
    deck(tmp_path / "decks", 12, 10)
    from quizapp.sync import sync

    with Store.open(db) as store:
        assert sync(store, [tmp_path / "decks"], NOW).ok
    monkeypatch.setattr("quizapp.cli.plan_cmd.sync_or_exit", lambda store, quiet: None)
    when = (NOW + timedelta(days=5)).date()
    monkeypatch.setattr("quizapp.cli.plan_cmd.utc_now", lambda: NOW)
    png = tmp_path / "plan.png"
    result = CliRunner().invoke(
        main,
        [
            "--db",
            str(db),
            "plan",
            "--date",
            f"{when}",
            "--minutes-per-day",
            "20",
            "--png",
            str(png),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "12 card(s), 20 min a day" in result.output
    assert "recall on the date" in result.output and "█" in result.output
    assert "Predicted recall on the date:" in result.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    lines = [line for line in result.output.splitlines() if not line.startswith("chart: ")]
    assert max(len(line) for line in lines) <= 80


def test_plan_rejects_a_past_date_in_one_line(tmp_path):
    result = CliRunner().invoke(
        main, ["--db", str(tmp_path / "q.db"), "plan", "--date", "2020-01-01"]
    )
    assert result.exit_code == 1 and "is not in the future" in result.output


def test_text_chart_fits_80_columns():
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    plan = plan_cards(scheduler, {"a": None}, NOW, NOW + timedelta(days=3), 10, COSTS)
    assert all(len(line) <= 80 for line in text_chart(plan))


def test_the_apps_fields_are_checked_with_a_fix_for_each_bad_value():
    import pytest

    from quizapp.planning.request import PlanRequestError, default_date, parse_request

    request = parse_request(f"{default_date(NOW):%Y-%m-%d}", "12.5", NOW)
    assert request.minutes_per_day == 12.5 and request.target.hour == 9
    assert timedelta(days=13) < request.target - NOW < timedelta(days=15)
    bad = [
        ("2026-1-99", "30", "is not a date; type YYYY-MM-DD"),
        ("", "30", "an empty date is not a date"),
        (f"{NOW:%Y-%m-%d}", "30", "is not in the future"),
        (f"{NOW.year + 2}-01-01", "30", "more than a year ahead"),
        (f"{default_date(NOW)}", "nan", "is not a number"),
        (f"{default_date(NOW)}", "0.5", "out of range; give 1 to 1440 minutes"),
    ]
    for day, minutes, message in bad:
        with pytest.raises(PlanRequestError, match=message):
            parse_request(day, minutes, NOW)

"""p on Home: the interview-date plan for the highlighted deck, computed in a worker."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from quizapp.tui.plan_screen import PlanScreen

from .conftest import settle


def _text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def _type(pilot, selector: str, text: str) -> None:
    field = pilot.app.screen.query_one(selector, Input)
    field.value = ""
    field.focus()
    await pilot.press(*text)


async def _planned(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_p_plans_the_highlighted_deck_two_weeks_out(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#decks", DataTable)
        table.move_cursor(row=table.get_row_index("drills"))
        await pilot.press("p")
        await _planned(pilot)
        assert isinstance(app.screen, PlanScreen)
        assert app.screen.deck == "drills"
        assert app.screen.query_one("#plan-date", Input).value == "2026-03-16"
        summary = _text(app, "#plan-summary")
        assert "Until Mon 16 Mar 2026 09:00: 4 cards, 30 min a day, 14 study days." in summary
        chart = _text(app, "#plan-chart").splitlines()
        assert chart[0].split()[:4] == ["day", "new", "rev", "min"]
        assert len(chart) == 1 + 14
        # Day one learns all four new cards; every row prints its recall as a number.
        assert chart[1].startswith("Mon 02 Mar    4    0")
        assert all(line.rstrip().endswith("%") for line in chart[1:])
        assert max(len(line) for line in chart) <= 78
        assert not app.screen.query_one("#plan-warning").display
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PlanScreen)


async def test_bad_input_gets_one_line_and_keeps_the_last_plan(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await _planned(pilot)
        chart = _text(app, "#plan-chart")
        await _type(pilot, "#plan-date", "2026-02-30")
        await pilot.press("enter")
        await _planned(pilot)
        assert app.screen.query_one("#plan-error").display
        error = _text(app, "#plan-error")
        assert error.startswith("✗ Date: '2026-02-30' is not a date; type YYYY-MM-DD")
        assert _text(app, "#plan-chart") == chart
        await _type(pilot, "#plan-date", "2026-03-01")
        await pilot.press("enter")
        assert "is not in the future" in _text(app, "#plan-error")
        await _type(pilot, "#plan-date", "2026-03-09")
        await _type(pilot, "#plan-minutes", "lots")
        await pilot.press("enter")
        assert "Minutes a day: 'lots' is not a number" in _text(app, "#plan-error")
        await _type(pilot, "#plan-minutes", "20")
        await pilot.press("enter")
        await _planned(pilot)
        assert not app.screen.query_one("#plan-error").display
        assert "5 cards, 20 min a day, 7 study days." in _text(app, "#plan-summary")


async def test_a_budget_too_small_for_the_deck_is_warned_about(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await _planned(pilot)
        await _type(pilot, "#plan-date", "2026-03-04")
        await _type(pilot, "#plan-minutes", "1")
        await pilot.press("enter")
        await _planned(pilot)
        warning = app.screen.query_one("#plan-warning")
        assert warning.display
        text = " ".join(_text(app, "#plan-warning").split())
        assert text.startswith("⚠ Warning: 1 minutes a day cannot cover the deck:")
        assert "of 5 card(s) would never be studied" in text
        assert "Raise the minutes a day" in text


async def test_a_deck_with_nothing_to_plan_says_so(app_factory, deck_dir):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(PlanScreen(app.store, app.clock, "nosuchdeck", db_path=app.db_path))
        await _planned(pilot)
        assert app.screen.query_one("#plan-error").display
        assert _text(app, "#plan-error") == "✗ no cards to plan for in deck nosuchdeck."

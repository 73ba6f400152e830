"""The interview-date plan (p on Home): 'quizapp plan' for the highlighted deck, in the app.

Two fields, the interview date and the minutes a day, start at a plan two weeks out at 30
minutes, which is computed at once. Enter re-plans with what was typed; a bad value gets one
line saying how to fix it, and the last good plan stays on screen. The planner walks every day
of the plan over every card, so it runs in a thread worker on its own store connection and the
screen stays responsive. The plan saves nothing, as on the command line: studying makes
ordinary reviews, so there is no plan date to remember or clear.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from quizapp.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from quizapp.planning.planner import Plan
    from quizapp.planning.request import PlanRequest
    from quizapp.store import Store

ADVICE = "Raise the minutes a day, or plan a smaller deck (pick it on Home)."


class PlanScreen(Screen[None]):
    """A deck's plan until an interview date: predicted recall on the date, day by day."""

    CSS_PATH = "plan_screen.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "plan", "Plan"),
        Binding("tab", "app.focus_next", "Next field", key_display="tab"),
        Binding("escape", "back", "Back"),
    ]

    @dataclass
    class Planned(Message):
        """The plan worker finished request number ``serial``."""

        serial: int
        plan: Plan | None
        error: str = ""

    def __init__(
        self,
        store: Store,
        now: Callable[[], datetime],
        deck: str | None,
        *,
        db_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.now = now
        self.deck = deck
        self.db_path = db_path
        self.serial = 0  # the latest request; an older worker's answer is dropped
        self.plan: Plan | None = None

    def compose(self) -> ComposeResult:
        from quizapp.planning.request import DEFAULT_MINUTES, default_date

        scope = f"deck {self.deck}" if self.deck else "all decks"
        yield Static(f"Interview plan  ·  {scope}", id="plan-title", markup=False)
        with Horizontal(id="plan-form"):
            yield Label("Interview date ")
            yield Input(
                f"{default_date(self.now()):%Y-%m-%d}",
                placeholder="YYYY-MM-DD",
                id="plan-date",
                compact=True,
                max_length=10,
            )
            yield Label("  Minutes a day ")
            yield Input(f"{DEFAULT_MINUTES:g}", id="plan-minutes", compact=True, max_length=6)
        yield Static("enter plans · tab moves between the fields · esc goes back", id="plan-hint")
        yield Static(id="plan-error", markup=False)
        yield Static("Planning…", id="plan-summary", markup=False)
        with VerticalScroll(id="plan-chart-box"):
            yield Static(id="plan-chart", markup=False)
        yield Static(id="plan-warning", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#plan-error").display = False
        self.query_one("#plan-warning").display = False
        self.query_one("#plan-date", Input).focus()
        self.action_plan()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_plan()

    def action_plan(self) -> None:
        """Check both fields, then plan in a worker (here, for a store that lives in memory)."""
        from quizapp.planning.request import PlanRequestError, parse_request

        now = self.now()
        try:
            request = parse_request(
                self.query_one("#plan-date", Input).value,
                self.query_one("#plan-minutes", Input).value,
                now,
            )
        except PlanRequestError as exc:
            self.show_error(str(exc))
            return
        self.show_error("")
        self.serial += 1
        self.query_one("#plan-summary", Static).update(
            f"Planning until {request.target:%a %d %b %Y}…"
        )
        if self.db_path is None:  # an in-memory store cannot cross threads
            self.post_message(self._compute(self.store, now, request, self.serial))
            return
        self._worker(self.db_path, now, request, self.serial)

    @work(thread=True, exclusive=True, group="plan", exit_on_error=False)
    def _worker(self, path: Path, now: datetime, request: PlanRequest, serial: int) -> None:
        from quizapp.store import Store

        try:
            # Read-only work on its own connection: sqlite3 connections cannot cross threads.
            with Store.open(path, migrate=False, check="none") as store:
                message = self._compute(store, now, request, serial)
        except Exception as exc:  # a failed plan must not close the app
            message = self.Planned(serial, None, f"The plan failed: {type(exc).__name__}: {exc}")
        self.post_message(message)

    def _compute(self, store: Store, now: datetime, request: PlanRequest, serial: int) -> Planned:
        from quizapp.planning.planner import build_plan

        try:
            plan = build_plan(store, now, request.target, request.minutes_per_day, deck=self.deck)
        except ValueError as exc:  # no cards to plan for
            where = f"deck {self.deck}" if self.deck else "any deck"
            return self.Planned(serial, None, f"{exc} in {where}.")
        return self.Planned(serial, plan)

    def on_plan_screen_planned(self, message: Planned) -> None:
        if message.serial != self.serial:
            return
        if message.plan is None:
            self.query_one("#plan-summary", Static).update("")
            self.show_error(message.error)
            return
        self.show_plan(message.plan)

    def show_plan(self, plan: Plan) -> None:
        from quizapp.planning.chart import text_chart
        from quizapp.wording import plural

        self.plan = plan
        self.query_one("#plan-summary", Static).update(
            f"Until {plan.target:%a %d %b %Y} 09:00: {plural(plan.cards, 'card')}, "
            f"{plan.minutes_per_day:g} min a day, {plural(len(plan.days), 'study day')}.\n"
            f"Predicted recall on the date: {plan.recall_on_date:.1%} with the plan, "
            f"{plan.recall_now:.1%} if you stop now."
        )
        self.query_one("#plan-chart", Static).update("\n".join(text_chart(plan)))
        warning = self.query_one("#plan-warning", Static)
        if plan.warning:
            warning.update(textwrap.fill(f"⚠ Warning: {plan.warning} {ADVICE}", 78))
        warning.display = bool(plan.warning)

    def show_error(self, error: str) -> None:
        line = self.query_one("#plan-error", Static)
        line.update(f"✗ {error}" if error else "")
        line.display = bool(error)

    def action_back(self) -> None:
        self.dismiss()

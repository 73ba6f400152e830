"""The mock interview: a short setup, N questions one after another, then the report.

Like an interview, nothing is revealed between questions: submitting saves the answer (a review
row with ``mode='quiz'``, which leaves the schedule alone) and the next question appears. Ending
early or running out of time goes straight to the report, where the questions not reached count
0. The report is :func:`quizapp.quiz.finish`'s, built from the stored rows, so the screen shows
what was saved. Every time comes from the app's clock, so tests with a stopped clock see 0 s.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Button, ContentSwitcher, Input, Label, Markdown, Static

from quizapp import grading
from quizapp import quiz as quiz_core
from quizapp.cards import Card, CardType
from quizapp.review import get_card
from quizapp.tui.widgets.answer_inputs import AnswerBox, ChoicePicker, ClozeInputs, answer_input
from quizapp.tui.widgets.deck_markdown import DeckMarkdown
from quizapp.tui.widgets.key_bar import KeyBar
from quizapp.wording import plural

if TYPE_CHECKING:
    from quizapp.store import Store
    from quizapp.tui.app import QuizApp

SETUP, QUESTION, REPORT = "setup", "question", "report"
DEFAULT_QUESTIONS = 8
ANSWER_INPUTS = (AnswerBox, ClozeInputs, ChoicePicker)


class QuizScreen(Screen[None]):
    """One mock interview over a deck (or all decks)."""

    CSS_PATH = "quiz_screen.tcss"
    AUTO_FOCUS = None

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority, so the answer box's own ctrl+s ("Reveal" in a review) does not show or run.
        Binding("ctrl+s", "submit", "Submit", priority=True, key_display="^s"),
        Binding("escape", "end", "End quiz"),
        Binding("escape", "home", "Home"),
        Binding("up", "scroll(-1)", "Scroll up", show=False),
        Binding("down", "scroll(1)", "Scroll down", show=False),
        Binding("pageup", "scroll(-10)", "Page up", show=False),
        Binding("pagedown", "scroll(10)", "Page down", show=False),
        Binding("home", "scroll_to(0)", "Top", show=False),
        Binding("end", "scroll_to(1)", "Bottom: the total", show=False),
    ]

    phase: reactive[str] = reactive(SETUP)

    def __init__(self, deck: str | None = None) -> None:
        super().__init__()
        self.deck = deck
        self.card_ids: list[str] = []
        self.quiz_id: str | None = None
        self._shuffle_key = ""
        self.index = 0
        self.current: Card | None = None
        self.deadline: datetime | None = None
        self.report: quiz_core.QuizReport | None = None
        self.available = 0
        self.time_up = False
        self._shown_at: datetime | None = None
        self._timer: Timer | None = None

    @property
    def quiz_app(self) -> QuizApp:
        return self.app  # type: ignore[return-value]

    @property
    def store(self) -> Store:
        store = self.quiz_app.store
        assert store is not None  # the app only opens this screen once the store is ready
        return store

    def compose(self) -> ComposeResult:
        yield Static(id="status", markup=False)
        with ContentSwitcher(initial=SETUP, id="phases"):
            with Vertical(id=SETUP):
                yield Static(Content.from_markup("[b]Mock interview[/b]"), id="setup-title")
                yield Static(id="setup-info", markup=False)
                with Horizontal(classes="field"):
                    yield Label("Questions", classes="field-label")
                    yield Input(str(DEFAULT_QUESTIONS), type="integer", id="count")
                with Horizontal(classes="field"):
                    yield Label("Minutes", classes="field-label")
                    yield Input(placeholder="no limit", type="number", id="minutes")
                yield Button("Start  enter", id="start", variant="primary", compact=True)
            with VerticalScroll(id=QUESTION):
                yield DeckMarkdown(id="prompt")
                yield Vertical(id="input-slot")
            with VerticalScroll(id=REPORT):
                yield Static(id="report-table")
                yield Static(id="report-total", markup=False)
                yield Static("escape goes home", id="report-hint", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        available = len(quiz_core.draw_questions(self.store, 10_000, deck=self.deck))
        where = self.deck or "all decks"
        self.available = available
        if available:
            info = (
                f"{plural(available, 'scorable question')} in {where} "
                "(open, cloze and choice cards). "
                "Nothing is shown between questions; the report comes at the end. "
                "Answers are saved but do not change when cards are due."
            )
        else:
            info = f"No open, cloze or choice cards in {where}, so there is nothing to ask."
        self.query_one("#setup-info", Static).update(info)
        self.query_one("#start", Button).disabled = not available
        self._update_status()
        count = self.query_one("#count", Input)
        count.cursor_blink = self.quiz_app.cursor_blink
        self.query_one("#minutes", Input).cursor_blink = self.quiz_app.cursor_blink
        self.set_focus(count)

    # -- setup -----------------------------------------------------------------------------------

    @on(Input.Submitted, "#count, #minutes")
    @on(Button.Pressed, "#start")
    async def _start_pressed(self) -> None:
        await self.begin()

    def read_setup(self) -> tuple[int, float | None] | None:
        """The number of questions and the time limit typed in the setup; None (and a notice) if
        either cannot be used."""
        count_text = self.query_one("#count", Input).value.strip()
        minutes_text = self.query_one("#minutes", Input).value.strip()
        try:
            count = int(count_text) if count_text else DEFAULT_QUESTIONS
            minutes = float(minutes_text) if minutes_text else None
        except ValueError:
            count, minutes = 0, None
        if count < 1 or (minutes is not None and minutes <= 0):
            self.notify("Questions must be at least 1 and minutes more than 0.", severity="error")
            return None
        return count, minutes

    async def begin(self) -> None:
        """Draw the questions, open the quiz in the store and ask the first one."""
        if self.phase != SETUP or not self.available:
            return
        setup = self.read_setup()
        if setup is None:
            return
        count, minutes = setup
        self.card_ids = quiz_core.draw_questions(self.store, count, deck=self.deck)
        now = self.quiz_app.clock()
        self.quiz_id = quiz_core.start(self.store, self.card_ids, now, deck=self.deck)
        self._shuffle_key = now.isoformat()  # each quiz shows choice options in a new order
        if minutes is not None:
            self.deadline = now + timedelta(minutes=minutes)
            self._timer = self.set_interval(1, self.check_time)
        self.phase = QUESTION
        self.query_one("#phases", ContentSwitcher).current = QUESTION
        await self.present()

    # -- questions -------------------------------------------------------------------------------

    async def present(self) -> None:
        """Show question ``index`` and the input its card type needs, and focus that input."""
        self.current = card = get_card(self.store, self.card_ids[self.index])
        prompt = card.prompt if card.type is CardType.CLOZE else f"## {card.prompt}"
        await self.query_one("#prompt", Markdown).update(prompt)
        slot = self.query_one("#input-slot", Vertical)
        await slot.remove_children()
        widget = self._input_for(card)
        await slot.mount(widget)
        if isinstance(widget, ClozeInputs):
            for field in widget.query(Input):
                field.cursor_blink = self.quiz_app.cursor_blink
            widget.focus_first()
        else:
            self.set_focus(widget)
        self.query_one(f"#{QUESTION}", VerticalScroll).scroll_home(animate=False)
        self._shown_at = self.quiz_app.clock()
        self._update_status()

    def _input_for(self, card: Card) -> Widget:
        """The review's answer inputs, with hints that say submit instead of reveal."""
        order = grading.choice_order(card, self._shuffle_key) if card.choices else None
        widget = answer_input(card, cursor_blink=self.quiz_app.cursor_blink, choice_order=order)
        if isinstance(widget, AnswerBox):
            widget.placeholder = "Type your answer. ctrl+s submits it and asks the next question."
            widget.border_subtitle = "^s submit · esc twice ends the quiz"
        elif isinstance(widget, ChoicePicker):
            widget.border_subtitle = "1-9 pick · enter submit"
        return widget

    def _typed(self) -> str:
        found = self.query("#answer-input")
        widget = found.first() if found else None
        return widget.value if isinstance(widget, ANSWER_INPUTS) else ""

    @on(ClozeInputs.Submitted)
    @on(ChoicePicker.Submitted)
    async def _input_submitted(self) -> None:
        await self.submit()

    async def action_submit(self) -> None:
        if self.phase != QUESTION:
            raise SkipAction()
        await self.submit()

    async def submit(self) -> None:
        """Save the answer to the current question (committed now), then ask the next one."""
        if self.phase != QUESTION:
            return
        self._record(self._typed())
        self.index += 1
        if self.index >= len(self.card_ids):
            await self.show_report()
        else:
            await self.present()

    def _record(self, typed: str) -> None:
        card = self.current
        assert card is not None and self.quiz_id is not None and self._shown_at is not None
        now = self.quiz_app.clock()
        seconds = max((now - self._shown_at).total_seconds(), 0.0)
        verdict = grading.grade(card, typed)
        quiz_core.record(self.store, self.quiz_id, card, typed, verdict, now, seconds=seconds)

    def check_time(self) -> None:
        """Refresh the countdown; at zero, keep what is typed (if anything) and show the report."""
        if self.phase != QUESTION or self.deadline is None:
            return
        if self.quiz_app.clock() < self.deadline:
            self._update_status()
            return
        self.time_up = True
        if self._typed().strip():
            self._record(self._typed())
        self.run_worker(self.show_report(), exclusive=True, group="quiz-report")

    async def action_end(self) -> None:
        """End early: questions not answered yet count 0 in the report."""
        if self.phase != QUESTION:
            raise SkipAction()
        await self.show_report()

    # -- report ----------------------------------------------------------------------------------

    async def show_report(self) -> None:
        if self.phase != QUESTION or self.quiz_id is None:
            return
        if self._timer is not None:
            self._timer.stop()
        self.report = report = quiz_core.finish(
            self.store, self.quiz_id, self.quiz_app.clock(), self.card_ids
        )
        self.current = None
        await self.query_one("#input-slot", Vertical).remove_children()
        self.phase = REPORT
        self.query_one("#phases", ContentSwitcher).current = REPORT
        self.query_one("#report-table", Static).update(report_table(report))
        self.query_one("#report-total", Static).update(total_line(report, self.time_up))
        self.set_focus(None)
        self._update_status()

    def action_home(self) -> None:
        if self.phase == QUESTION:
            raise SkipAction()
        self.dismiss()

    def action_scroll(self, lines: int) -> None:
        if self.phase == SETUP:
            raise SkipAction()
        self.query_one(f"#{self.phase}", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_scroll_to(self, end: int) -> None:
        """home and end: the top of the report, or its bottom where the total is."""
        if self.phase == SETUP:
            raise SkipAction()
        view = self.query_one(f"#{self.phase}", VerticalScroll)
        if end:
            view.scroll_end(animate=False)
        else:
            view.scroll_home(animate=False)

    # -- keys and the status line ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("submit", "end"):
            return self.phase == QUESTION
        if action == "home":
            return self.phase != QUESTION
        return True

    def watch_phase(self, phase: str) -> None:
        self.refresh_bindings()

    def _update_status(self) -> None:
        where = self.deck or "all decks"
        if self.phase == SETUP:
            text = f"Mock interview · {where}"
        elif self.phase == QUESTION:
            text = f"Question {self.index + 1} of {len(self.card_ids)}"
            if self.deadline is not None:
                left = (self.deadline - self.quiz_app.clock()).total_seconds()
                text += f"  │  {clock_text(left)} left"
            if self.current is not None:
                text += f"  │  {self.current.deck} · {self.current.type.value}"
        else:
            text = f"Mock interview report · {where}"
        self.query_one("#status", Static).update(text)


def clock_text(seconds: float) -> str:
    """``m:ss``, never negative."""
    seconds = max(int(seconds), 0)
    return f"{seconds // 60}:{seconds % 60:02d}"


def report_table(report: quiz_core.QuizReport) -> Table:
    """Per question: the score, the time taken and the key points missed (a wrapping table, so
    long prompts and points stay readable at 80 columns)."""
    table = Table(
        expand=True, box=None, padding=(0, 1), leading=1, show_edge=False, header_style="bold"
    )
    table.add_column("#", justify="right", width=2, no_wrap=True)
    table.add_column("Question", ratio=3)
    table.add_column("Score", justify="right", width=5, no_wrap=True)
    table.add_column("Time", justify="right", width=6, no_wrap=True)
    table.add_column("Missed key points", ratio=4)
    for n, result in enumerate(report.results, start=1):
        prompt = result.prompt.splitlines()[0] if result.prompt else ""
        if not result.answered:
            missed = Text("not reached", style="dim italic")
            timing = Text("—", style="dim")
        else:
            missed = Text("\n".join(f"· {m}" for m in result.missed) or "—")
            timing = Text(f"{result.seconds:.0f}s")
        # Text, not str: Rich reads a str cell as markup ("w[i]" would turn italic).
        table.add_row(str(n), Text(prompt), f"{result.score:.0%}", timing, missed)
    return table


def total_line(report: quiz_core.QuizReport, time_up: bool = False) -> str:
    answered = sum(r.answered for r in report.results)
    line = f"Total {report.score:.0%}  ·  {answered} of {len(report.results)} answered"
    if report.change is not None and report.previous is not None:
        line += f"  ·  {report.change:+.0%} against the previous quiz ({report.previous:.0%})"
    else:
        line += "  ·  first quiz of " + (f"deck {report.deck}" if report.deck else "all decks")
    if time_up:
        line += "  ·  time ran out"
    return line

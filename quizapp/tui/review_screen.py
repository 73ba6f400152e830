"""The daily review: question, answer input, reveal with the verdict, then a rating from 1 to 4.

The screen only presents and routes keys. What comes next, how an answer scores and what each
rating schedules are the core's (:class:`quizapp.session.ReviewSession`); every answer is in the
store before the next card appears, so quitting at any moment loses nothing already rated.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Markdown, Static

from quizapp.cards import Card, CardType
from quizapp.errors import HANDLED, explain
from quizapp.schedule import RATINGS, format_interval
from quizapp.session import QUEUE_NAMES, ReviewSession, Verdict
from quizapp.store import BUSY_MESSAGE, StoreBusy
from quizapp.tui.messages import CardShown, SyncFinished
from quizapp.tui.widgets.answer_inputs import (
    AnswerBox,
    BasicHint,
    ChoicePicker,
    ClozeInputs,
    answer_input,
)
from quizapp.tui.widgets.deck_markdown import DeckMarkdown
from quizapp.tui.widgets.key_bar import KeyBar
from quizapp.tui.widgets.rating_bar import RatingBar
from quizapp.tui.widgets.verdict import VerdictView

if TYPE_CHECKING:
    from quizapp.tui.app import QuizApp

LOADING, QUESTION, ANSWER, DONE = "loading", "question", "answer", "done"
ANSWER_INPUTS = (AnswerBox, ClozeInputs, ChoicePicker, BasicHint)
BUSY_RETRY_S = 1.0  # a rebuild commits every quarter second, so a retry soon gets in


class ReviewScreen(Screen[None]):
    """One review session over a deck (or all decks)."""

    CSS_PATH = "review_screen.tcss"
    AUTO_FOCUS = None

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "reveal", "Reveal", key_display="^s"),
        Binding("space", "show_answer", "Show answer"),
        *(Binding(str(n), f"rate({n})", RATINGS[n], show=False) for n in RATINGS),
        Binding("u", "undo", "Undo"),
        Binding("s", "skip", "Skip"),
        Binding("b", "bury", "Bury", show=False),
        Binding("e", "edit", "Edit"),
        Binding("p", "prove", "Prove it"),
        Binding("escape", "home", "Home"),
        Binding("up", "scroll_card(-1)", "Scroll up", show=False),
        Binding("down", "scroll_card(1)", "Scroll down", show=False),
        Binding("pageup", "scroll_card(-10)", "Page up", show=False),
        Binding("pagedown", "scroll_card(10)", "Page down", show=False),
    ]

    phase: reactive[str] = reactive(LOADING)

    def __init__(self, deck: str | None = None) -> None:
        super().__init__()
        self.deck = deck
        self.session: ReviewSession | None = None
        self.verdict: Verdict | None = None
        self.typed = ""
        self.last_note = ""
        self._reload_after_sync = False

    @property
    def quiz_app(self) -> QuizApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="status", markup=False)
        with VerticalScroll(id="card"):
            yield DeckMarkdown(id="prompt")
            yield Vertical(id="input-slot")
            yield Button("Reveal  ^s", id="reveal-button", compact=True)
            yield VerdictView(id="verdict")
            yield DeckMarkdown(id="model-answer")
        yield RatingBar(id="ratings")
        yield KeyBar()

    async def on_mount(self) -> None:
        app = self.quiz_app
        self.session = ReviewSession(app.store, app.clock, deck=self.deck)
        await self.show_next()

    # -- showing cards ---------------------------------------------------------------------------

    async def show_next(self) -> None:
        assert self.session is not None
        card = self.session.next()
        if card is None:
            await self.show_done()
        else:
            await self.present(card)

    async def present(self, card: Card) -> None:
        """Show ``card``'s question and the input its type needs, and focus that input."""
        self.verdict = None
        self.typed = ""
        await self.query_one("#prompt", Markdown).update(self._question_markdown(card))
        slot = self.query_one("#input-slot", Vertical)
        await slot.remove_children()
        widget = self._input_for(card)
        if widget is not None:
            await slot.mount(widget)
        self.query_one("#model-answer", Markdown).display = False
        self.query_one("#verdict", VerdictView).display = False
        self.query_one("#reveal-button").display = card.type is CardType.OPEN
        self.phase = QUESTION
        self._focus_input()
        self.query_one("#card", VerticalScroll).scroll_home(animate=False)
        self._update_status()
        self.post_message(CardShown(card.id))

    def _question_markdown(self, card: Card) -> str:
        """The question as a heading; a cloze card's text (with its gaps) stays a paragraph."""
        if card.type is CardType.CLOZE:
            return card.prompt
        return f"## {card.prompt}"

    def _input_for(self, card: Card) -> Widget:
        return answer_input(card, cursor_blink=self.quiz_app.cursor_blink)

    def _focus_input(self) -> None:
        widget = self._answer_widget()
        if isinstance(widget, ClozeInputs):
            for field in widget.query("Input"):
                field.cursor_blink = self.quiz_app.cursor_blink  # type: ignore[attr-defined]
            widget.focus_first()
        elif isinstance(widget, AnswerBox | ChoicePicker):
            self.set_focus(widget)
        else:
            self.set_focus(None)

    def _answer_widget(self) -> Widget | None:
        found = self.query("#answer-input")
        return found.first() if found else None

    async def show_done(self) -> None:
        self.phase = DONE
        assert self.session is not None
        from quizapp import stats

        summary = stats.summary(self.quiz_app.store, self.quiz_app.clock())
        answered = len(self.session.answers)
        if self.quiz_app.syncing and not answered:
            lines = [
                "## Syncing your decks…",
                "",
                "The first card appears as soon as the sync has read your decks.",
            ]
        else:
            lines = [
                "## Nothing more is due today",
                "",
                f"You answered {answered} card(s) in this session."
                if answered
                else "There is nothing to review right now.",
            ]
            if summary.next_due is not None:
                wait = format_interval(summary.next_due - self.quiz_app.clock())
                lines.append(f"The next card is due in {wait}.")
            if self.quiz_app.syncing:
                lines.append("The decks are still syncing; new cards appear when it finishes.")
        lines += [
            "",
            "Press escape to go home"
            + (", u to undo the last answer." if self.session.can_undo() else "."),
        ]
        await self.query_one("#prompt", Markdown).update("\n".join(lines))
        await self.query_one("#input-slot", Vertical).remove_children()
        for selector in ("#model-answer", "#verdict", "#reveal-button"):
            self.query_one(selector).display = False
        self.set_focus(None)
        self._update_status()

    def _update_status(self) -> None:
        assert self.session is not None
        left = self.session.remaining()
        card = self.session.current
        if card is not None and self.session.state is not None:
            where = f"{card.deck} · {QUEUE_NAMES.get(self.session.state.queue, '')}"
        else:
            where = self.deck or "all decks"
        done = f"{len(self.session.answers)} done"
        if self.last_note:
            done += f" · {self.last_note}"
        counts = f"{left.new} new · {left.learning} learning · {left.due} due"
        self.query_one("#status", Static).update(f"{where}  │  {counts}  │  {done}")

    def watch_phase(self, phase: str) -> None:
        self.query_one("#ratings").display = phase == ANSWER
        self.refresh_bindings()

    # -- actions ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        session = self.session
        card = session.current if session else None
        if action == "reveal":
            return self.phase == QUESTION and card is not None and card.type is not CardType.BASIC
        if action == "show_answer":
            return self.phase == QUESTION and card is not None and card.type is CardType.BASIC
        if action == "rate":
            return self.phase == ANSWER
        if action == "undo":
            return bool(session and session.can_undo())
        if action in ("skip", "bury", "edit"):
            return card is not None and self.phase in (QUESTION, ANSWER)
        if action == "prove":
            return card is not None and card.prove is not None
        return True

    @on(AnswerBox.Submitted)
    @on(ClozeInputs.Submitted)
    @on(ChoicePicker.Submitted)
    @on(Button.Pressed, "#reveal-button")
    async def _submitted(self) -> None:
        await self.action_reveal()

    async def action_show_answer(self) -> None:
        await self.action_reveal()

    async def action_reveal(self) -> None:
        if self.phase != QUESTION or self.session is None or self.session.current is None:
            return
        card = self.session.current
        widget = self._answer_widget()
        self.typed = getattr(widget, "value", "") if isinstance(widget, ANSWER_INPUTS) else ""
        self.verdict = self.session.judge(self.typed)
        if isinstance(widget, ANSWER_INPUTS):
            widget.lock_answer()
        verdict_view = self.query_one("#verdict", VerdictView)
        verdict_view.show(card.type, self.verdict.grade, self.verdict.scorer_error)
        verdict_view.display = True
        model = self.query_one("#model-answer", Markdown)
        model.display = True
        await model.update(self._answer_markdown(card))
        self.query_one("#reveal-button").display = False
        ratings = self.query_one(RatingBar)
        ratings.set_choices(self.verdict.intervals, self.verdict.suggested)
        self.phase = ANSWER
        self.set_focus(ratings)
        self.call_after_refresh(self._scroll_to_verdict)

    def _scroll_to_verdict(self) -> None:
        self.query_one("#card", VerticalScroll).scroll_to_widget(
            self.query_one("#verdict"), animate=False
        )

    def _answer_markdown(self, card: Card) -> str:
        if card.type is CardType.CHOICE and not card.answer.strip():
            return "_No explanation for this card._"
        return card.answer or "_This card has no answer text._"

    @on(RatingBar.Rated)
    async def _rated(self, event: RatingBar.Rated) -> None:
        await self.rate(event.rating)

    async def action_rate(self, rating: int) -> None:
        await self.rate(rating)

    async def rate(self, rating: int) -> None:
        if self.phase != ANSWER or self.session is None or self.session.current is None:
            return
        score = self.verdict.grade.value if self.verdict else None
        try:
            answered = self.session.rate(rating, self.typed, score)
        except StoreBusy:
            # Another quizapp holds the lock: keep the answer on screen and try again shortly.
            self.notify(f"{BUSY_MESSAGE} (your answer is kept)", timeout=2)
            self.set_timer(BUSY_RETRY_S, partial(self.rate, rating))
            return
        except HANDLED as exc:  # disk full, read-only, damaged: the dialog says what to do
            self.quiz_app.fail(explain(exc, db_path=self.quiz_app.db_path))
            return
        wait = format_interval(answered.after.due - self.quiz_app.clock())
        self.last_note = f"{RATINGS[rating]} → {wait}"
        await self.show_next()

    async def action_undo(self) -> None:
        if self.session is None or not self.session.can_undo():
            return
        card = self.session.undo()
        self.last_note = "undone"
        if card is not None:
            await self.present(card)
            self.notify("Answer undone: the card's previous schedule is back.", timeout=3)

    async def action_skip(self) -> None:
        if self.session and self.session.current:
            self.session.skip()
            self.last_note = "skipped"
            await self.show_next()

    async def action_bury(self) -> None:
        if self.session and self.session.current:
            self.session.bury()
            self.last_note = "buried until tomorrow"
            await self.show_next()

    def action_edit(self) -> None:
        if self.session is None or self.session.current is None:
            return
        card = self.session.current
        if self.quiz_app.open_in_editor(Path(card.source), card.line):
            self._reload_after_sync = True

    def on_screen_resume(self) -> None:
        if self.phase == QUESTION:
            self._focus_input()

    @on(SyncFinished)
    async def _synced(self, event: SyncFinished) -> None:
        """After an edit, show the card again as it now reads (same id, so same history)."""
        if self.session is None:
            return
        if self._reload_after_sync:
            self._reload_after_sync = False
            if event.report is None or event.report.problems:
                return  # the app shows the problems; the card stays as it was
            card = self.session.reload()
            if card is None:
                self.notify("That card left its deck (its id changed or it was deleted).")
                await self.show_next()
                return
            kept = self.session.reviews_of_current()
            self.last_note = f"edited · {kept} earlier review(s) kept"
            await self.present(card)
        elif self.phase == DONE:
            await self.show_next()  # the sync may have brought new cards

    def action_prove(self) -> None:
        if self.session is None or self.session.current is None or not self.session.current.prove:
            return
        from quizapp.tui.prove_screen import ProveScreen

        self.app.push_screen(ProveScreen(self.session.current.prove))

    def action_scroll_card(self, lines: int) -> None:
        card = self.query_one("#card", VerticalScroll)
        card.scroll_relative(y=lines, animate=False)

    def action_home(self) -> None:
        self.dismiss()

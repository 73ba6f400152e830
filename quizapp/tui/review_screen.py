"""The daily review: question, answer input, reveal with the verdict, then a rating from 1 to 4.

The screen only presents and routes keys. What comes next, how an answer scores and what each
rating schedules are the core's (:class:`quizapp.session.ReviewSession`); every answer is in the
store before the next card appears, so quitting at any moment loses nothing already rated.

A key press repaints in one frame: each change of card is one batched update that mounts
nothing if it can help it. The question's blocks are re-texted in place; each shape of input
(a text box, n gaps, n options...) is built once and emptied for the next card of that shape;
while a card is on screen the model answer is rendered into its hidden widget and the input the
next card will need is built, hidden. The focus never moves to the rating bar (the screen answers
its keys), as each move of the focus restyles what it leaves and what it enters. An open card's
score is computed in a thread worker (:func:`quizapp.session.safe_grade`, pure, no store), so
the reveal shows the model answer at once and the score when it is ready. Rating before then
waits for the score, so every answer is stored with it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import Reactive, reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Static

from quizapp.cards import Card, CardType
from quizapp.errors import HANDLED, explain
from quizapp.grading import Grade
from quizapp.schedule import RATINGS, format_interval
from quizapp.session import QUEUE_NAMES, ReviewSession, Verdict, safe_grade
from quizapp.store import BUSY_MESSAGE, StoreBusy
from quizapp.tui.messages import CardShown, SyncFinished
from quizapp.tui.widgets.answer_inputs import (
    AnswerBox,
    BasicHint,
    ChoicePicker,
    ClozeInputs,
    answer_input,
    input_shape,
)
from quizapp.tui.widgets.confidence_bar import ConfidenceBar
from quizapp.tui.widgets.deck_markdown import DeckMarkdown
from quizapp.tui.widgets.key_bar import KeyBar
from quizapp.tui.widgets.rating_bar import RATING_BINDINGS, RatingBar
from quizapp.tui.widgets.verdict import VerdictView
from quizapp.wording import plural

if TYPE_CHECKING:
    from textual.worker import Worker

    from quizapp.tui.app import QuizApp

LOADING, QUESTION, ANSWER, DONE = "loading", "question", "answer", "done"
GOOD = 3  # the rating preselected while the score is still being computed
ANSWER_INPUTS = (AnswerBox, ClozeInputs, ChoicePicker, BasicHint)
BUSY_RETRY_S = 1.0  # a rebuild commits every 0.75 s, so a retry soon gets in
ONE_FRAME_LIMIT_S = 0.05  # a batched change is drawn after this at the latest
ONE_FRAME_TURNS = 3  # event-loop turns for the changed widgets to ask for their repaint
PREPARED_AHEAD = 3  # the inputs of this many cards to come are built while a card is read


class ReviewScreen(Screen[None]):
    """One review session over a deck (or all decks)."""

    CSS_PATH = "review_screen.tcss"
    AUTO_FOCUS = None

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "reveal", "Reveal", key_display="^s"),
        Binding("space", "show_answer", "Show answer"),
        # Before the reveal, with no text input focused: how sure (1-3), which also reveals.
        Binding("1", "confide(1)", "How sure", key_display="1-3"),
        Binding("2", "confide(2)", "", show=False),  # no description: "1-3" in the help says it
        Binding("3", "confide(3)", "", show=False),
        *RATING_BINDINGS,
        Binding("u", "undo", "Undo"),
        Binding("s", "skip", "Skip"),
        Binding("b", "bury", "Bury"),
        Binding("e", "edit", "Edit"),
        Binding("c", "correct", "Correct"),
        *(Binding(str(n), f"rate({n})", f"Key point {n}", show=False) for n in range(5, 10)),
        Binding("p", "prove", "Prove it"),
        Binding("escape", "home", "Home"),
        Binding("a", "focus_answer", "Answer"),
        Binding("up", "scroll_card(-1)", "Scroll up", show=False),
        Binding("down", "scroll_card(1)", "Scroll down", show=False),
        Binding("pageup", "scroll_card(-10)", "Page up", show=False),
        Binding("pagedown", "scroll_card(10)", "Page down", show=False),
    ]

    # Neither a phase change nor a move of the focus draws anything of the screen's own: the
    # widgets they touch repaint themselves (the focus through its restyle). Textual's default
    # repaints the whole screen for each, which made every reveal and card change a full-screen
    # frame drawn twice (once with the layout, once for the repaint).
    phase: reactive[str] = reactive(LOADING, repaint=False)
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    @dataclass
    class Graded(Message):
        """The grading worker's result for reveal number ``token`` (older ones are dropped)."""

        token: int
        grade: Grade
        error: str

    def __init__(self, deck: str | None = None) -> None:
        super().__init__()
        self.deck = deck
        self.session: ReviewSession | None = None
        self.verdict: Verdict | None = None
        self.correcting = False  # after c: the next digit flips that key point's verdict
        self.confidence: int | None = None  # how sure, said before this card's reveal (1-3)
        self.intervals: dict[int, str] = {}
        self.typed = ""
        self.last_note = ""
        self._reload_after_sync = False
        self._reveal_after_reload = False
        self._token = 0  # one per reveal: a late score for an earlier reveal is dropped
        self._grading: Worker[tuple[Grade, str]] | None = None
        self._to_grade: tuple[Card, str, int] | None = None  # what the next worker scores
        self._answer_for = ""  # id of the card whose model answer is already rendered
        self._typed_by_card: dict[str, str] = {}  # what was typed, given back on undo
        self._inputs: dict[tuple[str, int], Widget] = {}  # one input per shape, reused
        self._answer: Widget | None = None  # the input on screen

    @property
    def quiz_app(self) -> QuizApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="status", markup=False)
        with VerticalScroll(id="card"):
            yield DeckMarkdown(id="prompt")
            yield Vertical(id="input-slot")
            yield ConfidenceBar(id="confidence")
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

    async def show_next(self, *, focus: bool = True) -> None:
        assert self.session is not None
        card = self.session.next()
        if card is None:
            await self.show_done()
        else:
            await self.present(card, focus=focus)

    async def present(self, card: Card, typed: str = "", *, focus: bool = True) -> None:
        """Show ``card``'s question and the input its type needs (holding ``typed``), focused.

        One batch, so the old card's verdict, answer and ratings go in the same frame as the
        new question arrives and a score never shows under the wrong card. Nothing is mounted
        when the question has the last one's shape and this card's input was built already.
        """
        self.verdict = None
        self.confidence = None
        self._token += 1
        self.typed = ""
        self._answer_for = ""
        async with self._one_frame(partial(self._prepare_answer, card)):
            self.query_one(ConfidenceBar).reset(direct=card.type is CardType.BASIC)
            for selector in ("#model-answer", "#verdict", "#ratings"):
                self.query_one(selector).display = False
            self.query_one("#reveal-button").display = card.type is CardType.OPEN
            self.phase = QUESTION
            await self._show_question(card)
            widget = await self._show_input(card)
            if typed and hasattr(widget, "restore"):
                widget.restore(typed)
            if focus:
                self._focus_input()
            else:
                self.set_focus(None)
                if isinstance(widget, AnswerBox):
                    widget.restyle()
            self.query_one("#card", VerticalScroll).scroll_home(animate=False)
            self._update_status()
            # The keys that apply depend on the card (space on a basic card, p with a proof,
            # 1-3 before the reveal); the phase may not have changed, so the bar is told here.
            self.refresh_bindings()
        self.post_message(CardShown(card.id))

    @asynccontextmanager
    async def _one_frame(self, *then: Callable[[], object]) -> AsyncIterator[None]:
        """Hold the screen's repaints until every widget changed in the block has asked for
        its own, so the change is drawn in one frame; ``then`` is called once it is drawn.

        A widget asks (for a repaint, a new layout) on its own next turn of the event loop,
        after the block, and after its focus event if the focus moved: a batch that ended
        with the block let a frame out with none of that, and the real one a frame later.
        So the batch ends a few turns after the block (``ONE_FRAME_TURNS``), by when those
        requests are queued; a timer ends it whatever happens, so the screen never freezes.
        """
        batch = self.app.batch_update()
        batch.__enter__()
        ended = False

        def end() -> None:
            nonlocal ended
            if not ended:
                ended = True
                batch.__exit__(None, None, None)
                for callback in then:  # after the frame is out: work that can wait
                    self.call_after_refresh(callback)

        timer = self.app.set_timer(ONE_FRAME_LIMIT_S, end)
        try:
            yield
            for _ in range(ONE_FRAME_TURNS):
                await asyncio.sleep(0)
        finally:
            timer.stop()
            end()

    async def _show_input(self, card: Card) -> Widget:
        """The input for ``card``, emptied, on screen (the others hidden); built if need be."""
        shape = input_shape(card)
        order = self.session.choice_order() if self.session and card.choices else None
        widget = self._inputs.get(shape)
        if widget is None:
            widget = await self._build_input(card, order)
        else:
            widget.prepare(card, order)  # type: ignore[attr-defined]
        for other in self._inputs.values():
            other.display = other is widget
        self._answer = widget
        return widget

    async def _build_input(self, card: Card, order: list[int] | None = None) -> Widget:
        widget = answer_input(
            card, cursor_blink=self.quiz_app.cursor_blink, choice_order=order, id=None
        )
        widget.display = False
        self._inputs[input_shape(card)] = widget
        await self.query_one("#input-slot", Vertical).mount(widget)
        return widget

    async def _prepare_answer(self, card: Card) -> None:
        """While the question is read: render the model answer into its hidden widget, and
        build (hidden) the inputs the next cards will need, so neither costs a frame later."""
        current = self.session.current if self.session else None
        if current is None or current.id != card.id or self.phase != QUESTION:
            return
        model = self.query_one("#model-answer", DeckMarkdown)
        if not model.update_in_place(self._answer_markdown(card)):
            await model.update(self._answer_markdown(card))
        if self.session and self.session.current is card:
            self._answer_for = card.id
        for upcoming in self.session.peek(PREPARED_AHEAD) if self.session else []:
            if input_shape(upcoming) not in self._inputs:
                await self._build_input(upcoming)

    async def _show_question(self, card: Card) -> None:
        """The question, in the blocks already on screen when it has their shape.

        The question is shown as written; its first paragraph (the whole of most questions,
        a cloze card's title or sentence) is drawn as the heading it reads as, by the style
        sheet (``:first-child``). So questions of every type have the same shape and the next
        one is re-texted in place instead of mounted, and no class changes from card to
        card: one that came and went with every cloze card restyled the prompt each time, a
        few milliseconds of every card change.
        """
        prompt = self.query_one("#prompt", DeckMarkdown)
        if not prompt.update_in_place(card.prompt):
            await prompt.update(card.prompt)

    def _focus_input(self) -> None:
        widget = self._answer_widget()
        if not self.is_attached or (widget is not None and not widget.is_attached):
            return  # the app closed while the card was being shown (a quit on the first card)
        if isinstance(widget, ClozeInputs):
            for field in widget.query("Input"):
                field.cursor_blink = self.quiz_app.cursor_blink  # type: ignore[attr-defined]
            widget.focus_first()
        elif isinstance(widget, AnswerBox | ChoicePicker):
            self.set_focus(widget)
        else:
            self.set_focus(None)

    def _answer_widget(self) -> Widget | None:
        return self._answer

    @property
    def answer_widget(self) -> Widget | None:
        """The input on screen for the current card (None when there is no card)."""
        return self._answer

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
                f"You answered {plural(answered, 'card')} in this session."
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
        prompt = self.query_one("#prompt", DeckMarkdown)
        await prompt.update("\n".join(lines))
        for widget in self._inputs.values():
            widget.display = False
        self._answer = None
        for selector in ("#model-answer", "#verdict", "#reveal-button", "#confidence"):
            self.query_one(selector).display = False
        self.set_focus(None)
        self._update_status()

    def _update_status(self) -> None:
        assert self.session is not None
        left = self.session.remaining()
        card = self.session.current
        if card is not None and self.session.state is not None:
            deck = card.deck
            where = f"{deck} · {QUEUE_NAMES.get(self.session.state.queue, '')}"
        else:
            deck = where = self.deck or "all decks"
        done = f"{len(self.session.answers)} done"
        if self.last_note:
            done += f" · {self.last_note}"
        counts = f"{left.new} new · {left.learning} learning · {left.due} due"
        # Narrower terminals (80 columns) keep the note ("buried until tomorrow") whole: the
        # separators close up first, then the card's queue goes (the counts say it too), then
        # the deck's name is shortened.
        room = self.size.width - 2
        rest = f" │ {counts} │ {done}"
        for line in (
            f"{where}  │  {counts}  │  {done}",
            f"{where}{rest}",
            f"{deck}{rest}",
            f"{deck[: max(room - len(rest) - 1, 1)]}…{rest}",
        ):
            if len(line) <= room:
                break
        self.query_one("#status", Static).update(line)

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
        if action in ("accept_rating", "move_rating"):
            return self.phase == ANSWER and not self.correcting
        if action == "confide":
            return self.phase == QUESTION and card is not None
        if action == "undo":
            return bool(session and session.can_undo())
        if action in ("skip", "bury", "edit"):
            return card is not None and self.phase in (QUESTION, ANSWER)
        if action == "focus_answer":
            return (
                self.phase == QUESTION
                and card is not None
                and card.type is not CardType.BASIC
                and self.focused is None
            )
        if action == "prove":
            return card is not None and card.prove is not None
        if action == "correct":  # shown only where there is a scorer's verdict to correct
            return self.phase == ANSWER and card is not None and card.type is CardType.OPEN
        return True

    @on(AnswerBox.Submitted)
    @on(ClozeInputs.Submitted)
    @on(ChoicePicker.Submitted)
    @on(Button.Pressed, "#reveal-button")
    async def _submitted(self) -> None:
        await self.action_reveal()

    async def action_show_answer(self) -> None:
        await self.action_reveal()

    async def action_confide(self, level: int) -> None:
        """1-3 before the reveal: how sure the user is (stored with the answer), then reveal."""
        if self.phase != QUESTION:
            return
        self.confidence = level
        self.query_one(ConfidenceBar).level = level
        await self.action_reveal()

    @on(ConfidenceBar.Picked)
    async def _confided(self, event: ConfidenceBar.Picked) -> None:
        if event.level:
            await self.action_confide(event.level)
        else:
            await self.action_reveal()

    async def action_reveal(self) -> None:
        if self.phase != QUESTION or self.session is None or self.session.current is None:
            return
        card = self.session.current
        widget = self._answer_widget()
        self.typed = getattr(widget, "value", "") if isinstance(widget, ANSWER_INPUTS) else ""
        self.intervals = self.session.intervals()
        self._token += 1
        if card.type is CardType.OPEN:
            # The scorer may take longer than a frame: the model answer shows now, the score
            # when the worker posts it. The worker starts once that frame is out: its thread
            # competes for the interpreter with the drawing.
            self.verdict = None
            self._grading = None
            self._to_grade = (card, self.typed, self._token)
        else:
            grade, error = safe_grade(card, self.typed)  # a set or a string compared: instant
            self.verdict = self.session.verdict(grade, error, self.intervals)
        async with self._one_frame(self._scroll_to_verdict, self._start_grading):
            if isinstance(widget, ANSWER_INPUTS):
                widget.lock_answer()
            self.query_one(ConfidenceBar).after_reveal()
            self._show_verdict(card)
            model = self.query_one("#model-answer", DeckMarkdown)
            if self._answer_for != card.id:
                if not model.update_in_place(self._answer_markdown(card)):
                    await model.update(self._answer_markdown(card))
                self._answer_for = card.id
            model.display = True
            self.query_one("#reveal-button").display = False
            self.phase = ANSWER
            self.set_focus(None)  # the screen answers the rating keys

    def _start_grading(self) -> None:
        """Start scoring the revealed open card in a worker, unless it is started or stale."""
        if self._to_grade is None or self._grading is not None:
            return
        card, typed, token = self._to_grade
        if token == self._token and self.verdict is None:
            self._grading = self._grade_worker(card, typed, token)

    def _show_verdict(self, card: Card) -> None:
        """The verdict panel and the rating bar, for the score so far (maybe still pending)."""
        view = self.query_one("#verdict", VerdictView)
        ratings = self.query_one(RatingBar)
        if self.verdict is None:
            view.show(card.type, Grade(None, None), "Scoring your answer…")
            ratings.set_choices(self.intervals, GOOD)
        else:
            view.show(card.type, self.verdict.grade, self.verdict.scorer_error)
            ratings.set_choices(self.verdict.intervals, self.verdict.suggested)
        view.display = True

    @work(thread=True, group="grade", exit_on_error=False, name="grade answer")
    def _grade_worker(self, card: Card, typed: str, token: int) -> tuple[Grade, str]:
        """Score in a thread: pure core only; the result goes back as a message."""
        result = safe_grade(card, typed)
        self.post_message(self.Graded(token, *result))
        return result

    def on_review_screen_graded(self, message: ReviewScreen.Graded) -> None:
        if message.token != self._token or self.verdict is not None or self.session is None:
            return
        card = self.session.current
        if card is None or self.phase != ANSWER:
            return
        self.verdict = self.session.verdict(message.grade, message.error, self.intervals)
        self._show_verdict(card)

    async def _wait_for_score(self) -> None:
        """Rating before the score arrived: wait for it, so the answer is stored with it."""
        if self.verdict is None:
            self._start_grading()  # a key pressed before the reveal's frame was out
        if self.verdict is not None or self._grading is None or self.session is None:
            return
        try:
            grade, error = await self._grading.wait()
        except Exception as exc:  # the worker itself failed: rate without a score
            grade, error = Grade(None, None), f"no score: {type(exc).__name__}"

        if self.verdict is None:
            self.verdict = self.session.verdict(grade, error, self.intervals)

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

    async def action_accept_rating(self) -> None:
        """enter or space after the reveal: the rating selected on the bar (the suggested one,
        unless left/right moved it)."""
        await self.rate(self.query_one(RatingBar).selected)

    def action_move_rating(self, step: int) -> None:
        self.query_one(RatingBar).move(step)

    async def action_rate(self, rating: int) -> None:
        if self.correcting:
            self.correcting = False
            self.flip_point(rating - 1)
            return
        if rating in RATINGS:
            await self.rate(rating)

    def action_correct(self) -> None:
        """c, then a point's number: the scorer got that key point wrong; flip its verdict."""
        grade = self.verdict.grade if self.verdict else None
        if self.phase != ANSWER or grade is None or grade.method == "" or not grade.points:
            return
        self.correcting = True
        self.refresh_bindings()  # enter does not accept a rating until the digit comes
        self.notify(
            f"Flip which key point? Press its number, 1-{min(len(grade.points), 9)} (esc cancels).",
            timeout=4,
        )

    def flip_point(self, index: int) -> None:
        """Flip one key point's verdict; the score and the suggested rating follow at once."""
        self.refresh_bindings()
        if self.verdict is None or not 0 <= index < len(self.verdict.grade.points):
            return
        grade = self.verdict.grade
        corrected = grade.corrected({index: not grade.points[index].covered})
        self.verdict = replace(
            self.verdict, grade=corrected, suggested=corrected.suggested_rating or GOOD
        )
        card = self.session.current if self.session else None
        if card is not None:
            self.query_one("#verdict", VerdictView).show(card.type, corrected)
        self.query_one(RatingBar).set_choices(self.verdict.intervals, self.verdict.suggested)

    async def rate(self, rating: int) -> None:
        if self.phase != ANSWER or self.session is None or self.session.current is None:
            return
        self.correcting = False
        await self._wait_for_score()
        if self.phase != ANSWER or self.session.current is None:
            return
        grade = self.verdict.grade if self.verdict else None
        score = grade.value if grade else None
        card_id = self.session.current.id
        try:
            answered = self.session.rate(
                rating, self.typed, score, grading=grade, confidence=self.confidence
            )
        except StoreBusy:
            # Another quizapp holds the lock: keep the answer on screen and try again shortly.
            self.notify(f"{BUSY_MESSAGE} (your answer is kept)", timeout=2)
            self.set_timer(BUSY_RETRY_S, partial(self.rate, rating))
            return
        except HANDLED as exc:  # disk full, read-only, damaged: the dialog says what to do
            self.quiz_app.fail(explain(exc, db_path=self.quiz_app.db_path))
            return
        self._typed_by_card[card_id] = self.typed
        # The interval the button showed: time has passed since, and "6m" must not come back
        # as "5m" a few seconds later.
        wait = self.intervals.get(rating) or format_interval(
            answered.after.due - self.quiz_app.clock()
        )
        self.last_note = f"{RATINGS[rating]} → {wait}"
        await self.show_next()

    async def action_undo(self) -> None:
        if self.session is None or not self.session.can_undo():
            return
        card = self.session.undo()
        self.last_note = "undone"
        if card is not None:
            await self.present(card, self._typed_by_card.get(card.id, ""), focus=False)
            self.notify("Answer undone: the card's previous schedule is back.", timeout=3)

    async def action_skip(self) -> None:
        if self.session and self.session.current:
            self.session.skip()
            self.last_note = "skipped"
            # A command key keeps command mode: pressing s again skips again, it does not type.
            await self.show_next(focus=False)

    async def action_bury(self) -> None:
        if self.session and self.session.current:
            self.session.bury()
            self.last_note = "buried until tomorrow"
            await self.show_next(focus=False)

    def action_edit(self) -> None:
        if self.session is None or self.session.current is None:
            return
        card = self.session.current
        widget = self._answer_widget()
        if self.phase == QUESTION and isinstance(widget, ANSWER_INPUTS):
            self.typed = getattr(widget, "value", "")
        # After the edit the card comes back as it now reads, with the answer still typed in
        # (and revealed again if it was).
        revealed = self.phase == ANSWER

        def started(ok: bool) -> None:
            if ok:
                self._reload_after_sync = True
                self._reveal_after_reload = revealed

        self.quiz_app.edit_card(Path(card.source), card.line, started)

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
            self.last_note = f"edited · {kept} earlier review{'' if kept == 1 else 's'} kept"
            said = self.confidence
            await self.present(card, self.typed)
            if self._reveal_after_reload:
                if said is not None:
                    await self.action_confide(said)
                else:
                    await self.action_reveal()
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

    def action_focus_answer(self) -> None:
        self._focus_input()

    def action_home(self) -> None:
        if self.correcting:
            self.correcting = False
            return
        self.dismiss()

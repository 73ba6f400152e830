"""The three ways to answer a card before the reveal: a text box, gap inputs, or numbered options.

Each input posts its own ``Submitted`` message when the user asks to see the answer, and offers
``value`` (the answer as :func:`quizapp.grading.grade` expects it), ``lock_answer`` (stop editing
after the reveal, so what was typed stays visible next to the verdict) and ``prepare`` (empty
again, for another card of the same :func:`input_shape`: the review reuses its inputs, as
building one costs a frame).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from quizapp.cards import Card, CardType, Choice
from quizapp.grading import display_order, picks_in_deck_order

REVEAL_KEY = "ctrl+s"  # arrives unchanged in every terminal and in tmux, unlike ctrl+enter
SUBTITLE = "^s reveal · esc then u/s/e/p commands"
CHOICE_SUBTITLE = "1-9 pick · enter reveal"


class AnswerBox(TextArea):
    """A multi-line answer for open cards.

    Enter starts a new line, so the reveal needs another key: ctrl+s, or tab to the reveal button.
    Escape leaves the box so single-key commands (undo, skip, edit) work.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(REVEAL_KEY, "submit", "Reveal", key_display="^s"),
        Binding("escape", "leave", "Commands"),
    ]

    @dataclass
    class Submitted(Message):
        box: AnswerBox
        value: str

        @property
        def control(self) -> AnswerBox:
            return self.box

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            "",
            soft_wrap=True,
            tab_behavior="focus",
            show_line_numbers=False,
            highlight_cursor_line=False,
            placeholder="Type your answer. ctrl+s shows the model answer.",
            id=id,
        )
        self.border_title = "Your answer"
        self.border_subtitle = SUBTITLE

    @property
    def value(self) -> str:
        return self.text

    def render_lines(self, crop: Region) -> list[Strip]:
        """Textual (8.2) can draw a text area before its component classes are styled (a
        timer's refresh right after a screen change), and TextArea then raises KeyError for
        "text-area--gutter" and the app crashes (Textualize/textual#6528). Style them first."""
        if "text-area--gutter" not in self._component_styles:
            self.app.stylesheet.apply(self, animate=False)
        return super().render_lines(crop)

    def reset(self) -> None:
        """Empty and editable again, for the next open card (cheaper than a new box).

        Restyling a text area costs more than a frame on a slow machine, and taking the focus
        restyles it anyway: the class change waits for that (or :meth:`restyle`).
        """
        self.can_focus = True
        if self.has_class("-locked"):
            self.remove_class("-locked", update=False)
            self._restyle_pending = True
        self.border_subtitle = SUBTITLE
        self.load_text("")

    def restyle(self) -> None:
        """Apply a class change :meth:`reset` left for the focus, when the focus will not come."""
        if getattr(self, "_restyle_pending", False):
            self._restyle_pending = False
            self.update_node_styles()

    def _on_focus(self, event: events.Focus) -> None:
        self._restyle_pending = False  # the focus restyles the box (Widget's handler runs too)

    def prepare(self, card: Card, order: list[int] | None = None) -> None:
        self.reset()

    def restore(self, value: str) -> None:
        """Put back an answer typed earlier (after undo or an edit), cursor at its end."""
        self.load_text(value)
        self.move_cursor(self.document.end)

    def action_submit(self) -> None:
        self.post_message(self.Submitted(self, self.text))

    def action_leave(self) -> None:
        self.screen.set_focus(None)

    def lock_answer(self) -> None:
        """No more typing (the focus leaves and cannot come back), the box closes up. When it
        has the focus, the class is applied by the restyle its blur makes anyway."""
        focused = self.screen.focused is self
        self.can_focus = False
        self.border_subtitle = ""
        self.add_class("-locked", update=not focused)


class BasicHint(Static):
    """Basic cards are self-graded: nothing to type, recall and reveal."""

    value = ""

    def prepare(self, card: Card, order: list[int] | None = None) -> None:
        """Nothing to empty: the hint is shown again (the reveal hid it)."""

    def lock_answer(self) -> None:
        self.display = False


class ClozeInputs(Vertical):
    """One input per gap; enter moves to the next gap and submits from the last one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Commands"),
    ]

    @dataclass
    class Submitted(Message):
        inputs: ClozeInputs
        value: str

        @property
        def control(self) -> ClozeInputs:
            return self.inputs

    def __init__(self, gaps: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.gaps = max(gaps, 1)

    def compose(self) -> ComposeResult:
        for n in range(1, self.gaps + 1):
            label = f"Gap {n}" if self.gaps > 1 else "Gap"
            yield Input(placeholder=f"{label}: type what is hidden, then enter", id=f"gap-{n}")

    @property
    def value(self) -> str:
        """Gaps joined with ``;``, the separator the cloze grader splits on."""
        return "; ".join(i.value.strip() for i in self.query(Input))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            self.screen.set_focus(inputs[index + 1])
        else:
            self.post_message(self.Submitted(self, self.value))

    def action_leave(self) -> None:
        self.screen.set_focus(None)

    def restore(self, value: str) -> None:
        """Put back gaps typed earlier (``value`` as :attr:`value` joins them)."""
        for field, text in zip(self.query(Input), value.split(";"), strict=False):
            field.value = text.strip()

    def focus_first(self) -> None:
        self.screen.set_focus(self.query(Input).first())

    def prepare(self, card: Card, order: list[int] | None = None) -> None:
        """Empty gaps, editable again, for another card with as many gaps."""
        for field in self.query(Input):
            field.value = ""
            field.can_focus = True

    def lock_answer(self) -> None:
        """No more typing: the gaps can no longer take the focus (disabling them would restyle
        each, which costs a frame on a slow machine)."""
        for field in self.query(Input):
            field.can_focus = False


class ChoiceOption(Static):
    """One numbered option; its CSS classes say if it is picked, highlighted, right or wrong.

    ``number`` is where it is shown (the key that picks it), not its place in the deck.
    """

    def __init__(self, number: int, choice: Choice) -> None:
        super().__init__(markup=False)
        self.number = number
        self.choice = choice
        self.picked = False

    def on_mount(self) -> None:
        self.update_text()

    def update_text(self, verdict: str = "", note: str = "") -> None:
        box = "[x]" if self.picked else "[ ]"
        tail = f"  ({note})" if note else ""
        self.update(Content(f"{verdict}{box} {self.number}. {self.choice.text}{tail}"))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        picker = self.parent
        if isinstance(picker, ChoicePicker):
            picker.toggle(self.number)
            self.screen.set_focus(picker)


class ChoicePicker(Vertical, can_focus=True):
    """Numbered options picked with their number keys (several may be right); enter submits.

    The options are shown in ``order`` (indexes into ``choices``: the review's shuffle), and
    :attr:`value` names the picks by their number in the deck, whatever order they were shown in.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(str(n), f"toggle({n})", f"Pick {n}", show=False) for n in range(1, 10)),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("space", "toggle_cursor", "Pick", show=False),
        Binding("enter", "submit", "Reveal", show=False),
        Binding("escape", "leave", "Commands"),
    ]

    cursor: reactive[int] = reactive(0)

    @dataclass
    class Submitted(Message):
        picker: ChoicePicker
        value: str

        @property
        def control(self) -> ChoicePicker:
            return self.picker

    def __init__(
        self,
        choices: tuple[Choice, ...],
        order: list[int] | None = None,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.order = list(order) if order is not None else list(range(len(choices)))
        self.choices = tuple(choices[i] for i in self.order)  # as shown
        self.locked = False
        self.border_subtitle = CHOICE_SUBTITLE

    def compose(self) -> ComposeResult:
        for n, choice in enumerate(self.choices, start=1):
            yield ChoiceOption(n, choice)

    @property
    def options(self) -> list[ChoiceOption]:
        return list(self.query(ChoiceOption))

    @property
    def picked(self) -> list[int]:
        return [o.number for o in self.options if o.picked]

    @property
    def value(self) -> str:
        """The picked options' numbers in the deck ("1 3"), as the grader and the store take."""
        return picks_in_deck_order(set(self.picked), self.order)

    def toggle(self, number: int) -> None:
        if self.locked or not 1 <= number <= len(self.choices):
            return
        option = self.options[number - 1]
        option.picked = not option.picked
        option.set_class(option.picked, "-picked")
        option.update_text()
        self.cursor = number - 1

    def prepare(self, card: Card, order: list[int] | None = None) -> None:
        """Another card's options (as many as these), unpicked and open to picks again."""
        self.order = list(order) if order is not None else list(range(len(card.choices)))
        self.choices = tuple(card.choices[i] for i in self.order)
        self.locked = False
        self.can_focus = True
        self.border_subtitle = CHOICE_SUBTITLE
        for option, choice in zip(self.options, self.choices, strict=True):
            option.choice = choice
            option.picked = False
            option.set_classes("")
            option.update_text()
        self.cursor = 0

    def restore(self, value: str) -> None:
        """Pick again the options picked earlier (``value`` as :attr:`value` gives them)."""
        for word in value.split():
            if word.isdigit() and int(word) - 1 in self.order:
                self.toggle(self.order.index(int(word) - 1) + 1)

    def watch_cursor(self, cursor: int) -> None:
        for index, option in enumerate(self.options):
            option.set_class(index == cursor and not self.locked, "-cursor")

    def on_focus(self) -> None:
        self.watch_cursor(self.cursor)

    def action_toggle(self, number: int) -> None:
        self.toggle(number)

    def action_toggle_cursor(self) -> None:
        self.toggle(self.cursor + 1)

    def action_move(self, step: int) -> None:
        self.cursor = (self.cursor + step) % max(len(self.choices), 1)

    def action_leave(self) -> None:
        """Escape leaves the options, as it leaves the other inputs; a second one goes home."""
        self.screen.set_focus(None)

    def action_submit(self) -> None:
        if not self.locked:
            self.post_message(self.Submitted(self, self.value))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not self.locked

    def lock_answer(self) -> None:
        """Show the solution: each option marked right or wrong against what was picked."""
        self.locked = True
        self.can_focus = False
        self.border_subtitle = ""
        for option in self.options:
            right = option.picked == option.choice.correct
            option.set_class(False, "-cursor")
            option.set_class(option.choice.correct, "-correct")
            option.set_class(not right, "-wrong")
            # In words and marks, not colour alone: a wrong pick and a missed answer differ.
            if option.picked:
                mark, note = ("✓ ", "") if option.choice.correct else ("✗ ", "wrong pick")
            else:
                mark, note = ("✗ ", "missed: correct") if option.choice.correct else ("  ", "")
            option.update_text(mark, note)


class NumberInput(ClozeInputs):
    """One field for a numeric card's answer; units and scientific notation are understood."""

    def compose(self) -> ComposeResult:
        yield Input(placeholder="A number, units allowed (0.25, 1e-3, 0.1%, 2.5 ms)", id="gap-1")


class OrderInput(ClozeInputs):
    """An ordered card's steps, shuffled and numbered, and one field for the right order."""

    def __init__(self, steps: list[str], *, id: str | None = None) -> None:
        super().__init__(1, id=id)
        self.steps = steps

    def compose(self) -> ComposeResult:
        yield Static(self._listing(), classes="order-steps")
        yield Input(placeholder="The numbers in the right order, e.g. 3 1 2", id="gap-1")

    def _listing(self) -> str:
        return "\n".join(f"{n}. {step}" for n, step in enumerate(self.steps, start=1))

    def prepare(self, card: Card, order: list[int] | None = None) -> None:
        self.steps = [card.expected[i] for i in display_order(card)]
        self.query_one(".order-steps", Static).update(self._listing())
        super().prepare(card, order)


def input_shape(card: Card) -> tuple[str, int]:
    """Cards whose inputs have the same shape can share one (emptied with ``prepare``)."""
    if card.type is CardType.CLOZE:
        return (card.type.value, len(card.expected))
    if card.type is CardType.CHOICE:
        return (card.type.value, len(card.choices))
    return (card.type.value, 0)


def answer_input(
    card: Card,
    *,
    cursor_blink: bool = True,
    choice_order: list[int] | None = None,
    id: str | None = "answer-input",
) -> Widget:
    """The input a card asks for: a text box for open cards, one field per gap for cloze cards,
    numbered options (shown in ``choice_order``) for choice cards, a hint for basic cards."""
    if card.type is CardType.OPEN:
        box = AnswerBox(id=id)
        box.cursor_blink = cursor_blink
        return box
    if card.type is CardType.CLOZE:
        return ClozeInputs(len(card.expected), id=id)
    if card.type is CardType.CHOICE:
        return ChoicePicker(card.choices, choice_order, id=id)
    if card.type is CardType.NUMERIC:
        return NumberInput(1, id=id)
    if card.type is CardType.ORDERED:
        steps = [card.expected[i] for i in display_order(card)]
        return OrderInput(steps, id=id)
    return BasicHint("Recall the answer, then press space to see it.", id=id)

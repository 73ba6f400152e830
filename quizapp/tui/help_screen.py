"""Every key binding, screen by screen, read from the classes themselves so it cannot go stale."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

# Keys Textual shows for its own key names.
KEY_NAMES = {
    "question_mark": "?",
    "escape": "esc",
    "space": "space",
    "enter": "enter",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
}

NOTES = (
    "Open cards take a typed answer: enter starts a new line, ctrl+s (or tab, then enter) "
    "shows the model answer. Before it, 1-3 (after tab, or at once on a card with nothing to "
    "type) says how sure you are and reveals; it is optional and feeds the calibration chart. "
    "esc leaves the answer box so the one-key commands work. Every answer is saved the moment "
    "you rate it, so ctrl+q quits at any time "
    "without losing anything. ctrl+p opens the command palette."
)


def _key(binding: Binding) -> str:
    if binding.key_display:
        return binding.key_display
    keys = [KEY_NAMES.get(k.strip(), k.strip()) for k in binding.key.split(",")]
    return " / ".join(keys)


def binding_rows(bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    """(key, what it does) for each described binding; numbered runs collapse to one line."""
    rows: list[tuple[str, str]] = []
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        rows.append((_key(binding), binding.description))
    return _collapse_numbers(rows)


def _collapse_numbers(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``1 Again, 2 Hard, ...`` read better as one ``1-4`` line."""
    digits = [(k, d) for k, d in rows if k.isdigit()]
    if len(digits) < 3:
        return rows
    first = rows.index(digits[0])
    others = [r for r in rows if r not in digits]
    label = ", ".join(d for _, d in digits)
    if all(d.startswith("Pick") for _, d in digits):
        label = "Pick or unpick that option"
    merged = (f"{digits[0][0]}-{digits[-1][0]}", label)
    others.insert(first, merged)
    return others


def sections() -> list[tuple[str, list[tuple[str, str]]]]:
    """The help's sections: where a key works, and its bindings."""
    from quizapp.tui.app import QuizApp
    from quizapp.tui.browse_screen import BrowseScreen
    from quizapp.tui.home_screen import HomeScreen
    from quizapp.tui.plan_screen import PlanScreen
    from quizapp.tui.prove_screen import ProveScreen
    from quizapp.tui.quiz_screen import QuizScreen
    from quizapp.tui.review_screen import ReviewScreen
    from quizapp.tui.stats_screen import StatsScreen
    from quizapp.tui.widgets.answer_inputs import AnswerBox, ChoicePicker
    from quizapp.tui.widgets.rating_bar import RATING_BINDINGS

    return [
        ("Everywhere", [*binding_rows(QuizApp.BINDINGS), ("^p", "Command palette")]),
        (
            "Home",
            [*binding_rows(HomeScreen.BINDINGS), ("enter", "Review the selected deck")],
        ),
        # enter and the arrows have the rating's own section (the screen answers them).
        ("Review", binding_rows(b for b in ReviewScreen.BINDINGS if b not in RATING_BINDINGS[4:])),
        ("Answer box (open cards)", binding_rows(AnswerBox.BINDINGS)),
        ("Options (choice cards)", binding_rows(ChoicePicker.BINDINGS)),
        ("Gaps (cloze cards)", [("enter", "Next gap; on the last gap, reveal")]),
        ("Rating (after the reveal)", binding_rows(RATING_BINDINGS)),
        ("Prove it", binding_rows(ProveScreen.BINDINGS)),
        ("Browse", binding_rows(BrowseScreen.BINDINGS)),
        ("Mock interview", binding_rows(QuizScreen.BINDINGS)),
        ("Stats", binding_rows(StatsScreen.BINDINGS)),
        ("Interview plan (p on Home)", binding_rows(PlanScreen.BINDINGS)),
    ]


KEY_WIDTH = 14


def help_content() -> Content:
    """The help as styled text: a two-column list renders at once, a markdown table does not."""
    lines = [Content.styled("Keys", "bold $text-accent"), Content(""), Content(NOTES), Content("")]
    for title, rows in sections():
        lines.append(Content.styled(title, "bold"))
        lines += [
            Content.assemble(Content.styled(f"  {key:<{KEY_WIDTH}}", "bold $text-accent"), text)
            for key, text in rows
        ]
        lines.append(Content(""))
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    """The list of every binding; esc, q or ? closes it."""

    CSS_PATH = "help_screen.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", key_display="esc")
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "Help"
            scroll.border_subtitle = "esc closes"
            yield Static(help_content(), id="help-text")

"""How sure the user is, said before the reveal: one optional key, 1 unsure to 3 sure.

Calibration (:mod:`quizapp.calibration`) compares this with how the answer actually went, so it
has to be said before the model answer and the score are on screen: said afterwards it would
only echo them. The line sits under the answer input with its keys on it. Typing an answer,
tab reaches it and one digit both says it and reveals; on a card with nothing to type (and after
esc) the digits work at once. Revealing with ctrl+s or space as before skips it, so a user who
does not care pays nothing. After the reveal the line says what was said, or goes away.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from quizapp.calibration import LABELS

CHOICES = " · ".join(f"[b]{level}[/b] {label}" for level, label in LABELS.items())


@lru_cache(maxsize=16)
def _line(locked: bool, level: int | None, focused: bool, direct: bool) -> Content:
    """The line for one state, parsed from markup once: it is drawn for every card, and the
    parse was most of its millisecond."""
    if locked:
        label = LABELS.get(level or 0, "")
        return Content.from_markup("[dim]How sure, before the reveal:[/dim] $label", label=label)
    if focused:
        how = "(a key reveals · enter without)"
    elif direct:
        how = "(optional, before you reveal)"
    else:
        how = "(optional: tab, then a key)"
    # 74 cells at most: the line fits an 80-column screen inside the card's padding.
    return Content.from_markup(f"How sure? {CHOICES}  [dim]$how[/dim]", how=how)


class ConfidenceBar(Static, can_focus=True):
    """The "how sure are you?" line; posts :class:`Picked` when a level is chosen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "pick(1)", "How sure", key_display="1-3"),
        Binding("2", "pick(2)", "", show=False),
        Binding("3", "pick(3)", "", show=False),
        Binding("enter", "pick(0)", "Reveal without", show=False),  # tab, enter: as before
        Binding("escape", "leave", "Commands"),  # as from the answer inputs: one-key commands
    ]

    #: The digits work without tab first (no text input on the card, or after esc).
    direct: reactive[bool] = reactive(False)
    level: reactive[int | None] = reactive(None)
    locked: reactive[bool] = reactive(False)

    @dataclass
    class Picked(Message):
        """A level was chosen (1-3), or the reveal asked for without one (0)."""

        level: int

    def render(self) -> Content:
        return _line(self.locked, self.level, self.has_focus, self.direct)

    def reset(self, *, direct: bool) -> None:
        """Ready for the next card: nothing said yet."""
        self.can_focus = True
        self.locked = False
        self.level = None
        self.direct = direct
        self.display = True

    def after_reveal(self) -> None:
        """After the reveal: show what was said, or hide when nothing was."""
        self.can_focus = False
        self.locked = True
        self.display = self.level is not None

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_leave(self) -> None:
        self.screen.set_focus(None)

    def action_pick(self, level: int) -> None:
        if not self.locked:
            self.post_message(self.Picked(level))

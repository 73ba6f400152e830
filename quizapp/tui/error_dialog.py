"""The dialog for a failure the app cannot go on after: one line saying what and what to do.

The message comes from :func:`quizapp.errors.explain`; the app exits with status 1 when the
dialog is closed, so a script that started it sees the failure too.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


class ErrorDialog(ModalScreen[None]):
    """A failure with the store, a file or the config; any of the shown keys quits."""

    DEFAULT_CSS = """
    ErrorDialog { align: center middle; }
    ErrorDialog > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: heavy $error; padding: 1 2; background: $surface;
    }
    ErrorDialog #error-title { text-style: bold; }
    ErrorDialog #error-keys { margin-top: 1; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,escape,q", "close", "Quit", priority=True),
    ]

    def __init__(self, message: str, title: str = "quizapp cannot go on") -> None:
        super().__init__()
        self.message = message
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(f"Error: {self.title_text}"), id="error-title")
            yield Static(Content(self.message), id="error-message")
            yield Static(Content("enter / esc / q  Quit (exit status 1)"), id="error-keys")

    def action_close(self) -> None:
        self.dismiss(None)

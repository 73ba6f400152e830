"""Markdown from deck files, with links that open only when the user says so.

Decks may come from strangers. Textual's Markdown opens a clicked link straight away; here a click
only asks, naming the address, and only web addresses can be opened at all.
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import urlparse

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

OPENABLE_SCHEMES = ("http", "https")


class DeckMarkdown(Markdown):
    """A Markdown widget whose links ask before they open."""

    def __init__(self, markdown: str | None = None, **kwargs: object) -> None:
        super().__init__(markdown, open_links=False, **kwargs)  # type: ignore[arg-type]

    @on(Markdown.LinkClicked)
    def ask_before_opening(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        href = event.href.strip()
        if urlparse(href).scheme.lower() not in OPENABLE_SCHEMES:
            self.notify(f"Not opened: {href} is not a web address.", severity="warning")
            return
        self.app.push_screen(ConfirmLink(href))


class ConfirmLink(ModalScreen[None]):
    """'Open this address in your browser?' with y to open and n or esc to stay."""

    DEFAULT_CSS = """
    ConfirmLink { align: center middle; }
    ConfirmLink > Vertical {
        width: auto; max-width: 80; height: auto;
        border: round $warning; background: $surface; padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "open", "Open it"),
        Binding("n,escape", "dismiss", "Don't"),
    ]

    def __init__(self, href: str) -> None:
        super().__init__()
        self.href = href

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("This card links to:")
            yield Static(self.href, markup=False)
            yield Static("Open it in your browser?  y open · n / esc stay")

    def action_open(self) -> None:
        self.app.open_url(self.href)
        self.dismiss()

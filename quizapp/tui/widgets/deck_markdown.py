"""Markdown from deck files, with links that open only when the user says so.

Decks may come from strangers. Textual's Markdown opens a clicked link straight away; here a click
only asks, naming the address, and only web addresses can be opened at all.

A new card's question usually has the shape of the last one (a heading, or a paragraph):
:meth:`DeckMarkdown.update_in_place` then changes the text of the blocks already on screen,
at once, instead of Textual's update, which parses in a thread and mounts new blocks over
several event-loop turns (each a chance for a half-drawn frame).
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import urlparse

from markdown_it import MarkdownIt
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static
from textual.widgets._markdown import MarkdownBlock, MarkdownHeader, MarkdownParagraph

OPENABLE_SCHEMES = ("http", "https")
SIMPLE_BLOCKS = (MarkdownHeader, MarkdownParagraph)  # text only: no child blocks to rebuild
_parser: MarkdownIt | None = None


def _gfm_parser() -> MarkdownIt:
    """One parser for the UI thread: building one costs about half a millisecond, and every
    card shown asked for three."""
    global _parser
    if _parser is None:
        _parser = MarkdownIt("gfm-like")
    return _parser


class DeckMarkdown(Markdown):
    """A Markdown widget whose links ask before they open."""

    def __init__(self, markdown: str | None = None, **kwargs: object) -> None:
        super().__init__(markdown, open_links=False, **kwargs)  # type: ignore[arg-type]

    def update_in_place(self, markdown: str) -> bool:
        """Show ``markdown`` by re-texting the blocks on screen; False (nothing changed) when
        its blocks are not the same sequence of headings and paragraphs: then use ``update``."""
        if markdown == self.source and self.source:
            return True
        current = [child for child in self.children if isinstance(child, MarkdownBlock)]
        parser = _gfm_parser() if self._parser_factory is None else self._parser_factory()
        blocks = list(self._parse_markdown(parser.parse(markdown)))
        if not blocks or len(blocks) != len(current):
            return False
        for old, new in zip(current, blocks, strict=True):
            if type(old) is not type(new) or not isinstance(new, SIMPLE_BLOCKS) or new._blocks:
                return False
        for old, new in zip(current, blocks, strict=True):
            old.set_content(new._content)
            old._copy_context(new)
        self._markdown = markdown
        self._table_of_contents = None
        return True

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

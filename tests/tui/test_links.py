"""Links in deck markdown open only after the user says yes, and only web addresses."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Markdown

from quizapp.tui.widgets.deck_markdown import ConfirmLink, DeckMarkdown


class LinkApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    def compose(self) -> ComposeResult:
        yield DeckMarkdown("See [the paper](https://example.org/dropout.pdf).")

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        self.opened.append(url)


async def click(app: LinkApp, pilot, href: str) -> None:
    widget = app.query_one(DeckMarkdown)
    widget.post_message(Markdown.LinkClicked(widget, href))
    await pilot.pause()


async def test_a_clicked_link_asks_first_and_opens_on_yes():
    app = LinkApp()
    async with app.run_test() as pilot:
        await click(app, pilot, "https://example.org/dropout.pdf")
        assert isinstance(app.screen, ConfirmLink)
        assert app.opened == []
        await pilot.press("y")
        await pilot.pause()
        assert app.opened == ["https://example.org/dropout.pdf"]
        assert not isinstance(app.screen, ConfirmLink)


async def test_no_leaves_the_link_closed():
    app = LinkApp()
    async with app.run_test() as pilot:
        await click(app, pilot, "https://example.org/")
        await pilot.press("n")
        await pilot.pause()
        assert app.opened == [] and not isinstance(app.screen, ConfirmLink)


async def test_non_web_addresses_are_never_opened():
    app = LinkApp()
    async with app.run_test() as pilot:
        for href in ("file:///etc/passwd", "javascript:alert(1)", "ssh://host"):
            await click(app, pilot, href)
            assert not isinstance(app.screen, ConfirmLink)
        assert app.opened == []

"""The card browser: search and sort every card, preview one with its history, suspend it.

Rows come from one core query (:func:`quizapp.session.card_rows`); searching and sorting happen
on that list in memory, so typing in the search box never touches the database.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Input, Markdown, Static

from quizapp import review
from quizapp.cards import Card, CardType
from quizapp.schedule import RATINGS
from quizapp.session import CardRow, card_rows, due_label, matches
from quizapp.tui.messages import SyncFinished
from quizapp.tui.widgets.deck_markdown import DeckMarkdown
from quizapp.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from quizapp.tui.app import QuizApp

# (column key, label, sort key); None sorts first.
COLUMNS: list[tuple[str, str]] = [
    ("deck", "Deck"),
    ("type", "Type"),
    ("prompt", "Card"),
    ("due", "Due"),
    ("stability", "Stab."),
    ("difficulty", "Diff."),
    ("lapses", "Lapses"),
    ("score", "Score"),
    ("status", "Status"),
]
SORTABLE = ["deck", "due", "stability", "difficulty", "lapses", "score", "type", "status"]
FIXED_WIDTH = 72  # every column but the card's, with padding and the scrollbar
DECK_WIDTH = 14
STATUS_LABELS = {"suspended": "susp.", "learning": "learn"}  # short enough for 80 columns
SEARCH_DELAY = 0.12  # seconds of quiet typing before the table is refiltered
MAX_ROWS = 500  # a DataTable row costs ~0.3 ms to add; past this, ask for a narrower search


def sort_key(column: str):
    """A key function for ``column``; missing values sort last, ties keep the deck's order."""

    def key(row: CardRow) -> tuple:
        value: object
        if column == "due":
            value = row.due.timestamp() if row.due else None
        elif column == "score":
            value = row.last_score
        elif column == "prompt":
            value = row.prompt.lower()
        else:
            value = getattr(row, column)
        return (value is None, value if value is not None else 0)

    return key


class BrowseScreen(Screen[None]):
    """Every live card in a table; the highlighted one previewed below with its history."""

    CSS_PATH = "browse_screen.tcss"
    AUTO_FOCUS = "#cards"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", key_display="/"),
        Binding("o", "sort", "Sort"),
        Binding("O", "reverse", "Reverse", show=False),
        Binding("x", "toggle_suspend", "Suspend"),
        Binding("e", "edit", "Edit"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[CardRow] = []
        self.shown: list[CardRow] = []
        self.matching = 0
        self.sort_column = "deck"
        self.reverse = False
        self._search_timer: Timer | None = None

    @property
    def quiz_app(self) -> QuizApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="status", markup=False)
        yield Input(
            placeholder="Search: words, deck:NAME, is:new|learning|review|suspended, type:open|…",
            id="search",
            compact=True,
        )
        yield DataTable(id="cards", cursor_type="row", zebra_stripes=True)
        with Vertical(id="preview-pane"), VerticalScroll(id="preview-scroll"):
            yield DeckMarkdown(id="preview")
            yield Static(id="history", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        search = self.query_one("#search", Input)
        search.cursor_blink = self.quiz_app.cursor_blink
        table = self.query_one("#cards", DataTable)
        for key, label in COLUMNS:
            table.add_column(label, key=key)
        self.reload()

    def reload(self) -> None:
        """Re-read every card from the store, keeping the search, sort and highlighted card."""
        assert self.quiz_app.store is not None
        self.rows = card_rows(self.quiz_app.store)
        self.refilter()

    def refilter(self) -> None:
        query = self.query_one("#search", Input).value
        now = self.quiz_app.clock()
        matching = [row for row in self.rows if matches(row, query)]
        matching.sort(key=sort_key(self.sort_column), reverse=self.reverse)
        self.matching = len(matching)
        self.shown = matching[:MAX_ROWS]
        self._fill(now)

    def _fill(self, now: datetime) -> None:
        table = self.query_one("#cards", DataTable)
        current = self.current_row()
        table.clear()
        width = max(self.size.width - FIXED_WIDTH, 12)
        table.add_rows(
            (
                (
                    _clip(row.deck, DECK_WIDTH),
                    row.type,
                    _clip(row.prompt, width),
                    due_label(row, now),
                    _number(row.stability, "{:.1f}"),
                    _number(row.difficulty, "{:.1f}"),
                    str(row.lapses),
                    _number(row.last_score, "{:.0%}"),
                    STATUS_LABELS.get(row.status, row.status),
                )
                for row in self.shown
            ),
        )
        if current is not None:
            for index, row in enumerate(self.shown):
                if row.id == current.id:
                    table.move_cursor(row=index, animate=False)
                    break
        direction = "↓" if self.reverse else "↑"
        count = f"{self.matching:,} of {len(self.rows):,} cards"
        if self.matching > len(self.shown):
            count += f" (first {len(self.shown):,} shown: search to narrow)"
        self.query_one("#status", Static).update(
            f"Browse  │  {count}  │  sorted by {self.sort_column} {direction}"
        )
        self.show_preview()

    def current_row(self) -> CardRow | None:
        table = self.query_one("#cards", DataTable)
        if not self.shown or table.cursor_row < 0 or table.cursor_row >= len(self.shown):
            return None
        return self.shown[table.cursor_row]

    @on(DataTable.RowHighlighted, "#cards")
    def _highlighted(self) -> None:
        self.show_preview()

    def show_preview(self) -> None:
        row = self.current_row()
        preview = self.query_one("#preview", Markdown)
        history = self.query_one("#history", Static)
        if row is None:
            preview.update("_No card matches the search._")
            history.update("")
            return
        store = self.quiz_app.store
        assert store is not None
        card = review.get_card(store, row.id)
        preview.update(card_markdown(card))
        history.update(history_text(review.history(store, row.id)))

    @on(Input.Changed, "#search")
    def _search_changed(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, self.refilter)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self.refilter()
        self.set_focus(self.query_one("#cards"))

    @on(DataTable.HeaderSelected, "#cards")
    def _header(self, event: DataTable.HeaderSelected) -> None:
        column = str(event.column_key.value)
        if column == self.sort_column:
            self.reverse = not self.reverse
        else:
            self.sort_column, self.reverse = column, False
        self.refilter()

    def action_search(self) -> None:
        self.set_focus(self.query_one("#search"))

    def action_sort(self) -> None:
        index = SORTABLE.index(self.sort_column) if self.sort_column in SORTABLE else -1
        self.sort_column = SORTABLE[(index + 1) % len(SORTABLE)]
        self.reverse = False
        self.refilter()

    def action_reverse(self) -> None:
        self.reverse = not self.reverse
        self.refilter()

    def action_toggle_suspend(self) -> None:
        row = self.current_row()
        if row is None:
            return
        store = self.quiz_app.store
        assert store is not None
        review.set_suspended(store, row.id, not row.suspended)
        self.notify(f"{'Unsuspended' if row.suspended else 'Suspended'}: {_clip(row.prompt, 50)}")
        changed = replace(row, suspended=not row.suspended)
        self.rows = [changed if r.id == row.id else r for r in self.rows]
        self.refilter()

    def action_edit(self) -> None:
        row = self.current_row()
        if row is None:
            return
        store = self.quiz_app.store
        assert store is not None
        card = review.get_card(store, row.id)
        self.quiz_app.open_in_editor(Path(card.source), card.line)  # the re-sync reloads rows

    def on_sync_finished(self, message: SyncFinished) -> None:
        self.reload()

    def action_back(self) -> None:
        search = self.query_one("#search", Input)
        if search.has_focus:
            self.set_focus(self.query_one("#cards"))
            return
        self.dismiss()


def card_markdown(card: Card) -> str:
    """A card as the preview shows it: question, options or gaps, answer, key points, source."""
    parts = [f"**{card.prompt}**" if card.type is not CardType.CLOZE else card.prompt, ""]
    if card.choices:
        parts += [
            f"{n}. {'✓' if c.correct else '✗'} {c.text}" for n, c in enumerate(card.choices, 1)
        ]
        parts.append("")
    if card.answer:
        parts += [card.answer, ""]
    if card.key_points:
        parts += ["**Key points**", ""] + [f"- {p}" for p in card.key_points] + [""]
    meta = f"`{card.id}` · {card.type.value} · {Path(card.source).name}:{card.line}"
    if card.prove:
        meta += f" · prove: {card.prove}"
    parts.append(f"_{meta}_")
    return "\n".join(parts)


def history_text(reviews: list[dict[str, object]]) -> Content:
    """The review log of one card, oldest first; undone answers are struck through."""
    if not reviews:
        return Content.styled("No reviews yet.", "$text-muted")
    lines = [Content.styled("History", "bold")]
    for r in reviews:
        when = str(r["reviewed_at"])[:16].replace("T", " ")
        rating = RATINGS.get(int(r["rating"]), str(r["rating"]))  # type: ignore[arg-type]
        score = f"score {float(r['score']):.0%}" if r["score"] is not None else ""  # type: ignore[arg-type]
        text = f"{when} UTC  {rating:<5}  {score:<10}  {r['mode']}"
        lines.append(
            Content.styled(
                text + ("  (undone)" if r["undone"] else ""), "strike dim" if r["undone"] else ""
            )
        )
    return Content("\n").join(lines)


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _number(value: float | None, fmt: str) -> str:
    return "" if value is None else fmt.format(value)

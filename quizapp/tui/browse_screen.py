"""The card browser: search and sort every card, preview one with its history, suspend it.

Rows come from one core query (:func:`quizapp.session.card_rows`); searching and sorting happen
on that list in memory, so typing in the search box never touches the database. The table
(:class:`~quizapp.tui.widgets.row_table.RowTable`) formats only the rows on screen, so every
matching card is there (no first-500 cut) and 10,000 cards open as fast as ten.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Markdown, Static

from quizapp import review
from quizapp.cards import Card, CardType
from quizapp.schedule import RATINGS
from quizapp.session import CardRow, card_rows, due_label, matches, search_problems
from quizapp.tui.messages import SyncFinished
from quizapp.tui.widgets.deck_markdown import DeckMarkdown
from quizapp.tui.widgets.key_bar import KeyBar
from quizapp.tui.widgets.row_table import FLEX, Column, RowTable

if TYPE_CHECKING:
    from quizapp.tui.app import QuizApp

# (column key, label, width); the card's question takes what the others leave (FLEX), and the
# deck column gives way first on a narrow terminal.
COLUMNS: list[tuple[str, str, int]] = [
    ("deck", "Deck", 12),
    ("type", "Type", 6),
    ("prompt", "Card", FLEX),
    ("due", "Due", 5),
    ("stability", "Stab.", 5),
    ("difficulty", "Diff.", 5),
    ("lapses", "Lapses", 6),
    ("score", "Score", 5),
    ("status", "Status", 6),
]
NARROW_DECK = 8  # the deck column's width below 100 columns, so the question keeps the room
SORTABLE = ["deck", "due", "stability", "difficulty", "lapses", "score", "type", "status"]
STATUS_LABELS = {"suspended": "susp.", "learning": "learn"}  # short enough for 80 columns
SEARCH_DELAY = 0.12  # seconds of quiet typing before the table is refiltered


def sort_key(column: str):
    """A key function for ``column``; missing values sort last, ties keep the deck's order."""

    def key(row: CardRow) -> tuple:
        value: object
        if column == "due":
            value = row.due.timestamp() if row.due else None
        elif column in ("stability", "difficulty") and not row.reps:
            value = None  # a new card has no stability yet: last, whichever the direction
        elif column == "score":
            value = row.last_score
        elif column == "prompt":
            value = row.prompt.lower()
        else:
            value = getattr(row, column)
        return (value is None, value if value is not None else 0)

    return key


def sorted_rows(rows: list[CardRow], column: str, reverse: bool) -> list[CardRow]:
    """``rows`` sorted by ``column``; missing values (a new card's stability) last either way:
    the rows that have one are sorted (or reversed), the others follow in the deck's order."""
    key = sort_key(column)
    present = sorted((r for r in rows if not key(r)[0]), key=key, reverse=reverse)
    return present + [r for r in rows if key(r)[0]]


class BrowseScreen(Screen[None]):
    """Every live card in a table; the highlighted one previewed below with its history."""

    CSS_PATH = "browse_screen.tcss"
    AUTO_FOCUS = "#cards"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", key_display="/"),
        Binding("o", "sort", "Sort"),
        Binding("O", "reverse", "Reverse", show=False),
        Binding("x", "suspend", "Suspend"),
        Binding("x", "unsuspend", "Unsuspend"),
        Binding("e", "edit", "Edit"),
        Binding("p", "prove", "Prove it"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[CardRow] = []
        self.shown: list[CardRow] = []
        self.matching = 0
        self.sort_column = "deck"
        self.reverse = False
        self.previewed: Card | None = None  # the card the preview shows
        self._search_timer: Timer | None = None

    @property
    def quiz_app(self) -> QuizApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="status", markup=False)
        yield Input(
            placeholder="Search: words, deck:D, tag:T, is:new|learning|review|suspended|buried…",
            id="search",
            compact=True,
        )
        yield RowTable([Column(*c) for c in COLUMNS], id="cards")
        with Vertical(id="preview-pane"), VerticalScroll(id="preview-scroll"):
            yield DeckMarkdown(id="preview")
            yield Static(id="history", markup=False)
        yield KeyBar()

    @dataclass
    class RowsLoaded(Message):
        """The loading worker's rows (read on its own connection)."""

        rows: list[CardRow]

    def on_mount(self) -> None:
        search = self.query_one("#search", Input)
        search.cursor_blink = self.quiz_app.cursor_blink
        self.reload()

    def on_resize(self) -> None:
        table = self.query_one("#cards", RowTable)
        table.columns[0] = Column("deck", "Deck", 12 if self.size.width >= 100 else NARROW_DECK)
        table.refresh()

    def reload(self) -> None:
        """Re-read every card from the store, keeping the search, sort and highlighted card.

        With a store on disk the rows are read in a thread worker on its own connection (10,000
        cards take a few hundred milliseconds): the screen opens at once and fills when they
        arrive. An in-memory store cannot be shared with a thread, so it is read here.
        """
        app = self.quiz_app
        if app.db_path is None:
            assert app.store is not None
            self.rows = card_rows(app.store, app.clock())
            self.refilter()
            return
        if not self.rows:
            self.query_one("#status", Static).update("Browse  │  reading your cards…")
        # After the first frame: the worker holds the GIL for much of its work.
        self.call_after_refresh(self._load_rows, app.db_path, app.clock())

    @work(thread=True, exclusive=True, group="browse-rows", exit_on_error=False)
    def _load_rows(self, path: Path, now: datetime) -> None:
        from quizapp.store import Store

        with Store.open(path, migrate=False) as store:
            rows = card_rows(store, now)
        self.post_message(self.RowsLoaded(rows))

    def on_browse_screen_rows_loaded(self, message: RowsLoaded) -> None:
        self.rows = message.rows
        self.refilter()

    def refilter(self) -> None:
        query = self.query_one("#search", Input).value
        current = self.current_row()
        matching = [row for row in self.rows if matches(row, query)]
        self.shown = sorted_rows(matching, self.sort_column, self.reverse)
        self.matching = len(self.shown)
        self._fill(self.quiz_app.clock(), current, search_problems(query))

    def _fill(self, now: datetime, current: CardRow | None, problems: list[str]) -> None:
        table = self.query_one("#cards", RowTable)
        shown = self.shown

        def row_at(index: int) -> tuple[str, ...]:
            row = shown[index]
            return (
                row.deck,
                row.type,
                row.prompt,
                due_label(row, now),
                _number(row.stability, "{:.1f}"),
                _number(row.difficulty, "{:.1f}"),
                str(row.lapses),
                _number(row.last_score, "{:.0%}"),
                STATUS_LABELS.get(row.status, row.status),
            )

        cursor = 0
        if current is not None:
            cursor = next((i for i, row in enumerate(shown) if row.id == current.id), 0)
        table.set_rows(len(shown), row_at, cursor)
        direction = "↓" if self.reverse else "↑"
        count = f"{self.matching:,} of {len(self.rows):,} cards"
        status = f"Browse  │  {count}  │  sorted by {self.sort_column} {direction}"
        if problems:
            status = f"Browse  │  {count}  │  ✗ {problems[0]}"
        self.query_one("#status", Static).update(status)
        self.show_preview()
        self.refresh_bindings()

    def current_row(self) -> CardRow | None:
        table = self.query_one("#cards", RowTable)
        if not self.shown or not 0 <= table.cursor < len(self.shown):
            return None
        return self.shown[table.cursor]

    @on(RowTable.Highlighted, "#cards")
    def _highlighted(self) -> None:
        self.show_preview()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """x says what it will do to the highlighted card: Suspend or Unsuspend; p is shown
        only for a card with an experiment."""
        if action in ("suspend", "unsuspend"):
            row = self.current_row()
            return row is not None and row.suspended == (action == "unsuspend")
        if action == "prove":
            return self.previewed is not None and self.previewed.prove is not None
        return True

    def action_suspend(self) -> None:
        self.action_toggle_suspend()

    def action_unsuspend(self) -> None:
        self.action_toggle_suspend()

    def show_preview(self) -> None:
        row = self.current_row()
        preview = self.query_one("#preview", Markdown)
        history = self.query_one("#history", Static)
        if row is None:
            self.previewed = None
            preview.update("_No card matches the search._")
            history.update("")
            return
        store = self.quiz_app.store
        assert store is not None
        card = self.previewed = review.get_card(store, row.id)
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

    @on(RowTable.HeaderClicked, "#cards")
    def _header(self, event: RowTable.HeaderClicked) -> None:
        column = event.key
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
        # The re-sync after the edit reloads the rows.
        self.quiz_app.edit_card(Path(card.source), card.line, lambda started: None)

    def action_prove(self) -> None:
        """The highlighted card's "prove it" experiment, as on the review screen."""
        card = self.previewed
        if card is None or card.prove is None:
            return
        from quizapp.tui.prove_screen import ProveScreen

        self.app.push_screen(ProveScreen(card.prove))

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

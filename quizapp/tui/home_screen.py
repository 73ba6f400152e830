"""The first screen: today's work per deck, the streak, the sync's outcome, and where to go next.

It imports nothing from the core at module level: it is painted before the store is open, and
fills in its numbers when the app says the store is ready.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, DataTable, ProgressBar, Static

from quizapp.tui.messages import SyncFinished
from quizapp.tui.widgets.key_bar import KeyBar
from quizapp.wording import plural

if TYPE_CHECKING:
    from textual.timer import Timer

    from quizapp.sync import SyncReport
    from quizapp.tui.app import QuizApp

WATCH_SECONDS = 2.0  # how often Home looks for changes made by another terminal
PROGRESS_DELAY_S = 0.5  # a sync still running after this shows the pulsing bar
READING_DECKS = "Reading your decks…"  # what Home says while a first sync fills the store
ALL_DECKS = "\0all"  # row key of the "all decks" row; no deck name can contain a NUL


class HomeScreen(Screen[None]):
    """Decks with their new / learning / due counts and the actions of the day."""

    # Its styles are in home_screen.tcss, which the app loads (see QuizApp.CSS_PATH).

    @dataclass
    class DecksShown(Message):
        """The deck table, refreshed after a sync, is on screen: the app starts the work that
        would otherwise compete with drawing it (start-up's backup, sync folder, re-fit)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "app.review", "Review"),
        Binding("b", "app.browse", "Browse"),
        Binding("t", "app.stats", "Stats"),
        Binding("m", "quiz", "Quiz"),
        Binding("p", "plan", "Plan"),
        Binding("ctrl+r", "app.sync", "Sync", key_display="^r"),
    ]

    @property
    def quiz_app(self) -> QuizApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(
            Content.from_markup("[b]quizapp[/b]  [dim]ML interview prep[/dim]"), id="title"
        )
        with Vertical(id="home"):
            yield Static("Opening your store…", id="today")
            yield DataTable(id="decks", cursor_type="row", zebra_stripes=True)
            yield Static("enter reviews the highlighted deck, m quizzes you on it", id="hint")
            with Horizontal(id="sync-line"):
                yield Static("Syncing decks…", id="sync-status", markup=False)
                yield ProgressBar(
                    total=None, show_eta=False, show_percentage=False, id="sync-progress"
                )
            with VerticalScroll(id="problems-box"):
                yield Static(id="problems", markup=False)
        with Horizontal(id="actions"):
            yield Button("Review  r", id="review", variant="primary", compact=True)
            yield Button("Browse  b", id="browse", compact=True)
            yield Button("Stats  t", id="stats", compact=True)
            yield Button("Quiz  m", id="quiz", compact=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#problems-box").display = False
        self._bar_timer: Timer | None = None
        self.query_one("#sync-progress").display = False
        self.watch(self.app, "store_ready", self._store_ready, init=True)
        self.watch(self.app, "syncing", self._syncing, init=True)
        self._data_version: int | None = None
        self._config_stamp: float | None = None
        self._config_seen = False  # a config file that did not exist yet is a stamp too
        self.set_interval(WATCH_SECONDS, self.check_outside_changes)

    def check_outside_changes(self) -> None:
        """Another terminal answered cards, or 'quizapp decks add' changed the config: catch up.

        SQLite's ``data_version`` changes when another connection commits, so this costs one
        pragma and one stat every couple of seconds, and only while Home is on screen.
        """
        app = self.quiz_app
        if not app.store_ready or app.store is None or self.app.screen is not self:
            return
        from quizapp import paths

        config = paths.config_path()
        stamp = config.stat().st_mtime if config.exists() else None
        if self._config_seen and stamp != self._config_stamp and app.roots is None:
            app.sync_decks()
        self._config_stamp, self._config_seen = stamp, True
        version = app.store.conn.execute("PRAGMA data_version").fetchone()[0]
        if self._data_version is not None and version != self._data_version:
            self.refresh_counts()
        self._data_version = version

    def _store_ready(self, ready: bool) -> None:
        if not ready:
            return
        from quizapp import review

        app = self.quiz_app
        assert app.store is not None
        if app.syncing and not review.has_cards(app.store):
            # A fresh store while the first sync reads the bundled decks: the table is drawn
            # once, when the sync ends, not empty first and again a moment later.
            self.query_one("#today", Static).update(READING_DECKS)
            return
        self.refresh_counts()

    def _syncing(self, syncing: bool) -> None:
        """ "Syncing decks…" at once; the pulsing bar only once the sync has taken a while.

        The bar redraws itself every frame, and while it pulsed the main thread took the
        interpreter from the sync thread: the first sync of the bundled decks, a fraction of
        a second, finished about 50 ms later with it on screen.
        """
        bar = self.query_one("#sync-progress")
        if self._bar_timer is not None:
            self._bar_timer.stop()
            self._bar_timer = None
        if not syncing:
            bar.display = False
            return
        self.query_one("#sync-status", Static).update("Syncing decks…")
        self._bar_timer = self.set_timer(PROGRESS_DELAY_S, partial(setattr, bar, "display", True))

    def on_screen_resume(self) -> None:
        if self.quiz_app.store_ready:
            self.refresh_counts()
            self.quiz_app.refit_if_due()  # a session may have doubled a deck's reviews

    def on_sync_finished(self, message: SyncFinished) -> None:
        self.show_sync(message)
        if self.quiz_app.store_ready:
            self.refresh_counts()
        self.call_after_refresh(self.post_message, self.DecksShown())

    def refresh_counts(self) -> None:
        """Re-read today's counts and the streak from the store (a few milliseconds)."""
        from quizapp import review, stats
        from quizapp.schedule import format_interval

        app = self.quiz_app
        assert app.store is not None
        now = app.clock()
        counts = review.deck_counts(app.store, now)
        summary = stats.today(app.store, now)
        table = self.query_one("#decks", DataTable)
        selected = _row_key(table)
        # Columns are rebuilt too: after clear() alone, DataTable sometimes keeps the header at
        # the old column widths while the rows use the new ones.
        table.clear(columns=True)
        # Labels and cells as Text: DataTable reads a str as Rich markup, so a deck named
        # "notes [/] draft" raised MarkupError and "[b]x" lost its brackets (and parsing the
        # markup loaded Rich's emoji table on the way to the first deck table).
        table.add_column(Text("Deck"), key="deck")
        for label in ("New", "Learning", "Due", "Today", "Cards"):
            table.add_column(Text(label), key=label.lower())
        total = sum(c.today for c in counts)
        if counts:
            table.add_row(
                Text("All decks"),
                *(
                    Text(str(sum(getattr(c, field) for c in counts)))
                    for field in ("new", "learning", "due", "today", "total")
                ),
                key=ALL_DECKS,
            )
        for c in counts:
            table.add_row(
                Text(c.deck),
                *(Text(str(n)) for n in (c.new, c.learning, c.due, c.today, c.total)),
                key=c.deck,
            )
        if selected is not None and selected in table.rows:
            table.move_cursor(row=table.get_row_index(selected))
        if not counts and app.syncing:
            # A fresh store while the first sync reads the bundled decks: not "no cards".
            today = READING_DECKS
        elif not counts:
            today = "No cards yet. Add a folder of decks with 'quizapp decks add FOLDER'."
        else:
            if any(c.learning or c.due for c in counts):
                next_due = "reviews due now"
            elif summary.next_due is None:
                next_due = "nothing scheduled"
            else:
                next_due = f"next due in {format_interval(summary.next_due - now)}"
            today = (
                f"{total} to study  ·  {summary.reviews_today} done today  ·  "
                f"streak {summary.streak_days} day{'s' if summary.streak_days != 1 else ''}"
                f"  ·  {next_due}"
            )
        self.query_one("#today", Static).update(today)

    def show_sync(self, message: SyncFinished) -> None:
        status = self.query_one("#sync-status", Static)
        box = self.query_one("#problems-box")
        problems = self.query_one("#problems", Static)
        if message.error:
            status.update(f"✗ {message.error}")
            box.display = False
            if not self.quiz_app.store_ready:
                self.query_one("#today", Static).update(
                    "The store could not be opened, so there is nothing to review."
                )
            return
        report = message.report
        assert report is not None
        lines = [str(p) for p in sorted(report.problems)]
        lines += [f"warning: {w}" for w in report.warnings]
        if report.problems:
            files = len(report.rejected)
            status.update(
                f"✗ {files} file{'' if files == 1 else 's'} left out for the problems below "
                f"(fix, then ^r); the rest synced: {_short_summary(report)}"
            )
        else:
            status.update(f"✓ Decks synced: {_short_summary(report)}")
        problems.update("\n".join(lines))
        box.display = bool(lines)
        self.set_class(bool(report.problems), "-problems")

    @on(DataTable.RowSelected, "#decks")
    def _deck_chosen(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value
        self.quiz_app.action_review(None if key == ALL_DECKS else key)

    def action_quiz(self) -> None:
        """A mock interview on the highlighted deck (the "All decks" row: every deck)."""
        key = _row_key(self.query_one("#decks", DataTable))
        self.quiz_app.action_quiz(None if key in (None, ALL_DECKS) else key)

    def action_plan(self) -> None:
        """An interview-date plan for the highlighted deck (the "All decks" row: every deck)."""
        key = _row_key(self.query_one("#decks", DataTable))
        self.quiz_app.action_plan(None if key in (None, ALL_DECKS) else key)

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        actions = {
            "review": self.quiz_app.action_review,
            "browse": self.quiz_app.action_browse,
            "stats": self.quiz_app.action_stats,
            "quiz": self.action_quiz,
        }
        if event.button.id in actions:
            actions[event.button.id]()


def _row_key(table: DataTable) -> str | None:
    if not table.row_count:
        return None
    try:
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except Exception:
        return None


def _short_summary(report: SyncReport) -> str:
    """What changed, or that nothing did, in a few words."""
    counts = {
        "added": report.added,
        "updated": report.updated,
        "retired": report.retired,
        "restored": report.revived,
    }
    parts = [f"{count} {label}" for label, count in counts.items() if count] or ["no changes"]
    seen = report.files_read + report.files_skipped
    parts.append(f"{plural(seen, 'file')}, {report.files_skipped} unchanged")
    return ", ".join(parts)

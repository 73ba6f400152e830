"""The quizapp terminal app: the app object, its factory and ``run``, the CLI's entry point.

Start-up order, chosen so the first screen appears as fast as a bare Textual app:

1. The home screen is painted with nothing but Textual imported.
2. A thread worker imports the core (sqlite-utils, fsrs), opens its own connection, migrates the
   store and posts :class:`StoreOpened`; the main thread then opens its connection and shows
   the counts. sqlite3 connections never cross threads.
3. The same worker syncs the decks (unchanged files are skipped by mtime) and posts
   :class:`SyncFinished`; a file with problems is left out (shown as ``FILE:LINE: message``)
   and the other files are synced.
4. Once Home has drawn the deck table (:class:`HomeScreen.DecksShown`), the worker makes the
   day's backup, exchanges with the sync folder and warms the scorer up, and the re-fit check
   starts: started earlier, they take the GIL from the main thread while it draws that frame.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen

from quizapp.clock import utc_now
from quizapp.tui.home_screen import HomeScreen
from quizapp.tui.messages import RefitsFitted, StartWarnings, StoreOpened, SyncFinished

if TYPE_CHECKING:
    from textual.theme import Theme

    from quizapp.store import Store

#: How long the start-up worker waits for Home to draw the deck table before it goes on with the
#: backup and the sync folder anyway (Home covered by another screen, a terminal that never
#: refreshes): the backup is late, never skipped.
DECKS_SHOWN_WAIT_S = 3.0


class QuizApp(App[None]):
    """Spaced-repetition review in the terminal. Build it with :func:`make_app`."""

    # Textual does not load a default screen's own CSS_PATH, so the home screen's comes from here.
    CSS_PATH: ClassVar[list[str]] = ["app.tcss", "home_screen.tcss"]
    TITLE = "quizapp"
    SUB_TITLE = "ML interview prep"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True, key_display="^q"),
        Binding("question_mark", "help", "Help", key_display="?"),
    ]

    syncing: reactive[bool] = reactive(False)
    store_ready: reactive[bool] = reactive(False)

    def __init__(
        self,
        source: Store | Path,
        *,
        clock: Callable[[], datetime] = utc_now,
        roots: Sequence[Path] | None = None,
        deck: str | None = None,
        start_review: bool = False,
        cursor_blink: bool = True,
    ) -> None:
        super().__init__()
        if isinstance(source, str | Path):
            self.db_path: Path | None = Path(source)
            self._given_store: Store | None = None
        else:
            self.db_path = source.path
            self._given_store = source
        self.store: Store | None = None
        self.clock = clock
        self.roots = [Path(r) for r in roots] if roots is not None else None
        self.deck = deck
        self.start_review = start_review
        self.cursor_blink = cursor_blink
        self.last_sync: SyncFinished | None = None
        self._sync_again = False
        self._failing = False
        #: Set once the first sync's decks are on screen (or cannot be waited for): the sync
        #: worker's start-up checks wait for it.
        self._decks_shown = threading.Event()
        self._refit_when_shown = False
        self._saved_theme = _saved_theme()
        if self._saved_theme in self.available_themes:
            self.theme = self._saved_theme

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme: Theme) -> None:
        """A theme picked in the palette is kept in config.toml for the next start."""
        if theme.name == self._saved_theme:
            return
        from quizapp import config, paths

        try:
            config.save_theme(paths.config_path(), theme.name)
        except config.ConfigError as exc:
            self.notify(str(exc), title="Theme not saved", severity="warning", timeout=8)
            return
        self._saved_theme = theme.name

    def get_default_screen(self) -> Screen:
        return HomeScreen()

    def on_ready(self) -> None:
        """The first frame is on screen: only now start the work that competes with drawing it."""
        self._start()

    def _start(self) -> None:
        if self._given_store is not None:
            self.store = self._given_store
            self._configure(self.store)
            self._store_opened()
            self.sync_decks()
        else:
            self.sync_decks(announce_open=True)

    # -- the store and syncing -------------------------------------------------------------------

    def sync_decks(self, *, announce_open: bool = False) -> None:
        """Sync the decks into the store in a thread worker (a second request waits its turn)."""
        if self.syncing:
            self._sync_again = True
            return
        self.syncing = True
        if self.db_path is None:  # an in-memory store cannot be shared with a thread
            assert self.store is not None
            self.post_message(self._sync_with(self.store))
            return
        self._sync_worker(self.db_path, announce_open)

    @work(thread=True, group="sync", exit_on_error=False, name="sync decks")
    def _sync_worker(self, path: Path, announce_open: bool) -> None:
        from quizapp.errors import HANDLED, explain
        from quizapp.store import Store

        try:
            store = Store.open(path)
        except HANDLED as exc:  # damaged, newer, unreadable: nothing to review, say why and exit
            message = explain(exc, db_path=path)
            self.post_message(SyncFinished(None, message))
            self.call_from_thread(self.fail, message)
            return
        try:
            if announce_open:
                self.post_message(StoreOpened())
            finished = self._sync_with(store)
            self.post_message(finished)  # the decks can be drawn: the rest can wait
            if announce_open and finished.report is not None:
                # Start-up only: the day's backup and the sync folder, off the main thread,
                # once the decks are on screen. Reviews it merges in show on Home at its next
                # look (data_version).
                self._decks_shown.wait(DECKS_SHOWN_WAIT_S)
                from quizapp.merge.folder import exchange_configured

                warnings = exchange_configured(store, self.clock())
                if warnings:
                    self.post_message(StartWarnings(warnings))
        finally:
            store.close()
        _warm_up()

    def _sync_with(self, store: Store) -> SyncFinished:
        """Run one sync on ``store`` (whichever thread owns it) and wrap the outcome."""
        from quizapp.config import ConfigError
        from quizapp.errors import HANDLED, explain

        try:
            if self.roots is None:
                from quizapp.library import sync_all

                report = sync_all(store, self.clock())
            else:
                from quizapp.sync import sync

                report = sync(store, self.roots, self.clock())
        except ConfigError as exc:
            return SyncFinished(None, str(exc))
        except HANDLED as exc:
            return SyncFinished(None, explain(exc, db_path=self.db_path))
        except Exception as exc:  # a bad deck folder must not take the review down with it
            return SyncFinished(None, f"the sync failed: {type(exc).__name__}: {exc}")
        return SyncFinished(report)

    def on_store_opened(self, message: StoreOpened) -> None:
        from quizapp.store import Store, StoreError

        assert self.db_path is not None
        try:
            # The worker already migrated and checked; migrating here would wait on its sync.
            self.store = Store.open(self.db_path, migrate=False, check="none")
        except StoreError as exc:
            self.fail(str(exc))
            return
        self._configure(self.store)
        self._store_opened()

    def _configure(self, store: Store) -> None:
        """The main thread must not freeze on another process's lock: one attempt (about a
        second), then :class:`~quizapp.store.StoreBusy`, which the screens turn into a retry."""
        store.busy_wait_s = 0.0

    # -- failures --------------------------------------------------------------------------------

    def fail(self, message: str) -> None:
        """Show ``message`` in a dialog; closing it exits with status 1."""
        from quizapp.tui.error_dialog import ErrorDialog

        if self._failing:
            return
        self._failing = True
        self.push_screen(ErrorDialog(message), lambda _: self.exit(return_code=1))

    def _handle_exception(self, error: Exception) -> None:
        """A store, file or config failure in any handler gets the dialog, not a traceback."""
        from quizapp.errors import HANDLED, explain

        if isinstance(error, HANDLED) and not self._failing:
            self.fail(explain(error, db_path=self.db_path))
            return
        super()._handle_exception(error)

    def _store_opened(self) -> None:
        self.store_ready = True
        if self.start_review:
            self.start_review = False
            self.action_review(self.deck)

    def on_sync_finished(self, message: SyncFinished) -> None:
        self.syncing = False
        self.last_sync = message
        if message.error:
            self.notify(message.error, title="Sync failed", severity="error", timeout=15)
        elif message.report is not None and message.report.problems:
            files = len(message.report.rejected)
            self.notify(
                f"{files} deck file{'' if files == 1 else 's'} left out for problems (listed on "
                "the home screen); the other decks were synced.",
                title="Deck problems",
                severity="warning",
                timeout=10,
            )
        for screen in self.screen_stack:
            screen.post_message(SyncFinished(message.report, message.error))
        if isinstance(self.screen, HomeScreen):
            self._refit_when_shown = True  # after Home has drawn the decks: DecksShown
        else:  # no deck table to wait for
            self._decks_shown.set()
            self.refit_if_due()
        if self._sync_again:
            self._sync_again = False
            self.sync_decks()

    def on_home_screen_decks_shown(self, message: HomeScreen.DecksShown) -> None:
        """Home drew the decks after a sync: the start-up checks and the sync's re-fit may run."""
        self._decks_shown.set()
        if self._refit_when_shown:
            self._refit_when_shown = False
            self.refit_if_due()

    def on_start_warnings(self, message: StartWarnings) -> None:
        """Warnings of the start-up checks join the last sync's, where Home lists them."""
        if self.last_sync is None or self.last_sync.report is None:
            for warning in message.warnings:
                self.notify(warning, severity="warning", timeout=10)
            return
        self.last_sync.report.warnings += message.warnings
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.show_sync(self.last_sync)

    # -- re-fitting FSRS -------------------------------------------------------------------------

    def refit_if_due(self) -> None:
        """Re-fit FSRS, as 'quizapp due' does, for decks with twice the reviews of their last fit.

        Called after each sync, once Home has drawn its decks (so at start-up), and when Home
        comes back (after a session). The fit runs in a worker that only reads;
        :meth:`on_refits_fitted` records the outcome here, between two handlers, so it never
        holds the write lock while an answer is being saved.
        """
        if self.db_path is None or not self.store_ready:
            return  # an in-memory store cannot be shared with a thread
        if any(w.group == "refit" and not w.is_finished for w in self.workers):
            return
        self._refit_worker(self.db_path, self.clock())

    @work(thread=True, group="refit", exit_on_error=False, name="re-fit FSRS")
    def _refit_worker(self, path: Path, now: datetime) -> None:
        from quizapp.fitting.refit import fit_due
        from quizapp.store import Store

        try:
            with Store.open(path, migrate=False, check="none") as store:
                due = fit_due(store, now)
        except Exception as exc:  # a failed fit must not close the app; the next check retries
            self.post_message(RefitsFitted([], f"{type(exc).__name__}: {exc}"))
            return
        if due:
            self.post_message(RefitsFitted(due))

    def on_refits_fitted(self, message: RefitsFitted) -> None:
        from quizapp.fitting.refit import record
        from quizapp.store import StoreBusy

        if message.error:
            self.notify(
                f"The automatic re-fit failed ({message.error}); the parameters in use stay.",
                title="FSRS parameters",
                severity="warning",
                markup=False,
                timeout=10,
            )
        assert self.store is not None
        for refit in message.refits:
            try:
                recorded = record(self.store, refit, self.clock())
            except StoreBusy:  # another terminal is writing: still due, so the next check retries
                continue
            if recorded:
                self.notify(
                    f"{refit.reason[0].upper()}{refit.reason[1:]}, so FSRS was re-fitted. "
                    f"{refit.outcome}",
                    title="FSRS parameters re-fitted",
                    severity="information" if refit.report.better else "warning",
                    markup=False,
                    timeout=15,
                )

    def on_unmount(self) -> None:
        self._decks_shown.set()  # a worker still waiting makes the backup as the app closes
        if self.store is not None and self._given_store is None:
            self.store.close()
            self.store = None

    # -- actions ---------------------------------------------------------------------------------

    def action_review(self, deck: str | None = None) -> None:
        if not self.store_ready:
            self.notify("The store is still opening; try again in a moment.")
            return
        from quizapp.tui.review_screen import ReviewScreen

        self.push_screen(ReviewScreen(deck))

    def action_browse(self) -> None:
        if not self.store_ready:
            self.notify("The store is still opening; try again in a moment.")
            return
        from quizapp.tui.browse_screen import BrowseScreen

        self.push_screen(BrowseScreen())

    def action_stats(self) -> None:
        if not self.store_ready:
            self.notify("The store is still opening; try again in a moment.")
            return
        from quizapp.tui.stats_screen import StatsScreen

        assert self.store is not None
        self.push_screen(StatsScreen(self.store, self.clock, db_path=self.db_path))

    def action_quiz(self, deck: str | None = None) -> None:
        if not self.store_ready:
            self.notify("The store is still opening; try again in a moment.")
            return
        from quizapp.tui.quiz_screen import QuizScreen

        self.push_screen(QuizScreen(deck))

    def action_plan(self, deck: str | None = None) -> None:
        if not self.store_ready:
            self.notify("The store is still opening; try again in a moment.")
            return
        from quizapp.tui.plan_screen import PlanScreen

        assert self.store is not None
        self.push_screen(PlanScreen(self.store, self.clock, deck, db_path=self.db_path))

    def action_sync(self) -> None:
        if self.syncing:
            self.notify("A sync is already running.")
        self.sync_decks()

    def action_help(self) -> None:
        from quizapp.tui.help_screen import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def open_in_editor(self, path: Path, line: int) -> bool:
        """Suspend the app, run ``$EDITOR`` at ``path:line``, then re-sync; False on failure.

        Screens that wait for the re-sync get :class:`SyncFinished` like at start-up.
        """
        from textual.app import SuspendNotSupported

        from quizapp.editor import EditorError, edit

        try:
            try:
                with self.suspend():
                    edit(path, line)
            except SuspendNotSupported:  # no terminal to hand over (tests, headless)
                edit(path, line)
        except EditorError as exc:
            self.notify(str(exc), title="Cannot edit", severity="error", timeout=10)
            return False
        self.sync_decks()
        return True

    def edit_card(self, path: Path, line: int, then: Callable[[bool], None]) -> None:
        """Edit a card's deck at ``path:line``; ``then(started)`` is called once it is decided.

        A bundled deck lives inside the installed package, where an edit is lost on the next
        install: the user is offered a copy in their own deck folder (the cards keep their ids,
        so their history follows) and edits that instead.
        """
        from quizapp.library import is_bundled

        if self.roots is not None or not is_bundled(path):
            then(self.open_in_editor(path, line))
            return
        from quizapp.tui.confirm_screen import ConfirmScreen

        def answered(copy: bool | None) -> None:
            if not copy:
                then(False)
                return
            from quizapp.config import ConfigError
            from quizapp.library import copy_bundled

            try:
                target = copy_bundled(path)
            except (OSError, ConfigError) as exc:
                self.notify(str(exc), title="Cannot copy the deck", severity="error", timeout=10)
                then(False)
                return
            self.notify(f"Copied to {target}; the copy replaces the bundled deck.", timeout=6)
            then(self.open_in_editor(target, line))

        question = (
            f"'{path.name}' is a bundled deck: edits there are lost when quizapp is "
            "reinstalled. Copy it into your own deck folder and edit the copy? Its cards keep "
            "their history."
        )
        self.push_screen(ConfirmScreen(question, "Copy and edit  y"), answered)

    def save_screen_svg(self) -> Path | None:
        """The palette's Screenshot: saved where a folder exists (Downloads, else the store's
        folder), and the notification says where, or why it could not be saved."""
        from quizapp import paths

        store_folder = self.db_path.parent if self.db_path else Path.cwd()
        try:
            folder = paths.screenshot_folder(store_folder / "screenshots")
            saved = Path(self.save_screenshot(path=str(folder)))
        except OSError as exc:
            self.notify(
                f"Could not save the screenshot: {exc.strerror or exc}",
                title="Screenshot",
                severity="error",
                timeout=10,
            )
            return None
        self.notify(f"Saved to {saved}", title="Screenshot", markup=False, timeout=8)
        return saved

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand("Review", "Review today's cards in every deck", self.action_review)
        yield SystemCommand("Browse cards", "Search, sort and suspend cards", self.action_browse)
        yield SystemCommand("Statistics", "Reviews, retention and streaks", self.action_stats)
        yield SystemCommand("Sync decks", "Re-read the markdown decks now", self.action_sync)
        yield SystemCommand("Help", "Every key binding, screen by screen", self.action_help)
        yield SystemCommand("Mock interview", "A scored quiz of N questions", self.action_quiz)
        yield SystemCommand(
            "Interview plan", "What to study each day until a date", self.action_plan
        )
        for command in super().get_system_commands(screen):
            if command.title == "Screenshot":  # Textual's assumes ~/Downloads exists
                command = SystemCommand(
                    "Screenshot",
                    "Save an SVG picture of this screen (to Downloads, or the store's folder)",
                    # After the palette has closed, so the picture is of the screen itself.
                    lambda: self.set_timer(0.1, self.save_screen_svg),
                )
            yield command


def _saved_theme() -> str | None:
    """The theme kept in config.toml, or None (no file, none set, or a file the sync will
    report as broken: the theme is not worth failing the start for)."""
    from quizapp import config, paths

    try:
        return config.load(paths.config_path()).theme
    except config.ConfigError:
        return None


def _warm_up() -> None:
    """Import the review screen and the scorer in the background, and load the sentence model,
    while the user reads the home screen, so pressing r and the first reveal do not pay for
    them. If the model cannot load, reveals say "basic scoring" (see quizapp.scoring.semantic)."""
    from importlib import import_module

    try:
        import_module("quizapp.scoring")
        import_module("quizapp.tui.review_screen")
        import_module("quizapp.scoring.semantic").preload()
    except Exception:  # the reveal reports a broken scorer; warming up must stay silent
        pass
    warm_up_pictures()


def warm_up_pictures() -> bool:
    """Where the terminal draws pictures, load matplotlib and its font now: the first figure
    of a process paid 0.6-0.8 s for them on top of its own render, the first "Prove it"'s
    picture a second late. Text-chart terminals never load matplotlib. True when it loaded."""
    from quizapp.tui import terminal_images

    if terminal_images.mode() is None:
        return False
    try:
        from quizapp.proofs.figure import warm_up

        warm_up()
    except Exception:  # the proof screen reports a broken matplotlib when it draws
        return False
    return True


def make_app(
    source: Store | Path | str,
    *,
    now: Callable[[], datetime] = utc_now,
    roots: Sequence[Path] | None = None,
    deck: str | None = None,
    start_review: bool = False,
    cursor_blink: bool = True,
) -> QuizApp:
    """Build the app on a store (or the path of one). Tests pass a fixed ``now`` and ``roots``.

    ``roots=None`` syncs what the user configured (the bundled deck and registered folders).
    """
    if isinstance(source, str):
        source = Path(source)
    return QuizApp(
        source,
        clock=now,
        roots=roots,
        deck=deck,
        start_review=start_review,
        cursor_blink=cursor_blink,
    )


def run(db_path: Path, deck: str | None = None) -> int:
    """Open the app on ``db_path``; with ``deck``, go straight to reviewing that deck.

    Returns the exit status: 1 when the app ended on a failure (the error dialog, a crash).
    """
    app = make_app(db_path, deck=deck, start_review=deck is not None)
    from quizapp.tui import terminal_images

    terminal_images.probe()  # must ask the terminal before Textual starts reading keys
    app.run()
    return app.return_code or 0

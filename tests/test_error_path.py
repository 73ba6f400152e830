"""One error path: every store, file and config failure is one line with the file, the cause in
plain words and what to do; never a traceback (issue 15, finding 5). Locks are waited for, not
died of (finding 4).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizapp import review
from quizapp.cli import main
from quizapp.errors import explain
from quizapp.store import BUSY_MESSAGE, Store, StoreBusy
from quizapp.sync import sync

from .conftest import NOW, SAMPLE, write_deck

CONFIG = Path  # the config path is $QUIZAPP_CONFIG, set per test by conftest


def cli(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def one_line_error(result, *words: str) -> str:
    """The result is exit 1 with one ``Error:`` line containing ``words``, and no traceback."""
    assert result.exit_code == 1, result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), repr(result.exception)
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.output
    for word in words:
        assert word in lines[0], (word, lines[0])
    assert "Traceback" not in result.output
    return lines[0]


def config_path() -> Path:
    path = Path(os.environ["QUIZAPP_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def synced_store(tmp_path: Path) -> Path:
    db = tmp_path / "q.db"
    assert cli("--db", str(db), "sync").exit_code == 0
    return db


def test_disk_full_on_commit_is_one_line(tmp_path, monkeypatch):
    """A store that cannot grow (SQLite's page limit stands in for a full disk)."""
    db = synced_store(tmp_path)
    real_open = Store.open

    def full_open(path, **options):
        store = real_open(path, **options)
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")
        return store

    monkeypatch.setattr(Store, "open", staticmethod(full_open))
    long_answer = " ".join(["the l1 penalty has a constant gradient"] * 1200)
    deck = tmp_path / "decks"
    write_deck(deck, "open.md", f"## Open?\n<!-- id: o -->\n{long_answer}\n\n### Key points\n- x\n")
    result = cli("--db", str(db), "sync", str(deck))
    one_line_error(result, str(db), "disk is full", "free some space")


def test_an_io_error_on_a_full_disk_says_disk_full(tmp_path, monkeypatch):
    import shutil

    error = sqlite3.OperationalError("disk I/O error")
    error.sqlite_errorcode = 778  # SQLITE_IOERR_WRITE
    monkeypatch.setattr(shutil, "disk_usage", lambda path: shutil._ntuple_diskusage(10, 10, 0))
    assert "disk is full" in explain(error, db_path=tmp_path / "q.db")


def test_a_read_only_store_is_one_line(tmp_path, monkeypatch):
    db = synced_store(tmp_path)
    deck = tmp_path / "decks"
    write_deck(deck, "new.md", "## New?\n<!-- id: n -->\nyes\n")
    real_connect = sqlite3.connect

    def read_only(path, *args, **kwargs):
        return real_connect(f"file:{path}?mode=ro", *args, uri=True, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", read_only)  # root ignores file permissions
    result = cli("--db", str(db), "sync", str(deck))
    one_line_error(result, str(db), "read-only", "permissions")


@pytest.mark.parametrize(
    ("make", "command", "words"),
    [
        ("config_is_a_folder", ["due"], ["config.toml", "is a folder"]),
        ("config_unreadable", ["sync"], ["config.toml", "permission denied"]),
        ("config_folder_unwritable", ["decks", "add", "{decks}"], ["cannot write the config"]),
        ("config_invalid", ["check"], ["config.toml", "not valid TOML"]),
        ("store_under_a_file", ["--db", "{file}/q.db", "due"], ["a file is in the way"]),
        ("store_parent_uncreatable", ["--db", "/proc/1/none/q.db", "due"], ["no such file"]),
        ("unreadable_deck", ["sync", "{decks}"], ["deck.md:1: cannot read file"]),
    ],
)
def test_file_and_config_failures_are_one_line(tmp_path, monkeypatch, make, command, words):
    decks = tmp_path / "decks"
    write_deck(decks, "deck.md", SAMPLE)
    a_file = tmp_path / "plain-file"
    a_file.write_text("x", "utf-8")
    cfg = config_path()
    if make == "config_is_a_folder":
        cfg.mkdir()
    elif make == "config_unreadable":
        cfg.write_text("decks = []\n", "utf-8")
        real = Path.read_text

        def denied(self, *args, **kwargs):
            if self == cfg:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self, *args, **kwargs)

        monkeypatch.setattr(Path, "read_text", denied)
    elif make == "config_folder_unwritable":
        monkeypatch.setenv("QUIZAPP_CONFIG", str(a_file / "config.toml"))
    elif make == "config_invalid":
        cfg.write_text("decks = [unclosed", "utf-8")
    elif make == "unreadable_deck":
        import quizapp.deck_files as deck_files

        real_open = os.open

        def denied_open(path, *args, **kwargs):
            if str(path).endswith("deck.md"):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(deck_files.os, "open", denied_open)
    args = [a.format(decks=decks, file=a_file) for a in command]
    if "--db" not in args:
        args = ["--db", str(tmp_path / "q.db"), *args]
    result = cli(*args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    text = result.output
    for word in words:
        assert word in text, (word, text)


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (sqlite3.SQLITE_FULL, "disk is full"),
        (sqlite3.SQLITE_READONLY, "read-only"),
        (sqlite3.SQLITE_BUSY, "locked by another quizapp"),
        (sqlite3.SQLITE_CORRUPT, "damaged"),
        (sqlite3.SQLITE_CANTOPEN, "cannot be opened"),
    ],
)
def test_each_sqlite_failure_is_named_in_plain_words(tmp_path, code, words):
    error = sqlite3.OperationalError("raw sqlite text")
    error.sqlite_errorcode = code
    line = explain(error, db_path=tmp_path / "q.db")
    assert words in line and str(tmp_path / "q.db") in line and "\n" not in line


def test_the_terminal_app_shows_a_store_failure_in_a_dialog_and_exits_1(tmp_path, monkeypatch):
    import asyncio

    from textual.widgets import Static

    from quizapp.tui.app import make_app
    from quizapp.tui.error_dialog import ErrorDialog

    decks = tmp_path / "decks"
    write_deck(decks, "deck.md", SAMPLE)

    def full(*args, **kwargs):
        error = sqlite3.OperationalError("database or disk is full")
        error.sqlite_errorcode = sqlite3.SQLITE_FULL
        raise error

    monkeypatch.setattr(review, "answer", full)

    async def drive():
        app = make_app(tmp_path / "q.db", now=lambda: NOW, roots=[decks], cursor_blink=False)
        async with app.run_test(size=(100, 30)) as pilot:
            for _ in range(100):
                await pilot.pause()
                await app.workers.wait_for_complete()
                if app.store_ready and not app.syncing:
                    break
            await pilot.press("r")
            await pilot.pause()
            await pilot.press("space")  # the first card is basic: show the answer
            await pilot.pause()
            await pilot.press("3")
            await pilot.pause()
            assert isinstance(app.screen, ErrorDialog)
            message = str(app.screen.query_one("#error-message", Static).render())
            assert "disk is full" in message
            await pilot.press("enter")
            await pilot.pause()
        return app.return_code

    assert asyncio.run(drive()) == 1


def test_launching_the_app_passes_its_failure_status_on(monkeypatch, tmp_path):
    import sys

    import quizapp.tui.app as tui_app
    from quizapp.cli.common import AppContext
    from quizapp.cli.launch import launch_app

    monkeypatch.setattr(tui_app, "run", lambda db_path, deck=None: 1)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    with pytest.raises(SystemExit) as exit_info:
        launch_app(AppContext(tmp_path / "q.db"))
    assert exit_info.value.code == 1


# -- locks ----------------------------------------------------------------------------------------


def hold_lock(db: Path, seconds: float) -> threading.Thread:
    """Another process's long write: a connection that holds the write lock for ``seconds``."""
    ready = threading.Event()

    def hold():
        conn = sqlite3.connect(db, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        ready.set()
        time.sleep(seconds)
        conn.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=hold)
    thread.start()
    ready.wait()
    return thread


def sample_store(tmp_path: Path) -> Path:
    write_deck(tmp_path / "decks", "deck.md", SAMPLE)
    db = tmp_path / "q.db"
    with Store.open(db) as store:
        assert sync(store, [tmp_path / "decks"], NOW).ok
    return db


def test_a_writer_waits_for_the_lock_and_says_so(tmp_path):
    """Finding 4: a lock held past the busy timeout used to kill the answer with a traceback."""
    db = sample_store(tmp_path)
    store = Store.open(db)
    told: list[str] = []
    store.on_busy = lambda: told.append(BUSY_MESSAGE)
    holder = hold_lock(db, 2.5)  # longer than one lock attempt
    review.answer(store, "relu-name", 3, NOW)
    holder.join()
    assert told == [BUSY_MESSAGE]
    assert store.conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 1


def test_a_writer_told_not_to_wait_gives_up_cleanly_and_can_retry(tmp_path):
    db = sample_store(tmp_path)
    store = Store.open(db)
    store.busy_wait_s = 0
    holder = hold_lock(db, 2.5)
    with pytest.raises(StoreBusy, match="nothing was lost"):
        review.answer(store, "relu-name", 3, NOW)
    holder.join()
    assert store.conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 0
    review.answer(store, "relu-name", 3, NOW)
    assert store.conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 1


def test_the_plain_review_keeps_the_answer_while_another_quizapp_writes(tmp_path):
    db = sample_store(tmp_path)
    cfg = config_path()
    cfg.write_text("decks = []\n", "utf-8")
    assert cli("--db", str(db), "sync").exit_code == 0  # the bundled decks are in already
    holder = hold_lock(db, 2.5)
    result = cli("--db", str(db), "review", "--plain", "--limit", "1", input="\n3\n")
    holder.join()
    assert result.exit_code == 0, result.output
    assert BUSY_MESSAGE in result.output and "1 answer saved." in result.output
    with Store.open(db) as store:
        assert store.conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 1


def test_a_sync_with_nothing_to_do_takes_no_write_lock(tmp_path):
    """``due`` and app start sync first: with nothing changed they must not BEGIN IMMEDIATE."""
    db = sample_store(tmp_path)
    time.sleep(0)  # the deck is older than the racy window only after it; see the stamp below
    store = Store.open(db)
    deck = tmp_path / "decks" / "deck.md"
    old = time.time_ns() - 10 * 10**9
    os.utime(deck, ns=(old, old))
    assert sync(store, [tmp_path / "decks"], NOW).ok  # stamps the now-old file
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    report = sync(store, [tmp_path / "decks"], NOW)
    assert report.files_skipped == 1 and report.files_read == 0
    assert not [s for s in statements if s.startswith("BEGIN")]


def test_rebuild_commits_in_batches(tmp_path):
    db = sample_store(tmp_path)
    store = Store.open(db)
    for card_id in ("relu-name", "zero-penalties"):
        review.answer(store, card_id, 3, NOW)
    before = [tuple(r) for r in store.conn.execute("SELECT * FROM schedule ORDER BY card_id")]
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    count = review.rebuild(store, batch_seconds=0, pause_seconds=0)
    assert statements.count("COMMIT") == count > 1  # one short transaction per batch
    after = [tuple(r) for r in store.conn.execute("SELECT * FROM schedule ORDER BY card_id")]
    assert after == before


def test_the_terminal_app_keeps_the_answer_while_another_quizapp_writes(tmp_path):
    """A rating pressed while another process holds the lock: the app says it is waiting, keeps
    the card and the answer on screen, and saves it once the lock is free."""
    import asyncio

    from quizapp.tui.app import make_app
    from quizapp.tui.review_screen import ReviewScreen

    decks = tmp_path / "decks"
    write_deck(decks, "deck.md", SAMPLE)
    db = tmp_path / "q.db"

    async def drive():
        app = make_app(db, now=lambda: NOW, roots=[decks], cursor_blink=False)
        async with app.run_test(size=(100, 30)) as pilot:
            for _ in range(100):
                await pilot.pause()
                await app.workers.wait_for_complete()
                if app.store_ready and not app.syncing:
                    break
            await pilot.press("r")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ReviewScreen)
            await pilot.press("space")
            await pilot.pause()
            card = screen.session.current.id
            holder = hold_lock(db, 2.5)
            await pilot.press("3")
            await pilot.pause()
            notes = [n.message for n in app._notifications]
            assert any(BUSY_MESSAGE in n for n in notes), notes
            assert screen.session.current is not None and screen.session.current.id == card
            holder.join()
            for _ in range(50):  # the retry timer saves it once the lock is free
                await pilot.pause(0.1)
                if screen.session.answers:
                    break
            return [a.card_id for a in screen.session.answers], card

    answered, card = asyncio.run(drive())
    assert answered == [card]
    with Store.open(db) as store:
        assert store.conn.execute("SELECT card_id FROM reviews").fetchall()[0][0] == card

"""The store is checked before it is trusted: damaged, empty, foreign or newer stores are refused
with one line and never written (issue 15, findings 1, 5 and 6)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizapp import review
from quizapp.cli import main
from quizapp.store import (
    SCHEMA_VERSION,
    Store,
    StoreDamaged,
    StoreError,
    StoreTooNew,
    damaged_message,
)
from quizapp.sync import sync

from .conftest import NOW, write_deck

CARDS = 30


def learned_store(tmp_path: Path) -> Path:
    """30 cards, each answered four times over two weeks, checkpointed into the main file."""
    deck = "\n".join(f"## Question {i}?\n<!-- id: q{i} -->\nAnswer {i}.\n" for i in range(CARDS))
    folder = tmp_path / "decks"
    write_deck(folder, "deck.md", "---\nnew_per_day: 100\n---\n" + deck)
    db = tmp_path / "quiz.db"
    with Store.open(db) as store:
        assert sync(store, [folder], NOW).ok
        for day in range(4):
            for i in range(CARDS):
                review.answer(store, f"q{i}", 3, NOW + timedelta(days=4 * day, minutes=i))
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


def page_of(db: Path, name: str) -> tuple[int, int]:
    conn = sqlite3.connect(db)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
    conn.close()
    return (root - 1) * page_size, page_size


def cli(db: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["--db", str(db), *args], input=input)


def schedules(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT card_id, due, stability FROM schedule ORDER BY card_id").fetchall()
    conn.close()
    return rows


def test_rebuild_refuses_a_store_whose_review_index_is_damaged(tmp_path):
    """Finding 1: part of the reviews_card index page zeroed. Rebuild used to find no reviews
    through the index, reset the learned cards and exit 0."""
    db = learned_store(tmp_path)
    before = schedules(db)
    offset, size = page_of(db, "reviews_card")
    data = bytearray(db.read_bytes())
    data[offset + size // 2 : offset + size] = bytes(size - size // 2)
    db.write_bytes(bytes(data))
    damaged = db.read_bytes()

    result = cli(db, "rebuild")

    assert result.exit_code == 1
    assert "damaged" in result.output and str(db) in result.output
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
    assert db.read_bytes() == damaged  # never written
    assert len(result.output.strip().splitlines()) == 1
    del before


def test_rebuild_runs_the_full_check_that_a_relabelled_index_entry_passes_the_quick_one(tmp_path):
    """An entry of the reviews_card index relabelled from card q5 to q4: SQLite's quick_check
    passes it, and a replay through the index silently loses a review of q5 (without the full
    integrity_check that rebuild runs, it exited 0 and changed two learned cards)."""
    db = learned_store(tmp_path)
    data = bytearray(db.read_bytes())
    entry = b"\x01q5" + b"2026-03-02T12:05:00.000000+00:00" + b"\x06"  # (card, time, rowid 6)
    at = data.index(entry) + 1
    data[at : at + 2] = b"q4"
    db.write_bytes(bytes(data))
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
    conn.close()
    damaged = db.read_bytes()
    result = cli(db, "rebuild")
    assert result.exit_code == 1 and "damaged" in result.output
    assert db.read_bytes() == damaged


@pytest.mark.parametrize("command", [["sync"], ["due"], ["review", "--plain"], ["rebuild"]])
def test_no_command_writes_to_a_store_failing_the_quick_check(tmp_path, command):
    """A table page broken: every command that writes stops with the damaged-store message."""
    db = learned_store(tmp_path)
    offset, _size = page_of(db, "reviews")
    data = bytearray(db.read_bytes())
    data[offset : offset + 12] = b"\xff" * 12  # a nonsense b-tree page header
    db.write_bytes(bytes(data))
    damaged = db.read_bytes()
    result = cli(db, *command, input="3\n")
    assert result.exit_code == 1, result.output
    assert "damaged" in result.output and "nothing was written" in result.output
    assert db.read_bytes() == damaged


def test_damaged_message_names_the_latest_backup_when_backups_exist(tmp_path, monkeypatch):
    from quizapp import backup

    good = tmp_path / "backups" / "quiz-2026-03-01.db"
    monkeypatch.setattr(backup, "latest_backup", lambda path: good)
    message = damaged_message(tmp_path / "quiz.db")
    assert f"quizapp restore {good}" in message
    monkeypatch.setattr(backup, "latest_backup", lambda path: None)  # no backup yet
    assert "restore a copy" in damaged_message(tmp_path / "quiz.db").lower()


def test_an_empty_store_file_is_not_silently_a_new_store(tmp_path):
    """Finding 5: a 0-byte file used to become a fresh store, hiding that the history is gone."""
    db = tmp_path / "quiz.db"
    db.write_bytes(b"")
    with pytest.raises(StoreError, match="empty"):
        Store.open(db)
    assert db.read_bytes() == b""
    result = cli(db, "due")
    assert result.exit_code == 1 and "empty (0 bytes)" in result.output


def _mark_newer(db: Path, how: str) -> None:
    conn = sqlite3.connect(db)
    if how == "meta":
        conn.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION + 1,)
        )
    elif how == "migrations":
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
            " VALUES ('quizapp', 'm099_future', '2030-01-01')"
        )
    else:
        conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("how", ["meta", "migrations", "user_version"])
def test_a_store_from_a_newer_quizapp_is_refused_and_not_written(tmp_path, how):
    """Finding 6: schema_version > ours, an unknown migration row or user_version=99."""
    db = learned_store(tmp_path)
    _mark_newer(db, how)
    before = db.read_bytes()
    with pytest.raises(StoreTooNew, match="newer quizapp"):
        Store.open(db)
    for command in (["sync"], ["due"], ["rebuild"], ["review", "--plain"], ["stats"]):
        result = cli(db, *command, input="3\n")
        assert result.exit_code == 1, (command, result.output)
        assert "written by a newer quizapp" in result.output and "upgrade" in result.output
    assert db.read_bytes() == before


def test_a_schema_version_that_is_not_a_number_is_a_damaged_store(tmp_path):
    db = learned_store(tmp_path)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE meta SET value = 'three' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreDamaged, match="not a number"):
        Store.open(db)
    result = cli(db, "due")
    assert result.exit_code == 1 and "damaged" in result.output


def test_a_file_that_is_not_sqlite_is_refused_before_sqlite_opens_it(tmp_path):
    db = tmp_path / "quiz.db"
    db.write_bytes(b"#!/bin/sh\necho hello\n" * 20)
    with pytest.raises(StoreDamaged, match="not an SQLite database"):
        Store.open(db)


def _count_elsewhere(db: Path) -> int:
    """Open the store in another process, count the probe rows, close it (as `quizapp due`
    in a second terminal would)."""
    import subprocess
    import sys

    code = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "print(c.execute('SELECT COUNT(*) FROM probe').fetchone()[0]); c.close()"
    )
    out = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True)
    return int(out.stdout)


def test_a_second_connection_here_keeps_the_first_ones_answers_visible(tmp_path):
    """The app opens the store more than once (the stats worker, the backup...). Reading the
    header of the open file for the second one dropped the process's locks, so a `quizapp`
    closing in another terminal deleted the WAL under the app: every answer after that went
    into a deleted file (seen in the app: Stats showed no reviews, the store file had none)."""
    db = tmp_path / "q.db"
    first = Store.open(db)
    try:
        first.conn.execute("CREATE TABLE probe(x)")
        first.conn.execute("INSERT INTO probe VALUES (1)")
        with Store.open(db, migrate=False, check="none"):
            pass
        assert _count_elsewhere(db) == 1
        assert Path(f"{db}-wal").exists()  # the other process did not take the store for idle
        first.conn.execute("INSERT INTO probe VALUES (2)")
        assert _count_elsewhere(db) == 2  # and sees what was written after it
    finally:
        first.close()
    assert _count_elsewhere(db) == 2

"""Backups: taken live with the backup API, verified, rotated, and restorable."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizapp import backup, review
from quizapp.cli import main
from quizapp.store import Store
from quizapp.sync import sync

from .conftest import NOW, write_deck


def make_store(tmp_path: Path, answers: int = 3) -> Path:
    deck = "\n".join(f"## Q{i}\n<!-- id: q{i} -->\nA{i}\n" for i in range(4))
    write_deck(tmp_path / "decks", "deck.md", deck)
    db = tmp_path / "quiz.db"
    with Store.open(db) as store:
        assert sync(store, [tmp_path / "decks"], NOW).ok
        for n in range(answers):
            review.answer(store, f"q{n % 4}", 3, NOW + timedelta(minutes=n))
    return db


def reviews_in(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
    finally:
        conn.close()


def test_a_backup_of_a_live_store_holds_what_a_file_copy_misses(tmp_path):
    db = make_store(tmp_path, answers=0)
    store = Store.open(db)
    # Committed, but still in the -wal file: a plain copy of quiz.db would not have it.
    review.answer(store, "q0", 3, NOW)
    copy = tmp_path / "copy.db"
    shutil.copy(db, copy)
    assert reviews_in(copy) == 0
    made = backup.take(store.conn, db, backup.DAILY, NOW)
    store.close()
    assert reviews_in(made.path) == 1
    assert not Path(str(made.path) + "-wal").exists()
    assert backup.verify(made.path) == (1, None)
    assert [b.path for b in backup.list_backups(db)] == [made.path]


def test_rotation_keeps_the_newest_of_each_pool_apart(tmp_path):
    db = make_store(tmp_path)
    with Store.open(db) as store:
        daily = [
            backup.take(store.conn, db, backup.DAILY, NOW + timedelta(days=d), keep=3)
            for d in range(5)
        ]
        ops = [
            backup.take(store.conn, db, f"before-{op}", NOW + timedelta(hours=h), keep=2)
            for h, op in enumerate(["merge", "rebuild", "restore"])
        ]
        manual = backup.take(store.conn, db, backup.MANUAL, NOW, keep=1)
    kept = {b.path for b in backup.list_backups(db)}
    assert kept == {b.path for b in daily[2:]} | {b.path for b in ops[1:]} | {manual.path}


def test_a_backup_that_fails_verification_deletes_nothing(tmp_path, monkeypatch):
    db = make_store(tmp_path)
    with Store.open(db) as store:
        old = backup.take(store.conn, db, backup.DAILY, NOW, keep=1)
        monkeypatch.setattr(backup, "verify", lambda path, n=0, **kw: (0, "quick check failed"))
        with pytest.raises(backup.BackupError, match="older backups were kept"):
            backup.take(store.conn, db, backup.DAILY, NOW + timedelta(days=1), keep=1)
    assert [b.path for b in backup.list_backups(db)] == [old.path]
    assert not list(backup.backup_dir(db).glob("*.part"))


def test_verification_counts_reviews_against_the_store(tmp_path):
    db = make_store(tmp_path, answers=2)
    with Store.open(db) as store:
        made = backup.take(store.conn, db, backup.MANUAL, NOW)
    assert backup.verify(made.path, 2) == (2, None)
    assert backup.verify(made.path, 3)[1] == "has 2 reviews but the store had 3"


def test_one_daily_backup_per_study_day(tmp_path):
    db = make_store(tmp_path)
    with Store.open(db) as store:
        assert backup.daily_if_due(store.conn, db, NOW) is not None
        assert backup.daily_if_due(store.conn, db, NOW + timedelta(hours=1)) is None
        assert backup.daily_if_due(store.conn, db, NOW + timedelta(days=1)) is not None
    assert len(backup.list_backups(db)) == 2


def test_restore_brings_back_every_review_up_to_the_backup_and_keeps_the_current(tmp_path):
    db = make_store(tmp_path, answers=2)
    with Store.open(db) as store:
        made = backup.take(store.conn, db, backup.MANUAL, NOW)
        review.answer(store, "q3", 1, NOW + timedelta(hours=1))
    done = backup.restore(db, made.path, NOW + timedelta(hours=2))
    assert done.reviews == 2 and reviews_in(db) == 2
    assert done.safety is not None and reviews_in(done.safety.path) == 3
    with Store.open(db) as store:  # usable, and the schedule is the backup's
        assert review.get_state(store, "q0").reps == 1
        assert review.get_state(store, "q3").reps == 0


def test_restore_over_a_truncated_store_moves_it_aside(tmp_path):
    db = make_store(tmp_path, answers=2)
    with Store.open(db) as store:
        made = backup.take(store.conn, db, backup.DAILY, NOW)
    data = db.read_bytes()
    db.write_bytes(data[:5000])
    done = backup.restore(db, made.path, NOW)
    assert done.safety is None and done.moved_aside.read_bytes() == data[:5000]
    assert reviews_in(db) == 2


def test_latest_backup_skips_a_damaged_one(tmp_path):
    db = make_store(tmp_path)
    with Store.open(db) as store:
        good = backup.take(store.conn, db, backup.DAILY, NOW)
        bad = backup.take(store.conn, db, backup.DAILY, NOW + timedelta(days=1))
    bad.path.write_bytes(b"not a database" * 100)
    assert backup.latest_backup(db) == good.path
    good.path.unlink()
    assert backup.latest_backup(db) is None


def test_a_migration_backs_the_old_store_up_first(tmp_path):
    db = tmp_path / "old.db"
    old = Store.open(db, migrate=False)
    old.migrate(stop_before="m005_event_log_and_sync_folder")
    version = old.schema_version()
    old.close()
    Store.open(db).close()
    (made,) = backup.list_backups(db)
    assert made.kind == "before-migrate"
    conn = sqlite3.connect(made.path)
    assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
        str(version),
    )
    conn.close()


def test_backup_commands_list_and_restore(tmp_path, monkeypatch):
    db = make_store(tmp_path, answers=2)
    runner = CliRunner()
    out = tmp_path / "elsewhere" / "mine.db"
    result = runner.invoke(main, ["--db", str(db), "backup", "--to", str(out)])
    assert result.exit_code == 0, result.output
    assert "backed up 2 review(s)" in result.output and reviews_in(out) == 2
    listing = runner.invoke(main, ["--db", str(db), "backups"])
    assert "daily" in listing.output and "2 reviews" in listing.output  # opening took the daily
    name = backup.list_backups(db)[-1].path.name
    result = runner.invoke(main, ["--db", str(db), "restore", name])
    assert result.exit_code == 0, result.output
    assert "restored 2 review(s)" in result.output
    missing = runner.invoke(main, ["--db", str(db), "restore", "nope.db"])
    assert missing.exit_code == 1 and "no such backup" in missing.output
    assert "Traceback" not in missing.output


def test_the_config_file_sets_how_many_backups_to_keep(tmp_path):
    from quizapp import config, paths

    paths.config_path().write_text("decks = []\n[backups]\ndaily = 2\nbefore_operations = 1\n")
    settings = config.load(paths.config_path())
    assert (settings.daily_backups, settings.operation_backups) == (2, 1)
    db = make_store(tmp_path)
    with Store.open(db) as store:
        for day in range(4):
            backup.daily_if_due(store.conn, db, NOW + timedelta(days=day))
            backup.before(store.conn, db, "merge", NOW + timedelta(days=day))
    kinds = [b.kind for b in backup.list_backups(db)]
    assert kinds.count("daily") == 2 and kinds.count("before-merge") == 1
    config.save(paths.config_path(), settings)  # a save keeps the setting
    assert config.load(paths.config_path()).daily_backups == 2
    paths.config_path().write_text("[backups]\ndaily = 0\n")
    with pytest.raises(config.ConfigError, match=r"'backups\.daily' must be a whole number"):
        config.load(paths.config_path())

"""quizapp doctor: what it finds, what --fix repairs, and what it says about a broken file."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from click.testing import CliRunner

from quizapp import backup, doctor, review
from quizapp.cli import main
from quizapp.store import SCHEMA_VERSION, Store
from quizapp.sync import sync

from .conftest import NOW, write_deck
from .test_backup import make_store


def failing(report: doctor.Examination) -> dict[str, str]:
    return {f.check: f.detail for f in report.findings if not f.ok}


def test_a_healthy_store_passes_every_check(tmp_path):
    db = make_store(tmp_path)
    report = doctor.examine(db)
    assert report.healthy, failing(report)
    assert {f.check for f in report.findings} >= {
        "integrity",
        "schema",
        "foreign keys",
        "orphans",
        "review ids",
        "schedules",
    }


def test_a_schedule_that_drifted_from_its_log_is_found_and_replayed(tmp_path):
    db = make_store(tmp_path)
    with Store.open(db) as store:
        expected = review.get_state(store, "q1")
        store.conn.execute(
            "UPDATE schedule SET due = '2030-01-01T00:00:00.000000+00:00', reps = 9 "
            "WHERE card_id = 'q1'"
        )
    assert "1 card(s) differ" in failing(doctor.examine(db))["schedules"]
    fixed = doctor.repair(db, NOW)
    assert fixed.healthy, failing(fixed)
    assert fixed.fixed == ["replayed the schedule of 1 card(s) from their log"]
    assert fixed.backup is not None and fixed.backup.name.endswith("before-repair.db")
    with Store.open(db) as store:
        assert review.get_state(store, "q1") == expected


def test_reviews_of_an_unknown_card_are_relinked_and_rejoin_it_on_sync(tmp_path):
    db = make_store(tmp_path, answers=0)
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO reviews (id, card_id, reviewed_at, rating, mode) VALUES "
        "('r-1', 'ghost', ?, 3, 'review')",
        ((NOW - timedelta(days=1)).isoformat(timespec="microseconds"),),
    )
    conn.execute("DELETE FROM schedule WHERE card_id = 'q0'")
    conn.commit()
    conn.close()
    problems = failing(doctor.examine(db))
    assert "1 reviews row(s) point at a missing cards row" in problems["foreign keys"]
    assert "1 card(s) have no schedule row" in problems["orphans"]
    fixed = doctor.repair(db, NOW)
    assert fixed.healthy, failing(fixed)
    assert any("re-linked the reviews of 1 unknown card" in line for line in fixed.fixed)
    write_deck(tmp_path / "decks", "ghost.md", "## Ghost?\n<!-- id: ghost -->\nBoo.\n")
    with Store.open(db) as store:
        assert sync(store, [tmp_path / "decks"], NOW).revived == 1
        state = review.get_state(store, "ghost")
        assert state.reps == 1 and review.get_card(store, "ghost").prompt == "Ghost?"


def test_a_store_from_a_newer_quizapp_is_named_not_repaired(tmp_path):
    db = make_store(tmp_path)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()
    report = doctor.repair(db, NOW)
    assert "written by a newer quizapp" in failing(report)["schema"]
    assert not report.repairable and report.backup is None


def test_a_corrupted_store_names_the_latest_backup_and_restore_brings_it_back(tmp_path):
    db = make_store(tmp_path, answers=3)
    with Store.open(db) as store:
        made = backup.take(store.conn, db, backup.DAILY, NOW)
    runner = CliRunner()
    for damage in ("truncate", "overwrite"):
        data = bytearray(made.path.read_bytes())
        if damage == "truncate":
            data = data[:5000]
        else:
            data[4096 : 4096 * 6] = b"\xff" * (4096 * 5)
        db.write_bytes(bytes(data))
        result = runner.invoke(main, ["--db", str(db), "doctor"])
        assert result.exit_code == 1, damage
        assert f"quizapp restore {made.path.name}" in result.output, result.output
        assert "Traceback" not in result.output
        fixed = runner.invoke(main, ["--db", str(db), "doctor", "--fix"])
        assert fixed.exit_code == 1 and "quizapp restore" in fixed.output
        result = runner.invoke(main, ["--db", str(db), "restore", made.path.name])
        assert result.exit_code == 0, result.output
        assert backup.verify(db) == (3, None)
        assert runner.invoke(main, ["--db", str(db), "doctor"]).exit_code == 0


def _store_scheduled_with_a_fit(tmp_path):
    """A store whose later answers were scheduled with adopted (non-default) parameters."""
    from quizapp.fitting import events as parameter_events

    from .test_merge import FITTED

    db = make_store(tmp_path, answers=4)
    with Store.open(db) as store:
        fit = parameter_events.ParameterEvent(NOW + timedelta(hours=1), parameters=FITTED)
        parameter_events.record(store, fit)
        for day in range(1, 6):
            for card in range(4):
                at = NOW + timedelta(days=4 * day, minutes=card)
                review.answer(store, f"q{card}", 3 if day % 2 else 2, at)
    return db


def _schedules(db):
    with Store.open(db) as store:
        return [tuple(r) for r in store.conn.execute("SELECT * FROM schedule ORDER BY card_id")]


def test_a_schedule_made_with_fitted_parameters_is_not_stale(tmp_path):
    db = _store_scheduled_with_a_fit(tmp_path)
    report = doctor.examine(db)
    assert report.healthy, failing(report)
    assert doctor.repair(db, NOW).fixed == []  # nothing to do: no backup, no replay


def test_doctor_fix_replays_with_the_parameters_of_each_review_s_time(tmp_path):
    db = _store_scheduled_with_a_fit(tmp_path)
    live = _schedules(db)
    with Store.open(db) as store:
        store.conn.execute("UPDATE schedule SET reps = 99, due = '2030-01-01T00:00:00+00:00'")
    assert "4 card(s) differ" in failing(doctor.examine(db))["schedules"]
    fixed = doctor.repair(db, NOW)
    assert fixed.healthy, failing(fixed)
    assert fixed.fixed == ["replayed the schedule of 4 card(s) from their log"]
    assert _schedules(db) == live
    with Store.open(db) as store:
        review.rebuild(store)
    assert _schedules(db) == live
    # ... and the fit mattered: replayed without it, the same log schedules differently.
    with Store.open(db) as store:
        store.conn.execute("DELETE FROM parameter_events")
        review.rebuild(store)
    assert _schedules(db) != live

"""``quizapp optimize`` as a user runs it: figures printed, adoption, retention and workload."""

from __future__ import annotations

from datetime import timedelta

from click.testing import CliRunner

from quizapp import review
from quizapp.cli import main
from quizapp.clock import utc_now
from quizapp.fitting import events
from quizapp.store import Store

from .conftest import NOW
from .synthetic_history import simulate


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_optimize_prints_the_comparison_and_adopts(tmp_path):
    db = tmp_path / "q.db"
    with Store.open(db) as store:
        simulate(store, tmp_path / "deck", NOW - timedelta(days=200), days=150, cards=300, seed=1)
    result = run("--db", str(db), "optimize")
    assert result.exit_code == 0, result.output
    for label in ("log loss", "RMSE(bins)", "AUC", "fitted", "default", "constant"):
        assert label in result.output
    assert "Adopted parameters fitted on" in result.output
    assert "reviews/day" in result.output and "<- now" in result.output
    with Store.open(db) as store:
        (event,) = events.load(store)
        assert event.parameters is not None and event.reviews >= 2000


def test_desired_retention_is_an_event_and_changes_the_next_interval(tmp_path):
    db = tmp_path / "q.db"
    with Store.open(db) as store:
        simulate(store, tmp_path / "deck", NOW - timedelta(days=40), days=10, cards=10, seed=4)
        before = review.settings_of(store, "synthetic", NOW)
    result = run("--db", str(db), "optimize", "--deck", "synthetic", "--desired-retention", "0.8")
    assert result.exit_code == 0, result.output
    assert "too few" in result.output  # 10 days of 10 cards: no fit, but the retention is set
    assert "Desired retention of deck synthetic is now 80%" in result.output
    with Store.open(db) as store:
        assert before.retention == 0.9
        assert review.settings_of(store, "synthetic", utc_now()).retention == 0.8


def test_optimize_rejects_an_unknown_deck_in_one_line(tmp_path):
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "q.db"), "optimize", "--deck", "x"])
    assert result.exit_code == 1
    assert "no deck named 'x'" in result.output and "Traceback" not in result.output


def test_due_refits_a_doubled_history_once_with_a_notice(tmp_path):
    db = tmp_path / "q.db"
    with Store.open(db) as store:
        simulate(store, tmp_path / "deck", NOW - timedelta(days=40), days=4, cards=6, seed=1)
        count = store.conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
        events.record(
            store, events.ParameterEvent(at=NOW, parameters=(0.2,) * 21, reviews=count // 2)
        )
    result = CliRunner().invoke(main, ["--db", str(db), "due"])
    assert result.exit_code == 0, result.output
    assert "twice the" in result.output and "re-fitted the FSRS parameters" in result.output
    assert "Kept the default parameters for all decks" in result.output
    again = CliRunner().invoke(main, ["--db", str(db), "due"])
    assert "twice the" not in again.output

"""quizapp export reviews: every review as CSV or JSON lines, and the FSRS optimizer's revlog."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from click.testing import CliRunner

from quizapp import review
from quizapp.cli import main
from quizapp.interop.reviews import FSRS_COLUMNS, numeric_card_id, write
from quizapp.schedule import CardState, apply_rating

from .conftest import NOW
from .test_backup import make_store


def test_csv_and_jsonl_carry_every_review_with_undone_and_quiz_answers_flagged(tmp_path):
    db = make_store(tmp_path, answers=0)
    from quizapp.store import Store

    with Store.open(db) as store:
        first = review.answer(store, "q0", 3, NOW, typed="an answer, with a comma", score=0.5)
        review.undo(store, first.review_id, NOW)
        review.answer(store, "q0", 4, NOW + timedelta(minutes=1), duration_ms=1200)
        review.answer(store, "q1", 2, NOW + timedelta(minutes=2), mode="quiz")
        text = io.StringIO()
        assert write(store, "csv", text) == 3
        lines = io.StringIO()
        write(store, "jsonl", lines)
    rows = list(csv.DictReader(io.StringIO(text.getvalue())))
    assert [(r["card_id"], r["rating"], r["mode"], r["undone"]) for r in rows] == [
        ("q0", "3", "review", "True"),
        ("q0", "4", "review", "False"),
        ("q1", "2", "quiz", "False"),
    ]
    assert rows[0]["answer"] == "an answer, with a comma" and rows[0]["score"] == "0.5"
    assert rows[0]["deck"] == "deck" and rows[0]["reviewed_at"].startswith("2026-03-02T12:00")
    records = [json.loads(line) for line in lines.getvalue().splitlines()]
    assert [r["id"] for r in records] == [r["id"] for r in rows]
    assert records[0]["undone"] is True and records[1]["duration_ms"] == 1200


def test_the_fsrs_revlog_has_the_optimizer_columns_and_the_state_before_each_review(tmp_path):
    db = make_store(tmp_path, answers=0)
    from quizapp.store import Store

    times = [NOW, NOW + timedelta(minutes=10), NOW + timedelta(days=3), NOW + timedelta(days=20)]
    with Store.open(db) as store:
        ids = [
            review.answer(store, "q0", r, t).review_id
            for r, t in zip([1, 3, 3, 1], times, strict=True)
        ]
        undone = review.answer(store, "q1", 3, NOW)
        review.undo(store, undone.review_id, NOW)
        review.answer(store, "q2", 3, NOW, mode="quiz")
        out = io.StringIO()
        assert write(store, "fsrs", out) == 4
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == FSRS_COLUMNS
    assert {r["card_id"] for r in rows} == {str(numeric_card_id("q0"))}
    assert [int(r["review_time"]) for r in rows] == [round(t.timestamp() * 1000) for t in times]
    state, expected = CardState(), []
    for review_id, rating, at in zip(ids, [1, 3, 3, 1], times, strict=True):
        expected.append(0 if state.reps == 0 else state.state)
        state = apply_rating(state, rating, at, review_id, 0.9)
    assert [int(r["review_state"]) for r in rows] == expected
    assert expected[0] == 0 and expected[-1] == 2  # new first; a review card when it lapsed


def test_export_command_writes_a_file_or_stdout(tmp_path):
    db = make_store(tmp_path, answers=2)
    runner = CliRunner()
    out = tmp_path / "out" / "reviews.csv"
    result = runner.invoke(main, ["--db", str(db), "export", "reviews", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(out.read_text().splitlines()) == 3
    result = runner.invoke(main, ["--db", str(db), "export", "reviews", "--format", "jsonl"])
    assert len(result.output.splitlines()) == 2

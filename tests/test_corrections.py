"""Correcting the scorer after reveal: stored with the review, counted in stats, exported as
labelled answers; and ``quizapp grade`` for scripts."""

from __future__ import annotations

import json
from datetime import timedelta

from click.testing import CliRunner

from quizapp import corrections
from quizapp.cli import main
from quizapp.session import ReviewSession
from quizapp.store import Store
from quizapp.sync import sync

from .conftest import NOW, SAMPLE, write_deck


def _open_card_session(tmp_path):
    folder = tmp_path / "decks"
    write_deck(folder, "sample.md", SAMPLE)
    store = Store.open(tmp_path / "c.db")
    sync(store, [folder], NOW)
    session = ReviewSession(store, lambda: NOW)
    card = session.show("l1-open")
    return store, session, card


def test_a_correction_is_stored_with_the_review_and_counted(tmp_path):
    store, session, _ = _open_card_session(tmp_path)
    verdict = session.judge("Lasso makes a sparse model.").grade
    flipped = not verdict.points[1].covered
    corrected = verdict.corrected({1: flipped})
    session.rate(corrected.suggested_rating, "Lasso makes a sparse model.", grading=corrected)
    [row] = store.conn.execute("SELECT score, grading FROM reviews").fetchall()
    record = json.loads(row["grading"])
    assert row["score"] == corrected.value
    assert record["corrections"] == {"1": flipped}
    assert record["points"][1]["covered"] is flipped
    assert record["points"][1]["scorer_covered"] is (not flipped)
    assert record["scorer_value"] == verdict.value
    agreed = corrections.agreement(store, NOW + timedelta(days=1))
    assert (agreed.reviews, agreed.corrected, agreed.flipped) == (1, 1, 1)
    assert agreed.rate == 1 - 1 / len(verdict.points)
    assert corrections.agreement(store, NOW + timedelta(days=40)).reviews == 0
    [exported] = corrections.labelled(store)
    assert exported["label"] == corrected.value and exported["split"] == "user"
    assert exported["answer"] == "Lasso makes a sparse model."
    store.close()


def test_an_uncorrected_review_agrees_and_is_not_exported(tmp_path):
    store, session, _ = _open_card_session(tmp_path)
    verdict = session.judge("L1 sets some weights to exactly zero.").grade
    session.rate(3, "L1 sets some weights to exactly zero.", grading=verdict)
    agreed = corrections.agreement(store, NOW)
    assert (agreed.reviews, agreed.corrected, agreed.rate) == (1, 0, 1.0)
    assert corrections.labelled(store) == []
    store.close()


def test_export_corrections_writes_json_lines(tmp_path, monkeypatch):
    store, session, _ = _open_card_session(tmp_path)
    verdict = session.judge("nothing useful").grade
    session.rate(1, "nothing useful", grading=verdict.corrected({0: True}))
    store.close()
    out = tmp_path / "corrections.jsonl"
    result = CliRunner().invoke(
        main, ["--db", str(tmp_path / "c.db"), "export-corrections", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    [line] = out.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["card_id"] == "l1-open"


def test_grade_json_has_the_documented_fields(tmp_path):
    deck = write_deck(tmp_path, "sample.md", SAMPLE)
    result = CliRunner().invoke(
        main,
        ["grade", "l1-open", "--deck", str(deck), "--json"],
        input="L1 pushes small weights to exactly zero.",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"score", "suggested_rating", "points", "misconceptions", "method"} <= set(data)
    assert 0.0 <= data["score"] <= 1.0 and data["suggested_rating"] in (1, 2, 3, 4)
    assert {"text", "covered", "evidence"} <= set(data["points"][0])
    assert data["points"][0]["covered"] is True
    assert "exactly zero" in data["points"][0]["evidence"]


def test_grade_prints_a_readable_verdict_and_rejects_unknown_cards(tmp_path):
    deck = write_deck(tmp_path, "sample.md", SAMPLE)
    runner = CliRunner()
    ok = runner.invoke(main, ["grade", "l1-open", "--deck", str(deck)], input="no idea")
    assert ok.exit_code == 0 and "Score " in ok.output and "of 2 key points" in ok.output
    assert "suggested Again" in ok.output
    missing = runner.invoke(main, ["grade", "nope", "--deck", str(deck)], input="x")
    assert missing.exit_code == 1 and "no card 'nope'" in missing.output


def test_the_score_line_explains_a_score_with_no_point_covered():
    from quizapp.grading import Grade, PointResult, summary

    grade = Grade(
        0.18,
        1,
        (PointResult("a", False, "", 0.05), PointResult("b", False, "", 0.3)),
        method="semantic",
    )
    line = summary(grade)
    assert line.startswith("Score 18% · 0 of 2 key points · 1 half-covered")
    assert "a little on 1 more" in line
    assert "a little" not in summary(Grade(0.0, 1, (PointResult("a", False, "", 0.0),)))


def test_grade_names_the_reversed_points_that_explain_a_low_score():
    """'Score 0% · 2 of 6 key points' alone reads as a contradiction; the line says why."""
    from pathlib import Path

    deck = Path(__file__).resolve().parent.parent / "content" / "interview.md"
    swap = (
        "L2 sets weights exactly to zero because its gradient is constant, while L1 only "
        "shrinks them. Diamond corners."
    )
    out = CliRunner().invoke(main, ["grade", "l1-sparsity", "--deck", str(deck)], input=swap)
    assert out.exit_code == 0, out.output
    first = out.output.splitlines()[0]
    assert "reversed (−)" in first and "suggested Again" in first
    # Key points and quotes wrap at 80 columns (a pipe), under the text they continue.
    assert max(len(line) for line in out.output.splitlines()) <= 80
    assert any(line.startswith("        while L1 only") for line in out.output.splitlines())

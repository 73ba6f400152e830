"""Mock-interview quizzes: drawn off-schedule, stored, reported from the stored rows."""

from __future__ import annotations

import re
from datetime import timedelta

from click.testing import CliRunner

from quizapp import quiz, review
from quizapp.cli import main
from quizapp.clock import utc_now
from quizapp.grading import grade
from quizapp.store import Store
from quizapp.sync import sync

from .conftest import SAMPLE, write_deck

OPEN_DECK = "\n".join(
    f"## Question {i} about dropout?\n<!-- id: q{i} -->\nModel {i}.\n\n### Key points\n"
    f"- dropout zeroes random units during training\n- at test time activations are scaled\n"
    for i in range(4)
)


def test_draw_prefers_open_cards_and_skips_basic_ones(store, sample_dir, now):
    sync(store, [sample_dir], now)
    drawn = quiz.draw_questions(store, 10, seed=3)
    assert drawn[0] == "l1-open"  # the only open card comes first
    assert set(drawn) == {"l1-open", "sigmoid-max::c1", "zero-penalties"}  # no basic card
    assert quiz.draw_questions(store, 10, seed=3) == drawn  # a seed repeats the draw


def test_quiz_answers_do_not_move_the_schedule(store, sample_dir, now):
    sync(store, [sample_dir], now)
    before = [tuple(r) for r in store.conn.execute("SELECT * FROM schedule ORDER BY card_id")]
    ids = quiz.draw_questions(store, 3, seed=1)
    quiz_id = quiz.start(store, ids, now)
    for card_id in ids:
        card = review.get_card(store, card_id)
        quiz.record(store, quiz_id, card, "x", grade(card, "x"), now, seconds=1.0)
    quiz.finish(store, quiz_id, now, ids)
    after = [tuple(r) for r in store.conn.execute("SELECT * FROM schedule ORDER BY card_id")]
    assert after == before
    modes = {r[0] for r in store.conn.execute("SELECT mode FROM reviews")}
    assert modes == {"quiz"}


def test_report_compares_with_the_previous_quiz_of_the_same_deck(store, tmp_path, now):
    write_deck(tmp_path, "d.md", OPEN_DECK)
    sync(store, [tmp_path], now)
    ids = quiz.draw_questions(store, 2, seed=0)

    def take(typed: str, at) -> quiz.QuizReport:
        quiz_id = quiz.start(store, ids, at, deck="d")
        for card_id in ids:
            card = review.get_card(store, card_id)
            quiz.record(store, quiz_id, card, typed, grade(card, typed), at, seconds=2.0)
        return quiz.finish(store, quiz_id, at, ids)

    first = take("no idea", now)
    second = take(
        "dropout zeroes random units during training and at test time activations are scaled",
        now + timedelta(days=1),
    )
    assert first.previous is None
    assert second.previous == first.score
    assert second.score > first.score
    assert second.change == second.score - first.score


def test_quiz_through_the_cli_reports_the_stored_numbers(tmp_path):
    folder = tmp_path / "decks"
    write_deck(folder, "sample.md", SAMPLE)
    cfg = tmp_path / "cfg.toml"
    cfg.write_text(f'decks = ["{folder}"]\n', "utf-8")
    db = tmp_path / "q.db"
    # The open card comes first, then the cloze and the choice card in seeded order.
    typed = {
        "l1-open": "lasso sets some weights to exactly zero\n\n",
        "sigmoid-max::c1": "0.25\n",
        "zero-penalties": "1\n",
    }
    with Store.open(db) as store:
        sync(store, [folder], utc_now())
        order = quiz.draw_questions(store, 3, deck="sample", seed=7)
    stdin = "".join(typed[card_id] for card_id in order)
    result = CliRunner(env={"QUIZAPP_CONFIG": str(cfg)}).invoke(
        main, ["--db", str(db), "quiz", "--deck", "sample", "--n", "3", "--seed", "7"], input=stdin
    )
    assert result.exit_code == 0, result.output
    with Store.open(db) as store:
        row = store.conn.execute("SELECT * FROM quizzes").fetchone()
        answers = store.conn.execute(
            "SELECT card_id, score, answer, mode, quiz_id FROM reviews ORDER BY reviewed_at"
        ).fetchall()
    assert [a["card_id"] for a in answers] == order
    assert all(a["mode"] == "quiz" and a["quiz_id"] == row["id"] for a in answers)
    scores = {a["card_id"]: a["score"] for a in answers}
    assert scores["sigmoid-max::c1"] == 1.0
    assert scores["zero-penalties"] == 0.0  # option 1 alone misses elastic net
    assert abs(row["score"] - sum(scores.values()) / 3) < 1e-9
    lines = re.findall(r"^\s*\d+\.\s+(\d+)%", result.output, re.MULTILINE)
    assert [int(p) for p in lines] == [round(scores[c] * 100) for c in order]
    assert f"Total: {row['score']:.0%} (first quiz of this deck)" in result.output
    assert "missed: The L1 subgradient has constant magnitude lambda" in result.output


def test_quiz_stopped_early_counts_unreached_questions_as_zero(tmp_path):
    folder = tmp_path / "decks"
    write_deck(folder, "d.md", OPEN_DECK)
    cfg = tmp_path / "cfg.toml"
    cfg.write_text(f'decks = ["{folder}"]\n', "utf-8")
    db = tmp_path / "q.db"
    result = CliRunner(env={"QUIZAPP_CONFIG": str(cfg)}).invoke(
        main,
        ["--db", str(db), "quiz", "--deck", "d", "--n", "4"],
        input="dropout zeroes random units during training\n\n:q\n",
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("not reached") == 3
    with Store.open(db) as store:
        (answered,) = store.conn.execute("SELECT score FROM reviews").fetchone()
        total = store.conn.execute("SELECT score FROM quizzes").fetchone()[0]
    assert abs(total - answered / 4) < 1e-9

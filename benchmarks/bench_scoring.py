"""How well and how fast the answer scorer works: agreement with the labelled answers, and speed.

Run from the project root::

    python benchmarks/bench_scoring.py            # tune and held-out, confusion matrices, timing
    python benchmarks/bench_scoring.py --split tune   # what to look at while tuning

It prints Spearman's rank correlation between ``score().value`` and the interviewer labels of
``tests/data/``: for the tune set (``answers.jsonl`` split ``tune`` plus the development answers
of ``answers_dev.jsonl`` and ``answers_dev2.jsonl``, each also on its own) and for the held-out
set (``answers.jsonl`` split ``heldout`` plus the blind answers of ``answers_fresh.jsonl``, pooled
and each on its own). For
the tune and pooled held-out sets it prints the confusion matrix of the suggested rating against
the rating the label maps to (through the same ``suggest_rating``), and at the end the median time
to score a 250-word answer. Only aggregate figures are printed, never a single held-out answer.
Numbers only: nothing here asserts (the held-out floor lives in ``tests/test_scoring_eval.py``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizapp.scoring import score, suggest_rating  # noqa: E402
from tests.labelled_answers import (  # noqa: E402
    ANSWERS,
    DEV2_ANSWERS,
    DEV_ANSWERS,
    FRESH_ANSWERS,
    load_answers,
    load_cards,
    spearman,
)

RATING_NAMES = ("Again", "Hard", "Good", "Easy")


def evaluation_sets(split: str) -> list[tuple[str, list[dict], bool]]:
    """(name, rows, whether to print its confusion matrix) for the chosen split(s).

    The pooled sets come first, then each source on its own.
    """
    main = load_answers(ANSWERS)
    sets = []
    if split in ("tune", "both"):
        tune = [row for row in main if row["split"] == "tune"]
        dev = load_answers(DEV_ANSWERS)
        dev2 = load_answers(DEV2_ANSWERS)
        sets += [
            ("tune (answers tune + dev + dev2)", tune + dev + dev2, True),
            ("  answers.jsonl tune", tune, False),
            ("  answers_dev.jsonl", dev, False),
            ("  answers_dev2.jsonl", dev2, False),
        ]
    if split in ("heldout", "both"):
        old = [row for row in main if row["split"] == "heldout"]
        fresh = load_answers(FRESH_ANSWERS)
        sets += [
            ("held-out (answers heldout + fresh)", old + fresh, True),
            ("  answers.jsonl heldout", old, False),
            ("  answers_fresh.jsonl", fresh, False),
        ]
    return sets


def score_row(row: dict, cards: dict) -> float:
    card = cards[row["card_id"]]
    return score(row["answer"], card.key_points, question=card.prompt, synonyms=card.synonyms).value


def confusion(rows: list[dict], predicted: list[float]) -> list[list[int]]:
    matrix = [[0] * 4 for _ in range(4)]
    for row, value in zip(rows, predicted, strict=True):
        matrix[suggest_rating(row["label"]) - 1][suggest_rating(value) - 1] += 1
    return matrix


def print_confusion(matrix: list[list[int]]) -> None:
    print("  rows: rating from the label; columns: suggested rating")
    print("  " + " " * 8 + "".join(f"{name:>7}" for name in RATING_NAMES))
    for name, line in zip(RATING_NAMES, matrix, strict=True):
        print("  " + f"{name:>8}" + "".join(f"{count:>7}" for count in line))
    total = sum(map(sum, matrix))
    exact = sum(matrix[i][i] for i in range(4))
    near = sum(matrix[i][j] for i in range(4) for j in range(4) if abs(i - j) <= 1)
    print(f"  exact {exact}/{total} ({exact / total:.0%}), within one {near / total:.0%}")


def timing(cards: dict, runs: int) -> tuple[float, int]:
    """Median milliseconds to score a 250-word answer against a card with six key points."""
    card = cards["vanishing-gradients"]
    tune = [row for row in load_answers() if row["split"] == "tune"] + load_answers(DEV_ANSWERS)
    words = " ".join(row["answer"] for row in tune if row["kind"] != "keyword-stuffed")
    answer = " ".join(words.split()[:250])
    score(answer, card.key_points, question=card.prompt, synonyms=card.synonyms)  # warm caches
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        score(answer, card.key_points, question=card.prompt, synonyms=card.synonyms)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), len(answer.split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("tune", "heldout", "both"), default="both")
    parser.add_argument("--runs", type=int, default=300, help="timing repetitions")
    args = parser.parse_args()

    cards = load_cards()
    for name, chosen, matrix in evaluation_sets(args.split):
        predicted = [score_row(row, cards) for row in chosen]
        rho = spearman(predicted, [row["label"] for row in chosen])
        print(f"{name}: n={len(chosen)}  Spearman rho = {rho:.3f}")
        if matrix:
            print_confusion(confusion(chosen, predicted))
            print()
    print()
    median, words = timing(cards, args.runs)
    print(f"time per {words}-word answer: median {median:.2f} ms over {args.runs} runs")


if __name__ == "__main__":
    main()

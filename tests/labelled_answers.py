"""The labelled answers in ``tests/data/`` and the rank correlation they are judged by.

Shared by ``tests/test_scoring_eval.py`` (which asserts on them) and
``benchmarks/bench_scoring.py`` (which prints them), so both read the same files the same way.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from quizapp.cards import Card
from quizapp.parser import parse_file

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
ANSWERS = DATA / "answers.jsonl"
DEV_ANSWERS = DATA / "answers_dev.jsonl"
DEV2_ANSWERS = DATA / "answers_dev2.jsonl"
DEV3_ANSWERS = DATA / "answers_dev3.jsonl"
DEV4_ANSWERS = DATA / "answers_dev4.jsonl"
FRESH_ANSWERS = DATA / "answers_fresh.jsonl"
TEST_ANSWERS = DATA / "answers_test.jsonl"
NEW_CARD_ANSWERS = DATA / "answers_new_cards.jsonl"
TEST4_ANSWERS = DATA / "answers_test4.jsonl"
TEST5_ANSWERS = DATA / "answers_test5.jsonl"
TEST6_ANSWERS = DATA / "answers_test6.jsonl"
TEST7_ANSWERS = DATA / "answers_test7.jsonl"
TEST8_ANSWERS = DATA / "answers_test8.jsonl"
OOD_ANSWERS = DATA / "ood" / "answers.jsonl"
OOD2_ANSWERS = DATA / "ood" / "answers2.jsonl"
#: The out-of-domain (statistics) test sets, oldest first: measured, never tuned on.
OOD_FILES = (OOD_ANSWERS, OOD2_ANSWERS)
#: The blind test sets on the bundled decks, oldest first: measured, never tuned on.
TEST_FILES = (
    TEST_ANSWERS,
    NEW_CARD_ANSWERS,
    TEST4_ANSWERS,
    TEST5_ANSWERS,
    TEST6_ANSWERS,
    TEST7_ANSWERS,
    TEST8_ANSWERS,
)
OOD_DECK = DATA / "ood" / "statistics.md"
#: Tuning data: the only rows the scorer's weights are fitted on.
TUNE_FILES = (ANSWERS, DEV_ANSWERS, DEV2_ANSWERS, DEV3_ANSWERS, DEV4_ANSWERS)
DECKS = tuple(
    ROOT / "content" / name
    for name in (
        "interview.md",
        "regularization.md",
        "optimisation.md",
        "architecture.md",
        "generalisation.md",
    )
)
#: Cards whose question changed after their answers were written, so the labels no longer fit:
#: ``l1-zeros-from-gradients`` was re-scoped (content v2) from "why L1 gives exact zeros" to the
#: optimisation pitfall. Its old answers are kept in the files but not read; answers written for
#: the new question (by the writers in :data:`WRITTEN_AFTER_RESCOPE`) are read as usual.
RESCOPED = frozenset({"l1-zeros-from-gradients"})
WRITTEN_AFTER_RESCOPE = frozenset(
    {
        "blind-tune4-2026-12",
        "blind-test4-2026-12",
        "blind-test5-2026-12",
        "blind-test6-2026-12",
        "blind-test7-2026-12",
        "blind-test8-2026-12",
        "blind-test9-2026-12",
    }
)


def load_cards(*, ood: bool = False) -> dict[str, Card]:
    """The bundled cards the answers were written for, by id (with the out-of-domain deck's)."""
    paths = (*DECKS, OOD_DECK) if ood else DECKS
    return {card.id: card for path in paths for card in parse_file(path).cards}


def tune_rows() -> list[dict]:
    """Every ``split == "tune"`` row of :data:`TUNE_FILES`."""
    return [row for path in TUNE_FILES for row in load_answers(path) if row["split"] == "tune"]


def load_answers(path: Path = ANSWERS) -> list[dict]:
    """The labelled rows of one file, without the old ones of :data:`RESCOPED` cards."""
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [
        row
        for row in rows
        if row["card_id"] not in RESCOPED or row.get("writer") in WRITTEN_AFTER_RESCOPE
    ]


def ranks(values: list[float]) -> list[float]:
    """Ranks from 0, ties sharing the mean of their positions (as Spearman's rho needs)."""
    order = sorted(range(len(values)), key=values.__getitem__)
    result = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            result[order[k]] = (i + j) / 2
        i = j + 1
    return result


def spearman(xs: list[float], ys: list[float]) -> float:
    """Spearman's rho: the Pearson correlation of the ranks (0 when either side is constant)."""
    rx, ry = ranks(xs), ranks(ys)
    mx, my = statistics.fmean(rx), statistics.fmean(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    return cov / (vx * vy) ** 0.5 if vx and vy else 0.0

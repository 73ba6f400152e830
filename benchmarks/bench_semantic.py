"""The optional semantic scorer: agreement with the labelled answers next to the lexical scorer's,
and its cost (model load time, time per answer, peak memory).

Run from the project root, with the ``semantic`` extra installed::

    python benchmarks/bench_semantic.py --split tune   # what to look at while tuning
    python benchmarks/bench_semantic.py                # tune and held-out

For each set of ``benchmarks/bench_scoring.py`` (the tune set, the held-out set, and each source
on its own) it prints Spearman's rho of the lexical ``score().value``, of ``semantic_score`` alone
and of ``blended_score().value`` against the labels, and how many answers the blend scores
differently from the lexical scorer. Then: the time to load the model, the median time to score
a 250-word answer (the answer ``bench_scoring`` times, built from tune answers only) and the
process's peak resident memory. Only aggregate figures are printed, never a single answer.
Numbers only: nothing here asserts.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_scoring import (  # noqa: E402
    DEV_ANSWERS,
    evaluation_sets,
    load_answers,
    load_cards,
    spearman,
)

from quizapp import semantic  # noqa: E402
from quizapp.scoring import score  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def agreement(rows: list[dict], cards: dict) -> tuple[float, float, float, int]:
    """Spearman's rho of the lexical, semantic and blended scores, and how many blends differ."""
    lexical, alone, blended = [], [], []
    for row in rows:
        card = cards[row["card_id"]]
        kwargs = {"question": card.prompt}
        lexical.append(
            score(row["answer"], card.key_points, synonyms=card.synonyms, **kwargs).value
        )
        alone.append(semantic.semantic_score(row["answer"], card.key_points, **kwargs))
        blend = semantic.blended_score(
            row["answer"], card.key_points, synonyms=card.synonyms, **kwargs
        )
        blended.append(blend.value)
    labels = [row["label"] for row in rows]
    changed = sum(abs(a - b) > 1e-3 for a, b in zip(lexical, blended, strict=True))
    return spearman(lexical, labels), spearman(alone, labels), spearman(blended, labels), changed


def timing(cards: dict, runs: int) -> tuple[dict[str, float], int]:
    """Median milliseconds per call on a 250-word answer against a card with six key points."""
    card = cards["vanishing-gradients"]
    tune = [row for row in load_answers() if row["split"] == "tune"] + load_answers(DEV_ANSWERS)
    words = " ".join(row["answer"] for row in tune if row["kind"] != "keyword-stuffed")
    answer = " ".join(words.split()[:250])
    calls = {
        "lexical score": lambda: score(
            answer, card.key_points, question=card.prompt, synonyms=card.synonyms
        ),
        "semantic_score": lambda: semantic.semantic_score(
            answer, card.key_points, question=card.prompt
        ),
        "blended_score": lambda: semantic.blended_score(
            answer, card.key_points, question=card.prompt, synonyms=card.synonyms
        ),
    }
    medians = {}
    for name, call in calls.items():
        call()  # warm the caches (key-point embeddings, compiled key points)
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            call()
            samples.append((time.perf_counter() - start) * 1000)
        medians[name] = statistics.median(samples)
    return medians, len(answer.split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("tune", "heldout", "both"), default="both")
    parser.add_argument("--runs", type=int, default=20, help="timing repetitions")
    args = parser.parse_args()
    if not semantic.available():
        sys.exit("the semantic extra is not installed (pip install 'quizapp[semantic]')")

    before = peak_rss_mb()
    start = time.perf_counter()
    semantic._encoder()
    load = time.perf_counter() - start
    after_load = peak_rss_mb()

    cards = load_cards()
    print("Spearman rho against the labels: lexical / semantic alone / blended")
    for name, rows, _ in evaluation_sets(args.split):
        lexical, alone, blended, changed = agreement(rows, cards)
        print(
            f"{name}: n={len(rows)}  lexical {lexical:.3f}  semantic {alone:.3f}  "
            f"blended {blended:.3f}  ({changed} answers scored differently)"
        )
    print()
    medians, words = timing(cards, args.runs)
    print(f"model load: {load:.2f} s (peak RSS {before:.0f} MB before, {after_load:.0f} MB after)")
    for name, median in medians.items():
        print(f"{name}: median {median:.1f} ms per {words}-word answer over {args.runs} runs")
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()

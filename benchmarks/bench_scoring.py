"""How well and how fast the answer scorer works, against every labelled set, with the targets.

    python -m benchmarks.bench_scoring              # everything
    python -m benchmarks.bench_scoring --tune-only  # what to look at while tuning
    python -m benchmarks.bench_scoring --newest-only  # ... plus the newest test set and speed
    python -m benchmarks.bench_scoring --speed-only  # speed and memory; reads no answer set

Sets (``tests/data/``; each file's README says who wrote it and how often it was measured):

* tune: ``answers.jsonl`` split ``tune`` and ``answers_dev{,2,3,4}.jsonl`` — the weights are
  fitted on these (``benchmarks/fit_scoring.py``, which also prints leave-one-card-out figures);
* newest test: ``answers_test8.jsonl``, all 21 open cards, 147 answers written blind on
  2026-12-03 (a fifth writer, asked for answers as candidates type them and for reversals of
  four different shapes) and never tuned on: the honest figure for an answer nobody tuned for;
  ``answers_test7.jsonl`` (147), ``answers_test6.jsonl`` (126), ``answers_test5.jsonl`` (105)
  and ``answers_test4.jsonl`` (147), the sets before, are printed next;
* fresh test: ``answers_test.jsonl`` (the eleven original open cards) and
  ``answers_new_cards.jsonl`` (the ten cards of content v2), written blind, never tuned on;
* out of domain: ``ood/answers.jsonl`` and ``ood/answers2.jsonl`` (a second blind writer) on the
  statistics deck ``ood/statistics.md``, compared with plain word-overlap recall (the share of a
  key point's content words found in the answer); ``--ood-only`` reads just these;
* worn held-out: ``answers.jsonl`` split ``heldout`` and ``answers_fresh.jsonl``, read too often
  by earlier tuning to be an honest estimate any more; printed for continuity.

Only aggregates are printed, never a single test answer. Nothing here asserts: the floors live
in ``tests/test_scoring_eval.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizapp.grading import grade  # noqa: E402
from quizapp.scoring import semantic, suggest_rating  # noqa: E402
from quizapp.scoring.vocabulary import STOP_WORDS  # noqa: E402
from tests.labelled_answers import (  # noqa: E402
    ANSWERS,
    FRESH_ANSWERS,
    NEW_CARD_ANSWERS,
    OOD_FILES,
    TEST4_ANSWERS,
    TEST5_ANSWERS,
    TEST6_ANSWERS,
    TEST7_ANSWERS,
    TEST8_ANSWERS,
    TEST_ANSWERS,
    load_answers,
    load_cards,
    spearman,
    tune_rows,
)

RATING_NAMES = ("Again", "Hard", "Good", "Easy")
WRONG_KINDS = {"reversed-claim", "plausible-wrong"}
SALAD_KINDS = {"keyword-list"}
PARAPHRASE_KINDS = {"paraphrase", "everyday-paraphrase"}
SWAP = (
    "L2 sets weights exactly to zero because its gradient is constant, while L1 only shrinks "
    "them. Diamond corners."
)
_WORD = re.compile(r"[a-z0-9]+")


def pearson(xs: list[float], ys: list[float]) -> float:
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    cov = sum((a - mx) * (b - my) for a, b in zip(xs, ys, strict=True))
    vx = sum((a - mx) ** 2 for a in xs)
    vy = sum((b - my) ** 2 for b in ys)
    return cov / (vx * vy) ** 0.5 if vx and vy else 0.0


def overlap_recall(answer: str, points: tuple[str, ...]) -> float:
    """The baseline: mean over key points of the share of their content words in the answer."""
    said = set(_WORD.findall(answer.lower()))
    shares = []
    for point in points:
        words = {w for w in _WORD.findall(point.lower()) if w not in STOP_WORDS}
        shares.append(len(words & said) / len(words) if words else 0.0)
    return statistics.fmean(shares) if shares else 0.0


def scored(rows: list[dict], cards: dict) -> list[float]:
    return [grade(cards[row["card_id"]], row["answer"]).value for row in rows]


def report(name: str, rows: list[dict], values: list[float], *, per_card: bool) -> None:
    labels = [row["label"] for row in rows]
    print(f"{name}: n={len(rows)}  Spearman {spearman(values, labels):.3f}")
    if per_card:
        by_card: dict[str, list[int]] = defaultdict(list)
        for i, row in enumerate(rows):
            by_card[row["card_id"]].append(i)
        rhos = {
            c: spearman([values[i] for i in idx], [labels[i] for i in idx])
            for c, idx in sorted(by_card.items())
        }
        low = min(rhos.values())
        print(f"  per card: min {low:.3f}, median {statistics.median(rhos.values()):.3f}")
        print("  " + ", ".join(f"{c} {r:.2f}" for c, r in rhos.items()))
        matrix = [[0] * 4 for _ in range(4)]
        for row, value in zip(rows, values, strict=True):
            matrix[suggest_rating(row["label"]) - 1][suggest_rating(value) - 1] += 1
        exact = sum(matrix[i][i] for i in range(4))
        print(f"  suggested rating equals the label's: {exact}/{len(rows)}")


def targets(rows: list[dict], values: list[float]) -> None:
    def share(kinds: set[str], test) -> str:
        chosen = [v for row, v in zip(rows, values, strict=True) if row["kind"] in kinds]
        if not chosen:
            return "n/a"
        hits = sum(test(v) for v in chosen)
        return f"{hits}/{len(chosen)} ({hits / len(chosen):.0%})"

    print("  targets on the fresh test answers:")
    print(
        f"    reversed or plausible-wrong < 0.35: {share(WRONG_KINDS, lambda v: v < 0.35)}"
        "  (target >= 90%)"
    )
    print(f"    misconception answers < 0.35: {share({'misconception'}, lambda v: v < 0.35)}")
    print(f"    keyword lists < 0.35: {share(SALAD_KINDS, lambda v: v < 0.35)}  (target all)")
    print(
        f"    correct paraphrases >= 0.6: {share(PARAPHRASE_KINDS, lambda v: v >= 0.6)}"
        "  (target >= 90%)"
    )
    by_kind: dict[str, list[float]] = defaultdict(list)
    for row, value in zip(rows, values, strict=True):
        by_kind[row["kind"]].append(value)
    print(
        "    mean score by kind: "
        + ", ".join(f"{k} {statistics.fmean(v):.2f}" for k, v in sorted(by_kind.items()))
    )


def _answers_of(words: int, count: int) -> list[str]:
    """``count`` different answers of ``words`` words, cut from the tune answers' text."""
    kinds = {"excellent", "partial", "paraphrased-typo", "good-incomplete"}
    text = " ".join(row["answer"] for row in tune_rows() if row["kind"] in kinds).split()
    return [" ".join(text[i * words : (i + 1) * words]) for i in range(count)]


def speed(cards: dict, runs: int) -> None:
    """Time a typed answer the model has never seen: every clause is new, as in the app.

    The card's own texts (key points, their reversed forms, misconceptions, model answer) are
    embedded once per card and cached, so the card is warmed first; the answers then each cost
    their own clauses. CPU time is printed too: on a busy machine it is the steadier figure.
    """
    card = cards["vanishing-gradients"]
    grade(card, "warm up the card")
    samples, cpu = [], []
    for answer in _answers_of(250, runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        grade(card, answer)
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    print(
        f"judging a new 250-word answer: median {statistics.median(samples):.0f} ms "
        f"(CPU {statistics.median(cpu):.0f} ms), max {max(samples):.0f} ms over {runs} answers "
        f"(target <= 150 ms); load average {os.getloadavg()[0]:.1f}"
    )
    probe = (
        "import time, resource;t=time.perf_counter();"
        "from quizapp.scoring import semantic;semantic.encoder();"
        "load=time.perf_counter()-t;"
        "import quizapp.tui.app, quizapp.tui.review_screen;"
        "from quizapp.grading import grade;from tests.labelled_answers import load_cards;"
        "from benchmarks.bench_scoring import _answers_of;"
        "c=load_cards()['l1-sparsity'];[grade(c,a) for a in _answers_of(250, 5)];"
        "rss=[l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1];"
        "print(load, int(rss)/1024, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout.split()
    print(
        f"model load {float(out[0]):.2f} s (target <= 2 s, in a worker); "
        f"RSS with the app's modules and the model, after five 250-word answers "
        f"{float(out[1]):.0f} MB (peak {float(out[2]):.0f} MB; target <= 250 MB)"
    )


def out_of_domain(cards: dict) -> None:
    """Each statistics set against plain word-overlap recall (the issue's baseline)."""
    for path in OOD_FILES:
        ood = load_answers(path)
        ood_values = scored(ood, cards)
        labels = [row["label"] for row in ood]
        baseline = [overlap_recall(r["answer"], cards[r["card_id"]].key_points) for r in ood]
        print(
            f"out of domain (statistics, {path.name}): n={len(ood)}  "
            f"Pearson {pearson(ood_values, labels):.3f}, word-overlap recall "
            f"{pearson(baseline, labels):.3f} (target: 0.05 above it); "
            f"Spearman {spearman(ood_values, labels):.3f}"
        )
        targets(ood, ood_values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune-only", action="store_true", help="only the tuning answers")
    parser.add_argument(
        "--newest-only",
        action="store_true",
        help="tune, the newest blind test and speed; leaves the older test sets unread",
    )
    parser.add_argument(
        "--speed-only", action="store_true", help="only speed and memory (reads no answer set)"
    )
    parser.add_argument(
        "--ood-only", action="store_true", help="only the out-of-domain (statistics) sets"
    )
    parser.add_argument("--runs", type=int, default=20, help="answers timed")
    args = parser.parse_args()
    if semantic.encoder() is None:
        print(f"basic scoring only: {semantic.status().reason}")
    cards = load_cards(ood=True)
    if args.speed_only:
        speed(cards, args.runs)
        return
    if args.ood_only:
        out_of_domain(cards)
        return
    weights = json.loads((ROOT / "quizapp/scoring/data/weights.json").read_text())
    print(
        f"weights of {weights['date']}: leave-one-card-out on the tune answers "
        f"{weights['leave_one_card_out_spearman']}"
    )
    tune = tune_rows()
    report("tune", tune, scored(tune, cards), per_card=False)
    if args.tune_only:
        return
    newest = load_answers(TEST8_ANSWERS)
    newest_values = scored(newest, cards)
    report("newest blind test (answers_test8)", newest, newest_values, per_card=True)
    targets(newest, newest_values)
    swap = grade(cards["l1-sparsity"], SWAP).value
    print(f"    the issue's L1/L2 swap on l1-sparsity: {swap:.2f} (target < 0.35)")
    if args.newest_only:
        speed(cards, args.runs)
        return
    earlier = (
        ("answers_test7", TEST7_ANSWERS),
        ("answers_test6", TEST6_ANSWERS),
        ("answers_test5", TEST5_ANSWERS),
        ("answers_test4", TEST4_ANSWERS),
    )
    for name, path in earlier:
        previous = load_answers(path)
        previous_values = scored(previous, cards)
        report(f"an earlier blind test ({name})", previous, previous_values, per_card=True)
        targets(previous, previous_values)
    fresh = load_answers(TEST_ANSWERS) + load_answers(NEW_CARD_ANSWERS)
    values = scored(fresh, cards)
    report("fresh test (answers_test + answers_new_cards)", fresh, values, per_card=True)
    for name, path in (("  answers_test", TEST_ANSWERS), ("  answers_new_cards", NEW_CARD_ANSWERS)):
        rows = load_answers(path)
        report(name, rows, scored(rows, cards), per_card=False)
    targets(fresh, values)
    out_of_domain(cards)
    main_rows = load_answers(ANSWERS)
    worn = [r for r in main_rows if r["split"] == "heldout"] + load_answers(FRESH_ANSWERS)
    report("worn held-out (answers heldout + fresh)", worn, scored(worn, cards), per_card=False)
    speed(cards, args.runs)


if __name__ == "__main__":
    main()

"""Interview-date mode: predicted recall on the date, plan against plain FSRS scheduling.

Run from the project root::

    python benchmarks/bench_plan.py [--seeds 10] [--minutes 20]

A learner who is the FSRS model (``tests/plan_learner.py``) studies a 40-card deck for 14 days
with a daily budget, once following quizapp's normal queue (new cards at the deck's 10 a day, due
reviews at 90% retention) and once following ``quizapp plan`` re-planned each morning. Printed:
the mean predicted recall of the deck on the date for each, over the seeds, and the time to build
one plan.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizapp.planning.costs import Costs  # noqa: E402
from quizapp.planning.planner import build_plan  # noqa: E402
from quizapp.store import Store  # noqa: E402
from quizapp.sync import sync  # noqa: E402
from tests.plan_learner import deck, study  # noqa: E402

START = datetime(2026, 12, 1, 9, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--minutes", type=float, default=20)
    parser.add_argument("--days", type=int, default=14)
    args = parser.parse_args()
    results: dict[str, list[float]] = {"plain": [], "plan": []}
    with tempfile.TemporaryDirectory() as folder:
        for seed in range(args.seeds):
            for strategy in results:
                results[strategy].append(
                    study(
                        strategy,
                        Path(folder),
                        START,
                        days=args.days,
                        minutes=args.minutes,
                        seed=seed,
                    )
                )
        store = Store.memory()
        deck(Path(folder), 40, 10)
        sync(store, [Path(folder)], START)
        began = time.perf_counter()
        build_plan(
            store, START, START + timedelta(days=args.days), args.minutes, costs=Costs(20, 3)
        )
        took = time.perf_counter() - began
    print(f"40 cards, {args.days} days, {args.minutes:g} min/day, {args.seeds} learners:")
    for strategy, values in results.items():
        print(
            f"  {strategy:<6} mean recall on the date {statistics.mean(values):.3f}"
            f" (min {min(values):.3f}, max {max(values):.3f})"
        )
    print(f"  one plan for a fresh deck: {took * 1000:.0f} ms")


if __name__ == "__main__":
    main()

"""Fitting FSRS to a user: does ``quizapp optimize`` recover a learner it has never seen?

Run from the project root::

    python benchmarks/bench_optimize.py [--seeds 1 2 3]

For each seed, a synthetic learner (``tests/synthetic_history.py``: a known FSRS-6 parameter set
plus noise) studies a 300-card deck for 150 days through quizapp. ``optimize`` then fits on the
earlier 80% of the history (by time) and every model is scored on the latest 20%: the fit, fsrs's
defaults, a constant retention, and the parameters that generated the data (the best any fit can
hope for). Also: the fit's time, and a 30-review history, which must keep the defaults.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizapp.fitting import history  # noqa: E402
from quizapp.fitting.fit import optimize, predict, thresholds  # noqa: E402
from quizapp.fitting.metrics import scores  # noqa: E402
from quizapp.store import Store  # noqa: E402
from tests.synthetic_history import TRUE_PARAMETERS, simulate  # noqa: E402

START = datetime(2026, 1, 1, 9, tzinfo=UTC)


def one_seed(seed: int) -> None:
    store = Store.memory()
    with tempfile.TemporaryDirectory() as folder:
        answers = simulate(store, Path(folder), START, days=150, cards=300, seed=seed)
    began = time.perf_counter()
    report = optimize(store, START + timedelta(days=150), adopt=False)
    took = time.perf_counter() - began
    data = history.load(store)
    _, test = history.time_split(data.items, thresholds()["test_fraction"])
    test = [item for item in test if item.long_term]
    truth = scores(predict(TRUE_PARAMETERS, test), [i.recalled for i in test])
    print(f"\nseed {seed}: {answers} reviews, {len(test)} held out; optimize took {took:.2f} s")
    print(f"  {'model':<10} {'log loss':>9} {'RMSE(bins)':>11} {'AUC':>6}")
    for name, s in {**report.scores, "generating": truth}.items():
        auc = f"{s.auc:.3f}" if s.auc is not None else "-"
        print(f"  {name:<10} {s.log_loss:>9.4f} {s.rmse_bins:>11.4f} {auc:>6}")
    print(f"  verdict: {'adopt' if report.better else 'keep'}")


def small_history() -> None:
    store = Store.memory()
    with tempfile.TemporaryDirectory() as folder:
        simulate(store, Path(folder), START, days=30, cards=20, max_reviews=30)
    print("\n30 reviews:", optimize(store, START + timedelta(days=30), adopt=False).message)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    for seed in args.seeds:
        one_seed(seed)
    small_history()


if __name__ == "__main__":
    main()

"""A rebuild of a 450k-review store while another quizapp keeps answering.

Run: ``python -m benchmarks.bench_rebuild_lock [--reviews 450000] [--db PATH]``. A synthetic
store (benchmarks/store_factory.py) is rebuilt by ``quizapp rebuild`` in a child process while
this process answers a card every 0.2 s through ``review.answer``, as a second terminal would.
Printed: the rebuild's duration, answers given and failed (target 0), and the longest an answer
waited for the lock (target: about a rebuild batch, well under the 30 s that used to kill it).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.store_factory import make_store


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--reviews", type=int, default=450_000)
    parser.add_argument("--db", type=Path, default=None, help="reuse (or create) this store")
    args = parser.parse_args()
    from quizapp import review
    from quizapp.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.db"
        if not db.exists():
            started = time.perf_counter()
            make_store(db, cards=args.cards, reviews=args.reviews)
            took = time.perf_counter() - started
            print(f"made {db.stat().st_size / 1e6:.0f} MB store in {took:.1f} s")
        store = Store.open(db)
        waits_told = []
        store.on_busy = lambda: waits_told.append(time.perf_counter())
        now = datetime(2027, 1, 1, tzinfo=UTC)
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "quizapp", "--db", str(db), "rebuild"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        answers = failures = 0
        latencies = []
        while child.poll() is None:
            moment = now + timedelta(seconds=answers)
            t = time.perf_counter()
            try:
                review.answer(store, f"c{answers % args.cards}", 3, moment)
                answers += 1
            except Exception as exc:  # what used to happen: database is locked
                failures += 1
                print(f"answer failed: {type(exc).__name__}: {exc}")
            latencies.append(time.perf_counter() - t)
            if latencies[-1] > 1:
                print(f"  at {t - started:.1f} s an answer waited {latencies[-1]:.1f} s")
            time.sleep(0.2)
        out, err = child.communicate()
        elapsed = time.perf_counter() - started
        store.close()
    print(f"rebuild: exit {child.returncode} in {elapsed:.1f} s: {out.strip() or err.strip()}")
    print(f"answers during the rebuild: {answers} saved, {failures} failed")
    if latencies:
        ordered = sorted(latencies)
        print(
            f"answer latency: median {ordered[len(ordered) // 2] * 1000:.0f} ms, "
            f"max {ordered[-1] * 1000:.0f} ms; 'busy, waiting' shown {len(waits_told)} time(s)"
        )


if __name__ == "__main__":
    main()

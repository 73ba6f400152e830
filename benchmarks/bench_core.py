"""Core speed: sync, due query and answer latency on synthetic decks of 1k, 10k and 100k cards.

Run: ``python benchmarks/bench_core.py [--sizes 1000 10000 100000]``. Each size runs in its own
process so the peak RSS printed belongs to that size alone. Targets (2-core machine): 10k first
sync < 1 s, 10k no-change sync < 0.1 s, due query < 5 ms at 100k, one answer < 2 ms, and neither
numpy nor matplotlib imported on these paths.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

CARDS_PER_FILE = 200


def write_decks(folder: Path, count: int) -> None:
    """Synthetic decks mixing open, basic, cloze and choice cards, 200 cards a file."""
    for start in range(0, count, CARDS_PER_FILE):
        parts = [f"---\ndeck: bench/{start // CARDS_PER_FILE:04d}\nnew_per_day: 50\n---\n"]
        for n in range(start, min(start + CARDS_PER_FILE, count)):
            kind = n % 4
            parts.append(f"## Question number {n} about regularization?\n<!--\nid: c{n}\n-->\n")
            if kind == 0:
                parts.append(
                    "L1 sets weights to exactly zero; L2 shrinks them.\n\n### Key points\n"
                    "- L1 gives exact zeros\n- L2 shrinks every weight\n"
                )
            elif kind == 1:
                parts.append("A plain answer with `code` and a list:\n\n- one\n- two\n")
            elif kind == 2:
                parts.append("The sigmoid derivative is at most {{c1::0.25}}.\n")
            else:
                parts.append("- [x] right\n- [ ] wrong\n- [ ] also wrong\n")
        path = folder / f"deck{start // CARDS_PER_FILE:04d}.md"
        path.write_text("\n".join(parts), "utf-8")
        # Decks last edited a day ago, as most are: files written seconds before a sync are
        # read again by the next one (sync.RACY_WINDOW_NS), which is not the steady state.
        day_ago = time.time_ns() - 86_400 * 10**9
        os.utime(path, ns=(day_ago, day_ago))


def measure(count: int) -> dict[str, float | int | bool]:
    from quizapp import review
    from quizapp.store import Store
    from quizapp.sync import sync

    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "decks"
        folder.mkdir()
        write_decks(folder, count)
        store = Store.open(Path(tmp) / "bench.db")

        started = time.perf_counter()
        report = sync(store, [folder], now)
        first_sync = time.perf_counter() - started
        assert report.ok and report.added == count, report.problems[:3]

        started = time.perf_counter()
        report = sync(store, [folder], now)
        nochange_sync = time.perf_counter() - started
        assert report.files_read == 0

        # Only new cards: the due query falls through to the per-deck new-card limits.
        new_times = []
        for _ in range(100):
            started = time.perf_counter()
            review.next_card(store, now)
            new_times.append(time.perf_counter() - started)

        # Half the cards become review cards with due dates spread over +-60 days.
        rng = random.Random(0)
        rows = [
            (
                (now + timedelta(days=rng.uniform(-60, 60))).isoformat(timespec="microseconds"),
                f"c{n}",
            )
            for n in range(0, count, 2)
        ]
        with store.transaction() as conn:
            conn.executemany(
                "UPDATE schedule SET queue = 1, state = 2, step = NULL, stability = 10.0,"
                " difficulty = 5.0, reps = 3, last_review = due, due = ? WHERE card_id = ?",
                rows,
            )
        store.conn.execute("ANALYZE")

        due_times = []
        for _ in range(300):
            started = time.perf_counter()
            review.next_card(store, now)
            due_times.append(time.perf_counter() - started)

        answer_times = []
        for _ in range(300):
            card = review.next_card(store, now)
            started = time.perf_counter()
            review.answer(store, card, 3, now)
            answer_times.append(time.perf_counter() - started)
        store.close()

    return {
        "cards": count,
        "first_sync_s": first_sync,
        "nochange_sync_s": nochange_sync,
        "due_query_ms": statistics.median(due_times) * 1000,
        "new_query_ms": statistics.median(new_times) * 1000,
        "due_query_p95_ms": sorted(due_times)[int(len(due_times) * 0.95)] * 1000,
        "answer_ms": statistics.median(answer_times) * 1000,
        "answer_p95_ms": sorted(answer_times)[int(len(answer_times) * 0.95)] * 1000,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "numpy_imported": "numpy" in sys.modules,
        "matplotlib_imported": "matplotlib" in sys.modules,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one)))
        return
    root = Path(__file__).resolve().parent.parent
    header = (
        f"{'cards':>7} {'first sync':>11} {'no-change':>10} {'due query':>10} {'due p95':>8}"
        f" {'new-only':>9} {'answer':>8} {'ans p95':>8} {'peak RSS':>9}  heavy imports"
    )
    print(header)
    for size in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(size)],
            check=True,
            capture_output=True,
            text=True,
            cwd=root,
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        heavy = [m for m in ("numpy", "matplotlib") if r[f"{m}_imported"]] or ["none"]
        print(
            f"{r['cards']:>7} {r['first_sync_s']:>10.3f}s {r['nochange_sync_s']:>9.4f}s"
            f" {r['due_query_ms']:>8.3f}ms {r['due_query_p95_ms']:>6.3f}ms"
            f" {r['new_query_ms']:>7.3f}ms"
            f" {r['answer_ms']:>6.3f}ms {r['answer_p95_ms']:>6.3f}ms {r['peak_rss_mb']:>7.1f}MB"
            f"  {', '.join(heavy)}"
        )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()

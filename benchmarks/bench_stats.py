"""Time the statistics and the PNG export on a synthetic year of studying.

The store holds 10,000 cards and about 50,000 reviews, inserted directly with executemany (the
real answer path would take minutes); each card follows a plausible spaced-repetition history:
a new-card answer, a learning step ten minutes later, then reviews at growing intervals with
recall that falls as the interval grows. Run: ``python -m benchmarks.bench_stats [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from quizapp.clock import iso
from quizapp.store import QUEUE_LEARNING, QUEUE_NEW, QUEUE_REVIEW, Store

NOW = datetime(2026, 6, 15, 18, 0, tzinfo=UTC)
CARDS = 10_000
DECKS = ("ml/basics", "ml/deep", "stats", "systems")


def build_store(store: Store, now: datetime = NOW, cards: int = CARDS, seed: int = 7) -> int:
    """Fill ``store`` with cards, schedules, reviews, a few undos and quizzes; return #reviews."""
    rng = random.Random(seed)
    card_rows, schedule_rows, review_rows, undo_rows, quiz_rows = [], [], [], [], []
    stamp = iso(now - timedelta(days=400))
    for n in range(cards):
        card_id = f"c{n:05d}"
        deck = DECKS[n % len(DECKS)]
        card_rows.append((card_id, card_id, deck, "basic", f"Q{n}", f"A{n}", "bench.md", n, "h"))
        card_rows[-1] += (stamp, stamp)
        if rng.random() < 0.35:  # never studied
            schedule_rows.append(
                (card_id, deck, n, QUEUE_NEW, 1, iso(now), None, 0, 0, None, None, None, None)
            )
            continue
        moment = now - timedelta(days=rng.uniform(1, 330), hours=rng.uniform(0, 10))
        introduced = moment
        reps = lapses = 0
        interval = 1.0
        queue = QUEUE_LEARNING
        due = moment
        history = [(moment, 3), (moment + timedelta(minutes=10), 3)]
        last = moment
        while True:
            for when, rating in history:
                review_id = str(uuid.UUID(int=rng.getrandbits(128)))
                review_rows.append((review_id, card_id, iso(when), rating, "review"))
                if rng.random() < 0.01:
                    undo_rows.append((review_id, iso(when)))
                reps += 1
            last = history[-1][0]
            moment = last + timedelta(days=interval * rng.uniform(0.95, 1.3))
            queue = QUEUE_REVIEW
            due = moment
            if moment > now:
                break
            recalled = rng.random() < 0.97 - 0.06 * min(interval, 200) ** 0.35
            if recalled:
                history = [(moment, rng.choice((2, 3, 3, 3, 4)))]
                interval *= rng.uniform(3.0, 4.5)
            else:
                lapses += 1
                history = [(moment, 1), (moment + timedelta(minutes=10), 3)]
                interval = max(1.0, interval * 0.3)
        # A memory state like fsrs's: stability about the interval it was scheduled with.
        stability = max((due - last).total_seconds() / 86400, 0.5)
        memory = (stability, rng.uniform(3.0, 8.0), iso(last))
        schedule_rows.append(
            (card_id, deck, n, queue, 2, iso(due), iso(introduced), reps, lapses, None, *memory)
        )
    for q in range(300):
        finished = now - timedelta(days=300 - q, hours=rng.uniform(0, 6))
        score = min(1.0, max(0.0, rng.gauss(0.55 + q / 1000, 0.12)))
        quiz_rows.append(
            (
                f"quiz{q}",
                DECKS[q % 4],
                iso(finished - timedelta(minutes=20)),
                iso(finished),
                10,
                score,
            )
        )
    conn = store.conn
    with store.transaction():
        conn.executemany(
            "INSERT INTO cards (id, note_id, deck, type, prompt, answer, source, line,"
            " content_hash, added_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            card_rows,
        )
        conn.executemany(
            "INSERT INTO schedule (card_id, deck, position, queue, state, due, introduced_at,"
            " reps, lapses, buried_until, stability, difficulty, last_review)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            schedule_rows,
        )
        conn.executemany(
            "INSERT INTO decks (name, source, retention, new_per_day) VALUES (?, ?, 0.9, 20)",
            [(deck, f"{deck}.md") for deck in DECKS],
        )
        conn.executemany(
            "INSERT INTO reviews (id, card_id, reviewed_at, rating, mode) VALUES (?, ?, ?, ?, ?)",
            review_rows,
        )
        conn.executemany("INSERT INTO undos (review_id, undone_at) VALUES (?, ?)", undo_rows)
        conn.executemany(
            "INSERT INTO quizzes (id, deck, started_at, finished_at, questions, score)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            quiz_rows,
        )
    return len(review_rows)


def timed(label: str, func: Callable[[], object], repeat: int = 5) -> object:
    """Run ``func`` ``repeat`` times and print the median and the fastest run in milliseconds."""
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append((time.perf_counter() - start) * 1000)
    print(f"{label:<40} median {statistics.median(times):8.1f} ms   best {min(times):8.1f} ms")
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="write the database and PNGs here and keep them")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="quizapp-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "bench.db"
    if db.exists():
        db.unlink()
    os.environ.setdefault("QUIZAPP_DB", str(db))
    os.environ.setdefault("QUIZAPP_CONFIG", str(folder / "config.toml"))

    from quizapp import charts, forecast, stats

    store = Store.open(db)
    start = time.perf_counter()
    count = build_store(store)
    print(f"built {CARDS} cards and {count} reviews in {time.perf_counter() - start:.1f} s ({db})")
    print(f"python {sys.version.split()[0]}")
    timed("reviews_per_day (365 days)", lambda: stats.reviews_per_day(store, NOW))
    timed("due_forecast (30 days)", lambda: stats.due_forecast(store, NOW))
    timed("workload_forecast (30 days, FSRS)", lambda: forecast.workload_forecast(store, NOW))
    timed("retention_by_interval (all)", lambda: stats.retention_by_interval(store, NOW))
    timed(
        "retention_by_interval (30 days)",
        lambda: stats.retention_by_interval(store, NOW, days=30),
    )
    timed("quiz_trend", lambda: stats.quiz_trend(store))
    timed("streak", lambda: stats.streak(store, NOW))
    timed("summary", lambda: stats.summary(store, NOW))
    snap = timed("snapshot (everything the screen reads)", lambda: stats.snapshot(store, NOW))
    start = time.perf_counter()
    import matplotlib  # noqa: F401  first import is a one-off cost, reported on its own

    print(f"{'import matplotlib (first time)':<40} {(time.perf_counter() - start) * 1000:8.1f} ms")
    timed("write_all: 4 PNGs", lambda: charts.write_all(snap, folder / "charts"), repeat=3)
    store.close()
    if args.keep:
        print(f"database and PNGs kept in {folder}")
    else:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()

"""Your data: backing up, merging two stores and exchanging through a sync folder at 100k reviews.

Run: ``python -m benchmarks.bench_data [--reviews 100000] [--cards 2000]``. Targets (2-core
machine): merging two stores of 100k reviews each < 5 s; a daily backup (verified) of a
100k-review store < 1 s.

The stores are built the way two machines drift apart: a shared history (half the reviews),
then each machine answers the other half on its own, interleaved in time with the other's, so
the merge has to replay every card from scratch. A second figure merges a store that is only
a day ahead (its new reviews all come after the other's), the common case of a daily merge.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
ANSWER = (
    "L1 adds the absolute value of the weights, whose subgradient has a constant size, so a "
    "weight whose data gradient is weaker than lambda is pushed to exactly zero."
)


def write_deck(folder: Path, cards: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = "\n".join(f"## Question {n}?\n<!-- id: c{n} -->\nAnswer {n}.\n" for n in range(cards))
    (folder / "deck.md").write_text(text, "utf-8")


def fill(db: Path, rows: list[tuple]) -> None:
    """Insert review rows directly, then replay every schedule (as a store that lived them)."""
    from quizapp.replay import rebuild_cards
    from quizapp.store import Store

    with Store.open(db) as store:
        with store.transaction() as conn:
            conn.executemany(
                "INSERT INTO reviews (id, card_id, reviewed_at, rating, answer, score, "
                "duration_ms, mode) VALUES (?, ?, ?, ?, ?, ?, ?, 'review')",
                rows,
            )
        rebuild_cards(store)


def reviews(rng: random.Random, count: int, cards: int, start: datetime, span_days: float):
    step = span_days * 86400 / max(count, 1)
    out = []
    for n in range(count):
        at = start + timedelta(seconds=n * step + rng.random() * step)
        out.append(
            (
                str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                f"c{rng.randrange(cards)}",
                at.isoformat(timespec="microseconds"),
                rng.choice((1, 2, 3, 3, 3, 4)),
                ANSWER,
                rng.random(),
                rng.randrange(2000, 60000),
            )
        )
    return out


def timed(label: str, action) -> float:
    """Print wall-clock and CPU seconds: on a machine shared with other work the wall clock
    mostly measures the others, and the CPU time is what this process needed."""
    began, cpu = time.perf_counter(), time.process_time()
    result = action()
    elapsed, used = time.perf_counter() - began, time.process_time() - cpu
    print(f"{label:<56} {elapsed:6.2f} s wall {used:6.2f} s cpu  {result}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--cards", type=int, default=2000)
    args = parser.parse_args()

    from quizapp import backup
    from quizapp.merge.folder import exchange
    from quizapp.merge.stores import merge_store
    from quizapp.store import Store
    from quizapp.sync import sync

    rng = random.Random(7)
    half = args.reviews // 2
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_deck(root / "decks", args.cards)
        base = root / "base.db"
        with Store.open(base) as store:
            sync(store, [root / "decks"], NOW - timedelta(days=400))
        shared = reviews(rng, half, args.cards, NOW - timedelta(days=400), 200)
        apart = NOW - timedelta(days=200)
        a_rows = reviews(rng, args.reviews - half, args.cards, apart, 199)
        b_rows = reviews(rng, args.reviews - half, args.cards, apart + timedelta(minutes=3), 199)
        for name, own in (("a", a_rows), ("b", b_rows)):
            shutil.copy(base, root / f"{name}.db")
            fill(root / f"{name}.db", shared + own)
        print(f"two stores of {args.reviews} reviews on {args.cards} cards, {half} shared")

        with Store.open(root / "a.db") as store:
            timed(
                f"daily backup of a {args.reviews}-review store (verified)",
                lambda: backup.take(store.conn, root / "a.db", backup.DAILY, NOW).size,
            )

        shutil.copy(root / "a.db", root / "a1.db")
        with Store.open(root / "a1.db") as store:
            timed(
                "merge B into A, drifted apart (full replay)",
                lambda: merge_store(store, root / "b.db", NOW).summary(),
            )
            timed(
                "merge B into A again (nothing new)",
                lambda: merge_store(store, root / "b.db", NOW).reviews,
            )

        # A day ahead: B2 is A plus a day of reviews after everything A has.
        shutil.copy(root / "a.db", root / "b2.db")
        day = reviews(rng, 300, args.cards, NOW - timedelta(hours=20), 0.5)
        from quizapp.replay import rebuild_cards

        with Store.open(root / "b2.db") as store:
            with store.transaction() as conn:
                conn.executemany(
                    "INSERT INTO reviews (id, card_id, reviewed_at, rating, answer, score, "
                    "duration_ms, mode) VALUES (?, ?, ?, ?, ?, ?, ?, 'review')",
                    day,
                )
            rebuild_cards(store, {r[1] for r in day})
        shutil.copy(root / "a.db", root / "a2.db")
        with Store.open(root / "a2.db") as store:
            timed(
                "merge a store one day ahead (300 new reviews, forward)",
                lambda: merge_store(store, root / "b2.db", NOW).summary(),
            )

        folder = root / "shared"
        folder.mkdir()
        with Store.open(root / "b.db") as store:
            timed(
                "sync folder: B writes its whole log", lambda: exchange(store, folder, NOW).written
            )
        shutil.copy(root / "a.db", root / "a3.db")
        with Store.open(root / "a3.db") as store:
            timed(
                "sync folder: A reads B's file and merges (full replay)",
                lambda: exchange(store, folder, NOW).merged.reviews,
            )
            timed(
                "sync folder: nothing new (app start)", lambda: exchange(store, folder, NOW).written
            )
        conn = sqlite3.connect(root / "a1.db")
        total = conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
        conn.close()
        print(f"merged store holds {total} reviews")


if __name__ == "__main__":
    main()

"""A synthetic store with a review history, shared by the hardening benchmarks.

Rows are inserted directly (not through ``review.answer``) so a 450k-review store is made in
seconds; ``quizapp rebuild`` then derives the schedule from them like from a real log.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from quizapp.clock import iso
from quizapp.schedule import CardState
from quizapp.store import Store

START = datetime(2025, 1, 1, 12, tzinfo=UTC)


def make_store(path: Path, *, cards: int, reviews: int, seed: int = 1) -> Path:
    """Create ``path`` with ``cards`` cards in one deck and ``reviews`` reviews spread over them."""
    rng = random.Random(seed)
    store = Store.open(path)
    stamp = iso(START)
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO decks (name, source, retention, new_per_day)"
            " VALUES ('bench', 'x', 0.9, 20)"
        )
        conn.executemany(
            "INSERT INTO cards (id, note_id, deck, type, prompt, answer, source, line,"
            " content_hash, added_at, updated_at) VALUES (?, ?, 'bench', 'basic', ?, 'answer',"
            " 'bench.md', ?, 'h', ?, ?)",
            [(f"c{n}", f"c{n}", f"Question {n}?", n + 1, stamp, stamp) for n in range(cards)],
        )
        state = CardState().to_row()
        conn.executemany(
            "INSERT INTO schedule (card_id, deck, position, queue, state, step, stability,"
            " difficulty, due, last_review, reps, lapses, introduced_at) VALUES"
            " (:card_id, 'bench', :position, :queue, :state, :step, :stability, :difficulty,"
            " :due, :last_review, :reps, :lapses, :introduced_at)",
            [{**state, "card_id": f"c{n}", "position": n} for n in range(cards)],
        )
        per_card = max(reviews // cards, 1)
        rows = []
        for n in range(reviews):
            card = n % cards
            moment = START + timedelta(days=2 * (n // cards), minutes=card % 600)
            rows.append(
                (
                    str(uuid.UUID(int=rng.getrandbits(128))),
                    f"c{card}",
                    iso(moment),
                    rng.choice((1, 3, 3, 3, 4)),
                )
            )
            if len(rows) >= 50_000:
                conn.executemany(
                    "INSERT INTO reviews (id, card_id, reviewed_at, rating, mode)"
                    " VALUES (?, ?, ?, ?, 'review')",
                    rows,
                )
                rows = []
        if rows:
            conn.executemany(
                "INSERT INTO reviews (id, card_id, reviewed_at, rating, mode)"
                " VALUES (?, ?, ?, ?, 'review')",
                rows,
            )
        del per_card
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path

"""The review log out, for people who analyse their own data and for the FSRS optimizer.

``csv`` and ``jsonl`` carry every review, undone ones and quiz answers included (flagged), with
the columns of :data:`COLUMNS`. ``fsrs`` is the revlog CSV of the FSRS optimizer (the
``fsrs-optimizer`` package and Anki's "optimize"): one row per review that counts for the
schedule, with ``card_id`` (an integer: the first 48 bits of the SHA-256 of quizapp's card id,
the same in every export), ``review_time`` (milliseconds since the Unix epoch),
``review_rating`` (1-4), ``review_state`` (the card's state before the review: 0 new,
1 learning, 2 review, 3 relearning) and ``review_duration`` (milliseconds; 0 when unknown).
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from typing import TextIO

from quizapp.replay import live_reviews
from quizapp.schedule import CardState, apply_rating
from quizapp.store import Store

FORMATS = ("csv", "jsonl", "fsrs")
COLUMNS = (
    "id",
    "card_id",
    "deck",
    "reviewed_at",
    "rating",
    "score",
    "mode",
    "duration_ms",
    "quiz_id",
    "undone",
    "answer",
)
FSRS_COLUMNS = ("card_id", "review_time", "review_rating", "review_state", "review_duration")


def review_rows(store: Store) -> Iterator[dict[str, object]]:
    """Every review, oldest first, with its card's deck and whether it was undone."""
    rows = store.conn.execute(
        "SELECT r.id, r.card_id, c.deck, r.reviewed_at, r.rating, r.score, r.mode, "
        "r.duration_ms, r.quiz_id, (u.review_id IS NOT NULL) AS undone, r.answer "
        "FROM reviews r LEFT JOIN cards c ON c.id = r.card_id "
        "LEFT JOIN undos u ON u.review_id = r.id ORDER BY r.reviewed_at, r.id"
    )
    for row in rows:
        out = dict(zip(COLUMNS, row, strict=True))
        out["undone"] = bool(out["undone"])
        yield out


def numeric_card_id(card_id: str) -> int:
    """A stable integer for a card id, for tools that want integers."""
    return int.from_bytes(hashlib.sha256(card_id.encode("utf-8")).digest()[:6], "big")


def fsrs_rows(store: Store) -> Iterator[dict[str, object]]:
    """The optimizer's revlog: live review-mode answers, each with the card's state before it."""
    durations = dict(
        store.conn.execute("SELECT id, duration_ms FROM reviews WHERE mode = 'review'").fetchall()
    )
    retention = dict(
        store.conn.execute(
            "SELECT s.card_id, COALESCE(d.retention, 0.9) FROM schedule s "
            "LEFT JOIN decks d ON d.name = s.deck"
        ).fetchall()
    )
    rows = []
    for card_id, log in live_reviews(store).items():
        state = CardState()
        for review_id, at, rating in log:
            rows.append(
                {
                    "card_id": numeric_card_id(card_id),
                    "review_time": round(at.timestamp() * 1000),
                    "review_rating": rating,
                    "review_state": 0 if state.reps == 0 else state.state,
                    "review_duration": durations.get(review_id) or 0,
                }
            )
            state = apply_rating(state, rating, at, review_id, retention.get(card_id, 0.9))
    rows.sort(key=lambda r: (r["review_time"], r["card_id"]))
    yield from rows


def write(store: Store, fmt: str, out: TextIO) -> int:
    """Write the log in ``fmt`` (one of :data:`FORMATS`) to ``out``; return the rows written."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    count = 0
    if fmt == "jsonl":
        for row in review_rows(store):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
        return count
    columns, rows = (
        (FSRS_COLUMNS, fsrs_rows(store)) if fmt == "fsrs" else (COLUMNS, review_rows(store))
    )
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
        count += 1
    return count

"""A store's log as plain rows: what two machines exchange and take the union of.

The log is everything append-only in a store: reviews (by UUID), undo markers (by the review
they undo), events (by UUID; see :mod:`quizapp.events`) and the quizzes answers belong to. Cards
travel only so that a review of a card the other machine has not synced yet can be kept on a
retired stand-in; the markdown stays the truth for card content.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

REVIEW_COLUMNS = (
    "id",
    "card_id",
    "reviewed_at",
    "rating",
    "answer",
    "score",
    "duration_ms",
    "mode",
    "quiz_id",
    "grading",
)
QUIZ_COLUMNS = ("id", "deck", "started_at", "finished_at", "questions", "score")
EVENT_COLUMNS = ("id", "kind", "card_id", "at", "payload")
CARD_COLUMNS = (
    "id",
    "note_id",
    "deck",
    "type",
    "prompt",
    "answer",
    "key_points",
    "choices",
    "cloze",
    "expected",
    "tags",
    "prove",
    "synonyms",
    "misconceptions",
    "source",
    "line",
    "content_hash",
    "added_at",
    "updated_at",
)


@dataclass
class Log:
    """Rows to merge. ``decks`` names each reviewed card's deck, for stand-ins."""

    reviews: list[dict] = field(default_factory=list)
    undos: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    quizzes: list[dict] = field(default_factory=list)
    cards: dict[str, dict] = field(default_factory=dict)
    decks: dict[str, str] = field(default_factory=dict)

    def extend(self, other: Log) -> None:
        self.reviews += other.reviews
        self.undos += other.undos
        self.events += other.events
        self.quizzes += other.quizzes
        self.cards.update(other.cards)
        self.decks.update(other.decks)


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def _rows(conn: sqlite3.Connection, table: str, wanted: tuple[str, ...]) -> list[dict]:
    """Every row of ``table`` with the ``wanted`` columns (None where an older schema lacks one)."""
    have = _columns(conn, table)
    if not have:
        return []
    select = ", ".join(c if c in have else f"NULL AS {c}" for c in wanted)
    cursor = conn.execute(f"SELECT {select} FROM {table}")
    return [dict(zip(wanted, row, strict=True)) for row in cursor]


def _rows_with_ids(
    conn: sqlite3.Connection, table: str, wanted: tuple[str, ...], ids: list[str]
) -> list[dict]:
    have = _columns(conn, table)
    select = ", ".join(c if c in have else f"NULL AS {c}" for c in wanted)
    out = []
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        marks = ",".join("?" * len(batch))
        cursor = conn.execute(f"SELECT {select} FROM {table} WHERE id IN ({marks})", batch)
        out += [dict(zip(wanted, row, strict=True)) for row in cursor]
    return out


def read_log(conn: sqlite3.Connection, known_reviews: set[str] | None = None) -> Log:
    """The log of a store, read through ``conn`` (another machine's, say).

    Reviews whose id is in ``known_reviews`` are left out (only their ids are read): merging a
    store that shares most of its history then reads only what is new.
    """
    cards = {row["id"]: row for row in _rows(conn, "cards", CARD_COLUMNS)}
    if known_reviews is None:
        reviews = _rows(conn, "reviews", REVIEW_COLUMNS)
    else:
        missing = [
            r[0] for r in conn.execute("SELECT id FROM reviews") if r[0] not in known_reviews
        ]
        reviews = _rows_with_ids(conn, "reviews", REVIEW_COLUMNS, missing)
    undos = _rows(conn, "undos", ("review_id", "undone_at"))
    return Log(
        reviews=reviews,
        undos=undos,
        events=_rows(conn, "events", EVENT_COLUMNS),
        quizzes=_rows(conn, "quizzes", QUIZ_COLUMNS),
        cards=cards,
        decks={cid: row["deck"] for cid, row in cards.items()},
    )

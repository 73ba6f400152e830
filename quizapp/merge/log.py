"""A store's log as plain rows: what two machines exchange and take the union of.

The log is everything append-only in a store: reviews (by UUID), undo markers (by the review
they undo), events (by UUID; see :mod:`quizapp.events`), parameter events (by UUID; see
:mod:`quizapp.fitting.events`) and the quizzes answers belong to. Cards
travel only so that a review of a card the other machine has not synced yet can be kept on a
retired stand-in; the markdown stays the truth for card content.
"""

from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime

from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from quizapp.store import CARD_COLUMNS

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
PARAMETER_COLUMNS = ("id", "at", "deck", "parameters", "retention", "reviews", "metrics")


@dataclass
class Log:
    """Rows to merge. ``decks`` names each reviewed card's deck, for stand-ins."""

    reviews: list[dict] = field(default_factory=list)
    undos: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    quizzes: list[dict] = field(default_factory=list)
    cards: dict[str, dict] = field(default_factory=dict)
    decks: dict[str, str] = field(default_factory=dict)
    parameters: list[dict] = field(default_factory=list)  # parameter_events rows

    def extend(self, other: Log) -> None:
        self.reviews += other.reviews
        self.undos += other.undos
        self.events += other.events
        self.quizzes += other.quizzes
        self.parameters += other.parameters
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
        parameters=_rows(conn, "parameter_events", PARAMETER_COLUMNS),
    )


def parameter_problem(row: dict) -> str | None:
    """Why a ``parameter_events`` row from elsewhere cannot be taken, or ``None``.

    Every review replayed after it would go through these settings, so a vector fsrs refuses
    (or a retention outside 0-1) must stop at the door with a message, not in the middle of a
    replay with a traceback.
    """
    if not isinstance(row.get("id"), str) or not _is_time(row.get("at")):
        return "a parameter event without id or time"
    if row.get("deck") is not None and not isinstance(row["deck"], str):
        return "a parameter event with an unreadable deck"
    text = row.get("parameters")
    if text is not None:
        try:
            weights = json.loads(text) if isinstance(text, str) else None
        except ValueError:
            weights = None
        if not (
            isinstance(weights, list)
            and len(weights) == len(LOWER_BOUNDS_PARAMETERS)
            and all(_is_number(w) for w in weights)
            and all(
                lo <= w <= hi
                for w, lo, hi in zip(
                    weights, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True
                )
            )
        ):
            return (
                f"a parameter event whose parameters are not {len(LOWER_BOUNDS_PARAMETERS)} "
                "numbers within FSRS's bounds"
            )
    retention = row.get("retention")
    if retention is not None and not (_is_number(retention) and 0 < retention < 1):
        return "a parameter event with a retention outside 0-1"
    if not isinstance(row.get("reviews"), int) or isinstance(row["reviews"], bool):
        return "a parameter event without its review count"
    try:
        metrics = json.loads(row.get("metrics") or "")
    except (TypeError, ValueError):
        metrics = None
    if not isinstance(metrics, dict):
        return "a parameter event with unreadable metrics"
    return None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_time(text: object) -> bool:
    try:
        return isinstance(text, str) and datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False

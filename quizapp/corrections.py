"""The user's corrections of the scorer: how often it agreed, and the answers as labelled data.

After reveal the user may flip a key point's verdict; the review then stores the scorer's verdict
and the flips together in ``reviews.grading`` (see :meth:`quizapp.grading.Grade.record`). Nothing
here writes: these are read-only views of that log.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from quizapp.clock import iso
from quizapp.store import Store


@dataclass(frozen=True)
class Agreement:
    """Over scored reviews in a window: how many key-point verdicts the user left standing."""

    reviews: int  # scored open-card reviews in the window
    corrected: int  # of which the user flipped at least one point
    points: int  # key-point verdicts shown
    flipped: int  # verdicts the user changed

    @property
    def rate(self) -> float | None:
        """Share of verdicts the user agreed with; None when nothing was scored."""
        return None if not self.points else 1.0 - self.flipped / self.points


def _graded_rows(store: Store, since: str | None = None):
    sql = (
        "SELECT r.id, r.card_id, r.reviewed_at, r.answer, r.grading FROM reviews r "
        "WHERE r.grading IS NOT NULL AND r.id NOT IN (SELECT review_id FROM undos)"
    )
    params: list[object] = []
    if since is not None:
        sql += " AND r.reviewed_at >= ?"
        params.append(since)
    for row in store.conn.execute(sql + " ORDER BY r.reviewed_at", params):
        try:
            record = json.loads(row["grading"])
        except (TypeError, ValueError):
            continue  # a damaged record is skipped, never a crash
        if isinstance(record, dict) and record.get("points"):
            yield row, record


def agreement(store: Store, now: datetime, days: int = 30) -> Agreement:
    """How often the scorer agreed with the user's corrections over the last ``days`` days."""
    since = iso(now - timedelta(days=days))
    reviews = corrected = points = flipped = 0
    for _, record in _graded_rows(store, since):
        changed = sum(
            1
            for point in record["points"]
            if point.get("scorer_covered", point.get("covered")) != point.get("covered")
        )
        reviews += 1
        corrected += bool(changed)
        points += len(record["points"])
        flipped += changed
    return Agreement(reviews, corrected, points, flipped)


def labelled(store: Store) -> list[dict[str, object]]:
    """Corrected answers in the format of ``tests/data/*.jsonl`` (label = the corrected score)."""
    rows = []
    for row, record in _graded_rows(store):
        flips = record.get("corrections") or {}
        if not flips:
            continue
        rows.append(
            {
                "card_id": row["card_id"],
                "kind": "user-corrected",
                "answer": row["answer"],
                "label": record.get("value"),
                "split": "user",
                "scorer_value": record.get("scorer_value"),
                "points": [
                    {
                        "text": point.get("text"),
                        "scorer": point.get("scorer_covered", point.get("covered")),
                        "user": point.get("covered"),
                    }
                    for point in record["points"]
                ],
                "reviewed_at": row["reviewed_at"],
            }
        )
    return rows

"""How long studying takes: seconds per review, and a new card as its learning steps.

A new card is seen once and then again at each of the scheduler's learning steps the same day,
so it costs ``1 + len(learning_steps)`` reviews.
"""

from __future__ import annotations

import statistics
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from quizapp.store import Store


@cache
def defaults() -> dict[str, float]:
    text = resources.files("quizapp.planning").joinpath("costs.toml").read_text("utf-8")
    return tomllib.loads(text)


@dataclass(frozen=True)
class Costs:
    review_seconds: float
    new_card_reviews: int  # a new card's first sight plus its same-day learning steps

    @property
    def new_seconds(self) -> float:
        return self.review_seconds * self.new_card_reviews


def measured(store: Store, learning_steps: int) -> Costs:
    """The user's median answer time over recent review answers, else the default."""
    rows = store.conn.execute(
        "SELECT duration_ms FROM reviews WHERE mode = 'review' AND duration_ms > 0"
        " ORDER BY reviewed_at DESC LIMIT 500"
    ).fetchall()
    seconds = defaults()["seconds_per_review"]
    if len(rows) >= defaults()["min_timed_reviews"]:
        seconds = statistics.median(r[0] for r in rows) / 1000
    return Costs(max(seconds, 1.0), 1 + learning_steps)

"""Weak-topic drill: which cards you are weakest on, for a cram session that leaves FSRS alone.

A card's weakness is the lower of two estimates of how likely you are to get it right now:
its predicted recall (FSRS retrievability at ``now``, under the parameters in force) and its
recent success (the share of its last few answers, in any mode, rated Hard or better; the mean
score where the scorer gave one). Cards never answered are not drilled: nothing says they are
weak. Drill answers are logged with ``mode='cram'``: they count in the history and the stats
but never move the schedule, so cramming the night before does not distort tomorrow's spacing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import fsrs

from quizapp import review
from quizapp.clock import parse_iso
from quizapp.schedule import scheduler_for
from quizapp.store import QUEUE_OFF, Store

RECENT = 5  # answers that count as "recent" for a card's success rate


@dataclass(frozen=True)
class Weak:
    """One card chosen for a drill, with the figures that put it there."""

    card_id: str
    deck: str
    prompt: str
    recall: float | None  # FSRS retrievability now; None before the card's first review
    recent: float | None  # success over its last few answers
    answers: int

    @property
    def weakness(self) -> float:
        known = [v for v in (self.recall, self.recent) if v is not None]
        return min(known) if known else 1.0

    @property
    def reason(self) -> str:
        parts = []
        if self.recall is not None:
            parts.append(f"predicted recall {self.recall:.0%}")
        if self.recent is not None:
            parts.append(f"recent {self.recent:.0%} over {min(self.answers, RECENT)} answer(s)")
        return ", ".join(parts)


def retrievability(
    store: Store, deck: str, stability: float, last: datetime, now: datetime
) -> float:
    """FSRS-6 predicted recall of a card of ``deck`` at ``now``, with the parameters in force."""
    settings = review.settings_of(store, deck, now)
    card = fsrs.Card(card_id=0, state=fsrs.State.Review, stability=stability, last_review=last)
    return scheduler_for(settings.retention, settings.parameters).get_card_retrievability(card, now)


def weakest(
    store: Store,
    now: datetime,
    *,
    deck: str | None = None,
    tag: str | None = None,
    limit: int = 10,
) -> list[Weak]:
    """The ``limit`` weakest answered cards of ``deck`` / ``tag``, weakest first."""
    clause, args = review.deck_clause(deck)
    clause = clause.replace("deck", "c.deck")
    rows = store.conn.execute(
        "SELECT c.id, c.deck, c.prompt, c.tags, s.stability, s.last_review FROM cards c"
        f" JOIN schedule s ON s.card_id = c.id WHERE s.queue != ?{clause}",
        [QUEUE_OFF, *args],
    ).fetchall()
    recent = _recent_success(store)
    found = []
    for row in rows:
        if tag is not None and tag not in json.loads(row["tags"]):
            continue
        success, answers = recent.get(row["id"], (None, 0))
        recall = None
        if row["stability"] and row["last_review"]:
            recall = retrievability(
                store, row["deck"], row["stability"], parse_iso(row["last_review"]), now
            )
        if recall is None and success is None:
            continue
        found.append(Weak(row["id"], row["deck"], row["prompt"], recall, success, answers))
    found.sort(key=lambda w: (w.weakness, w.card_id))
    return found[:limit]


def _recent_success(store: Store) -> dict[str, tuple[float, int]]:
    """Per card: success over its last ``RECENT`` live answers (any mode), and its answer count."""
    per_card: dict[str, list[float]] = {}
    for card_id, rating, score in store.conn.execute(
        "SELECT card_id, rating, score FROM reviews WHERE id NOT IN (SELECT review_id FROM undos)"
        " ORDER BY card_id, reviewed_at DESC, id DESC"
    ):
        per_card.setdefault(card_id, []).append(score if score is not None else float(rating > 1))
    return {
        card_id: (sum(values[:RECENT]) / len(values[:RECENT]), len(values))
        for card_id, values in per_card.items()
    }


def tags(store: Store) -> set[str]:
    """Every tag in use, so an unknown ``--tag`` can be reported with the choices."""
    found: set[str] = set()
    for (text,) in store.conn.execute("SELECT tags FROM cards WHERE retired = 0"):
        found.update(json.loads(text))
    return found

"""Parameter events: "from this moment on, this deck is scheduled with these settings".

An adopted fit (or a chosen desired retention) is not written over the deck's settings: it is an
append-only row with a UUID and a time, like a review. Replaying a card applies, to each review,
the latest event at or before that review's time whose deck covers the card's deck. So a rebuild
reproduces the schedule exactly, and two merged stores (union of both event tables by id) agree.
"""

from __future__ import annotations

import bisect
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from quizapp.clock import iso, parse_iso
from quizapp.schedule import Parameters, Settings
from quizapp.store import Store


@dataclass(frozen=True)
class ParameterEvent:
    """One adopted setting. ``deck`` None covers every deck; a field left None changes nothing."""

    at: datetime
    deck: str | None = None
    parameters: Parameters | None = None
    retention: float | None = None
    reviews: int = 0  # reviews the fit was trained on (0 for a retention-only event)
    metrics: dict[str, object] = field(default_factory=dict)
    id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def to_row(self) -> dict[str, object]:
        return {
            "id": self.id,
            "at": iso(self.at),
            "deck": self.deck,
            "parameters": json.dumps(list(self.parameters)) if self.parameters else None,
            "retention": self.retention,
            "reviews": self.reviews,
            "metrics": json.dumps(self.metrics, sort_keys=True),
        }

    @classmethod
    def from_row(cls, row: object) -> ParameterEvent:
        get = row.__getitem__  # type: ignore[attr-defined]
        params = get("parameters")
        return cls(
            id=get("id"),
            at=parse_iso(get("at")),
            deck=get("deck"),
            parameters=tuple(json.loads(params)) if params else None,
            retention=get("retention"),
            reviews=get("reviews"),
            metrics=json.loads(get("metrics")),
        )


def record(store: Store, event: ParameterEvent) -> None:
    """Append an event (idempotent by id, so replaying a merge twice is harmless)."""
    row = event.to_row()
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR IGNORE INTO parameter_events (id, at, deck, parameters, retention, reviews,"
            " metrics) VALUES (:id, :at, :deck, :parameters, :retention, :reviews, :metrics)",
            row,
        )


def load(store: Store) -> list[ParameterEvent]:
    """Every event, oldest first (ties broken by id so every machine orders them alike)."""
    rows = store.conn.execute("SELECT * FROM parameter_events ORDER BY at, id")
    return [ParameterEvent.from_row(r) for r in rows]


def covers(event_deck: str | None, deck: str) -> bool:
    """Whether an event for ``event_deck`` applies to cards of ``deck`` (nested decks included)."""
    return event_deck is None or deck == event_deck or deck.startswith(event_deck + "/")


def latest_fit(events: Iterable[ParameterEvent], deck: str | None) -> ParameterEvent | None:
    """The newest event with parameters fitted for exactly ``deck`` (None: the all-decks fit)."""
    fits = [e for e in events if e.parameters is not None and e.deck == deck]
    return fits[-1] if fits else None


def settings_at(
    events: Iterable[ParameterEvent], deck: str, deck_retention: float
) -> Callable[[datetime], Settings]:
    """A lookup ``moment -> Settings`` for cards of ``deck``.

    Parameters and retention are looked up independently: a retention event does not reset
    fitted parameters and a fit does not reset a chosen retention. Before any event the deck's
    own retention (from its markdown) and fsrs's default parameters apply.
    """
    mine = [e for e in events if covers(e.deck, deck)]
    params = [(iso(e.at), e.id, e.parameters) for e in mine if e.parameters is not None]
    retentions = [(iso(e.at), e.id, e.retention) for e in mine if e.retention is not None]
    params.sort()
    retentions.sort()
    param_keys = [p[0] for p in params]
    retention_keys = [r[0] for r in retentions]

    def lookup(moment: datetime) -> Settings:
        stamp = iso(moment)
        i = bisect.bisect_right(param_keys, stamp)
        j = bisect.bisect_right(retention_keys, stamp)
        return Settings(
            retention=retentions[j - 1][2] if j else deck_retention,
            parameters=params[i - 1][2] if i else None,
        )

    return lookup

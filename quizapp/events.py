"""The event log: everything a user does to a card besides answering it, append-only.

Answers live in ``reviews`` and undo markers in ``undos``; every other action that changes a
card's state (suspend, unsuspend, bury, and kinds added later, such as scheduler parameter
changes) is one ``events`` row: a UUID, a kind, the card (or none), the time and a JSON payload.
Because each row has its own id, two machines' logs merge by union, and the state each kind
controls is a pure function of the merged events:

- ``suspend`` / ``unsuspend``: the latest of a card's suspend and unsuspend events wins, ordered by
  (time, id) so that a tie is broken the same way on every machine.
- ``bury``: the card stays buried until the latest ``until`` of its bury events.

A kind this version does not know is kept and passed on by merges untouched, so an older
quizapp never drops a newer one's events. To add a kind, record it with :func:`record` and,
if it controls derived state, add its rule to :func:`apply_card_events`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from quizapp.clock import iso
from quizapp.store import Store

SUSPEND = "suspend"
UNSUSPEND = "unsuspend"
BURY = "bury"
SUSPENSION_KINDS = (SUSPEND, UNSUSPEND)


@dataclass(frozen=True)
class Event:
    """One row of ``events``; ``payload`` is already decoded."""

    id: str
    kind: str
    card_id: str | None
    at: str
    payload: dict[str, object]

    def to_row(self) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind,
            "card_id": self.card_id,
            "at": self.at,
            "payload": json.dumps(self.payload, sort_keys=True),
        }


def record(
    store: Store,
    kind: str,
    card_id: str | None,
    now: datetime,
    payload: dict[str, object] | None = None,
) -> Event:
    """Append one event (inside the caller's transaction, or its own)."""
    event = Event(str(uuid.uuid4()), kind, card_id, iso(now), payload or {})
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO events (id, kind, card_id, at, payload) "
            "VALUES (:id, :kind, :card_id, :at, :payload)",
            event.to_row(),
        )
    return event


def apply_card_events(store: Store, card_ids: Iterable[str]) -> None:
    """Recompute the state the event log controls for these cards (the caller's transaction).

    Only cards that have events of a kind are touched by that kind's rule: a card suspended
    by an older quizapp that logged nothing stays as it is.
    """
    from quizapp.review import set_active  # review records events through this module

    conn = store.conn
    for card_id in card_ids:
        latest = conn.execute(
            "SELECT kind FROM events WHERE card_id = ? AND kind IN (?, ?) "
            "ORDER BY at DESC, id DESC LIMIT 1",
            (card_id, *SUSPENSION_KINDS),
        ).fetchone()
        if latest is not None:
            set_active(store, card_id, suspended=latest[0] == SUSPEND)
        until = [
            json.loads(r[0]).get("until")
            for r in conn.execute(
                "SELECT payload FROM events WHERE card_id = ? AND kind = ?", (card_id, BURY)
            )
        ]
        until = [u for u in until if isinstance(u, str)]
        if until:
            conn.execute(
                "UPDATE schedule SET buried_until = ? WHERE card_id = ?", (max(until), card_id)
            )

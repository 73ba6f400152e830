"""Schedules recomputed from the review log for many cards at once.

:func:`quizapp.review.rebuild` replays card by card with a query each; a merge or a repair
touches tens of thousands of cards, so here the live reviews of every card asked for are read in
one ordered scan and the new schedules written with one ``executemany``. The result is the same
pure function of the log (:func:`quizapp.schedule.replay`), so it agrees with ``rebuild``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from quizapp.clock import parse_iso
from quizapp.schedule import CardState, apply_rating, replay
from quizapp.store import QUEUE_OFF, Store

_CHUNK = 500


def _retentions(store: Store, card_ids: Iterable[str]) -> dict[str, tuple[float, bool]]:
    """Per card: its deck's desired retention and whether it is off the queues."""
    out: dict[str, tuple[float, bool]] = {}
    ids = list(card_ids)
    for start in range(0, len(ids), _CHUNK):
        batch = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(batch))
        for row in store.conn.execute(
            "SELECT s.card_id, COALESCE(d.retention, 0.9), "
            "COALESCE(c.retired OR c.suspended, 0) FROM schedule s "
            "LEFT JOIN decks d ON d.name = s.deck LEFT JOIN cards c ON c.id = s.card_id "
            f"WHERE s.card_id IN ({marks})",
            batch,
        ):
            out[row[0]] = (float(row[1]), bool(row[2]))
    return out


def live_reviews(
    store: Store, card_ids: Collection[str] | None = None
) -> dict[str, list[tuple[str, datetime, int]]]:
    """Each card's review-mode answers that were not undone, in replay order."""
    logs: dict[str, list[tuple[str, datetime, int]]] = {}
    if card_ids is not None:
        for card_id in card_ids:
            logs[card_id] = []
    rows = store.conn.execute(
        "SELECT card_id, id, reviewed_at, rating FROM reviews r WHERE mode = 'review' "
        "AND NOT EXISTS (SELECT 1 FROM undos u WHERE u.review_id = r.id) "
        "ORDER BY card_id, reviewed_at, id"
    )
    for card_id, review_id, at, rating in rows:
        if card_ids is None:
            logs.setdefault(card_id, [])
        elif card_id not in logs:
            continue
        logs[card_id].append((review_id, parse_iso(at), rating))
    return logs


def replayed_states(store: Store, card_ids: Collection[str] | None = None) -> dict[str, CardState]:
    """The schedule each card's live log gives (every card with a schedule row if ``None``)."""
    if card_ids is None:
        card_ids = [r[0] for r in store.conn.execute("SELECT card_id FROM schedule")]
    settings = _retentions(store, card_ids)
    logs = live_reviews(store, set(settings))
    return {
        card_id: replay(logs.get(card_id, []), retention)
        for card_id, (retention, _off) in settings.items()
    }


def forward(
    state: CardState, reviews: Iterable[tuple[str, datetime, int]], retention: float
) -> CardState:
    """Apply reviews that all come after ``state``'s last one: the same as a full replay."""
    for review_id, at, rating in reviews:
        state = apply_rating(state, rating, at, review_id, retention)
    return state


def save_states(store: Store, states: dict[str, CardState]) -> None:
    """Write schedules (inside the caller's transaction); retired or suspended cards stay off."""
    settings = _retentions(store, states)
    rows = []
    for card_id, state in states.items():
        values = state.to_row()
        if settings.get(card_id, (0.9, False))[1]:
            values["queue"] = QUEUE_OFF
        values["card_id"] = card_id
        rows.append(values)
    if not rows:
        return
    sets = ", ".join(f"{k} = :{k}" for k in rows[0] if k != "card_id")
    store.conn.executemany(f"UPDATE schedule SET {sets} WHERE card_id = :card_id", rows)


def rebuild_cards(store: Store, card_ids: Collection[str] | None = None) -> int:
    """Replay and save these cards' schedules (all if ``None``); return how many."""
    states = replayed_states(store, card_ids)
    with store.transaction():
        save_states(store, states)
    return len(states)

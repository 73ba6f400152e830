"""Schedules recomputed from the review log for many cards at once.

:func:`quizapp.review.rebuild` replays card by card with a query each; a merge or a repair
touches tens of thousands of cards, so here the live reviews of every card asked for are read in
one ordered scan and the new schedules written with one ``executemany``. The result is the same
pure function of the log (:func:`quizapp.schedule.replay`), with the same settings lookup
(:func:`quizapp.fitting.events.settings_at`: each review replayed with the retention and FSRS
parameters in force at its time), so it agrees with ``rebuild``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from quizapp.clock import parse_iso
from quizapp.fitting import events as parameter_events
from quizapp.schedule import CardState, Settings, apply_rating, replay
from quizapp.store import QUEUE_OFF, Store

_CHUNK = 500

SettingsAt = Callable[[datetime], Settings]


@dataclass(frozen=True)
class _CardSettings:
    """What a card's replay needs besides its reviews: its deck, that deck's own retention, and
    whether the card is off the queues."""

    deck: str
    retention: float
    off: bool


def _card_settings(store: Store, card_ids: Iterable[str]) -> dict[str, _CardSettings]:
    out: dict[str, _CardSettings] = {}
    ids = list(card_ids)
    for start in range(0, len(ids), _CHUNK):
        batch = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(batch))
        for row in store.conn.execute(
            "SELECT s.card_id, s.deck, COALESCE(d.retention, 0.9), "
            "COALESCE(c.retired OR c.suspended, 0) FROM schedule s "
            "LEFT JOIN decks d ON d.name = s.deck LEFT JOIN cards c ON c.id = s.card_id "
            f"WHERE s.card_id IN ({marks})",
            batch,
        ):
            out[row[0]] = _CardSettings(row[1], float(row[2]), bool(row[3]))
    return out


def settings_lookups(store: Store, card_ids: Collection[str]) -> dict[str, SettingsAt]:
    """Per card, the lookup ``moment -> Settings`` that :func:`quizapp.review.rebuild` uses.

    The parameter events are read once for the whole call and one lookup is built per deck, so
    replaying many cards costs no more queries than replaying one.
    """
    events = parameter_events.load(store)
    by_deck: dict[tuple[str, float], SettingsAt] = {}
    out: dict[str, SettingsAt] = {}
    for card_id, card in _card_settings(store, card_ids).items():
        key = (card.deck, card.retention)
        if key not in by_deck:
            if any(parameter_events.covers(e.deck, card.deck) for e in events):
                by_deck[key] = parameter_events.settings_at(events, card.deck, card.retention)
            else:  # what settings_at gives for every moment, without a lookup per review
                by_deck[key] = _constant(Settings(card.retention))
        out[card_id] = by_deck[key]
    return out


def _constant(settings: Settings) -> SettingsAt:
    return lambda _moment: settings


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
    lookups = settings_lookups(store, card_ids)
    logs = live_reviews(store, set(lookups))
    return {
        card_id: replay(logs.get(card_id, []), settings_at=lookup)
        for card_id, lookup in lookups.items()
    }


def forward(
    state: CardState, reviews: Iterable[tuple[str, datetime, int]], settings_at: SettingsAt
) -> CardState:
    """Apply reviews that all come after ``state``'s last one: the same as a full replay.

    ``settings_at`` is the card's lookup from :func:`settings_lookups`; each review gets the
    settings in force at its time, as in a replay.
    """
    for review_id, at, rating in reviews:
        settings = settings_at(at)
        state = apply_rating(state, rating, at, review_id, settings.retention, settings.parameters)
    return state


def save_states(store: Store, states: dict[str, CardState]) -> None:
    """Write schedules (inside the caller's transaction); retired or suspended cards stay off."""
    settings = _card_settings(store, states)
    rows = []
    for card_id, state in states.items():
        values = state.to_row()
        card = settings.get(card_id)
        if card is not None and card.off:
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

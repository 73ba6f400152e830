"""Take the union of a log into the store and replay what it changed.

The rules, the same whichever side a merge starts from (so merging A into B and B into A agree,
and merging twice changes nothing):

- reviews, undo markers, events and parameter events are kept by id; an id already present is
  left alone (an id is never reused for different content, and parameter events are immutable);
- an undo marker whose review has not arrived yet waits (it is read again next time);
- a quiz keeps the first finish time and score any side recorded;
- a card the store does not know gets a retired stand-in (the other store's copy of the card
  when there is one) so its history is kept; a sync of its deck brings it to life;
- every card whose log gained a review or an undo is replayed through FSRS, so its schedule is
  exactly what replaying the union from scratch gives; cards whose new reviews all come after
  their last known one are replayed forward from their current schedule, which is the same;
- each review is replayed with the settings in force at its time (the latest parameter event at
  or before it, :func:`quizapp.fitting.events.settings_at`), so a parameter event that arrives
  replays every card of the decks it covers from scratch: its reviews since the event's time
  were scheduled here without it;
- suspension and bury follow :func:`quizapp.events.apply_card_events`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from quizapp import events as card_events
from quizapp.clock import parse_iso
from quizapp.doctor import insert_placeholder_card
from quizapp.fitting.events import covers
from quizapp.merge.log import (
    EVENT_COLUMNS,
    PARAMETER_COLUMNS,
    QUIZ_COLUMNS,
    REVIEW_COLUMNS,
    Log,
    parameter_problem,
)
from quizapp.replay import forward, replayed_states, save_states, settings_lookups
from quizapp.schedule import CardState
from quizapp.store import CARD_COLUMNS, Store


@dataclass
class MergeReport:
    """What a merge brought in."""

    reviews: int = 0
    undos: int = 0
    events: int = 0
    quizzes: int = 0
    parameters: int = 0  # parameter events (adopted fits, chosen retentions)
    cards: int = 0
    replayed: int = 0
    waiting: int = 0  # undo markers whose review has not arrived
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.reviews
            or self.undos
            or self.events
            or self.quizzes
            or self.parameters
            or self.cards
        )

    def summary(self) -> str:
        parts = [
            f"{self.reviews} review(s)",
            f"{self.undos} undo(s)",
            f"{self.events} other event(s)",
        ]
        if self.parameters:
            parts.append(f"{self.parameters} parameter event(s)")
        text = ", ".join(parts) + f" new; {self.replayed} card schedule(s) replayed"
        if self.cards:
            text += f"; {self.cards} card(s) not in your decks kept retired with their history"
        if self.waiting:
            text += f"; {self.waiting} undo(s) wait for their review"
        return text


def _key(at: str, review_id: str) -> str:
    """Replay order as one string: timestamps are fixed-width, so this sorts as (at, id)."""
    return f"{at}|{review_id}"


def absorb(
    store: Store, log: Log, *, before_write: Callable[[], None] | None = None
) -> MergeReport:
    """Merge ``log`` into ``store`` in one transaction; ``before_write`` runs only if it changes
    anything (the caller's backup), before the first write."""
    report = MergeReport()
    conn = store.conn
    if before_write is not None and any(_news(store, log, MergeReport())):
        # The backup API cannot read a store this connection holds a write lock on, so the
        # backup comes first; the transaction below looks again in case another process wrote.
        before_write()
    # A merge inserts tens of thousands of rows at random places in the id index: a page cache
    # that holds the indexes (64 MB at most, for this call only) saves a third of that time.
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute("PRAGMA cache_size = -65536")
    try:
        return _absorb(store, log, report)
    finally:
        conn.execute(f"PRAGMA cache_size = {int(cache)}")


def _absorb(store: Store, log: Log, report: MergeReport) -> MergeReport:
    conn = store.conn
    with store.transaction():
        new_reviews, new_undos, new_events, quizzes, new_parameters = _news(store, log, report)
        if not (new_reviews or new_undos or new_events or quizzes or new_parameters):
            return report
        known_reviews = {r[0]: r[1] for r in conn.execute("SELECT id, card_id FROM reviews")}

        for row in quizzes:
            conn.execute(
                f"INSERT INTO quizzes ({', '.join(QUIZ_COLUMNS)}) VALUES "
                f"({', '.join(':' + c for c in QUIZ_COLUMNS)}) ON CONFLICT (id) DO UPDATE SET "
                "finished_at = COALESCE(finished_at, excluded.finished_at), "
                "score = COALESCE(score, excluded.score)",
                row,
            )
        report.quizzes = len(quizzes)
        report.cards = _stand_ins(store, log, new_reviews.values())

        # Which cards can be replayed forward: their new reviews all follow their known ones.
        touched = {r["card_id"] for r in new_reviews.values() if r["mode"] == "review"}
        undone_cards = {
            new_reviews[rid]["card_id"] if rid in new_reviews else known_reviews[rid]
            for rid in new_undos
        }
        last_known = _last_reviewed(store, touched - undone_cards)

        conn.executemany(
            f"INSERT INTO reviews ({', '.join(REVIEW_COLUMNS)}) VALUES "
            f"({', '.join('?' * len(REVIEW_COLUMNS))})",
            [tuple(r.get(c) for c in REVIEW_COLUMNS) for r in new_reviews.values()],
        )
        conn.executemany(
            "INSERT INTO undos (review_id, undone_at) VALUES (:review_id, :undone_at)",
            list(new_undos.values()),
        )
        conn.executemany(
            f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES "
            f"({', '.join(':' + c for c in EVENT_COLUMNS)})",
            [_event_row(e) for e in new_events.values()],
        )
        conn.executemany(
            f"INSERT OR IGNORE INTO parameter_events ({', '.join(PARAMETER_COLUMNS)}) VALUES "
            f"({', '.join(':' + c for c in PARAMETER_COLUMNS)})",
            list(new_parameters.values()),
        )
        report.reviews, report.undos, report.events, report.parameters = (
            len(new_reviews),
            len(new_undos),
            len(new_events),
            len(new_parameters),
        )
        # A new parameter event changes the settings of every review after it on the decks it
        # covers: those cards are replayed from scratch (never forward from a stale schedule).
        rescheduled = _covered(store, new_parameters.values())
        report.replayed = _replay(
            store, touched, undone_cards | rescheduled, new_reviews, last_known
        )
        card_events.apply_card_events(
            store, sorted({e["card_id"] for e in new_events.values() if e["card_id"]})
        )
    return report


def _news(store: Store, log: Log, report: MergeReport) -> tuple[dict, dict, dict, list, dict]:
    """What ``log`` has that the store lacks: reviews, undos, events (by id), quizzes and
    parameter events (by id; one that fsrs could not use is left out with a warning)."""
    conn = store.conn
    known_reviews = {r[0] for r in conn.execute("SELECT id FROM reviews")}
    new_reviews: dict[str, dict] = {}
    for row in log.reviews:
        if row["id"] not in known_reviews and row["id"] not in new_reviews:
            new_reviews[row["id"]] = row
    known_undos = {r[0] for r in conn.execute("SELECT review_id FROM undos")}
    new_undos: dict[str, dict] = {}
    for row in log.undos:
        rid = row["review_id"]
        if rid in known_undos or rid in new_undos:
            continue
        if rid in known_reviews or rid in new_reviews:
            new_undos[rid] = row
        else:
            report.waiting += 1
    known_events = {r[0] for r in conn.execute("SELECT id FROM events")}
    new_events = {e["id"]: e for e in log.events if e["id"] not in known_events}
    known_parameters = {r[0] for r in conn.execute("SELECT id FROM parameter_events")}
    new_parameters: dict[str, dict] = {}
    for row in log.parameters:
        if row.get("id") in known_parameters or row.get("id") in new_parameters:
            continue
        if problem := parameter_problem(row):
            report.warnings.append(f"parameter event {row.get('id')}: {problem}; not merged")
            continue
        new_parameters[row["id"]] = {c: row.get(c) for c in PARAMETER_COLUMNS}
    return new_reviews, new_undos, new_events, _quiz_changes(store, log), new_parameters


def _covered(store: Store, parameters) -> set[str]:
    """The cards whose deck one of these parameter events covers."""
    decks = {row["deck"] for row in parameters}
    if not decks:
        return set()
    return {
        card_id
        for card_id, deck in store.conn.execute("SELECT card_id, deck FROM schedule")
        if any(covers(event_deck, deck) for event_deck in decks)
    }


def _event_row(event: dict) -> dict:
    row = {c: event.get(c) for c in EVENT_COLUMNS}
    if not isinstance(row["payload"], str):
        row["payload"] = json.dumps(row["payload"] or {}, sort_keys=True)
    return row


def _quiz_changes(store: Store, log: Log) -> list[dict]:
    """Quizzes that are new, or whose finish this store has not recorded yet."""
    if not log.quizzes:
        return []
    have = {
        r[0]: r[1] for r in store.conn.execute("SELECT id, finished_at IS NOT NULL FROM quizzes")
    }
    out: dict[str, dict] = {}
    for row in log.quizzes:
        finished = row.get("finished_at") is not None
        news = row["id"] not in have or (finished and not have[row["id"]])
        if news and (row["id"] not in out or finished):
            out[row["id"]] = {c: row.get(c) for c in QUIZ_COLUMNS}
    return list(out.values())


def _stand_ins(store: Store, log: Log, reviews) -> int:
    """Retired cards for reviews of cards this store lacks; return how many were added."""
    wanted = {r["card_id"] for r in reviews}
    if not wanted:
        return 0
    present = set()
    ids = sorted(wanted)
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        marks = ",".join("?" * len(batch))
        present |= {
            r[0] for r in store.conn.execute(f"SELECT id FROM cards WHERE id IN ({marks})", batch)
        }
    missing = [cid for cid in ids if cid not in present]
    first_seen: dict[str, str] = {}
    for r in reviews:
        if r["card_id"] in missing:
            at = first_seen.get(r["card_id"])
            first_seen[r["card_id"]] = min(at, r["reviewed_at"]) if at else r["reviewed_at"]
    for card_id in missing:
        card = log.cards.get(card_id)
        deck = (card or {}).get("deck") or log.decks.get(card_id) or "unknown"
        if card is None:
            insert_placeholder_card(store, card_id, deck, first_seen[card_id])
            continue
        row = {c: card.get(c) for c in CARD_COLUMNS if card.get(c) is not None}
        row.update(retired=1, suspended=0)
        names = ", ".join(row)
        store.conn.execute(
            f"INSERT INTO cards ({names}) VALUES ({', '.join(':' + c for c in row)})", row
        )
        insert_placeholder_card(store, card_id, deck, first_seen[card_id])  # its schedule row
    return len(missing)


def _last_reviewed(store: Store, card_ids: set[str]) -> dict[str, str | None]:
    """Each card's last live review time, from its schedule (which replay keeps equal to it)."""
    out: dict[str, str | None] = {}
    ids = sorted(card_ids)
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        marks = ",".join("?" * len(batch))
        for card_id, last in store.conn.execute(
            f"SELECT card_id, last_review FROM schedule WHERE card_id IN ({marks})", batch
        ):
            out[card_id] = last
    return out


def _replay(
    store: Store,
    touched: set[str],
    undone: set[str],
    new_reviews: dict[str, dict],
    last_known: dict[str, str | None],
) -> int:
    """Bring each touched card's schedule to what its merged log gives; return how many.

    A card whose new reviews all come strictly after its last live one (and that lost none to
    an undo) is replayed forward from its stored schedule; every other card from scratch.
    """
    incoming: dict[str, list[dict]] = {}
    for row in new_reviews.values():
        if row["mode"] == "review":
            incoming.setdefault(row["card_id"], []).append(row)
    for rows in incoming.values():
        rows.sort(key=lambda r: _key(r["reviewed_at"], r["id"]))
    ahead, full = [], []
    for card_id in touched | undone:
        rows = incoming.get(card_id)
        if card_id in undone or not rows or card_id not in last_known:
            full.append(card_id)
        elif last_known[card_id] is None or rows[0]["reviewed_at"] > last_known[card_id]:
            ahead.append(card_id)
        else:
            full.append(card_id)
    states = replayed_states(store, full) if full else {}
    if ahead:
        current = _current(store, ahead)
        lookups = settings_lookups(store, ahead)
        for card_id in ahead:
            states[card_id] = forward(
                current[card_id],
                [(r["id"], parse_iso(r["reviewed_at"]), r["rating"]) for r in incoming[card_id]],
                lookups[card_id],
            )
    save_states(store, states)
    return len(states)


def _current(store: Store, card_ids: list[str]) -> dict[str, CardState]:
    out = {}
    for start in range(0, len(card_ids), 500):
        batch = card_ids[start : start + 500]
        marks = ",".join("?" * len(batch))
        for row in store.conn.execute(f"SELECT * FROM schedule WHERE card_id IN ({marks})", batch):
            out[row["card_id"]] = CardState.from_row(row)
    return out

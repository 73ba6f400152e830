"""A review session's operations on the store: what is due, answering, undo, bury, counts.

Each function takes the store and ``now`` and does its work in one transaction, so an answer is
durable before the caller shows the next card and two terminals never interleave half-writes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from quizapp import events
from quizapp.cards import Card, CardType, Choice, Misconception
from quizapp.clock import day_start, iso, parse_iso, utc_now
from quizapp.fitting import events as parameter_events
from quizapp.schedule import RATINGS, CardState, Settings, apply_rating, new_review_id, replay
from quizapp.store import QUEUE_LEARNING, QUEUE_NEW, QUEUE_OFF, QUEUE_REVIEW, Store
from quizapp.terminal_text import printable

LEARN_AHEAD = timedelta(minutes=20)  # like Anki: finish short learning steps instead of idling
MODES = ("review", "quiz", "cram")
SCHEDULING_MODES = ("review",)  # quiz and cram answers are logged but never move the schedule


@dataclass(frozen=True)
class Answered:
    """The outcome of one answer: its review id (for undo) and the schedule before and after."""

    review_id: str
    card_id: str
    rating: int
    before: CardState
    after: CardState


@dataclass(frozen=True)
class DeckCounts:
    """What a deck has for today: cards in learning, reviews due and new cards still allowed."""

    deck: str
    learning: int
    due: int
    new: int
    total: int

    @property
    def today(self) -> int:
        return self.learning + self.due + self.new


def card_from_row(row: object) -> Card:
    """Rebuild a :class:`Card` from its ``cards`` row, its text made safe for a terminal.

    Every card either UI shows comes through here, so this is where deck text from strangers
    loses escape sequences and control characters (:func:`~quizapp.terminal_text.printable`).
    """
    get = row.__getitem__  # type: ignore[attr-defined]
    safe = printable
    return Card(
        id=get("id"),
        note_id=get("note_id"),
        deck=safe(get("deck")),
        type=CardType(get("type")),
        prompt=safe(get("prompt")),
        answer=safe(get("answer")),
        source=get("source"),
        line=get("line"),
        key_points=tuple(safe(k) for k in json.loads(get("key_points"))),
        misconceptions=tuple(
            Misconception(safe(claim), safe(fix))
            for claim, fix in json.loads(get("misconceptions"))
        ),
        choices=tuple(
            Choice(safe(text), bool(correct)) for text, correct in json.loads(get("choices"))
        ),
        cloze=get("cloze"),
        expected=tuple(json.loads(get("expected"))),
        tags=tuple(safe(t) for t in json.loads(get("tags"))),
        prove=get("prove"),
        synonyms={k: tuple(v) for k, v in json.loads(get("synonyms")).items()},
        content_hash=get("content_hash"),
    )


def get_card(store: Store, card_id: str) -> Card:
    row = store.conn.execute("SELECT * FROM cards WHERE id = ?", (card_id,)).fetchone()
    if row is None:
        raise KeyError(card_id)
    return card_from_row(row)


def get_state(store: Store, card_id: str) -> CardState:
    row = store.conn.execute("SELECT * FROM schedule WHERE card_id = ?", (card_id,)).fetchone()
    if row is None:
        raise KeyError(card_id)
    return CardState.from_row(row)


def retention_of(store: Store, deck: str, now: datetime | None = None) -> float:
    """The deck's desired retention at ``now`` (a retention event overrides the markdown's)."""
    if now is not None:
        return settings_of(store, deck, now).retention
    row = store.conn.execute("SELECT retention FROM decks WHERE name = ?", (deck,)).fetchone()
    return float(row[0]) if row else 0.9


def settings_of(
    store: Store,
    deck: str,
    moment: datetime,
    events: list[parameter_events.ParameterEvent] | None = None,
) -> Settings:
    """The retention and FSRS parameters that schedule a review of ``deck`` at ``moment``."""
    return _settings_lookup(store, deck, events)(moment)


def _settings_lookup(
    store: Store, deck: str, events: list[parameter_events.ParameterEvent] | None = None
):
    row = store.conn.execute("SELECT retention FROM decks WHERE name = ?", (deck,)).fetchone()
    base = float(row[0]) if row else 0.9
    if events is None:
        events = parameter_events.load(store)
    return parameter_events.settings_at(events, deck, base)


def deck_clause(deck: str | None) -> tuple[str, list[object]]:
    """Filter on a deck and the decks nested under it (``ml`` covers ``ml/basics``)."""
    if deck is None:
        return "", []
    return " AND (deck = ? OR deck LIKE ? ESCAPE '\\')", [deck, _like_prefix(deck)]


def in_deck(name: str, deck: str | None) -> bool:
    """Whether deck ``name`` is ``deck`` or nested under it; every deck is in ``None``."""
    return deck is None or name == deck or name.startswith(deck + "/")


def _like_prefix(deck: str) -> str:
    return deck.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/%"


def next_card(
    store: Store,
    now: datetime,
    *,
    deck: str | None = None,
    exclude: Collection[str] = (),
) -> str | None:
    """The id of the card to show next, or ``None`` when the day's work is done.

    Order: learning and relearning cards that are due, then due reviews, then new cards within
    each deck's daily limit, then learning cards due within the next 20 minutes.
    """
    stamp = iso(now)
    deck_sql, deck_args = deck_clause(deck)
    skip_sql = ""
    skip_args: list[object] = list(exclude)
    if exclude:
        skip_sql = f" AND card_id NOT IN ({','.join('?' * len(exclude))})"
    buried = " AND (buried_until IS NULL OR buried_until <= ?)"

    def first_due(queue: int, until: str) -> str | None:
        row = store.conn.execute(
            f"SELECT card_id FROM schedule WHERE queue = ? AND due <= ?{buried}{deck_sql}"
            f"{skip_sql} ORDER BY due LIMIT 1",
            [queue, until, stamp, *deck_args, *skip_args],
        ).fetchone()
        return row[0] if row else None

    for queue in (QUEUE_LEARNING, QUEUE_REVIEW):
        if found := first_due(queue, stamp):
            return found
    best: tuple[int, str] | None = None
    for name, allowed in new_allowance(store, now).items():
        if allowed <= 0 or not in_deck(name, deck):
            continue
        row = store.conn.execute(
            f"SELECT position, card_id FROM schedule WHERE queue = ? AND deck = ?{buried}"
            f"{skip_sql} ORDER BY position LIMIT 1",
            [QUEUE_NEW, name, stamp, *skip_args],
        ).fetchone()
        if row and (best is None or row[0] < best[0]):
            best = (row[0], row[1])
    if best:
        return best[1]
    return first_due(QUEUE_LEARNING, iso(now + LEARN_AHEAD))


def new_allowance(store: Store, now: datetime) -> dict[str, int]:
    """How many new cards each deck may still introduce today."""
    start = iso(day_start(now))
    # Only up to ``now``: cards introduced while the clock ran ahead do not use up today.
    introduced = dict(
        store.conn.execute(
            "SELECT deck, COUNT(*) FROM schedule WHERE introduced_at >= ? AND introduced_at <= ?"
            " GROUP BY deck",
            (start, iso(now)),
        ).fetchall()
    )
    return {
        name: max(limit - introduced.get(name, 0), 0)
        for name, limit in store.conn.execute("SELECT name, new_per_day FROM decks")
    }


def answer(
    store: Store,
    card_id: str,
    rating: int,
    now: datetime,
    *,
    typed: str = "",
    score: float | None = None,
    duration_ms: int | None = None,
    mode: str = "review",
    quiz_id: str | None = None,
    review_id: str | None = None,
    grading: Mapping[str, object] | None = None,
    confidence: int | None = None,
) -> Answered:
    """Record an answer and, in review mode, reschedule the card: one transaction, then return.

    Quiz answers (``mode='quiz'``) and cram answers (``mode='cram'``, from ``quizapp drill``)
    are logged but leave the schedule alone: a mock interview or a last-minute drill should not
    bend the spacing the daily review relies on. ``confidence`` (1 unsure, 2 fairly sure,
    3 sure) is what the user said before the answer was revealed, if anything.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    if rating not in RATINGS:
        raise ValueError(f"rating must be 1-4, not {rating!r}")
    if confidence is not None and confidence not in (1, 2, 3):
        raise ValueError(f"confidence must be 1-3 or None, not {confidence!r}")
    review_id = review_id or new_review_id()
    with store.transaction() as conn:
        row = conn.execute("SELECT * FROM schedule WHERE card_id = ?", (card_id,)).fetchone()
        if row is None:
            raise KeyError(card_id)
        before = CardState.from_row(row)
        after = before
        conn.execute(
            "INSERT INTO reviews (id, card_id, reviewed_at, rating, answer, score, duration_ms,"
            " mode, quiz_id, grading, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                review_id,
                card_id,
                iso(now),
                rating,
                typed,
                score,
                duration_ms,
                mode,
                quiz_id,
                None if grading is None else json.dumps(grading, ensure_ascii=False),
                confidence,
            ),
        )
        if mode in SCHEDULING_MODES:
            latest = conn.execute(
                "SELECT reviewed_at, id FROM reviews WHERE card_id = ? AND mode = 'review' "
                "AND id != ? AND id NOT IN (SELECT review_id FROM undos) "
                "ORDER BY reviewed_at DESC, id DESC LIMIT 1",
                (card_id, review_id),
            ).fetchone()
            if latest is None or (latest[0], latest[1]) < (iso(now), review_id):
                settings = settings_of(store, row["deck"], now)
                after = apply_rating(
                    before, rating, now, review_id, settings.retention, settings.parameters
                )
                _save_state(store, card_id, after)
            else:
                # The clock went backwards (or two answers share a timestamp): replay in log
                # order so the schedule stays exactly what a rebuild would give.
                after = _replayed(store, card_id)
    return Answered(review_id, card_id, rating, before, after)


def _queue(state: CardState, *, off: bool) -> int:
    """The one rule for a card's queue: off while retired or suspended, else its state's."""
    return QUEUE_OFF if off else state.queue


def _save_state(store: Store, card_id: str, state: CardState) -> None:
    """Write a card's new schedule; a retired or suspended card stays off the queues."""
    off = store.conn.execute(
        "SELECT retired OR suspended FROM cards WHERE id = ?", (card_id,)
    ).fetchone()
    values = state.to_row()
    values["queue"] = _queue(state, off=bool(off and off[0]))
    sets = ", ".join(f"{k} = :{k}" for k in values)
    store.conn.execute(
        f"UPDATE schedule SET {sets} WHERE card_id = :card_id", {**values, "card_id": card_id}
    )


def _live_reviews(store: Store, card_id: str) -> list[tuple[str, datetime, int]]:
    rows = store.conn.execute(
        "SELECT id, reviewed_at, rating FROM reviews WHERE card_id = ? AND mode = 'review' "
        "AND id NOT IN (SELECT review_id FROM undos) ORDER BY reviewed_at, id",
        (card_id,),
    )
    return [(r[0], parse_iso(r[1]), r[2]) for r in rows]


def undo(store: Store, review_id: str, now: datetime) -> CardState:
    """Take an answer back: mark it undone and replay the card's remaining reviews.

    Nothing is deleted, so the log stays append-only and mergeable; the schedule comes back
    exactly because it is a pure function of the log.
    """
    with store.transaction() as conn:
        row = conn.execute("SELECT card_id FROM reviews WHERE id = ?", (review_id,)).fetchone()
        if row is None:
            raise KeyError(review_id)
        card_id = row[0]
        conn.execute(
            "INSERT OR IGNORE INTO undos (review_id, undone_at) VALUES (?, ?)",
            (review_id, iso(now)),
        )
        state = _replayed(store, card_id)
    return state


def _replayed(
    store: Store, card_id: str, events: list[parameter_events.ParameterEvent] | None = None
) -> CardState:
    """Recompute and save one card's schedule from its live reviews (inside a transaction).

    Each review is replayed with the parameters and retention in force at its time.
    """
    deck = store.conn.execute("SELECT deck FROM schedule WHERE card_id = ?", (card_id,)).fetchone()[
        0
    ]
    lookup = _settings_lookup(store, deck, events)
    state = replay(_live_reviews(store, card_id), settings_at=lookup)
    _save_state(store, card_id, state)
    return state


def replay_cards(store: Store, card_ids: Collection[str]) -> int:
    """Recompute the schedules of ``card_ids`` from their reviews (after an import added some).

    The rebuild's own replay (:mod:`quizapp.replay`: each review with the settings in force at
    its time, read and written in bulk, since an import of ten thousand cards cannot afford
    queries per card). The caller holds the transaction, so the reviews and the schedules they
    imply land together.
    """
    from quizapp.replay import replayed_states, save_states

    if not card_ids:
        return 0
    states = replayed_states(store, card_ids)
    save_states(store, states)
    return len(states)


#: A rebuild commits after this long, so no other quizapp waits on its lock for more than that,
#: and then leaves the lock free for a little longer than SQLite's busy handler sleeps between
#: tries (100 ms): without the pause, a waiting writer almost never hits the microsecond gap
#: between two batches and starves (bench_rebuild_lock measured 31 s waits).
REBUILD_BATCH_SECONDS = 0.75
REBUILD_PAUSE_SECONDS = 0.12


def rebuild(
    store: Store,
    *,
    batch_seconds: float = REBUILD_BATCH_SECONDS,
    pause_seconds: float = REBUILD_PAUSE_SECONDS,
) -> int:
    """Recompute every card's schedule from the review log; return how many cards were replayed.

    The store must pass SQLite's full ``integrity_check`` first: a damaged index can hide a
    card's reviews, and replaying nothing would reset what was learned (raises
    :class:`~quizapp.store.StoreDamaged`, nothing written). The replay commits in batches of
    about ``batch_seconds`` so answers from another terminal get in between; each card is
    replayed from the log as it stands when its batch runs, so an answer given meanwhile is
    included either way. Between batches the lock is left free for ``pause_seconds``.

    Parameter events are part of the log: each review is replayed with the settings of its time.
    """
    store.verify(full=True)
    events = parameter_events.load(store)
    ids = [r[0] for r in store.conn.execute("SELECT card_id FROM schedule ORDER BY card_id")]
    done = 0
    while done < len(ids):
        if done:
            time.sleep(pause_seconds)
        with store.transaction():
            started = time.monotonic()
            while done < len(ids):
                _replayed(store, ids[done], events)
                done += 1
                if time.monotonic() - started >= batch_seconds:
                    break
    return len(ids)


def bury(store: Store, card_id: str, now: datetime) -> None:
    """Hide a card until the next study day starts."""
    until = day_start(now) + timedelta(days=1)
    with store.transaction() as conn:
        conn.execute(
            "UPDATE schedule SET buried_until = ? WHERE card_id = ?", (iso(until), card_id)
        )
        events.record(store, events.BURY, card_id, now, {"until": iso(until)})


def set_suspended(store: Store, card_id: str, suspended: bool, now: datetime | None = None) -> None:
    """Suspend (take off every queue) or restore a card; its history is untouched.

    The change is logged as an event so a merge with another machine carries it; ``now``
    defaults to the clock because the UIs that call this have no other use for it.
    """
    with store.transaction():
        set_active(store, card_id, suspended=suspended)
        kind = events.SUSPEND if suspended else events.UNSUSPEND
        events.record(store, kind, card_id, now or utc_now())


def set_active(
    store: Store, card_id: str, *, retired: bool | None = None, suspended: bool | None = None
) -> None:
    """Change a card's retired/suspended flags and move it on or off the queues accordingly.

    Sync retires and revives through this, the UIs suspend through it; the caller holds the
    transaction.
    """
    conn = store.conn
    if retired is not None:
        conn.execute("UPDATE cards SET retired = ? WHERE id = ?", (int(retired), card_id))
    if suspended is not None:
        conn.execute("UPDATE cards SET suspended = ? WHERE id = ?", (int(suspended), card_id))
    row = conn.execute(
        "SELECT c.retired, c.suspended, s.* FROM cards c JOIN schedule s ON s.card_id = c.id "
        "WHERE c.id = ?",
        (card_id,),
    ).fetchone()
    if row is None:
        return
    queue = _queue(CardState.from_row(row), off=bool(row["retired"] or row["suspended"]))
    conn.execute("UPDATE schedule SET queue = ? WHERE card_id = ?", (queue, card_id))


def has_cards(store: Store) -> bool:
    """Whether any card was ever synced into the store (a fresh store has none)."""
    return store.conn.execute("SELECT 1 FROM cards LIMIT 1").fetchone() is not None


def deck_counts(store: Store, now: datetime) -> list[DeckCounts]:
    """Per deck: learning cards due within the learn-ahead window, reviews due now, new cards
    left for today, and live cards. The counts match what :func:`next_card` will serve; a buried
    card is not today's work but still one of the deck's cards (as Browse and stats count it)."""
    stamp = iso(now)
    ahead = iso(now + LEARN_AHEAD)  # as next_card: learning steps due soon count as today's work
    allowance = new_allowance(store, now)
    awake = "(buried_until IS NULL OR buried_until <= ?)"
    rows = store.conn.execute(
        "SELECT deck,"
        f" SUM(queue = ? AND due <= ? AND {awake}) AS learning,"
        f" SUM(queue = ? AND due <= ? AND {awake}) AS due,"
        f" SUM(queue = ? AND {awake}) AS new,"
        " SUM(queue != ?) AS total"
        " FROM schedule GROUP BY deck ORDER BY deck",
        (QUEUE_LEARNING, ahead, stamp, QUEUE_REVIEW, stamp, stamp, QUEUE_NEW, stamp, QUEUE_OFF),
    ).fetchall()
    return [
        DeckCounts(
            deck=r["deck"],
            learning=r["learning"] or 0,
            due=r["due"] or 0,
            new=min(r["new"] or 0, allowance.get(r["deck"], 0)),
            total=r["total"] or 0,
        )
        for r in rows
        if r["total"]
    ]


def history(store: Store, card_id: str) -> list[dict[str, object]]:
    """A card's reviews, oldest first, with whether each was undone."""
    rows = store.conn.execute(
        "SELECT r.*, (u.review_id IS NOT NULL) AS undone FROM reviews r "
        "LEFT JOIN undos u ON u.review_id = r.id WHERE r.card_id = ? ORDER BY reviewed_at, id",
        (card_id,),
    )
    return [dict(r) for r in rows]

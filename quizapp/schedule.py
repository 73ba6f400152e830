"""Scheduling through py-fsrs (FSRS-6), made replayable.

quizapp never computes intervals itself: every step goes through ``fsrs.Scheduler.review_card``.
What this module adds is determinism. fsrs "fuzzes" long intervals with ``random.random()``, so
replaying the same review log would give different due dates. Here the fuzz is derived from the
review's UUID instead, which makes the schedule a pure function of the review log: ``rebuild``
reproduces it exactly, and two machines replaying a merged log agree.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import fsrs
import fsrs.scheduler as fsrs_scheduler

from quizapp.clock import iso, parse_iso
from quizapp.store import QUEUE_LEARNING, QUEUE_NEW, QUEUE_REVIEW

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}

_fuzz_lock = threading.Lock()


@dataclass(frozen=True)
class CardState:
    """A card's schedule as stored in the ``schedule`` table (fsrs's Card plus our counters)."""

    state: int = fsrs.State.Learning.value
    step: int | None = 0
    stability: float | None = None
    difficulty: float | None = None
    due: datetime = EPOCH
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0
    introduced_at: datetime | None = None

    @property
    def is_new(self) -> bool:
        return self.reps == 0

    @property
    def queue(self) -> int:
        if self.reps == 0:
            return QUEUE_NEW
        if self.state == fsrs.State.Review.value:
            return QUEUE_REVIEW
        return QUEUE_LEARNING

    def to_fsrs(self) -> fsrs.Card:
        return fsrs.Card(
            card_id=0,
            state=fsrs.State(self.state),
            step=self.step,
            stability=self.stability,
            difficulty=self.difficulty,
            due=self.due,
            last_review=self.last_review,
        )

    def to_row(self) -> dict[str, object]:
        return {
            "state": self.state,
            "step": self.step,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "due": iso(self.due),
            "last_review": iso(self.last_review) if self.last_review else None,
            "reps": self.reps,
            "lapses": self.lapses,
            "introduced_at": iso(self.introduced_at) if self.introduced_at else None,
            "queue": self.queue,
        }

    @classmethod
    def from_row(cls, row: dict[str, object] | object) -> CardState:
        get = row.__getitem__  # works for dicts and sqlite3.Row
        return cls(
            state=get("state"),
            step=get("step"),
            stability=get("stability"),
            difficulty=get("difficulty"),
            due=parse_iso(get("due")),
            last_review=parse_iso(get("last_review")) if get("last_review") else None,
            reps=get("reps"),
            lapses=get("lapses"),
            introduced_at=parse_iso(get("introduced_at")) if get("introduced_at") else None,
        )


class _ReplayableScheduler(fsrs.Scheduler):
    """fsrs's scheduler with the interval fuzz drawn from a value we choose, not from ``random``."""

    fuzz_value: float = 0.5

    def _get_fuzzed_interval(self, *, interval: timedelta) -> timedelta:
        # fsrs reads ``random()`` from its module namespace; swap it for the duration of this call.
        # The lock keeps two threads from seeing each other's value.
        original = fsrs_scheduler.random
        fsrs_scheduler.random = lambda: self.fuzz_value
        try:
            return super()._get_fuzzed_interval(interval=interval)
        finally:
            fsrs_scheduler.random = original


Parameters = tuple[float, ...]  # an FSRS-6 weight vector (21 numbers); None means fsrs's defaults


@lru_cache(maxsize=32)
def scheduler_for(retention: float, parameters: Parameters | None = None) -> _ReplayableScheduler:
    """One scheduler per desired retention and parameter set (decks may differ), built once."""
    if parameters is None:
        return _ReplayableScheduler(desired_retention=retention, enable_fuzzing=True)
    return _ReplayableScheduler(
        parameters=parameters, desired_retention=retention, enable_fuzzing=True
    )


@dataclass(frozen=True)
class Settings:
    """What schedules one review: the desired retention and the FSRS parameters (None: default)."""

    retention: float = 0.9
    parameters: Parameters | None = None


def fuzz_for(review_id: str) -> float:
    """A number in [0, 1) fixed by the review's id: the same review always fuzzes the same way.

    Hashed rather than read off the UUID's bits so that ids differing only in a few bits (time
    ordered ones, say) still spread evenly.
    """
    digest = hashlib.sha256(review_id.encode("ascii")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def new_review_id() -> str:
    return str(uuid.uuid4())


def apply_rating(
    current: CardState,
    rating: int,
    now: datetime,
    review_id: str,
    retention: float,
    parameters: Parameters | None = None,
) -> CardState:
    """The state after answering ``rating`` at ``now``: fsrs decides, we only keep counters."""
    if rating not in RATINGS:
        raise ValueError(f"rating must be 1-4, not {rating!r}")
    scheduler = scheduler_for(retention, parameters)
    with _fuzz_lock:
        scheduler.fuzz_value = fuzz_for(review_id)
        card, _log = scheduler.review_card(current.to_fsrs(), fsrs.Rating(rating), now)
    lapsed = current.state == fsrs.State.Review.value and rating == 1
    return replace(
        current,
        state=card.state.value,
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
        reps=current.reps + 1,
        lapses=current.lapses + (1 if lapsed else 0),
        introduced_at=current.introduced_at or now,
    )


class _CopyableCard(fsrs.Card):
    """An fsrs card that copies itself field by field.

    ``review_card`` starts with ``copy(card)``; through the generic copy protocol that is a
    sixth of a replay's time. The copy is the same either way, and it keeps this class, so a
    replay pays for the faster copy once.
    """

    @classmethod
    def of(cls, card: fsrs.Card) -> _CopyableCard:
        new = object.__new__(cls)
        new.__dict__.update(card.__dict__)
        return new

    def __copy__(self) -> _CopyableCard:
        return _CopyableCard.of(self)


def replay(
    reviews: Iterable[tuple[str, datetime, int]],
    retention: float = 0.9,
    settings_at: Callable[[datetime], Settings] | None = None,
) -> CardState:
    """Rebuild a card's state from its reviews ``(review_id, reviewed_at, rating)`` in order.

    The same steps as :func:`apply_rating` in a loop, but the fsrs card is carried from one
    review to the next instead of being rebuilt from a :class:`CardState` each time: a merge
    replays hundreds of thousands of reviews, and that conversion was a third of the cost.
    ``settings_at`` gives the retention and parameters in force at each review's time (fitted
    parameters are events in the log); without it every review uses ``retention`` and defaults.
    """
    card = _CopyableCard.of(CardState().to_fsrs())
    reps = lapses = 0
    introduced: datetime | None = None
    in_force: tuple[float, Parameters | None] | None = None
    scheduler = scheduler_for(retention)
    with _fuzz_lock:
        for review_id, reviewed_at, rating in reviews:
            if rating not in RATINGS:
                raise ValueError(f"rating must be 1-4, not {rating!r}")
            settings = settings_at(reviewed_at) if settings_at else Settings(retention)
            if (settings.retention, settings.parameters) != in_force:
                in_force = (settings.retention, settings.parameters)
                scheduler = scheduler_for(*in_force)
            lapses += card.state == fsrs.State.Review and rating == 1
            scheduler.fuzz_value = fuzz_for(review_id)
            card, _log = scheduler.review_card(card, fsrs.Rating(rating), reviewed_at)
            reps += 1
            introduced = introduced or reviewed_at
    if reps == 0:
        return CardState()
    return CardState(
        state=card.state.value,
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
        reps=reps,
        lapses=lapses,
        introduced_at=introduced,
    )


def preview_intervals(
    current: CardState, now: datetime, retention: float, parameters: Parameters | None = None
) -> dict[int, timedelta]:
    """What each rating would schedule next, for the 1-4 buttons (fuzz left at the middle)."""
    scheduler = scheduler_for(retention, parameters)
    out = {}
    with _fuzz_lock:
        scheduler.fuzz_value = 0.5
        for rating in RATINGS:
            card, _ = scheduler.review_card(current.to_fsrs(), fsrs.Rating(rating), now)
            out[rating] = card.due - now
    return out


def format_interval(delta: timedelta) -> str:
    """Compact human interval as on Anki's buttons: 1m, 10m, 3h, 4d, 2.1mo, 1.3y.

    The one formatter of intervals: the rating buttons, the confirmation after a rating and the
    next-due lines all use it. The unit is chosen after rounding, so 59.6 minutes reads "1h"
    and 23.7 hours "1d", never "60m" or "24h".
    """
    seconds = max(delta.total_seconds(), 0)
    minutes = max(_half_up(seconds / 60), 1)
    if minutes < 60:
        return f"{minutes}m"
    hours = _half_up(seconds / 3600)
    if hours < 24:
        return f"{hours}h"
    days = seconds / 86400
    if _half_up(days) < 30:
        return f"{_half_up(days)}d"
    if round(days / 30, 1) < 12:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"


def _half_up(value: float) -> int:
    """Round .5 up (Python's round() goes to even: 2.5 minutes would read 2m, 3.5 minutes 4m)."""
    return int(value + 0.5)

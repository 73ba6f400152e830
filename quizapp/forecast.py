"""The workload ahead: how many answers each of the next 30 study days will ask for.

The stored due dates (:func:`quizapp.stats.due_forecast`) count each card once, on the day it
next falls due. The work is more than that: a card answered on day 3 with a four-day interval is
back on day 7, a forgotten one comes back within minutes and again over the next days, and the
new cards each deck introduces a day bring their learning steps. So :func:`forecast` plays every
card forward with FSRS itself (py-fsrs, without fuzz, under the parameters and desired retention
in force for its deck), assuming the user studies every day:

- a card is answered when it falls due; overdue cards (and buried ones once they are back) at
  ``now``, so day 0 holds everything today's session still faces;
- an answer is Good with the card's predicted recall at that moment, Again otherwise. Both
  outcomes are followed, each with its probability, until the less likely one's weight falls
  below ``MIN_BRANCH``; from there only the likelier one is, carrying the whole weight. The sum
  of weights is kept, so the figures are expected counts, and the work per card stays small;
- each deck introduces up to its new-card limit a day (on day 0 what is left of today's), at the
  time of day of ``now``; a card never seen has no recall to predict, so its first answer is
  taken as Good.

Days are study days (:func:`quizapp.clock.study_date`, starting at 04:00). Expected counts are
fractional; :func:`text_chart` and the stats screen round them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache

import fsrs

from quizapp.clock import iso, local_zone, parse_iso, study_date, study_day_start
from quizapp.schedule import CardState, Parameters, Settings, _CopyableCard
from quizapp.store import QUEUE_LEARNING, QUEUE_NEW, QUEUE_REVIEW, Store

DAYS = 30
MIN_BRANCH = 0.05  # an outcome less likely than this (per card) is folded into the other
MAX_ANSWERS = 400  # per card and window: a guard against a schedule that never moves forward
BLOCKS = " ▏▎▍▌▋▊▉█"  # eighths of a cell
NEW_CELL = "░"  # the new cards' part of a bar: a different glyph, not only another colour


@dataclass(frozen=True)
class ForecastDay:
    day: date
    reviews: float  # expected answers to cards seen before (learning steps included)
    new: int  # new cards shown for the first time

    @property
    def total(self) -> float:
        return self.reviews + self.new


@dataclass(frozen=True)
class Forecast:
    days: tuple[ForecastDay, ...]
    overdue: int  # cards that fell due before today's study day began (counted on day 0)

    @property
    def total(self) -> float:
        return sum(d.total for d in self.days)

    @property
    def peak(self) -> ForecastDay | None:
        """The busiest day (the first of equals)."""
        return max(self.days, key=lambda d: d.total) if self.days else None


@dataclass(frozen=True)
class SeenCard:
    """A card in learning or review, with what schedules it and when it can next be shown."""

    state: CardState
    settings: Settings
    available: datetime  # its due time, or later while it is buried


@dataclass(frozen=True)
class NewCards:
    """One deck's cards not yet seen, and how many it introduces a day."""

    settings: Settings
    waiting: int
    per_day: int
    left_today: int


@lru_cache(maxsize=32)
def _scheduler(retention: float, parameters: Parameters | None) -> fsrs.Scheduler:
    """fsrs with the deck's settings and no fuzz: a forecast wants the typical interval."""
    return fsrs.Scheduler(
        parameters=parameters or fsrs.scheduler.DEFAULT_PARAMETERS,
        desired_retention=retention,
        enable_fuzzing=False,
    )


def forecast(
    seen: Iterable[SeenCard],
    new: Iterable[NewCards],
    now: datetime,
    *,
    days: int = DAYS,
    zone: tzinfo | None = None,
) -> Forecast:
    """Expected answers on each of ``days`` study days from ``now``'s (see the module's rules)."""
    from quizapp.planning.planner import recall  # FSRS recall with fractional elapsed days

    zone = zone if zone is not None else local_zone()  # found once: it reads /etc/localtime
    today = study_date(now, zone)
    today_start = study_day_start(today, zone)
    horizon = study_day_start(today + timedelta(days=days), zone)
    reviews = [0.0] * days
    introduced = [0] * days

    def add(moment: datetime, weight: float) -> None:
        index = (study_date(moment, zone) - today).days
        if 0 <= index < days:
            reviews[index] += weight

    def play(scheduler: fsrs.Scheduler, card: fsrs.Card, at: datetime, cards: float) -> None:
        """Count ``cards`` identical cards' answers from ``at`` until the horizon."""
        pending = [(card, at, 1.0)]
        answers = 0
        while pending and answers < MAX_ANSWERS:
            card, at, weight = pending.pop()
            if at >= horizon:
                continue
            add(at, cards * weight)
            answers += 1
            if card.stability is None:  # no memory state to play forward (a bare stored row)
                continue
            p = recall(scheduler, card, at)
            outcomes = [(fsrs.Rating.Good, weight * p), (fsrs.Rating.Again, weight * (1 - p))]
            if weight * min(p, 1 - p) < MIN_BRANCH:
                outcomes = [(fsrs.Rating.Good if p >= 0.5 else fsrs.Rating.Again, weight)]
            for rating, share in outcomes:
                after, _ = scheduler.review_card(card, rating, at)
                pending.append((after, max(after.due, at + timedelta(seconds=1)), share))

    overdue = 0
    for item in seen:
        if item.state.due < today_start and item.available <= now:
            overdue += 1
        scheduler = _scheduler(item.settings.retention, item.settings.parameters)
        # A card that copies itself cheaply: review_card copies its input every time.
        card = _CopyableCard.of(item.state.to_fsrs())
        play(scheduler, card, max(item.available, now), 1.0)

    for deck in new:
        scheduler = _scheduler(deck.settings.retention, deck.settings.parameters)
        waiting = deck.waiting
        for index in range(days):
            count = min(deck.left_today if index == 0 else deck.per_day, waiting)
            if count <= 0:
                if waiting <= 0:
                    break
                continue
            waiting -= count
            # Later days' sessions at the time of day of this one.
            at = now + (study_day_start(today + timedelta(days=index), zone) - today_start)
            introduced[index] += count
            unseen = _CopyableCard.of(fsrs.Card(card_id=0, due=at))  # given an id: fsrs sleeps
            first, _ = scheduler.review_card(unseen, fsrs.Rating.Good, at)
            play(scheduler, first, max(first.due, at + timedelta(seconds=1)), float(count))

    return Forecast(
        days=tuple(
            ForecastDay(today + timedelta(days=i), reviews[i], introduced[i]) for i in range(days)
        ),
        overdue=overdue,
    )


def workload_forecast(store: Store, now: datetime, days: int = DAYS) -> Forecast:
    """:func:`forecast` over the store's schedules, each deck under its settings at ``now``."""
    from quizapp import review
    from quizapp.fitting import events as parameter_events

    today = study_date(now)
    horizon = iso(study_day_start(today + timedelta(days=days)))
    events = parameter_events.load(store)
    settings: dict[str, Settings] = {}

    def settings_for(deck: str) -> Settings:
        if deck not in settings:
            settings[deck] = review.settings_of(store, deck, now, events)
        return settings[deck]

    rows = store.conn.execute(
        "SELECT * FROM schedule WHERE queue IN (?, ?)"
        " AND MAX(due, COALESCE(buried_until, due)) < ?",
        (QUEUE_LEARNING, QUEUE_REVIEW, horizon),
    ).fetchall()
    seen = []
    for row in rows:
        state = CardState.from_row(row)
        buried = parse_iso(row["buried_until"]) if row["buried_until"] else None
        available = max(state.due, buried) if buried else state.due
        seen.append(SeenCard(state, settings_for(row["deck"]), available))
    waiting = dict(
        store.conn.execute(
            "SELECT deck, COUNT(*) FROM schedule WHERE queue = ? GROUP BY deck", (QUEUE_NEW,)
        ).fetchall()
    )
    allowance = review.new_allowance(store, now)
    new = [
        NewCards(settings_for(deck), count, int(limit), allowance.get(deck, 0))
        for deck, limit in store.conn.execute("SELECT name, new_per_day FROM decks")
        if (count := waiting.get(deck, 0))
    ]
    return forecast(seen, new, now, days=days)


def label(day: ForecastDay, index: int) -> str:
    """``today`` for day 0, else the weekday and the day of the month (``Tue 09``)."""
    return "today" if index == 0 else f"{day.day:%a %d}"


def number(value: float, peak: float) -> str:
    """An expected count as shown: whole numbers, or tenths while the busiest day is under 10
    (a card 40% likely to come back is ``0.4``, not a ``0`` next to a visible bar)."""
    return f"{value:.1f}" if round(peak) < 10 else f"{round(value):,}"


def bar(day: ForecastDay, peak: float, width: int) -> tuple[str, str]:
    """The day's bar at most ``width`` cells: its reviews part (in eighths) and its new part."""
    if peak <= 0 or width <= 0:
        return "", ""
    scale = width * 8 / peak
    total = round(day.total * scale)
    new_cells = round(day.new * scale / 8)
    review_eighths = max(total - 8 * new_cells, 0)
    full, part = divmod(review_eighths, 8)
    return "█" * full + (BLOCKS[part] if part else ""), NEW_CELL * new_cells


def summary_line(result: Forecast, *, short: bool = False) -> str:
    """The window's total, today's share (overdue included) and the busiest day, in a line;
    ``short`` fits a panel's border at 80 columns."""
    if not result.days:
        return "nothing to forecast"
    first = result.days[0]
    new = sum(d.new for d in result.days)
    today = f"{round(first.total):,} today"
    if result.overdue:
        today += f" ({result.overdue:,} overdue)"
    peak = result.peak
    busiest = ""
    if peak is not None and round(peak.total) > round(first.total):
        busiest = f"busiest {peak.day:{'%a %d' if short else '%a %d %b'}} ({round(peak.total):,})"
    if short:
        parts = [today, busiest, f"about {round(result.total):,} in all"]
        return " · ".join(part for part in parts if part)
    line = f"about {round(result.total):,} answers in {len(result.days)} days"
    if new:
        line += f" ({new:,} of them new cards)"
    return f"{line}; {today}" + (f", {busiest}" if busiest else "")


def text_chart(result: Forecast, width: int = 80) -> list[str]:
    """One line a day, ``width`` columns at most: the day, the expected answers and a bar."""
    peak = result.peak.total if result.peak else 0.0
    digits = len(number(peak, peak))
    room = max(width - 6 - 1 - digits - 1, 1)
    lines = []
    for index, day in enumerate(result.days):
        reviews, new = bar(day, peak, room)
        line = f"{label(day, index):<6} {number(day.total, peak):>{digits}} {reviews}{new}"
        lines.append(line.rstrip())
    if any(d.new for d in result.days):
        lines.append(f"{'':<6} {'':>{digits}} █ reviews  {NEW_CELL} new cards")
    return lines

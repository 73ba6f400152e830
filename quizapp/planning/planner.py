"""``build_plan``: choose each day's cards to maximise predicted recall of the deck on a date.

The model is FSRS itself (py-fsrs, with the parameters and retention in force). For every study
day from today to the day before the date, the planner values each possible piece of work by how
much it raises the card's predicted recall *on the date*, per second it costs:

- a new card: from 0 to its recall on the date after learning it today (so new cards, worth
  the most, come first: the plan front-loads them);
- a review: the expected recall on the date if reviewed today (recalled with its recall today,
  else relearned) minus its recall on the date if left alone. Cards whose recall on the date is
  low gain the most, so their reviews are pulled earlier than FSRS would schedule them.

It fills the day's budget greedily by that value, assumes the likelier outcome (recalled) to carry
the card to the next day, and records the forecast: the deck's mean predicted recall that day and
on the date if study stopped there. When the budget cannot introduce every card, the plan says so.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import fsrs

from quizapp import review
from quizapp.planning.costs import Costs, defaults
from quizapp.schedule import CardState
from quizapp.store import QUEUE_OFF, Store

MIN_GAIN = defaults()["min_gain"]


@dataclass(frozen=True)
class PlanDay:
    day: date
    new: tuple[str, ...]
    reviews: tuple[str, ...]
    minutes: float
    recall_today: float  # mean predicted recall of the deck at the end of the day
    recall_on_date: float  # mean predicted recall on the date if study stopped after this day


@dataclass(frozen=True)
class Plan:
    target: datetime
    cards: int
    minutes_per_day: float
    days: tuple[PlanDay, ...]
    recall_now: float  # on the date, if nothing more were studied
    never_studied: int  # cards the budget could not introduce before the date
    warning: str | None

    @property
    def recall_on_date(self) -> float:
        return self.days[-1].recall_on_date if self.days else self.recall_now


def recall(scheduler: fsrs.Scheduler, card: fsrs.Card | None, moment: datetime) -> float:
    """FSRS-6 retrievability at ``moment`` with the elapsed time in fractional days.

    py-fsrs rounds the elapsed time down to whole days, which is right for choosing intervals
    but would call a card reviewed last night 100% sure this morning; a forecast for a given
    hour should not.
    """
    if card is None or card.last_review is None or card.stability is None:
        return 0.0
    elapsed = max((moment - card.last_review).total_seconds() / 86400, 0.0)
    decay = -scheduler.parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return (1 + factor * elapsed / card.stability) ** decay


def _learn(scheduler: fsrs.Scheduler, card: fsrs.Card, moment: datetime) -> fsrs.Card:
    """A new card answered Good at first sight and at every same-day learning step."""
    card = copy.copy(card)
    while True:
        card, _ = scheduler.review_card(card, fsrs.Rating.Good, moment)
        if card.state == fsrs.State.Review:
            return card
        moment = max(card.due, moment + timedelta(seconds=1))


def _reviewed(
    scheduler: fsrs.Scheduler, card: fsrs.Card, moment: datetime, target: datetime
) -> tuple[float, fsrs.Card]:
    """Expected recall on ``target`` if reviewed at ``moment``, and the recalled outcome."""
    p = recall(scheduler, card, moment)
    good, _ = scheduler.review_card(copy.copy(card), fsrs.Rating.Good, moment)
    if good.state != fsrs.State.Review:
        good = _learn(scheduler, good, moment)
    again, _ = scheduler.review_card(copy.copy(card), fsrs.Rating.Again, moment)
    again = _learn(scheduler, again, moment) if again.state != fsrs.State.Review else again
    expected = p * recall(scheduler, good, target) + (1 - p) * recall(scheduler, again, target)
    return expected, good


def build_plan(
    store: Store,
    now: datetime,
    target: datetime,
    minutes_per_day: float,
    *,
    deck: str | None = None,
    costs: Costs | None = None,
) -> Plan:
    """A plan from ``now`` to ``target`` (the interview's start) under a daily time budget."""
    clause, args = review.deck_clause(deck)
    rows = store.conn.execute(
        f"SELECT * FROM schedule WHERE queue != ?{clause} ORDER BY position, card_id",
        [QUEUE_OFF, *args],
    ).fetchall()
    if not rows:
        raise ValueError("no cards to plan for")
    settings = review.settings_of(store, rows[0]["deck"], now)
    scheduler = fsrs.Scheduler(
        parameters=settings.parameters or fsrs.scheduler.DEFAULT_PARAMETERS,
        desired_retention=settings.retention,
        enable_fuzzing=False,
    )
    if costs is None:
        from quizapp.planning.costs import measured

        costs = measured(store, len(scheduler.learning_steps))
    cards: dict[str, fsrs.Card | None] = {}
    for row in rows:
        state = CardState.from_row(row)
        cards[row["card_id"]] = None if state.is_new else state.to_fsrs()
    return plan_cards(scheduler, cards, now, target, minutes_per_day, costs)


def plan_cards(
    scheduler: fsrs.Scheduler,
    cards: dict[str, fsrs.Card | None],
    now: datetime,
    target: datetime,
    minutes_per_day: float,
    costs: Costs,
) -> Plan:
    """The planner on plain fsrs cards (``None`` for a new card); pure, for tests and benchmarks."""
    cards = dict(cards)
    n = len(cards)

    def meanrecall(moment: datetime) -> float:
        return sum(recall(scheduler, c, moment) for c in cards.values()) / n

    recall_now = meanrecall(target)
    days: list[PlanDay] = []
    moment = now
    budget = minutes_per_day * 60
    while moment + timedelta(hours=1) <= target:
        options: list[tuple[float, float, str, fsrs.Card]] = []
        for card_id, card in cards.items():
            if card is None:
                learned = _learn(scheduler, fsrs.Card(card_id=1), moment)
                gain = recall(scheduler, learned, target)
                options.append((gain / costs.new_seconds, costs.new_seconds, card_id, learned))
            else:
                expected, after = _reviewed(scheduler, card, moment, target)
                gain = expected - recall(scheduler, card, target)
                if gain >= MIN_GAIN:
                    options.append(
                        (gain / costs.review_seconds, costs.review_seconds, card_id, after)
                    )
        options.sort(key=lambda o: (-o[0], o[2]))
        spent = 0.0
        new: list[str] = []
        reviewed: list[str] = []
        for _, cost, card_id, after in options:
            if spent + cost > budget:
                continue
            spent += cost
            (new if cards[card_id] is None else reviewed).append(card_id)
            cards[card_id] = after
        day_end = moment + timedelta(minutes=spent / 60)
        days.append(
            PlanDay(
                day=moment.date(),
                new=tuple(new),
                reviews=tuple(reviewed),
                minutes=spent / 60,
                recall_today=meanrecall(day_end),
                recall_on_date=meanrecall(target),
            )
        )
        moment += timedelta(days=1)
    never = sum(card is None for card in cards.values())
    warning = None
    if never:
        per_day = costs.new_seconds / 60
        warning = (
            f"{minutes_per_day:g} minutes a day cannot cover the deck: {never} of {n} card(s) "
            f"would never be studied before the date (a new card takes about {per_day:.1f} min)."
        )  # each front end adds how to raise the budget, in its own terms
    return Plan(target, n, minutes_per_day, tuple(days), recall_now, never, warning)

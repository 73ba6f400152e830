"""A learner who *is* the FSRS model, studying a deck for an interview: plan against plain FSRS.

Each study day at 09:00 the learner has a fixed budget of answers (minutes x 60 / seconds per
answer). A card is recalled with its FSRS retrievability (a first sight with ``FIRST_SIGHT``), and
rated Good, else Again. "Plain" follows quizapp's normal queue (``next_card``: due cards, then new
cards within the deck's daily limit); "plan" studies the cards ``build_plan`` picks for the day,
re-planned every morning. Both write real reviews through ``review.answer``. The figure is the
deck's mean predicted recall at 09:00 on the date (a card never studied counts 0), with the
elapsed time in fractional days (``planner.recall``), as are the learner's outcomes. Used by
tests/test_plan.py and benchmarks/bench_plan.py.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import fsrs

from quizapp import review
from quizapp.planning.costs import Costs
from quizapp.planning.planner import build_plan, recall
from quizapp.store import Store
from quizapp.sync import sync

FIRST_SIGHT = 0.6  # chance a card is known the first time it is seen
SECONDS = 20.0


def deck(folder: Path, cards: int, new_per_day: int) -> None:
    body = "\n".join(f"## Fact {i}\n<!-- id: p{i} -->\nAnswer {i}\n" for i in range(cards))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "interview.md").write_text(
        f"---\ndeck: interview\nnew_per_day: {new_per_day}\n---\n{body}", encoding="utf-8"
    )


def _answer(store: Store, card_id: str, moment: datetime, rng: random.Random) -> datetime:
    """One answer drawn from the model; returns when the card's next same-day step is due."""
    state = review.get_state(store, card_id)
    if state.is_new:
        recalled = rng.random() < FIRST_SIGHT
    else:
        p = recall(fsrs.Scheduler(), state.to_fsrs(), moment)
        recalled = rng.random() < p
    rid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    after = review.answer(store, card_id, 3 if recalled else 1, moment, review_id=rid).after
    return after.due


def study(
    strategy: str,
    folder: Path,
    start: datetime,
    *,
    days: int = 14,
    cards: int = 40,
    minutes: float = 20,
    new_per_day: int = 10,
    seed: int = 0,
) -> float:
    """Run one learner; return mean predicted recall on the date (``start`` + ``days``)."""
    store = Store.memory()
    deck(folder, cards, new_per_day)
    assert sync(store, [folder], start).ok
    rng = random.Random(seed)
    target = start + timedelta(days=days)
    per_day = int(minutes * 60 // SECONDS)
    for day in range(days):
        now = start + timedelta(days=day)
        answers = 0
        if strategy == "plain":
            while answers < per_day and (card := review.next_card(store, now)) is not None:
                _answer(store, card, now, rng)
                answers += 1
                now += timedelta(seconds=SECONDS)
            continue
        plan = build_plan(store, now, target, minutes, costs=Costs(SECONDS, 3))
        today = plan.days[0]
        for card in (*today.new, *today.reviews):
            moment = now
            while answers < per_day:
                due = _answer(store, card, moment, rng)
                answers += 1
                now += timedelta(seconds=SECONDS)
                if review.get_state(store, card).state == fsrs.State.Review.value:
                    break
                moment = max(due, now)  # its next learning step, the same day
    scheduler = fsrs.Scheduler()
    total = 0.0
    for (card_id,) in store.conn.execute("SELECT card_id FROM schedule"):
        state = review.get_state(store, card_id)
        total += 0.0 if state.is_new else recall(scheduler, state.to_fsrs(), target)
    return total / cards

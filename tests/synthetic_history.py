"""A synthetic learner: a review history generated from a known FSRS-6 parameter set plus noise.

The learner studies a deck through quizapp itself (``next_card`` / ``answer``, default
parameters), one session a day. Whether a card is recalled is drawn from its *true*
retrievability, computed by py-fsrs with ``TRUE_PARAMETERS`` on the same ratings; the noise is
that draw, a random choice among Hard/Good/Easy when recalled, and a per-card difficulty jitter
(each card's true stability is scaled by a log-normal factor). Used by tests/test_fitting.py and
benchmarks/bench_optimize.py.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import fsrs

from quizapp import review
from quizapp.store import Store
from quizapp.sync import sync

# A learner who forgets faster early on and whose memories decay more steeply than fsrs's
# default user: clearly different from the defaults, yet a plausible FSRS-6 parameter set.
TRUE_PARAMETERS = (
    0.10, 0.60, 1.20, 4.50, 6.80, 0.60, 2.40, 0.02, 1.50, 0.12, 0.95, 1.80, 0.09, 0.30,
    1.90, 0.50, 2.20, 0.60, 0.10, 0.05, 0.35,
)  # fmt: skip
SESSION_SECONDS = 15  # time per answer within a session


def make_deck(folder: Path, cards: int, *, new_per_day: int) -> None:
    body = "\n".join(f"## Fact {i}\n<!-- id: f{i} -->\nAnswer {i}\n" for i in range(cards))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "synthetic.md").write_text(
        f"---\ndeck: synthetic\nnew_per_day: {new_per_day}\n---\n{body}", encoding="utf-8"
    )


def simulate(
    store: Store,
    folder: Path,
    start: datetime,
    *,
    days: int,
    cards: int = 150,
    new_per_day: int = 10,
    seed: int = 7,
    max_reviews: int | None = None,
) -> int:
    """Study ``days`` days from ``start``; return the number of answers written to ``store``."""
    make_deck(folder, cards, new_per_day=new_per_day)
    assert sync(store, [folder], start).ok
    rng = random.Random(seed)
    truth = fsrs.Scheduler(parameters=TRUE_PARAMETERS, enable_fuzzing=False)
    hidden: dict[str, fsrs.Card] = {}
    jitter: dict[str, float] = {}
    answers = 0
    for day in range(days):
        now = start + timedelta(days=day)
        while (card_id := review.next_card(store, now)) is not None:
            true_card = hidden.setdefault(card_id, fsrs.Card(card_id=len(hidden) + 1))
            scale = jitter.setdefault(card_id, rng.lognormvariate(0, 0.15))
            if true_card.stability is None:
                recalled = rng.random() < 0.75  # a first sight: some are known already
            else:
                elapsed = max((now - true_card.last_review).total_seconds() / 86400, 0)
                stability = true_card.stability * scale
                decay = -TRUE_PARAMETERS[20]
                factor = 0.9 ** (1 / decay) - 1
                recalled = rng.random() < (1 + factor * elapsed / stability) ** decay
            rating = rng.choices((2, 3, 4), (0.15, 0.7, 0.15))[0] if recalled else 1
            hidden[card_id], _ = truth.review_card(true_card, fsrs.Rating(rating), now)
            # Review ids from the seeded generator: the fuzz (and so the history) is repeatable.
            review_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            review.answer(store, card_id, rating, now, review_id=review_id)
            answers += 1
            now += timedelta(seconds=SESSION_SECONDS)
            if max_reviews is not None and answers >= max_reviews:
                return answers
    return answers

"""What a desired retention costs: reviews (and minutes) per day, by simulating the deck.

Higher retention means shorter intervals and more reviews; the relation is steep above 0.9.
fsrs-rs's simulator plays a deck of ``deck_size`` cards, ``new_per_day`` new ones a day, under
the given parameters, with Anki's population averages for ratings and answer times.
"""

from __future__ import annotations

from dataclasses import dataclass

from quizapp.schedule import Parameters

RETENTIONS = (0.75, 0.8, 0.85, 0.9, 0.95)
SIMULATED_DAYS = 365
SEED = 42  # a fixed seed: the same inputs always print the same workload


@dataclass(frozen=True)
class Workload:
    retention: float
    reviews_per_day: float  # reviews of seen cards, averaged over the simulated year
    minutes_per_day: float  # reviews and new cards together
    remembered: float  # expected cards remembered at the end


def simulate(
    parameters: Parameters, retention: float, *, deck_size: int, new_per_day: int
) -> Workload:
    import fsrs_rs_python as rs

    config = rs.default_simulator_config()
    config.deck_size = max(deck_size, 1)
    config.learn_span = SIMULATED_DAYS
    config.learn_limit = max(new_per_day, 1)
    result = rs.simulate(list(parameters), retention, config, SEED)
    days = len(result.review_cnt_per_day) or 1
    return Workload(
        retention=retention,
        reviews_per_day=sum(result.review_cnt_per_day) / days,
        minutes_per_day=sum(result.cost_per_day) / days / 60,
        remembered=result.memorized_cnt_per_day[-1] if result.memorized_cnt_per_day else 0.0,
    )


def table(
    parameters: Parameters,
    *,
    deck_size: int,
    new_per_day: int,
    retentions: tuple[float, ...] = RETENTIONS,
) -> list[Workload]:
    return [
        simulate(parameters, r, deck_size=deck_size, new_per_day=new_per_day) for r in retentions
    ]

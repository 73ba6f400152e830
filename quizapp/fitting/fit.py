"""``optimize``: fit FSRS-6 parameters on the user's history, judge them, adopt only if better.

The steps, and why:

1. Enough data? Below ``min_reviews`` answers a fit mostly learns noise, so the defaults stay
   (and the message says how many more reviews are needed). Below ``min_items_full_fit``
   long-term items only the first four parameters (the initial stabilities) are fitted.
2. Time-based split: fit on the earlier 80% of the history, predict the latest 20%. Every model
   (the fit, fsrs's defaults, the parameters in force now, and a constant retention equal to the
   training set's recall rate) is scored on the same held-out reviews.
3. Adopt only when the fit's held-out log loss beats every other model's; the adopted parameters
   are then re-fitted on the whole history and recorded as a parameter event, which replay and
   merge carry (see :mod:`quizapp.fitting.events`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources

from quizapp.fitting import events as parameter_events
from quizapp.fitting import history as review_history
from quizapp.fitting.metrics import Scores, scores
from quizapp.schedule import Parameters
from quizapp.store import Store

FITTED, DEFAULT, CURRENT, CONSTANT = "fitted", "default", "current", "constant"


@cache
def thresholds() -> dict[str, float]:
    text = resources.files("quizapp.fitting").joinpath("thresholds.toml").read_text("utf-8")
    return tomllib.loads(text)


@dataclass(frozen=True)
class FitReport:
    """What ``optimize`` found and did; ``message`` is the one-paragraph answer for the user."""

    deck: str | None
    reviews: int
    adopted: bool  # recorded as an event
    partial: bool
    message: str
    parameters: Parameters | None = None
    scores: dict[str, Scores] = field(default_factory=dict)
    test_items: int = 0
    event: parameter_events.ParameterEvent | None = None  # the fit's event, whenever better
    better: bool = False  # beat every other model on the held-out tail (adopted if asked to)
    adopted_message: str = ""  # ``message`` as it reads once ``event`` is recorded


def default_parameters() -> Parameters:
    import fsrs_rs_python

    return tuple(fsrs_rs_python.DEFAULT_PARAMETERS)


def fit_parameters(items: list[review_history.Item], *, partial: bool) -> Parameters:
    """fsrs-rs's optimiser on ``items`` (those with a long-term review); deterministic (seeded)."""
    import fsrs_rs_python as rs

    train = [rs.FSRSItem([rs.FSRSReview(r, d) for r, d in item.reviews]) for item in items]
    train = [item for item in train if item.long_term_review_cnt() > 0]  # fsrs-rs panics else
    defaults = default_parameters()
    if not train:
        return defaults
    fitted = tuple(rs.FSRS(list(defaults)).compute_parameters(train))
    if partial:
        fitted = fitted[:4] + defaults[4:]
    return fitted


def predict(parameters: Parameters, items: list[review_history.Item]) -> list[float]:
    """FSRS-6 retrievability of each item's last review, from the reviews before it."""
    import fsrs_rs_python as rs

    model = rs.FSRS(list(parameters))
    prefixes = [rs.FSRSItem([rs.FSRSReview(r, d) for r, d in item.reviews[:-1]]) for item in items]
    states = model.memory_state_batch(prefixes)
    decay = parameters[20]
    factor = 0.9 ** (-1 / decay) - 1
    return [
        (1 + factor * item.elapsed_days / state.stability) ** -decay
        for item, state in zip(items, states, strict=True)
    ]


def optimize(
    store: Store, now: datetime, deck: str | None = None, *, adopt: bool = True
) -> FitReport:
    """Fit, judge on the held-out tail, and (when ``adopt``) record the fit if it is better."""
    limits = thresholds()
    data = review_history.load(store, deck)
    scope = f"deck {deck}" if deck else "all decks"
    if data.reviews < limits["min_reviews"]:
        more = int(limits["min_reviews"] - data.reviews)
        return FitReport(
            deck,
            data.reviews,
            adopted=False,
            partial=False,
            message=(
                f"Kept the default parameters for {scope}: {data.reviews} review(s) is too few to "
                f"fit reliably; {more} more review(s) needed (a fit needs "
                f"{int(limits['min_reviews'])})."
            ),
        )
    partial = data.long_term_items < limits["min_items_full_fit"]
    train, test = review_history.time_split(data.items, limits["test_fraction"])
    test = [item for item in test if item.long_term]
    if len(test) < limits["min_test_items"]:
        return FitReport(
            deck,
            data.reviews,
            adopted=False,
            partial=partial,
            message=(
                f"Kept the current parameters for {scope}: only {len(test)} recent review(s) a "
                f"day or more apart to judge a fit on (needs {int(limits['min_test_items'])}); "
                "review for a few more days and try again."
            ),
            test_items=len(test),
        )
    all_events = parameter_events.load(store)
    current = parameter_events.latest_fit(all_events, deck)
    models: dict[str, Parameters] = {
        FITTED: fit_parameters(train, partial=partial),
        DEFAULT: default_parameters(),
    }
    if current is not None and current.parameters is not None:
        models[CURRENT] = current.parameters
    actual = [item.recalled for item in test]
    long_train = [item for item in train if item.long_term]
    base_rate = sum(i.recalled for i in long_train) / len(long_train) if long_train else 0.9
    results = {name: scores(predict(params, test), actual) for name, params in models.items()}
    results[CONSTANT] = scores([base_rate] * len(test), actual)
    best_other = min(s.log_loss for name, s in results.items() if name != FITTED)
    better = results[FITTED].log_loss < best_other
    kind = "the first four parameters" if partial else "all parameters"
    if not better:
        return FitReport(
            deck,
            data.reviews,
            adopted=False,
            partial=partial,
            message=(
                f"Kept the current parameters for {scope}: the fit ({kind}) did not predict the "
                f"latest {len(test)} reviews better (log loss {results[FITTED].log_loss:.4f} "
                f"against {best_other:.4f})."
            ),
            scores=results,
            test_items=len(test),
        )
    final = fit_parameters(list(data.items), partial=partial)
    _check_usable(final)
    note = (
        f" Only {kind} were fitted: {int(limits['min_items_full_fit'] - data.long_term_items)} "
        "more review(s) a day or more apart are needed for a full fit."
        if partial
        else ""
    )
    event = parameter_events.ParameterEvent(
        at=now,
        deck=deck,
        parameters=final,
        reviews=data.reviews,
        metrics={name: s.to_dict() for name, s in results.items()} | {"test_items": len(test)},
    )
    if adopt:
        parameter_events.record(store, event)
    verdict = (
        f"parameters fitted on {data.reviews} reviews for {scope}: held-out log loss "
        f"{results[FITTED].log_loss:.4f} against {best_other:.4f}. They schedule every "
        f"review from now on; past reviews keep the parameters of their time.{note}"
    )
    return FitReport(
        deck,
        data.reviews,
        adopted=adopt,
        partial=partial,
        message=f"{'Adopted' if adopt else 'Would adopt'} {verdict}",
        parameters=final,
        scores=results,
        test_items=len(test),
        event=event,
        better=True,
        adopted_message=f"Adopted {verdict}",
    )


def _check_usable(parameters: Parameters) -> None:
    """py-fsrs must accept what fsrs-rs produced, or reviews would fail later."""
    import fsrs

    fsrs.Scheduler(parameters=parameters)


def refits_due(store: Store) -> list[tuple[str | None, int, int]]:
    """Fits whose review count has grown ``refit_growth``-fold: ``(deck, then, now)`` each."""
    growth = thresholds()["refit_growth"]
    seen: dict[str | None, parameter_events.ParameterEvent] = {}
    for event in parameter_events.load(store):
        if event.parameters is not None and event.reviews:
            seen[event.deck] = event
    due = []
    for deck, event in seen.items():
        count = review_history.count_reviews(store, deck)
        if count >= growth * event.reviews:
            due.append((deck, event.reviews, count))
    return due

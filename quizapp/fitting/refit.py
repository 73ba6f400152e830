"""Re-fitting on its own once a deck has twice the reviews its last fit was trained on.

Split in two so that the app can fit in a thread worker without ever taking the store's write
lock there: :func:`fit_due` only reads (and fits, a fraction of a second for thousands of
reviews), and :func:`record` writes the outcome in one short transaction on the caller's
connection. A fit that is not better is recorded too, as the previous parameters with the new
review count, so the same doubling does not re-fit on every start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from quizapp.fitting import events as parameter_events
from quizapp.fitting.fit import FitReport, optimize, refits_due
from quizapp.store import Store


@dataclass(frozen=True)
class Refit:
    """One due re-fit and its verdict, not yet recorded."""

    deck: str | None
    then: int  # reviews the last fit was trained on
    count: int  # reviews now
    report: FitReport  # computed without adopting

    @property
    def reason(self) -> str:
        scope = f"deck {self.deck}" if self.deck else "all decks"
        return f"{scope} has {self.count} reviews, twice the {self.then} of its last fit"

    @property
    def outcome(self) -> str:
        """What recording it did, and why (the fit's own one-paragraph verdict)."""
        return self.report.adopted_message if self.report.better else self.report.message


def fit_due(store: Store, now: datetime) -> list[Refit]:
    """Fit every deck whose review count has doubled since its last fit; writes nothing."""
    return [
        Refit(deck, then, count, optimize(store, now, deck, adopt=False))
        for deck, then, count in refits_due(store)
    ]


def record(store: Store, refit: Refit, now: datetime) -> bool:
    """Adopt the fit if it was better, else remember the new review count; False (and nothing
    written) when the re-fit is no longer due, e.g. another terminal recorded one meanwhile."""
    if (refit.deck, refit.then) not in {(deck, then) for deck, then, _ in refits_due(store)}:
        return False
    if refit.report.better and refit.report.event is not None:
        parameter_events.record(store, refit.report.event)
        return True
    fits = [
        e for e in parameter_events.load(store) if e.parameters is not None and e.deck == refit.deck
    ]
    if fits:
        parameter_events.record(
            store,
            parameter_events.ParameterEvent(
                at=now, deck=refit.deck, parameters=fits[-1].parameters, reviews=refit.count
            ),
        )
    return True


def refit_if_due(store: Store, now: datetime) -> list[Refit]:
    """Both steps on one connection (the command line): the re-fits done, for their notices."""
    done = fit_due(store, now)
    for refit in done:
        record(store, refit, now)
    return done

"""From signals to a verdict: the few fitted weights that turn meaning and wording into credit.

Per key point, the credit is a logistic function of two card-agnostic signals: how close in
meaning the answer's best clause is to the point (the sentence model), and how much of the
point's wording the answer covers (the lexical scorer, which knows synonyms, typos and
stuffing). A point the answer reverses (a clause closer to a reversed form of the point than to
the point, or a lexical denial or side swap) earns nothing and costs a fixed penalty, and so does
each written misconception the answer states. The value is the mean credit less the penalties,
clipped to [0, 1] and bent by one exponent; an answer with a reversal or a misconception is capped.

The weights live in ``data/weights.json`` and are fitted by ``benchmarks/fit_scoring.py`` on the
tuning answers only; that script also reports leave-one-card-out figures. Everything here is
plain arithmetic over small arrays, so the same code serves scoring and fitting.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from importlib import resources
from typing import Any

from quizapp.scoring.claims import ClaimSignals

PARTIAL = 0.25  # credit from which a point is shown as half-covered ("partly")
#: A point's credit is measured against what the card's own model answer earns on it (the
#: model answer is what full marks look like), but never against less than this.
REFERENCE_FLOOR = 0.5
COVERED = 0.5  # credit from which a point counts as covered
#: The most an answer that reverses two or more key points may score. A swapped contrast
#: reverses the points of both its sides; on the tuning answers, two reversed points never came
#: from a correct answer (0 of 193 excellent, paraphrased or partial ones), only from reversed,
#: negated or wrong ones (18), while one reversed point sometimes did (4 of 76 excellent
#: answers). Set by that count, not fitted (so not a :class:`Weights` field): below Again.
SWAPPED_CAP = 0.3


@dataclass(frozen=True)
class Weights:
    """The fitted numbers; see the module docstring for what each does."""

    bias: float = -3.0  # logistic offset of a point's credit
    semantic: float = 12.0  # weight of (best clause similarity - semantic_centre)
    semantic_centre: float = 0.55
    lexical: float = 4.0  # weight of the lexical coverage (0..1)
    list_scale: float = 0.6  # similarity of a bare term list is multiplied by this
    reversal_margin: float = 0.04  # how much closer to a reversed form a clause must be
    reversal_floor: float = 0.6  # and how similar to that form at least
    misconception_margin: float = 0.02  # how much closer to a misconception than to any point
    misconception_floor: float = 0.6  # and how similar to the misconception at least
    contradiction_penalty: float = 0.35  # per reversed or denied key point
    misconception_penalty: float = 0.35  # per misconception stated
    exponent: float = 0.8  # value = clipped(mean credit - penalties) ** exponent
    wrong_cap: float = 1.0  # the most an answer that reverses a point or states a misconception

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Weights:
        names = {f.name for f in fields(cls)}
        return cls(**{k: float(v) for k, v in data.items() if k in names})

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


@lru_cache(maxsize=1)
def fitted() -> Weights:
    """The shipped weights (``data/weights.json``), or the defaults above if it is absent."""
    path = resources.files("quizapp.scoring") / "data" / "weights.json"
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return Weights()
    return Weights.from_dict(data["weights"])


@dataclass(frozen=True)
class PointCredit:
    """One key point's share: ``credit`` in [0, 1]; ``unit`` is the clause that earned it."""

    credit: float
    unit: int | None  # index into ClaimSignals.units of the best clause, if any
    semantic: float  # that clause's similarity (after the list discount)
    reversed_by: int | None  # index of the clause that reverses the point, if one does


@dataclass(frozen=True)
class Combined:
    """The arithmetic result; the public :class:`~quizapp.scoring.Score` is built from it."""

    value: float
    points: tuple[PointCredit, ...]
    misconceptions: tuple[tuple[int, int], ...]  # (misconception index, clause index) stated
    contradicted: tuple[bool, ...]


def value_of(
    credits: Sequence[float],
    contradicted: int,
    misconceptions: int,
    weights: Weights | None = None,
) -> float:
    """The value from the points' credits and the count of contradictions and misconceptions.

    Also used when the user corrects a point after reveal, so a corrected score is computed by
    exactly the rule that made the original one.
    """
    weights = weights or fitted()
    if not credits:
        return 0.0
    raw = (
        sum(credits) / len(credits)
        - weights.contradiction_penalty * contradicted
        - weights.misconception_penalty * misconceptions
    )
    value = float(min(1.0, max(0.0, raw)) ** weights.exponent)
    if contradicted or misconceptions:
        # An interviewer fails an answer that states a central claim backwards, however fluent
        # the rest of it is; the labels agree (reversed answers average 0.15).
        value = min(value, weights.wrong_cap)
    if contradicted >= 2:
        value = min(value, SWAPPED_CAP)
    return value


def combine(
    lexical: Sequence[float],
    lexical_contradicted: Sequence[bool],
    claims: ClaimSignals | None,
    weights: Weights,
    reference: Combined | None = None,
    lexical_before_denial: Sequence[float] | None = None,
) -> Combined:
    """Credit per point and the value, from lexical coverage and (if given) the claim signals.

    ``reference`` is this same function's result on the card's model answer, which is correct
    by definition. A point's credit is divided by the model answer's credit on it (floored at
    :data:`REFERENCE_FLOOR`, capped at 1), so a card whose key points are worded unlike its model
    answer does not hold every answer below full marks. And where the model answer itself
    "reverses" a point or "states" a misconception, that detector is wrong on this card, so it
    is not used for it: such a point is judged on ``lexical_before_denial``, its lexical
    coverage before the lexical scorer's denial zeroed it.
    """
    import numpy as np

    n = len(lexical)
    if n == 0:
        return Combined(0.0, (), (), ())
    lex = np.asarray(lexical, dtype=float)
    against = np.asarray(lexical_contradicted, dtype=bool).copy()
    z = weights.bias + weights.lexical * lex
    best = np.zeros(n)
    best_unit: list[int | None] = [None] * n
    reverser: list[int | None] = [None] * n
    stated: list[tuple[int, int]] = []
    if claims is not None and len(claims.units):
        listy = claims.listy[:, None]
        sim = np.where(listy, claims.point_sim * weights.list_scale, claims.point_sim)
        reverses = (
            ~listy
            & (claims.reversal >= weights.reversal_margin)
            & (claims.reversal_sim >= weights.reversal_floor)
        )
        eligible = np.where(reverses, -np.inf, sim)
        top = eligible.argmax(axis=0)
        best = np.maximum(eligible[top, np.arange(n)], 0.0)
        reversed_points = reverses.any(axis=0)
        closest_reverser = np.where(reverses, claims.point_sim, -np.inf).argmax(axis=0)
        for p in range(n):
            if np.isfinite(eligible[top[p], p]):
                best_unit[p] = int(top[p])
            if reversed_points[p]:
                reverser[p] = int(closest_reverser[p])
        against |= reversed_points
        z = z + weights.semantic * (best - weights.semantic_centre)
        if claims.misconception_sim.shape[1]:
            says = (
                ~listy
                & (claims.misconception_sim >= weights.misconception_floor)
                & (claims.misconception_margin >= weights.misconception_margin)
            )
            where = np.where(says, claims.misconception_sim, -np.inf).argmax(axis=0)
            stated = [(int(m), int(where[m])) for m in np.flatnonzero(says.any(axis=0))]
    credit = 1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))
    if reference is not None and len(reference.points) == n:
        unreliable = np.asarray(reference.contradicted, dtype=bool)
        if unreliable.any() and lexical_before_denial is not None:
            # Judge those points by their words alone, as if no denial had been found.
            lex_kept = np.where(unreliable, np.asarray(lexical_before_denial, dtype=float), lex)
            z = z + weights.lexical * (lex_kept - lex)
            credit = 1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))
        own = np.asarray([p.credit for p in reference.points], dtype=float)
        credit = np.minimum(1.0, credit / np.maximum(own, REFERENCE_FLOOR))
        against &= ~unreliable
        for p in np.flatnonzero(unreliable):
            reverser[p] = None
        wrong_there = {m for m, _ in reference.misconceptions}
        stated = [(m, u) for m, u in stated if m not in wrong_there]
    credit[against] = 0.0
    value = value_of(credit.tolist(), int(against.sum()), len(stated), weights)
    points = tuple(
        PointCredit(float(credit[p]), best_unit[p], float(best[p]), reverser[p]) for p in range(n)
    )
    return Combined(value, points, tuple(stated), tuple(bool(a) for a in against))

"""How well predicted recall matches what happened: log loss, RMSE(bins) and AUC.

Computed here, with one definition, for every model compared (fitted, default, current and a
constant-retention baseline), so the comparison is like for like. RMSE(bins) follows the
srs-benchmark idea of calibration error: predictions are grouped into bins and the bins' mean
prediction is compared with their observed recall rate, weighted by bin size.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

EPS = 1e-6
BINS = 20


@dataclass(frozen=True)
class Scores:
    log_loss: float
    rmse_bins: float
    auc: float | None  # None when every outcome is the same

    def to_dict(self) -> dict[str, float | None]:
        return asdict(self)


def log_loss(predicted: Sequence[float], actual: Sequence[bool]) -> float:
    total = 0.0
    for p, y in zip(predicted, actual, strict=True):
        p = min(max(p, EPS), 1 - EPS)
        total -= math.log(p) if y else math.log(1 - p)
    return total / len(predicted)


def rmse_bins(predicted: Sequence[float], actual: Sequence[bool], bins: int = BINS) -> float:
    sums: dict[int, list[float]] = {}
    for p, y in zip(predicted, actual, strict=True):
        b = min(int(p * bins), bins - 1)
        acc = sums.setdefault(b, [0.0, 0.0, 0.0])
        acc[0] += p
        acc[1] += float(y)
        acc[2] += 1
    n = len(predicted)
    return math.sqrt(sum(c * ((sp - sy) / c) ** 2 for sp, sy, c in sums.values()) / n)


def auc(predicted: Sequence[float], actual: Sequence[bool]) -> float | None:
    """Area under the ROC curve by the rank-sum (Mann-Whitney) formula, ties shared."""
    positives = sum(actual)
    negatives = len(actual) - positives
    if positives == 0 or negatives == 0:
        return None
    order = sorted(range(len(predicted)), key=lambda i: predicted[i])
    ranks = [0.0] * len(predicted)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and predicted[order[j + 1]] == predicted[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    rank_sum = sum(r for r, y in zip(ranks, actual, strict=True) if y)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def scores(predicted: Sequence[float], actual: Sequence[bool]) -> Scores:
    return Scores(log_loss(predicted, actual), rmse_bins(predicted, actual), auc(predicted, actual))

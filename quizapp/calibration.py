"""Calibration: how sure you said you were, against how you actually did.

Before revealing an answer you may say how sure you are (1 unsure, 2 fairly sure, 3 sure); it is
stored with the review (``reviews.confidence``). Overconfidence is what fails interviews: "sure"
answers that are recalled only 70% of the time are the ones to drill. For each level this gives
the number of answers, the share recalled (rated Hard or better) and the mean score where the
scorer gave one. Every mode counts (review, quiz, cram): a confidence is about the answer, not
the schedule. Undone answers do not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from quizapp.store import Store

LABELS = {1: "unsure", 2: "fairly sure", 3: "sure"}


@dataclass(frozen=True)
class Level:
    level: int
    label: str
    answers: int
    recalled: int
    mean_score: float | None

    @property
    def recall_rate(self) -> float | None:
        return self.recalled / self.answers if self.answers else None


def calibration(store: Store) -> tuple[Level, ...]:
    """One row per confidence level (all three, empty ones with zero answers)."""
    rows = {
        r[0]: r
        for r in store.conn.execute(
            "SELECT confidence, COUNT(*), SUM(rating > 1), AVG(score) FROM reviews"
            " WHERE confidence IS NOT NULL AND id NOT IN (SELECT review_id FROM undos)"
            " GROUP BY confidence"
        )
    }
    out = []
    for level, label in LABELS.items():
        row = rows.get(level)
        out.append(
            Level(level, label, row[1], row[2] or 0, row[3])
            if row
            else Level(level, label, 0, 0, None)
        )
    return tuple(out)


def calibration_png(levels: Sequence[Level], path: Path | str) -> Path:
    """Recall rate and mean score per confidence level, as grouped bars."""
    from quizapp.charts import _figure, _no_data, _save

    figure = _figure(5, 3)
    ax = figure.add_subplot()
    shown = [lv for lv in levels if lv.answers]
    if not shown:
        _no_data(ax, "No answers with a confidence yet")
        return _save(figure, path)
    xs = list(range(len(shown)))
    ax.bar([x - 0.2 for x in xs], [lv.recall_rate for lv in shown], 0.4, label="recalled")
    ax.bar(
        [x + 0.2 for x in xs],
        [lv.mean_score or 0 for lv in shown],
        0.4,
        label="mean score",
        hatch="//",
    )
    ax.set_xticks(xs, [f"{lv.label}\n({lv.answers})" for lv in shown])
    ax.set_ylim(0, 1)
    ax.set_ylabel("share")
    ax.set_title("Calibration: confidence against results")
    ax.legend(fontsize=8)
    return _save(figure, path)

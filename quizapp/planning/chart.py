"""The plan's forecast drawn: a text chart for the terminal and a PNG.

The PNG uses quizapp.charts' Agg-canvas figure (no pyplot state), so matplotlib is imported only
when a PNG is asked for.
"""

from __future__ import annotations

from pathlib import Path

from quizapp.planning.planner import Plan

BAR_WIDTH = 30  # characters for 100% recall: a row fits in 80 columns
BLOCKS = " ▏▎▍▌▋▊▉█"


def _bar(fraction: float, width: int = BAR_WIDTH) -> str:
    eighths = round(max(0.0, min(fraction, 1.0)) * width * 8)
    full, part = divmod(eighths, 8)
    return ("█" * full + (BLOCKS[part] if part else "")).ljust(width)


def text_chart(plan: Plan) -> list[str]:
    """One line a day: date, work, minutes, and predicted recall on the date (bar and %)."""
    lines = [f"{'day':<10} {'new':>4} {'rev':>4} {'min':>5}  recall on the date"]
    for day in plan.days:
        lines.append(
            f"{day.day:%a %d %b} {len(day.new):>4} {len(day.reviews):>4} {day.minutes:>5.1f}"
            f"  {_bar(day.recall_on_date)} {day.recall_on_date:>4.0%}"
        )
    return lines


def plan_png(plan: Plan, path: Path | str) -> Path:
    """Predicted recall (that day, and on the date) by study day, over minutes studied."""
    from quizapp.charts import _figure, _save

    figure = _figure(7, 3.2)
    ax = figure.add_subplot()
    days = [d.day for d in plan.days]
    ax.bar(days, [d.minutes for d in plan.days], color="#c8d6ea", label="minutes studied")
    ax.set_ylabel("minutes")
    ax.set_ylim(0, max(plan.minutes_per_day, 1) * 1.1)
    recall = ax.twinx()
    recall.plot(days, [d.recall_on_date for d in plan.days], "o-", label="recall on the date")
    recall.plot(days, [d.recall_today for d in plan.days], "s--", label="recall that day")
    recall.set_ylim(0, 1.02)
    recall.set_ylabel("predicted recall")
    recall.legend(loc="lower right", fontsize=8)
    ax.set_title(
        f"Plan for {plan.target:%d %b %Y}: {plan.cards} cards, {plan.minutes_per_day:g} min/day"
    )
    figure.autofmt_xdate()
    return _save(figure, path)

"""The statistics as PNG files: a review calendar, the workload forecast, retention and quizzes.

The charts take the plain series from :mod:`quizapp.stats`, not the store, so the TUI can read the
data on its own thread and draw in a worker. matplotlib (and with it numpy) is imported inside
the functions, never at import time, and each figure is a ``Figure`` on an Agg canvas rather than
a pyplot figure: no global state, so drawing is safe off the main thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from quizapp.forecast import Forecast, summary_line
from quizapp.stats import Bucket, StatsSnapshot, pooled_rate, snapshot
from quizapp.store import Store

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

DPI = 120
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
EMPTY_CELL = "#ebedf0"  # a study day without reviews, as on GitHub
BAR = "#3b7dd8"
NEW_BAR = "#9cc3f5"  # new cards, hatched too: told apart without colour
MOVING_MEAN = 5  # quizzes averaged in the trend line once there are many
FILES = {
    "heatmap": "reviews-heatmap.png",
    "forecast": "workload-forecast.png",
    "retention": "retention-by-interval.png",
    "quiz_trend": "quiz-trend.png",
}


def default_export_dir() -> Path:
    """``charts/`` next to the database: the user's data folder, or wherever QUIZAPP_DB points."""
    from quizapp.paths import default_db_path

    return default_db_path().parent / "charts"


def _figure(width: float, height: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _save(figure: Figure, path: Path | str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png", dpi=DPI, facecolor="white")
    return path


def _no_data(ax: Axes, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#666666")


def heatmap_png(data: Sequence[tuple[date, int]], path: Path | str) -> Path:
    """A GitHub-style calendar: one column per week (Monday first), one row per weekday."""
    import numpy as np
    from matplotlib import colormaps
    from matplotlib.colors import ListedColormap

    figure = _figure(12, 2.9)
    ax = figure.add_subplot()
    total = sum(count for _, count in data)
    active = sum(1 for _, count in data if count)
    if not data:
        _no_data(ax, "No days to show")
        return _save(figure, path)
    first = data[0][0]
    week_zero = first - timedelta(days=first.weekday())
    weeks = (data[-1][0] - week_zero).days // 7 + 1
    grid = np.full((7, weeks), np.nan)
    for day, count in data:
        grid[day.weekday(), (day - week_zero).days // 7] = count
    # Greens from a fifth of the way in, so a day with one review is visibly green, not white;
    # days without reviews sit below vmin=1 and take the grey "under" colour.
    cmap = ListedColormap(colormaps["Greens"](np.linspace(0.2, 1.0, 256))).with_extremes(
        under=EMPTY_CELL
    )
    peak = int(np.nanmax(grid))
    mesh = ax.pcolormesh(
        np.ma.masked_invalid(grid),
        cmap=cmap,
        vmin=1,
        vmax=max(peak, 2),  # a colour scale needs two ends, even before any review
        edgecolors="white",
        linewidth=1.5,
    )
    ax.set_aspect("equal")
    ax.invert_yaxis()
    ax.set_yticks([i + 0.5 for i in range(7)], WEEKDAYS, fontsize=8)
    ticks, labels = [], []
    for column in range(weeks):
        monday = week_zero + timedelta(days=7 * column)
        for offset in range(7):
            day = monday + timedelta(days=offset)
            if day.day == 1:  # label the week in which a month starts
                ticks.append(column + 0.5)
                labels.append(day.strftime("%b %Y" if day.month == 1 else "%b"))
    ax.set_xticks(ticks, labels, fontsize=8)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlabel("week (labels mark the first week of each month)")
    ax.set_ylabel("weekday")
    ax.set_title(
        f"Reviews per study day, {first:%d %b %Y} to {data[-1][0]:%d %b %Y}: "
        f"{total:,} reviews on {active} days"
    )
    bar = figure.colorbar(mesh, ax=ax, extend="min", shrink=0.8, pad=0.01)
    bar.set_label("reviews (grey: none)")
    bar.ax.yaxis.get_major_locator().set_params(integer=True)
    return _save(figure, path)


def workload_png(result: Forecast, path: Path | str) -> Path:
    """Expected answers on each coming study day: reviews, with new cards stacked on top.

    Today's bar includes everything overdue. The numbers are expected counts (see
    :mod:`quizapp.forecast`), rounded for the labels.
    """
    figure = _figure(10, 3.8)
    ax = figure.add_subplot()
    days = result.days
    reviews = [d.reviews for d in days]
    new = [d.new for d in days]
    positions = range(len(days))
    ax.bar(positions, reviews, color=BAR, width=0.8, label="reviews")
    stacked = ax.bar(
        positions, new, bottom=reviews, color=NEW_BAR, width=0.8, hatch="//", label="new cards"
    )
    totals = [round(d.total) for d in days]
    ax.bar_label(stacked, labels=[str(t) if t else "" for t in totals], fontsize=7, padding=1)
    ticks = list(range(0, len(days), 7))
    ax.set_xticks(
        ticks, ["today" if i == 0 else f"{days[i].day:%a %d %b}" for i in ticks], fontsize=8
    )
    ax.set_xlim(-0.6, max(len(days), 1) - 0.4)
    ax.set_ylim(0, max([*(d.total for d in days), 1]) * 1.15)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.grid(True, axis="y", alpha=0.3)
    ax.set_xlabel("study day")
    ax.set_ylabel("answers expected")
    if any(new):
        # Outside the axes, right: inside it would cover the labels of some bars.
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(f"Workload, next {len(days)} days: {summary_line(result)}", fontsize=10)
    if not any(totals):
        _no_data(ax, "Nothing falls due in this period")
    return _save(figure, path)


def retention_png(buckets: Sequence[Bucket], path: Path | str, target: float | None = None) -> Path:
    """Share of review-state cards recalled, by days since their previous review."""
    figure = _figure(8, 4.2)
    ax = figure.add_subplot()
    positions = range(len(buckets))
    rates = [(b.rate or 0.0) * 100 for b in buckets]
    ax.bar(positions, rates, color=BAR, width=0.7)
    for x, bucket in zip(positions, buckets, strict=True):
        note = f"{bucket.rate:.0%}\n{bucket.recalled}/{bucket.total}" if bucket.total else "none"
        ax.text(x, (bucket.rate or 0.0) * 100 + 1.5, note, ha="center", va="bottom", fontsize=8)
    if target is not None:
        ax.axhline(target * 100, color="#c0392b", linestyle="--", linewidth=1)
        ax.text(
            len(buckets) - 0.5,
            target * 100 - 1.5,
            f"target {target:.0%}",
            ha="right",
            va="top",
            fontsize=8,
            color="#c0392b",
        )
    ax.set_xticks(list(positions), [b.label for b in buckets])
    ax.set_ylim(0, 115)
    ax.set_yticks(range(0, 101, 20))
    ax.grid(True, axis="y", alpha=0.3)
    ax.set_xlabel("days since the card's previous review")
    ax.set_ylabel("recalled (%)")
    overall = pooled_rate(buckets)
    total = sum(b.total for b in buckets)
    ax.set_title(
        "True retention by interval"
        + (f": {overall:.0%} of {total:,} reviews recalled" if overall is not None else "")
    )
    if not total:
        _no_data(ax, "No reviews of cards in review yet")
    return _save(figure, path)


def quiz_trend_png(points: Sequence[tuple[datetime, float]], path: Path | str) -> Path:
    """Each finished quiz's score over time, in local time."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    figure = _figure(8, 4)
    ax = figure.add_subplot()
    ax.set_ylim(0, 105)
    ax.set_ylabel("score (%)")
    ax.set_xlabel("quiz finished")
    ax.grid(True, alpha=0.3)
    if not points:
        ax.set_title("Quiz scores")
        ax.set_xticks([])
        _no_data(ax, "No finished quizzes yet")
        return _save(figure, path)
    # Naive local times: matplotlib would otherwise label the axis in UTC.
    when = [moment.astimezone().replace(tzinfo=None) for moment, _ in points]
    scores = [score * 100 for _, score in points]
    many = len(points) >= 2 * MOVING_MEAN
    ax.plot(
        when,
        scores,
        marker="o",
        markersize=3 if many else 4,
        linewidth=0.8 if many else 1.5,
        color=BAR,
        alpha=0.45 if many else 1.0,
        label="score",
    )
    if many:  # a noisy series reads better through its moving mean
        windows = [scores[max(0, i - MOVING_MEAN + 1) : i + 1] for i in range(len(scores))]
        moving = [sum(window) / len(window) for window in windows]
        ax.plot(when, moving, color="#1b4f9c", linewidth=2.2, label=f"mean of last {MOVING_MEAN}")
    mean = sum(scores) / len(scores)
    ax.axhline(mean, color="#888888", linestyle="--", linewidth=1, label=f"mean {mean:.0f}%")
    if len(points) == 1:
        ax.set_xlim(when[0] - timedelta(days=1), when[0] + timedelta(days=1))
    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.legend(fontsize=8, loc="lower right")
    quizzes = "1 quiz" if len(points) == 1 else f"{len(points)} quizzes"
    ax.set_title(f"Quiz scores: {quizzes}, latest {scores[-1]:.0f}%")
    return _save(figure, path)


def write_all(snap: StatsSnapshot, folder: Path | str) -> list[Path]:
    """Draw the four charts of ``snap`` into ``folder`` (created if needed), replacing old ones."""
    folder = Path(folder)
    return [
        heatmap_png(snap.reviews_per_day, folder / FILES["heatmap"]),
        workload_png(snap.workload, folder / FILES["forecast"]),
        retention_png(snap.retention, folder / FILES["retention"]),
        quiz_trend_png(snap.quiz_trend, folder / FILES["quiz_trend"]),
    ]


def export_all(store: Store, now: datetime, folder: Path | str) -> list[Path]:
    """Read the statistics and write every chart as a PNG; returns the files written."""
    return write_all(snapshot(store, now), folder)

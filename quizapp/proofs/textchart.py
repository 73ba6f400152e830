"""A compact terminal chart of a proof's main panel, drawn with plotext.

`draw` works on any plotext-like object: the `plotext` module itself (the CLI) or the `plt` of a
textual-plotext `PlotextPlot` widget (the app), which brings its own theme. `text_chart` is the
CLI's colourless version and returns the chart as a string.
"""

from __future__ import annotations

import math
import threading
from typing import Any

from quizapp.proofs.model import Panel, Proof, Series

# Colourless charts tell series apart by their marker alone.
MARKERS = ("•", "x", "+", "o", "*", "#", "@", "%")

# The plotext module is one global figure; serialise the CLI's use of it.
_PLOTEXT_LOCK = threading.Lock()


def _plottable(series: Series, panel: Panel) -> tuple[list[float], list[float]]:
    """The points plotext can draw: finite, and positive on log axes (plotext has no symlog)."""
    xs, ys = [], []
    for x, y in zip(series.x, series.y, strict=True):
        if not (math.isfinite(x) and math.isfinite(y)):
            continue
        if (panel.xscale == "log" and x <= 0) or (panel.yscale == "log" and y <= 0):
            continue
        xs.append(x)
        ys.append(y)
    return xs, ys


def _axis(values: list[float], log: bool) -> list[float]:
    return [math.log10(v) for v in values] if log else list(values)


def _y_range(
    panel: Panel, points: list[tuple[float, float]], labels: list[str], width: int, height: int
) -> tuple[float, float]:
    """The y range to draw, in plot units (log10 on log axes), with headroom for the legend.

    plotext always puts the legend in the top left corner, over the data. When some point
    would sit under it, the top of the range is raised until the legend clears the data.
    """
    xlog, ylog = panel.xscale == "log", panel.yscale == "log"
    xs = _axis([x for x, _ in points], xlog)
    ys = _axis([y for _, y in points], ylog)
    if panel.ylim is not None:
        low, high = _axis(list(panel.ylim), ylog)
    else:
        low, high = min(ys), max(ys)
    if high <= low:
        high = low + 1.0
    rows = max(1, height - 5)  # frame, tick labels, title and axis label take the rest
    cols = max(1, width - 10)
    legend_rows = len(labels)
    if not legend_rows or legend_rows >= rows:
        return low, high
    legend_cols = max(len(label) for label in labels) + 4
    x_low, x_high = min(xs), max(xs)
    x_edge = x_low + (x_high - x_low or 1.0) * legend_cols / cols
    y_edge = high - (high - low) * legend_rows / rows
    if any(x <= x_edge and y_edge <= y <= high for x, y in zip(xs, ys, strict=True)):
        high = high + (high - low) * legend_rows / (rows - legend_rows)
    return low, high


def _decade_ticks(values: list[float], most: int = 6) -> tuple[list[float], list[str]]:
    """Tick positions at powers of ten with short labels; plotext's own log labels are long
    decimals ("0.000000000006")."""
    # Only decades inside the data range: plotext squeezes ticks outside it onto the frame,
    # where they collide with the x tick labels.
    low = math.ceil(math.log10(min(values)) - 1e-9)
    high = math.floor(math.log10(max(values)) + 1e-9)
    if high <= low:  # less than a decade: label both ends instead
        return [min(values), max(values)], [f"{min(values):.2g}", f"{max(values):.2g}"]
    step = max(1, math.ceil((high - low) / (most - 1)))
    exponents = range(low, high + 1, step)
    labels = [f"1e{k}" if abs(k) >= 3 else f"{10.0**k:g}" for k in exponents]
    return [10.0**k for k in exponents], labels


def _fit(*texts: str, width: int) -> str:
    """The first text that fits on one chart line (plotext drops a title that is too long)."""
    for text in texts:
        if len(text) <= width - 4:
            return text
    return texts[-1][: width - 5] + "…"


def draw(proof: Proof, plt: Any, width: int, height: int, distinct_markers: bool = False) -> None:
    """Draw the proof's main panel on `plt` (plotext or a textual-plotext Plot), width x height.

    Clears `plt` first. With `distinct_markers` each series gets its own character, for output
    without colours. Symlog axes are drawn linear, because plotext only knows linear and log.
    """
    plt.clf()
    plt.plotsize(width, height)
    panel = proof.main_panel
    points: list[tuple[float, float]] = []
    labels: list[str] = []
    # Reference lines first, so the data are drawn over them.
    ordered = sorted(enumerate(panel.series), key=lambda item: item[1].kind != "dashed")
    for index, series in ordered:
        xs, ys = _plottable(series, panel)
        if not xs:
            continue
        points += zip(xs, ys, strict=True)
        marker = MARKERS[index % len(MARKERS)] if distinct_markers else None
        label = None if series.label.startswith("_") else series.label
        if label:
            labels.append(label)
        if series.kind in ("points", "bar"):
            plt.scatter(xs, ys, label=label, marker=marker)
        else:
            plt.plot(xs, ys, label=label, marker=marker)
    if points:
        if panel.xscale == "log":
            plt.xscale("log")
            plt.xticks(*_decade_ticks([x for x, _ in points]))
        if panel.yscale == "log":
            plt.yscale("log")
        low, high = _y_range(panel, points, labels, width, height)
        plt.ylim(low, high)  # plotext takes log10 limits on a log axis
        if panel.yscale == "log":
            plt.yticks(*_decade_ticks([10.0**low, 10.0**high]))
    # plotext prints the y label at the bottom left, on the x label's line, and silently drops
    # the x label when they would overlap; move a long y label into the title instead.
    if len(panel.ylabel) + 2 <= (width - len(panel.xlabel)) // 2:
        plt.title(_fit(panel.title, width=width))
        plt.ylabel(panel.ylabel)
    else:
        plt.title(_fit(f"{panel.title}; y: {panel.ylabel}", f"y: {panel.ylabel}", width=width))
    plt.xlabel(panel.xlabel)


def text_chart(proof: Proof, width: int = 72, height: int = 18) -> str:
    """The main panel as a plain-text chart (no colour codes), for the CLI."""
    import plotext

    with _PLOTEXT_LOCK:
        draw(proof, plotext, width, height, distinct_markers=True)
        plotext.theme("clear")  # after draw: clf() resets the theme
        chart = plotext.uncolorize(plotext.build())
        plotext.clf()
    return "\n".join(line.rstrip() for line in chart.splitlines())

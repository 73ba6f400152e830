"""Compact terminal charts of a proof's panels, drawn with plotext.

`draw` works on any plotext-like object: the `plotext` module itself (the CLI) or the `plt` of a
textual-plotext `PlotextPlot` widget (the app), which brings its own theme. `text_chart` is the
CLI's colourless version and returns the chart as a string.
"""

from __future__ import annotations

import math
import threading
from typing import Any

from quizapp.proofs.model import Panel, Proof, Series
from quizapp.proofs.rowgrid import decade_text, row_grid

# Colourless charts tell series apart by their marker alone.
MARKERS = ("•", "x", "+", "o", "*", "#", "@", "%")

# Rows of a chart that are not canvas: the frame's top and bottom, the x tick labels, the title
# line and the x label line (plotext's layout, with the title and x label always set here).
FURNITURE_ROWS = 5

# A terminal cell is about twice as tall as it is wide: equal axes give a row twice a column's
# share of the data.
CELL_ASPECT = 2.0

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


def _y_range(panel: Panel, points: list[tuple[float, float]]) -> tuple[float, float]:
    """The y range to draw, in plot units (log10 on log axes): the panel's own limits when it
    sets them, otherwise exactly the data's range. Nothing is added for the legend, which is
    printed below the chart rather than over the data."""
    ylog = panel.yscale == "log"
    if panel.ylim is not None:
        low, high = _axis(list(panel.ylim), ylog)
    else:
        ys = _axis([y for _, y in points], ylog)
        low, high = min(ys), max(ys)
    if high <= low:
        pad = abs(low) * 0.05 or 1.0
        low, high = low - pad, high + pad
    return low, high


def markers(panel: Panel) -> list[str]:
    """One marker per series: each legend entry its own, and a hidden series ("_" label, e.g.
    one of a bundle of restarts) the marker of the visible series it belongs to (same colour,
    else the one before it), so that every marker on the chart is in the legend."""
    chosen: list[str] = []
    visible: list[tuple[str | None, str]] = []  # (colour, marker) of each legend entry so far
    for series in panel.series:
        if not series.label.startswith("_"):
            marker = MARKERS[len(visible) % len(MARKERS)]
            visible.append((series.color, marker))
        else:
            same = [m for colour, m in visible if colour == series.color and colour is not None]
            marker = same[-1] if same else (visible[-1][1] if visible else MARKERS[0])
        chosen.append(marker)
    return chosen


def legend(panel: Panel) -> list[tuple[str, str]]:
    """(marker, label) for every series shown in the legend, in panel order. A text chart
    zoomed to the panel's `text_view` says which series it leaves out ("off the chart")."""
    view = panel.text_view
    return [
        (
            marker,
            series.label
            if view is None or _inside(series, view)
            else f"{series.label} (off the chart)",
        )
        for series, marker in zip(panel.series, markers(panel), strict=True)
        if not series.label.startswith("_")
    ]


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
    return [10.0**k for k in exponents], [decade_text(k) for k in exponents]


def _whole_ticks(low: int, high: int, most: int = 7) -> tuple[list[int], list[str]]:
    """Whole-number x ticks (layers, degrees, counts, steps) every 1, 2 or 5 x 10^k, at most
    `most` of them."""
    steps = (n * 10**k for k in range(12) for n in (1, 2, 5))
    step = next(s for s in steps if (high - low) // s + 1 <= most)
    ticks = list(range(-(-low // step) * step, high + 1, step))
    return ticks, [str(t) for t in ticks]


def _fit(*texts: str, width: int) -> str:
    """The first text that fits on one chart line (plotext drops a title that is too long)."""
    for text in texts:
        if len(text) <= width - 4:
            return text
    return texts[-1][: width - 5] + "…"


def draw(proof: Proof, plt: Any, width: int, height: int, panel: int = 0) -> list[tuple[str, str]]:
    """Draw panel number `panel` of the proof on `plt` (plotext or a textual-plotext Plot)."""
    return draw_panel(proof.panels[panel], plt, width, height)


def draw_panel(shown: Panel, plt: Any, width: int, height: int) -> list[tuple[str, str]]:
    """Draw one panel (of a finished proof, or a live frame's) on `plt`.

    Clears `plt` first. Every series gets a marker character of its own (see `markers`), so the
    chart reads without colour; the legend is returned as (marker, label) pairs for the caller
    to print under the chart. Bars are drawn as bars, side by side when a panel has several.
    Symlog axes are drawn linear (plotext knows only linear and log), and the title says so.
    """
    plt.clf()
    plt.plotsize(width, height)
    chosen = markers(shown)
    points: list[tuple[float, float]] = []
    bars = [s for s in shown.series if s.kind == "bar"]
    bar_width = 0.8 / max(1, len(bars))
    ylog = shown.yscale == "log"
    prepared = []
    for series in shown.series:
        xs, ys = _plottable(series, shown)
        if xs:
            points += zip(xs, ys, strict=True)
        prepared.append((series, xs, ys))
    view = shown.text_view
    if view is not None:
        low, high = view[2], view[3]
    else:
        low, high = _y_range(shown, points) if points else (0.0, 1.0)
    rows = height - FURNITURE_ROWS
    x_range = None
    if shown.equal_axes and points and not ylog and shown.xscale == "linear":
        xs = [x for x, _ in points]
        x_range = (view[0], view[1]) if view is not None else (min(xs), max(xs))
        low, high = _equal_aspect(x_range, low, high, width, rows)
    grid = row_grid(low, high, rows, log=ylog, fixed=shown.ylim is not None)
    if x_range is not None:  # the y grid may have widened to round ticks: x follows it
        x_range = _equal_aspect_x(x_range, grid.high - grid.low, grid.labels, width, rows)
    # Reference lines first, so the data are drawn over them; measured points last, so a point
    # that sits on the curve it is compared with still shows (the curve drew over it before).
    layer = {"dashed": 0, "points": 2}
    order = sorted(range(len(prepared)), key=lambda i: layer.get(prepared[i][0].kind, 1))
    for index in order:
        series, xs, ys = prepared[index]
        if not xs:
            continue
        marker = chosen[index]
        if series.kind == "bar":
            offset = (bars.index(series) - (len(bars) - 1) / 2) * bar_width
            bottom = 10.0**grid.low if ylog else min(0.0, grid.low)
            plt.bar([x + offset for x in xs], ys, marker=marker, width=bar_width, minimum=bottom)
        elif series.kind == "points":
            plt.scatter(xs, ys, marker=marker)
        else:
            plt.plot(xs, ys, marker=marker)
    bar_x = sorted({x for s in bars for x in s.x})
    if bar_x and all(x == int(x) for x in bar_x) and len(bar_x) <= 20:
        plt.xticks(bar_x, [str(int(x)) for x in bar_x])  # categories, not 1.2, 2.2, ...
    elif points and shown.xscale == "linear":
        xs = [x for x, _ in points]
        if all(x == int(x) for x in xs) and max(xs) > min(xs):
            plt.xticks(*_whole_ticks(int(min(xs)), int(max(xs))))  # layers, not 6.8 and 12.5
    if points:
        if shown.xscale == "log":
            plt.xscale("log")
            plt.xticks(*_decade_ticks([x for x, _ in points]))
        if ylog:
            plt.yscale("log")
        plt.ylim(grid.low, grid.high)  # plotext takes log10 limits on a log axis
        if x_range is not None:
            plt.xlim(*x_range)
        elif view is not None:
            plt.xlim(view[0], view[1])
        if grid.ticks:  # ticks in data units: plotext takes their log10 itself
            values = [10.0**t for t in grid.ticks] if ylog else list(grid.ticks)
            plt.yticks(values, list(grid.labels))
    title = shown.title + (
        " (symlog axis drawn linear)" if "symlog" in (shown.xscale, shown.yscale) else ""
    )
    # plotext prints the y label at the bottom left, on the x label's line, and silently drops
    # the x label when they would overlap; move a long y label into the title instead.
    if len(shown.ylabel) + 2 <= (width - len(shown.xlabel)) // 2:
        plt.title(_fit(title, shown.title, width=width))
        plt.ylabel(shown.ylabel)
    else:
        plt.title(_fit(f"{title}; y: {shown.ylabel}", f"y: {shown.ylabel}", width=width))
    plt.xlabel(shown.xlabel)
    return legend(shown)


def _canvas_columns(width: int, labels: tuple[str, ...]) -> int:
    """plotext's canvas width: the chart less the y tick labels, their tick mark and the frame."""
    return max(width - max((len(label) for label in labels), default=1) - 3, 2)


def _x_per_y(width: int, labels: tuple[str, ...], rows: int) -> float:
    """How much x span equal axes give per unit of y span on this canvas: a column holds half
    a row's share of the data (CELL_ASPECT), and there are more columns than rows."""
    columns = _canvas_columns(width, labels)
    return max(columns - 1, 1) / (max(rows - 1, 1) * CELL_ASPECT)


def _equal_aspect(
    x_range: tuple[float, float], low: float, high: float, width: int, rows: int
) -> tuple[float, float]:
    """The y range, widened about its middle when the x range needs more rows than it has."""
    needed = (x_range[1] - x_range[0]) / _x_per_y(width, (f"{low:.2f}", f"{high:.2f}"), rows)
    if needed <= high - low:
        return low, high
    middle = (low + high) / 2
    return middle - needed / 2, middle + needed / 2


def _equal_aspect_x(
    x_range: tuple[float, float], y_span: float, labels: tuple[str, ...], width: int, rows: int
) -> tuple[float, float]:
    """The x range, centred on the given one, that equal axes give the final y span."""
    span = max(y_span * _x_per_y(width, labels, rows), x_range[1] - x_range[0])
    middle = (x_range[0] + x_range[1]) / 2
    return middle - span / 2, middle + span / 2


def _inside(series: Series, view: tuple[float, float, float, float]) -> bool:
    return any(
        view[0] <= x <= view[1] and view[2] <= y <= view[3]
        for x, y in zip(series.x, series.y, strict=True)
    )


def legend_lines(entries: list[tuple[str, str]], width: int) -> list[str]:
    """The legend as lines of at most `width` columns: "• label   x other label"."""
    lines: list[str] = []
    current = ""
    for marker, label in entries:
        item = f"{marker} {label}"
        if len(item) > width:
            item = item[: width - 1] + "…"
        if current and len(current) + 3 + len(item) > width:
            lines.append(current)
            current = item
        else:
            current = f"{current}   {item}" if current else item
    if current:
        lines.append(current)
    return lines


def text_chart(proof: Proof, width: int = 72, height: int = 18, panel: int = 0) -> str:
    """One panel as a plain-text chart (no colour codes) with its legend below, for the CLI."""
    import plotext

    with _PLOTEXT_LOCK:
        entries = draw(proof, plotext, width, height, panel)
        plotext.theme("clear")  # after draw: clf() resets the theme
        chart = plotext.uncolorize(plotext.build())
        plotext.clf()
    lines = [line.rstrip() for line in chart.splitlines()]
    return "\n".join(lines + legend_lines(entries, width))

"""Render any Proof as a matplotlib figure (PNG or SVG).

One generic renderer: a proof describes its panels (axes labels, scales, series and how to draw
each), and this module only lays them out. matplotlib is imported inside the functions, and the
figure is built on a `Figure` with an Agg canvas rather than through pyplot, so rendering keeps
no global state and works from a worker thread.
"""

from __future__ import annotations

import io
import math
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from quizapp.proofs.model import Panel, Proof

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure

FORMATS = ("png", "svg")
PANEL_SIZE = (5.2, 3.9)  # inches per panel
DPI = 110
# zlib's fastest level: a figure's PNG encode was a tenth of its render at the default level,
# for a file 8% larger (224 against 208 KB for l1-sparsity's five panels)
PNG_OPTIONS = {"pil_kwargs": {"compress_level": 1}}


def _grid(n: int) -> tuple[int, int]:
    """Rows and columns for n panels: one row up to three panels, then two columns."""
    if n <= 3:
        return 1, n
    return math.ceil(n / 2), 2


def _finite_pairs(x: tuple[float, ...], y: tuple[float, ...]) -> tuple[list[float], list[float]]:
    """Drop points that matplotlib cannot place (inf, nan) so a diverging run still plots."""
    pairs = [(a, b) for a, b in zip(x, y, strict=True) if math.isfinite(a) and math.isfinite(b)]
    return [a for a, _ in pairs], [b for _, b in pairs]


def _draw_panel(ax: Axes, panel: Panel) -> None:
    bars = [s for s in panel.series if s.kind == "bar"]
    bar_width = 0.8 / max(1, len(bars))
    for series in panel.series:
        x, y = _finite_pairs(series.x, series.y)
        style = {"label": series.label}
        if series.color:
            style["color"] = series.color
        if series.kind == "line":
            ax.plot(x, y, linewidth=1.8, **style)
        elif series.kind == "dashed":
            ax.plot(x, y, linestyle="--", linewidth=1.2, zorder=3, **style)
        elif series.kind == "points":
            ax.plot(x, y, linestyle="none", marker="o", markersize=4, **style)
        elif series.kind == "linepoints":
            ax.plot(x, y, marker="o", markersize=3.5, linewidth=1.5, **style)
        else:  # bar: side by side when a panel has several bar series
            offset = (bars.index(series) - (len(bars) - 1) / 2) * bar_width
            ax.bar([v + offset for v in x], y, width=bar_width, **style)
    for axis, scale in (("x", panel.xscale), ("y", panel.yscale)):
        setter = ax.set_xscale if axis == "x" else ax.set_yscale
        if scale == "symlog":
            setter("symlog", linthresh=panel.linthresh)
        else:
            setter(scale)
    xs = [v for s in panel.series for v in s.x]
    ys = [v for s in panel.series for v in s.y]
    if panel.xscale == "linear" and all(v == int(v) for v in xs) and max(xs) - min(xs) <= 40:
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # layers, degrees, counts
    if panel.ylim is not None:
        ax.set_ylim(*panel.ylim)
    elif panel.yscale == "symlog" and all(v >= 0 for v in ys):
        ax.set_ylim(bottom=0.0)  # otherwise symlog pads below zero with a negative decade
    if bars:
        ax.axhline(0.0, color="black", linewidth=0.6)
    if panel.equal_axes:
        ax.set_aspect("equal", adjustable="box")  # the box narrows; no data are cut off
        ax.set_anchor("W")  # at the left of its cell, the legend in the rest (below)
    ax.set_title(panel.title, fontsize=10, y=1.0)
    ax.set_xlabel(panel.xlabel)
    ax.set_ylabel(panel.ylabel)
    ax.grid(True, which="major", alpha=0.3)
    # Log axes' minor ticks (2..9 of every decade) were a quarter of a figure's render time
    # (CPU, seen side by side on bias-term, vanishing-gradients and batch-norm) for no number
    # anyone reads: the labelled decades and their grid stay.
    ax.minorticks_off()
    for axis, scale, values in ((ax.xaxis, panel.xscale, xs), (ax.yaxis, panel.yscale, ys)):
        if scale in ("log", "symlog"):
            _label_decades(axis)
        if scale == "log":
            _label_short_log_axis(axis, values)
    if panel.equal_axes:  # geometry leaves no empty corner for a legend: it goes beside it
        _legend_beside(ax)
    else:
        ax.legend(fontsize=7.5, framealpha=0.85)


LEGEND_GAP = 0.04  # between the axes and a legend beside them, as a share of the axes' width


def _legend_beside(ax: Axes) -> None:
    """The legend right of the axes and inside their cell: the axes get the width the legend
    leaves. A fixed share for the axes (60%) let a legend of long labels run off the figure."""
    cell = ax.get_position(original=True)  # the whole cell, not the box the aspect left
    legend = ax.legend(
        fontsize=7.5, loc="upper left", bbox_to_anchor=(1.0 + LEGEND_GAP, 1.0), borderaxespad=0
    )
    figure = ax.get_figure()
    renderer = figure.canvas.get_renderer()  # type: ignore[union-attr]
    share = legend.get_window_extent(renderer).width / figure.bbox.width  # type: ignore[union-attr]
    width = max((cell.width - share) / (1.0 + LEGEND_GAP), 0.3 * cell.width)
    ax.set_position((cell.x0, cell.y0, width, cell.height))


_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def decade_label(value: float, _position: object = None) -> str:
    """A log axis's tick label as plain text: "10⁻³" for a power of ten, else the number.

    matplotlib's own log labels are mathtext ("$10^{-3}$"), and building its mathtext parser
    was a fifth of the first figure of a process (pyparsing); the glyphs are the same font's.
    """
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    exponent = round(math.log10(abs(value)))
    if not math.isclose(abs(value), 10.0**exponent, rel_tol=1e-9):
        return f"{value:g}"
    sign = "−" if value < 0 else ""
    return f"{sign}10{str(exponent).translate(_SUPERSCRIPTS)}"


def _label_decades(axis: Axis) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(decade_label))


SHORT_LOG_SPAN = 2.0  # decades: a log axis spanning fewer gets ticks at 1, 2 and 5 of each


def _label_short_log_axis(axis: Axis, values: list[float]) -> None:
    """A log axis over less than two decades showed one labelled tick, or none (a training
    loss from 0.3 to 5 read "10^0" and nothing else): it gets 1-2-5 ticks in plain numbers."""
    from matplotlib.ticker import FuncFormatter, LogLocator

    shown = [v for v in values if math.isfinite(v) and v > 0]
    if not shown or math.log10(max(shown) / min(shown)) >= SHORT_LOG_SPAN:
        return
    axis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))


def build_figure(proof: Proof) -> Figure:
    """A matplotlib Figure (Agg canvas) with one axes per panel and the claim as its title."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows, cols = _grid(len(proof.panels))
    mark = "✓ holds" if proof.holds else "✗ does not hold"
    claim = textwrap.fill(proof.claim, width=int(13 * PANEL_SIZE[0] * cols), break_on_hyphens=False)
    heading = f"{proof.title}  ({mark}, seed {proof.seed})\n{claim}"
    header = 0.45 + 0.19 * (heading.count("\n") + 1)  # inches above the panels
    width, height = PANEL_SIZE[0] * cols, PANEL_SIZE[1] * rows + header
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    fig.suptitle(heading, fontsize=10.5, y=1.0 - 0.12 / height, va="top")
    # Fixed margins in inches instead of a layout engine: constrained layout draws the figure
    # an extra time and tripled the render time; every panel here has the same furniture.
    fig.subplots_adjust(
        left=0.85 / width,
        right=1.0 - 0.2 / width,
        bottom=0.55 / height,
        top=1.0 - header / height,
        wspace=0.38,
        hspace=0.3,
    )
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, panel in zip(axes, proof.panels, strict=False):
        _draw_panel(ax, panel)
    for ax in axes[len(proof.panels) :]:
        ax.set_visible(False)
    return fig


def panel_png(panel: Panel, width_px: int = 880, height_px: int = 480) -> bytes:
    """One panel alone as a PNG of about the given size: what the app shows inline in a
    terminal that can draw images (one panel at a time, like its text charts)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    width, height = width_px / DPI, height_px / DPI
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    fig.subplots_adjust(
        left=0.85 / width, right=1.0 - 0.2 / width, bottom=0.55 / height, top=1.0 - 0.4 / height
    )
    _draw_panel(fig.subplots(), panel)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", **PNG_OPTIONS)
    return buffer.getvalue()


def warm_up() -> None:
    """Import matplotlib and draw a line of text once, so the font and the text caches are
    loaded before the first figure is wanted."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(1.0, 0.5), dpi=DPI)
    FigureCanvasAgg(fig)
    fig.text(0.0, 0.5, "0123456789 warm-up")
    fig.canvas.draw()


def _format_of(path: Path) -> str:
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"cannot write {path.name!r}: the figure is written as .png or .svg")
    return fmt


def figure_bytes(proof: Proof, fmt: str = "png") -> bytes:
    """The figure encoded as PNG or SVG bytes (what the app shows or saves)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown figure format {fmt!r}; use one of {', '.join(FORMATS)}")
    buffer = io.BytesIO()
    build_figure(proof).savefig(buffer, format=fmt, **(PNG_OPTIONS if fmt == "png" else {}))
    return buffer.getvalue()


def render_figure(proof: Proof, path: str | Path) -> Path:
    """Write the figure to `path`; the suffix (.png or .svg) chooses the format."""
    path = Path(path)
    fmt = _format_of(path)
    path.write_bytes(figure_bytes(proof, fmt))
    return path

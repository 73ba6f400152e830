"""Y ticks for a terminal chart that name the values of the rows they sit on.

A text chart has a dozen rows. plotext draws row r of a canvas of n rows for the value
low + r (high - low) / (n - 1) (points are rounded to the nearest row) and puts each y tick on
the row nearest its value, so a tick labelled 0.87 sat on a row worth 0.79, and two series at
0.693 and 0.696 could be drawn a row apart under labels that put them 0.4 apart. Here the range
is widened a little, as matplotlib's is, until round tick values fall exactly on rows; where
the range is fixed (a probability axis, 0 to 1) or no round grid fits, the ticks are rows and
each is labelled with its own row's value.

Values are in plot units: the value itself on a linear axis, its log10 on a log axis (what
plotext takes for limits and ticks there).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

NICE = (1.0, 2.0, 2.5, 5.0)  # tick steps, times a power of ten
MIN_TICKS, MAX_TICKS = 3, 6
# Decades per row on a log axis, as fractions p/q: a whole decade falls on every q-th row (every
# p-th decade, counting from 10^0), e.g. 2/3: 1e-4, 0.01, 1, 100 three rows apart.
LOG_ROW_STEPS = tuple(
    Fraction(p, q)
    for p, q in (
        (1, 4), (1, 3), (2, 5), (1, 2), (3, 5), (2, 3), (3, 4), (4, 5), (1, 1), (5, 4), (4, 3),
        (3, 2), (5, 3), (2, 1), (5, 2), (3, 1), (4, 1), (5, 1), (6, 1), (8, 1), (10, 1),
        (12, 1), (15, 1), (20, 1), (25, 1), (30, 1), (50, 1), (100, 1),
    )
)  # fmt: skip
WIDEN = 0.5  # a round grid may widen the data's range by at most this share of it
LOG_WIDEN = 1.0  # or, on a log axis, by one decade if that is more


@dataclass(frozen=True)
class RowGrid:
    """The y limits to draw and the ticks, each on a row (plot units; see the module)."""

    low: float
    high: float
    ticks: tuple[float, ...]
    labels: tuple[str, ...]

    def row_of(self, value: float, rows: int) -> float:
        """The (fractional) canvas row of a value: ticks come out whole."""
        return (value - self.low) * (rows - 1) / (self.high - self.low)


def row_grid(
    low: float, high: float, rows: int, *, log: bool = False, fixed: bool = False
) -> RowGrid:
    """Limits and ticks for data spanning [low, high] on a canvas of `rows` rows.

    `fixed` keeps the limits as they are (the panel set them); otherwise they may widen to
    the nearest grid whose round ticks land on rows.
    """
    if rows < 2 or not high > low:
        return RowGrid(low, high, (), ())
    if not fixed:
        found = _log_grid(low, high, rows) if log else _linear_grid(low, high, rows)
        if found is not None:
            return found
    elif not log:
        found = _linear_grid(low, high, rows, fixed=True)
        if found is not None:
            return found
    return _row_labels(low, high, rows, log)


def _linear_grid(low: float, high: float, rows: int, fixed: bool = False) -> RowGrid | None:
    """The tightest limits whose row spacing divides a round tick step (1, 2, 2.5 or 5 x 10^k)."""
    span = high - low
    best: RowGrid | None = None
    for per_tick in range(1, rows):  # rows from one tick to the next
        if fixed:  # the rows are given: a tick every per_tick rows must be round, and on 0
            candidates = [span / (rows - 1) * per_tick]
            if not _is_round(candidates[0]) or not _whole(low / (candidates[0] / per_tick)):
                continue
        else:
            candidates = _round_steps(span * per_tick / (rows - 1))
        for step in candidates:
            spacing = step / per_tick
            bottom = low if fixed else math.floor(low / spacing + 1e-9) * spacing
            top = bottom + (rows - 1) * spacing
            if top < high - 1e-9 * span or (not fixed and top - bottom > span * (1 + WIDEN)):
                continue
            first = math.ceil(bottom / step - 1e-9)
            last = math.floor(top / step + 1e-9)
            count = last - first + 1
            if not MIN_TICKS <= count <= MAX_TICKS:
                continue
            if best is None or top - bottom < best.high - best.low - 1e-12 * span:
                ticks = tuple(k * step for k in range(first, last + 1))
                best = RowGrid(bottom, top, ticks, tuple(_number(t, step) for t in ticks))
    return best


def _log_grid(low: float, high: float, rows: int) -> RowGrid | None:
    """Limits in decades whose rows fall on whole decades, ticks at every t-th decade."""
    best: tuple[tuple[bool, float], RowGrid] | None = None
    span = high - low
    for step in LOG_ROW_STEPS:
        per_row = float(step)
        first_row = math.floor(low / per_row + 1e-9)  # rows counted from 10^0, which is on one
        bottom, top = first_row * per_row, (first_row + rows - 1) * per_row
        if top < high - 1e-9 or top - bottom > span + max(span * WIDEN, LOG_WIDEN):
            continue
        # decade k is on a row when k / (p/q) = k q / p is whole: k a multiple of p
        on_rows = [
            k
            for k in range(math.ceil(bottom - 1e-9), math.floor(top + 1e-9) + 1)
            if k % step.numerator == 0
        ]
        apart = on_rows[1] - on_rows[0] if len(on_rows) > 1 else 1  # decades between them
        every = next(e for e in range(1, len(on_rows) + 2) if len(on_rows) / e <= MAX_TICKS)
        ticks = tuple(k for k in on_rows if k % (every * apart) == 0)
        if len(ticks) < 2:
            continue
        rank = (len(ticks) < MIN_TICKS, top - bottom)  # three ticks if any grid has them
        if best is None or rank < best[0]:
            labels = tuple(map(decade_text, ticks))
            best = (rank, RowGrid(bottom, top, tuple(float(k) for k in ticks), labels))
    return None if best is None else best[1]


def _row_labels(low: float, high: float, rows: int, log: bool) -> RowGrid:
    """Ticks on every few rows, each labelled with that row's own value, to 3 digits; the row
    at zero (or 10^0) is one of them when there is such a row."""
    per_tick = max(1, math.ceil((rows - 1) / (MAX_TICKS - 1)))
    spacing = (high - low) / (rows - 1)
    zero_row = -low / spacing
    start = round(zero_row) % per_tick if _whole(zero_row) and 0 <= zero_row < rows else 0
    ticks = tuple(low + r * spacing for r in range(start, rows, per_tick))
    if log:
        labels = tuple(_short(10.0**t) for t in ticks)
    else:
        labels = tuple(_short(t, spacing) for t in ticks)
    return RowGrid(low, high, ticks, labels)


def _round_steps(least: float) -> list[float]:
    """Round steps (1, 2, 2.5, 5 x 10^k) from `least` up to ten times it, smallest first."""
    power = 10.0 ** math.floor(math.log10(least))
    steps = [n * power * scale for scale in (1.0, 10.0) for n in NICE]
    return [s for s in steps if s >= least * (1 - 1e-9)]


def _is_round(step: float) -> bool:
    power = 10.0 ** math.floor(math.log10(step) + 1e-9)
    return any(math.isclose(step, n * power, rel_tol=1e-9) for n in (*NICE, 10.0))


def _whole(value: float) -> bool:
    return abs(value - round(value)) < 1e-9


def _number(value: float, step: float) -> str:
    """A tick value with as many decimals as its step needs ("0.25", "1.5", "40")."""
    if abs(value) < step * 1e-6:
        return "0"
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    if not _whole(step * 10**decimals):
        decimals += 1  # 2.5, 0.25
    if abs(value) >= 1e5 or decimals > 4:  # as many digits as tell neighbouring ticks apart
        exponent = math.floor(math.log10(step) + 1e-9)
        own = 1 if _whole(step / 10.0**exponent) else 2  # 2.5 x 10^k has two digits
        digits = max(own, math.floor(math.log10(abs(value)) + 1e-9) - exponent + own)
        return f"{value:.{digits}g}"
    return f"{value:.{decimals}f}"


def decade_text(exponent: int) -> str:
    """A text chart's label for 10^exponent: "1e-5" and "1e3", or "0.01", "1", "100" nearer 1
    (plotext's own log labels are long decimals, "0.000000000006")."""
    return f"1e{exponent}" if abs(exponent) >= 3 else f"{10.0**exponent:g}"


def _short(value: float, spacing: float | None = None) -> str:
    """A row's value to three significant digits (more if its neighbours' would read the
    same), or a plain 0 for the row at zero."""
    if spacing is None:
        return f"{value:.3g}"
    if abs(value) < abs(spacing) * 1e-6:
        return "0"
    digits = math.floor(math.log10(abs(value))) - math.floor(math.log10(abs(spacing))) + 2
    return f"{value:.{max(3, digits)}g}"

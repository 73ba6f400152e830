"""Text charts' y ticks name the values of the rows they sit on (quizapp.proofs.rowgrid)."""

from __future__ import annotations

import math
import re

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quizapp.proofs.model import Check, Panel, Proof, Series
from quizapp.proofs.rowgrid import row_grid
from quizapp.proofs.textchart import FURNITURE_ROWS, text_chart


def _label_value(label: str, log: bool) -> float:
    value = float(label)
    return math.log10(value) if log else value


@settings(max_examples=400, deadline=None)
@given(
    low=st.floats(-1e6, 1e6),
    span=st.floats(1e-6, 1e6),
    rows=st.integers(5, 40),
    log=st.booleans(),
    fixed=st.booleans(),
)
def test_every_tick_is_on_a_row_and_its_label_is_that_rows_value(low, span, rows, log, fixed):
    if log:
        low, span = max(-100.0, min(low, 50.0)), min(span, 50.0)  # well inside 1e±308
    assume(span >= 1e-4 * max(1.0, abs(low)))  # data that vary by 0.01% of their size or more
    high = low + span
    grid = row_grid(low, high, rows, log=log, fixed=fixed)
    if fixed:
        assert (grid.low, grid.high) == (low, high)
    else:
        assert grid.low <= low + 1e-9 * span and grid.high >= high - 1e-9 * span
        assert grid.high - grid.low <= span + max(span * 0.5, 1.0 if log else 0.0) + 1e-9 * span
    assert len(grid.ticks) >= 2 and len(grid.ticks) == len(grid.labels)
    spacing = (grid.high - grid.low) / (rows - 1)
    for tick, label in zip(grid.ticks, grid.labels, strict=True):
        row = grid.row_of(tick, rows)
        assert abs(row - round(row)) < 1e-6 and -1e-6 <= row <= rows - 1 + 1e-6
        # the label is its row's value rounded to 3 digits: well within half a row
        rounding = math.log10(1.005) if log else 5e-3 * abs(tick)
        error = abs(_label_value(label, log) - tick)
        assert error <= max(0.05 * spacing, rounding), (label, tick)


def test_round_values_where_the_range_may_widen_a_little() -> None:
    assert row_grid(0.11, 2.39, 11).labels == ("0", "0.5", "1.0", "1.5", "2.0", "2.5")
    assert row_grid(0.0, 1.0, 11, fixed=True).labels == ("0", "0.2", "0.4", "0.6", "0.8", "1.0")
    assert row_grid(-4.05, 1.42, 11, log=True).labels == ("1e-4", "0.01", "1", "100")
    # a fixed symmetric range keeps zero among its ticks
    assert "0" in row_grid(-3.07, 3.07, 11, fixed=True).labels


def _rows_of(chart: str) -> list[str]:
    """The canvas rows of a text chart, top first (the lines between the frame's corners)."""
    lines = chart.splitlines()
    top = next(i for i, line in enumerate(lines) if "┌" in line)
    bottom = next(i for i, line in enumerate(lines) if "└" in line)
    return lines[top + 1 : bottom]


def test_a_flat_line_at_a_ticks_value_is_drawn_on_that_ticks_row() -> None:
    """Before, a tick labelled 0.87 sat on a row worth 0.79, and series at 0.693 and 0.696 were
    drawn a row apart under labels 0.4 apart."""
    for low, high, log in ((0.11, 2.39, False), (0.69, 0.71, False), (1e-12, 3.0, True)):
        steps = list(range(30))
        bounds = [Series("range", [0, 29], [low, high], "points")]
        height = 16
        grid = row_grid(
            *((math.log10(low), math.log10(high)) if log else (low, high)),
            height - FURNITURE_ROWS,
            log=log,
        )
        for tick, label in zip(grid.ticks, grid.labels, strict=True):
            value = 10.0**tick if log else tick
            panel = Panel(
                "t",
                "step",
                "y",
                (*bounds, Series("flat", steps, [value] * 30, "line")),
                yscale="log" if log else "linear",
            )
            proof = Proof("t", "t", "c", (Check("c", True, ""),), {}, (panel,), "e")
            rows = _rows_of(text_chart(proof, width=60, height=height))
            assert len(rows) == height - FURNITURE_ROWS
            (drawn,) = [r for r in rows if r.count("x") >= 20]  # the flat line's marker
            assert re.match(rf"\s*{re.escape(label)}┤", drawn), (label, drawn)

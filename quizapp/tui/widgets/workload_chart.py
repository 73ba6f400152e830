"""The 30-day workload forecast as text bars: one per day, with its date and its number.

Thirty one-line bars would not fit a stats screen at 80x24, and thirty columns leave no room for
numbers, so the days run down in as many columns as fit side by side (four at 80 columns: eight
rows), each day a label (``today``, then ``Tue 09``), the expected answers, and a bar on
one scale for the whole chart. New cards are the ``░`` part of a bar, a glyph and not only a
colour; the numbers come from :mod:`quizapp.forecast`, which also draws the same bars for
``quizapp stats``.
"""

from __future__ import annotations

from math import ceil

from textual.app import RenderResult
from textual.content import Content
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

from quizapp.forecast import Forecast, bar, label, number

LABEL = 6  # "today", "Tue 09"
MIN_BAR = 6  # cells: fewer and neighbouring days look alike
MAX_COLUMNS = 5  # 30 days in 6 rows at 100 columns; 4 columns of 8 rows at 80
GAP = 2


def layout(width: int, digits: int, days: int) -> tuple[int, int, int]:
    """(columns, rows, bar width) for ``days`` bars with numbers of ``digits`` in ``width``."""
    cell = LABEL + 1 + digits + 1 + MIN_BAR
    columns = max(1, min(MAX_COLUMNS, (width + GAP) // (cell + GAP), days))
    rows = ceil(days / columns) if days else 0
    column_width = (width - GAP * (columns - 1)) // columns
    return columns, rows, max(column_width - (LABEL + 1 + digits + 1), 1)


class WorkloadChart(Widget):
    """Expected answers per day for the next 30 days, day 0 (overdue included) first."""

    DEFAULT_CSS = """
    WorkloadChart {
        height: auto;
    }
    """

    result: reactive[Forecast | None] = reactive(None, layout=True)

    def _digits(self) -> int:
        peak = self.result.peak if self.result else None
        return len(number(peak.total, peak.total)) if peak else 1

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if not self.result or not self.result.total:
            return 1
        return layout(width, self._digits(), len(self.result.days))[1]

    def render(self) -> RenderResult:
        result = self.result
        if result is None:
            return Content("Reading the schedules…")
        if not result.total:
            return Content("Nothing falls due in the next 30 days, and no new cards wait.")
        peak = result.peak.total if result.peak else 0.0
        digits = self._digits()
        columns, rows, width = layout(self.size.width, digits, len(result.days))
        lines = []
        for row in range(rows):
            parts: list[str | tuple[str, str] | Content] = []
            for column in range(columns):
                index = column * rows + row
                if index >= len(result.days):
                    break
                day = result.days[index]
                reviews, new = bar(day, peak, width)
                if column:
                    parts.append(" " * GAP)
                parts += [
                    (label(day, index).ljust(LABEL), "bold" if index == 0 else "dim"),
                    f" {number(day.total, peak):>{digits}} ",
                    (reviews, "$primary"),
                    (new, "$secondary"),
                    " " * (width - len(reviews) - len(new)),
                ]
            lines.append(Content.assemble(*parts))
        return Content("\n").join(lines)

"""A table that draws only the rows on screen, so 10,000 cards open as fast as 10.

Textual's ``DataTable`` builds every row up front (~0.3 ms a row); this one is handed a row count
and a function that formats row ``i``, and calls it for the visible lines only. It keeps what the
browser needs: a header (click a column to sort), a highlighted row moved with the arrow keys,
page keys, home/end and the mouse, and a ``▶`` marker on the highlighted row so it reads without
colour.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

FLEX = 0  # a column width of FLEX takes whatever the fixed columns leave
MARKER = "▶ "


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int  # FLEX for the one column that takes the rest
    minimum: int = 8


def fit(text: str, width: int) -> str:
    """``text`` on one line, clipped with an ellipsis or padded to exactly ``width`` cells."""
    return pad(" ".join(text.split()), width)


def pad(text: str, width: int) -> str:
    """``text`` clipped with an ellipsis or padded to exactly ``width`` cells, spaces kept."""
    if len(text) > width:
        return text[: max(width - 1, 0)] + "…"
    return text.ljust(width)


class RowTable(ScrollView, can_focus=True):
    """Rows produced on demand by ``row_at(index)``; posts :class:`Highlighted` and
    :class:`HeaderClicked`."""

    DEFAULT_CSS = """
    RowTable {
        background: $surface;
        overflow-x: hidden;  /* rows fit the width left of the scrollbar: nothing to scroll to */
    }
    RowTable > .row-table--header {
        text-style: bold;
        background: $panel;
    }
    RowTable > .row-table--cursor {
        background: $accent 40%;
        text-style: bold;
    }
    RowTable:focus > .row-table--cursor {
        background: $accent;
    }
    RowTable > .row-table--even {
        background: $surface-lighten-1;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "row-table--header",
        "row-table--cursor",
        "row-table--even",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)

    @dataclass
    class Highlighted(Message):
        table: RowTable
        index: int

        @property
        def control(self) -> RowTable:
            return self.table

    @dataclass
    class HeaderClicked(Message):
        table: RowTable
        key: str

        @property
        def control(self) -> RowTable:
            return self.table

    def __init__(self, columns: Sequence[Column], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        self.count = 0
        self.row_at: Callable[[int], Sequence[str]] = lambda index: ()

    # -- content ---------------------------------------------------------------------------------

    def set_rows(self, count: int, row_at: Callable[[int], Sequence[str]], cursor: int = 0) -> None:
        """Show ``count`` rows, row ``i`` being ``row_at(i)``; highlight ``cursor``."""
        self.count = count
        self.row_at = row_at
        self.virtual_size = Size(self.size.width, count + 1)
        self.cursor = min(max(cursor, 0), max(count - 1, 0))
        self.refresh()

    def widths(self) -> list[int]:
        """Each column's width: the fixed ones as asked, the flexible one gets the rest."""
        room = self.scrollable_content_region.width - len(MARKER)
        fixed = sum(c.width + 1 for c in self.columns if c.width != FLEX)
        flex = max(room - fixed - 1, min(c.minimum for c in self.columns))
        return [c.width if c.width != FLEX else flex for c in self.columns]

    def _line(self, cells: Sequence[str], widths: list[int]) -> str:
        return " ".join(fit(cell, width) for cell, width in zip(cells, widths, strict=False))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        widths = self.widths()
        if y == 0:
            labels = [c.label for c in self.columns]
            text = " " * len(MARKER) + self._line(labels, widths)
            style = self.get_component_rich_style("row-table--header")
            return Strip([Segment(pad(text, width), style)])
        index = self.scroll_offset.y + y - 1
        base = self.rich_style
        if index >= self.count:
            return Strip([Segment(" " * width, base)])
        cells = self.row_at(index)
        marker = MARKER if index == self.cursor else " " * len(MARKER)
        text = pad(marker + self._line(cells, widths), width)
        if index == self.cursor:
            style = self.get_component_rich_style("row-table--cursor")
        elif index % 2:
            style = self.get_component_rich_style("row-table--even")
        else:
            style = base
        return Strip([Segment(text, style if isinstance(style, Style) else base)])

    # -- cursor ----------------------------------------------------------------------------------

    @property
    def page_rows(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def watch_cursor(self, cursor: int) -> None:
        top = self.scroll_offset.y
        if cursor < top:
            self.scroll_to(y=cursor, animate=False)
        elif cursor >= top + self.page_rows:
            self.scroll_to(y=cursor - self.page_rows + 1, animate=False)
        self.refresh()
        if self.count:
            self.post_message(self.Highlighted(self, cursor))

    def action_move(self, step: int) -> None:
        if self.count:
            self.cursor = min(max(self.cursor + step, 0), self.count - 1)

    def action_page(self, direction: int) -> None:
        self.action_move(direction * self.page_rows)

    def action_jump(self, where: int) -> None:
        if self.count:
            self.cursor = where if where >= 0 else self.count - 1

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, self.count + 1)

    def on_click(self, event: events.Click) -> None:
        y = event.y
        if y == 0:
            x, widths = event.x - len(MARKER), self.widths()
            for column, width in zip(self.columns, widths, strict=False):
                if x < width + 1:
                    self.post_message(self.HeaderClicked(self, column.key))
                    return
                x -= width + 1
            return
        index = self.scroll_offset.y + y - 1
        if 0 <= index < self.count:
            self.cursor = index

"""The four rating keys, as in Anki, each with the interval it would schedule next.

The suggested rating is preselected: enter (or space) accepts it, 1-4 pick one directly, left and
right move the selection. The bar never takes the focus: the review screen answers those keys
(:data:`RATING_BINDINGS`), because moving the focus onto the bar and back restyles both ends of
the move, a cost paid on every reveal and every next card.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from quizapp.schedule import RATINGS


class RatingChoice(Static):
    """One rating: its key, its name and the next interval; a click picks it."""

    def __init__(self, rating: int) -> None:
        super().__init__(id=f"rating-{rating}", classes=f"rating-{RATINGS[rating].lower()}")
        self.rating = rating
        self._shown: tuple[str, bool] | None = None

    def set_interval(self, interval: str, suggested: bool = False) -> None:
        """The key, the name and the next interval; the suggested one says so in words too.

        Unchanged text is not set again: an update re-lays out and redraws the choice, and
        consecutive new cards mostly show the same intervals."""
        if self._shown == (interval, suggested):
            return
        self._shown = (interval, suggested)
        self.update(
            Content.from_markup(
                "[b]$key[/b] $name\n[dim]$interval[/dim]",
                key=str(self.rating),
                name=RATINGS[self.rating],
                interval=f"{interval} · suggested" if suggested else interval,
            )
        )

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(RatingBar.Rated(self.rating))


#: The rating keys, answered by the screen that shows the bar (its actions ``rate(n)``,
#: ``accept_rating`` and ``move_rating(step)``); the help lists them under the bar's name.
RATING_BINDINGS: list[BindingType] = [
    *(Binding(str(n), f"rate({n})", RATINGS[n], show=False) for n in RATINGS),
    Binding("enter,space", "accept_rating", "Accept rating", key_display="enter"),
    Binding("left", "move_rating(-1)", "Previous", show=False),
    Binding("right", "move_rating(1)", "Next", show=False),
]


class RatingBar(Horizontal):
    """Again / Hard / Good / Easy with their intervals; posts :class:`Rated`."""

    selected: reactive[int] = reactive(3)
    _suggested: int = 3  # the rating marked "suggested" by the last set_choices

    @dataclass
    class Rated(Message):
        rating: int

    def compose(self) -> ComposeResult:
        for rating in RATINGS:
            yield RatingChoice(rating)

    def set_choices(self, intervals: dict[int, str], suggested: int) -> None:
        """Show each rating's next interval and preselect the suggested one."""
        self._suggested = suggested
        for choice in self.query(RatingChoice):
            choice.set_interval(intervals.get(choice.rating, ""), choice.rating == suggested)
        # The watcher would restyle the choices a second time: they are marked once, below.
        self.set_reactive(RatingBar.selected, suggested)
        self._mark_choices()

    def watch_selected(self, selected: int) -> None:
        self._mark_choices()

    def _mark_choices(self) -> None:
        """Classes ``-suggested`` and ``-selected`` on the right choices, with one restyle per
        choice whose classes changed (each restyle costs a fraction of a millisecond, on every
        reveal)."""
        for choice in self.query(RatingChoice):
            wanted = {
                "-suggested": choice.rating == self._suggested,
                "-selected": choice.rating == self.selected,
            }
            if any(choice.has_class(name) != on for name, on in wanted.items()):
                for name, on in wanted.items():
                    choice.set_class(on, name, update=False)
                choice.update_node_styles()

    def move(self, step: int) -> None:
        """Select the rating ``step`` places left (-1) or right (+1), within Again..Easy."""
        self.selected = min(max(self.selected + step, 1), len(RATINGS))

"""The footer line: the keys that work right now, drawn as one line of text.

Textual's ``Footer`` rebuilds one widget per key every time the bindings change. On the review
screen they change with every card (reveal, rate, focus moves), and on a slow machine that
rebuild was a tenth of a second per card. This widget renders the same information from
``screen.active_bindings`` as a single line, and a click on a key presses it.
"""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget

KEY_STYLE = "bold $footer-key-foreground"
DISABLED_STYLE = "$text-disabled"
SEPARATOR = "  "
#: On a narrow terminal these stay whatever else has to go: the ways out, and the help screen
#: that lists every key.
KEPT = ("Help", "Quit", "Home", "Back")
#: And these go first (they are also in the help screen).
DROPPED_FIRST = ("Bury", "Edit", "Sync", "Skip")
#: These go last of the rest: what the screen is for (the card's experiment, accepting the
#: suggested rating, revealing), so a narrow bar still shows them.
DROPPED_LAST = ("Prove it", "Accept rating", "Reveal", "Review")


class KeyBar(Widget):
    """What each currently active, shown binding does; the command palette key on the right."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[tuple[int, int, str]] = []  # (start, end, key) for clicks
        # The last line drawn, by what it was drawn from: the bindings "change" several times
        # per card (focus, phase) while the keys shown mostly stay the same.
        self._drawn: tuple[tuple, int, Content, list[tuple[int, int, str]]] | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        # The bindings "change" several times per card (focus, phase), and reading the active
        # ones costs about a millisecond each time. Repaints asked for in one frame are drawn
        # once, and render() reads the keys then, once, and reuses the line it drew when
        # they are the same.
        self.refresh()

    def items(self) -> list[tuple[str, str, str, bool]]:
        """(key, key as shown, description, enabled) for each action, in binding order."""
        palette_key = self.app.COMMAND_PALETTE_BINDING
        seen: set[str] = set()
        items = []
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.show or key == palette_key or binding.action in seen:
                continue
            seen.add(binding.action)
            items.append(
                (key, self.app.get_key_display(binding), binding.description, active.enabled)
            )
        return items

    def render(self) -> Content:
        items = self.items()
        key = (tuple(items), self.size.width)
        if self._drawn is not None and self._drawn[:2] == key:
            self._spans = self._drawn[3]
            return self._drawn[2]
        line = self._render_line(items)
        self._drawn = (*key, line, self._spans)
        return line

    def _render_line(self, items: list[tuple[str, str, str, bool]]) -> Content:
        right = Content.assemble(Content.styled("^p", KEY_STYLE), " palette ")
        room = self.size.width - right.cell_length - 1  # a space before "^p palette"
        # Too long for the terminal (80 columns): closer together first, then the screen's
        # least important keys go, never Help (it lists every key) or Quit.
        for separator in (SEPARATOR, " "):
            left = self._layout(items, separator)
            if left.cell_length <= room:
                break
        while left.cell_length > room:
            droppable = [i for i, item in enumerate(items) if item[2] not in KEPT]
            if not droppable:
                break
            first = [i for i in droppable if items[i][2] in DROPPED_FIRST]
            middle = [i for i in droppable if items[i][2] not in DROPPED_LAST]
            del items[(first or middle or droppable)[-1]]
            left = self._layout(items, " ")
        if left.cell_length > room:
            left = left.truncate(max(room - 1, 0), ellipsis=True)
        return Content.assemble(left, " " * max(room - left.cell_length, 0), right)

    def _layout(self, items: list[tuple[str, str, str, bool]], separator: str) -> Content:
        parts: list[Content] = [Content(" ")]
        self._spans = []
        position = 1
        for key, shown, description, enabled in items:
            piece = Content.assemble(
                Content.styled(shown, KEY_STYLE if enabled else DISABLED_STYLE),
                " ",
                Content.styled(description, "" if enabled else DISABLED_STYLE),
            )
            self._spans.append((position, position + piece.cell_length, key))
            parts += [piece, Content(separator)]
            position += piece.cell_length + len(separator)
        return Content.assemble(*parts[:-1]) if len(parts) > 1 else Content(" ")

    def on_click(self, event: events.Click) -> None:
        if event.x >= self.size.width - len("^p palette "):
            self.app.action_command_palette()
            return
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return

"""Messages the whole app listens to: the store opening, a sync finishing, a card being shown.

Workers post the first two from their threads (``post_message`` is thread-safe); widgets' own
messages are nested in the widget classes that send them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from quizapp.fitting.refit import Refit
    from quizapp.sync import SyncReport


@dataclass
class StoreOpened(Message):
    """The start-up worker opened (and migrated) the store: the main thread may open its own."""


@dataclass
class SyncFinished(Message, bubble=False):
    """A deck sync ended. ``report`` is None when it could not run; ``error`` then says why.

    The app receives it from the sync worker and hands a copy to every screen on the stack; it
    does not bubble, so a screen's copy never comes back up to the app.
    """

    report: SyncReport | None
    error: str = ""


@dataclass
class CardShown(Message):
    """The review screen shows a card's question (tests and the start-up benchmark wait on it)."""

    card_id: str


@dataclass
class StartWarnings(Message):
    """What the start-up checks after the first sync (the day's backup, the sync folder) want
    the user to know; they run after the decks are on screen, so they come as their own message."""

    warnings: list[str]


@dataclass
class RefitsFitted(Message):
    """The re-fit worker fitted every deck whose reviews doubled since its last fit; nothing is
    recorded yet (the app records them on its own connection). ``error`` says why it failed."""

    refits: list[Refit]
    error: str = ""

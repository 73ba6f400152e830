"""Deck text on its way to a terminal: printable characters only.

Decks come from strangers, and a card's text could carry escape sequences that set the window
title, clear the screen or write the clipboard. Everything printed from deck or answer text goes
through :func:`printable`, which keeps ordinary Unicode, tabs and newlines and drops the rest.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL/ST (title, clipboard)
    r"|\x1b\[[0-?]*[ -/]*[@-~]"  # CSI sequences (clear screen, colours, cursor)
    r"|\x1b[@-_]?"  # any other escape
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"  # C0 (but tab and newline) and C1 controls
)


def printable(text: str) -> str:
    """``text`` without control characters or escape sequences; tabs and newlines kept."""
    return _CONTROL.sub("", text)

"""Deck text made safe for a terminal: the one sanitiser both UIs rely on.

Decks come from strangers, and a terminal obeys what it is sent: ``ESC]0;…BEL`` sets the window
title, ``ESC[2J`` clears the screen, ``ESC]52;c;…`` writes the clipboard. :func:`printable`
removes every escape sequence and control character and keeps everything else: ordinary
Unicode, tabs and newlines. The core applies it where stored text becomes something to show
(:func:`quizapp.review.card_from_row`, problems, error lines), so neither UI has to remember.
"""

from __future__ import annotations

import re

# One pass, linear time: every alternative either matches a bounded prefix or scans a run that
# ends at the next ESC, so no position is rescanned. Order matters: whole sequences before the
# bare ESC and the single control characters.
_UNSAFE = re.compile(
    r"""
      \x1b\[ [0-?]* [ -/]* [@-~]?         # CSI: ESC [ params intermediates final (ESC[2J)
    | \x1b\] [^\x07\x1b\x9c]* (?:\x07|\x1b\\|\x9c)?   # OSC to BEL or ST (title, clipboard)
    | \x1b [PX^_] [^\x1b\x9c]* (?:\x1b\\|\x9c)?       # DCS, SOS, PM, APC strings
    | \x1b [ -/]* [0-~]?                 # any other escape
    | \x9b [0-?]* [ -/]* [@-~]?           # the same three, introduced by a C1 character
    | \x9d [^\x07\x1b\x9c]* (?:\x07|\x1b\\|\x9c)?
    | [\x90\x98\x9e\x9f] [^\x1b\x9c]* (?:\x1b\\|\x9c)?
    | [\x00-\x08\x0b-\x1f\x7f-\x9f]      # C0 (but tab, newline), DEL, C1 (CSI U+009B...)
    """,
    re.VERBOSE,
)


def printable(text: str) -> str:
    """``text`` without escape sequences or control characters; tabs and newlines stay."""
    if text.isprintable():  # the common case: nothing to remove, not even a newline
        return text
    return _UNSAFE.sub("", text)

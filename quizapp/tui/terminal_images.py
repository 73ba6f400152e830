"""Whether this terminal can show real pictures (the proof screen's matplotlib figures).

textual-image finds out by asking the terminal (Sixel, Kitty's graphics protocol) and reading
the answer from stdin, which only works before Textual starts reading keys; so `probe()` runs
from `tui.app.run` just before the app starts, and only where the environment suggests a
terminal that can answer yes: asking one that cannot costs a timeout at every start and may
swallow a keystroke. Everything else gets the text charts.

QUIZAPP_IMAGES overrides the guess: "0" or "off" never asks, "1" or "on" always asks, and
"halfcell" draws pictures with coloured half-blocks in any terminal (blurry, but it shows what
the picture view looks like; the tests use it, as it needs no terminal answer).
"""

from __future__ import annotations

import os
import sys
from typing import Any

# Terminals known to draw Sixel or Kitty graphics (TERM, TERM_PROGRAM or a variable they set).
_GRAPHICS_TERMS = ("kitty", "wezterm", "ghostty", "foot", "mlterm", "contour", "iterm")
_GRAPHICS_VARIABLES = ("KITTY_WINDOW_ID", "WEZTERM_EXECUTABLE", "GHOSTTY_RESOURCES_DIR")

_mode: str | None = None  # "sixel", "tgp", "halfcell", or None for text charts
_probed = False


def _setting() -> str:
    return os.environ.get("QUIZAPP_IMAGES", "").strip().lower()


def _looks_graphical() -> bool:
    if os.environ.get("TMUX"):  # tmux does not pass graphics through by default
        return False
    names = f"{os.environ.get('TERM', '')} {os.environ.get('TERM_PROGRAM', '')}".lower()
    return any(t in names for t in _GRAPHICS_TERMS) or any(
        os.environ.get(v) for v in _GRAPHICS_VARIABLES
    )


def probe() -> str | None:
    """Decide once, before the app starts, how pictures are drawn (None: text charts only)."""
    global _mode, _probed
    if _probed:
        return _mode
    _probed = True
    setting = _setting()
    if setting == "halfcell":
        try:  # importing the widgets asks the terminal for its cell size: now, not later
            import textual_image.widget
        except Exception:
            return None
        _mode = "halfcell"
        return _mode
    if setting in ("0", "off", "no") or not (setting in ("1", "on", "yes") or _looks_graphical()):
        return None
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return None
    try:
        # importing these asks the terminal what it can draw and how big a cell is
        import textual_image.widget  # noqa: F401
        from textual_image import renderable
    except Exception:  # not installed, or the terminal answered something unexpected
        return None
    if renderable.Image is renderable.SixelImage:
        _mode = "sixel"
    elif renderable.Image is renderable.TGPImage:
        _mode = "tgp"
    return _mode


def mode() -> str | None:
    """How pictures are drawn, as decided by `probe()` (never asks the terminal itself: once
    Textual reads the keys, the terminal's answer would arrive as keystrokes)."""
    return _mode


def set_mode(value: str | None) -> None:
    """Fix the mode (tests: "halfcell" or None) without asking the terminal."""
    global _mode, _probed
    _mode, _probed = value, True


def image_widget(**kwargs: Any) -> Any:
    """A textual-image widget of the probed kind (only call when `mode()` is not None)."""
    from textual_image import widget

    kinds = {"sixel": widget.SixelImage, "tgp": widget.TGPImage, "halfcell": widget.HalfcellImage}
    return kinds[mode() or "halfcell"](**kwargs)

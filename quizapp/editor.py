"""Open a deck file in the user's editor at a card's line.

Most terminal editors accept ``+LINE FILE``; for the rest the file opens at its top. The command
comes from ``$VISUAL`` or ``$EDITOR`` and is split like a shell would, never run through a shell.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

JUMPS_TO_LINE = {"vi", "vim", "nvim", "nano", "emacs", "emacsclient", "micro", "hx", "kak", "joe"}


class EditorError(Exception):
    """No usable editor, or it failed to start."""


def editor_command(path: Path, line: int) -> list[str]:
    raw = os.environ.get("VISUAL") or os.environ.get("EDITOR") or ""
    if not raw.strip():
        raise EditorError("no editor configured (set $EDITOR, e.g. export EDITOR=nano)")
    argv = shlex.split(raw)
    if Path(argv[0]).name in JUMPS_TO_LINE:
        return [*argv, f"+{line}", str(path)]
    return [*argv, str(path)]


def edit(path: Path, line: int = 1) -> int:
    """Run the editor and wait for it; returns its exit status."""
    argv = editor_command(path, line)
    try:
        return subprocess.call(argv)
    except OSError as exc:
        raise EditorError(f"cannot start editor {argv[0]!r}: {exc.strerror}") from exc

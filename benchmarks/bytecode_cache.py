"""Compile a checkout's quizapp sources to bytecode before its start-up is timed.

A user's Python writes quizapp's ``.pyc`` files on the first run (pip writes them at install),
so every later start reads bytecode, as the bare Textual app's and Anki's installed packages
always do. This sandbox sets ``PYTHONDONTWRITEBYTECODE=1``: no run ever wrote them, so every
timed start of quizapp compiled its sources again (about a quarter of a second of start-up
here, a third of the imports) while the references read theirs. The benchmarks that time a
start call this first, so both sides start as on a user's second launch.
"""

from __future__ import annotations

import compileall
from pathlib import Path


def ensure_bytecode(checkout: Path) -> None:
    """Write ``__pycache__`` for ``checkout``'s quizapp package (git ignores it)."""
    compileall.compile_dir(checkout / "quizapp", quiet=1)

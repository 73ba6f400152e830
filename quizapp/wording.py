"""Counts in messages read as English: ``1 file``, ``2 files``, ``1 quiz``, never ``file(s)``."""

from __future__ import annotations

IRREGULAR = {"quiz": "quizzes", "day": "days", "is": "are"}


def plural(count: int, noun: str) -> str:
    """``count`` and ``noun``, the noun made plural unless the count is exactly one."""
    if count == 1:
        return f"{count} {noun}"
    return f"{count:,} {IRREGULAR.get(noun, noun + 's')}"

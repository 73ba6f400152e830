"""Time as the store keeps it: timezone-aware UTC, serialised as fixed-width ISO 8601 text.

Fixed width matters: the due query compares timestamps as strings, which is only correct when every
timestamp has the same format. The core never reads the clock itself except through ``utc_now``,
which callers pass down as ``now`` so tests and replays control time.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

DAY_STARTS_AT = time(4, 0)  # like Anki: a late-night session still counts as the same day


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """Serialise as UTC text with microseconds, e.g. ``2026-11-26T20:00:00.000000+00:00``."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: quizapp only stores timezone-aware times")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def day_start(now: datetime) -> datetime:
    """The start of the user's study day containing ``now``, in local time, as UTC."""
    local = now.astimezone()
    start = local.replace(
        hour=DAY_STARTS_AT.hour, minute=DAY_STARTS_AT.minute, second=0, microsecond=0
    )
    if local < start:
        start -= timedelta(days=1)
    return start.astimezone(UTC)

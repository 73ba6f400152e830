"""Time as the store keeps it: timezone-aware UTC, serialised as fixed-width ISO 8601 text.

Fixed width matters: the due query compares timestamps as strings, which is only correct when every
timestamp has the same format. Study days start at 04:00 local time; :func:`day_start`,
:func:`study_date` and :func:`study_day_start` are the one implementation of that rule (zoneinfo,
so DST changes are right), used by review counts, burying and statistics alike. The core never
reads the clock itself except through ``utc_now``, which callers pass down as ``now`` so tests and
replays control time.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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


def local_zone() -> tzinfo | None:
    """The user's time zone as a :class:`zoneinfo.ZoneInfo` (``$TZ``, else ``/etc/localtime``);
    ``None`` when neither names a zone, and then the system's local time rules apply."""
    name = os.environ.get("TZ", "").removeprefix(":")
    if not name:
        try:
            target = os.path.realpath("/etc/localtime")
        except OSError:
            target = ""
        name = target.partition("zoneinfo/")[2]
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def study_date(moment: datetime, zone: tzinfo | None = None) -> date:
    """The local calendar date of the study day containing ``moment`` (days start at 04:00)."""
    local = moment.astimezone(zone if zone is not None else local_zone())
    if local.time() < DAY_STARTS_AT:
        return local.date() - timedelta(days=1)
    return local.date()


def study_day_start(day: date, zone: tzinfo | None = None) -> datetime:
    """When study day ``day`` begins, 04:00 wall-clock time in ``zone`` on that date, as UTC.

    The wall time is combined with the zone of *that* date, so the offset is the one in force
    at 04:00 that day; reusing the current offset is up to the DST shift wrong around changes.
    """
    zone = zone if zone is not None else local_zone()
    if zone is None:  # a naive time's astimezone() uses the system rules for that date
        return datetime.combine(day, DAY_STARTS_AT).astimezone().astimezone(UTC)
    return datetime.combine(day, DAY_STARTS_AT, tzinfo=zone).astimezone(UTC)


def day_start(now: datetime, zone: tzinfo | None = None) -> datetime:
    """The start of the study day containing ``now``, as UTC: the one day-start rule."""
    return study_day_start(study_date(now, zone), zone)

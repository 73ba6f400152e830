"""What a plan is asked for: the interview's moment and the daily budget, checked as typed.

The CLI gets its date and minutes through click's types; the app's plan screen gets two strings
from text fields. Both end here, so "which moment is the interview" and "what is a sensible
budget" are decided once, and a bad value becomes a one-line message saying how to fix it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

INTERVIEW_TIME = time(9, 0)  # recall is predicted for 09:00 local time on the date
DEFAULT_DAYS_AHEAD = 14  # the app's first suggestion: an interview two weeks out
DEFAULT_MINUTES = 30.0
MIN_MINUTES, MAX_MINUTES = 1.0, 24 * 60.0
MAX_DAYS_AHEAD = 366  # the planner walks every day; beyond a year a plan says little anyway


class PlanRequestError(ValueError):
    """A date or budget the planner cannot use; the message names the field and the fix."""


@dataclass(frozen=True)
class PlanRequest:
    target: datetime  # the interview's start, timezone-aware
    minutes_per_day: float


def interview_moment(day: date) -> datetime:
    """The moment recall is predicted for: 09:00 local time on ``day``, timezone-aware."""
    return datetime.combine(day, INTERVIEW_TIME).astimezone()


def default_date(now: datetime) -> date:
    return (now.astimezone() + timedelta(days=DEFAULT_DAYS_AHEAD)).date()


def parse_request(date_text: str, minutes_text: str, now: datetime) -> PlanRequest:
    """Both fields checked; raises :class:`PlanRequestError` with a fix for the first bad one."""
    text = date_text.strip()
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        shown = f"'{text}'" if text else "an empty date"
        raise PlanRequestError(
            f"Date: {shown} is not a date; type YYYY-MM-DD, e.g. {default_date(now):%Y-%m-%d}."
        ) from None
    target = interview_moment(day)
    if target <= now:
        raise PlanRequestError(
            f"Date: {day:%Y-%m-%d} 09:00 is not in the future; give a later date."
        )
    if target - now > timedelta(days=MAX_DAYS_AHEAD):
        raise PlanRequestError(
            f"Date: {day:%Y-%m-%d} is more than a year ahead; plan at most "
            f"{MAX_DAYS_AHEAD} days out."
        )
    return PlanRequest(target, parse_minutes(minutes_text))


def parse_minutes(text: str) -> float:
    """Minutes a day, a number from 1 to 1440 ("30", "12.5")."""
    text = text.strip()
    try:
        minutes = float(text)
    except ValueError:
        minutes = math.nan
    if not math.isfinite(minutes):
        shown = f"'{text}'" if text else "empty"
        raise PlanRequestError(
            f"Minutes a day: {shown} is not a number; type how long you can study, e.g. 30."
        )
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise PlanRequestError(
            f"Minutes a day: {minutes:g} is out of range; give {MIN_MINUTES:g} to "
            f"{MAX_MINUTES:g} minutes."
        )
    return minutes

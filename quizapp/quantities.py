"""Numbers as people type them: "0.25", "1e-3", "0.1%", "2.5 ms", "3 GB", "1,000".

A numeric card's answer and tolerance, and the user's typed answer, all go through ``parse``,
which returns the value in the unit's base (seconds, bytes, a plain fraction for percent) and the
unit's dimension, so "2.5 ms" equals "0.0025 s" and "25%" equals "0.25". Units are a small table
of what ML interview numbers use; an unknown unit is an error, not a guess.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

# unit -> (dimension, factor to the base unit). Dimension "" is a plain number.
UNITS: dict[str, tuple[str, float]] = {
    "": ("", 1.0),
    "%": ("", 0.01),
    "ns": ("time", 1e-9),
    "us": ("time", 1e-6),
    "µs": ("time", 1e-6),
    "μs": ("time", 1e-6),
    "ms": ("time", 1e-3),
    "s": ("time", 1.0),
    "sec": ("time", 1.0),
    "min": ("time", 60.0),
    "h": ("time", 3600.0),
    "b": ("bytes", 1.0),
    "kb": ("bytes", 1e3),
    "mb": ("bytes", 1e6),
    "gb": ("bytes", 1e9),
    "tb": ("bytes", 1e12),
    "kib": ("bytes", 2.0**10),
    "mib": ("bytes", 2.0**20),
    "gib": ("bytes", 2.0**30),
    "k": ("", 1e3),
    "m": ("", 1e6),  # "7M parameters"; milli is only meaningful with a unit (ms)
    "bn": ("", 1e9),
}
NUMBER = re.compile(
    r"^\s*(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*(?P<unit>[^\d\s]*)\s*$"
)
NAMES = ", ".join(u for u in UNITS if u)


class QuantityError(ValueError):
    """The text is not a number quizapp can read; the message says what would be."""


@dataclass(frozen=True)
class Quantity:
    value: float  # in the base unit of ``dimension``
    dimension: str  # "" for a plain number or a percent
    percent: bool = False  # written with %, which makes a tolerance relative


def parse(text: str) -> Quantity:
    """Read ``text`` as a number with an optional unit; raise QuantityError if it is not one."""
    cleaned = str(text).strip().replace("−", "-").replace("×10^", "e")
    match = NUMBER.match(cleaned)
    if not match or not match.group("num") or match.group("num") in "+-.":
        raise QuantityError(f"{text!r} is not a number")
    unit = match.group("unit").strip().lower()
    if unit not in UNITS:
        raise QuantityError(f"unknown unit {match.group('unit')!r} in {text!r} (use: {NAMES})")
    dimension, factor = UNITS[unit]
    value = float(match.group("num").replace(",", "")) * factor
    if not math.isfinite(value):
        raise QuantityError(f"{text!r} is not a finite number")
    return Quantity(value, dimension, percent=unit == "%")


def within(expected: Quantity, typed: Quantity, tolerance: Quantity | None) -> bool:
    """Whether ``typed`` matches ``expected``: same dimension, and within the tolerance.

    A percent tolerance is relative to the expected value ("1%" of 0.25 is 0.0025); any other
    tolerance is absolute in the answer's unit ("2 ms", "0.01"). Without one, a relative 1e-9
    allows for float noise only.
    """
    if typed.dimension != expected.dimension:
        return False
    if tolerance is None:
        allowed = abs(expected.value) * 1e-9
    elif tolerance.percent:
        allowed = abs(expected.value) * tolerance.value
    else:
        allowed = tolerance.value
    return abs(typed.value - expected.value) <= allowed + 1e-15

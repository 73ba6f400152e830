"""A proof as plain text: verdict, claim, the sub-checks, the key figures and what to look at."""

from __future__ import annotations

import math
import textwrap

from quizapp.proofs.model import Proof

WIDTH = 78
HOLDS, FAILS = "✓", "✗"


def format_number(value: float) -> str:
    """Integers as integers, everything else to four significant digits."""
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e9:
        return str(int(value))
    return f"{value:.4g}"


def _wrap(text: str, first: str, rest: str) -> str:
    # No breaks at hyphens: "sub-\nnetwork" and "soft-\nthreshold" read badly.
    return textwrap.fill(
        text, width=WIDTH, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False
    )


def format_report(proof: Proof) -> str:
    """The report shown by `quizapp prove NAME` and in the app's proof view."""
    mark = HOLDS if proof.holds else FAILS
    lines = [proof.title, ""]
    lines.append(_wrap(f"{mark} {proof.claim}", "", "  "))
    lines += ["", "Checks"]
    for check in proof.checks:
        text = f"{HOLDS if check.holds else FAILS} {check.label}"
        if check.detail:
            text += f": {check.detail}"
        lines.append(_wrap(text, "  ", "    "))
    lines += ["", "Figures"]
    label_width = max(len(label) for label in proof.figures) if proof.figures else 0
    for label, value in proof.figures.items():
        lines.append(f"  {label:<{label_width}}  {format_number(value)}")
    lines += ["", "What to look at", _wrap(proof.explanation, "  ", "  ")]
    params = ", ".join(f"{k}={v}" for k, v in proof.params.items())
    lines += ["", _wrap(f"seed {proof.seed}" + (f"; {params}" if params else ""), "", "  ")]
    return "\n".join(lines)

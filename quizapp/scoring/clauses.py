"""Cut an answer into the units that claims are read from: sentences and their clauses.

A key point is usually one claim, and an answer states several claims per sentence ("L1 zeroes
weights, while L2 only shrinks them"), so each sentence is also cut at the connectives that join
two claims. Every unit keeps its span in the typed text, so the evidence shown for a point is the
very words that earned it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_WORDS = 3  # a shorter piece ("Diamond corners.") is kept only as part of its sentence
MAX_UNITS = 60  # a pasted essay is read in its first sixty units, which bounds the work

_SENTENCE = re.compile(r"[^.!?;\n]+(?:[.!?;]+|$)|[^\n]+", re.MULTILINE)
_ABBREVIATION = re.compile(r"\b(?:e\.g|i\.e|etc|vs|cf|approx)\.", re.IGNORECASE)
_NUMBER_DOT = re.compile(r"(?<=\d)\.(?=\d)")
#: A line break inside a sentence: markdown wrapped at a fixed width ("... shrinks the weights,
#: most\nalong the directions ..."). The next line goes on in lower case and the line before
#: does not end a sentence; a list item, a blank line or a capitalised line stays a break.
_SOFT_WRAP = re.compile(r"(?<=[^\s.!?;:])[ \t]*\n(?=[ \t]*[a-z(])")
#: Where one claim ends and the next begins inside a sentence.
_CLAUSE_BREAK = re.compile(
    r",\s+(?=(?:but|while|whereas|so|because|which|since|and|although|though|unlike|yet)\b)"
    r"|\s+(?=(?:but|whereas|while|because|although|though|unlike)\b)"
    r"|\s*[;:]\s*|\s+[-–—]\s+",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Unit:
    """A stretch of the answer that may state a claim: ``text`` is ``answer[start:end]``."""

    text: str
    start: int
    end: int


def unwrap(text: str) -> str:
    """``text`` with its soft line wraps turned into spaces, at the same length (so every span
    found in the result is a span of ``text``)."""
    return _SOFT_WRAP.sub(lambda m: " " * len(m.group()), text)


def _protect(text: str) -> str:
    """Hide dots that do not end a sentence (``e.g.``, ``0.25``) behind a same-length stand-in."""
    text = _ABBREVIATION.sub(lambda m: m.group().replace(".", "\x00"), text)
    return _NUMBER_DOT.sub("\x00", text)


def _trimmed(answer: str, start: int, end: int) -> Unit | None:
    piece = answer[start:end]
    stripped = piece.strip(" \t\r\n-*•,;:")
    if not stripped:
        return None
    offset = start + piece.index(stripped)
    return Unit(stripped, offset, offset + len(stripped))


def sentences(answer: str) -> list[Unit]:
    """The answer's sentences (and list items, which are lines), with their spans."""
    protected = _protect(answer)
    units = []
    for match in _SENTENCE.finditer(protected):
        unit = _trimmed(answer, match.start(), match.end())
        if unit is not None:
            units.append(unit)
    return units


def units(answer: str) -> list[Unit]:
    """Sentences, then the clauses of each sentence that has more than one, at most MAX_UNITS.

    A sentence too short to be a claim on its own is still a unit: "Diamond corners." is judged
    by what it says, which is little.
    """
    result: list[Unit] = []
    clauses: list[Unit] = []
    for sentence in sentences(answer):
        result.append(sentence)
        protected = _protect(sentence.text)
        cuts = [0]
        for match in _CLAUSE_BREAK.finditer(protected):
            cuts += [match.start(), match.end()]
        cuts.append(len(sentence.text))
        pieces = []
        for begin, finish in zip(cuts[::2], cuts[1::2], strict=True):
            unit = _trimmed(answer, sentence.start + begin, sentence.start + finish)
            if unit is not None and len(unit.text.split()) >= MIN_WORDS:
                pieces.append(unit)
        if len(pieces) > 1:
            clauses.extend(pieces)
    result.extend(clauses)
    return result[:MAX_UNITS]

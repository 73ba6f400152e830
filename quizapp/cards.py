"""The domain values every part of quizapp talks in: cards, deck settings and authoring problems.

They are plain frozen dataclasses so the parser, the store, the scorer and both user interfaces can
pass them around without sharing any behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class CardType(StrEnum):
    """How a card is answered; decides the input the UI offers and how the answer is judged."""

    OPEN = "open"  # typed free-text answer, scored against key points
    BASIC = "basic"  # front/back, self-graded
    CLOZE = "cloze"  # fill the gap
    CHOICE = "choice"  # pick one or more options
    NUMERIC = "numeric"  # a number, with units and a tolerance ("2.5 ms", "1%")
    ORDERED = "ordered"  # put a shuffled list back in order


@dataclass(frozen=True)
class Choice:
    """One option of a multiple-choice card."""

    text: str
    correct: bool


@dataclass(frozen=True)
class Misconception:
    """A common wrong version of a card's answer, with the one-line correction shown after reveal.

    Written under a card's ``### Misconceptions`` heading as a bullet (the wrong claim) with a
    nested bullet (the correction). The scorer takes credit away from an answer that states one.
    """

    claim: str
    correction: str = ""


@dataclass(frozen=True)
class Card:
    """One reviewable card as read from markdown.

    ``id`` is the key everything else (schedule, history) hangs on. For cloze notes each deletion
    number becomes its own card whose ``id`` is ``<note id>::c<n>``, so the sub-cards keep separate
    histories while ``note_id`` still names the markdown block.
    """

    id: str
    note_id: str
    deck: str
    type: CardType
    prompt: str
    answer: str
    source: str
    line: int
    key_points: tuple[str, ...] = ()
    misconceptions: tuple[Misconception, ...] = ()
    choices: tuple[Choice, ...] = ()
    cloze: int | None = None
    # A cloze sub-card's hidden text, in order; a numeric card's (answer, tolerance); an ordered
    # card's items in their right order.
    expected: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    prove: str | None = None
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False, compare=False)
    content_hash: str = ""


@dataclass(frozen=True)
class DeckSettings:
    """What a deck's front matter says, with defaults filled in."""

    name: str
    source: str
    retention: float = 0.9
    new_per_day: int = 10
    tags: tuple[str, ...] = ()
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True, order=True)
class Problem:
    """An authoring mistake, reported as ``FILE:LINE: what is wrong (how to fix)``."""

    source: str
    line: int
    message: str
    fix: str = ""

    def __str__(self) -> str:
        hint = f" ({self.fix})" if self.fix else ""
        return f"{self.source}:{self.line}: {self.message}{hint}"

"""Judge a typed answer for any card type and suggest a rating; both UIs call this one function.

Open cards go to the key-point scorer; cloze gaps are compared leniently (case, spacing and small
typos forgiven); choice cards compare the picked set with the correct set; basic cards are
self-graded, so there is nothing to judge.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from quizapp.cards import Card, CardType

DASHES = str.maketrans({"−": "-", "–": "-", "—": "-", "‐": "-"})


#: The mark of each verdict on a point: symbols, so the verdict never rests on colour alone.
POINT_MARKS = {"opposite": "✗!", "covered": "✓", "partial": "½", "missed": "✗"}


@dataclass(frozen=True)
class PointResult:
    """One thing the answer was checked for, as shown after reveal.

    ``credit`` is the share of the point the answer earned (1 or 0 for gaps and options);
    ``contradicted`` means the answer said the opposite, with ``matched`` quoting where.
    """

    text: str
    covered: bool
    matched: str = ""
    credit: float | None = None
    contradicted: bool = False

    @property
    def partial(self) -> bool:
        """Half-covered: some credit, not enough to count the point (shown as such)."""
        return not self.covered and (self.credit or 0.0) >= 0.25

    @property
    def verdict(self) -> str:
        """ "opposite", "covered", "partial" or "missed": what every display marks the point as
        (a contradiction outranks any credit)."""
        if self.contradicted:
            return "opposite"
        if self.covered:
            return "covered"
        return "partial" if self.partial else "missed"

    @property
    def mark(self) -> str:
        """The point's mark, the same in the app, the plain review and ``quizapp grade``."""
        return POINT_MARKS[self.verdict]


@dataclass(frozen=True)
class MisconceptionResult:
    """A written misconception the answer states: its claim, correction and the words quoted."""

    claim: str
    correction: str
    quote: str


@dataclass(frozen=True)
class Grade:
    """The verdict on one answer. ``value`` is None for self-graded (basic) cards.

    ``method`` is "semantic" or "basic" for open cards (see :mod:`quizapp.scoring`), "" for the
    rest. ``corrections`` maps point indexes the user flipped after reveal to the verdict they
    chose; :meth:`corrected` applies them.
    """

    value: float | None
    suggested_rating: int | None
    points: tuple[PointResult, ...] = ()
    misconceptions: tuple[MisconceptionResult, ...] = ()
    method: str = ""
    corrections: tuple[tuple[int, bool], ...] = ()
    scorer_value: float | None = None  # the value before the user's corrections
    scorer_covered: tuple[bool, ...] = ()  # the scorer's verdict per point, before them

    @property
    def missed(self) -> tuple[PointResult, ...]:
        return tuple(p for p in self.points if not p.covered)

    @property
    def covered_count(self) -> int:
        return sum(p.covered for p in self.points)

    def corrected(self, flips: Mapping[int, bool]) -> Grade:
        """The grade with the user's verdict on some points (index -> covered).

        A point the user marks covered earns full credit and is no longer contradicted; one they
        mark missed earns none. Misconception penalties stay: the user corrects key points, and
        a stated misconception is shown with its quote for them to judge. The value is recomputed
        with the scorer's own formula, so the score and the count can never disagree.
        """
        from quizapp.scoring import combine, suggest_rating

        if self.value is None or not self.points:
            return self
        base = dict(self.corrections)
        base.update({i: bool(v) for i, v in flips.items() if 0 <= i < len(self.points)})
        points = []
        for i, point in enumerate(self.points):
            if i in base:
                points.append(
                    PointResult(
                        point.text,
                        base[i],
                        point.matched,
                        1.0 if base[i] else 0.0,
                        point.contradicted and not base[i],
                    )
                )
            else:
                points.append(point)
        if self.method in ("semantic", "basic"):
            value = combine.value_of(
                [p.credit or 0.0 for p in points],
                sum(p.contradicted for p in points),
                len(self.misconceptions),
            )
        else:
            value = sum(p.covered for p in points) / len(points)
        scorer_value = self.scorer_value if self.scorer_value is not None else self.value
        return Grade(
            value,
            suggest_rating(value),
            tuple(points),
            self.misconceptions,
            self.method,
            tuple(sorted(base.items())),
            scorer_value,
            self.scorer_covered or tuple(p.covered for p in self.points),
        )

    def record(self) -> dict[str, object]:
        """What is stored with the review (``reviews.grading``): the verdict per point and the
        user's corrections, so agreement can be measured and the answers exported as labels."""
        return {
            "method": self.method,
            "scorer_value": self.scorer_value if self.scorer_value is not None else self.value,
            "value": self.value,
            "points": [
                {
                    "text": p.text,
                    "covered": p.covered,
                    "scorer_covered": (
                        self.scorer_covered[i] if i < len(self.scorer_covered) else p.covered
                    ),
                    "credit": p.credit,
                    "contradicted": p.contradicted,
                }
                for i, p in enumerate(self.points)
            ],
            "corrections": {str(i): v for i, v in self.corrections},
            "misconceptions": [m.claim for m in self.misconceptions],
        }


def summary(grade: Grade) -> str:
    """ "Score 40% · 2 of 5 key points", and why, when partial credit or penalties explain it."""
    covered = grade.covered_count
    parts = [f"Score {grade.value:.0%}", f"{covered} of {len(grade.points)} key points"]
    partial = sum(p.partial for p in grade.points)
    if partial:
        parts.append(f"{partial} half-covered")
    traces = sum(
        1 for p in grade.points if not p.covered and not p.partial and (p.credit or 0) >= 0.01
    )
    if traces and grade.value and grade.value >= 0.01:
        parts.append(f"a little on {traces} more")  # why a score shows with no point covered
    against = sum(p.contradicted for p in grade.points)
    if against:
        parts.append(f"{against} reversed (−)")
    if grade.misconceptions:
        n = len(grade.misconceptions)
        parts.append(f"{n} misconception{'s' * (n != 1)} (−)")
    if grade.corrections:
        parts.append("corrected by you")
    if grade.method == "basic":
        parts.append("basic scoring")
    return " · ".join(parts)


def grade(card: Card, typed: str) -> Grade:
    """Grade ``typed`` against ``card``. Imports the scorer only for open cards."""
    if card.type is CardType.OPEN:
        from quizapp import scoring

        key_points = list(card.key_points) or scoring.key_points_from_answer(card.answer)
        result = scoring.score(
            typed,
            key_points,
            question=card.prompt,
            synonyms=card.synonyms or None,
            misconceptions=card.misconceptions,
            reference=card.answer if card.key_points else None,
        )
        points = tuple(
            PointResult(p.text, p.covered, p.matched, p.strength, p.contradicted)
            for p in result.points
        )
        wrong = tuple(
            MisconceptionResult(m.claim, m.correction, m.quote) for m in result.misconceptions
        )
        return Grade(result.value, result.suggested_rating, points, wrong, result.method)
    if card.type is CardType.CLOZE:
        return _grade_cloze(card, typed)
    if card.type is CardType.CHOICE:
        return _grade_choice(card, typed)
    if card.type is CardType.NUMERIC:
        return grade_numeric(card, typed)
    if card.type is CardType.ORDERED:
        return grade_ordered(card, typed)
    return Grade(None, None)


SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹ⁿ⁻⁺", "0123456789n-+")
GREEK = "α-ω"  # lower-case Greek letters, after _normal has lowered the text
# One factor run of a product as typed: an optional number, then letters that are Greek or Latin
# letters standing alone ("2", "n", "ηλ", "2λη", "ηt"). Two Latin letters in a row make a word
# (fan_in, relu), and words are never split into letters.
FACTOR = re.compile(rf"(\d+(?:\.\d+)?)?((?:[{GREEK}]|[a-z](?![a-z]))*)")
# What separates the products of an expression: sums, fractions, powers, brackets, lists.
OPERATORS = re.compile(r"([-+/^=<>()\[\],;:])")


def _normal(text: str) -> str:
    """Lower case, one kind of minus sign, powers written ``^n``, product signs as spaces.

    ``2ⁿ`` and ``2**n`` both become ``2^n``, so the card's notation and the ASCII spelling the
    format notes recommend are the same answer.
    """
    text = text.translate(DASHES).replace("**", "^")
    text = re.sub(r"[⁰¹²³⁴⁵⁶⁷⁸⁹ⁿ⁻⁺]+", lambda m: "^" + m.group().translate(SUPERSCRIPTS), text)
    text = re.sub(r"[*`·×⋅]", " ", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def _canonical(text: str, synonyms: Mapping[str, Sequence[str]]) -> str:
    """Replace each variant of a synonym group with its canonical term (``lambda`` -> ``λ``).

    One pass over the text with every term and variant in one pattern, longest first, so a
    variant that is part of its own term ("noise" in "irreducible noise") or of another group's
    term is never replaced inside it.
    """
    forms: dict[str, str] = {}
    for term, variants in synonyms.items():
        for form in (term, *variants):
            forms.setdefault(_normal(form), _normal(term))
    forms.pop("", None)
    if not forms:
        return text
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    pattern = rf"(?<!\w)(?:{alternatives})(?!\w)"
    return re.sub(pattern, lambda m: forms[m.group()], text)


def _products_sorted(text: str) -> str:
    """The expression with the factors of every product in one order, and no spaces.

    A product's factors commute, so ``ηλ``, ``λη``, ``λ η`` and ``2λη`` against ``2ηλ`` are the
    same answer. Only products of numbers, single letters and Greek letters are reordered; a
    stretch holding any longer word is kept as typed, and so is everything between operators
    (``2^n`` is not ``n^2``, ``1 - 2ηλ`` keeps its ``1 -``).
    """
    parts = []
    for part in OPERATORS.split(text):
        tokens = part.split()
        factors: list[str] | None = []
        for token in tokens:
            match = FACTOR.fullmatch(token)
            if not token or match is None or factors is None:
                factors = None
                break
            number, letters = match.groups()
            if number:
                factors.append(number)
            if letters:
                factors += list(letters)  # each letter is a factor of its own
        if factors is None or len(factors) < 2:
            parts.append(part.replace(" ", ""))
            continue
        numbers = sorted(f for f in factors if f[0].isdigit())
        symbols = sorted(f for f in factors if not f[0].isdigit())
        parts.append("".join(numbers + symbols))
    return "".join(parts)


def gap_matches(
    expected: str, typed: str, synonyms: Mapping[str, Sequence[str]] | None = None
) -> bool:
    """Whether a typed gap answer counts: the same expression, or one typo in a long word.

    The card's and deck's synonyms apply, so ``lambda`` fills a gap whose answer is ``λ``; the
    factors of a product may come in any order (``eta*lambda`` for ``ηλ``) and powers may be
    written ``2ⁿ``, ``2^n`` or ``2**n``.
    """
    from rapidfuzz.distance import Levenshtein

    want, got = _normal(expected), _normal(typed)
    if synonyms:
        want, got = _canonical(want, synonyms), _canonical(got, synonyms)
    if want == got or _products_sorted(want) == _products_sorted(got):
        return True
    if not re.fullmatch(r"[a-z' -]+", want):
        return False  # numbers and formulas must be exact: 0.25 is not 0.26, 1 + 2ηλ not 1 - 2ηλ
    allowed = 1 if len(want) >= 5 else 0
    return Levenshtein.distance(want, got) <= allowed


def _grade_cloze(card: Card, typed: str) -> Grade:
    """Several gaps in one sub-card are typed separated by ``;`` (or on separate lines)."""
    answers = re.split(r"[;\n]", typed) if len(card.expected) > 1 else [typed]
    answers += [""] * (len(card.expected) - len(answers))
    hits = [
        gap_matches(want, got, card.synonyms)
        for want, got in zip(card.expected, answers, strict=False)
    ]
    points = tuple(
        PointResult(want, hit, got.strip() if hit else "")
        for want, got, hit in zip(card.expected, answers, hits, strict=False)
    )
    value = sum(p.covered for p in points) / max(len(points), 1)
    return Grade(value, 3 if value == 1 else 1, points)


def parse_choice(typed: str, options: int) -> set[int] | None:
    """Option numbers picked in ``typed`` ("2", "1 3", "1,3"), 1-based; None if unreadable.

    Only numbers and separators count: "L1 and L2" is not a pick of options 1 and 2.
    """
    if not re.fullmatch(r"[\s,;]*\d+(?:[\s,;]+\d+)*[\s,;]*", typed):
        return None
    picks = re.findall(r"\d+", typed)
    chosen = {int(p) for p in picks}
    if not all(1 <= p <= options for p in chosen):
        return None
    return chosen


def choice_order(card: Card, showing: int | str) -> list[int]:
    """The order (0-based indexes into ``card.choices``) a choice card's options are shown in.

    Shuffled for each review, so the right answer is not remembered as "the second one", and
    the same for the whole of one review (``showing`` is the card's review count, so undo and
    an edit bring the options back where they were; a mock interview passes its start time).
    Answers are kept in the deck's numbering (see :func:`picks_in_deck_order`), so a stored
    answer names the options, not the positions they were shown at.
    """
    return _seeded_shuffle(f"{card.id}\x00{showing}", len(card.choices))


def picks_in_deck_order(shown: set[int], order: Sequence[int]) -> str:
    """Option numbers as shown (1-based, in ``order``) -> the same options numbered as in the deck.

    ``{1, 3}`` shown in the order ``[2, 0, 1]`` are the deck's options 3 and 2: ``"2 3"``.
    """
    return " ".join(str(n) for n in sorted(order[s - 1] + 1 for s in shown if 1 <= s <= len(order)))


def _seeded_shuffle(key: str, n: int) -> list[int]:
    import hashlib
    import random

    seed = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return order


def _grade_choice(card: Card, typed: str) -> Grade:
    chosen = parse_choice(typed, len(card.choices)) or set()
    points = tuple(
        PointResult(
            f"{n}. {c.text}" + (" (correct)" if c.correct else ""),
            (n in chosen) == c.correct,
            "picked" if n in chosen else "",
        )
        for n, c in enumerate(card.choices, start=1)
    )
    right = all(p.covered for p in points)
    return Grade(1.0 if right else 0.0, 3 if right else 1, points)


def grade_numeric(card: Card, typed: str) -> Grade:
    """Right when the typed number, in any unit of the same kind, is within the tolerance."""
    from quizapp import quantities

    answer, tolerance = (*card.expected, "", "")[:2]
    expected = quantities.parse(answer)
    allowed = quantities.parse(tolerance) if tolerance else None
    want = f"{answer} ± {tolerance}" if tolerance else answer
    try:
        got = quantities.parse(typed)
    except quantities.QuantityError as exc:
        hint = PointResult(f"{exc} (e.g. 0.25, 1e-3, 0.1%, 2.5 ms)", False, "")
        return Grade(0.0, 1, (PointResult(want, False, ""), hint))
    if got.dimension != expected.dimension:
        kind = expected.dimension or "a plain number"
        point = PointResult(f"{want} (the answer is {kind})", False, typed.strip())
        return Grade(0.0, 1, (point,))
    right = quantities.within(expected, got, allowed)
    return Grade(
        1.0 if right else 0.0, 3 if right else 1, (PointResult(want, right, typed.strip()),)
    )


def display_order(card: Card) -> list[int]:
    """The shuffled order (0-based indexes into ``card.expected``) an ordered card is shown in.

    Fixed by the card's id, so the plain review, the app and a re-shown card agree, and never
    the right order itself (which would give the answer away).
    """
    n = len(card.expected)
    order = _seeded_shuffle(card.id, n)
    if n > 1 and order == sorted(order):
        order = order[1:] + order[:1]
    return order


def grade_ordered(card: Card, typed: str) -> Grade:
    """The typed shown-numbers ("3 1 2 4") in order; credit is the share of items in place.

    Partial credit is the longest run kept in the right relative order (the longest increasing
    subsequence), so one item moved costs one item, not every item after it.
    """
    shown = display_order(card)
    picks = [int(p) for p in re.findall(r"\d+", typed)]
    n = len(card.expected)
    if sorted(picks) != list(range(1, n + 1)):
        hint = f"type each number 1-{n} once, in the right order"
        points = tuple(
            PointResult(f"{i}. {item}", False, "") for i, item in enumerate(card.expected, 1)
        )
        return Grade(0.0, 1, (*points, PointResult(hint, False, "")))
    placed = [shown[p - 1] for p in picks]  # index in the right order of each typed item
    points = tuple(
        PointResult(f"{position}. {card.expected[position - 1]}", got == position - 1, "")
        for position, got in enumerate(placed, start=1)
    )
    value = _longest_increasing(placed) / n
    return Grade(value, 3 if value == 1 else (2 if value >= 0.75 else 1), points)


def _longest_increasing(values: list[int]) -> int:
    import bisect

    tails: list[int] = []
    for v in values:
        i = bisect.bisect_left(tails, v)
        tails[i : i + 1] = [v]
    return len(tails)

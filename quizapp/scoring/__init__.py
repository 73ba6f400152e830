"""Scoring a typed answer against a card's key points and misconceptions.

Public entry point: :func:`score` (``score(answer, key_points, *, question=None, synonyms=None,
misconceptions=None)``), returning a :class:`Score` with ``.value`` in [0, 1],
``.suggested_rating`` (1 Again .. 4 Easy), ``.points`` (one :class:`KeyPointResult` each, with
its evidence) and ``.misconceptions`` (the written misconceptions the answer states).

Inside:
    clauses   cut the answer into sentences and clauses, with their spans
    semantic  the sentence encoder (MiniLM, int8 ONNX, offline; lazily loaded)
    claims    similarities of clauses to key points, their reversed forms and misconceptions
    lexical   word-level coverage: synonyms, typos, negation, side swaps, keyword stuffing
    combine   the fitted weights that turn both into credit per point and a value

Without the sentence model (not installed, or ``QUIZAPP_BASIC_SCORING=1``) the lexical scorer
alone decides, and :attr:`Score.method` says ``"basic"``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from quizapp.scoring import claims, clauses, combine, lexical, semantic
from quizapp.scoring.lexical import (
    AGAIN,
    EASY,
    GOOD,
    HARD,
    RATING_THRESHOLDS,
    key_points_from_answer,
    suggest_rating,
)

__all__ = [
    "AGAIN",
    "EASY",
    "GOOD",
    "HARD",
    "RATING_THRESHOLDS",
    "KeyPointResult",
    "MisconceptionHit",
    "Score",
    "key_points_from_answer",
    "score",
    "suggest_rating",
]


@dataclass(frozen=True)
class KeyPointResult:
    """How one key point fared.

    ``strength`` is its credit in [0, 1]; ``covered`` when it is at least 0.5, ``partial`` from
    0.25. ``matched`` is ``answer[span[0]:span[1]]``: the clause (or words) that earned the
    credit, or that contradicted the point when ``contradicted`` is set.
    """

    text: str
    covered: bool
    strength: float
    span: tuple[int, int] | None
    matched: str
    contradicted: bool = False

    @property
    def partial(self) -> bool:
        return not self.covered and self.strength >= combine.PARTIAL


@dataclass(frozen=True)
class MisconceptionHit:
    """A written misconception the answer states: what was said, and its correction."""

    claim: str
    correction: str
    span: tuple[int, int]
    quote: str


@dataclass(frozen=True)
class Score:
    """The scorer's verdict on one answer; ``suggested_rating`` is 1 (Again) to 4 (Easy).

    ``method`` is ``"semantic"`` when the sentence model took part, ``"basic"`` when only the
    lexical scorer did (the UI then says "basic scoring").
    """

    value: float
    points: tuple[KeyPointResult, ...]
    suggested_rating: int
    misconceptions: tuple[MisconceptionHit, ...] = ()
    method: str = "semantic"

    @property
    def covered_count(self) -> int:
        return sum(p.covered for p in self.points)


def _misconception_pairs(items: Sequence[object] | None) -> list[tuple[str, str]]:
    """Accept Misconception objects, (claim, correction) pairs or bare claims."""
    pairs = []
    for item in items or ():
        if isinstance(item, str):
            pairs.append((item, ""))
        elif isinstance(item, tuple | list):
            pairs.append((str(item[0]), str(item[1]) if len(item) > 1 else ""))
        else:
            pairs.append((item.claim, getattr(item, "correction", "")))  # type: ignore[attr-defined]
    return [(c.strip(), f.strip()) for c, f in pairs if c and c.strip()]


def score(
    answer: str,
    key_points: Sequence[str],
    *,
    question: str | None = None,
    synonyms: Mapping[str, Sequence[str]] | None = None,
    misconceptions: Sequence[object] | None = None,
    reference: str | None = None,
    use_model: bool = True,
) -> Score:
    """Score ``answer`` against ``key_points`` (and the card's written ``misconceptions``).

    ``question`` discounts restating the prompt; ``synonyms`` (term -> variants) extends the
    vocabulary. ``reference`` is the card's model answer: each point's credit is measured
    against what it earns there (see :func:`quizapp.scoring.combine.combine`). The sentence model
    is loaded on first use unless ``use_model`` is False; when it cannot be had, the result is
    the lexical scorer's alone (``method == "basic"``).
    """
    points = [p for p in key_points if p and p.strip()]
    wrong = _misconception_pairs(misconceptions)
    if not points:
        return Score(0.0, (), suggest_rating(0.0), (), "basic")
    encoder = semantic.encoder() if use_model and answer.strip() else None
    wrong_claims = tuple(c for c, _ in wrong)
    measured = measure(answer, points, question, synonyms, wrong_claims, encoder)
    words, signals = measured.words, measured.signals
    ref = None
    if reference and reference.strip():
        ref = _reference_credits(
            reference,
            tuple(points),
            question,
            lexical._synonyms_key(synonyms),
            wrong_claims,
            encoder is not None,
        )
    result = measured.combine(combine.fitted(), ref)
    method = "semantic" if encoder is not None or (use_model and semantic.loaded()) else "basic"
    verdicts = []
    for index, (text, word_result, credit) in enumerate(
        zip(points, words.points, result.points, strict=True)
    ):
        # The evidence is the clause that earned the credit (or that reverses the point); the
        # lexical scorer's words when the model is not in use or a lexical denial decided it.
        span, matched = None, ""
        chosen = credit.reversed_by
        if chosen is None and credit.credit >= combine.PARTIAL and not word_result.contradicted:
            chosen = credit.unit
        if chosen is not None and signals is not None:
            unit = signals.units[chosen]
            span = (unit.start, unit.end)
        elif word_result.span is not None and (
            word_result.contradicted or credit.credit >= combine.PARTIAL
        ):
            span = word_result.span
        if span is not None:  # the typed text itself, line breaks and all (see measure)
            matched = answer[span[0] : span[1]]
        verdicts.append(
            KeyPointResult(
                text,
                credit.credit >= combine.COVERED,
                round(credit.credit, 4),
                span,
                matched,
                result.contradicted[index],
            )
        )
    hits = []
    for index, unit_index in result.misconceptions:
        unit = signals.units[unit_index]  # type: ignore[union-attr]
        claim, correction = wrong[index]
        quote = answer[unit.start : unit.end]
        hits.append(MisconceptionHit(claim, correction, (unit.start, unit.end), quote))
    return Score(result.value, tuple(verdicts), suggest_rating(result.value), tuple(hits), method)


@dataclass(frozen=True)
class Measured:
    """Everything measured about one text against a card's points, before any weights."""

    words: lexical.Score
    signals: claims.ClaimSignals | None

    def combine(
        self, weights: combine.Weights, reference: combine.Combined | None = None
    ) -> combine.Combined:
        """Credit and value under ``weights`` (scoring uses the fitted ones, fitting others)."""
        return combine.combine(
            [p.strength for p in self.words.points],
            [p.contradicted for p in self.words.points],
            self.signals,
            weights,
            reference,
            [p.uncontradicted for p in self.words.points] if reference is not None else None,
        )


def measure(
    text: str,
    points: Sequence[str],
    question: str | None,
    synonyms: Mapping[str, Sequence[str]] | None,
    wrong: Sequence[str],
    encoder: semantic.Encoder | None,
) -> Measured:
    """The lexical result and (with an encoder) the claim signals of ``text``: the one place
    both are computed, for answers, model answers and the fitting script alike."""
    # Soft line wraps become spaces (at the same length, so spans still index ``text``).
    text = clauses.unwrap(text)
    words = lexical.score(text, list(points), question=question, synonyms=synonyms)
    units = clauses.units(text) if encoder is not None else []
    signals = (
        claims.signals(encoder, units, list(points), list(wrong), question=question)
        if units
        else None
    )
    return Measured(words, signals)


@lru_cache(maxsize=256)
def _reference_credits(
    reference: str,
    points: tuple[str, ...],
    question: str | None,
    synonyms_key: tuple,
    wrong: tuple[str, ...],
    with_model: bool,
) -> combine.Combined:
    """How the model answer itself fares, before any reference scaling (cached: the same card's
    model answer is scored once per process)."""
    synonyms = {k: list(v) for k, v in synonyms_key} or None
    encoder = semantic.encoder() if with_model else None
    measured = measure(reference, points, question, synonyms, wrong, encoder)
    return measured.combine(combine.fitted())

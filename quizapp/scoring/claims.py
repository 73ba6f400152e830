"""Read an answer's claims by meaning: which key points it states, which reversals and which
written misconceptions.

Why variants
    A sentence encoder places "L2 sets weights exactly to zero" as close to "L1 sets weights
    exactly to zero" as a correct paraphrase (cosine 0.75 against 0.74 here): similarity alone
    rewards the right words in the wrong claim. But when the reversal itself is on the table the
    encoder tells them apart easily. So every key point is also written in its reversed forms
    (:func:`variants`: one contrast pair swapped, or its negation flipped), and an answer clause
    that is clearly closer to a reversed form than to the point states the reversal. The same
    margin rule decides whether a clause states one of the card's written misconceptions rather
    than a key point.

This module only measures (similarities and margins, as :class:`ClaimSignals`); what they are
worth is decided by :mod:`quizapp.scoring.combine` with fitted weights.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from quizapp.scoring.clauses import Unit
from quizapp.scoring.vocabulary import STOP_WORDS

MAX_VARIANTS = 6  # reversed forms per key point: enough for its contrasts and one negation
COPY_SIMILARITY = 0.85  # a unit this close to the question restates it
LIST_STOP_SHARE = 0.12  # a unit of more than 3 words with fewer function words is a term list
_WORD = re.compile(r"[A-Za-z0-9']+")


@dataclass(frozen=True)
class Contrasts:
    """The swaps that reverse a claim (see ``data/contrasts.toml``)."""

    subjects: tuple[tuple[str, str], ...]  # what claims are about ("L1"/"L2")
    antonyms: tuple[tuple[str, str], ...]  # what they claim ("positive"/"negative")
    negations: tuple[tuple[str, str], ...]

    @property
    def pairs(self) -> tuple[tuple[str, str], ...]:
        """Every swap that reverses a claim, subjects first."""
        return (*self.subjects, *self.antonyms)


@lru_cache(maxsize=1)
def contrasts() -> Contrasts:
    text = (resources.files("quizapp.scoring") / "data" / "contrasts.toml").read_text("utf-8")
    data = tomllib.loads(text)
    return Contrasts(
        *(tuple((a, b) for a, b in data[key]) for key in ("subjects", "antonyms", "negations"))
    )


def _pattern(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.IGNORECASE)


def _cased(found: str, replacement: str) -> str:
    if found[:1].isupper() and replacement[:1].islower() and not found.isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def _swap(text: str, a: str, b: str) -> str | None:
    """``text`` with every whole-word ``a`` and ``b`` exchanged, or None if neither occurs."""
    pattern = re.compile(
        rf"(?<![\w-])(?:({re.escape(a)})|({re.escape(b)}))(?![\w-])", re.IGNORECASE
    )
    if not pattern.search(text):
        return None

    def replace(match: re.Match[str]) -> str:
        return _cased(match.group(), b if match.group(1) else a)

    return pattern.sub(replace, text)


def _negated(text: str, negations: Sequence[tuple[str, str]]) -> str | None:
    for cue, replacement in negations:
        match = _pattern(cue).search(text)
        if match:
            new = _cased(match.group(), replacement) if replacement else ""
            return re.sub(r"\s{2,}", " ", text[: match.start()] + new + text[match.end() :])
    return None


@lru_cache(maxsize=2048)
def variants(point: str, extra_pairs: tuple[tuple[str, str], ...] = ()) -> tuple[str, ...]:
    """Reversed forms of a key point: each applicable contrast swapped, then its negation flipped.

    A pair whose sides are both in the point ("L2 shrinks all weights, while L1 sets some to
    zero") swaps both ways at once, which is exactly the crossed claim.
    """
    table = contrasts()
    found: list[str] = []
    for a, b in (*extra_pairs, *table.pairs):
        swapped = _swap(point, a, b)
        if swapped and swapped.casefold() != point.casefold() and swapped not in found:
            found.append(swapped)
        if len(found) >= MAX_VARIANTS - 1:
            break
    negated = _negated(point, table.negations)
    if negated and negated.casefold() != point.casefold():
        found.append(negated)
    return tuple(found)


def _stems(text: str) -> set[str]:
    """The lexical scorer's stems of ``text`` (its tokenizer: folding, possessives, numbers)."""
    from quizapp.scoring.lexical import phrase_stems

    return set(phrase_stems(text))


@lru_cache(maxsize=4096)
def changed_words(point: str, form: str) -> tuple[frozenset[str], frozenset[str]]:
    """The stems a reversed form puts in (``"dense"`` for ``"sparse"``, ``"not"``) and takes out.

    A crossed swap ("L1 ... L2" to "L2 ... L1") changes the order, not the words: both are empty.
    Cached like :func:`variants`: a card's points and their forms are the same on every answer.
    """
    before, after = _stems(point), _stems(form)
    return frozenset(after - before), frozenset(before - after)


def touches_change(unit: set[str], inserted: frozenset[str], removed: frozenset[str]) -> bool:
    """Whether a clause with these stems can state a reversed form: it must say a word the
    reversal puts in, or, when the reversal only takes words out ("not"), leave them out.

    Without this, a clause that states half a point ("ReLU has derivative 1 for positive
    inputs") sits closer to a reversal of the other half ("... gives *dense* activations"),
    which shares all its words, than to the whole point, and a correct clause is marked
    "you said the opposite".
    """
    if inserted:
        return bool(unit & inserted)
    if removed:
        return not unit & removed
    return True


@lru_cache(maxsize=4096)
def kept_words(point: str, form: str) -> frozenset[str]:
    """The content stems a reversed form keeps from its point: what both are about."""
    return frozenset((_stems(point) & _stems(form)) - _stop_stems())


@lru_cache(maxsize=1)
def _stop_stems() -> frozenset[str]:
    return frozenset().union(*(_stems(word) for word in STOP_WORDS))


def about_the_point(unit: set[str], kept: frozenset[str]) -> bool:
    """Whether a clause is about what a reversed form is about: it shares at least a quarter of
    the content words the reversal kept (one at least).

    Without this, "sigmoid saturates so its gradient vanishes" stated the reversal "Leaky
    *Sigmoid* keeps a small slope ..., so its gradient is never zero" of a point about leaky
    ReLU: it says the inserted word and sits near the form in meaning, while sharing one of its
    ten other content words.
    """
    return len(unit & kept) >= max(1, -(-len(kept) // 4))


def is_term_list(text: str) -> bool:
    """A unit that is a bare list of terms rather than a claim: almost no function words."""
    words = [w.casefold() for w in _WORD.findall(text)]
    if len(words) <= 3:
        return len(words) <= 2 or not any(w in STOP_WORDS for w in words)
    return sum(w in STOP_WORDS for w in words) / len(words) < LIST_STOP_SHARE


@dataclass(frozen=True)
class ClaimSignals:
    """Similarities between the answer's units and the card's claims, for the combiner.

    ``point_sim[u][p]``: unit u against key point p. ``reversal[u][p]``: how much closer unit u
    is to the best reversed form of point p than to any key point (negative: closer to one), with
    ``reversal_sim`` that form's similarity. ``misconception_sim[u][m]`` and
    ``misconception_margin[u][m]``: unit u against written misconception m, and how much closer
    it is to m than to its nearest key point. ``listy[u]``: unit u is a bare list of terms.
    """

    units: tuple[Unit, ...]
    point_sim: Any
    reversal: Any
    reversal_sim: Any
    misconception_sim: Any
    misconception_margin: Any
    listy: Any


def signals(
    encoder: Any,
    units: Sequence[Unit],
    points: Sequence[str],
    misconceptions: Sequence[str] = (),
    question: str | None = None,
    extra_pairs: tuple[tuple[str, str], ...] = (),
) -> ClaimSignals:
    """Embed the units, points, their reversed forms and the misconceptions; measure them.

    A unit that restates the ``question`` (cosine at least :data:`COPY_SIMILARITY`) is treated
    like a term list: repeating the prompt is not an answer.
    """
    import numpy as np

    texts = [u.text for u in units]
    forms = [variants(p, extra_pairs) for p in points]
    flat = [f for group in forms for f in group]
    vectors = encoder.embed(
        [*texts, *points, *flat, *misconceptions, *([question] if question else [])]
    )
    n_units, n_points, n_forms = len(texts), len(points), len(flat)
    answer = vectors[:n_units]
    point_vecs = vectors[n_units : n_units + n_points]
    form_vecs = vectors[n_units + n_points : n_units + n_points + n_forms]
    wrong_vecs = vectors[
        n_units + n_points + n_forms : n_units + n_points + n_forms + len(misconceptions)
    ]
    point_sim = answer @ point_vecs.T
    # A clause about the other side of a contrast that states another key point correctly
    # ("lasso drives some coefficients to zero") is close to the swapped form of the ridge point,
    # but closer still to the lasso point: a reversal must beat every key point, not just its own.
    nearest = point_sim.max(axis=1) if n_points else np.zeros(n_units, dtype=np.float32)
    reversal = np.full((n_units, n_points), -1.0, dtype=np.float32)
    reversal_sim = np.zeros((n_units, n_points), dtype=np.float32)
    unit_stems = [_stems(t) for t in texts]
    offset = 0
    for p, group in enumerate(forms):
        if group:
            sims = answer @ form_vecs[offset : offset + len(group)].T
            for f, form in enumerate(group):
                inserted, removed = changed_words(points[p], form)
                kept = kept_words(points[p], form)
                for u, stems in enumerate(unit_stems):
                    says_change = touches_change(stems, inserted, removed)
                    if not (says_change and about_the_point(stems, kept)):
                        sims[u, f] = -1.0
            best = sims.max(axis=1)
            reversal[:, p] = best - nearest
            reversal_sim[:, p] = best
        offset += len(group)
    if len(misconceptions):
        wrong_sim = answer @ wrong_vecs.T
        margin = wrong_sim - nearest[:, None]
    else:
        wrong_sim = np.zeros((n_units, 0), dtype=np.float32)
        margin = wrong_sim
    listy = np.array([is_term_list(t) for t in texts], dtype=bool)
    if question:
        listy |= (answer @ vectors[-1]) >= COPY_SIMILARITY
    return ClaimSignals(tuple(units), point_sim, reversal, reversal_sim, wrong_sim, margin, listy)

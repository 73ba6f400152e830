"""The words the answer scorer knows: synonym groups, stop words and negation cues.

The data lives in ``data/vocabulary.toml`` beside this module (each list explained there); this
module loads it once, at import, into the frozen sets and tuples the scorer reads.

Why a hand-written vocabulary instead of a language model: the scorer runs on every review, must
start instantly and must explain itself ("you said *ridge*, which counts as *L2*"). About a
hundred groups of interchangeable phrases cover how people say the ideas of ML interview answers:
``L1`` / ``lasso`` / ``ℓ1``, ``learning rate`` / ``lr`` / ``step size`` / ``η``, ``goes to zero``
/ ``becomes exactly 0`` and so on. Besides the groups this module holds the word lists the scorer
reads: stop words, negation cues, generic (low-weight) words and the contrasts key points draw
(L1 against L2, overfitting against underfitting).

How to extend it. Add a group to ``[synonyms]`` in the data file, or, for one deck, give it in the
deck's front matter or a card comment, in the same shape::

    synonyms:
      lasso: [L1, ℓ1, l1 penalty]

:func:`merge_synonyms` joins any number of such mappings; groups that share a phrase become one
group, so a card saying ``lasso: [l1 penalty]`` extends the built-in L1 group rather than fighting
it. Phrases are compared after the scorer's own normalisation (lower case, light stemming, Unicode
folding), so list each idea once, not each inflection: ``shrink`` already covers ``shrinks``,
``shrinking`` and ``shrunk`` is the only irregular form worth adding.

Keep groups to true equivalents *for these cards*: merging two ideas that a key point separates
(``L1`` with ``L2``, ``bias`` with ``variance``) would let a wrong answer score.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from importlib import resources

_DATA = tomllib.loads(
    (resources.files("quizapp.scoring") / "data" / "vocabulary.toml").read_text("utf-8")
)


def _words(key: str) -> frozenset[str]:
    return frozenset(_DATA["words"][key].split())


def _pairs(key: str) -> tuple[tuple[str, str], ...]:
    return tuple((a, b) for a, b in _DATA["pairs"][key])


#: Built-in synonym groups: canonical term -> phrases that mean the same thing.
DEFAULT_SYNONYMS: dict[str, tuple[str, ...]] = {
    term: tuple(phrases) for term, phrases in _DATA["synonyms"].items()
}
STOP_WORDS = _words("stop")
GLUE_WORDS = _words("glue")
NEGATION_CUES = _words("negation_cues")
SHORT_NEGATION_CUES = _words("short_negation_cues")
SHORT_NEGATION_PAIRS = frozenset(_pairs("short_negation"))
NEGATION_CANCELLERS = _words("negation_cancellers")
NEGATION_CONDITIONS = _words("negation_conditions")
COMPARATIVES = _words("comparatives")
PART_BREAKS = _words("part_breaks")
CLAUSE_BREAKS = _words("clause_breaks")
WEAK_WORDS = _words("weak")
#: What claims are made *about* (L1/L2, bias/variance); see the data file.
SUBJECT_CONTRASTS = _pairs("subject_contrasts")
#: Every pair of ideas key points set against each other: the subjects, then the others.
CONTRASTS = (*SUBJECT_CONTRASTS, *_pairs("contrasts"))

SynonymGroups = Mapping[str, Sequence[str]]


def merge_synonyms(*mappings: SynonymGroups | None) -> dict[str, tuple[str, ...]]:
    """Merge synonym mappings; groups that share any phrase (case-insensitively) become one group.

    Each merged group is keyed by the first term seen for it, so the built-in names win when
    :data:`DEFAULT_SYNONYMS` is passed first; phrases keep the order they were first seen in.
    """
    groups: list[list[str]] = []  # merged groups; an emptied slot was folded into another
    owner: dict[str, int] = {}  # folded phrase -> index of its group
    for mapping in mappings or ():
        for term, variants in (mapping or {}).items():
            phrases = [term, *variants]
            found = sorted({owner[p.casefold()] for p in phrases if p.casefold() in owner})
            if found:
                target = found[0]
                for other in found[1:]:  # this group bridges older ones: fold them in
                    groups[target].extend(groups[other])
                    for phrase in groups[other]:
                        owner[phrase.casefold()] = target
                    groups[other] = []
            else:
                target = len(groups)
                groups.append([])
            for phrase in phrases:
                if phrase.casefold() not in owner:
                    groups[target].append(phrase)
                owner[phrase.casefold()] = target
    merged: dict[str, tuple[str, ...]] = {}
    for group in groups:
        if group:
            head, *rest = dict.fromkeys(group)  # drop repeats, keep order
            merged[head] = tuple(rest)
    return merged

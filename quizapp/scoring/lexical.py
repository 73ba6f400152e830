"""Score a typed answer against a card's key points, and suggest a rating from the score.

The scorer is pure and UI-free: ``score(answer, key_points)`` returns a :class:`Score` whose
``value`` is in [0, 1] and which says, for each key point, whether the answer covered it and which
span of the answer did. It is plain Python plus rapidfuzz (no numpy: it runs on every review), and
it takes about 2-3 ms for a 250-word answer (``benchmarks/bench_scoring.py``).

Reading the answer
    Both texts are folded (lower case, accents dropped, ``ℓ1`` -> ``l1``, ``λ`` -> ``lambda``),
    split into words, lightly stemmed (``regularizing`` and ``regularization`` meet) and mapped
    through the synonym groups of :mod:`quizapp.scoring.vocabulary` (``ridge`` -> ``l2``, ``goes to
    zero`` -> ``zero``), extended by the card's and deck's own groups. Answer words missing from
    the card's vocabulary are typo-corrected towards it (a swap or a missing letter in short
    words, one edit up to seven letters, two beyond; never the first letter), and a corrected
    word then counts as the word it was meant to be. Stop words are dropped, so filler and word
    order do not matter.

When a key point counts as covered
    Each of its words has a weight: 1, less for generic words (``model``, ``input``), less for
    words that recur in several of the card's key points, and less for words the question
    already contains. The answer covers the point to the extent that the point's words appear
    *together*: within one stretch about 1.5 times the point's length (10 to 30 words),
    weighted by how dense the stretch is in the point's words, against a need of about half the
    point's total weight. Long answers must also match a growing share of the point's distinct
    words, since a few of them turn up by chance in any long text (a model answer of another
    card must not pass).

What cannot earn credit
    * Negation: a word under ``not`` / ``never`` / ``doesn't`` (to the end of its clause) or
      ``without`` / ``non-`` / ``rather than`` / ``instead of`` (the next word only) matches only a
      key-point word with the same polarity, so "ridge does not set weights to zero" does not
      cover "lasso sets weights to exactly zero". A clause that denies a key point ("L1 does not
      set weights to zero") zeroes that point and costs extra. "Not more than n" is a bound, not
      a denial.
    * Contrasts: a clause about one side of a pair the key points tell apart (L1/L2,
      overfit/underfit, bias/variance, deep/wide...) cannot cover a point about the other side.
      A point that names both sides ("L2 shrinks all weights, while L1 sets some exactly to
      zero") is contradicted by an answer whose clauses say its words of the other side ("L1
      shrinks them, L2 zeros them"): the right words, the wrong claim. Across the card, points
      that each name one side bind their words to it ("zero" to L1, "fades" to L2); an answer
      whose one-sided clauses say clearly more of the other side's words than of their own has
      the sides swapped, and the points those words belong to are contradicted.
    * Keyword stuffing: a sentence with almost no function words, a comma list of bare terms, or
      a run of 45 words without punctuation is not prose; its matches count a tenth. A list of
      the right terms still shows the vocabulary, which an interviewer rates a little above a
      wrong or off-topic answer, so a key point such a list would cover if it were prose earns a
      token :data:`LIST_CREDIT` of its credit: at most about 0.27, always Again.
    * Repeating the question: question words weigh less in the key points, and a sentence made
      of the question's words counts a tenth.

From coverage to value
    Coverage becomes a credit ramping from 0 at :data:`COVERAGE_LOW` to 1 at
    :data:`COVERAGE_HIGH`; a point is *covered* when its credit is at least 0.5. The value is
    ``(VALUE_GAIN * mean credit - CONTRADICTION_PENALTY * share of denied points)``, clipped to
    [0, 1] and raised to :data:`VALUE_EXPONENT` (an interviewer gives more than a fifth of the
    marks for one of five points).

How it was tuned
    The constants and vocabulary were tuned on the ``tune`` rows only: the ``tune`` split of
    ``tests/data/answers.jsonl`` and the development answers of ``answers_dev.jsonl`` and
    ``answers_dev2.jsonl`` (the second written blind, by someone who never saw the scorer). The
    ``heldout`` split and the blind answers of ``answers_fresh.jsonl`` measure the result
    (``tests/test_scoring_eval.py``); they were read as aggregates only, once per batch of
    changes, and a batch that lowered them was reverted (antonyms of "constant": tune +0.02,
    held-out -0.015). The tuned optimum is sharp (one grid step on several
    constants costs 0.01-0.04 of tune correlation) and constants re-fitted on half of the tune
    rows score about 0.04 lower on the other half, so the tune figure flatters the scorer.
    Changes are therefore judged by both the pooled and the per-card correlation on all tune
    rows, a change that only helps one card or answer is not taken, and a constant that does
    not measurably help is removed rather than kept.

Suggested rating (:func:`suggest_rating`): value < 0.35 Again (1), < 0.60 Hard (2),
< 0.85 Good (3), otherwise Easy (4).

Cards without key points are scored against :func:`key_points_from_answer`, the sentences of
their model answer.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

from quizapp.scoring import vocabulary as vocab

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
#: ``value < threshold`` -> rating, checked in order; anything above the last is Easy.
RATING_THRESHOLDS: tuple[tuple[float, int], ...] = ((0.35, AGAIN), (0.60, HARD), (0.85, GOOD))

COVERAGE_NEED = 2.5  # matched word weight that covers a key point fully (fewer if it has fewer)
NEED_FRACTION = 0.5  # ... and at least this share of the key point's total word weight
COVERAGE_LOW = 0.3  # coverage at or below this earns nothing
COVERAGE_HIGH = 0.75  # coverage at or above this earns the whole point
DISTINCT_FRACTION = 0.4  # share of a key point's distinct words a match needs at least
GATE_LENGTH = 40  # content words from which an answer is held to DISTINCT_FRACTION in full
DENSITY_FLOOR = 0.5  # a match whose words are less of its stretch than this is scaled down
WINDOW_FACTOR = 1.5  # a key point's words must lie within this many times its length
VALUE_GAIN = 1.1  # an answer needs ~91% of the key-point credit for a full score
VALUE_EXPONENT = 0.6  # one key point of five is worth more than a fifth to an interviewer
CONTRADICTION_PENALTY = 1.5  # per contradicted key point, averaged over the key points
CONTRADICTION_COVERAGE = 0.4  # how well a denying part must match the point
#: Words that open a clause part going on about the subject just named ("Ridge shrinks the
#: weights *and sets none exactly to zero*"); a parenthesis does too ("L1 zeroes weights
#: (*feature selection*)").
CONTINUATIONS = frozenset(
    {
        "because",
        "since",
        "so",
        "which",
        "its",
        "it",
        "they",
        "their",
        "hence",
        "thus",
        "therefore",
        "and",
        "but",
        "(",  # what _inherit_sides reads for a part opened by a parenthesis
    }
)
CARD_SWAP_MIN = 2  # words said of the wrong side, across clauses, that swap a card's contrast
SWAP_SHARE = 0.5  # share of a point's side-bound words that, said of the wrong side, swap it
CONTRADICTION_WEIGHT = 0.85  # weight of the point's words the denying part negates, at least
WEAK_WEIGHT = 0.4  # weight of a generic word (see vocabulary.WEAK_WORDS)
SPREAD_DISCOUNT = 0.5  # a word in k of a card's key points weighs 1 / (1 + 0.5 ln k)
QUESTION_WEIGHT = 0.3  # weight of a key-point word that the question already contains
COPY_RATIO = 0.85  # a sentence whose words come this much from the question restates it
STUFFED_CREDIBILITY = 0.1  # matches inside word salad or bare term lists count this much
RUN_ON_LENGTH = 45  # words without a single punctuation mark that make a sentence a jumble
LIST_CREDIT = 0.1  # share of a point's credit a bare list of its terms earns
TYPO_CACHE_SIZE = 20_000  # words whose correction is remembered per compiled card


@dataclass(frozen=True)
class KeyPointResult:
    """How one key point fared: ``matched`` is ``answer[span[0]:span[1]]`` or ``""``."""

    text: str
    covered: bool
    strength: float
    span: tuple[int, int] | None
    matched: str
    contradicted: bool = False  # the answer denies the point or says it of the other side
    uncontradicted: float = 0.0  # the credit the point's words earned before a denial zeroed it


@dataclass(frozen=True)
class Score:
    """The scorer's verdict on one answer; ``suggested_rating`` is 1 (Again) to 4 (Easy)."""

    value: float
    points: tuple[KeyPointResult, ...]
    suggested_rating: int


def suggest_rating(value: float) -> int:
    """Map a score to a rating: < 0.35 Again (1), < 0.60 Hard (2), < 0.85 Good (3), else Easy (4).

    Why these cuts: below about a third of the key points the user could not answer the question
    (Again); up to 0.6 they got the gist but missed key ideas (Hard); an interviewer would accept
    anything above 0.6 (Good), and 0.85 means nothing important is missing (Easy).
    """
    for threshold, rating in RATING_THRESHOLDS:
        if value < threshold:
            return rating
    return EASY


# ----------------------------------------------------------------------------------------------
# Folding and tokenising. Folding keeps a map from folded to original offsets so spans point into
# the text the user typed.

_SYMBOL_FOLDS = {
    "λ": " lambda ",
    "η": " eta ",
    "α": " alpha ",
    "β": " beta ",
    "θ": " theta ",
    "σ": " sigma ",
    "μ": " mu ",
    "ε": " epsilon ",
    "δ": " delta ",
    "∇": " grad ",
    "∂": " partial ",
    "²": " squared ",
    "ℓ": "l",
    "’": "'",
    "‘": "'",
    "−": "-",
    "–": " - ",
    "—": " - ",
    "≫": " >> ",
    "≪": " << ",
    "≈": " ≈ ",
    "≤": " <= ",
    "≥": " >= ",
    "→": " -> ",
    "·": " ",
    "×": " ",
    "…": " . ",
}

_TOKEN = re.compile(
    r"(?:e\.g|i\.e)\.?|\d+(?:\.\d+)?|[a-z0-9]+(?:'[a-z]+)*|>>|<<|<=|>=|->|[<>=+≈/|^]"
)
_SENTENCE_GAP = re.compile(r"[.!?;]\s|[.!?;]$|\n|^[.!?;]")
_CLAUSE_GAP = re.compile(r"[,:;()\[\]{}\"]|\s-\s|[.!?]\s|\n")
_SYMBOL_TOKENS = frozenset({"<", ">", "=", "+", "≈", "/", "|", "^", ">>", "<<", "<=", ">=", "->"})


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char.isascii():
        return char.lower()
    if char in _SYMBOL_FOLDS:
        return _SYMBOL_FOLDS[char]
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    if base.isascii() and base:
        if unicodedata.category(char) == "No":  # superscript/subscript digits: a new token
            return " " + base.lower()
        return base.lower()
    return " "


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _fold(text: str) -> tuple[str, list[int] | None]:
    """Fold ``text`` for matching; return it and, per folded char, its offset in ``text``.

    Plain ASCII text folds to its lower case, char for char, and the offsets are ``None``.
    """
    if text.isascii():
        return text.lower(), None
    out: list[str] = []
    offsets: list[int] = []
    last = 0
    for match in _NON_ASCII.finditer(text):
        here = match.start()
        out.append(text[last:here].lower())
        offsets.extend(range(last, here))
        folded = _fold_char(match.group())
        out.append(folded)
        offsets.extend([here] * len(folded))
        last = here + 1
    out.append(text[last:].lower())
    offsets.extend(range(last, len(text) + 1))
    return "".join(out), offsets


class _Token(NamedTuple):
    word: str  # folded surface form
    start: int  # offsets into the original text
    end: int
    sentence: int
    part: int  # clauses split further at "and"/"or", for the contrast check
    clause_start: bool  # a clause begins at this token
    pause: bool  # punctuation (or the start of the text) comes right before this token
    aside: bool = False  # an opening parenthesis comes right before this token


def _tokenize(text: str) -> list[_Token]:
    folded, offsets = _fold(text)
    tokens: list[_Token] = []
    sentence = 0
    part = 0
    previous_end = 0
    clause_breaks = vocab.CLAUSE_BREAKS
    part_breaks = vocab.PART_BREAKS
    for match in _TOKEN.finditer(folded):
        begin, finish = match.span()
        gap = folded[previous_end:begin]
        previous_end = finish
        word = match.group()
        if word.endswith("'s"):
            word = word[:-2]
        if not tokens:
            new_sentence, pause = False, True
        elif gap == " ":  # the common case: no punctuation in between
            new_sentence = pause = False
        else:
            new_sentence = bool(_SENTENCE_GAP.search(gap))
            pause = new_sentence or bool(_CLAUSE_GAP.search(gap))
        sentence += new_sentence
        clause_start = pause or word in clause_breaks
        if tokens and (clause_start or word in part_breaks):
            part += 1
        if offsets is None:
            start, end = begin, finish
        else:
            start, end = offsets[begin], offsets[finish - 1] + 1
        aside = "(" in gap
        tokens.append(_Token(word, start, end, sentence, part, clause_start, pause, aside))
    return tokens


# ----------------------------------------------------------------------------------------------
# Stemming: a small suffix stripper, enough to make inflections meet. It only has to be
# consistent, since both the answer and the key points go through it.

_IRREGULAR = {
    "minima": "minim",
    "minimum": "minim",
    "minimal": "minim",
    "maxima": "maxim",
    "maximum": "maxim",
    "optima": "optimum",
    "optimum": "optimum",
    "axes": "axis",
    "overshot": "overshoot",
    "shrunk": "shrink",
    "shrank": "shrink",
    "larger": "larg",
    "largest": "larg",
    "smaller": "small",
    "smallest": "small",
    "bigger": "big",
    "biggest": "big",
    "higher": "high",
    "highest": "high",
    "lower": "lower",
    "lowest": "lowest",
    "slower": "slow",
    "slowest": "slow",
    "faster": "fast",
    "fastest": "fast",
    "harder": "hard",
    "easier": "easi",
    "simpler": "simpl",
    "simplest": "simpl",
    "smoother": "smooth",
    "stronger": "strong",
    "weaker": "weak",
    "greater": "great",
    "narrower": "narrow",
    "shallower": "shallow",
    "data": "data",
    "active": "active",
    "inactive": "inactive",
    "activity": "activity",
    "bias": "bias",
    "biases": "bias",
    "lasso": "lasso",
    "relu": "relu",
    "relus": "relu",
    "early": "early",
    "only": "only",
    "apply": "apply",
    "rely": "rely",
    "original": "original",
    "signal": "signal",
    "interval": "interval",
    "news": "news",
}

# (suffix, replacement, minimum stem length); the first match wins, and stripping repeats until
# nothing changes, so "generalization" -> "general" -> "gener" and "general" -> "gener" agree.
_SUFFIXES: tuple[tuple[str, str, int], ...] = (
    ("izations", "", 3),
    ("isations", "", 3),
    ("ization", "", 3),
    ("isation", "", 3),
    ("iveness", "", 3),
    ("ivities", "", 3),
    ("ations", "", 3),
    ("itions", "", 3),
    ("atives", "", 3),
    ("ically", "ic", 3),
    ("ivity", "", 3),
    ("ation", "", 3),
    ("ition", "", 3),
    ("ative", "", 3),
    ("ately", "", 3),
    ("ingly", "", 3),
    ("ities", "", 3),
    ("ously", "", 3),
    ("izing", "", 3),
    ("ising", "", 3),
    ("ating", "", 3),
    ("ially", "", 3),
    ("ical", "ic", 3),
    ("ness", "", 3),
    ("ized", "", 3),
    ("ised", "", 3),
    ("izes", "", 3),
    ("ises", "", 3),
    ("ated", "", 3),
    ("ates", "", 3),
    ("ings", "", 3),
    ("edly", "", 3),
    ("ity", "", 3),
    ("ous", "", 3),
    ("ize", "", 3),
    ("ise", "", 3),
    ("ate", "", 3),
    ("ive", "", 3),
    ("ial", "", 4),
    ("ing", "", 3),
    ("ies", "y", 2),
    ("ied", "y", 2),
    ("ly", "", 4),
    ("al", "", 4),
    ("ed", "", 3),
    ("es", "", 3),
    ("s", "", 3),
)
_NO_UNDOUBLE = frozenset("lszf")


def _strip_once(word: str) -> str:
    for suffix, replacement, min_stem in _SUFFIXES:
        if word.endswith(suffix):
            stem = word[: -len(suffix)]
            if len(stem) < min_stem:
                continue
            if suffix == "s" and stem[-1] in "suia":  # loss, plus, axis, bias
                return word
            if suffix == "ed" and stem.endswith("e"):  # speed, need
                return word
            if suffix in ("ing", "ed", "ings") and (
                len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in _NO_UNDOUBLE
            ):
                stem = stem[:-1]  # dropped -> drop, overfitting -> overfit
            return stem + replacement
    return word


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Reduce an English word to a crude stem; words with digits or apostrophes pass unchanged."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or not word.isalpha():
        return word
    current = word
    for _ in range(4):
        stripped = _strip_once(current)
        if stripped == current:
            break
        current = stripped
        if current in _IRREGULAR:
            return _IRREGULAR[current]
    if len(current) >= 4 and current.endswith("e"):
        current = current[:-1]
    return current


# ----------------------------------------------------------------------------------------------
# The vocabulary compiled for matching: phrase table, lexicon for typo correction, weights.


@dataclass(frozen=True)
class _Vocabulary:
    phrases: dict[str, tuple[tuple[tuple[str, ...], str], ...]]  # first stem -> (stems, canon)
    lexicon: dict[str, str]  # stems and words worth correcting a typo towards -> their stem
    weak: frozenset[str]  # canonical terms of low weight
    partners: dict[str, frozenset[str]]  # canonical term -> the terms it is contrasted with
    subjects: frozenset[tuple[str, str]]  # canonical pairs of vocab.SUBJECT_CONTRASTS


@lru_cache(maxsize=8192)
def phrase_stems(phrase: str) -> tuple[str, ...]:
    """The stems of ``phrase`` as this scorer reads them (also used by ``claims``)."""
    return tuple(stem(token.word) for token in _tokenize(phrase))


def _synonyms_key(synonyms: Mapping[str, Sequence[str]] | None) -> tuple:
    if not synonyms:
        return ()
    return tuple(sorted((str(k), tuple(str(v) for v in vs)) for k, vs in synonyms.items()))


@lru_cache(maxsize=64)
def _vocabulary(synonyms_key: tuple) -> _Vocabulary:
    groups = vocab.merge_synonyms(vocab.DEFAULT_SYNONYMS, dict(synonyms_key))
    table: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    lexicon: dict[str, str] = {}
    canon_of: dict[tuple[str, ...], str] = {}
    for term in groups:  # canonical ids are the stems of the group's head term
        canon = " ".join(phrase_stems(term))
        for phrase in (term, *groups[term]):
            stems = phrase_stems(phrase)
            if not stems or stems in canon_of:
                continue
            canon_of[stems] = canon
            table.setdefault(stems[0], []).append((stems, canon))
            for token in _tokenize(phrase):
                _add_to_lexicon(lexicon, token.word)
    phrases = {
        first: tuple(sorted(entries, key=lambda e: -len(e[0]))) for first, entries in table.items()
    }
    weak = set()
    for word in vocab.WEAK_WORDS:
        stems = phrase_stems(word)
        weak.update((" ".join(stems), canon_of.get(stems, " ".join(stems))))
    stop_stems = {stem(w) for w in vocab.STOP_WORDS}
    partners: dict[str, set[str]] = {}
    subjects: set[tuple[str, str]] = set()
    from quizapp.scoring.claims import contrasts

    # The antonyms the claim reader swaps ("positive"/"negative", "larger"/"smaller") are
    # contrasts here too: a part saying "negative inputs" without "positive" covers nothing of a
    # point about positive inputs (tune Spearman 0.739 -> 0.743).
    for left, right in (*vocab.CONTRASTS, *contrasts().antonyms):
        a = canon_of.get(phrase_stems(left), " ".join(phrase_stems(left)))
        b = canon_of.get(phrase_stems(right), " ".join(phrase_stems(right)))
        if a == b:  # both sides fold to one stem (a synonym group), so nothing to set apart
            continue
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
        if (left, right) in vocab.SUBJECT_CONTRASTS:
            subjects.add((a, b))
    return _Vocabulary(
        phrases=phrases,
        lexicon={k: v for k, v in lexicon.items() if v not in stop_stems},
        weak=frozenset(weak),
        partners={k: frozenset(v) for k, v in partners.items()},
        subjects=frozenset(subjects),
    )


class _Term(NamedTuple):
    canon: str
    position: int  # index of the first token
    start: int
    end: int
    negated: bool
    sentence: int
    part: int
    # Under a long-reach negation and after its conditions' opening word: the first content
    # term after the cue, what the negation denies ("saturate" for "positive inputs" in "does
    # not saturate for positive inputs"); empty otherwise.
    head: str = ""


def _is_stop(word: str) -> bool:
    return word in vocab.STOP_WORDS or word in _SYMBOL_TOKENS


def _add_to_lexicon(lexicon: dict[str, str], word: str) -> None:
    """Let typos be corrected towards ``word`` and towards its stem."""
    if word.isalpha() and len(word) >= 4 and word not in vocab.STOP_WORDS:
        stemmed = stem(word)
        lexicon[word] = stemmed
        if len(stemmed) >= 4:
            lexicon[stemmed] = stemmed


def _correct(word: str, stemmed: str, lexicon: Mapping[str, str], choices: tuple[str, ...]) -> str:
    """Typo-correct one word towards the lexicon, or return it unchanged.

    Allowed: a transposition in 4-letter words, one edit in 5-7 letters, two from 8 letters, and
    the first letter must agree (people rarely mistype it, and it rules out most false friends).
    """
    if stemmed in lexicon or word in lexicon or len(word) < 4 or not word.isalpha():
        return stemmed
    best = None
    for query in {stemmed, word}:
        found = process.extractOne(query, choices, scorer=OSA.distance, score_cutoff=2)
        if found is None:
            continue
        candidate, distance, _ = found
        if candidate[0] != query[0] or query.startswith(candidate):
            continue  # "active" is a word of its own, not a typo for "activ(ation)"
        size = min(len(query), len(candidate))
        if size <= 4:  # a swap, or a missing/extra letter, but no substitution
            ok = distance == 1 and (
                len(query) != len(candidate) or Levenshtein.distance(query, candidate) == 2
            )
        elif size <= 7:
            ok = distance <= 1
        else:
            ok = distance <= 2
        if ok and (best is None or distance < best[1]):
            best = (candidate, distance)
    return lexicon[best[0]] if best else stemmed


def _bounded(tokens: list[_Token], start: int) -> bool:
    """Whether the clause from ``start`` on says "more than", "larger than" and the like.

    "cannot select more than n features" and "is never larger than 0.25" state a bound ("at most
    n", "at most 0.25"), not the opposite of the key point, so their negation is not counted.
    """
    for index in range(start, len(tokens)):
        token = tokens[index]
        if index > start and token.clause_start:
            return False
        if token.word in vocab.COMPARATIVES:
            return True
    return False


def _rejects_next_word(tokens: list[_Token], stop_flags: list[bool], start: int) -> bool:
    """Whether ``start`` begins "rather than" / "instead of" followed by a word it rejects.

    Only a word counts: in "switches on at -b instead of at w.x = 0" the rejected thing is a
    formula, whose single letters also stand for the key points' own terms.
    """
    if start + 1 >= len(tokens):
        return False
    if (tokens[start].word, tokens[start + 1].word) not in vocab.SHORT_NEGATION_PAIRS:
        return False
    for index in range(start + 2, min(start + 5, len(tokens))):
        if not stop_flags[index]:
            word = tokens[index].word
            return word.isalpha() and len(word) > 1
    return False


def _terms(
    text: str,
    vocabulary: _Vocabulary,
    lexicon: Mapping[str, str] | None = None,
    choices: tuple[str, ...] = (),
    cache: dict[str, str] | None = None,
) -> tuple[list[_Term], list[_Token], list[bool]]:
    """Turn text into content terms with negation flags; also return tokens and stop flags.

    With a ``lexicon`` (and its keys as ``choices``), unknown words are typo-corrected towards it.
    """
    correct_typos = lexicon is not None
    tokens = _tokenize(text)
    stems: list[str] = []
    stop_flags: list[bool] = []
    for token in tokens:
        stemmed = stem(token.word)
        is_stop = _is_stop(token.word)
        if correct_typos and not is_stop and stemmed not in vocabulary.phrases:
            if cache is not None and token.word in cache:
                corrected = cache[token.word]
            else:
                corrected = _correct(token.word, stemmed, lexicon, choices)
                if cache is not None:
                    if len(cache) > TYPO_CACHE_SIZE:
                        cache.clear()
                    cache[token.word] = corrected
            if corrected != stemmed:
                stems.append(corrected)
                stop_flags.append(False)
                continue
        stems.append(stemmed)
        stop_flags.append(is_stop)

    terms: list[_Term] = []
    negated = False  # a long-reach cue is active in this clause
    negate_next = False  # a short-reach cue waits for the next content word
    head = ""  # the active long-reach cue's first content term ("" until there is one)
    condition = False  # past the word that opens that negated claim's conditions
    i = 0
    n = len(tokens)
    while i < n:
        token = tokens[i]
        if token.clause_start:
            negated = False
            negate_next = False
        word = token.word
        if word in vocab.NEGATION_CUES:
            following = tokens[i + 1].word if i + 1 < n else ""
            if following not in vocab.NEGATION_CANCELLERS and not _bounded(tokens, i + 1):
                negated = True
                head = ""
                condition = False
        elif negated and head and word in vocab.NEGATION_CONDITIONS:
            condition = True
        elif word in vocab.SHORT_NEGATION_CUES or _rejects_next_word(tokens, stop_flags, i):
            negate_next = True
        match = None
        for phrase, canon in vocabulary.phrases.get(stems[i], ()):
            if tuple(stems[i : i + len(phrase)]) == phrase:
                match = (len(phrase), canon)
                break
        if match is None and stop_flags[i]:
            i += 1
            continue
        length, canon = match if match else (1, stems[i])
        last = tokens[i + length - 1]
        if negated and not head:
            head = canon
        terms.append(
            _Term(
                canon=canon,
                position=i,
                start=token.start,
                end=last.end,
                negated=negated or negate_next,
                sentence=token.sentence,
                part=token.part,
                head=head if negated and condition else "",
            )
        )
        negate_next = False
        i += length
    return terms, tokens, stop_flags


# ----------------------------------------------------------------------------------------------
# Key points, compiled once per (key points, question, synonyms).


@dataclass(frozen=True)
class _KeyPoint:
    text: str
    terms: tuple[tuple[str, float, bool], ...]  # (canon, weight, negated)
    need: float  # matched weight that earns full coverage
    window: int  # tokens of answer a key point's words must fall within
    rivals: tuple[tuple[str, str], ...]  # (term, its contrast partner absent from the point)
    sides: tuple[str, str] | None  # a subject contrast the point names both sides of
    bound: tuple[str | None, ...]  # per term, the side it is said of (None: neither or both)


@dataclass(frozen=True)
class _CardSide:
    """A subject contrast across a card's key points: the words its points say only of one side.

    ``words[k]`` maps (canon, negated) to the indices of the points naming only ``pair[k]`` that
    say it; a word said of both sides' points is in neither.
    """

    pair: tuple[str, str]
    words: tuple[dict[tuple[str, bool], tuple[int, ...]], dict[tuple[str, bool], tuple[int, ...]]]


@dataclass
class _Compiled:
    points: tuple[_KeyPoint, ...]
    card_sides: tuple[_CardSide, ...]
    vocabulary: _Vocabulary
    lexicon: dict[str, str]
    choices: tuple[str, ...]
    typo_cache: dict[str, str]
    question_terms: frozenset[str]


@lru_cache(maxsize=256)
def _compile(key_points: tuple[str, ...], question: str | None, synonyms_key: tuple) -> _Compiled:
    vocabulary = _vocabulary(synonyms_key)
    question_terms: set[str] = set()
    if question:
        question_terms = {t.canon for t in _terms(question, vocabulary)[0]}
    points = []
    lexicon = dict(vocabulary.lexicon)
    parsed = [(text, *_terms(text, vocabulary)[:2]) for text in key_points]
    spread: dict[str, int] = {}  # in how many key points each term occurs
    for _, terms, _ in parsed:
        for canon in {t.canon for t in terms}:
            spread[canon] = spread.get(canon, 0) + 1
    for text, terms, tokens in parsed:
        for token in tokens:
            _add_to_lexicon(lexicon, token.word)
        seen: dict[str, tuple[str, float, bool]] = {}
        for term in terms:
            if term.canon in seen:
                continue
            weight = WEAK_WEIGHT if term.canon in vocabulary.weak else 1.0
            weight /= 1.0 + SPREAD_DISCOUNT * math.log(spread[term.canon])
            if term.canon in question_terms:
                weight *= QUESTION_WEIGHT
            seen[term.canon] = (term.canon, weight, term.negated)
        total = sum(w for _, w, _ in seen.values())
        rivals = tuple(
            (canon, partner)
            for canon in seen
            for partner in sorted(vocabulary.partners.get(canon, ()))
            if partner not in seen
        )
        sides = next(
            (pair for pair in sorted(vocabulary.subjects) if pair[0] in seen and pair[1] in seen),
            None,
        )
        bound_to: dict[str, set[str | None]] = {}
        if sides:
            part_side = _sides_by_part(terms, tokens, sides, key_point=True)
            for term in terms:
                if term.canon not in sides:
                    bound_to.setdefault(term.canon, set()).add(part_side.get(term.part))
        bound = tuple(
            next(iter(bound_to[canon])) if len(bound_to.get(canon, ())) == 1 else None
            for canon in seen
        )
        points.append(
            _KeyPoint(
                text=text,
                terms=tuple(seen.values()),
                need=max(min(total, COVERAGE_NEED), NEED_FRACTION * total),
                window=max(10, min(30, round(WINDOW_FACTOR * len(tokens)))),
                rivals=rivals,
                sides=sides,
                bound=bound,
            )
        )
    return _Compiled(
        points=tuple(points),
        card_sides=_card_sides(parsed, vocabulary),
        vocabulary=vocabulary,
        lexicon=lexicon,
        choices=tuple(sorted(lexicon)),
        typo_cache={},
        question_terms=frozenset(question_terms),
    )


def _sides_by_part(
    terms: Sequence[_Term],
    tokens: Sequence[_Token],
    sides: tuple[str, str],
    *,
    key_point: bool = False,
) -> dict[int, str]:
    """The clause parts that name exactly one of ``sides``, and which one.

    A side named after "than" is what the clause compares with, not what it is about, so an
    answer's clause is about its other side. A key point's comparison ("more neurons in a shallow
    network than in a deep one") says something of both sides at once, so it binds nothing.
    """
    named: dict[int, set[str]] = {}
    for term in terms:
        if term.canon not in sides:
            continue
        compared = any(
            tokens[k].word == "than" and tokens[k].part == term.part
            for k in range(max(0, term.position - 3), term.position)
        )
        if not compared:
            named.setdefault(term.part, set()).add(term.canon)
        elif key_point:
            named.setdefault(term.part, set()).update(sides)
    return {part: next(iter(found)) for part, found in named.items() if len(found) == 1}


def _card_sides(
    parsed: Sequence[tuple[str, list[_Term], list[_Token]]],
    vocabulary: _Vocabulary,
) -> tuple[_CardSide, ...]:
    """The subject contrasts whose sides are each named alone by some key point of the card.

    "L1's subgradient has magnitude λ however small the weight" and "L2's gradient fades as the
    weight shrinks, so L2 weights get small but not zero" bind "magnitude" to L1 and "fades",
    "not zero" to L2, though no single point names both sides. Only points naming one side
    bind: a point naming neither side or both says nothing about which side a word belongs to.
    """
    found = []
    for pair in sorted(vocabulary.subjects):
        words: tuple[dict, dict] = ({}, {})
        for index, (_, terms, _) in enumerate(parsed):
            named = {t.canon for t in terms} & set(pair)
            if len(named) != 1:
                continue
            k = pair.index(next(iter(named)))
            for term in terms:
                if term.canon in pair:
                    continue
                key = (term.canon, term.negated)
                words[k][key] = (*words[k].get(key, ()), index)
        if not (words[0] and words[1]):
            continue
        shared = set(words[0]) & set(words[1])
        shared |= {(c, not n) for c, n in shared}  # said of both, in either polarity
        kept = tuple({w: v for w, v in side.items() if w not in shared} for side in words)
        found.append(_CardSide(pair, kept))  # type: ignore[arg-type]
    return tuple(found)


def _inherit_sides(
    terms: Sequence[_Term], tokens: Sequence[_Token], sides_by_part: Mapping[int, str]
) -> dict[int, str]:
    """A clause part that names no side but goes on about the last one named in its sentence
    (it opens with :data:`CONTINUATIONS`) is about that side: "L2 sets weights to zero
    *because its gradient is constant*". A part opening otherwise may be about the side it names
    later ("too flexible a model fits the noise (variance)"), so it stays unbound."""
    first: dict[int, str] = {}
    for token in tokens:
        first.setdefault(token.part, "(" if token.aside else token.word)
    inherited = dict(sides_by_part)
    last: dict[int, str] = {}
    for term in terms:  # in reading order
        side = sides_by_part.get(term.part)
        if side is not None:
            last[term.sentence] = side
        elif term.sentence in last and first.get(term.part) in CONTINUATIONS:
            inherited.setdefault(term.part, last[term.sentence])
    return inherited


def _card_swaps(
    card_sides: Sequence[_CardSide], terms: Sequence[_Term], tokens: Sequence[_Token]
) -> set[int]:
    """Key points whose words the answer says of the other side of a contrast, across clauses.

    Each clause part naming one side only is read against the card's side vocabularies (see
    :func:`_card_sides`): a word the points say only of the other side is *crossed*, one said of
    this side is *straight*. When at least :data:`CARD_SWAP_MIN` words are crossed, and more than
    twice as many as are straight, the answer has the sides the wrong way round: the points
    whose words were crossed are reversed. (On the tuning answers, a looser "more crossed than
    straight" also flagged four excellent answers that mention a side's word in passing.)
    """
    reversed_points: set[int] = set()
    for side in card_sides:
        parts = _inherit_sides(terms, tokens, _sides_by_part(terms, tokens, side.pair))
        crossed: set[tuple[str, bool]] = set()
        straight: set[tuple[str, bool]] = set()
        owners: set[int] = set()
        for term in terms:
            said_of = parts.get(term.part)
            if said_of is None or term.canon in side.pair:
                continue
            k = side.pair.index(said_of)
            key = (term.canon, term.negated)
            if key in side.words[k]:
                straight.add(key)
            elif key in side.words[1 - k]:
                crossed.add(key)
                owners.update(side.words[1 - k][key])
        if len(crossed) >= CARD_SWAP_MIN and len(crossed) > 2 * len(straight):
            reversed_points |= owners
    return reversed_points


def _swapped(point: _KeyPoint, terms: Sequence[_Term], sides_by_part: Mapping[int, str]) -> bool:
    """Whether the answer says the point's claims about one side of the other: "L1 shrinks all
    weights, L2 sets some exactly to zero" against "L2 shrinks all weights toward zero, while L1
    sets some weights exactly to zero".

    The point's words are bound to the side their clause part names (words of parts naming both
    sides or neither, and words found on both sides, stay unbound). In the answer, a bound word
    is *crossed* when the clause parts that name one side only say it of the other side and
    never of its own. The point is swapped when two or more words are crossed, they weigh
    :data:`SWAP_SHARE` of all its bound words, and more than the words said of the right side.
    """
    index = {canon: i for i, (canon, _, _) in enumerate(point.terms)}
    said_of: dict[int, set[str]] = {}
    for term in terms:
        i = index.get(term.canon)
        side = sides_by_part.get(term.part)
        if i is None or side is None or point.bound[i] is None:
            continue
        if term.negated == point.terms[i][2]:
            said_of.setdefault(i, set()).add(side)
    crossed = [i for i, sides in said_of.items() if point.bound[i] not in sides]
    straight = [i for i, sides in said_of.items() if point.bound[i] in sides]
    bound_total = sum(w for (_, w, _), side in zip(point.terms, point.bound, strict=True) if side)
    crossed_weight = sum(point.terms[i][1] for i in crossed)
    return (
        len(crossed) >= 2
        and crossed_weight >= SWAP_SHARE * bound_total
        and crossed_weight > sum(point.terms[i][1] for i in straight)
    )


# ----------------------------------------------------------------------------------------------
# Stuffing: how much each sentence of the answer reads like prose.


def _credibility(
    tokens: list[_Token], stop_flags: list[bool], terms: list[_Term], question: frozenset[str]
) -> dict[int, float]:
    """Per sentence, 1.0 for prose and STUFFED_CREDIBILITY for word salad, bare term lists and
    sentences whose content words all come from the question."""
    by_sentence: dict[int, list[int]] = {}
    for index, token in enumerate(tokens):
        by_sentence.setdefault(token.sentence, []).append(index)
    sentence_terms: dict[int, set[str]] = {}
    for term in terms:
        sentence_terms.setdefault(term.sentence, set()).add(term.canon)
    credibility: dict[int, float] = {}
    for sentence, indices in by_sentence.items():
        canons = sentence_terms.get(sentence, set())
        if question and len(canons) >= 2:
            copied = len(canons & question) / len(canons)
            if copied >= COPY_RATIO:
                credibility[sentence] = STUFFED_CREDIBILITY
                continue
        n = len(indices)
        function_words = sum(
            1 for i in indices if stop_flags[i] or tokens[i].word in _SYMBOL_TOKENS
        )
        glue = sum(1 for i in indices if tokens[i].word in vocab.GLUE_WORDS)
        # Word salad: hardly any function words, or a long run-on with almost none of the short
        # ones every English sentence needs (pasted key-point words lose "the", "of", "is").
        salad = n >= 9 and (function_words / n < 0.12 or (n >= 20 and glue / n < 0.08))
        # A pasted jumble, even one keeping the function words, runs on without punctuation
        # far longer than anyone writes.
        run = longest = 0
        for i in indices:
            run = 1 if tokens[i].pause else run + 1
            longest = max(longest, run)
        salad = salad or longest >= RUN_ON_LENGTH
        segments: list[list[int]] = []
        for i in indices:
            if not segments or tokens[i].clause_start:
                segments.append([])
            segments[-1].append(i)
        bare = sum(1 for seg in segments if len(seg) <= 3 and not any(stop_flags[i] for i in seg))
        term_list = len(segments) >= 5 and bare / len(segments) >= 0.7
        credibility[sentence] = STUFFED_CREDIBILITY if (salad or term_list) else 1.0
    return credibility


# ----------------------------------------------------------------------------------------------
# Matching.

# (position, term index, trust, start, end, clause part); trust is the credibility of the
# mention's sentence, and start < 0 marks a negated mention
_Event = tuple[int, int, float, int, int, int]


def _best_window(
    events: list[_Event], weights: Sequence[float], window: int, prefix: Sequence[int]
) -> tuple[float, list[_Event]]:
    """The best stretch of the answer for one key point: its weighted total and its events.

    A stretch starts and ends at a matched word and spans at most ``window`` tokens. Its total
    is the weight of the distinct key-point words in it, scaled down when those words are a small
    share of the stretch's content words (``prefix[p]`` counts the answer's content words before
    token ``p``): a key point stated in a sentence is dense with its own words, while the same
    words scattered through a paragraph about something else are not. ``events`` must be sorted.
    """
    best_total = 0.0
    best_chosen: list[_Event] = []
    n = len(events)
    previous_start = -1
    for i in range(n):
        first = events[i][0]
        if first == previous_start:
            continue
        previous_start = first
        limit = first + window
        chosen: dict[int, _Event] = {}
        total = 0.0
        for j in range(i, n):
            event = events[j]
            position = event[0]
            if position >= limit:
                break
            held = chosen.get(event[1])
            if held is None:
                chosen[event[1]] = event
                total += weights[event[1]] * event[2]
            elif event[2] > held[2]:
                chosen[event[1]] = event
                total += weights[event[1]] * (event[2] - held[2])
            content = prefix[position + 1] - prefix[first]
            density = len(chosen) / content if content else 1.0
            scaled = total * min(1.0, density / DENSITY_FLOOR) if DENSITY_FLOOR else total
            if scaled > best_total:
                best_total = scaled
                best_chosen = list(chosen.values())
    return best_total, best_chosen


def _coverage(
    events: list[_Event],
    point: _KeyPoint,
    weights: Sequence[float],
    prefix: Sequence[int],
    gate: float,
) -> tuple[float, list[_Event]]:
    """Coverage of one key point by a set of events, and the events that earned it."""
    if not events or point.need <= 0:
        return 0.0, []
    events.sort()
    total, chosen = _best_window(events, weights, point.window, prefix)
    if len(chosen) < gate * len(point.terms):
        return 0.0, []
    return min(1.0, total / point.need), chosen


def _denies(
    agree: list[_Event],
    oppose: list[_Event],
    point: _KeyPoint,
    weights: Sequence[float],
    prefix: Sequence[int],
    gate: float,
) -> bool:
    """Whether one part of the answer states the negation of the key point.

    It does when a part of a clause ("lasso does not set weights to zero") matches the key point
    well on its own, counting its negated words, and the point's words that appear in that match
    only under the answer's negation weigh :data:`CONTRADICTION_WEIGHT` together: one important
    word ("zero"), or two lesser ones ("ridge doesn't shrink the coefficients"). Judging each
    part on its own keeps a denial of one point ("cannot select more than n features") from
    spilling onto another point that shares a word.
    """
    for part in {e[5] for e in oppose}:
        local = [e for e in agree if e[5] == part] + [e for e in oppose if e[5] == part]
        coverage, chosen = _coverage(local, point, weights, prefix, gate)
        if (
            coverage >= CONTRADICTION_COVERAGE
            and sum(weights[e[1]] for e in chosen if e[3] < 0) >= CONTRADICTION_WEIGHT
        ):
            return True
    return False


def score(
    answer: str,
    key_points: Sequence[str],
    *,
    question: str | None = None,
    synonyms: Mapping[str, Sequence[str]] | None = None,
) -> Score:
    """Score ``answer`` against ``key_points``; see the module docstring for the method.

    ``question`` discounts key-point words the prompt already contains, so copying the prompt
    earns little. ``synonyms`` (term -> variants, as in deck front matter) extends the built-in
    vocabulary for this call.
    """
    points = tuple(p for p in key_points if p and p.strip())
    if not points:
        return Score(value=0.0, points=(), suggested_rating=AGAIN)
    compiled = _compile(points, question or None, _synonyms_key(synonyms))
    terms, tokens, stop_flags = _terms(
        answer, compiled.vocabulary, compiled.lexicon, compiled.choices, compiled.typo_cache
    )
    credibility = _credibility(tokens, stop_flags, terms, compiled.question_terms)
    prefix = [0] * (len(tokens) + 1)  # content words before each token
    for term in terms:
        prefix[term.position + 1] += 1
    for index in range(len(tokens)):
        prefix[index + 1] += prefix[index]
    # The longer the answer, the likelier a few key-point words turn up by chance, so the share
    # of a key point's words that a match needs grows with the answer's length.
    gate = DISTINCT_FRACTION * min(1.0, len(terms) / GATE_LENGTH)
    by_canon: dict[str, list[_Term]] = {}
    part_terms: dict[int, set[str]] = {}
    for term in terms:
        by_canon.setdefault(term.canon, []).append(term)
        part_terms.setdefault(term.part, set()).add(term.canon)

    prose_terms = [term for term in terms if credibility[term.sentence] == 1.0]  # claims only
    sided_parts = {
        point.sides: _sides_by_part(prose_terms, tokens, point.sides)
        for point in compiled.points
        if point.sides
    }

    card_swapped = _card_swaps(compiled.card_sides, prose_terms, tokens)
    subjects = compiled.vocabulary.subjects
    continued: dict[tuple[str, str], dict[int, str]] = {}  # per subject pair, see below

    results: list[KeyPointResult] = []
    credit_sum = 0.0
    contradicted = 0
    for number, point in enumerate(compiled.points):
        weights = [w for _, w, _ in point.terms]
        # Parts of clauses about the other side of a contrast (ridge, when the point is about
        # lasso) say nothing about this point.
        off_topic = {
            part
            for part, canons in part_terms.items()
            for own, rival in point.rivals
            if rival in canons and own not in canons
        }
        # ... and so do the parts that go on about that side without naming it again ("Ridge
        # shrinks the weights and sets none exactly to zero" denies nothing about lasso).
        for own, rival in point.rivals:
            pair = (own, rival) if (own, rival) in subjects else (rival, own)
            if pair in subjects:
                if pair not in continued:
                    continued[pair] = _inherit_sides(
                        terms, tokens, _sides_by_part(terms, tokens, pair)
                    )
                off_topic.update(p for p, side in continued[pair].items() if side == rival)
        agree: list[_Event] = []
        oppose: list[_Event] = []
        own_canons = {canon for canon, _, _ in point.terms}
        for index, (canon, _, negated) in enumerate(point.terms):
            for term in by_canon.get(canon, ()):
                if term.part in off_topic:
                    continue
                trust = credibility[term.sentence]
                event = (term.position, index, trust, term.start, term.end, term.part)
                if term.negated == negated:
                    agree.append(event)
                elif term.negated and term.head and term.head not in own_canons:
                    # The negation denies another thing ("does not saturate for positive
                    # inputs" agrees with "derivative 1 for positive inputs"): neither side.
                    continue
                elif term.negated:  # a hair weaker, so that an agreeing mention wins a tie
                    oppose.append((term.position, index, trust * 0.999, -1, -1, term.part))
        coverage, chosen = _coverage(agree, point, weights, prefix, gate)
        credit = _ramp(coverage)
        if any(e[2] < 1.0 for e in agree):
            listed = [(e[0], e[1], 1.0, *e[3:]) for e in agree]
            listed_credit = LIST_CREDIT * _ramp(_coverage(listed, point, weights, prefix, gate)[0])
            credit = max(credit, listed_credit)
        if (
            (oppose and _denies(agree, oppose, point, weights, prefix, gate))
            or (point.sides and _swapped(point, prose_terms, sided_parts[point.sides]))
            or number in card_swapped
        ):
            contradicted += 1
            before_denial = credit
            credit = 0.0
            denied = True
        else:
            denied = False
            before_denial = credit
        credit_sum += credit
        span = None
        matched = ""
        if credit >= 0.5 and chosen:
            span = (min(e[3] for e in chosen), max(e[4] for e in chosen))
            matched = answer[span[0] : span[1]]
        results.append(
            KeyPointResult(
                text=point.text,
                covered=credit >= 0.5,
                strength=round(credit, 4),
                span=span,
                matched=matched,
                contradicted=denied,
                uncontradicted=round(before_denial, 4),
            )
        )
    count = len(compiled.points)
    value = VALUE_GAIN * credit_sum / count - CONTRADICTION_PENALTY * contradicted / count
    value = min(1.0, max(0.0, value)) ** VALUE_EXPONENT
    return Score(value=value, points=tuple(results), suggested_rating=suggest_rating(value))


def _ramp(coverage: float) -> float:
    if coverage <= COVERAGE_LOW:
        return 0.0
    if coverage >= COVERAGE_HIGH:
        return 1.0
    return (coverage - COVERAGE_LOW) / (COVERAGE_HIGH - COVERAGE_LOW)


# ----------------------------------------------------------------------------------------------
# Cards without key points.

_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|vs|cf|et al|fig|eq|approx)\.", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n|\n(?=\s*[-*+]\s)")
_MARKUP = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+|[*_`]+")


def key_points_from_answer(model_answer: str) -> list[str]:
    """Split a model answer into sentences to use as key points for cards that list none.

    Markdown bullets, emphasis and code ticks are dropped, fenced code and headings are skipped,
    and fragments of fewer than three words are merged into the sentence before them.
    """
    lines = []
    in_fence = False
    for line in model_answer.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence or line.lstrip().startswith("#"):
            continue
        lines.append(line)
    text = "\n".join(lines)
    protected = _ABBREVIATIONS.sub(lambda m: m.group().replace(".", "\x00"), text)
    sentences: list[str] = []
    for raw in _SENTENCE_END.split(protected):
        sentence = " ".join(_MARKUP.sub("", part) for part in raw.splitlines())
        sentence = " ".join(sentence.replace("\x00", ".").split())
        if not sentence:
            continue
        if len(sentence.split()) < 3 and sentences:
            sentences[-1] = f"{sentences[-1]} {sentence}"
        else:
            sentences.append(sentence)
    return sentences

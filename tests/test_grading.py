"""Verdicts for cloze and choice answers (open answers are covered by the scorer's own tests)."""

from __future__ import annotations

import pytest

from quizapp.cards import CardType
from quizapp.grading import choice_order, gap_matches, grade, parse_choice, picks_in_deck_order
from quizapp.parser import parse_text

SYNONYMS = {"λ": ["lambda"], "η": ["eta", "lr"]}


def card(text: str):
    parsed = parse_text(text, "d.md", "d")
    assert not parsed.problems, parsed.problems
    return parsed.cards


@pytest.mark.parametrize(
    ("expected", "typed", "ok"),
    [
        ("0.25", "0.25", True),
        ("0.25", " 0.25 ", True),
        ("0.25", "0.26", False),  # numbers are exact
        ("Gaussian", "gausian", True),  # one typo in a long word
        ("Gaussian", "gaussain", False),  # a swap is two edits
        ("1/p", "1/q", False),  # short answers are exact
        ("2/(fan_in + fan_out)", "2/(fan_in+fan_out)", True),  # spacing does not matter
        ("1 − 2ηλ", "1 - 2 eta lambda", True),  # synonyms and the unicode minus
        ("ηλ", "eta*lambda", True),
        ("[-λ, λ]", "[-lambda, lambda]", True),
        ("fan_in", "fan_out", False),
        # A product's factors commute, in the card's notation or spelled out.
        ("ηλ", "λη", True),
        ("ηλ", "lambda * eta", True),
        ("ηλ", "η·λ", True),
        ("ηλ", "ηη", False),
        ("ηλ", "η", False),
        ("1 − ηλ", "1-λη", True),
        ("1 − 2ηλ", "1-2λη", True),
        ("1 − 2ηλ", "1 - 2 lambda eta", True),
        ("1 − 2ηλ", "1 + 2ηλ", False),
        ("1 − 2ηλ", "2 - 1ηλ", False),
        ("1/(ηt)", "1/(tη)", True),
        ("1/(ηt)", "1/(eta t)", True),
        ("1/(ηt)", "1/(ηs)", False),  # only products are reordered, not the terms around them
        # Powers: the superscript, the caret and Python's ** are one notation.
        ("2^n", "2ⁿ", True),
        ("2ⁿ", "2^n", True),
        ("2^n", "2**n", True),
        ("2^n", "n^2", False),
        ("2^n", "2n", False),
        # Words are never split into letters and reordered.
        ("relu", "lure", False),
        ("fan_in", "in_fan", False),
        ("ab", "ba", False),
    ],
)
def test_gap_matching(expected, typed, ok):
    assert gap_matches(expected, typed, SYNONYMS) is ok


NOISE = {"irreducible noise": ["irreducible error", "noise", "σ²", "noise variance", "bayes error"]}


@pytest.mark.parametrize(
    "typed", ["irreducible noise", "noise", "σ²", "σ^2", "Bayes error", "noise variance"]
)
def test_a_variant_that_is_part_of_its_own_term_still_fills_the_gap(typed):
    """'noise' is inside 'irreducible noise': canonicalising must not rewrite the term itself."""
    assert gap_matches("irreducible noise", typed, NOISE)


def test_canonical_terms_are_not_rewritten_by_another_groups_variant():
    """'l2' is a variant of ridge, but inside the term 'l2 penalty' it stays as it is."""
    synonyms = {"ridge": ["l2"], "l2 penalty": ["weight decay"]}
    assert gap_matches("l2 penalty", "weight decay", synonyms)
    assert gap_matches("l2", "ridge", synonyms)


def test_cloze_with_two_gaps_in_one_sub_card_takes_both_answers():
    (c,) = card("## {{c1::Lasso}} uses L1 and {{c1::ridge}} uses L2\n")
    assert grade(c, "lasso; ridge").value == 1.0
    half = grade(c, "lasso; elastic")
    assert half.value == 0.5 and half.suggested_rating == 1
    assert [p.covered for p in half.points] == [True, False]


def test_cloze_grade_uses_the_decks_synonyms():
    (c,) = card(
        "---\nsynonyms: {λ: [lambda]}\n---\n## The subdifferential at 0 is {{c1::[-λ, λ]}}\n"
    )
    assert grade(c, "[-lambda, lambda]").suggested_rating == 3


def test_choice_needs_exactly_the_correct_set():
    (c,) = card("## Which zero weights?\n- [x] L1\n- [ ] L2\n- [x] Elastic net\n")
    assert c.type is CardType.CHOICE
    assert grade(c, "1 3").value == 1.0
    assert grade(c, "3,1").suggested_rating == 3
    partial = grade(c, "1")
    assert partial.value == 0.0 and partial.suggested_rating == 1
    assert [p.covered for p in partial.points] == [True, True, False]
    assert grade(c, "9").value == 0.0


def test_parse_choice_rejects_out_of_range_and_empty():
    assert parse_choice("2", 3) == {2}
    assert parse_choice("1, 2 3", 3) == {1, 2, 3}
    assert parse_choice("4", 3) is None
    assert parse_choice("none", 3) is None


def test_basic_cards_are_self_graded():
    (c,) = card("## Front\nBack\n")
    verdict = grade(c, "")
    assert verdict.value is None and verdict.suggested_rating is None


def test_choice_picks_are_numbers_only_not_digits_inside_words():
    from quizapp.grading import parse_choice

    assert parse_choice("1 3", 4) == {1, 3} and parse_choice(" 2, 4 ", 4) == {2, 4}
    assert parse_choice("L1 and L2", 4) is None
    assert parse_choice("1 3 x", 4) is None and parse_choice("5", 4) is None


def test_choice_options_are_shuffled_per_review_and_stable_within_one():
    """The same review number gives the same order (undo, edit); later reviews give others,
    and every order is a permutation of the options."""
    (choice,) = card("## Pick\n<!-- id: pick -->\n- [x] a\n- [ ] b\n- [ ] c\n- [ ] d\n- [ ] e\n")
    orders = [choice_order(choice, reps) for reps in range(8)]
    assert all(sorted(order) == [0, 1, 2, 3, 4] for order in orders)
    assert orders == [choice_order(choice, reps) for reps in range(8)]
    assert len({tuple(order) for order in orders}) > 4
    assert {order.index(0) for order in orders} != {0}  # the right one does not stay first


def test_picks_are_kept_in_the_decks_numbering_not_the_shown_one():
    """Shown 1 and 3 in the order [c, a, b] are the deck's options c and b: "2 3"."""
    assert picks_in_deck_order({1, 3}, [2, 0, 1]) == "2 3"
    assert picks_in_deck_order({2}, [2, 0, 1]) == "1"
    assert picks_in_deck_order(set(), [2, 0, 1]) == ""


def test_a_point_has_one_mark_everywhere_and_a_contradiction_outranks_credit() -> None:
    from quizapp.grading import PointResult

    assert PointResult("p", True, credit=1.0).mark == "✓"
    assert PointResult("p", False, credit=0.3).mark == "½"
    assert PointResult("p", False, credit=0.1).mark == "✗"
    assert PointResult("p", True, credit=1.0, contradicted=True).mark == "✗!"

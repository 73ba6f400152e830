"""The lexical scorer (quizapp.scoring.lexical): the word-level signals the combined scorer uses.

The answer scorer, one behaviour per test: each test fails if its behaviour breaks.

Most tests compare a right answer with a control that differs only in the behaviour under test
(the synonym replaced by an unrelated word, the statement negated), so they check the behaviour
itself rather than a number that happens to come out.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.scoring.lexical import (
    EASY,
    RATING_THRESHOLDS,
    KeyPointResult,
    Score,
    key_points_from_answer,
    score,
    suggest_rating,
)
from quizapp.scoring.vocabulary import DEFAULT_SYNONYMS, merge_synonyms

VANISHING_QUESTION = (
    "Why are vanishing gradients problematic for training deep neural networks? "
    "How does using ReLU alleviate this problem?"
)
VANISHING_POINTS = [
    "Backpropagation multiplies per-layer derivatives, so the gradient shrinks exponentially "
    "with depth.",
    "The sigmoid derivative is at most 0.25 and close to zero when the unit saturates.",
    "The early layers receive tiny gradients and barely learn, so training stalls.",
    "ReLU has derivative exactly 1 for positive inputs, so active units pass the gradient "
    "unchanged.",
    "ReLU does not saturate for positive inputs, unlike sigmoid and tanh.",
    "Dead ReLUs output zero for every input and receive no gradient, so they stop learning.",
]
GOOD_VANISHING_ANSWER = (
    "Backpropagation multiplies the derivatives of every layer, so the gradient shrinks "
    "exponentially with depth. The sigmoid's derivative is at most 0.25 and close to zero when "
    "the unit saturates, so the early layers receive tiny gradients and barely learn: training "
    "stalls. ReLU has a derivative of exactly 1 for positive inputs, so active units pass the "
    "gradient back unchanged, and it does not saturate for positive inputs. The catch: dead "
    "ReLUs output zero and receive no gradient, so they stop learning."
)


def strength(answer: str, key_point: str, **kwargs) -> float:
    return score(answer, [key_point], **kwargs).points[0].strength


# ---------------------------------------------------------------------------------------------
# Synonyms, abbreviations and symbols


@pytest.mark.parametrize(
    ("key_point", "synonym_answers", "control"),
    [
        ("Use lasso.", ["Use L1.", "Use ℓ1.", "Use an l1 penalty."], "Use dropout."),
        ("Use ridge.", ["Use L2.", "Use weight decay.", "Use ℓ2."], "Use dropout."),
        ("Use ReLU.", ["Use rectified linear units.", "Use a rectifier."], "Use sigmoid units."),
        (
            "Lower the learning rate.",
            ["Lower the lr.", "Reduce the step size.", "Decrease η."],
            "Lower the momentum.",
        ),
        ("Train with SGD.", ["Train with stochastic gradient descent."], "Train with Adam."),
        ("Use a neural network.", ["Use an NN.", "Use a neural net."], "Use a decision tree."),
        (
            "The weight becomes exactly 0.",
            ["The weight goes to zero.", "Weights become exactly zero."],
            "The weight becomes small.",
        ),
        ("Use the magnitude.", ["Use the size.", "Use how big it is."], "Use the sign."),
        ("Drive it.", ["Push it.", "Force it."], "Lift it."),
    ],
)
def test_synonyms_abbreviations_and_symbols_count_as_the_key_point(
    key_point: str, synonym_answers: list[str], control: str
) -> None:
    for answer in synonym_answers:
        assert strength(answer, key_point) == 1.0, answer
    assert strength(control, key_point) < 0.5


def test_the_word_one_is_a_pronoun_but_the_digit_is_a_number() -> None:
    """In "lasso keeps one of them" the word names no number, so an answer need not say it."""
    assert strength("Keep it.", "Keep one.") == 1.0
    assert strength("The slope is 1.", "The slope is 1.") == 1.0
    assert strength("The slope is 0.", "The slope is 1.") < 0.5


def test_cards_can_add_their_own_synonyms() -> None:
    key_point = "Add a fudge factor."
    answer = "Add an epsilon."
    assert not score(answer, [key_point]).points[0].covered
    extended = score(answer, [key_point], synonyms={"fudge factor": ["epsilon"]})
    assert extended.points[0].covered


def test_merge_synonyms_joins_groups_that_share_a_phrase() -> None:
    merged = merge_synonyms(DEFAULT_SYNONYMS, {"Lasso": ["least absolute shrinkage"]})
    assert "least absolute shrinkage" in merged["l1"]
    assert "Lasso" not in merged  # folded into the built-in L1 group, not a second group
    bridged = merge_synonyms({"a": ["b"]}, {"c": ["d"]}, {"b": ["c"]})
    assert bridged == {"a": ("b", "c", "d")}


def test_no_built_in_group_joins_ideas_that_key_points_tell_apart() -> None:
    """A group is a set of true equivalents: one that held both sides of a contrast, or Adam
    with the optimisers it is compared with, would credit a claim about the wrong one."""
    from quizapp.scoring.vocabulary import CONTRASTS

    merged = merge_synonyms(DEFAULT_SYNONYMS)
    group = {p.casefold(): head for head, rest in merged.items() for p in (head, *rest)}
    apart = [*CONTRASTS, ("adam", "rmsprop"), ("adam", "adagrad"), ("adam", "sgd")]
    apart += [("momentum", "adam"), ("dropout", "weight decay"), ("l2", "dropout")]
    joined = [(a, b) for a, b in apart if a in group and group[a] == group.get(b)]
    assert not joined


# ---------------------------------------------------------------------------------------------
# Inflection, word order, stop words, typos


@pytest.mark.parametrize(
    "answer",
    ["Regularizing.", "Regularization.", "Regularisation.", "It is regularized.", "Regularizes."],
)
def test_inflections_of_a_word_match_each_other(answer: str) -> None:
    assert strength(answer, "Regularize.") == 1.0
    assert strength("Normalizing.", "Regularize.") == 0.0


def test_word_order_and_stop_words_do_not_matter() -> None:
    key_point = "Lasso sets some weights exactly to zero."
    reordered = "Exactly zero is where some of the weights are set by the lasso."
    assert strength(reordered, key_point) == strength(key_point, key_point) == 1.0


def test_typos_are_forgiven() -> None:
    key_point = "The early layers receive tiny gradients and barely learn, so training stalls."
    typed = "the erly layers recieve tiny gradeints and barely lern, so trainig stals"
    assert strength(typed, key_point) == 1.0
    # A different first letter or too many edits is another word, not a typo.
    assert strength("the xarly layers get qradients", key_point) < 0.5


# ---------------------------------------------------------------------------------------------
# Negation


def test_negated_statement_does_not_cover_the_key_point() -> None:
    key_point = "Lasso sets weights to exactly zero."
    assert score("Lasso sets weights to exactly zero.", [key_point]).points[0].covered
    for answer in (
        "Ridge does not set weights to zero.",
        "Lasso does not set weights to zero.",
        "Lasso never sets weights to zero.",
        "Lasso doesn't set any weight to zero.",
    ):
        result = score(answer, [key_point])
        assert not result.points[0].covered, answer
        assert result.value < 0.2, answer


def test_negated_key_point_is_covered_by_a_negated_answer_only() -> None:
    key_point = "ReLU does not saturate for positive inputs."
    assert strength("ReLU doesn't saturate for positive inputs.", key_point) == 1.0
    assert strength("ReLU is non-saturating for positive inputs.", key_point) == 1.0
    assert strength("ReLU saturates for positive inputs.", key_point) < 0.5


def test_a_negation_of_another_verb_does_not_deny_the_point() -> None:
    """ "does not saturate for positive inputs" negates saturating, not the positive inputs the
    point is about: it agrees with "derivative 1 for positive inputs". It denied the point (a
    correct answer scored 0% "reversed"); a negation of the point's own words still does."""
    key_point = "ReLU has derivative 1 for positive inputs, is cheap to compute."
    agreeing = score("ReLU does not saturate for positive inputs and is cheap.", [key_point])
    assert not agreeing.points[0].contradicted
    for denial in (
        "ReLU is not cheap to compute for positive inputs.",
        "ReLU doesn't have derivative 1 for positive inputs.",
    ):
        assert score(denial, [key_point]).points[0].contradicted, denial


def test_not_only_is_not_a_negation() -> None:
    key_point = "Dropout trains an ensemble of sub-networks."
    assert (
        strength("Dropout not only regularizes, it trains an ensemble of sub-networks.", key_point)
        == 1.0
    )


def test_no_matter_how_is_not_a_negation() -> None:
    key_point = "L1's gradient has constant magnitude λ however small the weight is."
    said = "The L1 gradient pushes with the same force no matter how small the weight is."
    assert strength(said, key_point) == 1.0
    assert strength("The L1 gradient is not constant: it fades as w shrinks.", key_point) < 0.5


def test_rather_than_and_instead_of_reject_the_word_after_them() -> None:
    key_point = "Backpropagation multiplies the per-layer derivatives, so the gradient shrinks."
    assert (
        strength("Backprop adds the per-layer derivatives rather than multiplying them.", key_point)
        == 0
    )
    assert strength("Backprop adds the derivatives instead of multiplying them.", key_point) == 0
    kept = "Backprop multiplies per-layer derivatives instead of adding them: the gradient shrinks."
    assert strength(kept, key_point) == 1.0


def test_two_lesser_negated_words_deny_a_point_together() -> None:
    """Neither "shrink" (a generic word) nor "coefficient" (in every point) is decisive alone;
    denied together, next to the point's subject, they are a denial."""
    points = [
        "Lasso sets some coefficients exactly to zero and drops those features.",
        "Ridge shrinks every coefficient toward zero but keeps all features.",
        "Ridge has a closed-form solution for the coefficients; lasso needs an iterative solver.",
    ]
    question = "What is the difference between lasso and ridge regression?"
    said = points[0] + " " + points[2]
    silent = score(said, points, question=question)
    denying = score(said + " Ridge doesn't shrink the coefficients.", points, question=question)
    assert silent.value > 0.6
    assert denying.value < silent.value - 0.3


def test_claims_attached_to_the_wrong_side_contradict_the_point() -> None:
    """The words of a point naming both L1 and L2 belong to one side each; swapping them is a
    wrong answer made of the right words."""
    points = [
        "L2 shrinks all weights toward zero, while L1 sets some weights exactly to zero.",
        "Fitting noise needs large, finely tuned weights, which the penalty discourages.",
    ]
    right = "L2 shrinks all weights toward zero, while L1 sets some weights exactly to zero."
    swapped = "L1 shrinks all weights toward zero, while L2 sets some weights exactly to zero."
    assert score(right, points).points[0].covered
    result = score(swapped, points)
    assert result.points[0].strength == 0 and result.value == 0


def test_a_denial_about_the_other_side_does_not_deny_this_side() -> None:
    """A part that goes on about ridge without naming it again ("... and sets no weight exactly
    to zero") says nothing about lasso's zeros; the card's own model answer was flagged as
    contradicting its L1 point this way."""
    points = [
        "L2 shrinks the weight vector but keeps every weight nonzero.",
        "At the L1 optimum some weights are exactly zero, which selects features.",
    ]
    answer = (
        "Ridge shrinks the weight vector, most along poorly determined directions, and sets no "
        "weight exactly to zero. At the L1 optimum the weakest weights are exactly zero."
    )
    lasso = score(answer, points).points[1]
    assert not lasso.contradicted and lasso.covered


def test_a_parenthesis_is_about_the_side_its_sentence_names() -> None:
    """ "L2 drives weights to zero (feature selection)" says feature selection of L2: with the
    parenthesis bound to L2 the swap has two crossed words, not one."""
    points = [
        "L2 shrinks the weight vector along poorly determined directions.",
        "At the L1 optimum some weights are exactly zero, which selects features.",
    ]
    answer = "L2 zeroes weights (feature selection). L1 does not."
    result = score(answer, points)
    assert result.points[1].contradicted and result.points[1].strength == 0


def test_the_opposite_word_in_a_part_covers_nothing_of_the_point() -> None:
    """ "derivative 1 for negative inputs" shares every word but one with "derivative 1 for
    positive inputs"; the antonyms of contrasts.toml keep it from covering the point."""
    point = "ReLU has derivative 1 for positive inputs."
    assert strength("ReLU has derivative 1 for positive inputs.", point) == 1.0
    assert strength("ReLU has derivative 1 for negative inputs.", point) == 0


def test_batchnorm_and_layernorm_are_two_things_not_one_word() -> None:
    """The built-in vocabulary once folded LayerNorm (and "normalization") into BatchNorm, so a
    claim about one covered the other, and a swap of the two could not be seen."""
    point = "BatchNorm computes the mean and variance of each feature over the minibatch."
    said = "BatchNorm computes the mean and variance of each feature over the minibatch."
    assert strength(said, point) == 1.0
    assert strength(said.replace("BatchNorm", "LayerNorm"), point) == 0
    points = [
        point,
        "LayerNorm computes the statistics of each example over its own features.",
    ]
    swapped = (
        "LayerNorm computes the mean and variance of each feature over the minibatch, while "
        "BatchNorm computes the statistics of each example over its own features."
    )
    assert all(p.contradicted for p in score(swapped, points).points)


def test_he_and_xavier_are_not_plain_initialization() -> None:
    """The built-in "initialization" group once listed "he initialization", "xavier" and
    "glorot": with the architecture deck's synonyms, any initialization read as He's."""
    synonyms = {
        "He initialization": ["He init", "Kaiming initialization"],
        "Xavier initialization": ["Glorot initialization", "Xavier init"],
    }
    point = "Use He initialization."
    assert strength("He init.", point, synonyms=synonyms) == 1.0
    assert strength("Glorot initialization.", point, synonyms=synonyms) == 0
    assert strength("A careful initialization.", point, synonyms=synonyms) == 0


def test_beta_is_not_a_weight() -> None:
    """β is BatchNorm's shift and Adam's decay rate; the built-in vocabulary once read it as a
    regression weight."""
    assert strength("Each layer learns a shift beta.", "The weights are learned.") < 0.5


def test_a_comparison_is_about_its_subject_not_what_it_is_compared_with() -> None:
    key_point = (
        "A ReLU network's linear regions grow exponentially with depth, polynomially with width."
    )
    said = "Deep ReLU networks have exponentially more linear regions than wide ones."
    assert strength(said, key_point) == 1.0
    swapped = "Wide ReLU networks have exponentially more linear regions than deep ones."
    assert strength(swapped, key_point) == 0


def test_denying_a_key_point_costs_more_than_leaving_it_out() -> None:
    points = ["Lasso sets some weights exactly to zero.", "Ridge shrinks all weights."]
    silent = score("Ridge shrinks all weights.", points)
    denying = score("Ridge shrinks all weights. Lasso does not set weights to zero.", points)
    assert denying.value < silent.value


# ---------------------------------------------------------------------------------------------
# Gaming


def test_key_point_words_in_random_order_score_low() -> None:
    words = [w.strip(".,") for p in VANISHING_POINTS for w in p.split() if len(w) > 3]
    random.Random(7).shuffle(words)
    stuffed = " ".join(words)
    assert score(stuffed, VANISHING_POINTS, question=VANISHING_QUESTION).value < 0.35
    assert score(GOOD_VANISHING_ANSWER, VANISHING_POINTS, question=VANISHING_QUESTION).value > 0.9


def test_a_list_of_the_right_terms_earns_a_token_above_a_wrong_answer() -> None:
    """Interviewers rate bare vocabulary a little above nothing, never as an answer (Again)."""
    listed = (
        "chain rule, product of derivatives, sigmoid saturates, shrinks exponentially, "
        "early layers, ReLU derivative 1, dead ReLU"
    )
    wrong = "ReLU is popular because it is cheaper to compute than the sigmoid."
    listed_value = score(listed, VANISHING_POINTS, question=VANISHING_QUESTION).value
    wrong_value = score(wrong, VANISHING_POINTS, question=VANISHING_QUESTION).value
    assert 0 < listed_value < 0.35
    assert listed_value > wrong_value
    prose = score(GOOD_VANISHING_ANSWER, VANISHING_POINTS, question=VANISHING_QUESTION).value
    assert listed_value < prose / 3


def test_a_list_of_every_ml_term_scores_low() -> None:
    terms = (
        "backpropagation, chain rule, gradient, derivative, sigmoid, tanh, ReLU, saturation, "
        "dead ReLU, early layers, exponential, positive inputs, leaky ReLU, batch norm, "
        "residual connections, dropout, Adam, SGD, learning rate"
    )
    assert score(terms, VANISHING_POINTS, question=VANISHING_QUESTION).value < 0.35


def test_repeating_the_question_scores_low() -> None:
    repeated = score(VANISHING_QUESTION, VANISHING_POINTS, question=VANISHING_QUESTION)
    assert repeated.value < 0.2
    # Restating the question before a good answer costs nothing.
    prefixed = score(
        VANISHING_QUESTION + " " + GOOD_VANISHING_ANSWER,
        VANISHING_POINTS,
        question=VANISHING_QUESTION,
    )
    assert prefixed.value > 0.9


def test_words_copied_from_the_question_count_less() -> None:
    key_point = "ReLU alleviates vanishing gradients in deep networks."
    answer = "ReLU alleviates vanishing gradients in deep networks."
    assert strength(answer, key_point) == 1.0
    assert strength(answer, key_point, question=VANISHING_QUESTION) < 1.0


# ---------------------------------------------------------------------------------------------
# Result shape, rating, fallback key points


def test_result_reports_each_key_point_with_the_span_that_matched() -> None:
    result = score(GOOD_VANISHING_ANSWER, VANISHING_POINTS, question=VANISHING_QUESTION)
    assert isinstance(result, Score)
    assert [p.text for p in result.points] == VANISHING_POINTS
    for point in result.points:
        assert isinstance(point, KeyPointResult)
        if point.covered:
            assert point.span is not None
            assert point.matched == GOOD_VANISHING_ANSWER[point.span[0] : point.span[1]]
            assert point.matched
        else:
            assert point.span is None and point.matched == ""
    relu_point = result.points[3]
    assert relu_point.covered and "derivative of exactly 1" in relu_point.matched
    partial = score("ReLU has a derivative of 1 for positive inputs.", VANISHING_POINTS)
    assert [p.covered for p in partial.points] == [False, False, False, True, False, False]


def test_suggested_rating_follows_the_documented_thresholds() -> None:
    assert [threshold for threshold, _ in RATING_THRESHOLDS] == [0.35, 0.60, 0.85]
    values = (0.0, 0.349, 0.35, 0.599, 0.6, 0.849, 0.85, 1.0)
    assert [suggest_rating(v) for v in values] == [1, 1, 2, 2, 3, 3, 4, 4]
    result = score(GOOD_VANISHING_ANSWER, VANISHING_POINTS)
    assert result.suggested_rating == suggest_rating(result.value) == EASY


def test_no_key_points_means_nothing_to_cover() -> None:
    result = score("anything at all", [])
    assert result.value == 0.0 and result.points == () and result.suggested_rating == 1


def test_key_points_from_answer_splits_the_model_answer_into_sentences() -> None:
    model_answer = (
        "Dropout drops units at random, e.g. half of them, during training.\n"
        "Each step trains a different sub-network.\n\n"
        "```python\nnn.Dropout(p=0.5)\n```\n"
        "- At test time all units are kept. The outputs are scaled by p = 0.5.\n"
        "Done."
    )
    assert key_points_from_answer(model_answer) == [
        "Dropout drops units at random, e.g. half of them, during training.",
        "Each step trains a different sub-network.",
        "At test time all units are kept.",
        "The outputs are scaled by p = 0.5. Done.",
    ]


def test_cards_without_key_points_are_scored_against_their_model_answer() -> None:
    model_answer = (
        "Dropout drops units at random during training. All sub-networks share the same "
        "weights. At test time the activations are scaled by the keep probability."
    )
    points = key_points_from_answer(model_answer)
    good = score("Units are dropped at random while training; sub-networks share weights.", points)
    assert [p.covered for p in good.points] == [True, True, False]
    assert score("Momentum smooths the gradient updates.", points).value == 0.0


# ---------------------------------------------------------------------------------------------
# Properties

UNRELATED_SENTENCES = [
    "My grandmother bakes bread every Sunday morning.",
    "The bus to Leeds was late again.",
    "Paris is lovely in the spring.",
    "We painted the kitchen blue last summer.",
    "The cat sleeps on the warm windowsill.",
]


@settings(max_examples=200, deadline=None)
@given(answer=st.text(max_size=300), points=st.lists(st.text(max_size=80), max_size=6))
def test_value_is_always_between_zero_and_one(answer: str, points: list[str]) -> None:
    result = score(answer, points)
    assert 0.0 <= result.value <= 1.0
    assert 1 <= result.suggested_rating <= 4
    for point in result.points:
        assert 0.0 <= point.strength <= 1.0
        if point.span is not None:
            assert 0 <= point.span[0] < point.span[1] <= len(answer)


@settings(max_examples=60, deadline=None)
@given(
    kept=st.lists(st.sampled_from(GOOD_VANISHING_ANSWER.split(". ")), min_size=1, max_size=4),
    unrelated=st.sampled_from(UNRELATED_SENTENCES),
    where=st.booleans(),
)
def test_adding_an_unrelated_sentence_never_raises_the_score_much(
    kept: list[str], unrelated: str, where: bool
) -> None:
    """Unrelated means sharing no word with the key points ("the train to Leeds" would share
    "train" with "training stalls", and a match next to it may then grow)."""
    answer = ". ".join(kept)
    padded = f"{unrelated} {answer}" if where else f"{answer}. {unrelated}"
    before = score(answer, VANISHING_POINTS, question=VANISHING_QUESTION).value
    after = score(padded, VANISHING_POINTS, question=VANISHING_QUESTION).value
    assert after <= before + 0.05


@settings(max_examples=60, deadline=None)
@given(kept=st.lists(st.sampled_from(GOOD_VANISHING_ANSWER.split(". ")), min_size=1, max_size=6))
def test_letter_case_does_not_change_the_score(kept: list[str]) -> None:
    answer = ". ".join(kept)
    assert score(answer.upper(), VANISHING_POINTS).value == score(answer, VANISHING_POINTS).value

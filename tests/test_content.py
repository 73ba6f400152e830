"""The bundled deck: the eight interview questions verbatim, well-formed cards, real proofs."""

from __future__ import annotations

import re

import pytest

from quizapp import proofs
from quizapp.cards import CardType
from quizapp.paths import bundled_content
from quizapp.sync import load_decks

INTERVIEW = {
    "vanishing-gradients": "Why are vanishing gradients problematic for training deep neural "
    "networks? How does using ReLU alleviate this problem?",
    "bias-term": "Why is the bias term necessary in a neural network?",
    "bias-variance": "Explain the bias-variance trade-off.",
    "l1-l2-overfitting": "How does L1/L2 regularization reduce overfitting?",
    "dropout-ensemble": "Explain how dropout allows us to train an ensemble of neural networks "
    "simultaneously.",
    "l1-sparsity": "How does L1 regularization create a sparse model?",
    "depth-vs-width": "If the number of neurons is fixed, is it better to make a neural network "
    "deeper (more layers) or wider (more neurons per layer)?",
    "learning-rate": "What is the effect of the learning rate when training a neural network?",
}


@pytest.fixture(scope="module")
def cards():
    parsed, problems = load_decks([bundled_content()])
    assert problems == []
    assert all(not deck.missing_ids for _, deck in parsed), "every bundled card carries its id"
    return {card.id: card for _, deck in parsed for card in deck.cards}


def test_the_eight_interview_questions_are_there_verbatim(cards):
    for card_id, prompt in INTERVIEW.items():
        card = cards[card_id]
        assert card.prompt == prompt
        assert card.type is CardType.OPEN
        assert card.deck == "interview"


def test_interview_answers_are_120_to_250_words(cards):
    for card_id in INTERVIEW:
        words = len(re.findall(r"\S+", cards[card_id].answer))
        assert 120 <= words <= 250, (card_id, words)


def test_every_open_card_has_4_to_7_key_points_and_a_real_proof(cards):
    open_cards = [c for c in cards.values() if c.type is CardType.OPEN]
    assert len(open_cards) >= 11  # the eight questions and the three regularization notes
    for card in open_cards:
        assert 4 <= len(card.key_points) <= 7, card.id
        assert card.prove is not None and card.prove in proofs.names(), card.id


def test_the_regularization_notes_and_drills(cards):
    for card_id in ("lasso-vs-ridge", "elastic-net", "l1-zeros-from-gradients"):
        assert cards[card_id].type is CardType.OPEN
    drills = {c.note_id for c in cards.values() if c.type in (CardType.CLOZE, CardType.CHOICE)}
    assert len(drills) >= 10
    for card in cards.values():
        if card.type is CardType.CHOICE:
            assert any(choice.correct for choice in card.choices)
            assert card.answer.strip(), f"{card.id} explains its answer"

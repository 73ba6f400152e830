"""The "prove it" experiments, by name.

This module is imported by the card parser to validate `prove:` names, so it must stay cheap: it
imports neither numpy nor matplotlib. A proof's module is imported only when the proof is run,
and only from the fixed table below (never from a path or a user-supplied module name).
"""

from __future__ import annotations

import importlib
import inspect
import os
from types import ModuleType
from typing import Any

from quizapp.proofs.model import Check, Frame, Panel, Progress, Proof, Series, Stopped

# These problems are tiny (matrices of tens to hundreds of rows): numpy's BLAS threads cost more
# in start-up and contention than they save (2.5x slower on 2 cores). The variables only take
# effect if they are set before numpy is first imported, which is why they are set here, in the
# package every proof is reached through; a user's explicit setting is kept.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

__all__ = [
    "Check",
    "Frame",
    "Panel",
    "Progress",
    "Proof",
    "Series",
    "Stopped",
    "UnknownProof",
    "exists",
    "names",
    "parameters",
    "run",
    "summary",
    "trains",
]

# name -> (module inside quizapp.proofs, one-line summary for listings)
_REGISTRY: dict[str, tuple[str, str]] = {
    "batch-norm": ("batch_norm", "batch norm fixes the scale: gradients level whatever the init"),
    "bias-term": ("bias_term", "without a bias the loss stalls at a floor no weight removes"),
    "bias-variance": ("bias_variance", "bias² falls, variance rises, test error is U-shaped"),
    "depth-vs-width": ("depth_vs_width", "k narrow layers make 2^k pieces; n wide units n+1"),
    "dropout-ensemble": ("dropout_ensemble", "weight scaling vs averaging 2^n sub-networks"),
    "elastic-net": ("elastic_net", "lasso keeps one of a correlated group, elastic net all"),
    "early-stopping": ("early_stopping", "stopping GD at step t is ridge with λ ≈ 1/(lr·t)"),
    "init-variance": ("init_variance", "He keeps Var(z) level, Xavier halves it, zero kills it"),
    "l1-sparsity": ("l1_sparsity", "L1's proximal step reaches exactly 0.0; L2 never does"),
    "learning-rate": ("learning_rate", "crawl, fastest, oscillate, diverge: lr against 1/L, 2/L"),
    "momentum-adam": ("momentum_adam", "GD crawls on an ill-conditioned valley; momentum, Adam"),
    "regularization-overfitting": (
        "regularization_overfitting",
        "ridge and lasso: the best λ beats λ = 0 on held-out data",
    ),
    "residual-connections": (
        "residual_connections",
        "skips keep the first layer's gradient at any depth",
    ),
    "vanishing-gradients": (
        "vanishing_gradients",
        "sigmoid gradients vanish with depth, ReLU's don't",
    ),
}


class UnknownProof(KeyError):
    """Raised for a proof name that is not in the registry; the message lists the valid names."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(name)

    def __str__(self) -> str:
        # KeyError.__str__ would repr() the argument; say something useful instead.
        return f"unknown proof {self.name!r}; known proofs: {', '.join(names())}"


def names() -> list[str]:
    """All proof names, sorted."""
    return sorted(_REGISTRY)


def exists(name: str) -> bool:
    """Whether `name` is a registered proof (what the card parser checks `prove:` against)."""
    return name in _REGISTRY


def summary(name: str) -> str:
    """A one-line description of the proof, for listings; cheap (no numpy import)."""
    if name not in _REGISTRY:
        raise UnknownProof(name)
    return _REGISTRY[name][1]


def _module(name: str) -> ModuleType:
    if name not in _REGISTRY:
        raise UnknownProof(name)
    return importlib.import_module(f"{__name__}.{_REGISTRY[name][0]}")


def parameters(name: str) -> dict[str, Any]:
    """The proof's tunable parameters and their defaults (besides `seed`); imports numpy."""
    signature = inspect.signature(_module(name).run)
    return {p: v.default for p, v in signature.parameters.items() if p not in _NOT_PARAMETERS}


_NOT_PARAMETERS = ("seed", "progress")


def trains(name: str) -> bool:
    """Whether the proof can show its training as it happens (takes a `progress` callback)."""
    return "progress" in inspect.signature(_module(name).run).parameters


def run(name: str, seed: int = 0, progress: Progress | None = None, **params: Any) -> Proof:
    """Run the proof called `name` with `seed` and any proof-specific keyword parameters.

    `progress`, for the proofs that train, receives `Frame`s while they run; it may raise
    `Stopped` to end the run (which then raises `Stopped` here). Unknown names raise
    `UnknownProof`; unknown parameters raise `TypeError` from the proof.
    """
    module = _module(name)
    if progress is not None and trains(name):
        return module.run(seed=seed, progress=progress, **params)
    return module.run(seed=seed, **params)

"""Depth versus width: how many linear pieces a 1-D ReLU network can make from its neurons.

A ReLU network of one input is piecewise linear. A shallow net with n hidden units has a kink
only where one unit switches, so at most n + 1 pieces. A deep net composes: the "tent" layer
t(x) = 2 relu(x) - 4 relu(x - 1/2) maps [0, 1] onto itself twice, so k such layers (2 units
each, 2k neurons) fold the interval 2^k times: a sawtooth of 2^k pieces. Same neuron budget,
exponentially more pieces.

The pieces are counted exactly, not on a grid: breakpoints are propagated layer by layer (a
unit's pre-activation is linear between the current breakpoints, so its zero crossings are
found by interpolation), then neighbouring pieces with equal slopes are merged.

Randomly initialised deep nets are the reality check: they realise roughly one piece per
neuron, nowhere near 2^k (Hanin and Rolnick, 2019). The exponential construction needs
precisely tuned weights.
"""

from __future__ import annotations

import numpy as np

from quizapp.proofs.model import Check, Panel, Proof, Series

NAME = "depth-vs-width"
Layers = list[tuple[np.ndarray, np.ndarray]]  # (weights (fan_in, units), biases) per layer
Readout = tuple[np.ndarray, float]


def forward(layers: Layers, readout: Readout, x: np.ndarray) -> np.ndarray:
    """The network's output at the points x (1-D)."""
    h = x[:, None]
    for weights, bias in layers:
        h = np.maximum(h @ weights + bias, 0.0)
    return (h @ readout[0]).ravel() + readout[1]


def breakpoints(layers: Layers, lo: float, hi: float) -> np.ndarray:
    """Every x in [lo, hi] where some unit switches, plus the ends, sorted.

    Between consecutive breakpoints found so far, every unit of the next layer has a linear
    pre-activation, so its zero crossings are exactly where linear interpolation puts them.
    """
    points = np.array([lo, hi], dtype=float)
    for depth in range(len(layers)):
        h = points[:, None]
        for weights, bias in layers[:depth]:
            h = np.maximum(h @ weights + bias, 0.0)
        z = h @ layers[depth][0] + layers[depth][1]
        rows, units = np.nonzero(z[:-1] * z[1:] < 0.0)  # strict sign change inside a stretch
        frac = z[rows, units] / (z[rows, units] - z[rows + 1, units])
        found = points[rows] + frac * (points[rows + 1] - points[rows])
        points = np.unique(np.concatenate([points, found]))
        keep = np.concatenate([[True], np.diff(points) > 1e-12 * (hi - lo)])  # rounding twins
        points = points[keep]
    return points


def count_pieces(layers: Layers, readout: Readout, lo: float, hi: float) -> int:
    """The number of linear pieces of the network on [lo, hi] (equal-slope neighbours merged)."""
    x = breakpoints(layers, lo, hi)
    slopes = np.diff(forward(layers, readout, x)) / np.diff(x)
    scale = max(1.0, float(np.abs(slopes).max()))
    return 1 + int(np.count_nonzero(np.abs(np.diff(slopes)) > 1e-7 * scale))


def sawtooth(k: int) -> tuple[Layers, Readout]:
    """k tent layers of 2 units: x -> t(t(...t(x))) on [0, 1], with t(x) = 2r(x) - 4r(x - 1/2)."""
    layers: Layers = [(np.array([[1.0, 1.0]]), np.array([0.0, -0.5]))]
    for _ in range(k - 1):  # the next layer reads t = 2 u1 - 4 u2 from the two units
        layers.append((np.array([[2.0, 2.0], [-4.0, -4.0]]), np.array([0.0, -0.5])))
    return layers, (np.array([[2.0], [-4.0]]), 0.0)


def shallow_best(n: int) -> tuple[Layers, Readout]:
    """n units with kinks spread over (0, 1) and alternating output weights: n + 1 pieces."""
    kinks = np.arange(1, n + 1) / (n + 1)
    layers: Layers = [(np.ones((1, n)), -kinks)]
    signs = np.where(np.arange(n) % 2 == 0, 2.0, -2.0)
    return layers, (signs[:, None], 0.0)


def random_net(rng: np.random.Generator, width: int, depth: int) -> tuple[Layers, Readout]:
    """He-initialised ReLU net with small random biases, as at the start of training."""
    layers: Layers = []
    fan_in = 1
    for _ in range(depth):
        weights = rng.standard_normal((fan_in, width)) * np.sqrt(2.0 / fan_in)
        layers.append((weights, rng.normal(0.0, 0.1, width)))
        fan_in = width
    return layers, (rng.standard_normal((fan_in, 1)) / np.sqrt(fan_in), 0.0)


def run(
    seed: int = 0, max_layers: int = 10, random_width: int = 8, max_depth: int = 6, nets: int = 12
) -> Proof:
    """Count pieces: deep sawtooth vs shallow nets of the same neuron count, and random nets."""
    ks = np.arange(1, max_layers + 1)
    budget = 2 * ks
    deep = np.array([count_pieces(*sawtooth(int(k)), 0.0, 1.0) for k in ks])
    shallow = np.array([count_pieces(*shallow_best(int(n)), 0.0, 1.0) for n in budget])
    rng = np.random.default_rng(seed)
    shallow_random = np.array(
        [count_pieces(*random_net(rng, int(n), 1), -3.0, 3.0) for n in budget]
    )

    depths = np.arange(1, max_depth + 1)
    random_counts = np.array(
        [
            [count_pieces(*random_net(rng, random_width, int(d)), -3.0, 3.0) for _ in range(nets)]
            for d in depths
        ]
    )
    random_mean = random_counts.mean(axis=1)
    neurons = random_width * depths
    per_neuron = random_mean / neurons

    matches = bool(np.all(deep == 2**ks))
    checks = (
        Check(
            f"k layers of 2 units make exactly 2^k pieces (k = 1..{max_layers})",
            matches,
            f"{deep[-1]} pieces from {budget[-1]} neurons at k = {max_layers}",
        ),
        Check(
            "a shallow net of n units makes at most n + 1 pieces, and n + 1 is reachable",
            bool(np.all(shallow == budget + 1)) and bool(np.all(shallow_random <= budget + 1)),
            f"{shallow[-1]} pieces from {budget[-1]} units; random shallow nets: "
            f"at most {int((shallow_random - budget).max())} above n",
        ),
        Check(
            "with the same budget, depth wins from 3 layers on (2^k > 2k + 1)",
            bool(np.all(deep[ks >= 3] > shallow[ks >= 3])),
            f"a shallow net needs {deep[-1] - 1} units to match {budget[-1]} deep neurons",
        ),
        Check(
            "randomly initialised deep nets make about one piece per neuron, not 2^k",
            bool(np.all((per_neuron >= 0.5) & (per_neuron <= 2.0))),
            f"mean pieces per neuron {per_neuron.min():.2f}..{per_neuron.max():.2f} "
            f"(width {random_width}, depth 1..{max_depth})",
        ),
    )

    shown = (1, 2, 3, 4)
    curves = []
    for k in shown:
        layers, readout = sawtooth(k)
        x = breakpoints(layers, 0.0, 1.0)  # the exact corners: the polyline is the function
        curves.append(
            Series(
                f"{k} layer{'s' if k > 1 else ''} ({2**k} pieces)", x, forward(layers, readout, x)
            )
        )
    panels = (
        Panel(
            title="Linear pieces from the same number of neurons",
            xlabel="neurons",
            ylabel="linear pieces",
            yscale="log",
            series=(
                Series(
                    "deep: k layers × 2 units (sawtooth)", budget, deep, "linepoints", "tab:red"
                ),
                Series("shallow: n units, best case", budget, shallow, "linepoints", "tab:blue"),
                Series("shallow: n random units", budget, shallow_random, "points", "tab:cyan"),
                Series(
                    f"random deep nets, width {random_width} (mean)",
                    neurons,
                    random_mean,
                    "linepoints",
                    "tab:grey",
                ),
            ),
        ),
        Panel(
            title="The sawtooth: each tent layer doubles the pieces",
            xlabel="x",
            ylabel="network output",
            series=tuple(curves),
        ),
        Panel(
            title=f"Random nets (width {random_width}, He init): pieces by depth",
            xlabel="depth (layers)",
            ylabel="linear pieces on [-3, 3]",
            series=(
                Series(
                    f"{nets} nets per depth",
                    np.repeat(depths, nets),
                    random_counts.ravel(),
                    "points",
                    "tab:grey",
                ),
                Series("mean", depths, random_mean, "linepoints", "black"),
                Series("neurons (one piece each)", depths, neurons, "dashed", "tab:blue"),
            ),
        ),
    )
    return Proof(
        name=NAME,
        title="Depth vs width: linear pieces per neuron",
        claim=(
            "With the same neurons, k ReLU layers of 2 units make 2^k linear pieces while one "
            "layer of n units makes at most n + 1; randomly initialised deep nets, though, "
            "make only about one piece per neuron."
        ),
        checks=checks,
        figures={
            f"deep pieces, {budget[-1]} neurons": deep[-1],
            f"shallow pieces, {budget[-1]} neurons": shallow[-1],
            "units a shallow net needs to match": deep[-1] - 1,
            f"random deep nets, {neurons[-1]} neurons, mean pieces": random_mean[-1],
            "random deep nets, pieces per neuron (min)": per_neuron.min(),
            "random deep nets, pieces per neuron (max)": per_neuron.max(),
        },
        panels=panels,
        explanation=(
            "On the log axis the sawtooth's pieces climb in a straight line (doubling per "
            "layer) while a shallow net creeps up by one per unit: some functions need "
            "exponentially many units in one layer but few in many layers. That is the case for "
            "depth, but read the grey line too: deep nets at initialisation use about one piece "
            "per neuron, and the sawtooth needs precisely tuned weights that training rarely "
            "finds. Depth buys expressiveness in principle and costs trainability in "
            "practice (vanishing or exploding gradients, so careful init, normalisation and "
            "residual connections); width is easy to optimise but expensive in units."
        ),
        seed=seed,
        params={
            "max_layers": max_layers,
            "random_width": random_width,
            "max_depth": max_depth,
            "nets": nets,
        },
    )

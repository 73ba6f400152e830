"""Initialisation sets the signal's scale: pre-activation variance by depth for four inits.

A pre-activation z = W a sums fan_in terms, so Var(z) = fan_in * Var(w) * E[a^2]. For ReLU,
E[a^2] = Var(z) / 2 (half the units are off), so each layer multiplies the variance by
fan_in * Var(w) / 2: He (Var(w) = 2 / fan_in) gives exactly 1, Xavier (1 / fan_in on square
layers) gives 1/2, halving the variance every layer, and a "small" init (std 0.01) gives
fan_in * 1e-4 / 2, which wipes the signal out within a few layers. Zero init gives exactly 0
from the first layer on, and every unit of a layer stays identical (the symmetry is never
broken). Xavier is the right scale for tanh, which is linear near 0 and has no off half.
"""

from __future__ import annotations

import numpy as np

from quizapp.proofs import mlp
from quizapp.proofs.model import Check, Panel, Proof, Series

NAME = "init-variance"
CONFIGS = (  # (label, init, activation, theoretical per-layer gain of Var(z))
    ("He, ReLU", "he", "relu", 1.0),
    ("Xavier, ReLU", "xavier", "relu", 0.5),
    ("Xavier, tanh", "xavier", "tanh", None),
    ("small (σ = 0.01), ReLU", "small", "relu", None),
)
GAIN_BAND = 1.25  # measured mean gain within this factor of theory (sampling spread ~1.03)


def variances(net: mlp.Net, x: np.ndarray) -> np.ndarray:
    """Var(z) of each hidden layer's pre-activations over units and examples."""
    cache = mlp.forward(net, x)
    return np.array([float(np.var(z)) for z in cache.pre[:-1]])


def run(seed: int = 0, depth: int = 20, width: int = 128, batch: int = 128) -> Proof:
    """Forward a batch through `depth` layers under each init and record Var(z) per layer."""
    if depth < 4:
        raise ValueError("depth must be at least 4 to see a trend")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, width))
    sizes = [width] * (depth + 1) + [1]  # depth hidden layers, then a read-out
    results = {}
    for label, init, activation, _ in CONFIGS:
        net = mlp.init_net(rng, sizes, activation, init)
        results[label] = variances(net, x)
    zero = mlp.init_net(rng, sizes, "relu", "zero")
    zero_cache = mlp.forward(zero, x)
    zero_var = np.array([float(np.var(z)) for z in zero_cache.pre[1:-1]])
    zero_units_equal = all(np.all(z == z[:, :1]) for z in zero_cache.pre[1:])

    def gain(v: np.ndarray) -> float:
        """Geometric-mean factor by which one layer multiplies Var(z)."""
        return float(np.exp(np.mean(np.log(v[1:] / v[:-1]))))

    gains = {label: gain(v) for label, v in results.items()}
    he, xr, xt, small = (gains[c[0]] for c in CONFIGS)
    small_theory = width * 0.01**2 / 2.0
    tanh_drop = float(results["Xavier, tanh"][0] / results["Xavier, tanh"][-1])
    relu_drop = float(results["Xavier, ReLU"][0] / results["Xavier, ReLU"][-1])
    checks = (
        Check(
            "zero init: every pre-activation past the first layer is exactly 0.0 and all units "
            "of a layer are identical (the symmetry is never broken)",
            bool(np.all(zero_var == 0.0)) and zero_units_equal,
            f"largest variance {zero_var.max():g}",
        ),
        Check(
            "He with ReLU keeps the variance: gain per layer within 1.25x of 1",
            1.0 / GAIN_BAND <= he <= GAIN_BAND,
            f"mean gain {he:.3f}; Var(z) {results['He, ReLU'][0]:.3g} at layer 1, "
            f"{results['He, ReLU'][-1]:.3g} at layer {depth}",
        ),
        Check(
            "Xavier with ReLU halves it every layer: gain within 1.25x of 1/2",
            0.5 / GAIN_BAND <= xr <= 0.5 * GAIN_BAND,
            f"mean gain {xr:.3f}; layer {depth} has {results['Xavier, ReLU'][-1]:.2g}",
        ),
        Check(
            "Xavier suits tanh far better than ReLU: over all layers tanh loses < 100x, ReLU "
            "> 1000x",
            tanh_drop < 100.0 and relu_drop > 1000.0,
            f"first / last layer Var(z): tanh {tanh_drop:.3g}, ReLU {relu_drop:.3g}",
        ),
        Check(
            f"a small init (σ = 0.01) shrinks it by about fan_in·σ²/2 = {small_theory:.2g} "
            "per layer (within 1.25x)",
            small_theory / GAIN_BAND <= small <= small_theory * GAIN_BAND,
            f"mean gain {small:.3g}; layer {depth} has {results[CONFIGS[3][0]][-1]:.2g}",
        ),
    )
    layers = np.arange(1, depth + 1)
    colours = ("tab:blue", "tab:orange", "tab:green", "tab:red")
    panels = (
        Panel(
            title=f"Var(z) by layer, width {width} (zero init: exactly 0, off-axis)",
            xlabel="layer",
            ylabel="Var(z)",
            yscale="log",
            series=tuple(
                Series(label, layers, results[label], "linepoints", colour)
                for (label, *_), colour in zip(CONFIGS, colours, strict=True)
            ),
        ),
        Panel(
            title="Per-layer gain of Var(z): measured vs theory",
            xlabel="1 = He/ReLU, 2 = Xavier/ReLU, 3 = Xavier/tanh, 4 = small/ReLU",
            ylabel="mean gain per layer",
            yscale="log",
            series=(
                Series("measured", [1, 2, 3, 4], [he, xr, xt, small], "bar", "tab:blue"),
                Series(
                    "theory fan_in·Var(w)/2 (ReLU)", [1, 2, 4], [1.0, 0.5, small_theory], "points"
                ),
            ),
        ),
    )
    return Proof(
        name=NAME,
        title="Initialisation: the variance of activations by depth",
        claim=(
            "Each ReLU layer multiplies the pre-activation variance by fan_in·Var(w)/2: He init "
            "keeps it level, Xavier halves it per layer (it suits tanh, not ReLU), a small init "
            "wipes it out in a few layers, and zero init leaves every unit at exactly 0."
        ),
        checks=checks,
        figures={
            "He/ReLU gain per layer": he,
            "Xavier/ReLU gain per layer": xr,
            "Xavier/tanh gain per layer": xt,
            "small init gain per layer": small,
            "small init gain, theory": small_theory,
            f"He/ReLU Var(z) at layer {depth}": results["He, ReLU"][-1],
            f"Xavier/ReLU Var(z) at layer {depth}": results["Xavier, ReLU"][-1],
        },
        panels=panels,
        explanation=(
            "On the log axis a constant per-layer gain is a straight line. He (blue) is flat: "
            "its weight variance 2/fan_in makes up for ReLU switching off half the units. "
            "Xavier with ReLU (orange) falls by half a decade every 3-4 layers, since 1/fan_in "
            "is right only for an activation with no off half such as tanh (green, roughly "
            "level). The small init (red) drops by two decades a layer. Zero init is not drawn: "
            "every value is exactly 0 and all units are copies, so gradient descent can never "
            "tell them apart. The bars compare the measured gains with fan_in·Var(w)/2."
        ),
        seed=seed,
        params={"depth": depth, "width": width, "batch": batch},
    )

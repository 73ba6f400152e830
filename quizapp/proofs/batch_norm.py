"""Batch normalisation: the scale of activations and gradients, with and without it.

A deep ReLU net whose weights are drawn 1.5x too large (std 1.5 * sqrt(2 / fan_in)) multiplies
the variance of every pre-activation by about 1.5^2 = 2.25 per layer: the output explodes and
so do the gradients of the early layers. Batch norm divides each unit's pre-activation by its
standard deviation over the batch, so the scale of the weights stops mattering: scaling a
layer's weights by c leaves the output unchanged (up to BN's epsilon) and divides that layer's
gradient by c. The same net with BN then trains with the same learning rate and steps.
"""

from __future__ import annotations

import numpy as np

from quizapp.proofs import mlp
from quizapp.proofs.model import Check, Frame, Panel, Progress, Proof, Series

NAME = "batch-norm"
IDENTITY_TOLERANCE = 1e-9  # with ε = 0 the invariance is exact; this is rounding
FITS = 0.5  # "fits": a squared error under half the target's variance (which is 1)
PLAIN_RATES = tuple(10.0**-k for k in range(2, 11))  # the learning rates tried without BN
SPREAD_CUT = 10.0  # BN narrows the gradients' spread over the layers at least this much


def _variances(net: mlp.Net, x: np.ndarray) -> np.ndarray:
    """Var of each hidden layer's pre-activation (before any normalisation)."""
    return np.array([float(np.var(z)) for z in mlp.forward(net, x).pre[:-1]])


def run(
    seed: int = 0,
    depth: int = 12,
    width: int = 32,
    batch: int = 64,
    init_scale: float = 2.0,
    lr: float = 0.05,
    steps: int = 50,
    progress: Progress | None = None,
) -> Proof:
    """The same too-large init with and without batch norm: scales, an identity, training."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, width))
    teacher = mlp.init_net(rng, [width, width, 1], "tanh", "xavier")
    target = mlp.forward(teacher, x).output
    target = (target - target.mean()) / target.std()
    plain = mlp.init_net(rng, [width] * depth + [1], "relu", "he")
    for w in plain.weights[:-1]:
        w *= init_scale
    normed = mlp.Net(
        [w.copy() for w in plain.weights], [b.copy() for b in plain.biases], "relu", batch_norm=True
    )
    var_plain, delta_plain = _variances(plain, x), mlp.backward_signal(plain, x, target)
    var_bn, delta_bn = _variances(normed, x), mlp.backward_signal(normed, x, target)

    # The identity: scale one hidden layer's weights by c. BN's ε (a guard against a zero
    # variance) breaks it slightly, and a ReLU kink can turn that into a visible difference, so
    # it is checked on the pure transform, ε = 0.
    c, layer = 10.0, depth // 2
    pure = mlp.Net(list(normed.weights), normed.biases, "relu", batch_norm=True, bn_eps=0.0)
    before = mlp.forward(pure, x)
    grad_before = mlp.backward(pure, before, mlp.mse_grad(before.output, target)[1])
    scaled = mlp.Net(list(pure.weights), pure.biases, "relu", batch_norm=True, bn_eps=0.0)
    scaled.weights[layer] = pure.weights[layer] * c
    after = mlp.forward(scaled, x)
    grad_after = mlp.backward(scaled, after, mlp.mse_grad(after.output, target)[1])
    out_change = float(np.max(np.abs(after.output - before.output)) / np.max(np.abs(before.output)))
    grad_ratio = float(
        np.linalg.norm(grad_before.weights[layer]) / np.linalg.norm(grad_after.weights[layer])
    )

    # Without BN, a grid of learning rates, so that "it does not train" is not just "lr was
    # too big": the nets are stacked and trained side by side, each with its own rate.
    grid = np.array(PLAIN_RATES)
    stacked = mlp.Net(
        [np.repeat(w[None], grid.size, axis=0) for w in plain.weights],
        [np.repeat(b[None], grid.size, axis=0) for b in plain.biases],
        "relu",
    )
    curves = {"without BN": np.zeros((0, grid.size)), "with BN": np.zeros(0)}
    every = max(1, steps // 25) if progress is not None else 0
    for label, net, rate in (
        ("without BN", stacked, grid[:, None, None]),
        ("with BN", normed, lr),
    ):

        def record(t: int, _net: mlp.Net, losses: np.ndarray, label: str = label) -> None:
            curves[label] = losses
            if progress is not None:
                done = t if label == "without BN" else steps + t
                progress(Frame(done, 2 * steps, _loss_panel(curves, lr)))

        curves[label] = mlp.train(
            net,
            x,
            target,
            steps,
            mlp.GradientDescent(net.params, rate),
            every=every,
            on_record=record,
            poll=mlp.heartbeat(progress),
        )
    loss_grid, loss_bn = curves["without BN"], curves["with BN"]
    best = int(np.argmin(loss_grid[-1]))
    plain_best, bn_end = float(loss_grid[-1, best]), float(loss_bn[-1])
    spread_plain = float(delta_plain.max() / delta_plain.min())
    spread_bn = float(delta_bn.max() / delta_bn.min())
    growth = float(var_plain[-1] / var_plain[0])
    checks = (
        Check(
            f"scaling layer {layer + 1}'s weights by {c:g} leaves the BN net's output unchanged "
            "(BN without its ε)",
            out_change <= IDENTITY_TOLERANCE,
            f"largest relative change {out_change:.2g}",
            kind="identity",
        ),
        Check(
            f"... and divides that layer's weight gradient by {c:g}",
            abs(grad_ratio / c - 1.0) <= IDENTITY_TOLERANCE,
            f"gradient ratio {grad_ratio:.10g}",
            kind="identity",
        ),
        Check(
            f"without BN a {init_scale:g}x too large init blows the activations up >= 100x "
            "over the layers and spreads the layers' gradients >= 10x",
            growth >= 100.0 and spread_plain >= 10.0,
            f"Var(z) x{growth:.3g} from layer 1 to {depth - 1}; gradient max / min "
            f"{spread_plain:.3g}",
        ),
        Check(
            "with BN the layers' gradients spread >= 10x less than without",
            spread_plain >= SPREAD_CUT * spread_bn,
            f"max / min over the layers {spread_bn:.3g} with BN, {spread_plain:.3g} without",
        ),
        Check(
            f"with BN, gradient descent at lr {lr:g} fits the target in {steps} steps (loss "
            f"< {FITS:g}; predicting 0 scores 1); without BN no lr from {grid.max():g} down to "
            f"{grid.min():g} gets below 1",
            bn_end < FITS and not plain_best < 1.0,
            f"final loss {bn_end:.3g} with BN; without, at best {plain_best:.3g} (lr "
            f"{grid[best]:g}; {int(np.sum(~np.isfinite(loss_grid[-1])))} of {grid.size} rates "
            "diverged)",
        ),
    )
    layers = np.arange(1, depth + 1)
    hidden = np.arange(1, depth)
    panels = (
        Panel(
            title=f"Gradient per layer (ReLU, init {init_scale:g}x He)",
            xlabel="layer (1 = input side)",
            ylabel="‖∂loss/∂z‖ (RMS)",
            yscale="log",
            series=(
                Series("without BN", layers, delta_plain, "linepoints", "tab:red"),
                Series("with BN", layers, delta_bn, "linepoints", "tab:blue"),
            ),
        ),
        Panel(
            title="Variance of the pre-activations per layer",
            xlabel="hidden layer",
            ylabel="Var(z)",
            yscale="log",
            series=(
                Series("without BN", hidden, var_plain, "linepoints", "tab:red"),
                Series("with BN (before normalising)", hidden, var_bn, "linepoints", "tab:blue"),
            ),
        ),
        _loss_panel(curves, lr),
    )
    return Proof(
        name=NAME,
        title="Batch norm: the scale stops mattering",
        claim=(
            "With weights drawn too large, a deep ReLU net's activations and early gradients "
            "explode; batch norm makes each layer's output independent of its weights' scale, "
            "so the gradients no longer grow with it, and the same gradient descent trains."
        ),
        checks=checks,
        figures={
            "Var(z) growth, first to last layer, no BN": growth,
            "gradient spread over layers, no BN": spread_plain,
            "gradient spread over layers, BN": spread_bn,
            "final loss, no BN (best lr)": plain_best,
            "final loss, BN": bn_end,
            "output change when a layer is scaled 10x (BN)": out_change,
        },
        panels=panels,
        explanation=(
            f"Gradient per layer: without BN (red) the signal grows by about {init_scale:g}x "
            "per layer towards the input, so one learning rate is too big for the first layers "
            "and too small for the last; with BN (blue) it is nearly level. Not quite: a deep "
            "BN net's gradients still grow mildly towards the input at initialisation (about "
            "1.2x a layer for ReLU, a known effect of BN itself), but that growth is the same "
            "at any init scale. Variance: the unnormalised pre-activations grow by about "
            f"{init_scale**2:g}x a layer; BN divides that growth out before the next layer sees "
            "it. Training: from the same weights, gradient descent with BN fits the target "
            "while without BN even its best learning rate of a wide grid stays far above the "
            "grey line (predicting 0): a rate small enough for the exploding first layers "
            "is far too small for the rest. The identities in the checks say why: a BN "
            "layer's output ignores its weights' scale."
        ),
        seed=seed,
        params={
            "depth": depth,
            "width": width,
            "batch": batch,
            "init_scale": init_scale,
            "lr": lr,
            "steps": steps,
        },
    )


def _loss_panel(curves: dict[str, np.ndarray], lr: float) -> Panel:
    """The training losses so far: with BN at `lr`, without BN at its best rate of the grid (a
    diverged run, an infinite loss, ends its line)."""
    grid, with_bn = curves["without BN"], curves["with BN"]
    best = int(np.argmin(grid[-1])) if grid.size else 0
    plain = grid[:, best] if grid.size else np.zeros(0)
    rate = f"lr {PLAIN_RATES[best]:g}, its best" if grid.size else "its best lr"
    return Panel(
        title="Training loss, gradient descent",
        xlabel="step",
        ylabel="mean squared error",
        yscale="log",
        series=(
            Series(f"without BN ({rate})", np.arange(plain.size), plain, "line", "tab:red"),
            Series(f"with BN (lr {lr:g})", np.arange(with_bn.size), with_bn, "line", "tab:blue"),
            Series(
                "predicting 0",
                [0, max(1, grid.shape[0] - 1, with_bn.size - 1)],
                [1.0, 1.0],
                "dashed",
                "grey",
            ),
        ),
    )

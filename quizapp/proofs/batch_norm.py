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
from quizapp.proofs.model import Check, Panel, Proof, Series

NAME = "batch-norm"
SCALE_TOLERANCE = (
    1e-4  # BN's epsilon (1e-5 against a variance of ~1) makes the identity approximate
)
TRAINED = 0.5  # "trains": the loss falls to at most this share of its start


def _signals(net: mlp.Net, x: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Var of each hidden pre-activation, and RMS ‖dLoss/dz‖ per layer."""
    cache = mlp.forward(net, x)
    _, d_out = mlp.mse_grad(cache.output, target)
    grads = mlp.backward(net, cache, d_out * x.shape[0])
    variances = np.array([float(np.var(z)) for z in cache.pre[:-1]])
    deltas = np.array([float(np.sqrt(np.mean(np.sum(d**2, axis=-1)))) for d in grads.deltas])
    return variances, deltas


def _train(net: mlp.Net, x: np.ndarray, target: np.ndarray, lr: float, steps: int) -> np.ndarray:
    """Plain gradient descent on the mean squared error; the loss before each step (inf once
    it overflows)."""
    losses = np.full(steps + 1, np.inf)
    with np.errstate(all="ignore"):
        for t in range(steps + 1):
            cache = mlp.forward(net, x)
            loss, d_out = mlp.mse_grad(cache.output, target)
            if not np.isfinite(loss):
                break
            losses[t] = float(loss)
            if t == steps:
                break
            grads = mlp.backward(net, cache, d_out)
            for p, g in zip(net.params, grads.params, strict=True):
                p -= lr * g
    return losses


def run(
    seed: int = 0,
    depth: int = 12,
    width: int = 32,
    batch: int = 64,
    init_scale: float = 1.5,
    lr: float = 0.05,
    steps: int = 100,
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
    var_plain, delta_plain = _signals(plain, x, target)
    var_bn, delta_bn = _signals(normed, x, target)

    # The identity: scale one hidden layer's weights by c.
    c, layer = 10.0, depth // 2
    before = mlp.forward(normed, x)
    grad_before = mlp.backward(normed, before, mlp.mse_grad(before.output, target)[1])
    scaled = mlp.Net(list(normed.weights), normed.biases, "relu", batch_norm=True)
    scaled.weights[layer] = normed.weights[layer] * c
    after = mlp.forward(scaled, x)
    grad_after = mlp.backward(scaled, after, mlp.mse_grad(after.output, target)[1])
    out_change = float(np.max(np.abs(after.output - before.output)) / np.max(np.abs(before.output)))
    grad_ratio = float(
        np.linalg.norm(grad_before.weights[layer]) / np.linalg.norm(grad_after.weights[layer])
    )

    loss_plain = _train(plain, x, target, lr, steps)
    loss_bn = _train(normed, x, target, lr, steps)
    spread_plain = float(delta_plain.max() / delta_plain.min())
    spread_bn = float(delta_bn.max() / delta_bn.min())
    growth = float(var_plain[-1] / var_plain[0])
    plain_end = float(loss_plain[-1] / loss_plain[0]) if np.isfinite(loss_plain[-1]) else np.inf
    bn_end = float(loss_bn[-1] / loss_bn[0])
    checks = (
        Check(
            f"scaling layer {layer + 1}'s weights by {c:g} leaves the BN net's output unchanged",
            out_change <= SCALE_TOLERANCE,
            f"largest relative change {out_change:.2g}",
            kind="identity",
        ),
        Check(
            f"... and divides that layer's weight gradient by {c:g}",
            abs(grad_ratio / c - 1.0) <= SCALE_TOLERANCE,
            f"gradient ratio {grad_ratio:.6g}",
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
            "with BN the layers' gradients stay within 10x of each other",
            spread_bn <= 10.0,
            f"max / min {spread_bn:.3g}",
        ),
        Check(
            f"with BN, gradient descent at lr {lr:g} halves the loss in {steps} steps; without "
            "BN it does not",
            bn_end <= TRAINED and not plain_end <= TRAINED,
            f"final / initial loss: {bn_end:.3g} with BN, {plain_end:.3g} without",
        ),
    )
    layers = np.arange(1, depth + 1)
    hidden = np.arange(1, depth)
    t = np.arange(steps + 1)
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
        Panel(
            title=f"Training loss, gradient descent at lr {lr:g}",
            xlabel="step",
            ylabel="loss / initial loss",
            yscale="log",
            series=(
                Series("without BN", t, loss_plain / loss_plain[0], color="tab:red"),
                Series("with BN", t, loss_bn / loss_bn[0], color="tab:blue"),
            ),
        ),
    )
    return Proof(
        name=NAME,
        title="Batch norm: the scale stops mattering",
        claim=(
            "With weights drawn too large, a deep ReLU net's activations and early gradients "
            "explode; batch norm makes each layer's output independent of its weights' scale, "
            "keeps the gradients level across layers and lets the same gradient descent train."
        ),
        checks=checks,
        figures={
            "Var(z) growth, first to last layer, no BN": growth,
            "gradient spread over layers, no BN": spread_plain,
            "gradient spread over layers, BN": spread_bn,
            "final / initial loss, no BN": plain_end,
            "final / initial loss, BN": bn_end,
            "output change when a layer is scaled 10x (BN)": out_change,
        },
        panels=panels,
        explanation=(
            "Gradient per layer: without BN (red) the signal grows by about 1.5x per layer "
            "towards the input, so one learning rate is too big for the first layers and too "
            "small for the last; with BN (blue) it is level. Variance: the unnormalised "
            "pre-activations grow by about 2.25x a layer; BN divides that growth out before "
            "the next layer sees it. Training: the same gradient descent from the same weights "
            "only makes progress with BN (an infinite loss is drawn as a gap). The identities "
            "in the checks say why: a BN layer's output ignores its weights' scale."
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

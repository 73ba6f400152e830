"""A small numpy multilayer perceptron with hand-written backprop, shared by the network proofs.

One implementation of forward and backward passes serves vanishing-gradients, dropout,
depth-vs-width, batch-norm, residual-connections and init-variance, so a single test against
finite differences (tests/test_proofs.py) guards the gradients every one of them measures.

Shapes: weights[l] is (fan_in, fan_out), or (K, fan_in, fan_out) for K independent nets trained
side by side (restarts, with/without dropout) in one batched matmul; inputs are (n, d) or
(K, n, d). Hidden layers apply, in order: optional batch normalisation of the pre-activation
(no learned scale or shift), the activation, an optional dropout mask, and an optional residual
(skip) connection when the layer keeps the width. The last layer is linear.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

BN_EPS = 1e-5


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # no overflow warning for large |z|


def _sigmoid_grad(z: np.ndarray) -> np.ndarray:
    s = _sigmoid(z)
    return s * (1.0 - s)


def _tanh_grad(z: np.ndarray) -> np.ndarray:
    return 1.0 - np.tanh(z) ** 2


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def _relu_grad(z: np.ndarray) -> np.ndarray:
    return (z > 0.0).astype(float)


def _identity(z: np.ndarray) -> np.ndarray:
    return z


def _one(z: np.ndarray) -> np.ndarray:
    return np.ones_like(z)


# name -> (activation, its derivative as a function of the pre-activation)
ACTIVATIONS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], ...]] = {
    "sigmoid": (_sigmoid, _sigmoid_grad),
    "tanh": (np.tanh, _tanh_grad),
    "relu": (_relu, _relu_grad),
    "linear": (_identity, _one),
}

# init name -> standard deviation of the weights given (fan_in, fan_out)
INITS: dict[str, Callable[[int, int], float]] = {
    "zero": lambda fan_in, fan_out: 0.0,
    "small": lambda fan_in, fan_out: 0.01,
    "xavier": lambda fan_in, fan_out: float(np.sqrt(2.0 / (fan_in + fan_out))),
    "he": lambda fan_in, fan_out: float(np.sqrt(2.0 / fan_in)),
}


@dataclass
class Net:
    """Weights and the choices that shape the forward pass; arrays are updated in place."""

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    activation: str = "relu"
    residual: bool = False
    batch_norm: bool = False

    @property
    def params(self) -> list[np.ndarray]:
        return [*self.weights, *self.biases]


def init_net(
    rng: np.random.Generator,
    sizes: list[int],
    activation: str = "relu",
    init: str = "he",
    nets: int | None = None,
    residual: bool = False,
    batch_norm: bool = False,
    bias_scale: float = 0.0,
) -> Net:
    """Layers of the given sizes ([d_in, hidden..., d_out]), weights drawn by `init`.

    `nets` stacks that many independent nets along a leading axis. Biases start at 0 unless
    `bias_scale` > 0 (then normal with that spread).
    """
    lead = () if nets is None else (nets,)
    weights, biases = [], []
    for fan_in, fan_out in itertools.pairwise(sizes):
        std = INITS[init](fan_in, fan_out)
        weights.append(rng.standard_normal((*lead, fan_in, fan_out)) * std)
        biases.append(rng.standard_normal((*lead, 1, fan_out)) * bias_scale)
    return Net(weights, biases, activation, residual, batch_norm)


@dataclass
class Cache:
    """What the backward pass needs: each layer's input, pre-activation and normalised value."""

    inputs: list[np.ndarray] = field(default_factory=list)  # a[l], the input of layer l
    pre: list[np.ndarray] = field(default_factory=list)  # z[l] = a[l] W[l] + b[l]
    normed: list[np.ndarray] = field(default_factory=list)  # u[l] = BN(z[l]) (or z[l])
    scales: list[np.ndarray] = field(default_factory=list)  # BN's sqrt(var + eps) per unit
    masks: list[np.ndarray | None] = field(default_factory=list)
    skips: list[bool] = field(default_factory=list)
    output: np.ndarray | None = None


def forward(net: Net, x: np.ndarray, masks: list[np.ndarray] | None = None) -> Cache:
    """Run the net on x; `masks[l]` (already divided by the keep probability) drops units of
    hidden layer l."""
    act = ACTIVATIONS[net.activation][0]
    cache = Cache()
    a = x
    last = len(net.weights) - 1
    for layer, (w, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        cache.inputs.append(a)
        z = a @ w + b
        cache.pre.append(z)
        if layer == last:
            cache.output = z
            break
        if net.batch_norm:
            mean = z.mean(axis=-2, keepdims=True)
            scale = np.sqrt(z.var(axis=-2, keepdims=True) + BN_EPS)
            u = (z - mean) / scale
        else:
            u, scale = z, np.ones(1)
        cache.normed.append(u)
        cache.scales.append(scale)
        h = act(u)
        mask = None if masks is None else masks[layer]
        if mask is not None:
            h = h * mask
        cache.masks.append(mask)
        skip = net.residual and a.shape[-1] == h.shape[-1] and layer > 0
        cache.skips.append(skip)
        a = a + h if skip else h
    return cache


@dataclass
class Gradients:
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    deltas: list[np.ndarray]  # dLoss/dz[l] per layer: the backward signal

    @property
    def params(self) -> list[np.ndarray]:
        return [*self.weights, *self.biases]


def backward(net: Net, cache: Cache, d_output: np.ndarray) -> Gradients:
    """Gradients of a loss whose gradient with respect to the output is `d_output`."""
    grad_act = ACTIVATIONS[net.activation][1]
    layers = len(net.weights)
    d_w: list[np.ndarray] = [np.empty(0)] * layers
    d_b: list[np.ndarray] = [np.empty(0)] * layers
    deltas: list[np.ndarray] = [np.empty(0)] * layers
    g = d_output
    carry: np.ndarray | float = 0.0  # dLoss/da[l] that arrived through a skip connection
    for layer in range(layers - 1, -1, -1):
        deltas[layer] = g
        a = cache.inputs[layer]
        d_w[layer] = np.swapaxes(a, -1, -2) @ g
        d_b[layer] = g.sum(axis=-2, keepdims=True)
        if layer == 0:
            break
        g_a = g @ np.swapaxes(net.weights[layer], -1, -2) + carry  # dLoss/da[layer]
        below = layer - 1  # the hidden layer that produced a[layer]
        g_h = g_a if cache.masks[below] is None else g_a * cache.masks[below]
        u = cache.normed[below]
        g_u = g_h * grad_act(u)
        if net.batch_norm:
            g_u = (
                g_u - g_u.mean(axis=-2, keepdims=True) - u * (g_u * u).mean(axis=-2, keepdims=True)
            ) / cache.scales[below]
        # a[layer] = a[below] + h: the skip hands dLoss/da[layer] on to a[below] unchanged
        carry = g_a if cache.skips[below] else 0.0
        g = g_u
    return Gradients(d_w, d_b, deltas)


class Adam:
    """Adam on a list of arrays, updated in place (the net's own weights)."""

    def __init__(self, params: list[np.ndarray], lr: float) -> None:
        self.params = params
        self.lr = lr
        self.first = [np.zeros_like(p) for p in params]
        self.second = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, grads: list[np.ndarray]) -> None:
        self.t += 1
        c1, c2 = 1.0 - 0.9**self.t, 1.0 - 0.999**self.t
        for p, g, m, v in zip(self.params, grads, self.first, self.second, strict=True):
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * g * g
            p -= self.lr * (m / c1) / (np.sqrt(v / c2) + 1e-8)


def mse_grad(output: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean squared error per net (averaged over examples and outputs) and its gradient."""
    diff = output - target
    n = diff.shape[-2] * diff.shape[-1]
    return (diff**2).sum(axis=(-2, -1)) / n, 2.0 * diff / n


def logistic_grad(logit: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean log-loss per net for labels y in {0, 1}, and its gradient with respect to the logit."""
    n = logit.shape[-2]
    loss = (np.logaddexp(0.0, logit) - y * logit).sum(axis=(-2, -1)) / n
    return loss, (_sigmoid(logit) - y) / n


def log_loss(logit: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean log-loss per net (no gradient)."""
    return (np.logaddexp(0.0, logit) - y * logit).mean(axis=(-2, -1))

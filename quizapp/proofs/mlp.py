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

import dataclasses
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from quizapp.proofs.model import Stopped  # noqa: F401  (raised through train's callbacks)

BN_EPS = 1e-5


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function 1 / (1 + e^-z).

    Written with exp, not as ½(1 + tanh(z/2)): numpy's exp is vectorised and its tanh is not,
    so this is about four times faster, and sigmoid was a third of the vanishing-gradients
    proof's time. For z below about -709, e^-z overflows to inf and the result is exactly 0,
    as it should be; that overflow is not worth a warning.
    """
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


_sigmoid = sigmoid


def _sigmoid_grad_of_output(s: np.ndarray) -> np.ndarray:
    return s * (1.0 - s)


def _sigmoid_grad(z: np.ndarray) -> np.ndarray:
    return _sigmoid_grad_of_output(_sigmoid(z))


def _centred_sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) − ½: sigmoid's very derivative, without the +½ that a residual stack would pile up
    layer on layer (24 skips of σ drift every unit by about 12 before any weight matters)."""
    return _sigmoid(z) - 0.5


def _centred_sigmoid_grad_of_output(h: np.ndarray) -> np.ndarray:
    """σ'(z) from h = σ(z) − ½: σ(1 − σ) = (½ + h)(½ − h) = ¼ − h², with no exp."""
    return 0.25 - h * h


def _tanh_grad_of_output(t: np.ndarray) -> np.ndarray:
    return 1.0 - t**2


def _tanh_grad(z: np.ndarray) -> np.ndarray:
    return _tanh_grad_of_output(np.tanh(z))


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def _relu_grad(z: np.ndarray) -> np.ndarray:
    return z > 0.0  # a boolean array multiplies like 0.0 / 1.0


def _relu_grad_of_output(h: np.ndarray) -> np.ndarray:
    """ReLU's derivative from its output h = max(z, 0): sign(h) is 1 where z > 0 and 0
    elsewhere, like z > 0, but as floats: multiplying by a boolean array converts it on the
    fly, several times slower than a float product on these arrays. (Only a NaN differs:
    sign(NaN) is NaN, and a net with a NaN activation has a NaN loss and has stopped.)"""
    return np.sign(h)


def _identity(z: np.ndarray) -> np.ndarray:
    return z


def _one(z: np.ndarray) -> np.ndarray:
    return np.ones_like(z)


# name -> (activation, its derivative as a function of the pre-activation[, the same derivative
# from the activation's kept output, where that is cheaper: recomputing sigmoid's exp or tanh
# costs more than the rest of a layer's backward step on these small matrices])
ACTIVATIONS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], ...]] = {
    "sigmoid": (_sigmoid, _sigmoid_grad, _sigmoid_grad_of_output),
    "sigmoid-centred": (_centred_sigmoid, _sigmoid_grad, _centred_sigmoid_grad_of_output),
    "tanh": (np.tanh, _tanh_grad, _tanh_grad_of_output),
    "relu": (_relu, _relu_grad, _relu_grad_of_output),
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
    # True for skips in every stacked net, or a 0/1 array of shape (nets, 1, 1) to give only
    # some of them skips (plain and residual nets trained side by side from the same weights)
    residual: bool | np.ndarray = False
    batch_norm: bool = False
    bn_eps: float = BN_EPS  # BN's guard against a zero variance; 0.0 makes BN exactly scale-free

    @property
    def params(self) -> list[np.ndarray]:
        return [*self.weights, *self.biases]


def init_net(
    rng: np.random.Generator,
    sizes: list[int],
    activation: str = "relu",
    init: str = "he",
    nets: int | None = None,
    residual: bool | np.ndarray = False,
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


def _batch_mean(a: np.ndarray) -> np.ndarray:
    """Mean over the examples axis, kept: ``a.mean(axis=-2, keepdims=True)``'s very values
    (the same sum, divided by the same count) without its Python wrapper, which cost more than
    the arithmetic on these small arrays in batch norm's forward and backward passes."""
    return np.add.reduce(a, axis=-2, keepdims=True) / a.shape[-2]


@lru_cache(maxsize=16)
def _ones_row(n: int, dtype: np.dtype) -> np.ndarray:
    """A read-only row of n ones (the bias gradient's summing vector), made once per size and
    precision (a double row would widen a single-precision net's bias gradients)."""
    row = np.ones((1, n), dtype)
    row.flags.writeable = False
    return row


def _has_skips(residual: bool | np.ndarray) -> bool:
    return bool(np.any(residual))


_ALL = 1.0  # the gate of a net whose every stacked copy has its skips
_UNSCALED = np.ones(1)  # BN's scale when there is no BN


def _gate(residual: bool | np.ndarray) -> float | np.ndarray:
    """What a skip carries: 1 for every net, or each stacked net's own 0 or 1."""
    if residual is True:
        return _ALL
    gate = np.asarray(residual)
    return gate if gate.dtype.kind == "f" else gate.astype(float)


@dataclass
class Cache:
    """What the backward pass needs: each layer's input, pre-activation and normalised value."""

    inputs: list[np.ndarray] = field(default_factory=list)  # a[l], the input of layer l
    pre: list[np.ndarray] = field(default_factory=list)  # z[l] = a[l] W[l] + b[l]
    normed: list[np.ndarray] = field(default_factory=list)  # u[l] = BN(z[l]) (or z[l])
    activated: list[np.ndarray] = field(default_factory=list)  # f(u[l]), before any mask
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
    skips, gate = _has_skips(net.residual), _gate(net.residual)
    for layer, (w, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        cache.inputs.append(a)
        z = a @ w + b
        cache.pre.append(z)
        if layer == last:
            cache.output = z
            break
        if net.batch_norm:
            # z.var's own steps (centre, square, mean), so z - mean is computed once
            centred = z - _batch_mean(z)
            scale = np.sqrt(_batch_mean(centred * centred) + net.bn_eps)
            u = centred / scale
        else:
            u, scale = z, _UNSCALED
        cache.normed.append(u)
        cache.scales.append(scale)
        h = act(u)
        cache.activated.append(h)
        mask = None if masks is None else masks[layer]
        if mask is not None:
            h = h * mask
        cache.masks.append(mask)
        skip = skips and a.shape[-1] == h.shape[-1] and layer > 0
        cache.skips.append(skip)
        a = (h + a if gate is _ALL else h + gate * a) if skip else h
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
    entry = ACTIVATIONS[net.activation]
    grad_act = entry[1]
    grad_of_output = entry[2] if len(entry) > 2 else None
    layers = len(net.weights)
    d_w: list[np.ndarray] = [np.empty(0)] * layers
    d_b: list[np.ndarray] = [np.empty(0)] * layers
    deltas: list[np.ndarray] = [np.empty(0)] * layers
    g = d_output
    gate = _gate(net.residual)
    carry: np.ndarray | None = None  # dLoss/da[l] that arrived through a skip connection
    for layer in range(layers - 1, -1, -1):
        deltas[layer] = g
        a = cache.inputs[layer]
        d_w[layer] = a.swapaxes(-1, -2) @ g  # the method: np.swapaxes's wrapper costs more
        # a row of ones times g sums over the examples: several times faster than g.sum(-2)
        # on these small, narrow arrays
        d_b[layer] = _ones_row(g.shape[-2], g.dtype) @ g
        if layer == 0:
            break
        g_a = g @ net.weights[layer].swapaxes(-1, -2)  # dLoss/da[layer]
        if carry is not None:
            g_a += carry
        below = layer - 1  # the hidden layer that produced a[layer]
        g_h = g_a if cache.masks[below] is None else g_a * cache.masks[below]
        u = cache.normed[below]
        if grad_of_output is not None:
            g_u = g_h * grad_of_output(cache.activated[below])
        else:
            g_u = g_h * grad_act(u)
        if net.batch_norm:
            g_u = (g_u - _batch_mean(g_u) - u * _batch_mean(g_u * u)) / cache.scales[below]
        # a[layer] = a[below] + h: the skip hands dLoss/da[layer] on to a[below] unchanged
        carry = None if not cache.skips[below] else g_a if gate is _ALL else g_a * gate
        g = g_u
    return Gradients(d_w, d_b, deltas)


def backward_signal(net: Net, x: np.ndarray, target: np.ndarray) -> np.ndarray:
    """RMS over examples of ‖dLoss/dz‖ at each layer (z: the layer's pre-activation), for the
    squared error: the size of the backward signal that reaches each layer.

    Measured per example (the batch mean's gradient times the batch size), so that correlated
    examples do not inflate a batch sum and depths and batch sizes compare.
    """
    cache = forward(net, x)
    _, d_out = mse_grad(cache.output, target)
    grads = backward(net, cache, d_out * x.shape[-2])
    return np.array([float(np.sqrt(np.mean(np.sum(d**2, axis=-1)))) for d in grads.deltas])


class GradientDescent:
    """Plain gradient descent on a list of arrays, updated in place."""

    def __init__(self, params: list[np.ndarray], lr: float) -> None:
        self.params = params
        self.lr = lr

    def step(self, grads: list[np.ndarray]) -> None:
        for p, g in zip(self.params, grads, strict=True):
            p -= self.lr * g


class Adam:
    """Adam on a list of arrays, updated in place (the net's own weights).

    The moments live in one flat buffer, and `Adam.for_net` makes the net's own arrays views
    into a flat parameter buffer too, so that a step is a dozen array operations whatever the
    number of layers (per-array updates cost more in call overhead than in arithmetic here).
    """

    def __init__(self, params: list[np.ndarray], lr: float, flat: np.ndarray | None = None) -> None:
        self.params = params
        self.flat = flat
        self.lr = lr
        size = sum(p.size for p in params)
        dtype = np.result_type(*params)  # moments as precise as the weights, no wider
        self.first = np.zeros(size, dtype)
        self.second = np.zeros(size, dtype)
        self.t = 0

    @classmethod
    def for_net(cls, net: Net, lr: float) -> Adam:
        """Adam on `net`, whose weights and biases become views into one flat buffer."""
        arrays = net.params
        flat = np.concatenate([p.ravel() for p in arrays])
        views, start = [], 0
        for p in arrays:
            views.append(flat[start : start + p.size].reshape(p.shape))
            start += p.size
        layers = len(net.weights)
        net.weights[:] = views[:layers]
        net.biases[:] = views[layers:]
        return cls(views, lr, flat)

    def step(self, grads: list[np.ndarray]) -> None:
        self.t += 1
        c1, c2 = 1.0 - 0.9**self.t, 1.0 - 0.999**self.t
        g = np.concatenate([g.ravel() for g in grads])
        m, v = self.first, self.second
        m *= 0.9
        m += 0.1 * g
        v *= 0.999
        v += 0.001 * g * g
        update = (self.lr / c1) * m / (np.sqrt(v / c2) + 1e-8)
        if self.flat is not None:
            self.flat -= update
            return
        start = 0
        for p in self.params:
            p -= update[start : start + p.size].reshape(p.shape)
            start += p.size


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


Loss = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def train(
    net: Net,
    x: np.ndarray,
    target: np.ndarray,
    steps: int,
    optimiser: GradientDescent | Adam,
    loss: Loss = mse_grad,
    masks: Callable[[], list[np.ndarray | None]] | None = None,
    grad_scale: list[np.ndarray] | None = None,
    every: int = 0,
    on_record: Callable[[int, Net, np.ndarray], None] | None = None,
    poll: Callable[[], None] | None = None,
) -> np.ndarray:
    """The one training loop of the network proofs: `steps` updates of `optimiser` on `loss`.

    Returns the loss before each step and after the last, shape (steps + 1, *nets); once a
    net's loss stops being finite (it diverged) that net stops and the rest of its losses stay
    inf. `masks()`
    draws dropout masks for each step; `grad_scale` multiplies each parameter's gradient (a 0
    freezes a parameter, e.g. the biases of a bias-free net). Every `every` steps and at the
    end, `on_record(step, net, losses so far)` sees the net before that step's update: for a
    proof's own measurements, or a live frame. `poll()` runs before every step: it may raise
    `Stopped` to end the run at once.

    Under plain gradient descent a stack of nets whose losses diverged is trained on without
    them (see :class:`_Survivors`): batch norm's grid of learning rates loses most of its nets
    within a few steps, and carrying them to the end was most of that proof's time.
    """
    lead = net.weights[0].shape[:-2]
    losses = np.full((steps + 1, *lead), np.inf)
    alive = np.ones(lead, dtype=bool)  # stacked nets that have not diverged
    survivors = _Survivors.start(net, x, target, optimiser, masks, grad_scale)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps + 1):
            if poll is not None:
                poll()
            if survivors is not None and not alive.all():
                survivors.drop(~alive)
                net, x, target, optimiser = (
                    survivors.net,
                    survivors.x,
                    survivors.target,
                    survivors.optimiser,
                )
                alive = np.ones(net.weights[0].shape[:-2], dtype=bool)
            cache = forward(net, x, None if masks is None else masks())
            value, d_out = loss(cache.output, target)
            alive &= np.isfinite(value)
            if survivors is None:
                losses[t] = np.where(alive, value, np.inf)
            else:
                losses[t, survivors.index] = np.where(alive, value, np.inf)
            done = t == steps or not alive.any()
            if on_record is not None and every and (t % every == 0 or done):
                on_record(t, net if survivors is None else survivors.whole(), losses[: t + 1])
            if done:
                break
            grads = backward(net, cache, d_out).params
            if grad_scale is not None:
                grads = [g * s for g, s in zip(grads, grad_scale, strict=True)]
            if not alive.all():  # a diverged net stops moving; the others go on
                keep = alive.reshape(*alive.shape, 1, 1)
                grads = [np.where(keep, g, 0.0) for g in grads]
            optimiser.step(grads)
    if survivors is not None:
        survivors.whole()
    return losses


@dataclass
class _Survivors:
    """The nets of a stack still training under gradient descent, once others have diverged.

    A diverged net's weights stop where they were (its gradients are zeroed); dropping it from
    the stack instead gives the same numbers for every net and does not spend three matmuls a
    layer on it at each step. Only plain gradient descent on a 1-D stack without masks or
    gradient scales is slimmed this way: Adam keeps per-net moments in one flat buffer, and
    masks are drawn for the whole stack. `whole()` writes the survivors' weights back into the
    caller's net (in place: its arrays are the ones the caller holds) and returns it.
    """

    full: Net
    net: Net
    x: np.ndarray
    target: np.ndarray
    optimiser: GradientDescent
    index: np.ndarray  # positions in the full stack of the nets in `net`

    @classmethod
    def start(
        cls,
        net: Net,
        x: np.ndarray,
        target: np.ndarray,
        optimiser: GradientDescent | Adam,
        masks: object,
        grad_scale: object,
    ) -> _Survivors | None:
        lead = net.weights[0].shape[:-2]
        if type(optimiser) is not GradientDescent or masks is not None or grad_scale is not None:
            return None
        if len(lead) != 1 or lead[0] < 2:
            return None
        return cls(net, net, x, target, optimiser, np.arange(lead[0]))

    def drop(self, dead: np.ndarray) -> None:
        """Go on with the nets of the current stack that are not `dead`."""
        self.whole()
        keep = np.flatnonzero(~dead)
        self.index = self.index[keep]
        self.net = dataclasses.replace(
            self.full,
            weights=[w[self.index] for w in self.full.weights],
            biases=[b[self.index] for b in self.full.biases],
            residual=_per_net(self.full.residual, self.index),
        )
        self.x, self.target = _per_net(self.x, keep), _per_net(self.target, keep)
        self.optimiser = GradientDescent(self.net.params, _per_net(self.optimiser.lr, keep))

    def whole(self) -> Net:
        if self.net is not self.full:
            for full, part in zip(self.full.params, self.net.params, strict=True):
                full[self.index] = part
        return self.full


def _per_net(value, keep: np.ndarray):
    """`value` for the kept nets: sliced when it has a leading axis per net, else as it is."""
    if isinstance(value, np.ndarray) and value.ndim >= 3:
        return value[keep]
    return value


def heartbeat(progress: Callable[[None], None] | None) -> Callable[[], None] | None:
    """`train`'s poll for a proof's progress callback: it hears None at every step."""
    return None if progress is None else lambda: progress(None)

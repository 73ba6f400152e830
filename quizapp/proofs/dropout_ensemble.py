"""Dropout as an ensemble: weight scaling vs averaging sampled sub-networks.

A one-hidden-layer ReLU classifier of one input, with n = 10 hidden units, is trained twice on
the same 40 noisy points from the same initialisation: once plainly, once with dropout on the
hidden units (each kept with probability q = 0.5, no rescaling during training). Each of the
2^10 = 1024 masks picks a sub-network, and all of them share the same weights.

At test time the weight-scaling rule multiplies the hidden-to-output weights by q. Because the
logit is a *linear* function of the masked hidden units, the mean logit over all 2^n masks is
exactly the weight-scaled logit. The probability goes through a sigmoid, which is not linear,
so the *arithmetic* mean of the sub-networks' probabilities (what Monte-Carlo averaging over
sampled masks converges to) only approximately equals the weight-scaled probability; what the
weight-scaled probability equals exactly is their normalised *geometric* mean. Every mask is
enumerated here, so all three are computed exactly and compared.
"""

from __future__ import annotations

import itertools

import numpy as np

from quizapp.proofs.model import Check, Panel, Proof, Series

NAME = "dropout-ensemble"
EXACT = 1e-9  # identities that hold up to rounding
MC_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _log_loss(logit: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Cross-entropy of labels y in {0, 1} given logits, averaged over the last axis."""
    return np.mean(np.logaddexp(0.0, logit) - y * logit, axis=-1)


def _data(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    x = rng.uniform(-3.0, 3.0, n)
    y = (rng.uniform(size=n) < _true_probability(x)).astype(float)
    return x, y


def _true_probability(x: np.ndarray) -> np.ndarray:
    return _sigmoid(3.0 * np.sin(1.5 * x))


class _Nets:
    """Two copies of the same small net, trained side by side: index 0 plain, 1 with dropout.

    All parameters live in one array of shape (2, 3 units + 1), so one Adam update moves both
    nets; the views w1, b1, w2, b2 read from it.
    """

    def __init__(self, rng: np.random.Generator, units: int) -> None:
        self.units = units
        w1 = rng.normal(0.0, 1.5, units)
        kinks = rng.uniform(-3.0, 3.0, units)  # spread the ReLU kinks over the input range
        w2 = rng.normal(0.0, 0.5, units)
        one = np.concatenate([w1, -w1 * kinks, w2, [0.0]])
        self.theta = np.stack([one, one.copy()])

    def parts(self) -> tuple[np.ndarray, ...]:
        u = self.units
        t = self.theta
        return t[:, :u], t[:, u : 2 * u], t[:, 2 * u : 3 * u], t[:, 3 * u]

    def hidden(self, x: np.ndarray) -> np.ndarray:
        """Hidden activations, shape (2, len(x), units)."""
        w1, b1, _, _ = self.parts()
        return np.maximum(x[None, :, None] * w1[:, None, :] + b1[:, None, :], 0.0)

    def logits(self, x: np.ndarray, keep: float) -> np.ndarray:
        """Test-time logits, shape (2, len(x)): the dropout net uses weight scaling by `keep`."""
        _, _, w2, b2 = self.parts()
        scale = np.array([1.0, keep])[:, None]
        return scale * (self.hidden(x) @ w2[:, :, None])[:, :, 0] + b2[:, None]


def _train(
    nets: _Nets,
    x: np.ndarray,
    y: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    keep: float,
    steps: int,
    lr: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Full-batch Adam on both nets; returns [step, train and test loss of each net] rows."""
    n = x.size
    first, second = np.zeros_like(nets.theta), np.zeros_like(nets.theta)
    history = []
    for t in range(1, steps + 1):
        w1, b1, w2, b2 = nets.parts()
        z = x[None, :, None] * w1[:, None, :] + b1[:, None, :]
        h = np.maximum(z, 0.0)
        mask = np.ones_like(h)
        mask[1] = rng.uniform(size=h[1].shape) < keep  # a fresh sub-network per example
        hm = h * mask
        logit = (hm @ w2[:, :, None])[:, :, 0] + b2[:, None]
        d = (_sigmoid(logit) - y) / n  # d loss / d logit
        dz = d[:, :, None] * w2[:, None, :] * mask * (z > 0.0)
        grad = np.concatenate(
            [x @ dz, dz.sum(axis=1), (d[:, None, :] @ hm)[:, 0], d.sum(axis=1)[:, None]],
            axis=1,
        )
        first = 0.9 * first + 0.1 * grad
        second = 0.999 * second + 0.001 * grad**2
        nets.theta -= lr * (first / (1 - 0.9**t)) / (np.sqrt(second / (1 - 0.999**t)) + 1e-8)
        if t % 25 == 0 or t == 1:
            train_loss = _log_loss(nets.logits(x, keep), y)
            test_loss = _log_loss(nets.logits(x_test, keep), y_test)
            history.append([t, *train_loss, *test_loss])
    return np.array(history)


def run(
    seed: int = 0,
    units: int = 10,
    keep: float = 0.5,
    n: int = 40,
    steps: int = 600,
    lr: float = 0.05,
    test: int = 500,
) -> Proof:
    """Train a plain and a dropout net, then compare weight scaling with the 2^units ensemble."""
    if units > 14:
        raise ValueError("units > 14 would make enumerating all 2^units sub-networks too slow")
    rng = np.random.default_rng(seed)
    x, y = _data(rng, n)
    x_test, y_test = _data(rng, test)
    nets = _Nets(rng, units)
    history = _train(nets, x, y, x_test, y_test, keep, steps, lr, rng)
    plain_gap = history[-1, 3] - history[-1, 1]
    dropout_gap = history[-1, 4] - history[-1, 2]

    # Every sub-network of the dropout net: one row of `masks` each, all with the same weights.
    masks = np.array(list(itertools.product((0.0, 1.0), repeat=units)))
    prob_mask = np.prod(np.where(masks == 1.0, keep, 1.0 - keep), axis=1)  # sums to 1
    _, _, w2, b2 = nets.parts()
    grid = np.linspace(-3.0, 3.0, 121)

    def sub_logits(points: np.ndarray) -> np.ndarray:
        """Logits of every sub-network at `points`: shape (2^units, len(points))."""
        return masks @ (nets.hidden(points)[1] * w2[1]).T + b2[1]

    scaled_logit = nets.logits(grid, keep)[1]
    scaled_prob = _sigmoid(scaled_logit)
    all_logits = sub_logits(grid)
    all_probs = _sigmoid(all_logits)
    mean_logit = prob_mask @ all_logits  # exact expectation over masks
    arithmetic = prob_mask @ all_probs
    # Normalised geometric mean G / (G + G'), G = prod p^P(mask), G' = prod (1 - p)^P(mask),
    # in log space (log p = -log(1 + e^-logit)) so saturated sub-networks do not give log(0).
    log_p = prob_mask @ -np.logaddexp(0.0, -all_logits)
    log_q = prob_mask @ -np.logaddexp(0.0, all_logits)
    geometric = _sigmoid(log_p - log_q)

    # Monte-Carlo: average sampled sub-networks, as one would without enumerating them.
    sampled = rng.uniform(size=(MC_SIZES[-1], units)) < keep
    mc_logits = sampled.astype(float) @ (nets.hidden(grid)[1] * w2[1]).T + b2[1]
    running_logit = np.cumsum(mc_logits, axis=0)
    running_prob = np.cumsum(_sigmoid(mc_logits), axis=0)
    ks = np.array(MC_SIZES)
    mc_logit_err = np.mean(np.abs(running_logit[ks - 1] / ks[:, None] - scaled_logit), axis=1)
    mc_prob_err = np.mean(np.abs(running_prob[ks - 1] / ks[:, None] - scaled_prob), axis=1)
    mc_arith_err = np.mean(np.abs(running_prob[ks - 1] / ks[:, None] - arithmetic), axis=1)
    gap = float(np.mean(np.abs(arithmetic - scaled_prob)))
    # How much the sub-networks disagree: the yardsticks for "converges" and "close".
    logit_sd = np.sqrt(prob_mask @ (all_logits - mean_logit) ** 2)
    prob_sd = np.sqrt(prob_mask @ (all_probs - arithmetic) ** 2)
    agree = float(np.mean((arithmetic > 0.5) == (scaled_prob > 0.5)))
    k_max = MC_SIZES[-1]

    test_logits = sub_logits(x_test)
    member_losses = _log_loss(test_logits, y_test)  # each sub-network on its own
    member_mean = float(prob_mask @ member_losses)
    test_arith = np.clip(prob_mask @ _sigmoid(test_logits), 1e-12, 1.0 - 1e-12)
    arith_test = float(-np.mean(y_test * np.log(test_arith) + (1 - y_test) * np.log1p(-test_arith)))
    scaled_test = float(history[-1, 4])

    checks = (
        Check(
            f"{units} droppable units give 2^{units} = {2**units} sub-networks sharing one set "
            "of weights; their mean logit is exactly the weight-scaled logit (linear layer)",
            masks.shape[0] == 2**units
            and float(np.max(np.abs(mean_logit - scaled_logit)))
            <= EXACT * max(1.0, float(np.max(np.abs(scaled_logit)))),
            f"largest difference {np.max(np.abs(mean_logit - scaled_logit)):.2g}",
        ),
        Check(
            f"the Monte-Carlo mean of {k_max} sampled logits is within two standard errors "
            "(σ/√K) of the weight-scaled logit",
            mc_logit_err[-1] <= 2.0 * float(np.mean(logit_sd)) / np.sqrt(k_max),
            f"mean error {mc_logit_err[0]:.3g} with 1 mask, {mc_logit_err[-1]:.3g} with "
            f"{k_max}; σ/√K = {np.mean(logit_sd) / np.sqrt(k_max):.3g}",
        ),
        Check(
            "for probabilities it converges to the arithmetic ensemble mean instead, which is "
            "not the weight-scaled prediction but close: same predicted class at >= 95% of x",
            mc_arith_err[-1] <= 2.0 * float(np.mean(prob_sd)) / np.sqrt(k_max)
            and gap > 0.0
            and agree >= 0.95,
            f"Monte-Carlo vs ensemble {mc_arith_err[-1]:.2g}; ensemble vs weight scaling "
            f"{gap:.2g} on average, same class at {agree:.0%} of x",
        ),
        Check(
            "the weight-scaled probability is exactly the normalised geometric mean",
            float(np.max(np.abs(geometric - scaled_prob))) <= EXACT,
            f"largest difference {np.max(np.abs(geometric - scaled_prob)):.2g}",
        ),
        Check(
            "the ensemble beats its members: weight-scaled test loss below a sub-network's",
            scaled_test < member_mean,
            f"test log-loss {scaled_test:.3g} vs {member_mean:.3g} for a sub-network on average",
        ),
        Check(
            "dropout narrows the train/test gap against the same net trained without it",
            dropout_gap < plain_gap,
            f"test minus train log-loss: {plain_gap:.3g} without dropout, {dropout_gap:.3g} with",
        ),
    )

    shown = rng.choice(masks.shape[0], 3, replace=False)
    examples = tuple(
        Series(
            "sub-networks (3 masks)" if i == 0 else f"_sub {i}",
            grid,
            all_probs[j],
            color="tab:grey",
        )
        for i, j in enumerate(shown)
    )
    panels = (
        Panel(
            title=f"P(y = 1 | x): dropout net, {units} hidden units, keep q = {keep:g}",
            xlabel="x",
            ylabel="P(y = 1)",
            ylim=(-0.05, 1.05),
            series=(
                *examples,
                Series("training labels", x, y, "points", "black"),
                Series("true P(y = 1 | x)", grid, _true_probability(grid), "dashed", "black"),
                Series(
                    "no dropout (overfits)",
                    grid,
                    _sigmoid(nets.logits(grid, keep)[0]),
                    color="tab:red",
                ),
                Series(f"mean of {2**units} sub-networks", grid, arithmetic, color="tab:green"),
                Series("weight scaling (× q)", grid, scaled_prob, "dashed", "tab:blue"),
            ),
        ),
        Panel(
            title="Averaging sampled sub-networks: distance to weight scaling",
            xlabel="sub-networks averaged",
            ylabel="mean |difference| over x",
            xscale="log",
            yscale="log",
            series=(
                Series("logit (linear in the mask)", ks, mc_logit_err, "linepoints", "tab:blue"),
                Series("probability (after sigmoid)", ks, mc_prob_err, "linepoints", "tab:orange"),
                Series(
                    "probability vs exact ensemble", ks, mc_arith_err, "linepoints", "tab:green"
                ),
                Series(
                    "ensemble vs weight scaling", ks[[0, -1]], [gap, gap], "dashed", "tab:orange"
                ),
            ),
        ),
        Panel(
            title="Training: the same net with and without dropout",
            xlabel="Adam step",
            ylabel="log-loss",
            series=(
                Series("train, no dropout", history[:, 0], history[:, 1], color="tab:red"),
                Series("test, no dropout", history[:, 0], history[:, 3], "dashed", "tab:red"),
                Series("train, dropout", history[:, 0], history[:, 2], color="tab:blue"),
                Series("test, dropout", history[:, 0], history[:, 4], "dashed", "tab:blue"),
            ),
        ),
    )
    return Proof(
        name=NAME,
        title="Dropout as an ensemble of shared-weight sub-networks",
        claim=(
            f"{units} droppable units define 2^{units} weight-sharing sub-networks; averaging "
            "sampled ones converges to the weight-scaled prediction (exactly for the linear "
            "logit, approximately for the probability, which weight scaling gives as a "
            "geometric mean), and dropout narrows the train/test gap."
        ),
        checks=checks,
        figures={
            "sub-networks": 2**units,
            "shared parameters": 3 * units + 1,
            f"logit error, {MC_SIZES[-1]} sampled masks": mc_logit_err[-1],
            "probability: ensemble vs weight scaling": gap,
            "test log-loss, weight scaling": scaled_test,
            "test log-loss, arithmetic ensemble": arith_test,
            "probability: same class, ensemble vs scaling": agree,
            "test log-loss, one sub-network (mean)": member_mean,
            "train/test gap without dropout": plain_gap,
            "train/test gap with dropout": dropout_gap,
        },
        panels=panels,
        explanation=(
            "Predictions: single sub-networks (grey) disagree; their average over all "
            f"2^{units} masks (green) and the weight-scaled net (dashed blue) nearly coincide, "
            "and the net trained without dropout (red) jumps to 0 or 1 to match noisy labels. "
            "Averaging: the sampled mean of logits closes in on the weight-scaled logit like "
            "1/√K, because the logit is linear in the mask; the sampled mean of probabilities "
            "closes in on the exact ensemble mean instead and levels off at a small gap from "
            "weight scaling, because the sigmoid is not linear: weight scaling gives the "
            "normalised geometric mean, not the arithmetic one. Training: without dropout the "
            "training loss keeps falling while the test loss climbs; with dropout they stay "
            "closer. Dropout is cheap bagging: exponentially many sub-networks, one set of "
            "weights, and one forward pass at test time."
        ),
        seed=seed,
        params={"units": units, "keep": keep, "n": n, "steps": steps, "lr": lr, "test": test},
    )

"""Dropout on a network where it helps: a wide two-hidden-layer MLP on noisy two moons.

Eighty noisy points and a net with thousands of weights: trained plainly, it drives its training
loss towards zero and becomes confidently wrong on new points, its test log-loss climbing past
log 2 (what predicting 0.5 everywhere scores). The same net trained with dropout (each hidden
unit kept with probability q, inverted scaling during training, so the test-time net is the
weight-scaled one) stays calibrated. Both are trained from the same initialisations, several
restarts each, side by side in one batched computation.

Dropout trains an ensemble of the 2^units sub-networks that share one set of weights; weight
scaling is a one-pass approximation of averaging them. It is compared with Monte-Carlo averaging
of sampled sub-networks on the trained net: the same classes, but more confident. One thing is
an identity, and is labelled so: for a mask on the last hidden layer alone, the mean logit over
masks is exactly the weight-scaled logit, because the read-out is linear in the mask (checked
here by sampling, to four standard errors); it holds for any weights, trained or not, and is
not evidence that dropout helps.
"""

from __future__ import annotations

import numpy as np

from quizapp.proofs import mlp
from quizapp.proofs.model import Check, Panel, Proof, Series

NAME = "dropout-ensemble"
LOG2 = float(np.log(2.0))
MC_MASKS = 32


def two_moons(
    rng: np.random.Generator, n: int, noise: float, flip: float
) -> tuple[np.ndarray, ...]:
    """n points on two interleaved half-circles with Gaussian noise; a share `flip` of the
    labels flipped."""
    t = rng.uniform(0.0, np.pi, n)
    label = rng.uniform(size=n) < 0.5
    x = np.where(
        label[:, None],
        np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)]),
        np.column_stack([np.cos(t), np.sin(t)]),
    )
    x = x + rng.normal(0.0, noise, x.shape)
    y = label ^ (rng.uniform(size=n) < flip)
    return x - np.array([0.5, 0.25]), y.astype(float)[:, None]


def dropout_masks(
    rng: np.random.Generator, shape: tuple[int, ...], keep: np.ndarray, layers: int
) -> list[np.ndarray | None]:
    """Inverted-dropout masks (kept units scaled by 1/keep) for each hidden layer; `keep` has
    one entry per stacked net, 1.0 meaning no dropout."""
    k = keep[:, None, None]
    scale = 1.0 / k
    return [(rng.random(shape) < k) * scale for _ in range(layers)] + [None]


def run(
    seed: int = 0,
    n: int = 80,
    width: int = 48,
    keep: float = 0.5,
    restarts: int = 2,
    steps: int = 200,
    lr: float = 0.01,
    test: int = 500,
) -> Proof:
    """Train `restarts` plain nets and the same nets with dropout; compare on a test set."""
    rng = np.random.default_rng(seed)
    x, y = two_moons(rng, n, 0.25, 0.1)
    x_test, y_test = two_moons(rng, test, 0.25, 0.1)
    k = 2 * restarts  # nets 0..restarts-1 plain, then the same inits with dropout
    net = mlp.init_net(rng, [2, width, width, 1], "relu", "he", nets=restarts)
    net.weights = [np.concatenate([w, w]) for w in net.weights]
    net.biases = [np.concatenate([b, b]) for b in net.biases]
    keeps = np.array([1.0] * restarts + [keep] * restarts)
    optimiser = mlp.Adam(net.params, lr)
    xs = np.broadcast_to(x, (k, *x.shape))
    ys = np.broadcast_to(y, (k, *y.shape))
    xt = np.broadcast_to(x_test, (k, *x_test.shape))
    yt = np.broadcast_to(y_test, (k, *y_test.shape))
    every = max(1, steps // 20)
    history = []
    for t in range(steps + 1):
        if t % every == 0 or t == steps:
            train_loss = mlp.log_loss(mlp.forward(net, xs).output, ys)
            test_loss = mlp.log_loss(mlp.forward(net, xt).output, yt)
            history.append((t, train_loss, test_loss))
        if t == steps:
            break
        masks = dropout_masks(rng, (k, n, width), keeps, 2)
        cache = mlp.forward(net, xs, masks)
        _, d_out = mlp.logistic_grad(cache.output, ys)
        grads = mlp.backward(net, cache, d_out)
        optimiser.step(grads.params)
    steps_axis = np.array([h[0] for h in history])
    train_hist = np.array([h[1] for h in history])  # (records, k)
    test_hist = np.array([h[2] for h in history])
    plain_test, drop_test = test_hist[-1, :restarts], test_hist[-1, restarts:]
    plain_train = train_hist[-1, :restarts]

    # Weight scaling vs Monte-Carlo averaging of sampled sub-networks, on the dropout nets.
    drop = mlp.Net([w[restarts:] for w in net.weights], [b[restarts:] for b in net.biases])
    xd = xt[:restarts]
    scaled_logit = mlp.forward(drop, xd).output
    probs = np.zeros_like(scaled_logit)
    for _ in range(MC_MASKS):
        masks = dropout_masks(rng, (restarts, test, width), np.full(restarts, keep), 2)
        probs += 1.0 / (1.0 + np.exp(-mlp.forward(drop, xd, masks).output))
    mc_prob = np.clip(probs / MC_MASKS, 1e-12, 1 - 1e-12)
    mc_loss = -np.mean(y_test * np.log(mc_prob) + (1 - y_test) * np.log1p(-mc_prob), axis=(1, 2))
    scaled_prob = 1.0 / (1.0 + np.exp(-scaled_logit))
    same_class = float(np.mean((mc_prob > 0.5) == (scaled_prob > 0.5)))

    # The identity: a mask on the last hidden layer only; the read-out is linear in it.
    cache = mlp.forward(drop, xd)
    hidden = cache.inputs[-1]  # (restarts, test, width): the last hidden layer's output
    w_out, b_out = drop.weights[-1], drop.biases[-1]
    samples = 4096
    sampled = (rng.uniform(size=(samples, restarts, 1, width)) < keep) / keep
    # Sampled mean of (h ⊙ m)·w = h·(mean m ⊙ w): no need to form every masked logit. Its
    # standard error follows from the masks' sample variance (the units are independent).
    m_mean, m_var = sampled.mean(axis=0), sampled.var(axis=0)  # (restarts, 1, width)
    contrib = hidden * np.swapaxes(w_out, -1, -2)  # h_j w_j: (restarts, test, width)
    mean_logit = contrib @ np.swapaxes(m_mean, -1, -2) + b_out
    standard_error = np.sqrt((contrib**2) @ np.swapaxes(m_var, -1, -2) / samples)
    gap = np.abs(mean_logit - scaled_logit)
    standard_error = np.maximum(standard_error, 1e-12 * (1.0 + np.abs(scaled_logit)))  # rounding
    # where every unit of the last hidden layer is off the logit is the bias under every mask
    with np.errstate(divide="ignore", invalid="ignore"):
        z_scores = np.where(
            standard_error > 0, gap / standard_error, np.where(gap > 1e-12, np.inf, 0.0)
        )

    checks = (
        Check(
            "without dropout the net overfits: training loss under 0.3 while test log-loss "
            "ends above log 2 (worse than predicting 0.5)",
            bool(np.all(plain_train < 0.3)) and float(plain_test.mean()) > LOG2,
            f"train {plain_train.mean():.3g}, test {plain_test.mean():.3g} (log 2 = {LOG2:.3f})",
        ),
        Check(
            "with dropout the same nets end with a lower test log-loss than without",
            float(drop_test.mean()) < float(plain_test.mean()),
            f"test log-loss {drop_test.mean():.3g} with dropout, {plain_test.mean():.3g} without "
            f"(mean of {restarts} restarts)",
        ),
        Check(
            f"with dropout, averaging {MC_MASKS} sampled sub-networks beats the log 2 baseline",
            float(mc_loss.mean()) < LOG2,
            f"{mc_loss.mean():.3g} < {LOG2:.3f} (weight scaling: {drop_test.mean():.3g})",
        ),
        Check(
            "weight scaling picks the same class as the sampled average at >= 95% of test "
            "points, but it is more confident: its log-loss is the higher of the two",
            same_class >= 0.95 and float(drop_test.mean()) >= float(mc_loss.mean()),
            f"same class at {same_class:.1%}; log-loss {drop_test.mean():.3g} weight-scaled vs "
            f"{mc_loss.mean():.3g} averaged",
        ),
        Check(
            "a last-layer mask's mean logit is the weight-scaled logit (the read-out is linear "
            "in the mask), to within 4 standard errors at every test point",
            float(z_scores.max()) <= 4.5,
            f"largest deviation {z_scores.max():.2f} standard errors over {z_scores.size} points",
            kind="identity",
        ),
    )
    grid = np.linspace(-1.6, 2.6, 85)
    line = np.column_stack([grid, np.zeros_like(grid)])  # a slice through the moons at x2 = 0
    slice_probs = 1.0 / (
        1.0 + np.exp(-mlp.forward(net, np.broadcast_to(line, (k, *line.shape))).output[:, :, 0])
    )
    panels = (
        Panel(
            title=f"Test log-loss in training ({restarts} restarts, width {width}, keep {keep:g})",
            xlabel="Adam step",
            ylabel="log-loss",
            series=(
                *(
                    Series(
                        "test, no dropout" if r == 0 else f"_test plain {r}",
                        steps_axis,
                        test_hist[:, r],
                        "line",
                        "tab:red",
                    )
                    for r in range(restarts)
                ),
                *(
                    Series(
                        "test, dropout" if r == 0 else f"_test dropout {r}",
                        steps_axis,
                        test_hist[:, restarts + r],
                        "line",
                        "tab:blue",
                    )
                    for r in range(restarts)
                ),
                Series(
                    "train, no dropout (mean)",
                    steps_axis,
                    train_hist[:, :restarts].mean(axis=1),
                    "dashed",
                    "tab:red",
                ),
                Series("log 2 (predict 0.5)", steps_axis[[0, -1]], [LOG2, LOG2], "dashed", "grey"),
            ),
        ),
        Panel(
            title="Final test log-loss by restart",
            xlabel="restart",
            ylabel="test log-loss",
            series=(
                Series("no dropout", np.arange(1, restarts + 1), plain_test, "bar", "tab:red"),
                Series(
                    "dropout, weight scaling",
                    np.arange(1, restarts + 1),
                    drop_test,
                    "bar",
                    "tab:blue",
                ),
                Series(
                    f"dropout, {MC_MASKS} sampled masks",
                    np.arange(1, restarts + 1),
                    mc_loss,
                    "bar",
                    "tab:green",
                ),
            ),
        ),
        Panel(
            title="P(y = 1) along the line x2 = 0 (restart 1)",
            xlabel="x1",
            ylabel="P(y = 1)",
            ylim=(0.0, 1.0),
            series=(
                Series("no dropout", grid, slice_probs[0], "line", "tab:red"),
                Series("dropout", grid, slice_probs[restarts], "line", "tab:blue"),
            ),
        ),
    )
    return Proof(
        name=NAME,
        title="Dropout: an ensemble that stops a wide net overfitting",
        claim=(
            f"A wide MLP trained on {n} noisy two-moons points overfits until its test log-loss "
            "is worse than predicting 0.5; the same nets trained with dropout stay below that "
            "baseline, and weight scaling at test time predicts the same classes as averaging "
            "sampled sub-networks, if more confidently."
        ),
        checks=checks,
        figures={
            "test log-loss, no dropout": plain_test.mean(),
            "test log-loss, dropout (weight scaling)": drop_test.mean(),
            f"test log-loss, dropout ({MC_MASKS} sampled masks)": mc_loss.mean(),
            "train log-loss, no dropout": plain_train.mean(),
            "log 2 baseline": LOG2,
            "same class, scaling vs sampling": same_class,
            "weights shared by every sub-network": sum(
                w[0].size + b[0].size for w, b in zip(drop.weights, drop.biases, strict=True)
            ),
        },
        panels=panels,
        explanation=(
            "Training: without dropout (red) the test loss dips, then climbs past the grey "
            "log 2 line while the training loss (dashed red) heads to zero: the net memorises "
            "the noise and becomes confidently wrong. With dropout (blue) it levels off below "
            "the line. Bars: every restart tells the same story; the weight-scaled net (blue) "
            "is a one-pass approximation of the average of sampled sub-networks (green): same "
            "classes, but more confident, so a somewhat higher log-loss. Slice: the plain "
            "net jumps between 0 and 1; the dropout net changes gradually. Dropout trains "
            "exponentially many weight-sharing sub-networks and weight scaling averages them "
            "in one pass."
        ),
        seed=seed,
        params={
            "n": n,
            "width": width,
            "keep": keep,
            "restarts": restarts,
            "steps": steps,
            "lr": lr,
            "test": test,
        },
    )

"""The learning rate against the curvature L: crawl, fastest, oscillate, diverge.

On f(w) = L w² / 2 a gradient step is w <- (1 - lr L) w, so everything follows from the factor
1 - lr L: lr << 1/L shrinks w by a little each step (crawl); lr = 1/L lands on the minimum in
one step; 1/L < lr < 2/L overshoots, so w flips sign each step, but |w| still shrinks; lr > 2/L
overshoots by more than it started with, and |w| grows without bound.

Logistic regression is not a quadratic, but near its minimum it behaves like one whose largest
curvature is L = the largest eigenvalue of the Hessian there; the same 2/L threshold separates
convergence from failure. Its curvature differs between directions (smallest mu), so its
fastest step is 2/(mu + L), between 1/L and 2/L, not 1/L: 1/L is optimal only when all
directions curve alike.
"""

from __future__ import annotations

import numpy as np

from quizapp.proofs.model import Check, Panel, Proof, Series

NAME = "learning-rate"
REGIMES = (  # (lr * L, label)
    (0.05, "lr = 0.05/L (crawls)"),
    (1.0, "lr = 1/L (fastest)"),
    (1.5, "lr = 1.5/L (oscillates, converges)"),
    (2.2, "lr = 2.2/L (diverges)"),
)


def _logistic(
    rng: np.random.Generator, n: int, reg: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A 2-feature logistic regression problem; returns X, y (+-1), w* and the Hessian at w*."""
    x = rng.standard_normal((n, 2)) * np.array([2.0, 0.7])
    p_true = 1.0 / (1.0 + np.exp(-x @ np.array([1.5, -1.0])))
    y = np.where(rng.uniform(size=n) < p_true, 1.0, -1.0)
    w = np.zeros(2)
    for _ in range(30):  # Newton's method: converges to machine precision in a few steps
        p = 1.0 / (1.0 + np.exp(-y * (x @ w)))
        grad = x.T @ (-(1.0 - p) * y) / n + reg * w
        hess = (x.T * (p * (1.0 - p))) @ x / n + reg * np.eye(2)
        w = w - np.linalg.solve(hess, grad)
    p = 1.0 / (1.0 + np.exp(-y * (x @ w)))
    hess = (x.T * (p * (1.0 - p))) @ x / n + reg * np.eye(2)
    return x, y, w, hess


def run(
    seed: int = 0, curvature: float = 4.0, steps: int = 30, n: int = 200, reg: float = 0.01
) -> Proof:
    """Gradient descent on a quadratic of curvature L and on logistic regression, lr against L."""
    L = curvature
    w0 = 1.0
    t = np.arange(steps + 1)
    # GD on L w² / 2 gives w_t = (1 - lr L)^t w0; iterate it as GD does rather than use that.
    paths = {}
    for rel, label in REGIMES:
        w = np.empty(steps + 1)
        w[0] = w0
        lr = rel / L
        for k in range(steps):
            w[k + 1] = w[k] - lr * (L * w[k])  # the gradient of L w² / 2 is L w
        paths[label] = w
    losses = {label: 0.5 * L * w**2 for label, w in paths.items()}
    loss0 = 0.5 * L * w0**2
    crawl, fastest, oscillating, diverging = (label for _, label in REGIMES)

    sweep = np.logspace(np.log10(0.02), np.log10(3.0), 45)  # lr * L, avoiding exactly 1 and 2
    w_final = w0 * np.ones_like(sweep)
    for _ in range(steps):
        w_final = w_final - (sweep / L) * (L * w_final)
    sweep_loss = 0.5 * L * w_final**2

    rng = np.random.default_rng(seed)
    x, y, w_star, hess = _logistic(rng, n, reg)
    mu, L_log = np.linalg.eigvalsh(hess)
    weights = np.zeros((2, sweep.size))
    for _ in range(steps):  # every learning rate at once, one column each
        margins = y[:, None] * (x @ weights)
        grad = x.T @ (-y[:, None] / (1.0 + np.exp(margins))) / n + reg * weights
        weights = weights - (sweep / L_log) * grad
    distance = np.linalg.norm(weights - w_star[:, None], axis=0) / np.linalg.norm(w_star)
    below, above = sweep <= 1.9, sweep >= 2.1
    fast_rel = 2.0 * L_log / (mu + L_log)

    def falls(values: np.ndarray) -> bool:
        return bool(np.all(np.diff(values) < 0))

    def rises(values: np.ndarray) -> bool:
        return bool(np.all(np.diff(values) > 0))

    finals = {label: loss[-1] for label, loss in losses.items()}
    best_sweep = float(sweep[np.argmin(sweep_loss)])
    signs = np.sign(paths[oscillating])
    checks = (
        Check(
            "lr much below 1/L crawls: the loss falls every step yet stays above 1% of its start",
            falls(losses[crawl]) and finals[crawl] > 0.01 * loss0,
            f"after {steps} steps the loss is {finals[crawl] / loss0:.3g} of its start",
        ),
        Check(
            "lr = 1/L converges fastest (lowest final loss of the sweep at lr·L ≈ 1)",
            finals[fastest] == min(finals.values())
            and finals[fastest] <= 1e-20 * loss0
            and 0.9 <= best_sweep <= 1.1,
            f"final loss {finals[fastest]:.3g}; sweep minimum at lr·L = {best_sweep:.3g}",
        ),
        Check(
            "1/L < lr < 2/L oscillates yet converges: w flips sign every step, loss falls",
            bool(np.all(signs[1:] == -signs[:-1]))
            and falls(losses[oscillating])
            and finals[oscillating] < 1e-6 * loss0,
            f"{steps} sign flips; loss down to {finals[oscillating] / loss0:.3g} of its start",
        ),
        Check(
            "lr > 2/L diverges: the loss grows every step",
            rises(losses[diverging]) and finals[diverging] > 100.0 * loss0,
            f"loss up to {finals[diverging] / loss0:.3g} times its start",
        ),
        Check(
            "sweep: after the run the loss is below its start exactly when lr < 2/L",
            bool(np.all((sweep_loss < loss0) == (sweep < 2.0))),
            f"{int(np.sum(sweep < 2.0))} rates below 2/L converge, "
            f"{int(np.sum(sweep > 2.0))} above diverge",
        ),
        Check(
            "logistic regression: converges for lr < 2/L, not above (L = top Hessian eigenvalue)",
            float(distance[below & (sweep >= 0.5)].max()) < 1e-3
            and float(distance[above].min()) > 1e-2,
            f"distance to w* at most {distance[below & (sweep >= 0.5)].max():.2g} for "
            f"0.5 <= lr·L <= 1.9, at least {distance[above].min():.2g} for lr·L >= 2.1",
        ),
    )
    colours = ("tab:blue", "tab:green", "tab:orange", "tab:red")
    vertical = [1e-100, 1e100]  # a vertical marker line; the panel's ylim crops it
    shown = min(steps, 15)  # the weight panel: enough steps to see each regime
    panels = (
        Panel(
            title=f"Gradient descent on L·w²/2 (L = {L:g}): the weight",
            xlabel="step",
            ylabel="w",
            ylim=(-3.0, 3.0),
            series=tuple(
                Series(label, t[: shown + 1], paths[label][: shown + 1], "linepoints", colour)
                for (_, label), colour in zip(REGIMES, colours, strict=True)
            ),
        ),
        Panel(
            title="The loss (exact 0.0 drawn at the bottom)",
            xlabel="step",
            ylabel="loss L·w²/2",
            yscale="symlog",
            linthresh=1e-20,
            series=tuple(
                Series(label, t, losses[label], "line", colour)
                for (_, label), colour in zip(REGIMES, colours, strict=True)
            ),
        ),
        Panel(
            title=f"Quadratic: loss after {steps} steps against lr",
            xlabel="lr · L",
            ylabel=f"loss after {steps} steps",
            xscale="log",
            yscale="log",
            ylim=(1e-40, 1e12),
            series=(
                Series("final loss", sweep, sweep_loss, "linepoints", "black"),
                Series("starting loss", sweep[[0, -1]], [loss0] * 2, "dashed", "grey"),
                Series("lr = 1/L", [1.0, 1.0], vertical, "dashed", "tab:green"),
                Series("lr = 2/L", [2.0, 2.0], vertical, "dashed", "tab:red"),
            ),
        ),
        Panel(
            title=f"Logistic regression: distance to the optimum after {steps} steps",
            xlabel="lr · L  (L = largest Hessian eigenvalue at the optimum)",
            ylabel="‖w − w*‖ / ‖w*‖",
            xscale="log",
            yscale="log",
            ylim=(1e-17, 10.0),
            series=(
                Series("gradient descent", sweep, distance, "linepoints", "black"),
                Series("lr = 1/L", [1.0, 1.0], vertical, "dashed", "tab:green"),
                Series(
                    f"lr = 2/(μ+L) = {fast_rel:.2f}/L",
                    [fast_rel] * 2,
                    vertical,
                    "dashed",
                    "tab:purple",
                ),
                Series("lr = 2/L", [2.0, 2.0], vertical, "dashed", "tab:red"),
            ),
        ),
    )
    return Proof(
        name=NAME,
        title="Learning rate against curvature",
        claim=(
            "On a quadratic of curvature L, gradient descent crawls for lr much below 1/L, "
            "converges fastest at lr = 1/L, oscillates yet converges between 1/L and 2/L, and "
            "diverges above 2/L; logistic regression shows the same 2/L threshold."
        ),
        checks=checks,
        figures={
            "curvature L": L,
            "final loss / start, lr = 0.05/L": finals[crawl] / loss0,
            "final loss / start, lr = 1/L": finals[fastest] / loss0,
            "final loss / start, lr = 1.5/L": finals[oscillating] / loss0,
            "final loss / start, lr = 2.2/L": finals[diverging] / loss0,
            "sweep: best lr·L": best_sweep,
            "logistic: L (top Hessian eigenvalue)": L_log,
            "logistic: μ (smallest eigenvalue)": mu,
            "logistic: fastest lr·L = 2L/(μ+L)": fast_rel,
        },
        panels=panels,
        explanation=(
            "Each step multiplies w by 1 − lr·L. At 0.05/L that is 0.95: a slow glide. At 1/L "
            "it is 0: the minimum in one step (the loss drops to exactly 0.0). At 1.5/L it is "
            "−0.5: w overshoots and flips sign every step, yet shrinks. At 2.2/L it is −1.2: "
            "each overshoot is bigger than the last and the loss explodes. In the sweep the "
            "loss dips to a sharp minimum at lr = 1/L and crosses its starting value at 2/L. "
            "Logistic regression has the same cliff at 2/L, measured with L at the optimum; its "
            "fastest rate is at 2/(μ+L) because its curvature is not the same in every "
            "direction. In real networks L is unknown and changes, so lr is found by a sweep."
        ),
        seed=seed,
        params={"curvature": curvature, "steps": steps, "n": n, "reg": reg},
    )

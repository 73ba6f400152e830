"""The learning rate against the curvature: the measured contraction is max(|1 − lr μ|, |1 − lr L|).

On a quadratic with Hessian eigenvalues mu <= ... <= L, one gradient step multiplies the error
along eigenvector i by 1 - lr s_i, so once the other directions have died out the distance to
the minimum shrinks by rho(lr) = max(|1 - lr mu|, |1 - lr L|) per step: below 1 exactly when
lr < 2/L, smallest at lr = 2/(mu + L) (rho = (L - mu)/(L + mu)), and 1 - lr mu (a crawl) for
small lr. Every rate here is run until it has converged to 1e-12 or clearly not, and the
contraction is measured over the last steps, not guessed from a fixed number of steps (30
steps cannot tell slow convergence from instability once L/mu is large).

Logistic regression is not a quadratic, but near its optimum its error obeys the same rule with
mu and L the extreme eigenvalues of the Hessian at the optimum, so the same formula predicts its
measured local contraction, and the same 2/L separates convergence from failure.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from quizapp.proofs.model import Check, Panel, Proof, Series

NAME = "learning-rate"
CONVERGED = 1e-12  # relative distance to the optimum that counts as converged
QUADRATIC_MATCH = 1e-9  # measured vs predicted contraction on the quadratic (rounding)
LOGISTIC_MATCH = 0.01  # the same on logistic regression, measured near the optimum
TAIL = 5  # steps the contraction is measured over


def rho(lrs: np.ndarray, mu: float, L: float) -> np.ndarray:
    """The predicted contraction per step, max(|1 − lr μ|, |1 − lr L|)."""
    return np.maximum(np.abs(1.0 - lrs * mu), np.abs(1.0 - lrs * L))


def _logistic_problem(
    rng: np.random.Generator, n: int, reg: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A 2-feature logistic regression; returns X, y (±1), w* (by Newton) and the Hessian at w*."""
    x = rng.standard_normal((n, 2)) * np.array([2.0, 0.7])
    p_true = 1.0 / (1.0 + np.exp(-x @ np.array([1.5, -1.0])))
    y = np.where(rng.uniform(size=n) < p_true, 1.0, -1.0)
    w = np.zeros(2)
    for _ in range(40):  # Newton: quadratic convergence to machine precision
        grad = logistic_gradient(x, y, w[:, None], reg)[:, 0]
        p = 1.0 / (1.0 + np.exp(-y * (x @ w)))
        hess = (x.T * (p * (1.0 - p))) @ x / n + reg * np.eye(2)
        w = w - np.linalg.solve(hess, grad)
    p = 1.0 / (1.0 + np.exp(-y * (x @ w)))
    hess = (x.T * (p * (1.0 - p))) @ x / n + reg * np.eye(2)
    return x, y, w, hess


def gradient_step(w: np.ndarray, grad: np.ndarray, lrs: np.ndarray) -> np.ndarray:
    """One plain gradient-descent step for every column (learning rate) at once."""
    return w - lrs * grad


def logistic_gradient(x: np.ndarray, y: np.ndarray, w: np.ndarray, reg: float) -> np.ndarray:
    """Gradient of the mean logistic loss + reg/2 ‖w‖² for each column of w."""
    margins = y[:, None] * (x @ w)
    return x.T @ (-y[:, None] / (1.0 + np.exp(margins))) / y.size + reg * w


def stall_window(max_steps: int) -> int:
    """Steps over which a run that has not even halved its distance has clearly failed.

    Not halving in ``window`` steps means a contraction above 0.5^(1/window) per step, so
    reaching CONVERGED (1e-12, 27.6 e-foldings) would take more than 27.6/ln 2 ≈ 39.9 windows:
    with ``window >= max_steps / 39`` such a run could not converge within ``max_steps``
    anyway, and stopping it early changes no verdict. It matters for logistic regression above
    2/L: its bounded gradient keeps the iterate circling instead of blowing up, and those rates
    used to run all ``max_steps``.
    """
    return max(200, -(-max_steps // 39))


def run_to_convergence(
    step: Callable[[np.ndarray], np.ndarray],
    w0: np.ndarray,
    w_star: np.ndarray,
    directions: np.ndarray,
    max_steps: int,
    linear_radius: float = np.inf,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Iterate `step` (all learning rates at once, one column each) until every column has
    converged, blown up or stalled (see :func:`stall_window`).

    Returns the relative distance history, the steps each column took, and the measured
    contraction: the error is split along `directions` (the Hessian's eigenvectors, as columns)
    and each part's factor per step is measured (the median over the steps in which it is
    well above rounding and the relative error is below `linear_radius`); the contraction is
    the largest, the worst direction's, which is what max(|1 − lr μ|, |1 − lr L|) predicts.
    (The norm alone mixes the directions: near the lr where both factors are equal the faster
    one has not died out when the run stops.)
    """
    w = w0.copy()
    scale = np.linalg.norm(w_star) or float(np.linalg.norm(w0[:, 0]))
    errors = [directions.T @ (w - w_star[:, None])]
    dists = [np.linalg.norm(errors[0], axis=0) / scale]
    done = np.zeros(w.shape[1], dtype=bool)
    taken = np.full(w.shape[1], max_steps)
    window = stall_window(max_steps)
    with np.errstate(all="ignore"):
        for t in range(1, max_steps + 1):
            w = np.where(done, w, step(w))  # a finished column stays put
            errors.append(directions.T @ (w - w_star[:, None]))
            dist = np.linalg.norm(errors[-1], axis=0) / scale
            dists.append(dist)
            finished = (dist <= CONVERGED) | (dist >= 1e4) | ~np.isfinite(dist)
            if t >= window:  # clearly not converging within max_steps: see stall_window
                finished |= dist > 0.5 * dists[t - window]
            finished &= ~done
            taken[finished] = t
            done |= finished
            if done.all():
                break
    parts = np.abs(np.array(errors))  # (steps + 1, directions, rates)
    history = np.array(dists)  # the relative distances the loop measured, step by step
    # Only a column's own run counts, and rounding from a blowing-up direction leaks into the
    # others at 1e-16 of its size: keep parts while every direction is below 1e3.
    steps = np.arange(parts.shape[0])[:, None, None]
    parts = np.where(steps <= taken[None, None, :], parts, np.nan)
    # Per-step factors of each part, while it is well above rounding and (for a non-quadratic
    # loss) the error is small enough for the linearisation to hold. The median ignores the odd
    # step where a part that is only driven by another crosses zero.
    alive = np.isfinite(parts) & (parts > 1e-9 * scale) & (parts < 1e3 * scale)
    alive &= (history <= linear_radius)[:, None, :]
    with np.errstate(all="ignore"):
        ratios = parts[1:] / parts[:-1]
    ratios = np.where(alive[1:] & alive[:-1], ratios, np.nan)
    enough = np.sum(np.isfinite(ratios), axis=0) >= TAIL
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-nan slices: parts that never live
        factor = np.where(enough, np.nanmedian(ratios, axis=0), 0.0)
    return history, taken, factor.max(axis=0)


def run(
    seed: int = 0, kappa: float = 10.0, n: int = 200, reg: float = 0.01, max_steps: int = 3000
) -> Proof:
    """Sweep lr·L on a quadratic of condition number kappa and on logistic regression."""
    if kappa < 2:
        raise ValueError("kappa must be at least 2 so that mu and L differ")
    rng = np.random.default_rng(seed)
    rel = np.concatenate([np.linspace(0.2, 1.9, 18), [1.95, 2.05, 2.1, 2.3, 2.6]])  # lr·L
    # Quadratic: random rotation of diag(mu, L), random start.
    mu, L = 1.0, float(kappa)
    q, _ = np.linalg.qr(rng.standard_normal((2, 2)))
    hess_q = q @ np.diag([mu, L]) @ q.T
    start = rng.standard_normal(2)
    lrs = rel / L
    hist_q, steps_q, measured_q = run_to_convergence(
        lambda w: gradient_step(w, hess_q @ w, lrs),
        np.repeat(start[:, None], rel.size, axis=1),
        np.zeros(2),
        q,
        max_steps,
    )
    predicted_q = rho(lrs, mu, L)
    converged_q = hist_q[np.minimum(steps_q, hist_q.shape[0] - 1), np.arange(rel.size)] <= CONVERGED

    x, y, w_star, hess = _logistic_problem(rng, n, reg)
    (mu_log, L_log), eigvecs = np.linalg.eigh(hess)
    lrs_log = rel / L_log
    hist_l, steps_l, measured_l = run_to_convergence(
        lambda w: gradient_step(w, logistic_gradient(x, y, w, reg), lrs_log),
        np.zeros((2, rel.size)),
        w_star,
        eigvecs,
        max_steps,
        linear_radius=1e-3,
    )
    final_l = hist_l[np.minimum(steps_l, hist_l.shape[0] - 1), np.arange(rel.size)]
    converged_l = final_l <= CONVERGED
    predicted_l = rho(lrs_log, mu_log, L_log)
    below = rel < 2.0
    quad_err = float(np.max(np.abs(measured_q - predicted_q) / predicted_q))
    # Near the lr where both directions contract alike, the faster one is still only driven by
    # the slower through the changing curvature and the split is ill-defined: compare where one
    # direction clearly dominates (factors at least 10% apart).
    f_mu, f_L = np.abs(1.0 - lrs_log * mu_log), np.abs(1.0 - lrs_log * L_log)
    clear = below & (np.maximum(f_mu, f_L) >= 1.1 * np.minimum(f_mu, f_L))
    log_err = float(np.max(np.abs(measured_l[clear] - predicted_l[clear]) / predicted_l[clear]))
    best_rel = float(rel[below][np.argmin(measured_q[below])])
    optimum_rel = 2.0 * L / (mu + L)
    grid_step = float(np.max(np.diff(rel[below])))

    checks = (
        Check(
            "quadratic: the measured contraction per step is max(|1 − lr·μ|, |1 − lr·L|) at "
            "every lr",
            quad_err <= QUADRATIC_MATCH,
            f"largest relative gap {quad_err:.2g} over {rel.size} rates",
        ),
        Check(
            "quadratic: run to convergence, it converges exactly when lr < 2/L",
            bool(np.all(converged_q == below)),
            f"{int(converged_q.sum())} of {int(below.sum())} rates below 2/L converge; "
            f"slowest needs {int(steps_q[below].max())} steps",
        ),
        Check(
            "quadratic: the fastest rate of the sweep is the grid point nearest 2/(μ+L)",
            abs(best_rel - optimum_rel) <= grid_step / 2 + 1e-12,
            f"best lr·L {best_rel:.3g}; 2L/(μ+L) = {optimum_rel:.3g}; contraction there "
            f"{measured_q[below].min():.4f} vs (L−μ)/(L+μ) = {(L - mu) / (L + mu):.4f}",
        ),
        Check(
            "logistic regression: near the optimum the measured contraction matches the same "
            "formula with μ, L the Hessian's eigenvalues (within 1%, where one direction "
            "dominates)",
            log_err <= LOGISTIC_MATCH,
            f"largest relative gap {log_err:.2g} at {int(clear.sum())} of {int(below.sum())} "
            f"rates; μ = {mu_log:.3g}, L = {L_log:.3g}",
            # The per-direction measurement is sometimes spoilt by a part that the changing
            # curvature drives (it crosses zero); measured over seeds 0-299: 96%.
            rate=0.95,
        ),
        Check(
            "logistic regression: converges for every lr < 2/L, and for none above",
            bool(np.all(converged_l == below)),
            f"distance after the run: at most {final_l[below].max():.2g} below 2/L, at least "
            f"{final_l[~below].min():.2g} above",
        ),
    )
    vertical = [1e-3, 1e3]
    measured = measured_l > 0  # rates whose contraction near w* could be measured
    shown = (0, 8, 13, 18)  # lr·L = 0.2, 1.0, 1.5, 1.95
    colours = ("tab:blue", "tab:green", "tab:orange", "tab:purple")
    panels = (
        Panel(
            title=f"Quadratic (κ = {kappa:g}): contraction per step against lr",
            xlabel="lr · L",
            ylabel="‖w_t+1 − w*‖ / ‖w_t − w*‖",
            ylim=(0.0, 1.6),
            series=(
                Series("measured", rel, measured_q, "points", "black"),
                Series("max(|1−lr·μ|, |1−lr·L|)", rel, predicted_q, "line", "tab:blue"),
                Series("1 (no progress)", rel[[0, -1]], [1.0, 1.0], "dashed", "grey"),
                Series("lr = 2/L", [2.0, 2.0], vertical, "dashed", "tab:red"),
            ),
        ),
        Panel(
            title="Logistic regression: the same formula, μ and L from the Hessian",
            xlabel="lr · L",
            ylabel="contraction per step near w*",
            ylim=(0.0, 1.6),
            series=(
                # A rate that never comes near w* (above 2/L) has no contraction measured
                # there: no point, rather than a point at 0 that reads as instant convergence.
                Series("measured", rel[measured], measured_l[measured], "points", "black"),
                Series("max(|1−lr·μ|, |1−lr·L|)", rel, predicted_l, "line", "tab:blue"),
                Series("lr = 2/L", [2.0, 2.0], vertical, "dashed", "tab:red"),
            ),
        ),
        Panel(
            title="Quadratic: distance to the minimum, run to convergence",
            xlabel="step",
            ylabel="‖w − w*‖ / ‖w*‖ (‖w0‖ here)",
            yscale="log",
            xscale="linear",
            series=tuple(
                Series(
                    f"lr = {rel[i]:g}/L",
                    np.arange(int(steps_q[i]) + 1),
                    hist_q[: int(steps_q[i]) + 1, i] / hist_q[0, i],
                    "line",
                    colour,
                )
                for i, colour in zip(shown, colours, strict=True)
            ),
        ),
    )
    return Proof(
        name=NAME,
        title="Learning rate against curvature",
        claim=(
            "Gradient descent contracts the distance to the minimum by max(|1 − lr·μ|, "
            "|1 − lr·L|) per step: it converges exactly when lr < 2/L, fastest at "
            "lr = 2/(μ+L), and crawls at small lr; near its optimum logistic regression "
            "follows the same formula, with μ and L from its Hessian."
        ),
        checks=checks,
        figures={
            "condition number κ = L/μ": kappa,
            "quadratic: fastest lr·L in the sweep": best_rel,
            "quadratic: 2L/(μ+L)": optimum_rel,
            "quadratic: steps to 1e-12 at lr = 0.2/L": steps_q[0],
            "logistic: μ": mu_log,
            "logistic: L": L_log,
            "logistic: worst contraction mismatch": log_err,
        },
        panels=panels,
        explanation=(
            "Contraction panels: the measured points sit on the V-shaped curve "
            "max(|1−lr·μ|, |1−lr·L|). On the left it is 1 − lr·μ: the flat direction "
            "crawls. Its bottom is at lr = 2/(μ+L), not 1/L, because the two directions "
            "curve differently. Past lr = 2/L (red) the steep direction overshoots by more "
            "than it started with and the contraction exceeds 1: divergence. Logistic "
            "regression (second panel) lands on the same curve once near its optimum; "
            "above 2/L it never comes near it, so it has no measured point there. "
            "Distance panel: every converging rate is run until it reaches 1e-12, so a slow "
            "crawl is never mistaken for failure."
        ),
        seed=seed,
        params={"kappa": kappa, "n": n, "reg": reg, "max_steps": max_steps},
    )

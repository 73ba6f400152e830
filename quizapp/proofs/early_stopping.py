"""Early stopping is approximately L2 regularisation: the gradient-descent path vs the ridge path.

Least squares f(w) = ||y - X w||^2 / 2n has Hessian H = X^T X / n with eigenvalues s_i. From
w = 0, gradient descent with step lr reaches, along eigenvector i, the share
1 - (1 - lr s_i)^t of the least-squares coefficient after t steps; ridge with penalty lam / 2
||w||^2 reaches s_i / (s_i + lam). Both are filters that let the high-curvature directions
through first, and with lam = 1 / (lr t) they agree to within 0.28 of the coefficient in every
direction: for lr s <= 1/2 the gap between 1 - (1 - a)^t and a t / (1 + a t) never exceeds
0.275 (0.204 in the continuous-time limit 1 - e^-u against u / (1 + u)). So the number of
steps plays the role of 1 / lam, and stopping early shrinks the weakly determined directions
just as ridge does.
"""

from __future__ import annotations

import numpy as np

from quizapp.proofs.model import Check, Panel, Proof, Series

NAME = "early-stopping"
FILTER_GAP = 0.28  # the largest possible gap between the two filters for lr·s <= 1/2
EXACT = 1e-9


def run(
    seed: int = 0, n: int = 60, features: int = 30, noise: float = 1.0, steps: int = 3000
) -> Proof:
    """Gradient descent from zero vs ridge on one least-squares problem with a spread spectrum."""
    if n <= features:
        raise ValueError("need n > features so that least squares is defined")
    rng = np.random.default_rng(seed)
    scales = np.logspace(0, -1.5, features)  # feature scales spread the curvature over 1e3
    x = rng.standard_normal((n, features)) * scales
    beta = rng.standard_normal(features)
    y = x @ beta + rng.normal(0.0, noise, n)
    x_val = rng.standard_normal((n, features)) * scales
    y_val = x_val @ beta + rng.normal(0.0, noise, n)
    x_test = rng.standard_normal((2000, features)) * scales
    y_test = x_test @ beta + rng.normal(0.0, noise, 2000)

    gram, corr = x.T @ x / n, x.T @ y / n
    evals, evecs = np.linalg.eigh(gram)
    lr = 0.5 / evals[-1]  # lr·s <= 1/2 in every direction: the filter-gap bound needs it
    w_ls = np.linalg.solve(gram, corr)
    times = np.unique(np.round(np.logspace(0, np.log10(steps), 40)).astype(int))

    w = np.zeros(features)
    gd_path = np.empty((times.size, features))
    k = 0
    for t in range(1, steps + 1):
        w = w - lr * (gram @ w - corr)
        if t == times[k]:
            gd_path[k] = w
            k += 1
    lams = 1.0 / (lr * times)
    ridge_path = np.stack([np.linalg.solve(gram + lam * np.eye(features), corr) for lam in lams])

    # In the eigenbasis: the measured shares against the two filter formulas.
    coef_ls = evecs.T @ w_ls
    shares_gd = (gd_path @ evecs) / coef_ls
    shares_ridge = (ridge_path @ evecs) / coef_ls
    formula_gd = 1.0 - (1.0 - lr * evals[None, :]) ** times[:, None]
    gap = float(np.max(np.abs(shares_gd - shares_ridge)))
    formula_err = float(np.max(np.abs(shares_gd - formula_gd)))
    rel_dist = np.linalg.norm(gd_path - ridge_path, axis=1) / np.linalg.norm(w_ls)

    def mse(coefs: np.ndarray, xx: np.ndarray, yy: np.ndarray) -> np.ndarray:
        return np.mean((xx @ coefs.T - yy[:, None]) ** 2, axis=0)

    val_gd, val_ridge = mse(gd_path, x_val, y_val), mse(ridge_path, x_val, y_val)
    best_t, best_l = int(np.argmin(val_gd)), int(np.argmin(val_ridge))
    test_gd = float(mse(gd_path[best_t : best_t + 1], x_test, y_test)[0])
    test_ridge = float(mse(ridge_path[best_l : best_l + 1], x_test, y_test)[0])
    test_ls = float(mse(w_ls[None, :], x_test, y_test)[0])
    norms_gd = np.linalg.norm(gd_path, axis=1)
    checks = (
        Check(
            "after t steps, each eigen-direction holds the share 1 − (1 − lr·s)^t of the "
            "least-squares coefficient",
            formula_err <= 1e-6,
            f"largest deviation {formula_err:.2g}",
            kind="identity",
        ),
        Check(
            "with λ = 1/(lr·t) the ridge and early-stopping shares agree within 0.28 in every "
            "direction at every t",
            gap <= FILTER_GAP,
            f"largest gap {gap:.3f} (bound 0.28)",
        ),
        Check(
            "the weight norm grows with t along the GD path, as it does with 1/λ along ridge's",
            bool(np.all(np.diff(norms_gd) > 0))
            and bool(np.all(np.diff(np.linalg.norm(ridge_path, axis=1)) > 0)),
            f"‖w‖ {norms_gd[0]:.3g} at t = 1 to {norms_gd[-1]:.3g} at t = {times[-1]}",
        ),
        Check(
            "chosen on validation data, the stopping step and λ give test errors within 10% of "
            "each other",
            abs(test_gd - test_ridge) <= 0.1 * min(test_gd, test_ridge),
            f"test MSE: early stopping {test_gd:.3g} (t = {times[best_t]}), ridge "
            f"{test_ridge:.3g} (λ = {lams[best_l]:.3g}), least squares {test_ls:.3g}",
            rate=0.95,
        ),
    )
    shown = (0, features // 2, features - 1)
    panels = (
        Panel(
            title="Share of each least-squares coefficient reached",
            xlabel="t  (ridge at λ = 1/(lr·t))",
            ylabel="share of the LS coefficient",
            xscale="log",
            ylim=(-0.05, 1.2),
            series=tuple(
                s
                for i, colour in zip(shown, ("tab:blue", "tab:orange", "tab:green"), strict=True)
                for s in (
                    Series(f"GD, s = {evals[i]:.2g}", times, shares_gd[:, i], "line", colour),
                    Series(
                        f"ridge, s = {evals[i]:.2g}", times, shares_ridge[:, i], "dashed", colour
                    ),
                )
            ),
        ),
        Panel(
            title="Validation error: stopping step vs λ",
            xlabel="t  (ridge at λ = 1/(lr·t))",
            ylabel="validation MSE",
            xscale="log",
            yscale="log",
            series=(
                Series("early stopping at t", times, val_gd, "linepoints", "tab:red"),
                Series("ridge at λ = 1/(lr·t)", times, val_ridge, "linepoints", "tab:blue"),
                Series("noise σ²", times[[0, -1]], [noise**2] * 2, "dashed", "grey"),
            ),
        ),
        Panel(
            title="‖GD(t) − ridge(1/(lr·t))‖ / ‖least squares‖",
            xlabel="t",
            ylabel="relative distance",
            xscale="log",
            series=(Series("distance between the paths", times, rel_dist, "linepoints", "black"),),
        ),
    )
    return Proof(
        name=NAME,
        title="Early stopping behaves like L2 regularisation",
        claim=(
            "Gradient descent from zero, stopped after t steps, lets each eigen-direction of the "
            "data through by 1 − (1 − lr·s)^t, while ridge lets it through by s/(s + λ); with "
            "λ = 1/(lr·t) the two agree within 0.28 of every coefficient, so the stopping "
            "step acts like 1/λ, and tuned on validation they reach about the same test error."
        ),
        checks=checks,
        figures={
            "largest filter gap": gap,
            "early stopping: best t": times[best_t],
            "ridge: best λ": lams[best_l],
            "1/(lr·best t)": lams[best_t],
            "test MSE, early stopping": test_gd,
            "test MSE, ridge": test_ridge,
            "test MSE, least squares": test_ls,
        },
        panels=panels,
        explanation=(
            "Shares: for a steep direction (large s, blue) both curves reach 1 early; for a "
            "flat one (green) both stay near 0 until t is about 1/(lr·s). Solid (GD) and "
            "dashed (ridge) lines of the same colour track each other: stopping early is "
            "shrinking the flat directions. Validation: the two error curves have their minimum"
            " at about the same place, below the least-squares error they both end at."
        ),
        seed=seed,
        params={"n": n, "features": features, "noise": noise, "steps": steps},
    )

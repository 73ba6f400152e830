"""Regularisation against overfitting: ridge and lasso on a degree-15 polynomial with 20 points.

Sixteen parameters (15 polynomial features and an intercept) for 20 noisy points: least squares
(lam = 0) threads the curve through the noise and swings wildly between the points. Sweeping lam
trades training fit for smoothness. Ridge is solved in closed form, the lasso exactly by its
homotopy path (coordinate descent needs tens of thousands of sweeps on features this correlated
at small lam). Both penalise standardised features, never the intercept.
"""

from __future__ import annotations

import numpy as np

from quizapp.proofs.model import Check, Panel, Proof, Series
from quizapp.proofs.solvers import lasso_lambda_max, lasso_path, ridge_path

NAME = "regularization-overfitting"
ROUNDING = 1e-10  # relative slack for "never decreases" (flat stretches at tiny lam)


def true_function(x: np.ndarray) -> np.ndarray:
    return np.sin(np.pi * x)


def _features(x: np.ndarray, degree: int) -> np.ndarray:
    """Legendre polynomials P1..P_degree: the same span as x..x^degree, better conditioned."""
    return np.polynomial.legendre.legvander(x, degree)[:, 1:]


def _never_decreases(values: np.ndarray) -> bool:
    return bool(np.all(np.diff(values) >= -ROUNDING * np.abs(values[1:])))


def run(
    seed: int = 0,
    n: int = 20,
    degree: int = 15,
    noise: float = 0.3,
    held_out: int = 1000,
    validation: int = 20,
) -> Proof:
    """Sweep lam for ridge and lasso on an over-parameterised polynomial model."""
    if n <= degree:
        raise ValueError("need more points than the degree, so that lam = 0 is defined")
    rng = np.random.default_rng(seed)
    # Training x spread over [-1, 1] (one uniform draw per bin); held-out x from the same range.
    x = -1.0 + 2.0 * (np.arange(n) + rng.uniform(0.0, 1.0, n)) / n
    y = true_function(x) + rng.normal(0.0, noise, n)
    x_out = rng.uniform(-1.0, 1.0, held_out)
    y_out = true_function(x_out) + rng.normal(0.0, noise, held_out)
    # λ is chosen on a separate validation set; the test set (x_out) only reports the result.
    x_val = -1.0 + 2.0 * (np.arange(validation) + rng.uniform(0.0, 1.0, validation)) / validation
    y_val = true_function(x_val) + rng.normal(0.0, noise, validation)

    feats = _features(x, degree)
    mean, scale = feats.mean(axis=0), feats.std(axis=0)
    z = (feats - mean) / scale
    z_out = (_features(x_out, degree) - mean) / scale
    z_val = (_features(x_val, degree) - mean) / scale
    y_mean = float(y.mean())

    def mse(coef: np.ndarray, zz: np.ndarray, yy: np.ndarray) -> np.ndarray:
        return np.mean((zz @ coef + y_mean - yy[:, None]) ** 2, axis=0)

    ridge_lams = np.logspace(-6, 1, 36)
    lam_max = lasso_lambda_max(z, y - y_mean)
    lasso_lams = np.logspace(-4, np.log10(lam_max) + 0.2, 36)
    ols = ridge_path(z, y - y_mean, np.array([0.0]))  # lam = 0: plain least squares
    ridge = ridge_path(z, y - y_mean, ridge_lams)
    lasso = lasso_path(z, y - y_mean, lasso_lams)

    ols_train, ols_out = float(mse(ols, z, y)[0]), float(mse(ols, z_out, y_out)[0])
    ridge_train, ridge_out = mse(ridge, z, y), mse(ridge, z_out, y_out)
    lasso_train, lasso_out = mse(lasso, z, y), mse(lasso, z_out, y_out)
    ridge_val, lasso_val = mse(ridge, z_val, y_val), mse(lasso, z_val, y_val)
    best_r, best_l = int(np.argmin(ridge_val)), int(np.argmin(lasso_val))

    def first_falls(out: np.ndarray) -> bool:
        best = int(np.argmin(out))
        return 0 < best < out.size - 1 and out[best] < out[0] and out[best] < out[-1]

    checks = (
        Check(
            "ridge: training error never decreases as λ grows",
            _never_decreases(np.concatenate([[ols_train], ridge_train])),
            f"{ols_train:.3g} at λ = 0 up to {ridge_train[-1]:.3g} at λ = {ridge_lams[-1]:g}",
        ),
        Check(
            "lasso: training error never decreases as λ grows",
            _never_decreases(lasso_train),
            f"{lasso_train[0]:.3g} up to {lasso_train[-1]:.3g} (every weight 0)",
        ),
        Check(
            "test error first falls, then rises again (ridge and lasso)",
            first_falls(ridge_out) and first_falls(lasso_out),
            f"ridge minimum at λ = {ridge_lams[int(np.argmin(ridge_out))]:.3g}, lasso at "
            f"{lasso_lams[int(np.argmin(lasso_out))]:.3g}",
        ),
        Check(
            f"λ chosen on {validation} validation points beats λ = 0 on the test set (ridge "
            "and lasso)",
            ridge_out[best_r] < ols_out and lasso_out[best_l] < ols_out,
            f"test MSE {ols_out:.3g} at λ = 0, {ridge_out[best_r]:.3g} ridge at λ = "
            f"{ridge_lams[best_r]:.2g}, {lasso_out[best_l]:.3g} lasso at λ = "
            f"{lasso_lams[best_l]:.2g}",
        ),
    )

    def sweep_panel(
        title: str, lams: np.ndarray, train: np.ndarray, out: np.ndarray, val: np.ndarray
    ) -> Panel:
        ends = lams[[0, -1]]
        return Panel(
            title=title,
            xlabel="λ (penalty strength)",
            ylabel="mean squared error",
            xscale="log",
            yscale="log",
            series=(
                Series("training error", lams, train, "linepoints", "tab:blue"),
                Series("test error", lams, out, "linepoints", "tab:red"),
                Series("validation error", lams, val, "points", "tab:orange"),
                Series("test at λ = 0", ends, [ols_out] * 2, "dashed", "tab:red"),
                Series("noise σ²", ends, [noise**2] * 2, "dashed", "grey"),
            ),
        )

    grid = np.linspace(-1.0, 1.0, 300)
    z_grid = (_features(grid, degree) - mean) / scale

    def curve(coef: np.ndarray) -> np.ndarray:
        return z_grid @ coef + y_mean

    panels = (
        sweep_panel(
            f"Ridge, degree {degree}, {n} points", ridge_lams, ridge_train, ridge_out, ridge_val
        ),
        sweep_panel(
            f"Lasso, degree {degree}, {n} points", lasso_lams, lasso_train, lasso_out, lasso_val
        ),
        Panel(
            title="Fitted curves",
            xlabel="x",
            ylabel="y",
            ylim=(-2.5, 2.5),
            series=(
                Series("training data", x, y, "points", "black"),
                Series("true f(x)", grid, true_function(grid), "dashed", "grey"),
                Series("λ = 0 (least squares)", grid, curve(ols[:, 0]), color="tab:red"),
                Series(
                    f"ridge, λ = {ridge_lams[best_r]:.2g} (validation)",
                    grid,
                    curve(ridge[:, best_r]),
                    color="tab:blue",
                ),
                Series(
                    f"lasso, λ = {lasso_lams[best_l]:.2g} (validation)",
                    grid,
                    curve(lasso[:, best_l]),
                    color="tab:green",
                ),
            ),
        ),
    )
    return Proof(
        name=NAME,
        title="Regularisation tames an over-parameterised model",
        claim=(
            f"Fitting a degree-{degree} polynomial to {n} points, training error rises with λ "
            "while test error first falls; λ chosen on validation data beats λ = 0 on the test set."
        ),
        checks=checks,
        figures={
            "test MSE at λ = 0": ols_out,
            "training MSE at λ = 0": ols_train,
            "ridge λ chosen on validation": ridge_lams[best_r],
            "test MSE, ridge at that λ": ridge_out[best_r],
            "lasso λ chosen on validation": lasso_lams[best_l],
            "test MSE, lasso at that λ": lasso_out[best_l],
            "nonzero lasso weights at best λ": int(np.count_nonzero(lasso[:, best_l])),
            "noise σ²": noise**2,
        },
        panels=panels,
        explanation=(
            "Read the sweeps left to right. Training error only goes up: a penalty can only "
            "cost training fit. Test error starts near the λ = 0 line (least squares, "
            "which nearly interpolates the noise and swings between the points), drops to a "
            "minimum close to the noise floor, then climbs again once λ is so large the model "
            "underfits. The gap between the two curves at small λ is overfitting. λ is picked "
            "where the validation points (orange) are lowest, and only then scored on the test "
            "set, so the reported error is not flattered by the choice."
        ),
        seed=seed,
        params={
            "n": n,
            "degree": degree,
            "noise": noise,
            "held_out": held_out,
            "validation": validation,
        },
    )

"""The bias term: a line that must pass through the origin cannot fit data that does not.

Data come from y = w*x + b + noise with b != 0. Gradient descent fits y = w*x (no bias) and
y = w*x + b. Without a bias the loss converges, but to the least-squares floor over w alone,
which lies far above the noise; with a bias it falls to the noise level. The floor is also
computed in closed form and the whole loss curve L(w) is drawn, to show that it is the minimum
over every possible weight, not a matter of training longer.
"""

from __future__ import annotations

import numpy as np

from quizapp.proofs.model import Check, Panel, Proof, Series

NAME = "bias-term"
FLOOR_OVER_NOISE = 10.0  # "far above the noise"
CONVERGED = 1e-3  # relative distance to the closed-form optimum
NOISE_BAND = 0.10  # "reaches the noise level": within 10% of the mean squared noise


def _gradient_descent(features: np.ndarray, y: np.ndarray, lr: float, steps: int) -> np.ndarray:
    """Full-batch GD on the mean squared error; returns the loss before each step and after."""
    theta = np.zeros(features.shape[1])
    losses = np.empty(steps + 1)
    n = y.size
    for t in range(steps + 1):
        residual = features @ theta - y
        losses[t] = residual @ residual / n
        theta -= lr * 2.0 / n * (features.T @ residual)
    return losses


def run(
    seed: int = 0,
    n: int = 200,
    weight: float = 1.5,
    bias: float = 3.0,
    noise: float = 0.5,
    lr: float = 0.05,
    steps: int = 300,
) -> Proof:
    """Fit y = w*x and y = w*x + b by gradient descent to data with a non-zero intercept."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.0, 2.0, n)
    eps = rng.normal(0.0, noise, n)
    y = weight * x + bias + eps
    noise_level = float(np.mean(eps**2))  # the noise actually drawn: the best any model can do

    without = _gradient_descent(x[:, None], y, lr, steps)
    with_bias = _gradient_descent(np.column_stack([x, np.ones(n)]), y, lr, steps)

    # Closed forms: the best weight through the origin, and ordinary least squares with bias.
    w_origin = float(x @ y / (x @ x))
    floor = float(np.mean((y - w_origin * x) ** 2))
    slope, intercept = np.polyfit(x, y, 1)
    ols = float(np.mean((y - slope * x - intercept) ** 2))

    w_grid = np.linspace(w_origin - 3.0, w_origin + 3.0, 121)
    loss_of_w = np.mean((y[None, :] - w_grid[:, None] * x[None, :]) ** 2, axis=1)

    checks = (
        Check(
            "without bias, gradient descent converges to the best loss any weight can reach",
            abs(without[-1] - floor) <= CONVERGED * floor,
            f"final loss {without[-1]:.4g}, min over w {floor:.4g}",
        ),
        Check(
            "that floor is far (>= 10x) above the noise level",
            floor >= FLOOR_OVER_NOISE * noise_level,
            f"floor {floor:.4g} = {floor / noise_level:.3g} x noise {noise_level:.4g}",
        ),
        Check(
            "with a bias the loss falls to the noise level (within 10%)",
            abs(with_bias[-1] - noise_level) <= NOISE_BAND * noise_level
            and abs(with_bias[-1] - ols) <= CONVERGED * ols,
            f"final loss {with_bias[-1]:.4g}, least squares {ols:.4g}, noise {noise_level:.4g}",
        ),
    )
    steps_axis = np.arange(steps + 1)
    ends = [0, steps]
    panels = (
        Panel(
            title="Training loss: with and without a bias",
            xlabel="gradient-descent step",
            ylabel="mean squared error",
            yscale="log",
            series=(
                Series("y = w·x (no bias)", steps_axis, without, color="tab:red"),
                Series("y = w·x + b", steps_axis, with_bias, color="tab:blue"),
                Series("floor: min over w of no-bias loss", ends, [floor] * 2, "dashed", "black"),
                Series("noise level (mean ε²)", ends, [noise_level] * 2, "dashed", "grey"),
            ),
        ),
        Panel(
            title="No-bias loss for every weight w",
            xlabel="weight w (model y = w·x)",
            ylabel="mean squared error",
            yscale="log",
            series=(
                Series("loss of y = w·x", w_grid, loss_of_w, color="tab:red"),
                Series("floor (its minimum)", w_grid[[0, -1]], [floor] * 2, "dashed", "black"),
                Series("noise level", w_grid[[0, -1]], [noise_level] * 2, "dashed", "grey"),
            ),
        ),
        Panel(
            title=f"Data: y = {weight:g}·x + {bias:g} + noise",
            xlabel="x",
            ylabel="y",
            series=(
                Series("data", x, y, "points", "lightgrey"),
                Series("best y = w·x", [-2, 2], [-2 * w_origin, 2 * w_origin], color="tab:red"),
                Series(
                    "best y = w·x + b",
                    [-2, 2],
                    [-2 * slope + intercept, 2 * slope + intercept],
                    color="tab:blue",
                ),
            ),
        ),
    )
    return Proof(
        name=NAME,
        title="Why a bias term: fitting data that misses the origin",
        claim=(
            "Without a bias the loss stalls at a floor that no weight can remove; with a bias it "
            "falls to the noise level."
        ),
        checks=checks,
        figures={
            "no-bias final loss": without[-1],
            "no-bias floor (min over w)": floor,
            "with-bias final loss": with_bias[-1],
            "noise level (mean ε²)": noise_level,
            "floor / noise": floor / noise_level,
            "fitted intercept": intercept,
        },
        panels=panels,
        explanation=(
            "The no-bias loss flattens long before the with-bias loss reaches the noise line, and "
            "it flattens exactly on the dashed floor: that floor is the minimum of the loss over "
            "every weight (second panel), so more training cannot help. A line forced through the "
            "origin cannot shift up by b; the error b² (less what tilting the line can recover) "
            "stays. The bias gives the model that one extra degree of freedom, and the loss drops "
            "to what the noise allows."
        ),
        seed=seed,
        params={"n": n, "weight": weight, "bias": bias, "noise": noise, "lr": lr, "steps": steps},
    )

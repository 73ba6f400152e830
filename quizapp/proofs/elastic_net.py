"""Lasso versus elastic net on groups of strongly correlated features.

Three latent signals z1, z2, z3; each is measured three times with a little noise, giving three
groups of three features with within-group correlation about 0.997. The target depends on z1 and
z2 only. Both models are solved exactly along their whole path in the L1 strength lam (the
homotopy method); the elastic net adds a fixed ridge penalty (lam2 / 2) ||b||^2.

The lasso's L1 ball has corners: from a group of near-copies it usually takes the one most
correlated with the target and leaves the others at exactly 0.0 until lam is much smaller. It is
a tendency, not a law: for exact copies |a| + |b| = |a + b| for any same-sign split, so the L1
penalty alone has no preference, and which copy wins (and whether a second one sneaks in) is
decided by noise. So the lasso side is measured over many datasets drawn from the same model.
The ridge part makes the elastic net strictly convex and strictly prefers an even split between
near-identical features (Zou and Hastie's grouping effect): the whole group enters together.
"""

from __future__ import annotations

import numpy as np

from quizapp.proofs.model import Check, Panel, Proof, Series
from quizapp.proofs.solvers import centre, lasso_lambda_max, lasso_path

NAME = "elastic-net"
GROUP_SIZE = 3
GROUPS = 3
SIGNAL = (2.5, -2.5, 0.0)  # per latent; the third group is irrelevant
DATASETS = 40  # independent draws for the "usually" and "arbitrary" parts of the claim
MOSTLY = 0.6  # "usually": the share of (dataset, group) cases where the lasso keeps one member
TOGETHER_RANGE = 1.25  # elastic net: every member enters within this factor of the first
EVEN_SHARE = 0.4  # elastic net: mean share of a group's |weight| on its top member (even: 1/3)
CONCENTRATED_SHARE = 0.8  # lasso: the same share, at least


def _grouped_data(
    rng: np.random.Generator, n: int, measurement_noise: float
) -> tuple[np.ndarray, np.ndarray]:
    # Orthogonal latents of unit variance, as in a designed experiment: the groups' sample
    # correlations with each other are exactly 0, so a relevant group's pull on the target never
    # falls to half the other's by chance and both are inside the path at lam = lam_max / 2.
    latent = np.linalg.qr(rng.standard_normal((n, GROUPS)))[0] * np.sqrt(n)
    x = np.repeat(latent, GROUP_SIZE, axis=1)
    x = x + measurement_noise * rng.standard_normal((n, GROUPS * GROUP_SIZE))
    y = latent @ np.array(SIGNAL) + rng.normal(0.0, 1.0, n)
    return x, y


def _entry_lams(coef: np.ndarray, lams: np.ndarray) -> np.ndarray:
    """For each feature, the largest lam on the grid where it is non-zero (0 if never)."""
    nonzero = coef != 0.0
    return np.array([lams[row].max() if row.any() else 0.0 for row in nonzero])


def _fit_at(x: np.ndarray, y: np.ndarray, fraction: float, ridge: float) -> tuple[np.ndarray, ...]:
    """Standardise, then lasso and elastic-net weights at lam = fraction * lam_max."""
    xc, yc, _, _ = centre(x, y)
    xs = xc / xc.std(axis=0)
    lam = np.array([fraction * lasso_lambda_max(xs, yc)])
    return lasso_path(xs, yc, lam)[:, 0], lasso_path(xs, yc, lam, ridge=ridge)[:, 0]


def run(
    seed: int = 0,
    n: int = 50,
    measurement_noise: float = 0.05,
    ridge: float = 1.0,
    fraction: float = 0.5,
) -> Proof:
    """Compare lasso and elastic net on three groups of three near-copies: at lam = fraction *
    lam_max on many datasets, and along the whole path on one more."""
    rng = np.random.default_rng(seed)
    members = [list(range(g * GROUP_SIZE, (g + 1) * GROUP_SIZE)) for g in range(GROUPS)]
    relevant = [g for g in range(GROUPS) if SIGNAL[g] != 0.0]

    lasso_kept, enet_kept, lasso_shares, enet_shares = [], [], [], []
    winners: dict[int, set[int]] = {g: set() for g in relevant}
    for _ in range(DATASETS):
        lasso_w, enet_w = _fit_at(*_grouped_data(rng, n, measurement_noise), fraction, ridge)
        for g in relevant:
            lasso_g, enet_g = np.abs(lasso_w[members[g]]), np.abs(enet_w[members[g]])
            lasso_kept.append(int(np.count_nonzero(lasso_g != 0.0)))
            enet_kept.append(int(np.count_nonzero(enet_g != 0.0)))
            # the top member's share of the group's weight (1.0 also if the group is all zero)
            lasso_shares.append(lasso_g.max() / lasso_g.sum() if lasso_g.any() else 1.0)
            enet_shares.append(enet_g.max() / enet_g.sum() if enet_g.any() else 1.0)
            winners[g].add(int(np.argmax(lasso_g)))
    cases = len(lasso_kept)
    one_kept = sum(k == 1 for k in lasso_kept) / cases

    # The whole path, on one more dataset from the same model.
    x, y = _grouped_data(rng, n, measurement_noise)
    xc, yc, _, _ = centre(x, y)
    xs = xc / xc.std(axis=0)
    within = float(np.mean([np.corrcoef(xs[:, 0], xs[:, j])[0, 1] for j in (1, 2)]))
    lam_max = lasso_lambda_max(xs, yc)  # the same for both: the ridge term is 0 at b = 0
    lams = lam_max * np.logspace(-3.0, 0.05, 200)
    lasso = lasso_path(xs, yc, lams)
    enet = lasso_path(xs, yc, lams, ridge=ridge)
    lam_shown = fraction * lam_max
    lasso_shown = lasso_path(xs, yc, np.array([lam_shown]))[:, 0]
    enet_shown = lasso_path(xs, yc, np.array([lam_shown]), ridge=ridge)[:, 0]
    enet_entry = _entry_lams(enet, lams)
    together = [  # first / last entry lam of a group's members (inf: one never enters)
        float(entry.max() / entry.min()) if entry.min() > 0 else float("inf")
        for entry in (enet_entry[members[g]] for g in relevant)
    ]

    checks = (
        Check(
            f"lasso usually keeps exactly one member of a group, the rest exactly 0.0 "
            f"(>= {MOSTLY:.0%} of {cases} group fits on {DATASETS} datasets)",
            one_kept >= MOSTLY,
            f"one member in {one_kept:.0%}; members kept: "
            + ", ".join(f"{k}: {lasso_kept.count(k)}" for k in range(GROUP_SIZE + 1)),
        ),
        Check(
            "which member the lasso keeps is arbitrary: different datasets pick different ones",
            all(len(w) >= 2 for w in winners.values()),
            "distinct winners per group: " + ", ".join(str(len(w)) for w in winners.values()),
        ),
        Check(
            "elastic net keeps every member of a group in every fit",
            all(k == GROUP_SIZE for k in enet_kept),
            f"all {GROUP_SIZE} kept in {sum(k == GROUP_SIZE for k in enet_kept)} of {cases}",
        ),
        Check(
            f"elastic net spreads the weight: on average the top member carries <= "
            f"{EVEN_SHARE:.0%} of its group's weight (even = {1 / GROUP_SIZE:.0%}), the lasso's "
            f">= {CONCENTRATED_SHARE:.0%}",
            float(np.mean(enet_shares)) <= EVEN_SHARE
            and float(np.mean(lasso_shares)) >= CONCENTRATED_SHARE,
            f"top member's share: elastic net {np.mean(enet_shares):.0%} "
            f"(at most {max(enet_shares):.0%}), lasso {np.mean(lasso_shares):.0%}",
        ),
        Check(
            f"elastic-net path: a group's members all enter within {TOGETHER_RANGE:g}x of λ",
            max(together) <= TOGETHER_RANGE,
            "first/last entry λ: " + ", ".join(f"{t:.3g}" for t in together),
        ),
    )

    index = np.arange(1, GROUPS * GROUP_SIZE + 1)
    group_colours = ("tab:blue", "tab:orange", "tab:grey")
    coef_range = 1.1 * float(max(np.abs(lasso).max(), np.abs(enet).max()))

    def path_series(coef: np.ndarray) -> tuple[Series, ...]:
        series = []
        for g in range(GROUPS):
            for k, j in enumerate(members[g]):
                label = f"group {g + 1} (signal {SIGNAL[g]:g})" if k == 0 else f"_x{j + 1}"
                series.append(Series(label, lams, coef[j], color=group_colours[g]))
        marker = [-coef_range, coef_range]
        series.append(Series(f"λ = {fraction:g}·λ_max", [lam_shown] * 2, marker, "dashed", "black"))
        return tuple(series)

    counts = np.arange(GROUP_SIZE + 1)
    panels = (
        Panel(
            title=f"Weights at λ = {fraction:g}·λ_max (features 1-3, 4-6, 7-9 = groups)",
            xlabel="feature",
            ylabel="coefficient",
            series=(
                Series("lasso", index, lasso_shown, "bar", "tab:red"),
                Series(f"elastic net (λ2 = {ridge:g})", index, enet_shown, "bar", "tab:green"),
            ),
        ),
        Panel(
            title=f"Members kept per group, {cases} fits on {DATASETS} datasets",
            xlabel=f"non-zero weights in a group of {GROUP_SIZE}",
            ylabel="number of fits",
            series=(
                Series("lasso", counts, [lasso_kept.count(k) for k in counts], "bar", "tab:red"),
                Series(
                    "elastic net", counts, [enet_kept.count(k) for k in counts], "bar", "tab:green"
                ),
            ),
        ),
        Panel(
            title="Lasso path",
            xlabel="λ (L1 strength)",
            ylabel="coefficient",
            xscale="log",
            ylim=(-coef_range, coef_range),
            series=path_series(lasso),
        ),
        Panel(
            title=f"Elastic-net path (ridge λ2 = {ridge:g})",
            xlabel="λ (L1 strength)",
            ylabel="coefficient",
            xscale="log",
            ylim=(-coef_range, coef_range),
            series=path_series(enet),
        ),
    )
    return Proof(
        name=NAME,
        title="Elastic net vs lasso on correlated groups",
        claim=(
            "With groups of strongly correlated features, the lasso usually keeps one member of "
            "a group (which one is arbitrary) and sets the rest to exactly 0.0, while the "
            "elastic net keeps the whole group and spreads the weight evenly."
        ),
        checks=checks,
        figures={
            "within-group correlation": within,
            "lasso: fits keeping exactly one member": one_kept,
            "lasso: mean share of the top member": float(np.mean(lasso_shares)),
            "elastic net: fits keeping all members": sum(k == GROUP_SIZE for k in enet_kept)
            / cases,
            "elastic net: mean share of the top member": float(np.mean(enet_shares)),
            "elastic net: path entry spread (max)": max(together),
        },
        panels=panels,
        explanation=(
            "In the bar chart the lasso puts a group's weight on one feature and leaves its "
            "near-copies at exactly zero, while the elastic net gives the three copies about a "
            "third each. Over many datasets the lasso keeps a single member most of the time, "
            "but which one changes from dataset to dataset (noise decides), and now and then "
            "a second copy sneaks in; the elastic net always keeps all three. On the paths, "
            "lasso members of a group enter one at a time; elastic-net members enter together. "
            "Prefer the elastic net when correlated features should be kept or dropped as a "
            "group, or when a stable selection matters."
        ),
        seed=seed,
        params={
            "n": n,
            "measurement_noise": measurement_noise,
            "ridge": ridge,
            "fraction": fraction,
        },
    )

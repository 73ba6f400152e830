"""Dropout on a network where it helps: a wide two-hidden-layer MLP on noisy two moons.

Eighty noisy points and a net with thousands of weights: trained plainly, it drives its training
loss towards zero and becomes confidently wrong on new points, its test log-loss climbing past
log 2 (what predicting 0.5 everywhere scores). The same net trained with dropout (each hidden
unit kept with probability q, inverted scaling during training, so the test-time net is the
weight-scaled one) stays calibrated. Both are trained from the same initialisations, several
restarts each, side by side in one batched computation.

Dropout trains an ensemble of the 2^units sub-networks that share one set of weights; weight
scaling is a one-pass approximation of averaging them. It is compared with Monte-Carlo averaging
of sampled sub-networks on the trained net: its logit is close to their mean logit (the
normalised geometric mean of their predictions), it picks the same classes as their averaged
probabilities, but it is more confident. A test-time net scaled wrongly (by keep a second time,
or by 1/keep) is off that mean logit by 71% or more (RMS, seeds 0-29), so the check catches it;
agreeing classes and a higher log-loss alone let the 1/keep one through.

One thing is an identity, and is labelled so: for masks on the last hidden layer alone, the mean
logit over masks is exactly the weight-scaled logit, because the read-out is linear in the mask.
It is checked on real forward passes: the net run with every mask of ten units of that layer
(the rest at their expectation) on a few test points, the logits averaged by each mask's
probability. It holds for any weights, trained or not, and is not evidence that dropout helps;
masks on the first hidden layer, whose units pass through another ReLU, break it.
"""

from __future__ import annotations

import itertools

import numpy as np

from quizapp.proofs import mlp
from quizapp.proofs.model import Check, Frame, Panel, Progress, Proof, Series

NAME = "dropout-ensemble"
LOG2 = float(np.log(2.0))
MC_MASKS = 32  # sampled sub-networks averaged per test point
SAMPLED_ROWS = 20_000  # rows of one sampling pass (memory: about 4 MB per net and array)
ENUMERATED = 10  # the identity averages over every mask of this many last-layer units
IDENTITY_POINTS = 10  # test points per training set that the identity runs every mask on
MASKED_LAYER = 1  # the hidden layer the identity masks: the last, which the read-out sees
APPROXIMATION = 0.3  # weight scaling's logit within 30% (RMS) of the sampled mean logit
LEANING = 0.1  # "leans one way": the sampled average's P(y = 1) is at least 0.1 from 0.5
NOISE, FLIP = 0.25, 0.1  # Gaussian noise on the points; share of labels flipped
# The nets train and are sampled in single precision: the matmuls and masks take about 30%
# less time, and nothing measured here is near float32's resolution. The identity, which is
# checked to 1e-9, runs on a double-precision copy; losses are averaged in double.
DTYPE = np.float32


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


def mask_distribution(keep: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What one unit's inverted-dropout mask is, given `keep`: the chance it is kept (keep
    rounded to the 1/256 steps that dropout_masks draws in) and the value a kept unit is scaled
    by (1 over that chance; a dropped one is 0). The one place that says so: the training masks,
    the identity's enumerated masks and the weight-scaled net all read it from here."""
    chance = np.round(np.asarray(keep, dtype=float) * 256.0) / 256.0
    return chance, 1.0 / chance


def dropout_masks(
    rng: np.random.Generator, shape: tuple[int, ...], keep: np.ndarray, layers: int
) -> list[np.ndarray | None]:
    """Inverted-dropout masks (kept units scaled by 1/keep) for each hidden layer, in DTYPE;
    `keep` has one entry per stacked net, 1.0 meaning no dropout (that net's mask is all ones).

    Units are kept by comparing random bytes with keep·256, several times faster than drawing
    floats, so keep takes effect in steps of 1/256 (0.5 exactly); the scale uses that step.
    The comparison is byte with byte (draw <= level - 1, level in 1..256), not byte with float.
    """
    dropped = np.flatnonzero(keep < 1.0)
    chance, kept_value = mask_distribution(keep[dropped])
    highest = (np.round(chance * 256.0) - 1.0).astype(np.uint8)[:, None, None]
    kept_value = kept_value.astype(DTYPE)[:, None, None]
    per_layer = dropped.size * int(np.prod(shape[1:]))
    masks: list[np.ndarray | None] = []
    for _ in range(layers):
        draws = np.frombuffer(rng.bytes(per_layer), dtype=np.uint8).reshape(
            dropped.size, *shape[1:]
        )
        drawn = (draws <= highest) * kept_value
        if dropped.size == shape[0]:  # every net drops units: no ones to fill in
            masks.append(drawn)
            continue
        mask = np.ones(shape, dtype=DTYPE)
        mask[dropped] = drawn
        masks.append(mask)
    return [*masks, None]


def enumerated_masks(units: int, width: int, keep: float) -> tuple[np.ndarray, np.ndarray]:
    """Every inverted-dropout mask of the first `units` units of a `width`-unit hidden layer
    (kept units scaled by 1/keep, the other units at their expectation, 1), shape
    (2^units, 1, 1, width) so that it broadcasts over stacked nets and points, and each mask's
    probability. `keep` is rounded to the 1/256 steps dropout_masks draws in."""
    level, kept_value = mask_distribution(keep)
    every = np.array(list(itertools.product((0.0, 1.0), repeat=units)))  # (2^units, units)
    chance = np.prod(np.where(every == 1.0, level, 1.0 - level), axis=1)
    masks = np.ones((every.shape[0], 1, 1, width))
    masks[:, 0, 0, :units] = every * kept_value
    return masks, chance


def mask_averaged(
    net: mlp.Net, x: np.ndarray, masks: np.ndarray, chance: np.ndarray, layer: int
) -> tuple[np.ndarray, np.ndarray]:
    """The net's real forward pass once per mask on hidden layer `layer` (every other layer at
    its expectation: unmasked), all masks in one broadcast pass; returns the logits averaged
    with each mask's probability, and the per-mask logits (masks, *x's leading axes, 1)."""
    per_layer: list[np.ndarray | None] = [None] * len(net.weights)
    per_layer[layer] = masks
    logits = mlp.forward(net, x, per_layer).output
    return np.tensordot(chance, logits, axes=1), logits


def weight_scaled(net: mlp.Net, x: np.ndarray, keep: float) -> np.ndarray:
    """The weight-scaling rule's logits: the whole net with each hidden unit multiplied by its
    mask's expectation under training with `keep`. Inverted dropout divides kept units by the
    chance of keeping them, so that expectation is 1 (the plain forward pass); it is computed
    from mask_distribution rather than assumed, so the rule follows the masks if they change."""
    chance, kept_value = mask_distribution(keep)
    expected = float(chance * kept_value)
    return mlp.forward(net, x, [expected] * (len(net.weights) - 1) + [None]).output


def run(
    seed: int = 0,
    n: int = 80,
    width: int = 48,
    keep: float = 0.5,
    datasets: int = 4,
    steps: int = 120,
    lr: float = 0.02,
    test: int = 500,
    progress: Progress | None = None,
) -> Proof:
    """Train a plain net and the same net with dropout on each of `datasets` training sets drawn
    from one distribution; compare them on a shared test set."""
    if not 1.0 / 256.0 <= keep <= 1.0:
        raise ValueError("keep must be between 1/256 and 1")
    rng = np.random.default_rng(seed)
    sets = [two_moons(rng, n, NOISE, FLIP) for _ in range(datasets)]
    x_test, y_test = two_moons(rng, test, NOISE, FLIP)
    k = 2 * datasets  # nets 0..datasets-1 plain, then the same inits with dropout
    net = mlp.init_net(rng, [2, width, width, 1], "relu", "he", nets=datasets)
    net.weights = [np.concatenate([w, w]).astype(DTYPE) for w in net.weights]
    net.biases = [np.concatenate([b, b]).astype(DTYPE) for b in net.biases]
    keeps = np.array([1.0] * datasets + [keep] * datasets)
    xs = np.stack([x for x, _ in sets] * 2).astype(DTYPE)
    ys = np.stack([y for _, y in sets] * 2).astype(DTYPE)
    xt = np.broadcast_to(x_test.astype(DTYPE), (k, *x_test.shape))
    yt = np.broadcast_to(y_test.astype(DTYPE), (k, *y_test.shape))
    history: list[tuple[int, np.ndarray, np.ndarray]] = []

    def record(t: int, trained: mlp.Net, losses: np.ndarray) -> None:
        # the plain nets' training loss is the one this step computed: their masks are ones
        train_loss = losses[t, :datasets]
        test_loss = mlp.log_loss(mlp.forward(trained, xt).output, yt)
        history.append((t, train_loss, test_loss))
        if progress is not None:
            progress(Frame(t, steps, _loss_panel(history, datasets, width, keep)))

    mlp.train(
        net,
        xs,
        ys,
        steps,
        mlp.Adam.for_net(net, lr),
        mlp.logistic_grad,
        masks=lambda: dropout_masks(rng, (k, n, width), keeps, 2),
        every=max(1, steps // 10),  # 11 records: each evaluates 8 nets on 500 test points
        on_record=record,
        poll=mlp.heartbeat(progress),
    )
    train_hist = np.array([h[1] for h in history])  # (records, datasets): the plain nets
    test_hist = np.array([h[2] for h in history])
    plain_test, drop_test = test_hist[-1, :datasets], test_hist[-1, datasets:]
    plain_train = train_hist[-1]

    # Weight scaling vs Monte-Carlo averaging of sampled sub-networks, on the dropout nets.
    drop = mlp.Net([w[datasets:] for w in net.weights], [b[datasets:] for b in net.biases])
    xd = xt[:datasets]
    scaled_logit = weight_scaled(drop, xd, keep)
    probs = np.zeros(scaled_logit.shape)  # sums over the sampled masks, in double
    logits = np.zeros(scaled_logit.shape)
    # Many masks per forward pass, the test points repeated once per mask: a few large
    # matmuls cost less than one small one per mask; at most SAMPLED_ROWS rows at a time.
    per_pass = max(1, min(MC_MASKS, SAMPLED_ROWS // test))
    for first in range(0, MC_MASKS, per_pass):
        count = min(per_pass, MC_MASKS - first)
        masks = dropout_masks(rng, (datasets, count * test, width), np.full(datasets, keep), 2)
        sampled = mlp.forward(drop, np.tile(xd, (1, count, 1)), masks).output
        sampled = sampled.reshape(datasets, count, test, 1).astype(float)
        probs += mlp.sigmoid(sampled).sum(axis=1)
        logits += sampled.sum(axis=1)
    mean_logit = logits / MC_MASKS
    mc_prob = np.clip(probs / MC_MASKS, 1e-12, 1 - 1e-12)
    mc_loss = -np.mean(y_test * np.log(mc_prob) + (1 - y_test) * np.log1p(-mc_prob), axis=(1, 2))
    scaled_prob = mlp.sigmoid(scaled_logit)
    scaled_loss = mlp.log_loss(scaled_logit, yt[:datasets])
    # How close weight scaling is to the ensemble it stands for: the sub-networks' mean logit
    # is their normalised geometric mean (sigmoid of it); RMS gap relative to its RMS size.
    approx_gap = float(np.sqrt(np.mean((scaled_logit - mean_logit) ** 2) / np.mean(mean_logit**2)))
    # Agreement where the sampled average leans one way (P at least 60/40): at points on the
    # boundary itself the two split at random, and the 32-mask average is itself uncertain by
    # up to about ±0.04 there (its standard error within 0.1 of 0.5, seeds 0-29).
    leaning = np.abs(mc_prob - 0.5) >= LEANING
    same_class = float(np.mean(((mc_prob > 0.5) == (scaled_prob > 0.5))[leaning]))

    # The identity: masks on units of the last hidden layer; the read-out is linear in them.
    # The net is run forward with each of the 2^ENUMERATED masks of the first ENUMERATED units
    # (the other units and the first hidden layer at their expectation), on the first
    # IDENTITY_POINTS test points, and the logits averaged with each mask's probability:
    # exactly the weight-scaled logit, up to rounding.
    units = min(ENUMERATED, width)
    every, chance = enumerated_masks(units, width, keep)
    exact = mlp.Net([w.astype(float) for w in drop.weights], [b.astype(float) for b in drop.biases])
    xi = xd[:, :IDENTITY_POINTS].astype(float)
    averaged, per_mask = mask_averaged(exact, xi, every, chance, MASKED_LAYER)
    identity_gap = float(np.max(np.abs(averaged - weight_scaled(exact, xi, keep)))) / float(
        np.max(np.abs(per_mask))
    )

    checks = (
        Check(
            "without dropout the net overfits: training log-loss under 0.3 while the test "
            "log-loss ends above log 2 (worse than predicting 0.5)",
            float(plain_train.mean()) < 0.3 and float(plain_test.mean()) > LOG2,
            f"train {plain_train.mean():.3g}, test {plain_test.mean():.3g} (log 2 = {LOG2:.3f}; "
            f"mean of {datasets} training sets)",
        ),
        Check(
            "with dropout the same nets end with a lower test log-loss than without",
            float(drop_test.mean()) < float(plain_test.mean()),
            f"test log-loss {drop_test.mean():.3g} with dropout, {plain_test.mean():.3g} without; "
            f"lower on {int(np.sum(drop_test < plain_test))} of {datasets} training sets",
        ),
        Check(
            f"with dropout, averaging {MC_MASKS} sampled sub-networks beats the log 2 baseline",
            float(mc_loss.mean()) < LOG2,
            f"{mc_loss.mean():.3g} < {LOG2:.3f} (weight scaling: {scaled_loss.mean():.3g})",
            # Held on 997 of seeds 0-999 and 997 of 6000000-6000999 (120 steps at lr 0.02, 32
            # masks): on those six the dropout nets overfit too (weight-scaled test log-loss
            # 1.04-1.36) and the average scores 0.70-0.82.
            rate=0.99,
        ),
        Check(
            f"weight scaling approximates the sampled sub-networks: its logit is within "
            f"{APPROXIMATION:.0%} (RMS) of their mean logit, it picks the same class as their "
            "average probability at >= 95% of the test points where that leans one way "
            "(P >= 0.6 or <= 0.4), but it is more confident: its log-loss is the higher of the "
            "two",
            approx_gap <= APPROXIMATION
            and same_class >= 0.95
            and float(scaled_loss.mean()) >= float(mc_loss.mean()),
            f"logit gap {approx_gap:.1%} RMS; same class at {same_class:.1%} of "
            f"{int(leaning.sum())} points; log-loss {scaled_loss.mean():.3g} weight-scaled vs "
            f"{mc_loss.mean():.3g} averaged",
        ),
        Check(
            f"the net run with each of the {every.shape[0]} masks of {units} units of the last "
            "hidden layer, its logits averaged by each mask's probability, gives the "
            "weight-scaled logit: the read-out is linear in the mask",
            identity_gap <= 1e-9,
            f"largest gap {identity_gap:.2g} of the logits' scale, over {averaged.size} points "
            f"x {every.shape[0]} forward passes",
            kind="identity",
        ),
    )
    grid = np.linspace(-1.6, 2.6, 85)
    line = np.column_stack([grid, np.zeros_like(grid)])  # a slice through the moons at x2 = 0
    slice_probs = mlp.sigmoid(
        mlp.forward(net, np.broadcast_to(line, (k, *line.shape))).output[:, :, 0]
    )
    sets_axis = np.arange(1, datasets + 1)
    panels = (
        _loss_panel(history, datasets, width, keep),
        Panel(
            title="Final test log-loss by training set",
            xlabel="training set",
            ylabel="test log-loss",
            series=(
                Series("no dropout", sets_axis, plain_test, "bar", "tab:red"),
                Series("dropout, weight scaling", sets_axis, drop_test, "bar", "tab:blue"),
                Series(
                    f"dropout, {MC_MASKS} sampled masks", sets_axis, mc_loss, "bar", "tab:green"
                ),
                Series("log 2 (predict 0.5)", [1, datasets], [LOG2] * 2, "dashed", "grey"),
            ),
        ),
        Panel(
            title="P(y = 1) along the line x2 = 0 (training set 1)",
            xlabel="x1",
            ylabel="P(y = 1)",
            ylim=(0.0, 1.0),
            series=(
                Series("no dropout", grid, slice_probs[0], "line", "tab:red"),
                Series("dropout", grid, slice_probs[datasets], "line", "tab:blue"),
            ),
        ),
    )
    return Proof(
        name=NAME,
        title="Dropout: an ensemble that stops a wide net overfitting",
        claim=(
            f"A wide MLP trained on {n} noisy two-moons points overfits until its test log-loss "
            "is worse than predicting 0.5; the same nets trained with dropout end lower, "
            "averaging sampled sub-networks beats that baseline, and weight scaling at test "
            "time approximates the sub-networks' mean logit and predicts the same classes as "
            "their average, if more confidently."
        ),
        checks=checks,
        figures={
            "test log-loss, no dropout": plain_test.mean(),
            "test log-loss, dropout (weight scaling)": drop_test.mean(),
            f"test log-loss, dropout ({MC_MASKS} sampled masks)": mc_loss.mean(),
            "train log-loss, no dropout": plain_train.mean(),
            "log 2 baseline": LOG2,
            "same class, scaling vs sampling (where it leans)": same_class,
            "logit gap, scaling vs sampled mean logit (RMS, relative)": approx_gap,
            "weights shared by every sub-network": sum(
                w[0].size + b[0].size for w, b in zip(drop.weights, drop.biases, strict=True)
            ),
        },
        panels=panels,
        explanation=(
            "Training: without dropout (red) the test loss dips, then climbs past the grey "
            "log 2 line while the training loss (dashed red) heads to zero: the net memorises "
            "the noise and becomes confidently wrong. With dropout (blue) it stays lower. "
            "The lines are means over the training sets. Bars: training set by training set, "
            "the weight-scaled net (blue) is a one-pass approximation of the average of "
            "sampled sub-networks (green): its logit is near their mean logit, with the same "
            "classes, but more confident than their averaged probabilities, so a higher "
            "log-loss. Slice: the plain net jumps between 0 and 1; the dropout net changes "
            "more gradually. Dropout trains exponentially many weight-sharing sub-networks "
            "and weight scaling averages them in one pass."
        ),
        seed=seed,
        params={
            "n": n,
            "width": width,
            "keep": keep,
            "datasets": datasets,
            "steps": steps,
            "lr": lr,
            "test": test,
        },
    )


def _loss_panel(
    history: list[tuple[int, np.ndarray, np.ndarray]], datasets: int, width: int, keep: float
) -> Panel:
    """Test log-loss (and the plain nets' training log-loss) over the steps recorded so far,
    each a mean over the training sets."""
    steps_axis = np.array([h[0] for h in history])
    train = np.array([h[1] for h in history])
    test = np.array([h[2] for h in history])
    ends = [steps_axis[0], max(steps_axis[-1], 1)]
    return Panel(
        title=f"Log-loss in training ({datasets} training sets, width {width}, keep {keep:g})",
        xlabel="Adam step",
        ylabel="log-loss (mean)",
        series=(
            Series(
                "test, no dropout", steps_axis, test[:, :datasets].mean(axis=1), "line", "tab:red"
            ),
            Series(
                "test, dropout", steps_axis, test[:, datasets:].mean(axis=1), "line", "tab:blue"
            ),
            Series(
                "train, no dropout",
                steps_axis,
                train.mean(axis=1),
                "dashed",
                "tab:red",
            ),
            Series("log 2 (predict 0.5)", ends, [LOG2, LOG2], "dashed", "grey"),
        ),
    )

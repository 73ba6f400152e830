"""Tests for the "prove it" experiments.

Each proof is checked three ways: its own verdict (`holds`) on the default seed and two others;
an independent recomputation of its key figures from the series it returns (so a verdict that
did not follow from the plotted data would be caught); and a rendered figure. The solvers and
the piece counter are checked against independent methods.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
import warnings
from dataclasses import replace

import numpy as np
import pytest
from click.testing import CliRunner

from quizapp import proofs
from quizapp.cli.prove_cmd import prove
from quizapp.proofs.figure import figure_bytes, render_figure
from quizapp.proofs.model import Check, Panel, Proof, Series
from quizapp.proofs.report import format_report
from quizapp.proofs.textchart import draw, text_chart

NAMES = [
    "batch-norm",
    "bias-term",
    "bias-variance",
    "depth-vs-width",
    "dropout-ensemble",
    "early-stopping",
    "elastic-net",
    "init-variance",
    "l1-sparsity",
    "learning-rate",
    "momentum-adam",
    "regularization-overfitting",
    "residual-connections",
    "vanishing-gradients",
]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def runs() -> dict[tuple[str, int], Proof]:
    """Every proof on seeds 0, 1, 2, computed once for the whole module."""
    return {(name, seed): proofs.run(name, seed=seed) for name in NAMES for seed in (0, 1, 2)}


def y_of(proof: Proof, panel: int, label: str) -> np.ndarray:
    return np.array(proof.panels[panel].get(label).y)


def x_of(proof: Proof, panel: int, label: str) -> np.ndarray:
    return np.array(proof.panels[panel].get(label).x)


# --- independent recomputation of each claim from the returned series -----------------------


def recheck_vanishing_gradients(p: Proof) -> None:
    def factor(label: str) -> float:
        hidden = y_of(p, 0, label)[:-1]
        return float(np.exp(np.mean(np.log(hidden[:-1] / hidden[1:]))))

    assert factor("sigmoid, Xavier") <= 0.4 and factor("sigmoid, He") <= 0.4
    assert 0.6 <= factor("ReLU, Xavier") <= 0.8
    assert 0.9 <= factor("ReLU, He") <= 1.1
    moved = y_of(p, 1, "sigmoid, Xavier")
    assert moved[-1] / moved[0] >= 1000
    for label in ("ReLU, He", "sigmoid, Xavier, residual"):  # they move, and they learn
        loss = y_of(p, 2, label)
        assert loss[-1] < loss[0], label
    assert math.isclose(p.figures["sigmoid/Xavier factor per layer"], factor("sigmoid, Xavier"))


def recheck_bias_term(p: Proof) -> None:
    x, y = x_of(p, 0, "target bump"), y_of(p, 0, "target bump")
    floor = np.mean(y**2) - (x @ y) ** 2 / (x @ x) / x.size  # min over c of mean (y - c x)^2
    free = y_of(p, 0, "net without biases")
    assert np.mean((free - y) ** 2) >= floor * (1 - 1e-9)
    slopes = free / x  # a line through the origin on x > 0
    assert np.ptp(slopes) <= 1e-9 * np.abs(slopes).max()
    assert np.mean((y_of(p, 0, "net with biases") - y) ** 2) <= 0.1 * floor


def recheck_bias_variance(p: Proof) -> None:
    bias2 = y_of(p, 0, "bias²")
    variance = y_of(p, 0, "variance")
    noise = y_of(p, 0, "noise σ²")
    measured = y_of(p, 0, "measured test error")
    assert len(bias2) == 13  # degrees 0..12
    assert np.all(np.diff(bias2) < 0)
    assert np.all(np.diff(variance) > 0)
    best = int(np.argmin(measured))
    assert 0 < best < len(measured) - 1
    np.testing.assert_allclose(bias2 + variance + noise, measured, rtol=0.05)
    np.testing.assert_allclose(y_of(p, 0, "bias² + variance + noise"), bias2 + variance + noise)


def recheck_regularization_overfitting(p: Proof) -> None:
    for panel in (0, 1):
        train = y_of(p, panel, "training error")
        held_out = y_of(p, panel, "test error")
        at_zero = y_of(p, panel, "test at λ = 0")[0]
        assert np.all(np.diff(train) >= -1e-10 * train[1:])
        best = int(np.argmin(held_out))
        assert 0 < best < len(held_out) - 1
        assert held_out[best] < at_zero


def recheck_dropout_ensemble(p: Proof) -> None:
    plain, drop = y_of(p, 1, "no dropout"), y_of(p, 1, "dropout, weight scaling")
    assert drop.mean() < plain.mean()
    assert plain.mean() > np.log(2)


def recheck_l1_sparsity(p: Proof) -> None:
    l2 = y_of(p, 0, "L2 gradient step")
    sub = y_of(p, 0, "L1 subgradient step")
    prox = y_of(p, 0, "L1 proximal step (soft threshold)")
    assert not np.any(l2 == 0.0)
    a, lam, w_data = (p.params[k] for k in ("curvature", "lam", "w_data"))
    gaps = l2 - a * w_data / (a + lam)  # distance to the L2 optimum, from the parameters
    assert np.all(gaps > 0)
    ratios = gaps[1:20] / gaps[:19]
    assert np.ptp(ratios) < 1e-6  # geometric: the same factor every step
    assert not np.any(sub == 0.0)
    crossed = int(np.argmax(sub <= 0))
    assert crossed > 0 and np.count_nonzero(np.diff(np.sign(sub[crossed:]))) >= 5
    zero_from = int(np.flatnonzero(prox != 0.0)[-1]) + 1
    assert zero_from < len(prox)
    assert np.all(prox[zero_from:] == 0.0)
    lasso_zeros = y_of(p, 4, "lasso")
    assert np.all(y_of(p, 4, "ridge") == 0)
    exact, ista = y_of(p, 3, "exact (homotopy)"), y_of(p, 3, "ISTA")
    np.testing.assert_array_equal(exact == 0.0, ista == 0.0)
    assert np.any(exact == 0.0)
    geometry = p.panels[5]  # the diamond's lowest point is a corner, the circle's on no axis
    (corner,) = [s for s in geometry.series if s.label.startswith("diamond's lowest")]
    w1 = np.array([corner.x[0], corner.y[0]])
    assert np.any(w1 == 0.0) and abs(np.abs(w1).sum() - 1.0) < 1e-12
    w2 = np.array([geometry.get("circle's lowest").x[0], geometry.get("circle's lowest").y[0]])
    assert np.all(w2 != 0.0) and abs(np.linalg.norm(w2) - 1.0) < 1e-9
    assert p.figures["bowls whose diamond minimum is a corner"] >= 0.4
    assert p.figures["bowls whose disc minimum has a 0.0"] == 0
    assert not np.any(y_of(p, 3, "subgradient") == 0.0)
    assert not np.any(y_of(p, 3, "SGD + L1") == 0.0)
    # the zero counts agree with the plotted coefficient paths
    paths = np.array([s.y for s in p.panels[2].series])
    np.testing.assert_array_equal(np.count_nonzero(paths == 0.0, axis=0), lasso_zeros)


def recheck_learning_rate(p: Proof) -> None:
    rates, measured = x_of(p, 0, "measured"), y_of(p, 0, "measured")
    kappa = p.params["kappa"]
    theory = np.maximum(np.abs(1 - rates / kappa), np.abs(1 - rates))  # mu = 1, L = kappa
    np.testing.assert_allclose(measured, theory, rtol=1e-9)
    assert np.all((measured < 1) == (rates < 2))
    # the logistic points: every rate below 2/L, contracting; none above (never near w*)
    np.testing.assert_array_equal(x_of(p, 1, "measured"), rates[rates < 2])
    assert np.all(y_of(p, 1, "measured") < 1)
    for series in p.panels[2].series:  # every converging rate was run down to 1e-12
        assert series.y[-1] <= 1e-12 * series.y[0] * 1.0001


def recheck_elastic_net(p: Proof) -> None:
    lasso_counts = y_of(p, 1, "lasso")  # fits keeping 0, 1, 2, 3 members of a group
    enet_counts = y_of(p, 1, "elastic net")
    assert lasso_counts[1] >= 0.6 * lasso_counts.sum()
    assert enet_counts[3] == enet_counts.sum()
    enet = y_of(p, 0, "elastic net (λ2 = 1)")[:6]  # the two relevant groups
    assert np.all(enet != 0.0)


def count_slope_changes(x: np.ndarray, y: np.ndarray) -> int:
    slopes = np.diff(y) / np.diff(x)
    return 1 + int(np.count_nonzero(np.abs(np.diff(slopes)) > 1e-9 * np.abs(slopes).max()))


def recheck_depth_vs_width(p: Proof) -> None:
    neurons = x_of(p, 0, "deep: k layers × 2 units (sawtooth)")
    deep = y_of(p, 0, "deep: k layers × 2 units (sawtooth)")
    shallow = y_of(p, 0, "shallow: n units, best case")
    np.testing.assert_array_equal(deep, 2 ** (neurons / 2))
    np.testing.assert_array_equal(shallow, neurons + 1)
    assert np.all(y_of(p, 0, "shallow: n random units") <= neurons + 1)
    for k, series in enumerate(p.panels[1].series, start=1):  # exact polylines of the sawtooth
        assert count_slope_changes(np.array(series.x), np.array(series.y)) == 2**k
    mean = y_of(p, 2, "mean")
    neurons_random = y_of(p, 2, "neurons (one piece each)")
    assert np.all((mean / neurons_random >= 0.5) & (mean / neurons_random <= 2))
    # training: every wide restart ends under 0.1 Var(y); the bars count what the curves show
    final = {}
    for key in ("one wide layer", "deep, plain", "deep, residual"):
        curves = [s for s in p.panels[3].series if s.label.lstrip("_").startswith(key)]
        assert len(curves) == p.params["restarts"]
        final[key] = np.array([c.y[-1] for c in curves])
    assert np.all(final["one wide layer"] < 0.1)
    fits = y_of(p, 4, "fit (loss < 0.1 Var(y))")
    np.testing.assert_array_equal(fits, [np.sum(v < 0.1) for v in final.values()])
    dead = y_of(p, 4, "dead at initialisation")
    assert dead[1] >= 1 and dead[2] == 0
    assert np.sum(np.isclose(final["deep, plain"], 1.0)) >= dead[1]  # the dead stay at Var(y)


def recheck_init_variance(p: Proof) -> None:
    he = y_of(p, 0, "He, ReLU")
    xavier = y_of(p, 0, "Xavier, ReLU")
    gain = np.exp(np.mean(np.log(xavier[1:] / xavier[:-1])))
    assert 0.4 <= gain <= 0.625
    assert 0.5 <= he[-1] / he[0] <= 2.0 or 0.8 <= np.exp(np.mean(np.log(he[1:] / he[:-1]))) <= 1.25


def recheck_residual_connections(p: Proof) -> None:
    plain, skip = y_of(p, 0, "plain"), y_of(p, 0, "residual (a + f(a))")
    assert plain[0] / plain[-1] < 1e-6
    assert 0.1 <= skip[0] / skip[-1] <= 10


def recheck_momentum_adam(p: Proof) -> None:
    gd, hb = y_of(p, 0, "gradient descent"), y_of(p, 0, "heavy-ball momentum")
    assert hb[-1] < gd[-1] * 1e-6


RECHECKS = {
    "bias-term": recheck_bias_term,
    "bias-variance": recheck_bias_variance,
    "depth-vs-width": recheck_depth_vs_width,
    "dropout-ensemble": recheck_dropout_ensemble,
    "elastic-net": recheck_elastic_net,
    "l1-sparsity": recheck_l1_sparsity,
    "learning-rate": recheck_learning_rate,
    "regularization-overfitting": recheck_regularization_overfitting,
    "vanishing-gradients": recheck_vanishing_gradients,
    "init-variance": recheck_init_variance,
    "residual-connections": recheck_residual_connections,
    "momentum-adam": recheck_momentum_adam,
}


@pytest.mark.parametrize("name", NAMES)
def test_claim_holds_and_follows_from_the_data(name: str, runs) -> None:
    proof = runs[(name, 0)]
    assert proof.holds, [c for c in proof.checks if not c.holds]
    RECHECKS.get(name, lambda p: None)(proof)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", [1, 2])
def test_claim_holds_for_other_seeds(name: str, seed: int, runs) -> None:
    proof = runs[(name, seed)]
    assert proof.holds, [c for c in proof.checks if not c.holds]
    RECHECKS.get(name, lambda p: None)(proof)


@pytest.mark.parametrize("name", NAMES)
def test_proof_is_deterministic(name: str, runs) -> None:
    again = proofs.run(name, seed=0)
    assert again.figures == runs[(name, 0)].figures
    assert again.panels == runs[(name, 0)].panels


@pytest.mark.parametrize("name", NAMES)
def test_figure_renders_to_png_with_every_legend_and_title_inside_it(
    name: str, runs, tmp_path
) -> None:
    """The PNG is written, and no legend or title runs off its edges (l1-sparsity's legend
    beside its geometry panel was cut off at the right once)."""
    from quizapp.proofs.figure import build_figure

    fig = build_figure(runs[(name, 0)])
    path = tmp_path / f"{name}.png"
    fig.savefig(path)
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC)
    assert len(data) > 20_000  # several labelled panels, not an empty canvas
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for artist in (ax.get_legend(), ax.title):
            box = artist.get_window_extent(renderer)
            assert box.x0 >= -1 and box.x1 <= fig.bbox.x1 + 1, (ax.get_title(), box)
            assert box.y0 >= -1 and box.y1 <= fig.bbox.y1 + 1, (ax.get_title(), box)


# --- the registry ------------------------------------------------------------------------------


def test_registry_lists_exactly_the_proofs_sorted() -> None:
    assert proofs.names() == NAMES
    assert all(proofs.exists(name) for name in NAMES)
    assert not proofs.exists("no-such-proof")
    assert all(proofs.summary(name) for name in NAMES)


def test_unknown_proof_is_a_key_error_naming_the_known_ones() -> None:
    with pytest.raises(KeyError) as raised:
        proofs.run("vanishing-gradient")
    assert isinstance(raised.value, proofs.UnknownProof)
    assert "vanishing-gradient'" in str(raised.value)
    assert "vanishing-gradients" in str(raised.value)


def test_registry_never_imports_from_a_user_supplied_name() -> None:
    for name in ("os", "quizapp.proofs.model", "../model", "model"):
        with pytest.raises(proofs.UnknownProof):
            proofs.run(name)


def test_unknown_parameter_is_rejected_by_the_proof() -> None:
    with pytest.raises(TypeError):
        proofs.run("bias-term", no_such_param=1)
    assert "depth" in proofs.parameters("vanishing-gradients")
    assert "seed" not in proofs.parameters("vanishing-gradients")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.split())


def test_importing_the_registry_is_light() -> None:
    """The card parser imports quizapp.proofs: it must not pull in numpy or matplotlib."""
    loaded = _modules_after("import quizapp.proofs as p; p.names(); p.exists('bias-term')")
    assert "numpy" not in loaded
    assert "matplotlib" not in loaded


def test_proofs_core_never_imports_the_ui() -> None:
    modules = ", ".join(
        ["figure", "textchart", "report", "solvers"] + [proofs._REGISTRY[n][0] for n in NAMES]
    )
    loaded = _modules_after(f"from quizapp.proofs import {modules}")
    assert not any(m == "textual" or m.startswith(("textual.", "rich")) for m in loaded)


# --- the model -----------------------------------------------------------------------------------


def _tiny_proof(*verdicts: bool) -> Proof:
    return Proof(
        name="tiny",
        title="Tiny",
        claim="Something.",
        checks=tuple(Check(f"part {i}", v) for i, v in enumerate(verdicts)),
        figures={"answer": 42},
        panels=(Panel("p", "x", "y", (Series("s", [1, 2], [3, 4]),)),),
        explanation="Look.",
    )


def test_holds_is_derived_from_every_check() -> None:
    assert _tiny_proof(True, True).holds
    assert not _tiny_proof(True, False).holds
    with pytest.raises(ValueError):
        _tiny_proof()  # no checks: all([]) would be True and prove nothing
    with pytest.raises(AttributeError):
        _tiny_proof(False).holds = True  # type: ignore[misc]


def test_series_copy_arrays_into_plain_floats() -> None:
    series = Series("s", np.arange(3), np.array([1.5, 2.5, 3.5]))
    assert series.x == (0.0, 1.0, 2.0)
    assert all(type(v) is float for v in series.y)
    with pytest.raises(ValueError):
        Series("bad", [1, 2], [1])
    with pytest.raises(ValueError):
        Series("bad", [1], [1], kind="pie")  # type: ignore[arg-type]


# --- the renderers -------------------------------------------------------------------------------


def test_report_shows_verdict_claim_checks_and_figures(runs) -> None:
    proof = runs[("l1-sparsity", 0)]
    report = format_report(proof)
    assert report.startswith(proof.title)
    assert "✓ L2 shrinks" in report
    assert "proximal step reaching 0.0" in report
    assert "What to look at" in report
    failing = format_report(_tiny_proof(True, False))
    assert "✗ Something." in failing and "✗ part 1" in failing and "42" in failing


def _circle_chart(view: tuple[float, float, float, float] | None) -> tuple[int, int, str]:
    """A unit circle (and a far point) on equal axes as a 72x18 text chart: the columns and
    rows its marker spans, and the chart."""
    t = np.linspace(0.0, 2.0 * np.pi, 200)
    panel = Panel(
        "circle",
        "x",
        "y",
        (Series("circle", np.cos(t), np.sin(t)), Series("far", [9.0], [-7.0], "points")),
        equal_axes=True,
        text_view=view,
    )
    proof = replace(_tiny_proof(True), panels=(panel,))
    chart = text_chart(proof, width=72, height=18)
    cells = [
        (row, col)
        for row, line in enumerate(chart.splitlines()[:-2])
        for col, char in enumerate(line)
        if char == "•"
    ]
    rows = {r for r, _ in cells}
    cols = {c for _, c in cells}
    return max(cols) - min(cols) + 1, max(rows) - min(rows) + 1, chart


def test_equal_axes_keep_a_circle_round_in_a_text_chart() -> None:
    """A cell is about twice as tall as wide: a round circle spans about twice as many
    columns as rows (stretched to the chart's width it spanned five times as many)."""
    for view in (None, (-1.5, 1.5, -1.5, 1.5)):
        columns, rows, _ = _circle_chart(view)
        assert 1.5 <= columns / rows <= 2.6, (view, columns, rows)


def test_a_text_view_zooms_in_and_names_what_it_leaves_out() -> None:
    _, whole_rows, whole = _circle_chart(None)
    _, rows, zoomed = _circle_chart((-1.5, 1.5, -1.5, 1.5))
    assert rows >= 2 * whole_rows and rows >= 7  # the circle, not the far point, fills it
    assert "far (off the chart)" in zoomed and "circle (off" not in zoomed
    assert "(off the chart)" not in whole


def test_text_chart_is_plain_text_with_title_labels_and_legend(runs) -> None:
    proof = runs[("vanishing-gradients", 0)]
    chart = text_chart(proof, width=72, height=18)
    lines = chart.splitlines()
    assert "\x1b" not in chart
    assert len(lines) == 18 + 1  # the chart, then its legend on one line
    assert max(len(line) for line in lines) <= 72
    assert "layer (1 = input side)" in chart
    assert lines[-1] == "• sigmoid, Xavier   x sigmoid, He   + ReLU, Xavier   o ReLU, He"
    assert "1e-12┤" in chart  # decade ticks on the log axis, not long decimals


def test_every_panel_can_be_drawn_and_fits_80_columns(runs) -> None:
    for name in NAMES:
        proof = runs[(name, 0)]
        for index in range(len(proof.panels)):
            chart = text_chart(proof, width=78, height=16, panel=index)
            assert max(len(line) for line in chart.splitlines()) <= 78, (name, index)
        params = format_report(proof).splitlines()
        assert max(len(line) for line in params) <= 80, name


def test_hidden_series_share_a_legend_marker_and_bars_are_bars(runs) -> None:
    from quizapp.proofs.textchart import legend, markers

    dropout = runs[("dropout-ensemble", 0)].panels[0]  # restarts: one legend entry per kind
    chosen = markers(dropout)
    shown = {marker for marker, _ in legend(dropout)}
    assert set(chosen) <= shown
    bars = text_chart(runs[("init-variance", 0)], width=78, height=14, panel=1)
    assert "••••••" in bars  # filled bars, not single points


def test_y_range_is_the_data_range_not_stretched_for_a_legend(runs) -> None:
    from quizapp.proofs.textchart import _y_range

    panel = runs[("bias-term", 0)].panels[0]
    points = [(x, y) for s in panel.series for x, y in zip(s.x, s.y, strict=True)]
    low, high = _y_range(panel, points)
    assert high == max(y for _, y in points) and low == min(y for _, y in points)


def test_measured_points_show_over_their_curve_and_only_where_measured(runs) -> None:
    """learning-rate's measured contractions sit on the predicted curve: the text chart draws
    them last, so they show; and a rate above 2/L, which never nears w* on the logistic
    problem, has no point rather than one at 0 (which would read as instant convergence)."""
    proof = runs[("learning-rate", 0)]
    chart = text_chart(proof, width=78, height=16, panel=1)
    inside = [line for line in chart.splitlines() if "┤" in line or line.lstrip().startswith("│")]
    assert sum(line.count("•") for line in inside) >= 12
    logistic = proof.panels[1].series[0]
    assert len(logistic.x) >= 18 and max(logistic.x) < 2.0 and min(logistic.y) > 0.0


def test_draw_accepts_the_textual_plotext_plot(runs) -> None:
    from textual_plotext.plot import Plot

    plt = Plot()
    entries = draw(runs[("learning-rate", 0)], plt, 60, 16, panel=1)
    plt.theme("clear")
    assert "lr · L" in plt.uncolorize(plt.build())
    assert entries == [("•", "measured"), ("x", "max(|1−lr·μ|, |1−lr·L|)"), ("+", "lr = 2/L")]


def test_figure_writes_svg_by_suffix_and_refuses_other_formats(runs, tmp_path) -> None:
    proof = runs[("bias-term", 0)]
    svg = render_figure(proof, tmp_path / "f.svg").read_text()
    assert "<svg" in svg[:500]
    assert figure_bytes(proof, "png").startswith(PNG_MAGIC)
    with pytest.raises(ValueError):
        render_figure(proof, tmp_path / "f.pdf")


def test_a_log_axis_over_less_than_two_decades_labels_more_than_one_tick() -> None:
    """A training loss from 0.3 to 5 on a log axis read "10^0" and nothing else."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from quizapp.proofs.figure import _draw_panel
    from quizapp.proofs.model import Panel, Series

    def labels(low: float, high: float) -> list[str]:
        steps = list(range(21))
        values = [high * (low / high) ** (t / 20) for t in steps]
        panel = Panel("loss", "step", "loss", (Series("run", steps, values, "line"),), yscale="log")
        fig = Figure()
        FigureCanvasAgg(fig)
        ax = fig.subplots()
        _draw_panel(ax, panel)
        fig.canvas.draw()
        bottom, top = ax.get_ylim()
        return [
            t.get_text()
            for t, v in zip(ax.get_yticklabels(), ax.get_yticks(), strict=True)
            if t.get_text() and bottom <= v <= top
        ]

    assert labels(0.3, 5.0) == ["0.5", "1", "2", "5"]
    long = labels(1e-15, 10.0)
    assert len(long) >= 4  # a long axis keeps its decades
    # as plain text, not mathtext ("$\\mathdefault{10^{-3}}$"), whose parser costs a first figure;
    # which decades get a label is matplotlib's choice (3.10 labels every other one, 3.11 more)
    assert all(re.fullmatch("10[⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+", t) for t in long)
    assert any("⁻" in t for t in long)


def test_decade_labels_read_as_powers_of_ten_and_other_values_as_numbers() -> None:
    from quizapp.proofs.figure import decade_label

    assert [decade_label(v) for v in (1e-3, 1.0, 100.0, -1e2, 0.0)] == [
        "10⁻³",
        "10⁰",
        "10²",
        "−10²",
        "0",
    ]
    assert [decade_label(v) for v in (0.5, 2000.0, 3.0)] == ["0.5", "2000", "3"]


# --- the solvers and the piece counter, against independent methods ------------------------------


def _coordinate_descent(X, y, lam, ridge=0.0, sweeps=5000):
    """Reference lasso/elastic net by plain cyclic coordinate descent, one lam at a time."""
    n, p = X.shape
    gram, corr = X.T @ X / n + ridge * np.eye(p), X.T @ y / n
    b = np.zeros(p)
    for _ in range(sweeps):
        old = b.copy()
        for j in range(p):
            rho = corr[j] - gram[j] @ b + gram[j, j] * b[j]
            b[j] = np.sign(rho) * max(abs(rho) - lam, 0.0) / gram[j, j]
        if np.max(np.abs(b - old)) < 1e-13:
            break
    return b


@pytest.mark.parametrize("ridge", [0.0, 0.5])
def test_lasso_path_matches_coordinate_descent_and_kkt(ridge: float) -> None:
    from quizapp.proofs.solvers import centre, lasso_lambda_max, lasso_path

    rng = np.random.default_rng(7)
    X = rng.standard_normal((80, 6)) @ (np.eye(6) + 0.4)
    y = X @ np.array([2.0, 0, -1.0, 0, 0, 0.5]) + rng.normal(0, 1, 80)
    Xc, yc, _, _ = centre(X, y)
    lams = lasso_lambda_max(Xc, yc) * np.array([1.2, 0.8, 0.3, 0.1, 0.01])
    path = lasso_path(Xc, yc, lams, ridge=ridge)
    gram = Xc.T @ Xc / 80 + ridge * np.eye(6)
    for k, lam in enumerate(lams):
        reference = _coordinate_descent(Xc, yc, lam, ridge)
        np.testing.assert_allclose(path[:, k], reference, atol=1e-8)
        np.testing.assert_array_equal(path[:, k] == 0.0, reference == 0.0)
        residual = Xc.T @ yc / 80 - gram @ path[:, k]  # KKT: |r_j| <= lam, = lam when active
        assert np.all(np.abs(residual) <= lam * (1 + 1e-9))
        active = path[:, k] != 0.0
        np.testing.assert_allclose(residual[active], lam * np.sign(path[active, k]), rtol=1e-8)
    assert np.all(path[:, 0] == 0.0)  # above lam_max everything is exactly zero


def test_lasso_path_is_exact_on_the_ill_conditioned_polynomial_design(runs) -> None:
    """Rebuild regularization-overfitting's features from its plotted training data, solve the
    lasso path again and check optimality (KKT) and the plotted training errors."""
    from quizapp.proofs.solvers import lasso_lambda_max, lasso_path

    proof = runs[("regularization-overfitting", 0)]
    x, y = x_of(proof, 2, "training data"), y_of(proof, 2, "training data")
    feats = np.polynomial.legendre.legvander(x, 15)[:, 1:]
    z = (feats - feats.mean(axis=0)) / feats.std(axis=0)
    yc = y - y.mean()
    lams = x_of(proof, 1, "training error")
    np.testing.assert_allclose(lams[-1], lasso_lambda_max(z, yc) * 10**0.2)
    coef = lasso_path(z, yc, lams)
    residual = (z.T @ yc)[:, None] / y.size - (z.T @ z / y.size) @ coef
    assert np.all(np.abs(residual) <= lams * (1 + 1e-8))
    train = np.mean((z @ coef - yc[:, None]) ** 2, axis=0)
    np.testing.assert_allclose(train, y_of(proof, 1, "training error"), rtol=1e-9)


def test_ridge_path_matches_a_direct_solve() -> None:
    from quizapp.proofs.solvers import ridge_path

    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((30, 4)), rng.standard_normal(30)
    path = ridge_path(X, y, np.array([0.0, 0.5]))
    for k, lam in enumerate([0.0, 0.5]):
        direct = np.linalg.solve(X.T @ X / 30 + lam * np.eye(4), X.T @ y / 30)
        np.testing.assert_allclose(path[:, k], direct, rtol=1e-10)


def test_soft_threshold_gives_exact_zeros() -> None:
    from quizapp.proofs.solvers import soft_threshold

    out = soft_threshold(np.array([-2.0, -0.3, 0.0, 0.1, 1e-300, 3.0]), 0.5)
    np.testing.assert_array_equal(out, [-1.5, 0.0, 0.0, 0.0, 0.0, 2.5])
    assert np.all(np.signbit(out[1:5]) == 0)  # +0.0, not -0.0


def test_piece_counter_agrees_with_dense_sampling() -> None:
    from quizapp.proofs.depth_vs_width import count_pieces, forward, random_net

    rng = np.random.default_rng(11)
    for depth in (1, 2, 3):
        layers, readout = random_net(rng, 4, depth)
        x = np.linspace(-3, 3, 200_001)
        slopes = np.diff(forward(layers, readout, x)) / np.diff(x)
        # a sample interval straddling a kink gives one in-between slope: count runs of the
        # same slope instead of slope changes
        same = np.isclose(slopes[1:], slopes[:-1], rtol=1e-6, atol=1e-9)
        runs_long = np.count_nonzero(np.diff(np.concatenate([[0], same.astype(int), [0]])) == 1)
        assert count_pieces(layers, readout, -3.0, 3.0) == runs_long


# --- the command ---------------------------------------------------------------------------------


def test_cli_lists_every_proof() -> None:
    result = CliRunner().invoke(prove, ["--list"])
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.output.splitlines()] == NAMES


def test_cli_runs_a_proof_and_prints_claim_figures_and_chart() -> None:
    result = CliRunner().invoke(prove, ["learning-rate", "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert "✓ Gradient descent contracts the distance" in result.output
    assert "quadratic: fastest lr·L in the sweep" in result.output
    assert "┌" in result.output  # the text chart's frame
    assert "seed 1" in result.output


def test_cli_unknown_name_is_one_clear_line_and_exit_1() -> None:
    result = CliRunner().invoke(prove, ["lasso"])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # no traceback
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert "unknown proof 'lasso'" in lines[0] and "l1-sparsity" in lines[0]


@pytest.mark.parametrize(("suffix", "magic"), [(".png", PNG_MAGIC), (".svg", b"<?xml")])
def test_cli_writes_the_figure(tmp_path, suffix: str, magic: bytes) -> None:
    target = tmp_path / f"figure{suffix}"
    result = CliRunner().invoke(prove, ["bias-term", "--no-chart", "--plot", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(magic)


def test_cli_rejects_bad_options_without_traceback(tmp_path) -> None:
    runner = CliRunner()
    for args in (
        ["bias-term", "--plot", str(tmp_path / "f.pdf")],
        ["bias-term", "--set", "nonsense=1"],
        ["bias-term", "--set", "lr=fast"],
        ["vanishing-gradients", "--set", "depth=2"],
        ["bias-term", "--plot", str(tmp_path / "missing-dir" / "f.png")],
    ):
        result = runner.invoke(prove, args)
        assert result.exit_code in (1, 2), args
        assert isinstance(result.exception, SystemExit), (args, result.exception)
        assert "Error" in result.output


def test_cli_set_overrides_a_parameter() -> None:
    with warnings.catch_warnings():
        # At depth 30 the sigmoid's first layer does not move at all: its update ratio was a
        # division by zero, and numpy's warning was printed above the proof.
        warnings.simplefilter("error")
        result = CliRunner().invoke(
            prove, ["vanishing-gradients", "--no-chart", "--set", "depth=30"]
        )
    assert result.exit_code == 0, result.output
    assert "In a 30-layer MLP" in result.output


def test_cli_help_describes_the_command() -> None:
    result = CliRunner().invoke(prove, ["--help"])
    assert result.exit_code == 0
    assert "prove it" in result.output and "--plot" in result.output and "--list" in result.output


# --- check kinds, failing runs -------------------------------------------------------------------


def test_identities_and_statistical_checks_are_labelled() -> None:
    assert Check("a + b = b + a", True, kind="identity").label == "[identity] a + b = b + a"
    assert Check("usually", True, rate=0.9).label == "usually [on ~90% of seeds]"
    assert Check("always", True).label == "always"
    with pytest.raises(ValueError):
        Check("bad", True, rate=0.0)
    with pytest.raises(ValueError):
        Check("bad", True, kind="hunch")  # type: ignore[arg-type]


def error_block(output: str) -> str:
    """The closing error, its wrapped lines joined; each of them fits 80 columns."""
    block = output[output.rindex("Error:") :]
    assert all(len(line) <= 80 for line in block.splitlines()), block
    return " ".join(block.split())


def test_cli_exits_1_and_names_the_failing_check(monkeypatch) -> None:
    from quizapp.proofs import learning_rate

    monkeypatch.setattr(learning_rate, "gradient_step", lambda w, g, lrs: w - 2.0 * lrs * g)
    result = CliRunner().invoke(prove, ["learning-rate", "--no-chart"])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    error = error_block(result.output)
    assert "the claim does not hold" in error
    assert "quadratic: run to convergence, it converges exactly when lr < 2/L" in error


def test_the_proofs_package_makes_numpy_single_threaded() -> None:
    code = "import quizapp.proofs, os; print(os.environ['OPENBLAS_NUM_THREADS'])"
    env = {k: v for k, v in __import__("os").environ.items() if not k.endswith("NUM_THREADS")}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == "1"


# --- backprop against finite differences -------------------------------------------------------


@pytest.mark.parametrize("activation", ["sigmoid", "sigmoid-centred", "tanh", "relu"])
@pytest.mark.parametrize(("residual", "batch_norm"), [(False, False), (True, False), (True, True)])
@pytest.mark.parametrize("nets", [None, 2])
def test_backprop_matches_finite_differences(activation, residual, batch_norm, nets) -> None:
    from quizapp.proofs import mlp

    rng = np.random.default_rng(5)
    net = mlp.init_net(rng, [3, 4, 4, 4, 2], activation, "xavier", nets, residual, batch_norm, 0.3)
    lead = () if nets is None else (nets,)
    x, target = rng.standard_normal((*lead, 6, 3)), rng.standard_normal((*lead, 6, 2))
    masks = [(rng.uniform(size=(*lead, 6, 4)) < 0.7) / 0.7 for _ in range(3)] + [None]
    if activation == "relu":
        x = x + 0.05  # keep pre-activations away from the kink, where ReLU has no derivative

    def loss() -> float:
        return float(mlp.mse_grad(mlp.forward(net, x, masks).output, target)[0].sum())

    cache = mlp.forward(net, x, masks)
    grads = mlp.backward(net, cache, mlp.mse_grad(cache.output, target)[1])
    scale = max(float(np.abs(g).max()) for g in grads.params)
    for param, grad in zip(net.params, grads.params, strict=True):
        numeric = np.zeros_like(param)
        for i in np.ndindex(param.shape):
            old = param[i]
            param[i] = old + 1e-6
            up = loss()
            param[i] = old - 1e-6
            down = loss()
            param[i] = old
            numeric[i] = (up - down) / 2e-6
        assert np.max(np.abs(numeric - grad)) <= 1e-5 * scale


def test_a_single_precision_net_with_per_net_skips_stays_single() -> None:
    """depth-vs-width trains in float32 with a 0/1 skip gate per stacked net: a gate widened to
    doubles would silently make every layer after the first double again (and slower)."""
    from quizapp.proofs import mlp

    rng = np.random.default_rng(1)
    net = mlp.init_net(rng, [1, 3, 3, 3, 1], "relu", "he", nets=4)
    net.weights = [w.astype(np.float32) for w in net.weights]
    net.biases = [b.astype(np.float32) for b in net.biases]
    net.residual = np.array([0.0, 1.0, 0.0, 1.0], np.float32)[:, None, None]
    x = rng.standard_normal((4, 5, 1)).astype(np.float32)
    cache = mlp.forward(net, x)
    grads = mlp.backward(net, cache, np.ones_like(cache.output))
    assert {a.dtype for a in (cache.output, *cache.inputs, *grads.params)} == {np.dtype("float32")}


@pytest.mark.parametrize(("residual", "every"), [(False, 7), (True, 7), (False, 0)])
def test_training_on_without_diverged_nets_changes_no_number(residual, every) -> None:
    """Gradient descent drops diverged nets from the stack (batch norm's learning-rate grid);
    the losses, every net's final weights and what `on_record` saw must be those of carrying
    them to the end. A subclass of GradientDescent is trained the old way."""
    from quizapp.proofs import mlp

    class Carried(mlp.GradientDescent):
        pass

    rates = np.array([3.0, 0.02, 1.0, 1e-3, 0.3, 0.05])[:, None, None]
    gate = np.array([1.0, 0.0, 1.0, 1.0, 0.0, 1.0])[:, None, None] if residual else False
    rng = np.random.default_rng(3)
    x = rng.standard_normal((len(rates), 16, 4))
    target = rng.standard_normal((len(rates), 16, 1))
    runs = {}
    for optimiser in (mlp.GradientDescent, Carried):
        # a deep linear net: the big rates blow it up, each at its own step
        net = mlp.init_net(np.random.default_rng(4), [4, 4, 4, 4, 1], "linear", "he", len(rates))
        net.residual = gate
        held = net.params  # the caller's arrays: they must end up holding the result
        seen = []

        def record(t, trained, losses, seen=seen):
            seen.append((t, [p.copy() for p in trained.params], losses.copy()))

        losses = mlp.train(
            net, x, target, 30, optimiser(net.params, rates), every=every, on_record=record
        )
        runs[optimiser] = (losses, [p.copy() for p in held], seen)
    (slim, slim_weights, slim_seen), (carried, carried_weights, carried_seen) = runs.values()
    died = ~np.isfinite(carried[-1])
    assert 0 < died.sum() < len(rates)  # some nets diverge, some train on
    assert len({int(np.argmax(~np.isfinite(carried[:, i]))) for i in np.flatnonzero(died)}) > 1
    np.testing.assert_array_equal(slim, carried)
    for a, b in zip(slim_weights, carried_weights, strict=True):
        np.testing.assert_array_equal(a, b)
    assert [t for t, _, _ in slim_seen] == [t for t, _, _ in carried_seen]
    for (_, a_params, a_losses), (_, b_params, b_losses) in zip(
        slim_seen, carried_seen, strict=True
    ):
        np.testing.assert_array_equal(a_losses, b_losses)
        for a, b in zip(a_params, b_params, strict=True):
            np.testing.assert_array_equal(a, b)


# --- mutations: each check fails when the phenomenon it claims is broken --------------------------


def _net_without(field: str):
    """A replacement for mlp.Net that silently drops `field` (residual or batch_norm)."""
    from quizapp.proofs import mlp

    real = mlp.Net

    def make(weights, biases, activation="relu", residual=False, batch_norm=False, **more):
        options = {"residual": residual, "batch_norm": batch_norm, **more, field: False}
        return real(weights, biases, activation, **options)

    return make


def _neuron_with_bias(real):
    return lambda x, y, bias: real(x, y, True)


def _no_training_dropout(module):
    real = module.dropout_masks

    def masks(rng, shape, keep, layers):
        if np.any(keep == 1.0):  # the training call: plain and dropout nets side by side
            return [np.ones(shape)] * layers + [None]
        return real(rng, shape, keep, layers)

    return masks


def _snapped(real):
    def solver(*args):
        beta = real(*args)
        return np.where(np.abs(beta) < 1e-2, 0.0, beta)

    return solver


def _neuron_without_bias(real):
    return lambda x, y, bias: real(x, y, False)


def _shuffled_labels(real):
    def moons(rng, n, noise, flip):
        x, y = real(rng, n, noise, flip)
        return x, rng.permutation(y)

    return moons


def _dropout_everywhere(real):
    """Dropout masks for the nets meant to train without dropout too."""
    return lambda rng, shape, keep, layers: real(rng, shape, np.full_like(keep, keep.min()), layers)


def _test_time_scaled(scale):
    """A weight-scaled net whose hidden units are multiplied by scale(keep) at test time: keep
    is scaling twice (inverted dropout already divided by it in training), 1/keep over-scales."""
    from quizapp.proofs import mlp

    def logits(net, x, keep):
        return mlp.forward(net, x, [scale(keep)] * (len(net.weights) - 1) + [None]).output

    return logits


def _unrescaled_masks(real):
    """The identity's masks with kept units left at 1, not divided by the keep probability."""

    def masks(units, width, keep):
        every, chance = real(units, width, keep)
        return np.minimum(every, 1.0), chance

    return masks


def _squashed_readout(mp, module):
    """A nonlinearity after the masked layer: the read-out squashed (sigmoid) before the masks
    are averaged, in both the mask average and the weight-scaled net it is compared with. The
    mean of a squashed read-out over masks is not the squashed weight-scaled read-out (Jensen),
    so the identity must fail: it holds only because the read-out is linear in the mask."""
    from quizapp.proofs import mlp

    real_averaged, real_scaled = module.mask_averaged, module.weight_scaled

    def averaged(net, x, masks, chance, layer):
        _, per_mask = real_averaged(net, x, masks, chance, layer)
        squashed = mlp.sigmoid(per_mask)
        return np.tensordot(chance, squashed, axes=1), squashed

    mp.setattr(module, "mask_averaged", averaged)
    mp.setattr(module, "weight_scaled", lambda net, x, keep: mlp.sigmoid(real_scaled(net, x, keep)))


def _lasso_always_first(real):
    """A lasso that always hands a group's weight to its first member (a fixed tie-break)."""

    def fit(*args):
        lasso, enet = real(*args)
        lasso = lasso.copy()
        for start in range(0, lasso.size, 3):
            lasso[start], lasso[start + 1 : start + 3] = lasso[start : start + 3].sum(), 0.0
        return lasso, enet

    return fit


def _kinks_far_away(real):
    def net(rng, width, depth):
        layers, readout = real(rng, width, depth)
        return [(w, b + 100.0) for w, b in layers], readout

    return net


def _leaky_relu_gradient(mp):
    """Backprop as if ReLU leaked 0.1 below zero: a dead layer then gets a gradient."""
    from quizapp.proofs import mlp

    relu = mlp.ACTIVATIONS["relu"][0]
    mp.setitem(mlp.ACTIVATIONS, "relu", (relu, lambda z: np.where(z > 0, 1.0, 0.1)))


def _mutations():
    """(proof, what is broken, how to break it, params, statements that must then fail)."""
    from quizapp.proofs import (
        bias_term,
        bias_variance,
        depth_vs_width,
        dropout_ensemble,
        elastic_net,
        l1_sparsity,
        learning_rate,
        mlp,
        momentum_adam,
        norm_balls,
        vanishing_gradients,
    )

    sigmoid = mlp.ACTIVATIONS["sigmoid"][0]
    residual = "sigmoid, Xavier, residual"  # the label the proof gives its residual net
    return [
        (
            "learning-rate",
            "gradient steps twice as long as stated",
            lambda mp: mp.setattr(learning_rate, "gradient_step", lambda w, g, r: w - 2 * r * g),
            {},
            [
                "quadratic: the measured",
                "quadratic: run to",
                "quadratic: the fastest",
                "logistic regression: near",
                "logistic regression: converges",
            ],
        ),
        (
            "vanishing-gradients",
            "broken backprop: sigmoid's derivative taken as 1",
            lambda mp: mp.setitem(mlp.ACTIVATIONS, "sigmoid", (sigmoid, np.ones_like)),
            {},
            ["sigmoid vanishes", "... and under He", "training ("],
        ),
        (
            "vanishing-gradients",
            "ReLU gets Xavier where He was asked for",
            lambda mp: mp.setitem(mlp.INITS, "he", mlp.INITS["xavier"]),
            {},
            ["ReLU under He init"],
        ),
        (
            "vanishing-gradients",
            "ReLU gets He where Xavier was asked for",
            lambda mp: mp.setitem(mlp.INITS, "xavier", mlp.INITS["he"]),
            {},
            ["ReLU under Xavier init"],
        ),
        (
            "vanishing-gradients",
            "the residual net loses its skips",
            lambda mp: mp.setattr(mlp, "Net", _net_without("residual")),
            {},
            ["ReLU with He init and the residual"],
        ),
        (
            "vanishing-gradients",
            "nothing is trained (learning rate 0): no layer moves",
            lambda mp: None,
            {"lr": 0.0},
            ["training (", "ReLU with He init and the residual", "... and they learn"],
        ),
        (
            "vanishing-gradients",
            "the residual branch keeps sigmoid's +½, which 24 skips pile up",
            lambda mp: mp.setattr(
                vanishing_gradients,
                "TRAINED",
                (*vanishing_gradients.TRAINED[:2], (residual, "sigmoid", "xavier", True)),
            ),
            {},
            ["... and they learn while they move"],
        ),
        (
            "bias-term",
            "the bias-free neuron and net get a bias",
            lambda mp: (
                mp.setattr(bias_term, "BIAS_MASK", (1.0, 1.0)),
                mp.setattr(bias_term, "fit_neuron", _neuron_with_bias(bias_term.fit_neuron)),
            ),
            {},
            ["a bias-free neuron", "on mirrored data", "a bias-free ReLU net", "so on x > 0"],
        ),
        (
            "bias-term",
            "the neuron and net that should have a bias lose it",
            lambda mp: (
                mp.setattr(bias_term, "BIAS_MASK", (0.0, 0.0)),
                mp.setattr(bias_term, "fit_neuron", _neuron_without_bias(bias_term.fit_neuron)),
            ),
            {},
            ["with a bias the same neuron", "the same net with biases"],
        ),
        (
            "bias-variance",
            "the target is a straight line: no bias for extra degrees to remove",
            lambda mp: mp.setattr(bias_variance, "true_function", lambda x: 2.0 * x - 1.0),
            {},
            ["bias² falls"],
        ),
        (
            "bias-variance",
            "no noise: nothing for a flexible fit to chase",
            lambda mp: None,
            {"noise": 0.0},
            ["variance rises", "the measured test error is U-shaped"],
        ),
        (
            "bias-variance",
            "two training sets: too few to measure the decomposition",
            lambda mp: None,
            {"sets": 2},
            ["bias² + variance + noise matches"],
        ),
        (
            "l1-sparsity",
            "no proximal step: the soft threshold becomes a subgradient step",
            lambda mp: mp.setattr(l1_sparsity, "soft_threshold", lambda v, t: v - t * np.sign(v)),
            {},
            ["the proximal soft-threshold", "ISTA (gradient step"],
        ),
        (
            "l1-sparsity",
            "subgradient and SGD round small weights to zero",
            lambda mp: (
                mp.setattr(l1_sparsity, "subgradient", _snapped(l1_sparsity.subgradient)),
                mp.setattr(l1_sparsity, "sgd_l1", _snapped(l1_sparsity.sgd_l1)),
            ),
            {},
            ["subgradient descent and SGD"],
        ),
        (
            "l1-sparsity",
            "every update rule is the proximal one",
            lambda mp: mp.setattr(
                l1_sparsity,
                "_trajectories",
                lambda *a, real=l1_sparsity._trajectories: (real(*a)[2],) * 3,
            ),
            {},
            ["L2 shrinks w", "plain L1 subgradient"],
        ),
        (
            "l1-sparsity",
            "the lasso solver is ridge",
            lambda mp: mp.setattr(l1_sparsity, "lasso_path", l1_sparsity.ridge_path),
            {},
            ["ISTA (gradient step", "lasso path:"],
        ),
        (
            "l1-sparsity",
            "ridge solved by the lasso",
            lambda mp: mp.setattr(l1_sparsity, "ridge_path", l1_sparsity.lasso_path),
            {},
            ["ridge: no coefficient"],
        ),
        (
            "l1-sparsity",
            "subgradient descent and SGD stopped after 1% of their steps",
            lambda mp: (
                mp.setattr(
                    l1_sparsity,
                    "subgradient",
                    lambda x, y, lam, steps, real=l1_sparsity.subgradient: real(
                        x, y, lam, steps // 100
                    ),
                ),
                mp.setattr(
                    l1_sparsity,
                    "sgd_l1",
                    lambda x, y, lam, epochs, batch, rng, real=l1_sparsity.sgd_l1: real(
                        x, y, lam, epochs // 100, batch, rng
                    ),
                ),
            ),
            {},
            ["... though they reach nearly"],
        ),
        (
            "l1-sparsity",
            "the diamond minimised as if it were the disc",
            lambda mp: mp.setattr(norm_balls, "on_diamond", norm_balls.on_disc),
            {},
            ["constrained view: the lowest", "each of those points"],
        ),
        (
            "l1-sparsity",
            "the diamond's point is the bowl's centre pulled straight onto it, not its minimum",
            lambda mp: mp.setattr(
                norm_balls,
                "on_diamond",
                lambda c, a, r: r * c / np.abs(c).sum(axis=1, keepdims=True),
            ),
            {},
            ["constrained view: the lowest", "each of those points"],
        ),
        (
            "l1-sparsity",
            "the disc minimised as if it were the diamond",
            lambda mp: mp.setattr(norm_balls, "on_disc", norm_balls.on_diamond),
            {},
            ["... and on the L2 disc", "each of those points"],
        ),
        (
            "dropout-ensemble",
            "dropout removed from training (masks forced to 1)",
            lambda mp: mp.setattr(
                dropout_ensemble, "dropout_masks", _no_training_dropout(dropout_ensemble)
            ),
            {},
            ["with dropout the same nets"],
        ),
        (
            "dropout-ensemble",
            "the nets meant to train without dropout get it too",
            lambda mp: mp.setattr(
                dropout_ensemble,
                "dropout_masks",
                _dropout_everywhere(dropout_ensemble.dropout_masks),
            ),
            {},
            # Not "with dropout the same nets end lower": both halves train with dropout
            # then, so which ends lower is a coin toss (masks forced to 1 catches that check).
            ["without dropout the net overfits"],
        ),
        (
            "dropout-ensemble",
            "no signal: the training labels are shuffled",
            lambda mp: mp.setattr(
                dropout_ensemble, "two_moons", _shuffled_labels(dropout_ensemble.two_moons)
            ),
            {},
            ["with dropout, averaging"],
        ),
        (
            "dropout-ensemble",
            "weight scaling applied twice: test-time units multiplied by keep again",
            lambda mp: mp.setattr(
                dropout_ensemble, "weight_scaled", _test_time_scaled(lambda keep: keep)
            ),
            {},
            ["weight scaling approximates"],
        ),
        (
            "dropout-ensemble",
            "weight scaling the wrong way: test-time units divided by keep",
            lambda mp: mp.setattr(
                dropout_ensemble, "weight_scaled", _test_time_scaled(lambda keep: 1.0 / keep)
            ),
            {},
            ["weight scaling approximates"],
        ),
        (
            "dropout-ensemble",
            "the identity masks the first hidden layer, whose units pass through another ReLU",
            lambda mp: mp.setattr(dropout_ensemble, "MASKED_LAYER", 0),
            {},
            ["the net run with each of the"],
        ),
        (
            "dropout-ensemble",
            "a nonlinearity after the masked layer: the read-out squashed before averaging",
            lambda mp: _squashed_readout(mp, dropout_ensemble),
            {},
            ["the net run with each of the"],
        ),
        (
            "dropout-ensemble",
            "the identity's masks are not rescaled by 1/keep",
            lambda mp: mp.setattr(
                dropout_ensemble,
                "enumerated_masks",
                _unrescaled_masks(dropout_ensemble.enumerated_masks),
            ),
            {},
            ["the net run with each of the"],
        ),
        (
            "elastic-net",
            "the elastic net loses its ridge part",
            lambda mp: mp.setattr(
                elastic_net,
                "lasso_path",
                lambda x, y, lams, ridge=0.0, real=elastic_net.lasso_path: real(x, y, lams),
            ),
            {},
            ["elastic net keeps every member", "elastic net spreads", "elastic-net path"],
        ),
        (
            "elastic-net",
            "the lasso gets a ridge part",
            lambda mp: mp.setattr(
                elastic_net,
                "lasso_path",
                lambda x, y, lams, ridge=0.0, real=elastic_net.lasso_path: real(x, y, lams, 1.0),
            ),
            {},
            ["lasso usually keeps exactly one", "elastic net spreads"],
        ),
        (
            "elastic-net",
            "the lasso always keeps a group's first member",
            lambda mp: mp.setattr(elastic_net, "_fit_at", _lasso_always_first(elastic_net._fit_at)),
            {},
            ["which member the lasso keeps"],
        ),
        (
            "depth-vs-width",
            "the tent layers are built wrong (a shallow net in their place)",
            lambda mp: mp.setattr(
                depth_vs_width, "sawtooth", lambda k: depth_vs_width.shallow_best(2 * k)
            ),
            {},
            ["k layers of 2 units", "with the same budget"],
        ),
        (
            "depth-vs-width",
            "the best shallow net gets two units more than it is charged for",
            lambda mp: mp.setattr(
                depth_vs_width,
                "shallow_best",
                lambda n, real=depth_vs_width.shallow_best: real(n + 2),
            ),
            {},
            ["a shallow net of n units"],
        ),
        (
            "depth-vs-width",
            "random nets get their kinks far outside the inputs",
            lambda mp: mp.setattr(
                depth_vs_width, "random_net", _kinks_far_away(depth_vs_width.random_net)
            ),
            {},
            ["randomly initialised deep nets"],
        ),
        (
            "depth-vs-width",
            "the wide net is not given the deep net's parameter count",
            lambda mp: mp.setattr(depth_vs_width, "parameter_count", lambda sizes: 10),
            {},
            ["training, "],
        ),
        (
            "depth-vs-width",
            "backprop lets a dead ReLU layer learn (its derivative leaks 0.1)",
            _leaky_relu_gradient,
            {},
            ["10 plain layers of 3 units"],
        ),
        (
            "depth-vs-width",
            "skip connections switched off",
            lambda mp: mp.setattr(mlp, "_has_skips", lambda residual: False),
            {},
            ["with skip connections the same weights", "and more of them fit"],
        ),
        (
            "init-variance",
            "He init replaced by Xavier",
            lambda mp: mp.setitem(mlp.INITS, "he", mlp.INITS["xavier"]),
            {},
            ["He with ReLU"],
        ),
        (
            "init-variance",
            "Xavier init replaced by He",
            lambda mp: mp.setitem(mlp.INITS, "xavier", mlp.INITS["he"]),
            {},
            ["Xavier with ReLU halves", "Xavier suits tanh"],
        ),
        (
            "init-variance",
            "zero init is not zero",
            lambda mp: mp.setitem(mlp.INITS, "zero", mlp.INITS["small"]),
            {},
            ["zero init"],
        ),
        (
            "init-variance",
            "the small init is ten times larger",
            lambda mp: mp.setitem(mlp.INITS, "small", lambda a, b: 0.1),
            {},
            ["a small init"],
        ),
        (
            "residual-connections",
            "broken backprop: sigmoid's derivative taken as 1",
            lambda mp: mp.setitem(mlp.ACTIVATIONS, "sigmoid", (sigmoid, np.ones_like)),
            {},
            ["without skips", "with skips"],
        ),
        (
            "residual-connections",
            "skip connections dropped",
            lambda mp: mp.setattr(mlp, "Net", _net_without("residual")),
            {},
            ["with skips", "at depth"],
        ),
        (
            "batch-norm",
            "batch norm removed",
            lambda mp: mp.setattr(mlp, "Net", _net_without("batch_norm")),
            {},
            ["scaling layer", "... and divides", "with BN the layers", "with BN, gradient"],
        ),
        (
            "batch-norm",
            "the init is not too large after all",
            lambda mp: None,
            {"init_scale": 1.0},
            ["without BN a"],
        ),
        (
            "momentum-adam",
            "momentum switched off",
            lambda mp: mp.setattr(
                momentum_adam,
                "heavy_ball",
                lambda c, w0, lr, beta, n: momentum_adam.gd(c, w0, lr, n),
            ),
            {},
            ["momentum contracts", "to cut the loss", "with a constant lr Adam"],
        ),
        (
            "momentum-adam",
            "gradient descent at half its best rate",
            lambda mp: mp.setattr(
                momentum_adam,
                "gd",
                lambda c, w0, lr, n, real=momentum_adam.gd: real(c, w0, lr / 2, n),
            ),
            {},
            ["gradient descent at its best"],
        ),
        (
            "momentum-adam",
            "Adam without its per-coordinate scaling",
            lambda mp: mp.setattr(
                momentum_adam, "adam", lambda c, w0, lr, n: momentum_adam.gd(c, w0, lr, n)
            ),
            {},
            ["Adam's first step", "to cut the loss"],
        ),
    ]


MUTATIONS = _mutations()


@pytest.mark.parametrize(
    ("name", "broken", "mutate", "params", "expected"),
    MUTATIONS,
    ids=[f"{m[0]}: {m[1]}" for m in MUTATIONS],
)
def test_a_mutation_that_breaks_the_phenomenon_fails_its_checks(
    monkeypatch, name, broken, mutate, params, expected
) -> None:
    assert proofs.run(name, seed=3, **params).holds or params, "the unmutated proof must hold"
    mutate(monkeypatch)
    for seed in (0, 3):
        proof = proofs.run(name, seed=seed, **params)
        failing = [c.statement for c in proof.failing]
        for start in expected:
            assert any(s.startswith(start) for s in failing), (broken, start, failing)


@pytest.mark.parametrize(
    "name",
    [
        "learning-rate",
        "init-variance",
        "residual-connections",
        "batch-norm",
        "momentum-adam",
        "elastic-net",
        "depth-vs-width",
        "dropout-ensemble",
        "vanishing-gradients",
        "l1-sparsity",
        "bias-variance",
    ],
)
def test_every_check_is_caught_by_some_mutation(name: str) -> None:
    caught = {start for m in MUTATIONS if m[0] == name for start in m[4]}
    for check in proofs.run(name).checks:
        assert any(check.statement.startswith(start) for start in caught), check.statement


def test_cli_set_can_break_a_claim_and_then_exits_1_naming_the_check() -> None:
    """Five Adam steps cannot fit the bump: the user's own --set breaks the claim, and the error
    at the end says which check failed."""
    result = CliRunner().invoke(prove, ["bias-term", "--no-chart", "--set", "steps=5"])
    assert result.exit_code == 1, result.output
    error = error_block(result.output)
    assert "the claim does not hold" in error
    assert "the same net with biases fits the bump" in error


def test_cli_wraps_a_long_panel_heading_at_80_columns_instead_of_cutting_it(monkeypatch) -> None:
    import dataclasses

    real = proofs.run
    title = "a panel title long enough to pass eighty columns with its heading, ending in WORD"

    def long_titles(name, **kwargs):
        proof = real(name, **kwargs)
        panels = tuple(dataclasses.replace(panel, title=title) for panel in proof.panels)
        return dataclasses.replace(proof, panels=panels)

    monkeypatch.setattr(proofs, "run", long_titles)
    result = CliRunner().invoke(prove, ["momentum-adam"])
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    headings = [line for line in result.output.splitlines() if line.startswith("Panel 1 of")]
    assert headings and "WORD" in result.output.split(headings[0], 1)[1].splitlines()[1]


def test_a_circling_run_stops_early_and_a_slow_one_is_not_cut_short() -> None:
    """learning-rate stops a column that has not halved its distance in a window (it could not
    converge within max_steps anyway), but never one that is merely slow."""
    from quizapp.proofs.learning_rate import CONVERGED, run_to_convergence, stall_window

    factors = np.array([-1.0, 0.999])  # a 2-cycle (logistic above 2/L) and a slow crawl
    w0 = np.ones((1, 2))
    max_steps = 40_000
    history, taken, _ = run_to_convergence(
        lambda w: w * factors, w0, np.zeros(1), np.eye(1), max_steps
    )
    assert taken[0] == stall_window(max_steps) < max_steps
    assert history[taken[1], 1] <= CONVERGED < history[taken[0], 0]


def test_bias_variance_explanation_quotes_the_bias_it_measured() -> None:
    """The explanation once said "about 1e-12 by degree 12" whatever the run; it now quotes the
    run's own bias² at its top degree, and says "falls" when bias² stays on the axis."""
    for max_degree in (12, 8, 3):
        proof = proofs.run("bias-variance", seed=4, max_degree=max_degree)
        bias2 = y_of(proof, 0, "bias²")
        assert f"(to {bias2[-1]:.1g} by degree {max_degree})" in proof.explanation
        shown = bias2[-1] >= proof.panels[0].ylim[0]
        assert ("bias² falls" in proof.explanation) == shown

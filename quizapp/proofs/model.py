"""The values a proof returns: what was claimed, what was measured, and what to plot.

Everything here is plain Python (no numpy), so a `Proof` can cross threads, be pickled, and be
rendered by code that never saw the experiment. Arrays handed in are copied into tuples of floats
at construction, which also freezes them: the evidence cannot change after the checks were made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

SeriesKind = Literal["line", "dashed", "points", "linepoints", "bar"]
CheckKind = Literal["claim", "identity"]
Scale = Literal["linear", "log", "symlog"]

_KINDS = ("line", "dashed", "points", "linepoints", "bar")
_SCALES = ("linear", "log", "symlog")


def _floats(values: Iterable[Any]) -> tuple[float, ...]:
    """Copy a 1-D sequence (list, tuple or numpy array) into a tuple of Python floats."""
    return tuple(float(v) for v in values)


@dataclass(frozen=True)
class Series:
    """One curve (or set of points or bars) in a panel.

    `kind` says how to draw it: "line", "dashed" (reference lines such as a noise floor),
    "points", "linepoints" or "bar". `color` is an optional matplotlib colour hint so that the
    same quantity keeps its colour across panels; renderers may ignore it. A label starting
    with "_" keeps the series out of the legend (matplotlib's convention), for bundles of
    similar curves such as sample fits.
    """

    label: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    kind: SeriesKind = "line"
    color: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "x", _floats(self.x))
        object.__setattr__(self, "y", _floats(self.y))
        if len(self.x) != len(self.y):
            raise ValueError(f"series {self.label!r}: {len(self.x)} x values, {len(self.y)} y")
        if self.kind not in _KINDS:
            raise ValueError(f"series {self.label!r}: unknown kind {self.kind!r}")


@dataclass(frozen=True)
class Panel:
    """One set of axes: a title, labelled axes, scale hints and the series drawn on them.

    `symlog` is for quantities that reach exactly zero but span decades before that (the
    proximal L1 weight): zero stays visible below `linthresh` while the rest reads as log.
    `ylim` fixes the y range when a few wild values would otherwise flatten what matters
    (the data are not clipped; what falls outside is simply off the chart). `equal_axes` asks
    for the same scale on both axes, for geometry (a text chart counts a cell as twice as tall
    as it is wide). `text_view` (x0, x1, y0, y1) is the region a text chart shows, when the
    whole would leave what matters a few cells wide; a series with nothing in it is marked
    "off the chart" in that chart's legend.
    """

    title: str
    xlabel: str
    ylabel: str
    series: tuple[Series, ...]
    xscale: Scale = "linear"
    yscale: Scale = "linear"
    linthresh: float = 1e-6
    ylim: tuple[float, float] | None = None
    equal_axes: bool = False  # one unit is as long on x as on y (a circle stays round)
    text_view: tuple[float, float, float, float] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "series", tuple(self.series))
        if not self.series:
            raise ValueError(f"panel {self.title!r} has no series")
        for scale in (self.xscale, self.yscale):
            if scale not in _SCALES:
                raise ValueError(f"panel {self.title!r}: unknown scale {scale!r}")

    def get(self, label: str) -> Series:
        """The series called `label` (tests use this to recompute figures from the data)."""
        for series in self.series:
            if series.label == label:
                return series
        raise KeyError(f"panel {self.title!r} has no series {label!r}")


@dataclass(frozen=True)
class Check:
    """One sub-claim and whether the data bear it out.

    `detail` states the measured numbers behind the verdict ("ratio 3.1e8 >= 1000"), so a
    reader sees *why* it holds rather than just a tick.
    """

    statement: str
    holds: bool
    detail: str = ""
    kind: CheckKind = "claim"
    rate: float = 1.0

    def __post_init__(self) -> None:
        # bool(np.bool_) -> bool: keeps the value plain and rejects nothing truthy by accident.
        object.__setattr__(self, "holds", bool(self.holds))
        object.__setattr__(self, "rate", float(self.rate))
        if self.kind not in ("claim", "identity"):
            raise ValueError(f"check {self.statement!r}: unknown kind {self.kind!r}")
        if not 0.0 < self.rate <= 1.0:
            raise ValueError(f"check {self.statement!r}: rate {self.rate} is not in (0, 1]")

    @property
    def statistical(self) -> bool:
        """A claim about most datasets, not all: it is stated and benchmarked as a rate."""
        return self.rate < 1.0

    @property
    def label(self) -> str:
        """The statement with what kind of evidence it is: an identity holds by algebra (it
        guards the code, not the science); a statistical claim carries its measured rate."""
        if self.kind == "identity":
            return f"[identity] {self.statement}"
        if self.statistical:
            return f"{self.statement} [on ~{self.rate:.0%} of seeds]"
        return self.statement


@dataclass(frozen=True)
class Proof:
    """The outcome of one "prove it" experiment.

    There is deliberately no `holds` field: `holds` is derived from the checks, and each check's
    bool is computed from the data by the proof module, so no one can write a verdict by hand.
    """

    name: str
    title: str
    claim: str
    checks: tuple[Check, ...]
    figures: Mapping[str, float]
    panels: tuple[Panel, ...]
    explanation: str
    seed: int = 0
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "checks", tuple(self.checks))
        object.__setattr__(self, "panels", tuple(self.panels))
        object.__setattr__(self, "figures", {k: float(v) for k, v in self.figures.items()})
        object.__setattr__(self, "params", dict(self.params))
        if not self.checks:
            raise ValueError(f"proof {self.name!r} has no checks; all([]) would prove nothing")
        if not self.panels:
            raise ValueError(f"proof {self.name!r} has nothing to plot")

    @property
    def holds(self) -> bool:
        """True when every sub-claim holds on this run's data."""
        return all(check.holds for check in self.checks)

    @property
    def failing(self) -> tuple[Check, ...]:
        """The checks that do not hold on this run (what `quizapp prove` names on exit 1)."""
        return tuple(check for check in self.checks if not check.holds)

    @property
    def main_panel(self) -> Panel:
        """The panel a small (terminal) chart shows: the first one."""
        return self.panels[0]

    def panel(self, title: str) -> Panel:
        """The panel whose title is `title`."""
        for panel in self.panels:
            if panel.title == title:
                return panel
        raise KeyError(f"proof {self.name!r} has no panel {title!r}")


@dataclass(frozen=True)
class Frame:
    """A proof's picture while it runs, e.g. the training curves up to `step`, for a live view.

    A proof that trains hands frames to its `progress` callback as it goes; the final `Proof`
    stays the only thing that carries a verdict.
    """

    step: int
    steps: int
    panel: Panel


# Called with a Frame when there is something new to show, and with None at every step in
# between (a heartbeat: the place to raise Stopped, so that stopping takes one step, not one
# frame).
Progress = Callable[[Frame | None], None]


class Stopped(Exception):
    """Raised by a `progress` callback to end a run early (the user pressed stop)."""

"""Prove it: run a card's simulation and show the claim, the verdict, the figures and a chart.

The simulation (numpy) and the PNG (matplotlib) run in thread workers, so the screen keeps
answering keys while they work; this module is imported only when the screen first opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import LoadingIndicator, Static
from textual_plotext import PlotextPlot

from quizapp.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from quizapp.proofs import Proof
    from quizapp.tui.app import QuizApp

HOLDS, FAILS = "✓", "✗"


def figures_folder(app: QuizApp) -> Path:
    """Where saved figures go: next to the store, so they are easy to find again."""
    if app.db_path is not None:
        return app.db_path.parent / "figures"
    import tempfile

    return Path(tempfile.gettempdir()) / "quizapp-figures"


def verdict_content(proof: Proof) -> Content:
    mark = HOLDS if proof.holds else FAILS
    style = "bold $text-success" if proof.holds else "bold $text-error"
    return Content.assemble(
        Content.styled(f"{mark} ", style),
        Content.styled(proof.claim, "bold"),
        Content.styled(
            "\n(holds on this run)" if proof.holds else "\n(does NOT hold on this run)",
            "$text-muted",
        ),
    )


def details_content(proof: Proof) -> Content:
    """Checks with their measured numbers, then the key figures."""
    from quizapp.proofs.report import format_number

    lines = [Content.styled("Checks", "bold")]
    for check in proof.checks:
        mark = Content.styled(
            HOLDS if check.holds else FAILS, "$text-success" if check.holds else "$text-error"
        )
        detail = f": {check.detail}" if check.detail else ""
        lines.append(Content.assemble("  ", mark, f" {check.label}{detail}"))
    if proof.figures:
        lines += [Content(""), Content.styled("Key figures", "bold")]
        width = max(len(label) for label in proof.figures)
        lines += [
            Content(f"  {label:<{width}}  {format_number(value)}")
            for label, value in proof.figures.items()
        ]
    lines += [Content(""), Content.styled("What to look at", "bold"), Content(proof.explanation)]
    return Content("\n").join(lines)


class ProofChart(PlotextPlot):
    """One of the proof's panels as a terminal chart; `panel` picks which.

    It redraws from the proof on every render: plotext transforms a log axis's data and ticks in
    place when it builds, so building the same figure twice (any resize or refresh) would take
    the logarithm twice. Every series has its own marker character, so the chart reads without
    colour; the legend (marker and label) is shown by the screen under the chart.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.proof: Proof | None = None
        self.panel = 0

    def show(self, proof: Proof, panel: int = 0) -> None:
        self.proof = proof
        self.panel = panel
        self.refresh()

    def render(self) -> RenderResult:
        from quizapp.proofs.textchart import draw

        if self.proof is not None:
            draw(self.proof, self.plt, self.size.width, self.size.height, self.panel)
        return super().render()


def panel_heading(proof: Proof, panel: int) -> str:
    """'Panel 2 of 4: title' plus the keys that page through them (fits 80 columns)."""
    count = len(proof.panels)
    keys = "  (←/→: other panels)" if count > 1 else ""
    return f"Panel {panel + 1} of {count}: {proof.panels[panel].title}{keys}"


def legend_text(proof: Proof, panel: int, width: int) -> str:
    from quizapp.proofs.textchart import legend, legend_lines

    return "\n".join(legend_lines(legend(proof.panels[panel]), max(20, width)))


class ProveScreen(Screen[None]):
    """One proof: runs on open; ←/→ page through its panels, ``s`` saves the full matplotlib
    figure, ``r`` re-runs with the next seed."""

    CSS_PATH = "prove_screen.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right", "panel(1)", "Next panel"),
        Binding("left", "panel(-1)", "Previous panel", show=False),
        Binding("s", "save_figure", "Save figure"),
        Binding("r", "rerun", "Run again (next seed)"),
        Binding("escape", "back", "Back"),
    ]

    @dataclass
    class Finished(Message):
        proof: Proof

    @dataclass
    class Failed(Message):
        error: str

    @dataclass
    class FigureSaved(Message):
        path: Path | None
        error: str = ""

    def __init__(self, name: str, seed: int = 0) -> None:
        super().__init__()
        self.proof_name = name
        self.seed = seed
        self.proof: Proof | None = None
        self.panel = 0
        self.saving = False

    @property
    def quiz_app(self) -> QuizApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(f"Prove it  │  {self.proof_name}", id="status", markup=False)
        with VerticalScroll(id="proof"):
            yield Static(id="claim")
            yield LoadingIndicator(id="running")
            yield Static(id="panel-heading", markup=False)
            yield Static(id="legend", markup=False)  # above the chart: visible without scrolling
            yield ProofChart(id="chart")
            yield Static(id="details")
            yield Static(id="saved", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#chart").display = False
        self.start()

    def start(self) -> None:
        self.proof = None
        self.query_one("#claim", Static).update(
            f"Running the '{self.proof_name}' simulation (seed {self.seed})…"
        )
        self.query_one("#running").display = True
        self.query_one("#chart").display = False
        self.query_one("#panel-heading", Static).update("")
        self.query_one("#legend", Static).update("")
        self.query_one("#details", Static).update("")
        self.refresh_bindings()
        self.run_proof(self.proof_name, self.seed)

    @work(thread=True, exclusive=True, group="proof", exit_on_error=False)
    def run_proof(self, name: str, seed: int) -> None:
        from quizapp import proofs

        try:
            proof = proofs.run(name, seed=seed)
        except Exception as exc:  # a failing experiment is shown, not raised
            self.post_message(self.Failed(f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(self.Finished(proof))

    @on(Finished)
    def _finished(self, message: Finished) -> None:
        if message.proof.seed != self.seed:
            return  # a re-run superseded it
        self.proof = message.proof
        self.query_one("#running").display = False
        self.query_one("#status", Static).update(f"Prove it  │  {message.proof.title}")
        self.query_one("#claim", Static).update(verdict_content(message.proof))
        self.query_one("#details", Static).update(details_content(message.proof))
        self.panel = min(self.panel, len(message.proof.panels) - 1)
        self.query_one(ProofChart).display = True
        self.show_panel()
        self.refresh_bindings()

    def show_panel(self) -> None:
        """Draw the current panel with its heading and legend."""
        if self.proof is None:
            return
        self.query_one("#panel-heading", Static).update(panel_heading(self.proof, self.panel))
        self.query_one(ProofChart).show(self.proof, self.panel)
        width = self.query_one("#legend", Static).size.width or self.size.width - 4
        self.query_one("#legend", Static).update(legend_text(self.proof, self.panel, width))

    def action_panel(self, step: int) -> None:
        if self.proof is None:
            return
        self.panel = (self.panel + step) % len(self.proof.panels)
        self.show_panel()

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.query_one("#running").display = False
        self.query_one("#claim", Static).update(
            Content.styled(f"The simulation failed: {message.error}", "$text-error")
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save_figure":
            return None if self.proof is None or self.saving else True
        if action == "panel":
            return None if self.proof is None or len(self.proof.panels) < 2 else True
        return True

    def action_save_figure(self) -> None:
        if self.proof is None or self.saving:
            return
        self.saving = True
        self.refresh_bindings()
        path = figures_folder(self.quiz_app) / f"{self.proof.name}-seed{self.proof.seed}.png"
        self.query_one("#saved", Static).update("Saving the figure…")
        self.save_figure(self.proof, path)

    @work(thread=True, exclusive=True, group="figure", exit_on_error=False)
    def save_figure(self, proof: Proof, path: Path) -> None:
        from quizapp.proofs.figure import render_figure

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            written = render_figure(proof, path)
        except Exception as exc:
            self.post_message(self.FigureSaved(None, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(self.FigureSaved(written))

    @on(FigureSaved)
    def _saved(self, message: FigureSaved) -> None:
        self.saving = False
        self.refresh_bindings()
        saved = self.query_one("#saved", Static)
        if message.path is None:
            saved.update(f"Could not save the figure: {message.error}")
            return
        saved.update(f"Figure saved: {message.path}")
        self.notify(str(message.path), title="Figure saved")

    def action_rerun(self) -> None:
        self.seed += 1
        self.start()

    def action_back(self) -> None:
        self.dismiss()

"""Prove it: run a card's simulation and show the claim, the verdict, the figures and a chart.

The proof's parameters are editable fields at the top (**e** goes to them, **enter** runs with
them); proofs that train show their curves as they go and **x** stops them. The simulation
(numpy) and every picture (matplotlib) run in thread workers that only post messages, so the
screen keeps answering keys while they work; this module is imported only when the screen
first opens. Where the terminal draws images (see `terminal_images`) a panel is shown as the
real matplotlib picture, **i** switching to the text chart and back.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label, LoadingIndicator, Static
from textual_plotext import PlotextPlot

from quizapp.tui import terminal_images
from quizapp.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from quizapp.proofs import Frame, Panel, Proof
    from quizapp.tui.app import QuizApp

HOLDS, FAILS = "✓", "✗"
CONTROLS_HELP = "e: edit a value, enter: run with these values, esc: leave the fields"
FRAME_INTERVAL = 0.05  # seconds between two live frames drawn (a worker may produce more)


def figures_folder(app: QuizApp) -> Path:
    """Where saved figures go: next to the store, so they are easy to find again."""
    if app.db_path is not None:
        return app.db_path.parent / "figures"
    import tempfile

    return Path(tempfile.gettempdir()) / "quizapp-figures"


def verdict_content(proof: Proof) -> Content:
    mark = HOLDS if proof.holds else FAILS
    style = "bold $text-success" if proof.holds else "bold $text-error"
    failing = "; ".join(check.statement for check in proof.failing)
    return Content.assemble(
        Content.styled(f"{mark} ", style),
        Content.styled(proof.claim, "bold"),
        Content.styled(
            "\n(holds on this run)" if proof.holds else f"\n(does NOT hold on this run: {failing})",
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
    """One panel (of the proof, or of a live training frame) as a terminal chart.

    It redraws from the panel on every render: plotext transforms a log axis's data and ticks in
    place when it builds, so building the same figure twice (any resize or refresh) would take
    the logarithm twice. Every series has its own marker character, so the chart reads without
    colour; the legend (marker and label) is shown by the screen under the chart.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.shown: Panel | None = None

    @property
    def panel_title(self) -> str:
        return "" if self.shown is None else self.shown.title

    def show(self, panel: Panel) -> None:
        self.shown = panel
        self.refresh()

    def render(self) -> RenderResult:
        from quizapp.proofs.textchart import draw_panel

        if self.shown is not None:
            draw_panel(self.shown, self.plt, self.size.width, self.size.height)
        return super().render()


def panel_heading(proof: Proof, panel: int, width: int = 76) -> str:
    """'Panel 2 of 4: title' plus the keys that page through them, shortened or left out when
    they would push the heading onto a second line (at 80 columns they did for half the
    proofs, a row the chart needs); a title too long alone still wraps, it is never cut."""
    count = len(proof.panels)
    heading = f"Panel {panel + 1} of {count}: {proof.panels[panel].title}"
    if count == 1:
        return heading
    for keys in ("  (←/→: other panels)", "  (←/→)", ""):  # the key bar shows → Panel too
        if len(heading + keys) <= width:
            break
    return heading + keys


CHART_ROWS = 18  # the text chart's height where the screen has room for it


def chart_rows(screen_rows: int) -> int:
    """The text chart's height on a screen `screen_rows` tall: 18 rows from 30 up; below that
    what is left under a short claim (status, claim, heading, legend and key bar take about 11
    rows), so at 80x24 the chart is seen whole, x axis included, without scrolling."""
    return CHART_ROWS if screen_rows >= 30 else max(10, min(CHART_ROWS, screen_rows - 11))


def frame_heading(frame: Frame) -> str:
    return f"Step {frame.step} of {frame.steps} (x: stop): {frame.panel.title}"


def legend_text(panel: Panel, width: int) -> str:
    from quizapp.proofs.textchart import legend, legend_lines

    return "\n".join(legend_lines(legend(panel), max(20, width)))


class ProofView(VerticalScroll, can_focus=False):
    """The scrolling proof. It takes no focus: ←/→ page the panels instead of scrolling it
    sideways, and the screen scrolls it with ↑/↓ (the fields take focus only with e)."""


class ParameterField(Horizontal):
    """One parameter of the proof: its name and an editable value."""

    def __init__(self, key: str, value: Any) -> None:
        super().__init__(classes="parameter")
        self.key = key
        self.value = value

    def compose(self) -> ComposeResult:
        yield Label(self.key, classes="parameter-name")
        yield Input(str(self.value), id=f"param-{self.key}", compact=True, select_on_focus=True)


class ProveScreen(Screen[None]):
    """One proof: runs on open; ←/→ page through its panels, **e** edits its parameters and
    **enter** runs with them, **r** runs again with the next seed, **x** stops a training run,
    **s** saves the full matplotlib figure, **i** switches pictures and text charts."""

    CSS_PATH = "prove_screen.tcss"
    AUTO_FOCUS = ""  # nothing: the screen's keys work at once, e goes to the fields

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right", "panel(1)", "Panel"),
        Binding("left", "panel(-1)", "Previous panel", show=False),
        Binding("e", "edit", "Parameters"),
        Binding("r", "rerun", "Next seed"),
        Binding("x", "stop", "Stop"),
        Binding("i", "toggle_pictures", "Picture/text"),
        Binding("s", "save_figure", "Save figure"),
        Binding("escape", "back", "Back"),
        # The proof scrolls with these (its view takes no focus, see ProofView).
        Binding("down", "scroll('down')", show=False),
        Binding("up", "scroll('up')", show=False),
        Binding("pagedown", "scroll('page_down')", show=False),
        Binding("pageup", "scroll('page_up')", show=False),
        Binding("home", "scroll('home')", show=False),
        Binding("end", "scroll('end')", show=False),
    ]

    @dataclass
    class Finished(Message):
        run: int
        proof: Proof

    @dataclass
    class Failed(Message):
        run: int
        error: str

    @dataclass
    class Stopped(Message):
        run: int

    @dataclass
    class Progressed(Message):
        run: int
        frame: Frame

    @dataclass
    class PictureReady(Message):
        run: int
        panel: int
        png: bytes

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
        self.running = False
        self.run_id = 0
        self.settings: dict[str, Any] = {}
        self.stop_event = threading.Event()
        self.pictures = terminal_images.mode() is not None
        self.picture_panel: int | None = None  # the panel whose picture is on screen

    @property
    def quiz_app(self) -> QuizApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        from quizapp import proofs

        yield Static(f"Prove it  │  {self.proof_name}", id="status", markup=False)
        with ProofView(id="proof"):
            yield Static(id="claim")
            yield LoadingIndicator(id="running")
            yield Static(id="panel-heading", markup=False)
            yield Static(id="legend", markup=False)  # above the chart: visible without scrolling
            yield ProofChart(id="chart")
            yield Vertical(id="picture")
            yield Static("Parameters", id="controls-title", markup=False)
            with Grid(id="controls"):
                for key, value in proofs.parameters(self.proof_name).items():
                    yield ParameterField(key, value)
            yield Static(CONTROLS_HELP, id="controls-help", markup=False)
            yield Static(id="details")
            yield Static(id="saved", markup=False)
        yield KeyBar()

    def on_unmount(self) -> None:
        self.stop_event.set()  # a training run still going ends at its next step

    def on_resize(self) -> None:
        self.query_one(ProofChart).styles.height = chart_rows(self.size.height)

    def on_mount(self) -> None:
        self.query_one(ProofChart).styles.height = chart_rows(self.size.height)
        self.query_one("#chart").display = False
        self.query_one("#picture").display = False
        self.start()

    # --- running --------------------------------------------------------------------------

    def start(self) -> None:
        """Run the proof with the current seed and settings (a running one is superseded)."""
        self.stop_event.set()  # a run still going stops at its next frame
        self.stop_event = threading.Event()
        self.run_id += 1
        self.running = True
        self.proof = None
        settings = ", ".join(f"{k}={v}" for k, v in self.settings.items())
        self.query_one("#claim", Static).update(
            f"Running the '{self.proof_name}' simulation (seed {self.seed}"
            + (f"; {settings}" if settings else "")
            + ")…"
        )
        self.query_one("#running").display = True
        self.query_one("#chart").display = False
        self.query_one("#picture").display = False
        self.query_one("#panel-heading", Static).update("")
        self.query_one("#legend", Static).update("")
        self.query_one("#details", Static).update("")
        self.refresh_bindings()
        self.run_proof(
            self.run_id, self.proof_name, self.seed, dict(self.settings), self.stop_event
        )

    @work(thread=True, exclusive=True, group="proof", exit_on_error=False)
    def run_proof(
        self, run: int, name: str, seed: int, settings: dict[str, Any], stop: threading.Event
    ) -> None:
        """The simulation, off the UI thread; it only posts messages."""
        from quizapp import proofs

        last = 0.0

        def progress(frame: Frame | None) -> None:
            nonlocal last
            if stop.is_set():
                raise proofs.Stopped
            if frame is None:  # the heartbeat between frames
                return
            now = time.monotonic()
            if now - last >= FRAME_INTERVAL:
                last = now
                self.post_message(self.Progressed(run, frame))

        try:
            proof = proofs.run(name, seed=seed, progress=progress, **settings)
        except proofs.Stopped:
            self.post_message(self.Stopped(run))
            return
        except Exception as exc:  # a failing experiment or a bad value is shown, not raised
            self.post_message(self.Failed(run, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(self.Finished(run, proof))

    @on(Progressed)
    def _progressed(self, message: Progressed) -> None:
        if message.run != self.run_id:
            return
        frame = message.frame
        self.query_one("#running").display = False
        self.query_one("#panel-heading", Static).update(frame_heading(frame))
        chart = self.query_one(ProofChart)
        chart.display = True
        chart.show(frame.panel)
        self._update_legend(frame.panel)

    @on(Finished)
    def _finished(self, message: Finished) -> None:
        if message.run != self.run_id:
            return  # a re-run superseded it
        self.running = False
        proof = self.proof = message.proof
        self.query_one("#running").display = False
        self.query_one("#status", Static).update(f"Prove it  │  {proof.title}")
        self.query_one("#claim", Static).update(verdict_content(proof))
        self.query_one("#details", Static).update(details_content(proof))
        for key, value in proof.params.items():
            for field in self.query(f"#param-{key}").results(Input):
                field.value = str(value)
        self.panel = min(self.panel, len(proof.panels) - 1)
        self.show_panel()
        self.refresh_bindings()

    @on(Stopped)
    def _stopped(self, message: Stopped) -> None:
        if message.run != self.run_id:
            return
        self.running = False
        self.query_one("#running").display = False
        self.query_one("#claim", Static).update(
            "Stopped before the end: no verdict. r runs it again, enter runs the values above."
        )
        heading = self.query_one("#panel-heading", Static)
        heading.update(f"Stopped: {self.query_one(ProofChart).panel_title}")
        self.refresh_bindings()

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        if message.run != self.run_id:
            return
        self.running = False
        self.query_one("#running").display = False
        self.query_one("#claim", Static).update(
            Content.styled(f"The simulation failed: {message.error}", "$text-error")
        )
        self.refresh_bindings()

    # --- showing ----------------------------------------------------------------------------

    def show_panel(self) -> None:
        """Draw the current panel (chart or picture) with its heading and legend."""
        if self.proof is None:
            return
        panel = self.proof.panels[self.panel]
        heading = self.query_one("#panel-heading", Static)
        width = heading.size.width or self.size.width - 4
        heading.update(panel_heading(self.proof, self.panel, width))
        self._update_legend(panel)
        chart, picture = self.query_one(ProofChart), self.query_one("#picture")
        if self.pictures:
            chart.display = False
            picture.display = True
            self.render_picture(self.run_id, self.panel, panel, self._picture_pixels())
        else:
            picture.display = False
            chart.display = True
            chart.show(panel)

    def _update_legend(self, panel: Panel) -> None:
        legend = self.query_one("#legend", Static)
        width = legend.size.width or self.size.width - 4
        legend.update("" if self.pictures and not self.running else legend_text(panel, width))

    def _picture_pixels(self) -> tuple[int, int]:
        """The picture's size in pixels: the pane's width in cells times a cell's width."""
        cell_width, cell_height = 10, 20
        if terminal_images.mode() in ("sixel", "tgp"):
            from textual_image.widget import get_cell_size

            cell_width, cell_height = get_cell_size()
        columns = max(40, self.query_one("#proof").size.width - 4)
        return columns * cell_width, 18 * cell_height

    @work(thread=True, exclusive=True, group="picture", exit_on_error=False)
    def render_picture(self, run: int, index: int, panel: Panel, pixels: tuple[int, int]) -> None:
        from quizapp.proofs.figure import panel_png

        self.post_message(self.PictureReady(run, index, panel_png(panel, *pixels)))

    @on(PictureReady)
    def _picture_ready(self, message: PictureReady) -> None:
        if message.run != self.run_id or message.panel != self.panel or not self.pictures:
            return
        import io

        from PIL import Image as PILImage

        image = PILImage.open(io.BytesIO(message.png))
        self.picture_panel = message.panel
        shown = self.query(".picture-image")
        if shown:  # one picture widget, its image replaced (a fresh mount may lay out at 0 rows)
            shown.first().image = image
        else:
            picture = self.query_one("#picture", Vertical)
            picture.mount(terminal_images.image_widget(image=image, classes="picture-image"))

    # --- keys ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save_figure":
            return None if self.proof is None or self.saving else True
        if action == "panel":
            return None if self.proof is None or len(self.proof.panels) < 2 else True
        if action == "stop":  # shown only while something runs
            return self.running
        if action == "toggle_pictures":  # shown only where the terminal draws pictures
            return terminal_images.mode() is not None
        return True

    def action_panel(self, step: int) -> None:
        if self.proof is None:
            return
        self.panel = (self.panel + step) % len(self.proof.panels)
        self.show_panel()

    def action_scroll(self, where: str) -> None:
        view = self.query_one("#proof", VerticalScroll)
        getattr(view, f"scroll_{where}")()

    def action_edit(self) -> None:
        self.query(Input).first().focus()

    @on(Input.Submitted)
    def _run_with_fields(self, event: Input.Submitted) -> None:
        """Enter in any field: run with every field's value (one bad value: say which)."""
        from quizapp.proofs.settings import SettingError, convert

        settings: dict[str, Any] = {}
        try:
            for field in self.query(ParameterField):
                text = self.query_one(f"#param-{field.key}", Input).value
                value = convert(self.proof_name, field.key, text)
                if value != field.value:
                    settings[field.key] = value
        except SettingError as error:
            # said next to the fields (the claim above may be scrolled out of sight)
            self.query_one("#controls-help", Static).update(
                Content.styled(f"Not run: {error}", "$text-error")
            )
            return
        self.query_one("#controls-help", Static).update(CONTROLS_HELP)
        self.settings = settings
        self.set_focus(None)
        self.start()

    def action_stop(self) -> None:
        self.stop_event.set()

    def action_toggle_pictures(self) -> None:
        self.pictures = not self.pictures
        self.show_panel()

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
        if isinstance(self.focused, Input):  # esc leaves the fields first
            self.set_focus(None)
            return
        self.stop_event.set()
        self.dismiss()

"""The statistics screen: a review calendar, the workload forecast, true retention and quizzes.

The numbers come from :func:`quizapp.stats.snapshot`, read on the main thread with the app's
store (a few indexed queries, and the 30-day forecast played forward with FSRS; in a worker
when the store is a file). Exporting PNGs is slower (matplotlib), so it runs in a thread
worker that is handed the snapshot, never the store, and posts a message when it is done.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from math import ceil
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static
from textual_plotext import PlotextPlot

from quizapp.calibration import Level, calibration
from quizapp.forecast import Forecast, summary_line
from quizapp.stats import Bucket, StatsSnapshot, snapshot
from quizapp.store import Store
from quizapp.tui.widgets.key_bar import KeyBar
from quizapp.tui.widgets.workload_chart import WorkloadChart
from quizapp.wording import plural

# GitHub's dark-theme greens: no reviews, then four levels up to the busiest day shown.
LEVEL_COLOURS = ("#3a3f47", "#0e4429", "#006d32", "#26a641", "#39d353")
#: And the same levels as heights, so the calendar reads without colour (a monochrome terminal,
#: colour blindness, a screenshot in print).
LEVEL_CELLS = ("·", "▂", "▄", "▆", "█")
WEEKDAY_LABELS = ("Mon", "", "Wed", "", "Fri", "", "Sun")
LABEL_WIDTH = 4
BLOCKS = " ▏▎▍▌▋▊▉█"  # eighths of a cell, for bar lengths finer than one character
QUIZZES_SHOWN = 30  # the terminal shows the latest quizzes; the PNG has them all


def level(count: int, peak: int) -> int:
    """0 for no reviews, else 1-4 by the share of the busiest day (GitHub's quartiles)."""
    if count <= 0 or peak <= 0:
        return 0
    return min(4, ceil(4 * count / peak))


def bar(fraction: float, width: int) -> str:
    """A horizontal bar ``width`` cells long at most, in eighths of a cell."""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    return ("█" * (eighths // 8) + (BLOCKS[eighths % 8] if eighths % 8 else "")).ljust(width)


class CalendarHeatmap(Widget):
    """Reviews per day as cells whose colour and height both rise with the count: a column per
    week, Monday at the top.

    Shows as many of the latest weeks as fit its width, like GitHub's contribution calendar.
    """

    DEFAULT_CSS = """
    CalendarHeatmap {
        height: 9;
    }
    """

    days: reactive[tuple[tuple[date, int], ...]] = reactive(tuple)

    def render(self) -> RenderResult:
        if not self.days:
            return Content("No reviews yet.")
        last = self.days[-1][0]
        first_monday = self.days[0][0] - timedelta(days=self.days[0][0].weekday())
        weeks_total = (last - first_monday).days // 7 + 1
        room = self.size.width - LABEL_WIDTH
        cell = 2 if room >= 2 * weeks_total else 1  # "▄ " reads better than "▄" when it fits
        weeks = max(1, min(weeks_total, room // cell))
        start = last - timedelta(days=last.weekday()) - timedelta(weeks=weeks - 1)
        counts = {day: count for day, count in self.days if day >= start}
        peak = max(counts.values(), default=0)
        lines = [self._months(start, weeks, cell)]
        for weekday in range(7):
            parts: list[str | tuple[str, str]] = [WEEKDAY_LABELS[weekday].ljust(LABEL_WIDTH)]
            for week in range(weeks):
                day = start + timedelta(days=7 * week + weekday)
                if day in counts:
                    shade = level(counts[day], peak)
                    parts.append((LEVEL_CELLS[shade].ljust(cell), LEVEL_COLOURS[shade]))
                else:
                    parts.append(" " * cell)  # before the data or after today
            lines.append(Content.assemble(*parts))
        legend = Content.assemble(
            " " * LABEL_WIDTH,
            ("less ", "dim"),
            *((glyph, colour) for glyph, colour in zip(LEVEL_CELLS, LEVEL_COLOURS, strict=True)),
            (" more" + (f"   (busiest day shown: {peak})" if peak else ""), "dim"),
        )
        lines.append(legend)
        return Content("\n").join(lines)

    @staticmethod
    def _months(start: date, weeks: int, cell: int) -> Content:
        """Month names over the week in which each month starts, where they do not overlap."""
        row = [" "] * (LABEL_WIDTH + weeks * cell)
        free_from = 0
        for week in range(weeks):
            monday = start + timedelta(weeks=week)
            firsts = [monday + timedelta(days=i) for i in range(7)]
            month_start = next((d for d in firsts if d.day == 1), None)
            column = LABEL_WIDTH + week * cell
            if month_start and column >= free_from and column + 3 <= len(row):
                row[column : column + 3] = month_start.strftime("%b")
                free_from = column + 4
        return Content.styled("".join(row), "dim")


class RetentionBars(Widget):
    """True retention per interval bucket: a bar, the rate and recalled/total."""

    DEFAULT_CSS = """
    RetentionBars {
        height: auto;
    }
    """

    buckets: reactive[tuple[Bucket, ...]] = reactive(tuple)

    def render(self) -> RenderResult:
        if not any(b.total for b in self.buckets):
            return Content("No reviews of cards in review yet.")
        label_width = max(len(b.label) for b in self.buckets) + 1
        counts_width = max(len(f" {b.recalled}/{b.total}") for b in self.buckets)
        width = max(4, self.size.width - label_width - len(" 100%") - counts_width)
        lines = []
        for b in self.buckets:
            if b.total:
                assert b.rate is not None
                lines.append(
                    Content.assemble(
                        b.label.ljust(label_width),
                        (bar(b.rate, width), "$accent"),
                        f" {b.rate:4.0%}",
                        (f" {b.recalled}/{b.total}", "dim"),
                    )
                )
            else:
                lines.append(Content.assemble(b.label.ljust(label_width), ("no reviews", "dim")))
        return Content("\n").join(lines)


class CalibrationBars(Widget):
    """Per confidence level: the share recalled (bar and %), the mean score and the count."""

    DEFAULT_CSS = """
    CalibrationBars {
        height: auto;
    }
    """

    levels: reactive[tuple[Level, ...]] = reactive(tuple)

    def render(self) -> RenderResult:
        label_width = max((len(lv.label) for lv in self.levels), default=6) + 1
        width = max(4, self.size.width - label_width - 36)
        lines = []
        for lv in self.levels:
            if not lv.answers:
                lines.append(Content.assemble(lv.label.ljust(label_width), ("no answers", "dim")))
                continue
            rate = lv.recall_rate or 0.0
            score = f"score {lv.mean_score:4.0%}" if lv.mean_score is not None else "no score  "
            lines.append(
                Content.assemble(
                    lv.label.ljust(label_width),
                    (bar(rate, width), "$accent"),
                    f" recalled {rate:4.0%} · {score}",
                    (f" · {lv.answers}", "dim"),
                )
            )
        return Content("\n").join(lines)


class StatsScreen(Screen[None]):
    """The four charts of :mod:`quizapp.stats`, and ``x`` to export them as PNG files."""

    CSS_PATH = "stats_screen.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "export", "Export PNGs"),
        Binding("o", "optimize", "Fit FSRS"),
        Binding("r", "reload", "Refresh"),
        Binding("escape", "back", "Back"),
    ]

    @dataclass
    class Exported(Message):
        """The export worker wrote ``paths`` into ``folder``."""

        folder: Path
        paths: list[Path]

    @dataclass
    class Optimized(Message):
        """The optimize worker finished; ``message`` is its one-paragraph verdict."""

        message: str
        adopted: bool

    @dataclass
    class ExportFailed(Message):
        """The export worker could not write the PNGs; ``error`` says why."""

        folder: Path
        error: str

    def __init__(
        self,
        store: Store,
        now: Callable[[], datetime],
        *,
        export_dir: Path | None = None,
        db_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.db_path = db_path
        self.now = now
        self.export_dir = export_dir
        self.snapshot: StatsSnapshot | None = None
        self.levels: tuple[Level, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(id="status", markup=False)
        # Scrolls: at 80x24 the panels below the forecast are a page down.
        with VerticalScroll(id="stats"):
            with Vertical(id="heatmap-panel", classes="panel"):
                yield CalendarHeatmap(id="heatmap")
            with Vertical(id="forecast-panel", classes="panel"):
                yield WorkloadChart(id="forecast")
            with Horizontal(id="lower"):
                with Vertical(id="retention-panel", classes="panel"):
                    yield RetentionBars(id="retention")
                with Vertical(id="quiz-panel", classes="panel"):
                    yield PlotextPlot(id="quiz-trend")
                    yield Static("No finished quizzes yet.", id="no-quizzes")
            # Shown once some answer carries a confidence ('review --plain --confidence').
            with Vertical(id="calibration-panel", classes="panel"):
                yield CalibrationBars(id="calibration")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#heatmap-panel").border_title = "Reviews per day"
        self.query_one("#forecast-panel").border_title = "Workload, next 30 days"
        self.query_one("#retention-panel").border_title = "True retention"
        self.query_one("#quiz-panel").border_title = "Quiz scores"
        self.query_one("#calibration-panel").border_title = "Calibration: how sure you were"

    def on_screen_resume(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        """Re-read the statistics from the store and redraw every chart.

        Given the store's path, a thread worker computes them on its own connection (a year of
        reviews takes longer than a frame), so the screen opens at once; otherwise (an
        in-memory store, which cannot cross threads) they are computed here.
        """
        self.levels = calibration(self.store)  # one small query, before the worker's numbers
        if self.db_path is None:
            self.show(snapshot(self.store, self.now()))
            return
        if self.snapshot is None:
            self.query_one("#status", Static).update("Statistics  ·  reading your reviews…")
        # After the first frame: the worker holds the GIL for much of its work.
        self.call_after_refresh(self._compute, self.db_path, self.now())

    @dataclass
    class Computed(Message):
        snapshot: StatsSnapshot

    @dataclass
    class Unreadable(Message):
        reason: str

    @work(thread=True, exclusive=True, group="stats-snapshot", exit_on_error=False)
    def _compute(self, path: Path, now: datetime) -> None:
        try:
            with Store.open(path, migrate=False) as store:
                snap = snapshot(store, now)
        except Exception as exc:  # said on screen: "reading your reviews…" must not stay
            from quizapp.errors import explain

            self.post_message(self.Unreadable(explain(exc, db_path=path)))
            return
        self.post_message(self.Computed(snap))

    def on_stats_screen_computed(self, message: Computed) -> None:
        self.show(message.snapshot)

    def on_stats_screen_unreadable(self, message: Unreadable) -> None:
        self.query_one("#status", Static).update(
            f"Statistics could not be read: {message.reason}  (r tries again)"
        )

    def show(self, snap: StatsSnapshot) -> None:
        self.snapshot = snap
        year_total = sum(count for _, count in snap.reviews_per_day)
        retention = snap.true_retention
        parts = [
            "Statistics",
            f"{plural(snap.reviews_today, 'review')} today",
            f"{year_total:,} in {plural(len(snap.reviews_per_day), 'day')}",
            f"streak {plural(snap.streak_days, 'day')}",
            "retention " + (f"{retention:.0%}" if retention is not None else "not measured yet"),
        ]
        line = "  ·  ".join(parts)
        if len(line) >= self.size.width:  # 80 columns: closer together, the title goes first
            line = " · ".join(parts[1:])
        self.query_one("#status", Static).update(line)
        self.query_one(CalendarHeatmap).days = snap.reviews_per_day
        active = sum(1 for _, count in snap.reviews_per_day if count)
        self.query_one(
            "#heatmap-panel"
        ).border_subtitle = (
            f"{snap.reviews_today} today · {year_total:,} on {plural(active, 'day')}"
        )
        self._draw_forecast(snap.workload)
        reviewed = sum(b.total for b in snap.retention)
        self.query_one(RetentionBars).buckets = snap.retention
        self.query_one(
            "#retention-panel"
        ).border_subtitle = f"{reviewed:,} reviews{self._target_text(snap.now)}"
        self._draw_quiz_trend(snap.quiz_trend)
        self.query_one("#calibration-panel").display = any(lv.answers for lv in self.levels)
        self.query_one(CalibrationBars).levels = self.levels

    def _target_text(self, now: datetime) -> str:
        """The desired retention the measured one should be read against (per deck, in force)."""
        from quizapp.review import settings_of

        decks = [r[0] for r in self.store.conn.execute("SELECT name FROM decks")]
        targets = sorted({round(settings_of(self.store, d, now).retention, 2) for d in decks})
        if not targets:
            return ""
        if len(targets) == 1:
            return f" · target {targets[0]:.0%}"
        return f" · targets {targets[0]:.0%}-{targets[-1]:.0%}"

    def _draw_forecast(self, result: Forecast) -> None:
        self.query_one(WorkloadChart).result = result
        panel = self.query_one("#forecast-panel")
        new = any(day.new for day in result.days)
        panel.border_title = "Workload, next 30 days" + (" · █ reviews ░ new cards" if new else "")
        panel.border_subtitle = summary_line(result, short=True)

    def _draw_quiz_trend(self, trend: Sequence[tuple[datetime, float]]) -> None:
        plot = self.query_one("#quiz-trend", PlotextPlot)
        plot.display = bool(trend)
        self.query_one("#no-quizzes").display = not trend
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        panel = self.query_one("#quiz-panel")
        if not trend:
            panel.border_subtitle = ""
            return
        shown = trend[-QUIZZES_SHOWN:]
        xs = list(range(1, len(shown) + 1))
        plt.plot(xs, [score * 100 for _, score in shown], marker="braille")
        plt.ylim(0, 100)
        plt.yticks([0, 50, 100])
        ticks = [xs[0], xs[-1]] if len(xs) > 1 else xs
        plt.xticks(ticks, [f"{shown[i - 1][0].astimezone():%d %b}" for i in ticks])
        plot.refresh()
        latest = f"latest {trend[-1][1]:.0%}"
        panel.border_subtitle = (
            f"{latest} · {plural(len(trend), 'quiz')}"
            if len(trend) <= QUIZZES_SHOWN
            else f"{latest} · last {QUIZZES_SHOWN} of {len(trend)}"
        )

    def action_back(self) -> None:
        self.dismiss()

    def action_export(self) -> None:
        """Write the PNGs of what is on screen, in a thread; a notification names the folder."""
        if self.snapshot is None:
            return
        if self.export_dir is None:
            from quizapp.charts import default_export_dir

            self.export_dir = default_export_dir()
        self.notify("Drawing the charts…", timeout=2)
        self._export(self.snapshot, self.export_dir, self.levels)

    @work(thread=True, exclusive=True, group="stats-export", exit_on_error=False)
    def _export(self, snap: StatsSnapshot, folder: Path, levels: tuple[Level, ...] = ()) -> None:
        from quizapp.charts import write_all

        try:
            paths = write_all(snap, folder)
            if any(lv.answers for lv in levels):
                from quizapp.calibration import calibration_png

                paths.append(calibration_png(levels, Path(folder) / "calibration.png"))
        except Exception as exc:  # a full disk or a bad folder must not close the app
            self.post_message(self.ExportFailed(folder, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(self.Exported(folder, paths))

    def action_optimize(self) -> None:
        """Fit FSRS to the review log in a thread (as 'quizapp optimize'); a notification says
        whether the fit was adopted and why."""
        if self.store.path is None:
            self.notify("This store is in memory: nothing to fit.", severity="warning")
            return
        self.notify("Fitting FSRS to your reviews…", timeout=3)
        self._optimize(self.store.path, self.now())

    @work(thread=True, exclusive=True, group="stats-optimize", exit_on_error=False)
    def _optimize(self, path: Path, now: datetime) -> None:
        # sqlite connections cannot cross threads: the worker opens its own.
        from quizapp.fitting.fit import optimize

        try:
            with Store.open(path) as store:
                report = optimize(store, now)
        except Exception as exc:  # a fit that fails must not close the app
            self.post_message(self.Optimized(f"The fit failed: {type(exc).__name__}: {exc}", False))
            return
        self.post_message(self.Optimized(report.message, report.adopted))

    def on_stats_screen_optimized(self, message: Optimized) -> None:
        self.notify(
            message.message,
            title="FSRS parameters",
            severity="information" if message.adopted else "warning",
            markup=False,
            timeout=15,
        )

    def on_stats_screen_exported(self, message: Exported) -> None:
        names = ", ".join(path.name for path in message.paths)
        self.notify(
            f"{names}\nin {message.folder}", title="Charts exported", markup=False, timeout=10
        )

    def on_stats_screen_export_failed(self, message: ExportFailed) -> None:
        self.notify(
            f"{message.folder}: {message.error}",
            title="Export failed",
            severity="error",
            markup=False,
            timeout=15,
        )

"""The statistics screen: its numbers match the store, ``x`` writes the PNGs, ``escape`` leaves.

The store is filled through the real paths (sync, then answers at chosen times); the shared
conftest pins the time zone to UTC, so study days here start at 04:00 UTC.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.app import App
from textual.content import Content

from quizapp import forecast, stats
from quizapp.charts import FILES
from quizapp.clock import iso
from quizapp.review import answer, undo
from quizapp.store import Store
from quizapp.sync import sync
from quizapp.tui.stats_screen import (
    LEVEL_CELLS,
    LEVEL_COLOURS,
    CalendarHeatmap,
    RetentionBars,
    StatsScreen,
)
from quizapp.tui.widgets.workload_chart import WorkloadChart

from .conftest import settle

NOW = datetime(2026, 6, 15, 18, 0, tzinfo=UTC)


def deck_text(count: int) -> str:
    return "".join(f"## Question {n}\n<!--\nid: q{n}\n-->\nAnswer {n}\n\n" for n in range(count))


@pytest.fixture
def stats_store(tmp_path: Path) -> Store:
    """Five cards with a month of history: 3 live reviews today, 1 yesterday, quizzes."""
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "ml.md").write_text(deck_text(5), encoding="utf-8")
    store = Store.open(tmp_path / "stats.db")
    start = NOW - timedelta(days=30)
    assert sync(store, [folder], start).ok
    ids = [row[0] for row in store.conn.execute("SELECT id FROM cards ORDER BY line")]
    made = iter(range(1, 1000))

    def review(card: str, rating: int, when: datetime):
        # Fixed review ids: the schedule's fuzz derives from them, so due dates never change.
        return answer(store, card, rating, when, review_id=str(uuid.UUID(int=next(made))))

    for i, card in enumerate(ids):
        review(card, 3, start + timedelta(hours=i))
        review(card, 3, start + timedelta(hours=i, minutes=10))
        review(card, 3 if i else 1, start + timedelta(days=6 + i))
    review(ids[0], 3, NOW - timedelta(days=1))  # yesterday
    for i in range(3):
        review(ids[i + 1], 3 if i else 1, NOW - timedelta(hours=3 - i))  # today
    taken_back = review(ids[4], 1, NOW - timedelta(minutes=5))
    undo(store, taken_back.review_id, NOW - timedelta(minutes=4))
    for n, score in enumerate((0.4, 0.55, 0.5, 0.7, 0.8)):
        finished = start + timedelta(days=5 * n + 1)
        store.conn.execute(
            "INSERT INTO quizzes (id, deck, started_at, finished_at, questions, score)"
            " VALUES (?, 'ml', ?, ?, 5, ?)",
            (f"quiz{n}", iso(finished - timedelta(minutes=15)), iso(finished), score),
        )
    yield store
    store.close()


class StatsApp(App[None]):
    """The smallest app that shows the screen: no sync, no home screen."""

    def __init__(self, store: Store, export_dir: Path) -> None:
        super().__init__()
        self.store = store
        self.export_dir = export_dir

    def on_mount(self) -> None:
        self.push_screen(StatsScreen(self.store, lambda: NOW, export_dir=self.export_dir))


def render(widget) -> Content:
    content = widget.render()
    assert isinstance(content, Content)
    return content


async def test_the_screen_shows_the_numbers_in_the_store(stats_store, tmp_path):
    app = StatsApp(stats_store, tmp_path / "png")
    summary = stats.summary(stats_store, NOW)
    assert summary.reviews_today == 3  # what the fixture made, counted by another query
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        status = str(screen.query_one("#status").render())
        assert "3 reviews today" in status
        assert f"streak {summary.streak_days} days" in status
        assert f"retention {stats.snapshot(stats_store, NOW).true_retention:.0%}" in status

        # Live reviews: 10 on the first day (two per card), one a day on five days after it,
        # one yesterday and three today (the undone answer does not count): 19 on 8 days.
        assert screen.query_one("#heatmap-panel").border_subtitle == "3 today · 19 on 8 days"
        heatmap = render(screen.query_one(CalendarHeatmap))
        colours = [colour for row in range(1, 8) for colour in _row_cells(heatmap, row)]
        assert len(colours) == 365  # a year of squares; the legend's are on the last line
        assert len([c for c in colours if c != LEVEL_COLOURS[0]]) == 8
        # Today, a Monday, is the last square of the first row; the busiest day had 10 reviews,
        # so today's 3 get level ceil(4 * 3 / 10) = 2, and the first day the top level.
        lines = heatmap.plain.split("\n")
        assert lines[1].startswith("Mon")
        assert _row_cells(heatmap, 1)[-1] == LEVEL_COLOURS[2]
        assert colours.count(LEVEL_COLOURS[4]) == 1
        # Each level also has its own height, so the calendar does not rely on colour.
        starts = [start for row in range(1, 8) for start in _cell_starts(heatmap, row)]
        glyphs = [heatmap.plain[start] for start in starts]
        assert [LEVEL_CELLS.index(g) for g in glyphs] == [LEVEL_COLOURS.index(c) for c in colours]
        assert all(glyph in lines[-1] for glyph in LEVEL_CELLS)  # the legend shows them all

        retention = render(screen.query_one(RetentionBars)).plain
        for bucket in stats.retention_by_interval(stats_store, NOW):
            if bucket.total:
                assert f"{bucket.rate:4.0%} {bucket.recalled}/{bucket.total}" in retention

        workload = forecast.workload_forecast(stats_store, NOW)
        assert screen.query_one(WorkloadChart).result == workload
        assert screen.query_one("#forecast-panel").border_subtitle == forecast.summary_line(
            workload, short=True
        )
        assert screen.query_one("#quiz-panel").border_subtitle == "latest 80% · 5 quizzes"


def _day_spans(content: Content, row: int) -> list:
    """The styled spans of the day cells on one line of the heatmap."""
    lines = content.plain.split("\n")
    start = sum(len(line) + 1 for line in lines[:row])
    end = start + len(lines[row])
    return [
        span
        for span in content.spans
        if start <= span.start < end and content.plain[span.start] in LEVEL_CELLS
    ]


def _row_cells(content: Content, row: int) -> list[str]:
    """Colours of the day cells on one line of the heatmap."""
    return [str(span.style) for span in _day_spans(content, row)]


def _cell_starts(content: Content, row: int) -> list[int]:
    return [span.start for span in _day_spans(content, row)]


async def test_x_exports_the_pngs_in_a_worker(stats_store, tmp_path):
    folder = tmp_path / "png"
    app = StatsApp(stats_store, folder)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await pilot.pause()
        for name in FILES.values():
            data = (folder / name).read_bytes()
            assert data.startswith(b"\x89PNG\r\n\x1a\n"), name
        messages = [n.message for n in app._notifications]
        assert any(str(folder) in message for message in messages), messages


async def test_export_failure_is_reported_not_raised(stats_store, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    app = StatsApp(stats_store, blocker)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await pilot.pause()
        failed = [n for n in app._notifications if n.title == "Export failed"]
        assert failed and str(blocker) in failed[0].message
        assert isinstance(app.screen, StatsScreen)


async def test_statistics_that_cannot_be_read_say_why_instead_of_reading_forever(
    app_factory, monkeypatch
):
    """The worker's failure left "reading your reviews…" on screen for good."""
    import sqlite3

    import quizapp.tui.stats_screen as screen

    def broken(store, now):
        raise sqlite3.OperationalError("disk I/O error")

    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(screen, "snapshot", broken)
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(app.screen.query_one("#status").render())
        assert "could not be read" in status and "disk I/O error" in status, status


async def test_escape_goes_back(stats_store, tmp_path):
    app = StatsApp(stats_store, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, StatsScreen)


async def test_the_app_opens_the_screen_on_its_store(app_factory):
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        assert app.screen.store is app.store
        assert "0 reviews today" in str(app.screen.query_one("#status").render())


def test_snapshot(stats_store, tmp_path, snap_compare):
    """A month of reviews: eight green squares at the right end of the calendar, today's
    (Monday, top row, last column) included, the brightest being 10 reviews in mid-May; the
    workload forecast in five columns of six days, each with its expected answers in tenths
    (the busiest day is under 10) and a bar, 'today' first, under 1-2 a day; retention rows
    for 4-7d, 8-14d and 15-30d only, read against "target 90%"; the quiz line climbing from
    40% to 80%."""
    assert snap_compare(StatsApp(stats_store, tmp_path), terminal_size=(100, 30))


async def test_the_status_line_fits_80_columns(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        line = str(app.screen.query_one("#status").render())
        assert "streak 0 days" in line and "retention" in line
        assert len(line) < 80


async def test_the_workload_chart_shows_every_day_with_its_number_at_80_columns(
    stats_store, tmp_path
):
    """30 days in four columns of eight rows: each day's label and rounded count on screen,
    today first, no line wider than the panel, and the bars on one scale (the busiest day's
    is the longest)."""
    app = StatsApp(stats_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        chart = app.screen.query_one(WorkloadChart)
        result = chart.result
        lines = render(chart).plain.split("\n")
        assert len(lines) == 8 == chart.size.height
        assert all(len(line) <= chart.size.width for line in lines)
        cells = [line[i : i + 17] for i in range(0, 4 * 19, 19) for line in lines]
        cells = [cell for cell in cells if cell.strip()]
        assert len(cells) == 30 and cells[0].startswith("today")
        by_label = {cell[:6].strip(): cell[6:].split()[0] for cell in cells}
        for index, day in enumerate(result.days):
            assert by_label[forecast.label(day, index)] == forecast.number(
                day.total, result.peak.total
            )
        bars = {cell[:6].strip(): len(cell[10:].rstrip()) for cell in cells}
        busiest = result.days.index(result.peak)
        assert bars[forecast.label(result.peak, busiest)] == max(bars.values())

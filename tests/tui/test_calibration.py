"""Calibration on the stats screen and as a PNG: confidence against recall and score."""

from __future__ import annotations

import pytest

from quizapp.calibration import calibration, calibration_png
from quizapp.tui.stats_screen import CalibrationBars

from . import test_stats_screen as base
from .test_stats_screen import StatsApp, render

stats_store = base.stats_store  # the same month of history as the stats screen's tests


def _with_confidence(store) -> None:
    """'sure' on six answers of which two were Again; 'unsure' on two, both recalled."""
    ids = [r[0] for r in store.conn.execute("SELECT id FROM reviews ORDER BY reviewed_at, id")]
    again = [r[0] for r in store.conn.execute("SELECT id FROM reviews WHERE rating = 1")][:2]
    good = [i for i in ids if i not in again]
    for review_id in again + good[:4]:
        store.conn.execute("UPDATE reviews SET confidence = 3 WHERE id = ?", (review_id,))
    for review_id in good[4:6]:
        store.conn.execute("UPDATE reviews SET confidence = 1 WHERE id = ?", (review_id,))


@pytest.fixture
def confident(request):
    store = request.getfixturevalue("stats_store")
    _with_confidence(store)
    return store


def test_levels_count_recall_per_confidence(confident):
    unsure, fairly, sure = calibration(confident)
    assert (sure.answers, sure.recalled) == (6, 4)
    assert (unsure.answers, unsure.recalled) == (2, 2)
    assert fairly.answers == 0 and fairly.recall_rate is None


async def test_the_panel_appears_only_with_confidence_answers(request, tmp_path):
    stats_store = request.getfixturevalue("stats_store")
    app = StatsApp(stats_store, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert not app.screen.query_one("#calibration-panel").display
    _with_confidence(stats_store)
    app = StatsApp(stats_store, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#calibration-panel").display
        text = str(render(app.screen.query_one(CalibrationBars)))
        assert "sure" in text and "recalled  67%" in text and "recalled 100%" in text


def test_calibration_png(confident, tmp_path):
    path = calibration_png(calibration(confident), tmp_path / "c.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    empty = calibration_png((), tmp_path / "empty.png")
    assert empty.stat().st_size > 0


def test_snapshot_with_calibration(confident, tmp_path, snap_compare):
    """The stats screen of test_stats_screen's snapshot scrolled to the end (pressing end):
    the retention and quiz panels, then a Calibration panel at the bottom: 'unsure' recalled
    100% over 2, 'fairly sure' no answers, 'sure' recalled 67% over 6, each with a bar and the
    mean score (no score: these cards are self-graded)."""

    async def to_the_end(pilot) -> None:
        await pilot.pause()
        await pilot.press("end")
        await pilot.pause()

    app = StatsApp(confident, tmp_path)
    assert snap_compare(app, terminal_size=(100, 34), run_before=to_the_end)


async def test_retention_is_shown_against_the_desired_retention(request, tmp_path):
    from quizapp.fitting import events

    stats_store = request.getfixturevalue("stats_store")
    app = StatsApp(stats_store, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#retention-panel").border_subtitle.endswith("target 90%")
    events.record(stats_store, events.ParameterEvent(at=base.NOW, deck="ml", retention=0.8))
    app = StatsApp(stats_store, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#retention-panel").border_subtitle.endswith("target 80%")

"""'o' on the stats screen fits FSRS in a worker, as 'quizapp optimize' does, and says so."""

from __future__ import annotations

from datetime import timedelta

from quizapp.fitting import events
from quizapp.store import Store

from ..synthetic_history import simulate
from .test_stats_screen import NOW, StatsApp


async def test_o_fits_and_adopts_on_a_long_history(tmp_path):
    store = Store.open(tmp_path / "fit.db")
    simulate(store, tmp_path / "deck", NOW - timedelta(days=200), days=150, cards=300, seed=1)
    app = StatsApp(store, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        texts = [n.message for n in app._notifications]
        assert any(t.startswith("Adopted parameters fitted on") for t in texts), texts
    assert len(events.load(store)) == 1
    store.close()


async def test_o_with_little_history_keeps_the_defaults(tmp_path):
    store = Store.open(tmp_path / "few.db")
    simulate(store, tmp_path / "deck", NOW - timedelta(days=30), days=5, cards=5)
    app = StatsApp(store, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        texts = [n.message for n in app._notifications]
        assert any("more review(s) needed" in t for t in texts), texts
    assert events.load(store) == []
    store.close()

"""The app re-fits FSRS on its own, as 'quizapp due' does, once a deck's reviews have doubled
since its last fit: in a worker, recorded on the main thread, with a notice saying what happened."""

from __future__ import annotations

from datetime import timedelta

from quizapp.fitting import events
from quizapp.fitting.fit import default_parameters
from quizapp.fitting.history import count_reviews
from quizapp.store import Store
from quizapp.tui.app import make_app

from ..synthetic_history import simulate
from .conftest import NOW, settle

TITLE = "FSRS parameters re-fitted"


def _history(tmp_path, *, days: int, cards: int, fitted_on: float, seed: int = 1) -> int:
    """A simulated history and a fit recorded on ``fitted_on`` of its reviews (so it is due)."""
    store = Store.open(tmp_path / "store.db")
    start = NOW - timedelta(days=days + 50)
    simulate(store, tmp_path / "deck", start, days=days, cards=cards, seed=seed)
    count = count_reviews(store)
    events.record(
        store,
        events.ParameterEvent(
            at=NOW - timedelta(days=20),
            parameters=default_parameters(),
            reviews=int(count * fitted_on),
        ),
    )
    store.close()
    return count


def _app(tmp_path):
    return make_app(
        tmp_path / "store.db", now=lambda: NOW, roots=[tmp_path / "deck"], cursor_blink=False
    )


def _notices(app) -> list[str]:
    return [n.message for n in app._notifications if n.title == TITLE]


async def _refitted(pilot) -> None:
    await settle(pilot)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_a_doubled_history_is_refitted_and_adopted_with_a_notice(tmp_path):
    count = _history(tmp_path, days=150, cards=300, fitted_on=0.45)
    app = _app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await _refitted(pilot)
        notices = _notices(app)
    assert len(notices) == 1, notices
    assert notices[0].startswith(f"All decks has {count} reviews, twice the ")
    assert "so FSRS was re-fitted. Adopted parameters fitted on" in notices[0]
    with Store.open(tmp_path / "store.db") as store:
        latest = events.load(store)[-1]
    assert latest.reviews == count and latest.parameters != default_parameters()


async def test_a_fit_that_is_not_better_keeps_the_defaults_says_why_and_waits(tmp_path):
    count = _history(tmp_path, days=4, cards=6, fitted_on=0.4)
    app = _app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await _refitted(pilot)
        notices = _notices(app)
    assert len(notices) == 1, notices
    assert "Kept the default parameters for all decks" in notices[0]
    assert "more review(s) needed" in notices[0]
    with Store.open(tmp_path / "store.db") as store:
        latest = events.load(store)[-1]
    assert (latest.reviews, latest.parameters) == (count, default_parameters())
    # Remembered: the next start does not re-fit the same doubling again.
    again = _app(tmp_path)
    async with again.run_test(size=(100, 30)) as pilot:
        await _refitted(pilot)
        assert _notices(again) == []


async def test_returning_to_home_after_a_session_checks_again(tmp_path):
    count = _history(tmp_path, days=4, cards=6, fitted_on=1.0)
    app = _app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await _refitted(pilot)
        assert _notices(app) == []  # not doubled yet
        # A session elsewhere: the last fit now looks as if it saw half the reviews.
        events.record(
            app.store,
            events.ParameterEvent(at=NOW, parameters=default_parameters(), reviews=count // 2),
        )
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("escape")
        await _refitted(pilot)
        assert len(_notices(app)) == 1


async def test_a_refit_during_a_review_keeps_every_answer(tmp_path):
    """The re-fit starts with the first sync while the first card is on screen; the answer typed
    meanwhile is saved, and the re-fit is recorded too (the worker itself writes nothing)."""
    count = _history(tmp_path, days=150, cards=300, fitted_on=0.45)
    with Store.open(tmp_path / "store.db") as store:
        answers = store.conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
    app = make_app(
        tmp_path / "store.db",
        now=lambda: NOW,
        roots=[tmp_path / "deck"],
        cursor_blink=False,
        start_review=True,
    )
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(50):
            await pilot.pause()
            if app.screen.__class__.__name__ == "ReviewScreen":
                break
        assert app.screen.__class__.__name__ == "ReviewScreen"
        await pilot.press(*"answer 3", "ctrl+s")
        await _refitted(pilot)
        await pilot.press("3")  # Good
        await _refitted(pilot)
        assert len(_notices(app)) == 1
    with Store.open(tmp_path / "store.db") as store:
        assert store.conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == answers + 1
        assert events.load(store)[-1].reviews == count

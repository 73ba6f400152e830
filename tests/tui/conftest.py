"""Fixtures for the app's Pilot and snapshot tests: a fixed clock, a temp store, a small deck.

Everything that could make two runs differ is pinned: the clock (``NOW``), the time zone (UTC, so
"next due" and history times print the same everywhere), the store (a fresh file per test) and
the cursor (it does not blink).
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from quizapp.cards import CardType
from quizapp.grading import Grade, PointResult
from quizapp.tui.app import QuizApp, make_app

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
SETTLE_TIMEOUT_S = 60.0  # start-up on a machine loaded by the other worker and more

DECK = """---
new_per_day: 20
---
# Drills

## Why does ReLU help against vanishing gradients?
<!--
id: relu-open
prove: vanishing-gradients
-->
The sigmoid derivative is at most 0.25, so gradients shrink layer by layer; ReLU passes them
through unchanged for positive inputs.

### Key points
- The sigmoid derivative is at most 0.25
- ReLU has derivative 1 for positive inputs

## Derivative bounds
<!--
id: bounds-cloze
-->
σ′(z) is at most {{c1::0.25}} and tanh′(z) at most {{c1::1}}.

## Which penalties can set weights to exactly zero?
<!--
id: zero-choice
-->
- [x] L1 (lasso)
- [ ] L2 (ridge)
- [x] Elastic net

Only penalties with an L1 part have a corner at zero.

## What does ReLU stand for?
<!--
id: relu-basic
type: basic
-->
Rectified linear unit.
"""

OTHER_DECK = """---
new_per_day: 20
---
# Other

## What does SGD stand for?
<!--
id: sgd-basic
type: basic
-->
Stochastic gradient descent.
"""


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests in a fresh event loop (no async plugin is installed)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


@pytest.fixture(autouse=True)
def utc_time_zone(monkeypatch: pytest.MonkeyPatch):
    """Local times print in UTC, so snapshots and texts match on every machine."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def deck_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "drills.md").write_text(DECK, encoding="utf-8")
    (folder / "other.md").write_text(OTHER_DECK, encoding="utf-8")
    return folder


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store.db"


@pytest.fixture
def app_factory(db_path: Path, deck_dir: Path) -> Callable[..., QuizApp]:
    """Build the app on the temp store and deck, with the clock stopped at ``NOW``."""

    def build(**options) -> QuizApp:
        options.setdefault("now", lambda: NOW)
        options.setdefault("roots", [deck_dir])
        options.setdefault("cursor_blink", False)
        return make_app(db_path, **options)

    return build


async def type_and_reveal(pilot, typed: str = "relu") -> None:
    """Type an answer into the focused box, reveal it, and wait for the score (a worker)."""
    await pilot.press(*typed, "ctrl+s")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def settle(pilot) -> None:
    """Wait until the store is open (or failed to), the sync is over, Home has drawn its decks,
    no worker is left running and the screen caught up.

    Home draws in stages (counts, then the sync line, then ``DecksShown`` starts the start-up
    worker's second half): stopping at the first stage let a loaded machine snapshot a screen
    one message short of the final one.
    """
    app = pilot.app
    deadline = time.monotonic() + SETTLE_TIMEOUT_S  # time, not a count of pauses: a loaded
    while time.monotonic() < deadline:  # machine ran 400 pauses before the first sync ended
        await pilot.pause()
        await app.workers.wait_for_complete()
        synced = not app.syncing and app.last_sync is not None
        failed = app.last_sync is None and app._failing
        if (synced and app._decks_shown.is_set() and not app.workers) or failed:
            break
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


@pytest.fixture
def fixed_open_grade(monkeypatch: pytest.MonkeyPatch) -> None:
    """Open cards get one fixed verdict in reviews and quizzes alike, whatever the scorer
    currently does (the scorer has its own tests; snapshots are about layout)."""
    import quizapp.grading as grading
    import quizapp.session as session

    real_grade = grading.grade

    def grade(card, typed):
        if card.type is not CardType.OPEN:
            return real_grade(card, typed)
        return Grade(
            0.5,
            2,
            (
                PointResult("The sigmoid derivative is at most 0.25", True, "at most 0.25"),
                PointResult("ReLU has derivative 1 for positive inputs", False),
            ),
        )

    monkeypatch.setattr(grading, "grade", grade)
    monkeypatch.setattr(session, "grade", grade)

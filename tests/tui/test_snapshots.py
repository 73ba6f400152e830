"""Snapshots of the main screens at 100x30 and at 80x24, the smallest terminal we support.

Each docstring says what a reviewer should see. The clock, the store, the deck and the time zone
are fixed by conftest.py and the cursor does not blink, so a changed snapshot means a changed
screen. Open-card scores come from a stub grade here: these snapshots are about the layout, and
the scorer has its own tests. Update with ``pytest tests/tui --snapshot-update`` after checking
the report.
"""

from __future__ import annotations

import pytest

from .conftest import settle

SIZES = [pytest.param((100, 30), id="100x30"), pytest.param((80, 24), id="80x24")]


def keys(*presses: str):
    """A ``run_before`` that waits for start-up, then presses ``presses`` with pauses between."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in presses:
            await pilot.press(key)
            await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_home(snap_compare, app_factory, size):
    """Home: the deck table (All decks 5 new, drills 4, other 1), today's line, 'Decks synced:
    5 added', the Review / Browse / Stats buttons and the footer keys, nothing cut off."""
    assert snap_compare(app_factory(), terminal_size=size, run_before=keys())


@pytest.mark.parametrize("size", SIZES)
def test_review_open_question(snap_compare, app_factory, size):
    """Review, first card: status line, the question as a heading, an empty answer box with its
    placeholder and '^s reveal' hint, under it the optional 'How sure? 1 unsure · 2 fairly sure
    · 3 sure' line whole, the Reveal button; footer shows ^s Reveal and esc."""
    assert snap_compare(app_factory(), terminal_size=size, run_before=keys("r"))


@pytest.mark.parametrize("size", SIZES)
def test_review_open_revealed(snap_compare, app_factory, fixed_open_grade, size):
    """After ctrl+s: the typed answer in a read-only box, 'Score 50%  1 of 2 key points' with one
    ✓ (and its matched phrase) and one ✗, the model answer, and the rating bar with Hard
    preselected and each rating's next interval."""
    presses = ("r", *"sigmoid is at most 0.25", "ctrl+s")
    assert snap_compare(app_factory(), terminal_size=size, run_before=keys(*presses))


def test_review_cloze_question(snap_compare, app_factory):
    """A cloze card with two gaps: the sentence with [...] twice, two gap inputs and the
    'How sure?' line under them."""
    presses = ("r", "escape", "s", "a")
    assert snap_compare(app_factory(), terminal_size=(80, 24), run_before=keys(*presses))


@pytest.mark.parametrize("size", SIZES)
def test_review_choice_revealed(snap_compare, app_factory, size):
    """A choice card after picking 1 and 2, shown shuffled as L2, L1, elastic net: '✗ 1. L2
    ... (wrong pick)', '✓ 2. L1 (lasso)' and '✗ 3. Elastic net (missed: correct)' in words and
    in the error colour, 'Not quite', the explanation, Again preselected and '· suggested'."""
    presses = ("r", "escape", "s", "s", "a", "1", "2", "enter")
    assert snap_compare(app_factory(), terminal_size=size, run_before=keys(*presses))


def test_review_done(snap_compare, app_factory):
    """The end of a deck (its only card buried): 'Nothing more is due today', 'There is nothing
    to review right now', and how to go home or undo. (Rating instead of burying would show a
    fuzzed interval, which differs per review id.)"""
    app = app_factory(deck="other", start_review=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys("b"))


@pytest.mark.parametrize("size", SIZES)
def test_prove_it(snap_compare, app_factory, size):
    """Prove it for vanishing-gradients: ✓ and the claim, 'Panel 1 of 3' on one line (with the
    ←/→ keys at 100x30; at 80x24 they would wrap it, and the key bar has → Panel), the legend
    with one marker per series (•, x, +, o), then the log-scale chart of the backward signal
    per layer for the 2x2 of sigmoid/ReLU and Xavier/He: at 80x24 the whole chart, x axis
    included, above the key bar."""
    presses = ("r", "escape", "p")
    assert snap_compare(app_factory(), terminal_size=size, run_before=keys(*presses))


@pytest.mark.parametrize("size", SIZES)
def test_browse(snap_compare, app_factory, size):
    """Browse: status '5 of 5 cards, sorted by deck', the search line, the table with every
    column visible (Status included at 80 columns), and the first card's preview below."""
    assert snap_compare(app_factory(), terminal_size=size, run_before=keys("b"))


def test_help(snap_compare, app_factory):
    """Help over the home screen: the notes on the reveal key and quitting, then the bindings
    section by section (Everywhere, Home, Review, ...), in a scrollable box."""
    assert snap_compare(app_factory(), terminal_size=(80, 24), run_before=keys("question_mark"))


def test_plan(snap_compare, app_factory):
    """p on Home: 'Interview plan · all decks', the date field at 2026-03-16 and minutes at 30,
    the hint line, 'Until Mon 16 Mar 2026 09:00: 5 cards, 30 min a day, 14 study days.', the
    predicted recall with and without the plan, and the chart: day one learns all 5 new cards,
    each row's bar with its percentage beside it; no warning. Nothing cut off at 80x24."""
    assert snap_compare(app_factory(), terminal_size=(80, 24), run_before=keys("p"))

"""How sure, in the app's review: one optional key before the reveal, stored with the answer.

The deck in conftest.py gives an open card, a cloze card, a choice card and a basic card in that
order. Each test drives the real app and reads what was saved.
"""

from __future__ import annotations

from textual.widgets import Input

from quizapp.tui.widgets.answer_inputs import AnswerBox, ChoicePicker
from quizapp.tui.widgets.confidence_bar import ConfidenceBar
from quizapp.tui.widgets.key_bar import KeyBar

from .conftest import type_and_reveal
from .test_review_flow import key_descriptions, reviews, start_review


def bar_text(app) -> str:
    return str(app.screen.query_one(ConfidenceBar).render())


async def test_tab_then_a_digit_says_how_sure_reveals_and_is_stored(app_factory, db_path):
    """Typing an answer, the keys are on screen; tab then 2 says 'fairly sure' and reveals; the
    revealed card says what was said; the rating stores it with the answer."""
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_review(pilot)
        bar = screen.query_one(ConfidenceBar)
        assert bar.display
        assert "1 unsure · 2 fairly sure · 3 sure" in bar_text(app)
        assert "tab" in bar_text(app)
        # The line fits inside the card's padding at 80 columns, so nothing of it is cut.
        assert bar.render().cell_length <= 76
        await pilot.press(*"ReLU has derivative 1")  # a digit in the box is text, not a key
        assert screen.phase == "question"
        await pilot.press("tab")
        assert app.focused is bar
        assert "(a key reveals · enter without)" in bar_text(app)  # focused: what keys do now
        assert "How sure" in key_descriptions(app)
        await pilot.press("2")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.phase == "answer"
        assert bar.display and "fairly sure" in bar_text(app)
        await pilot.press("3")
        await pilot.pause()
    saved = reviews(db_path)
    assert [(r["card_id"], r["answer"], r["confidence"]) for r in saved] == [
        ("relu-open", "ReLU has derivative 1", 2)
    ]


async def test_revealing_as_before_skips_it(app_factory, db_path):
    """ctrl+s reveals at once, as without the feature: the line goes away, nothing is stored."""
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_review(pilot)
        await type_and_reveal(pilot)
        assert screen.phase == "answer"
        assert not screen.query_one(ConfidenceBar).display
        await pilot.press("3")
        await pilot.pause()
    assert [r["confidence"] for r in reviews(db_path)] == [None]


async def test_every_card_type_takes_it_and_each_answer_keeps_its_own(app_factory, db_path):
    """Cloze: tab past the gaps, 1. Choice: the digits pick options, tab then 3. Basic: nothing
    to type, so 3 works at once (the key bar says 1-3). A later card starts with nothing said."""
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_review(pilot)
        await pilot.press(*"relu", "ctrl+s", "3")  # the open card, nothing said
        await pilot.pause()
        assert isinstance(app.focused, Input)  # the cloze card's gap
        await pilot.press(*"0.25", "tab", "1", "tab")  # two gaps, then the line
        assert isinstance(app.focused, ConfidenceBar)
        await pilot.press("1")
        await pilot.pause()
        assert screen.phase == "answer"
        await pilot.press("3")
        await pilot.pause()
        picker = app.focused
        assert isinstance(picker, ChoicePicker)
        await pilot.press("1", "3")  # picks the options shown first and third
        picked = picker.value  # their numbers in the deck: the options are shown shuffled
        assert screen.phase == "question"
        await pilot.press("tab", "3")
        await pilot.pause()
        assert screen.phase == "answer"
        await pilot.press("4")
        await pilot.pause()
        assert app.focused is None  # the basic card: nothing to type
        assert "before you reveal" in bar_text(app)
        assert "How sure" in key_descriptions(app)
        await pilot.press("3")
        await pilot.pause()
        assert screen.phase == "answer"
        await pilot.press("3")
        await pilot.pause()
    saved = [(r["card_id"], r["answer"], r["confidence"]) for r in reviews(db_path)]
    assert saved == [
        ("relu-open", "relu", None),
        ("bounds-cloze::c1", "0.25; 1", 1),
        ("zero-choice", picked, 3),
        ("relu-basic", "", 3),
    ]


async def test_after_esc_the_digits_say_it_and_undo_forgets_it(app_factory, db_path):
    """In command mode (esc) 1-3 work as on a basic card; undo brings the card back with
    nothing said, and the answer given again stores only what is said then."""
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_review(pilot)
        await pilot.press(*"relu", "escape")
        assert app.focused is None
        await pilot.press("1")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.phase == "answer"
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("escape", "u")  # out of the gap, then undo
        await pilot.pause()
        assert screen.phase == "question" and screen.confidence is None
        assert "1 unsure" in bar_text(app)
        screen.set_focus(screen.query_one(AnswerBox))
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
    live = [(r["card_id"], r["confidence"]) for r in reviews(db_path) if not r["undone"]]
    assert live == [("relu-open", None)]


async def test_the_key_bar_drawn_for_a_basic_card_reached_by_skipping_shows_1_3(app_factory):
    """Skipping keeps command mode, so the phase stays 'question' from card to card; the key
    bar must still be redrawn for the basic card (space, 1-3), not left as the open card's."""
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_review(pilot)
        await pilot.press("escape", "s", "s", "s")  # open, cloze, choice skipped
        await pilot.pause()
        await pilot.pause()
        drawn = [key for _, _, key in app.screen.query_one(KeyBar)._spans]
        assert "space" in drawn and "1" in drawn
        assert "p" not in drawn  # the basic card has no proof; the open card had one

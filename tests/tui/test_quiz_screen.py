"""The mock interview through the keyboard, checked on screen and in the store.

Each test starts from the home screen (m), over the temp store and the small deck in conftest.py
(one open, one cloze and one choice card are scorable; basic cards are left out). The draw is
pinned with a fixed seed, the clock is stopped (or moved by hand where time matters).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from rich.console import Console
from textual.containers import VerticalScroll
from textual.widgets import Input, Markdown, Static

from quizapp import grading, review
from quizapp import quiz as quiz_core
from quizapp.cards import CardType
from quizapp.store import Store
from quizapp.tui.quiz_screen import QuizScreen, report_table
from quizapp.tui.widgets.answer_inputs import AnswerBox, ChoicePicker
from quizapp.tui.widgets.key_bar import KeyBar

from .conftest import NOW, settle

OPEN_ANSWER = "The sigmoid derivative is at most 0.25 so the gradient shrinks with depth."
SEED = 7
CARDS = ("relu-open", "bounds-cloze::c1", "zero-choice")


@pytest.fixture(autouse=True)
def fixed_draw(monkeypatch: pytest.MonkeyPatch):
    """The same questions in the same order on every run (the app draws with seed=None)."""
    real = quiz_core.draw_questions

    def draw(store, n, *, deck=None, seed=None):
        return real(store, n, deck=deck, seed=SEED)

    monkeypatch.setattr(quiz_core, "draw_questions", draw)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):
        return self.now


def quiz_rows(db_path: Path) -> tuple[list[dict], list[dict]]:
    with Store.open(db_path) as store:
        quizzes = [dict(r) for r in store.conn.execute("SELECT * FROM quizzes ORDER BY rowid")]
        answers = [
            dict(r)
            for r in store.conn.execute(
                "SELECT * FROM reviews WHERE mode = 'quiz' ORDER BY reviewed_at, rowid"
            )
        ]
    return quizzes, answers


def schedules(db_path: Path) -> dict[str, object]:
    with Store.open(db_path) as store:
        return {card_id: review.get_state(store, card_id) for card_id in CARDS}


def status(app) -> str:
    return str(app.screen.query_one("#status", Static).render())


def table_text(screen: QuizScreen, width: int = 100) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(report_table(screen.report))
    return console.export_text()


async def open_quiz(pilot, count: str | None = None, minutes: str | None = None) -> QuizScreen:
    """From home: m, then optionally set the number of questions and minutes, then enter."""
    await settle(pilot)
    await pilot.press("m")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, QuizScreen)
    if count is not None:
        screen.query_one("#count", Input).value = ""
        await pilot.press(*count)
    if minutes is not None:
        await pilot.press("tab", *minutes)
    await pilot.press("enter")
    await pilot.pause()
    return screen


async def answer_current(pilot, screen: QuizScreen) -> None:
    """Answer whatever the current question is: the open card partly, the others right."""
    card = screen.current
    assert card is not None
    if card.type is CardType.OPEN:
        assert isinstance(pilot.app.focused, AnswerBox)
        await pilot.press(*OPEN_ANSWER, "ctrl+s")
    elif card.type is CardType.CLOZE:
        assert isinstance(pilot.app.focused, Input)
        await pilot.press(*"0.25", "enter", "1", "enter")
    else:
        picker = pilot.app.focused
        assert isinstance(picker, ChoicePicker)
        # The right ones wherever this quiz's shuffle shows them.
        right = [str(n) for n, c in enumerate(picker.choices, start=1) if c.correct]
        await pilot.press(*right, "enter")
    await pilot.pause()


async def test_whole_quiz_report_matches_the_store_and_leaves_the_schedule(app_factory, db_path):
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        before = schedules(db_path)
        screen = await open_quiz(pilot)
        # 8 asked for, 3 scorable cards in the deck: open first, then cloze and choice.
        assert screen.card_ids[0] == "relu-open" and sorted(screen.card_ids) == sorted(CARDS)
        assert status(app).startswith("Question 1 of 3")
        assert "Why does ReLU help" in screen.query_one("#prompt", Markdown).source
        seen = []
        for number in (1, 2, 3):
            assert status(app).startswith(f"Question {number} of 3")
            seen.append(screen.current.type)
            await answer_current(pilot, screen)
        assert seen[0] is CardType.OPEN and set(seen[1:]) == {CardType.CLOZE, CardType.CHOICE}
        assert screen.phase == "report"
        assert [r.answered for r in screen.report.results] == [True, True, True]
        total = str(screen.query_one("#report-total", Static).render())
        shown = table_text(screen)
        keys = app.screen.query_one(KeyBar).items()
        assert [(shown_key, what) for _, shown_key, what, _ in keys][:1] == [("esc", "Home")]

    quizzes, answers = quiz_rows(db_path)
    assert len(quizzes) == 1 and quizzes[0]["finished_at"] is not None
    assert [a["quiz_id"] for a in answers] == [quizzes[0]["id"]] * 3
    stored = {a["card_id"]: a["score"] for a in answers}
    assert stored["bounds-cloze::c1"] == 1.0 and stored["zero-choice"] == 1.0
    assert 0 < stored["relu-open"] < 1
    assert {a["answer"] for a in answers} == {OPEN_ANSWER, "0.25; 1", "1 3"}
    assert {r.card_id: r.score for r in screen.report.results} == stored
    # What the screen shows is the stored numbers: each row's score, the total and its source.
    for n, card_id in enumerate(screen.card_ids, start=1):
        assert any(
            line.split()[:1] == [str(n)] and f"{stored[card_id]:.0%}" in line
            for line in shown.splitlines()
        )
    assert quizzes[0]["score"] == pytest.approx(sum(stored.values()) / 3)
    assert total.startswith(f"Total {quizzes[0]['score']:.0%}  ·  3 of 3 answered")
    assert "first quiz of all decks" in total
    assert schedules(db_path) == before  # the documented choice: quizzes do not reschedule


async def test_ending_early_counts_unreached_questions_as_zero(app_factory, db_path):
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_quiz(pilot, count="2")
        assert len(screen.card_ids) == 2
        assert status(app).startswith("Question 1 of 2")
        await answer_current(pilot, screen)  # the open card
        await pilot.press("escape")  # leaves the second question's input ...
        assert screen.phase == "question"
        await pilot.press("escape")  # ... and ends the quiz
        await pilot.pause()
        assert screen.phase == "report"
        assert [r.answered for r in screen.report.results] == [True, False]
        assert "not reached" in table_text(screen)
        total = str(screen.query_one("#report-total", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, QuizScreen)  # home again

    quizzes, answers = quiz_rows(db_path)
    assert [a["card_id"] for a in answers] == ["relu-open"]
    assert quizzes[0]["questions"] == 2
    assert quizzes[0]["score"] == pytest.approx(answers[0]["score"] / 2)
    assert total.startswith(f"Total {quizzes[0]['score']:.0%}  ·  1 of 2 answered")


async def test_answers_are_saved_before_quitting(app_factory, db_path):
    """ctrl+q in the middle: the submitted answer is in the store; the quiz stays unfinished."""
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_quiz(pilot)
        await answer_current(pilot, screen)
        await pilot.press("ctrl+q")
        await pilot.pause()
    quizzes, answers = quiz_rows(db_path)
    assert [a["card_id"] for a in answers] == ["relu-open"]
    assert quizzes[0]["finished_at"] is None


async def test_time_limit_counts_down_and_ends_the_quiz(app_factory, db_path):
    clock = Clock()
    app = app_factory(now=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_quiz(pilot, minutes="1")
        assert "1:00 left" in status(app)
        clock.now += timedelta(seconds=25)
        screen.check_time()
        assert "0:35 left" in status(app)
        await pilot.press(*"relu")  # typed, not submitted when time runs out
        clock.now += timedelta(seconds=40)
        screen.check_time()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.phase == "report"
        assert "time ran out" in str(screen.query_one("#report-total", Static).render())
    _, answers = quiz_rows(db_path)
    assert [(a["card_id"], a["answer"], a["duration_ms"]) for a in answers] == [
        ("relu-open", "relu", 65_000)
    ]


async def test_report_compares_with_the_previous_quiz(app_factory):
    clock = Clock()
    app = app_factory(now=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_quiz(pilot, count="3")
        await pilot.press("escape", "escape")  # end at once: 0%
        await pilot.pause()
        assert screen.report.score == 0
        await pilot.press("escape")
        clock.now += timedelta(hours=1)
        screen = await open_quiz(pilot, count="3")
        for _ in range(3):
            await answer_current(pilot, screen)
        report = screen.report
        total = str(screen.query_one("#report-total", Static).render())
    assert report.previous == 0 and report.change == pytest.approx(report.score)
    assert f"{report.change:+.0%} against the previous quiz (0%)" in total


def keys(*presses: str):
    """A ``run_before`` that waits for start-up, then presses ``presses`` with pauses between."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in presses:
            await pilot.press(key)
            await pilot.pause()
        await pilot.pause()

    return run_before


def test_question_snapshot(snap_compare, app_factory):
    """Question 1 of 3 at 80x24: the status line with the deck and card type, the open question
    as a heading, the empty answer box with '^s submit · esc twice ends the quiz', and the footer
    with ^s Submit; no model answer anywhere."""
    assert snap_compare(app_factory(), terminal_size=(80, 24), run_before=keys("m", "enter"))


def test_report_snapshot(snap_compare, app_factory, fixed_open_grade):
    """The report at 100x30 after answering all three: the open card at 50% with its one missed
    key point, the cloze and choice cards at 100% with '—' for missed, 0s each (stopped clock),
    'Total 83%  ·  3 of 3 answered  ·  first quiz of all decks', and esc Home in the footer."""
    # With SEED the order is open, cloze, choice (test_whole_quiz checks the draw itself). The
    # choice options are in this quiz's shuffle: the right ones (L1, elastic net) where shown.
    order = grading.choice_order(SimpleNamespace(id="zero-choice", choices="abc"), NOW.isoformat())
    right = [str(order.index(i) + 1) for i in (0, 2)]
    presses = ("m", "enter", *"relu", "ctrl+s", *"0.25", "enter", "1", "enter", *right, "enter")
    assert snap_compare(app_factory(), terminal_size=(100, 30), run_before=keys(*presses))


async def test_m_on_home_quizzes_the_highlighted_deck(app_factory):
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#decks")
        deck = str(table.get_row_at(1)[0])  # row 0 is "All decks"
        await pilot.press("down", "m")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        assert screen.deck == deck
        assert f"in {deck}" in str(screen.query_one("#setup-info", Static).render())
        await pilot.press("escape", "up", "m")
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen) and app.screen.deck is None


async def test_end_jumps_to_the_report_total(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 14)) as pilot:  # short, so the small report scrolls
        screen = await open_quiz(pilot, count="4")
        await pilot.press("escape", "escape")  # end the quiz at once: a long report
        await pilot.pause()
        assert screen.phase == "report"
        view = screen.query_one("#report", VerticalScroll)
        assert view.max_scroll_y > 0  # longer than the screen
        await pilot.press("end")
        await pilot.pause()
        assert view.scroll_y == view.max_scroll_y
        await pilot.press("home")
        await pilot.pause()
        assert view.scroll_y == 0


def test_the_report_shows_prompts_as_written_not_as_markup() -> None:
    """A prompt is the author's text: "x[i]" must not turn italic and "[/]" must not raise
    MarkupError (Rich reads a plain str cell as markup)."""
    result = quiz_core.QuestionResult(
        card_id="c",
        prompt="Why is w[i] [/] zero?",
        answered=True,
        score=0.5,
        missed=("[b]bold[/b] claim",),
        seconds=3.0,
        typed="",
    )
    report = quiz_core.QuizReport(
        quiz_id="q",
        deck=None,
        started_at=NOW,
        finished_at=NOW,
        results=(result,),
        score=0.5,
        previous=None,
    )
    console = Console(width=100, record=True, color_system=None)
    console.print(report_table(report))
    text = console.export_text()
    assert "w[i] [/] zero?" in text
    assert "[b]bold[/b] claim" in text

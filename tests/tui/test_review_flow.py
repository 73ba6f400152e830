"""The daily review through the keyboard, checked on screen and in the store.

Each test drives the real app (Pilot) over a temp store and the small deck in conftest.py, with
the clock stopped, and asserts on what a user would see and on what was saved.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual._compositor import Compositor
from textual.color import Color
from textual.widgets import Input, Markdown

from quizapp import review
from quizapp.store import Store
from quizapp.tui.review_screen import ReviewScreen
from quizapp.tui.widgets.answer_inputs import AnswerBox, ChoiceOption, ChoicePicker, input_shape
from quizapp.tui.widgets.deck_markdown import DeckMarkdown
from quizapp.tui.widgets.key_bar import KeyBar
from quizapp.tui.widgets.rating_bar import RatingBar, RatingChoice
from quizapp.tui.widgets.verdict import VerdictView

from .conftest import NOW, settle, type_and_reveal

OPEN_ANSWER = "The sigmoid derivative is at most 0.25 so the gradient shrinks with depth."


def reviews(db_path: Path) -> list[dict]:
    with Store.open(db_path) as store:
        rows = store.conn.execute(
            "SELECT r.*, (u.review_id IS NOT NULL) AS undone FROM reviews r "
            "LEFT JOIN undos u ON u.review_id = r.id ORDER BY reviewed_at, r.rowid"
        ).fetchall()
        return [dict(r) for r in rows]


def prompt_text(app) -> str:
    return app.screen.query_one("#prompt", Markdown).source


def verdict_text(app) -> str:
    return str(app.screen.query_one(VerdictView).render())


async def start_review(pilot) -> ReviewScreen:
    await settle(pilot)
    await pilot.press("r")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ReviewScreen)
    return pilot.app.screen


async def test_open_card_type_reveal_rate_next(app_factory, db_path):
    """Type an answer, reveal with ctrl+s, see the score and key points, rate, get the next card."""
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_review(pilot)
        assert "Why does ReLU help against vanishing gradients?" in prompt_text(app)
        assert isinstance(app.focused, AnswerBox)
        await pilot.press(*OPEN_ANSWER)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()  # the score is computed in a worker
        await pilot.pause()

        text = verdict_text(app)
        assert "Score" in text
        assert "✓ The sigmoid derivative is at most 0.25" in text
        assert "✗ ReLU has derivative 1 for positive inputs" in text
        bar = screen.query_one(RatingBar)
        assert bar.display and app.focused is None  # the screen answers the rating keys
        assert bar.selected == screen.verdict.suggested
        intervals = [str(c.render()) for c in bar.query("RatingChoice")]
        assert [i.split()[1] for i in intervals] == ["Again", "Hard", "Good", "Easy"]
        # Key, name, next interval; the suggested one says so in words, not by colour alone.
        suggested = [i for i in intervals if i.endswith("· suggested")]
        assert len(suggested) == 1 and suggested[0].startswith(str(bar.selected))
        assert all(len(i.split()) == 3 for i in intervals if i not in suggested)

        await pilot.press("3")
        await pilot.pause()
        assert "[...]" in prompt_text(app)  # the cloze card is next

    saved = reviews(db_path)
    assert len(saved) == 1
    assert saved[0]["card_id"] == "relu-open"
    assert saved[0]["rating"] == 3
    assert saved[0]["answer"] == OPEN_ANSWER
    assert saved[0]["score"] is not None and 0 < saved[0]["score"] < 1


async def test_enter_accepts_the_suggested_rating(app_factory, db_path):
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_review(pilot)
        await pilot.press(*"nothing useful")
        await pilot.press("ctrl+s")
        await pilot.pause()
        suggested = screen.verdict.suggested
        await pilot.press("enter")
        await pilot.pause()
    assert [r["rating"] for r in reviews(db_path)] == [suggested]


async def test_tab_to_the_reveal_button_also_reveals(app_factory):
    """The reveal works without ctrl+s too: tab out of the box, press enter. The first stop is
    the how-sure line, whose enter reveals without saying anything; the next is the button."""
    for presses, stop in ((("tab",), "confidence"), (("tab", "tab"), "reveal-button")):
        app = app_factory()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = await start_review(pilot)
            await pilot.press(*"relu")
            await pilot.press(*presses)
            assert app.focused is not None and app.focused.id == stop
            await pilot.press("enter")
            await pilot.pause()
            assert screen.phase == "answer" and screen.confidence is None


async def test_undo_brings_the_card_back_and_restores_its_schedule(app_factory, db_path):
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_review(pilot)
        await pilot.press(*"relu", "ctrl+s")
        await pilot.press("4")
        await pilot.pause()
        assert "[...]" in prompt_text(app)
        with Store.open(db_path) as store:
            assert review.get_state(store, "relu-open").reps == 1
        await pilot.press("escape", "u")  # leave the gap input, then undo
        await pilot.pause()
        assert "Why does ReLU help" in prompt_text(app)
        assert screen.phase == "question"
        assert screen.query_one(AnswerBox).text == "relu"  # the typed answer comes back too
        assert not screen.query_one(VerdictView).display  # no stale score under the question
    with Store.open(db_path) as store:
        assert review.get_state(store, "relu-open").reps == 0
    assert [r["undone"] for r in reviews(db_path)] == [1]


def slow_open_grade(monkeypatch, release):
    """Open cards are graded only once ``release`` is set (a slow sentence model, say)."""
    import quizapp.session as session

    real = session.grade

    def grade(card, typed):
        if card.type.value == "open":
            assert release.wait(10)
        return real(card, typed)

    monkeypatch.setattr(session, "grade", grade)


async def test_reveal_shows_the_model_answer_at_once_and_the_score_when_ready(
    app_factory, db_path, monkeypatch
):
    import threading

    release = threading.Event()
    slow_open_grade(monkeypatch, release)
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_review(pilot)
        await pilot.press(*OPEN_ANSWER, "ctrl+s")
        await pilot.pause()
        # The scorer has not answered: the model answer and the ratings are there already.
        assert screen.phase == "answer"
        assert screen.query_one("#model-answer").display
        assert "ReLU passes them" in screen.query_one("#model-answer", Markdown).source
        assert "Scoring your answer" in verdict_text(app)
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Score" in verdict_text(app) and "Scoring" not in verdict_text(app)


async def test_rating_before_the_score_arrives_stores_the_score(app_factory, db_path, monkeypatch):
    import threading

    release = threading.Event()
    slow_open_grade(monkeypatch, release)
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_review(pilot)
        await pilot.press(*OPEN_ANSWER, "ctrl+s")
        await pilot.pause()
        threading.Timer(0.5, release.set).start()  # the score arrives after the key press
        await pilot.press("2")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "[...]" in prompt_text(app)
    [row] = reviews(db_path)
    assert row["rating"] == 2 and row["score"] is not None and row["score"] > 0


async def test_cloze_card_with_two_gaps(app_factory, db_path):
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_review(pilot)
        await pilot.press("escape", "s")  # skip the open card
        await pilot.pause()
        assert "[...]" in prompt_text(app)
        gaps = list(app.screen.query(Input))
        assert len(gaps) == 2 and app.focused is None  # still in command mode after a skip
        await pilot.press("a")  # back to answering
        assert app.focused is gaps[0]
        await pilot.press(*"0.25", "enter")
        assert app.focused is gaps[1]
        await pilot.press("1", "enter")
        await pilot.pause()
        text = verdict_text(app)
        assert text.startswith("Correct")
        assert "2 of 2 gaps" in text
        await pilot.press("enter")
        await pilot.pause()
    saved = reviews(db_path)
    assert [(r["card_id"], r["rating"], r["score"]) for r in saved] == [
        ("bounds-cloze::c1", 3, 1.0)
    ]
    assert saved[0]["answer"] == "0.25; 1"


async def test_a_card_whose_input_left_the_screen_is_not_focused(app_factory):
    """Quitting while the first card is still being mounted detached its input before the
    focus call: a cloze card's ``focus_first`` then raised NoScreen (a traceback on quit)."""
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_review(pilot)
        await pilot.press("escape", "s")  # to the cloze card
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and "[...]" in prompt_text(app)
        await screen.answer_widget.remove()  # as app shutdown does under a card being shown
        screen._focus_input()  # must not raise
        await pilot.pause()


async def test_choice_card_picked_with_number_keys(app_factory, db_path):
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_review(pilot)
        # s twice skips the open and the cloze card: the second s is not typed into a gap.
        await pilot.press("escape", "s", "s")
        await pilot.pause()
        picker = screen.query_one(ChoicePicker)
        assert app.focused is None
        await pilot.press("a")
        assert app.focused is picker
        # The options are shuffled for this review: L1 and L2 are found where they are shown.
        texts = [c.text for c in picker.choices]
        assert texts != ["L1 (lasso)", "L2 (ridge)", "Elastic net"]
        l1, l2 = texts.index("L1 (lasso)") + 1, texts.index("L2 (ridge)") + 1
        await pilot.press(str(l1), str(l2))
        assert picker.picked == sorted([l1, l2])
        await pilot.press("enter")
        await pilot.pause()
        assert verdict_text(app).startswith("Not quite")
        options = {o.choice.text: o for o in picker.query(ChoiceOption)}
        assert [options[t].has_class("-wrong") for t in ("L1 (lasso)", "L2 (ridge)")] == [
            False,
            True,
        ]
        assert options["Elastic net"].has_class("-wrong")  # missed
        assert options["Elastic net"].has_class("-correct")
        assert not options["L2 (ridge)"].has_class("-correct")
        assert screen.query_one(RatingBar).selected == 1  # Again is suggested
        await pilot.press("enter")
        await pilot.pause()
    saved = reviews(db_path)
    assert [(r["card_id"], r["rating"], r["answer"], r["score"]) for r in saved] == [
        ("zero-choice", 1, "1 2", 0.0)
    ]


async def test_choice_options_keep_their_order_on_undo_and_change_next_review(app_factory, db_path):
    """One review shows one shuffle: after undo the options come back in the same places (with
    the picks); the card's next review (after Again) shows them in another order."""
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_review(pilot)
        await pilot.press("escape", "s", "s", "a")
        picker = screen.query_one(ChoicePicker)
        first = [c.text for c in picker.choices]
        lasso = first.index("L1 (lasso)") + 1
        assert lasso != 1  # shuffled away from its place in the deck, or this proves nothing
        await pilot.press(str(lasso), "enter")
        await pilot.pause()
        await pilot.press("1")  # Again: the card comes back in this session
        await pilot.pause()
        assert screen.session.current.id == "relu-basic"  # nothing to type: u is a command
        await pilot.press("u")
        await pilot.pause()
        picker = screen.query_one(ChoicePicker)
        assert [c.text for c in picker.choices] == first
        assert picker.picked == [lasso]
        assert picker.value == "1"  # L1 is the deck's first option, wherever it is shown
        await pilot.press("a", "enter")  # undo leaves command mode on: a goes back to the options
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        with Store.open(db_path) as store:
            assert review.get_state(store, "zero-choice").reps == 1
    # The next review, a day later: the same card in another order.
    app = app_factory(now=lambda: NOW + timedelta(days=1))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_review(pilot)
        for _ in range(6):
            if screen.session.current and screen.session.current.id == "zero-choice":
                break
            await pilot.press(*(["escape"] if app.focused is not None else []), "s")
            await pilot.pause()
        assert screen.session.current.id == "zero-choice"
        assert [c.text for c in screen.query_one(ChoicePicker).choices] != first
    saved = [r for r in reviews(db_path) if r["card_id"] == "zero-choice"]
    assert [(r["answer"], r["undone"]) for r in saved] == [("1", 1), ("1", 0)]


async def test_the_confirmation_repeats_the_interval_the_button_showed(app_factory):
    """'Hard → 6m' in the status line after pressing the button that said 6m, though the clock
    moved on (40 s a reading here): recomputed from the saved due time it would read 5m."""
    ticks = iter(range(100_000))
    app = app_factory(now=lambda: NOW + timedelta(seconds=40 * next(ticks)))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_review(pilot)
        await type_and_reveal(pilot)
        hard = str(screen.query_one("#rating-2").render()).split()[-1]
        await pilot.press("2")
        await pilot.pause()
        status = str(screen.query_one("#status").render())
        assert f"Hard → {hard}" in status, status


async def test_escape_leaves_every_input_the_same_way_and_a_second_goes_home(app_factory):
    """Esc on an open, cloze or choice card leaves the input (commands work, the card stays);
    only a second esc, with nothing focused, goes home."""
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_review(pilot)
        for expected in ("relu-open", "bounds-cloze::c1", "zero-choice"):
            assert screen.session.current.id == expected
            assert app.focused is not None
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is screen and app.focused is None
            await pilot.press("s")  # a command now, not a letter typed into the input
            await pilot.pause()
            await pilot.press("a")
            await pilot.pause()
        assert screen.session.current.id == "relu-basic"
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ReviewScreen)  # nothing to leave on a basic card
    async with app_factory().run_test(size=(100, 30)) as pilot:
        screen = await start_review(pilot)
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, ReviewScreen)


async def test_a_card_change_reuses_the_inputs_built_ahead(app_factory):
    """Each card's input is built while the card before it is read, and a card of a shape seen
    before gets that input back emptied: the change of card mounts nothing."""
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_review(pilot)
        await pilot.pause()
        built = dict(screen._inputs)
        assert {shape for shape, _ in built} >= {"open", "cloze", "choice"}  # built ahead
        await pilot.press(*"relu", "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.press("3")  # the cloze card: its gap input was built while relu was read
        await pilot.pause()
        assert screen.answer_widget is built[input_shape(screen.session.current)]
        await pilot.press("escape", "u")  # the open card again: the same box, emptied of the
        await pilot.pause()  # verdict's lock and holding the answer typed before
        box = screen.answer_widget
        assert box is built[("open", 0)] and box.text == "relu" and box.can_focus
        assert not box.has_class("-locked")


async def test_a_reveal_and_a_card_change_repaint_only_what_changed(app_factory, monkeypatch):
    """No key of the review redraws the whole screen: a reveal moves the focus and the phase,
    and either, left to Textual's default, marks the entire screen dirty, so each reveal and
    each new card was a full-screen frame (drawn twice: with the layout, then for the repaint)."""
    full: list[int] = []
    render_full_update = Compositor.render_full_update

    def counted(self, *args, **kwargs):
        full.append(1)
        return render_full_update(self, *args, **kwargs)

    monkeypatch.setattr(Compositor, "render_full_update", counted)
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_review(pilot)
        await pilot.pause()
        full.clear()
        await type_and_reveal(pilot)  # the focus leaves the box, the phase changes
        await pilot.press("3")  # the cloze card: the focus goes to its gap
        await pilot.pause()
        await pilot.press("escape", "s")  # command mode, then the next card
        await pilot.pause()
        assert "Which penalties" in prompt_text(app)
        assert not full


async def test_the_rating_bar_marks_its_choices_restyling_each_once(app_factory, monkeypatch):
    """The suggested and the selected rating are marked, and a choice whose classes change is
    restyled once (twice before: one restyle per class), a fraction of a millisecond each."""
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_review(pilot)
        await type_and_reveal(pilot)
        bar = screen.query_one(RatingBar)
        restyled: list[str] = []
        update_node_styles = RatingChoice.update_node_styles

        def counted(self, *args, **kwargs):
            restyled.append(self.id)
            return update_node_styles(self, *args, **kwargs)

        monkeypatch.setattr(RatingChoice, "update_node_styles", counted)
        bar.set_choices({1: "1m", 2: "6m", 3: "10m", 4: "2d"}, 2)
        marks = {
            c.rating: (c.has_class("-suggested"), c.has_class("-selected"))
            for c in bar.query(RatingChoice)
        }
        assert marks == {1: (False, False), 2: (True, True), 3: (False, False), 4: (False, False)}
        assert len(restyled) == len(set(restyled)) and "rating-2" in restyled
        assert bar.selected == 2
        await pilot.press("right")
        await pilot.pause()
        marks = {
            c.rating: (c.has_class("-suggested"), c.has_class("-selected"))
            for c in bar.query(RatingChoice)
        }
        assert marks == {1: (False, False), 2: (True, False), 3: (False, True), 4: (False, False)}
        assert "6m · suggested" in str(bar.query_one("#rating-2", RatingChoice).render())


async def test_a_question_of_the_same_shape_is_re_texted_in_place(app_factory):
    """The question's blocks stay and take the new text (no remount); the source follows."""
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_review(pilot)
        prompt = screen.query_one("#prompt", DeckMarkdown)
        heading = Color.parse(app.get_css_variables()["markdown-h2-color"])
        assert prompt.children[0].styles.color == heading  # one line: a paragraph as heading
        await pilot.press("escape", "s")  # the cloze card: title and sentence, two paragraphs
        await pilot.pause()
        assert "[...]" in prompt_text(app), prompt_text(app)
        title, sentence = prompt.children
        assert title.styles.color == heading and sentence.styles.color != heading
        await pilot.press("s")  # the choice card: one paragraph again
        await pilot.pause()
        assert "Which penalties" in prompt_text(app)
        block = prompt.children[0]
        assert block.styles.color == heading
        await pilot.press("s")  # the basic card's question has the same shape
        await pilot.pause()
        assert "What does ReLU stand for?" in prompt_text(app)
        assert prompt.children[0] is block and "What does ReLU" in str(block.render())
        assert not prompt.update_in_place("- a list\n- is another shape")


async def test_basic_card_space_reveals_and_space_rates_good(app_factory, db_path):
    app = app_factory(deck="other", start_review=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert "What does SGD stand for?" in prompt_text(app)
        await pilot.press("space")
        await pilot.pause()
        assert screen.phase == "answer"
        assert "Stochastic gradient descent." in screen.query_one("#model-answer", Markdown).source
        await pilot.press("space")  # accepts Good, the preselected rating of a self-graded card
        await pilot.pause()
        # Good on a new card is a 10-minute learning step, close enough to come back now.
        assert screen.phase == "question"
        assert "What does SGD stand for?" in prompt_text(app)
        await pilot.press("space", "4")
        await pilot.pause()
        assert screen.phase == "done"
        assert "Nothing more is due" in prompt_text(app)
    ratings = [(r["card_id"], r["rating"]) for r in reviews(db_path)]
    assert ratings == [("sgd-basic", 3), ("sgd-basic", 4)]


async def test_bury_hides_the_card_until_tomorrow(app_factory, db_path):
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_review(pilot)
        await pilot.press("escape", "b")
        await pilot.pause()
        assert "[...]" in prompt_text(app)
    with Store.open(db_path) as store:
        shown_today = review.next_card(store, NOW)
        assert shown_today != "relu-open"
        assert reviews(db_path) == []


async def test_at_80_columns_the_status_line_keeps_its_note_whole(app_factory, tmp_path):
    """With a long deck name the line was cut at the right edge: "2 done · buried until"."""
    folder = tmp_path / "long"
    folder.mkdir()
    cards = "".join(
        f"## Basic question {n}?\n<!--\nid: long-{n}\ntype: basic\n-->\nAnswer {n}.\n\n"
        for n in range(3)
    )
    (folder / "optimisation-and-generalisation.md").write_text(
        f"---\nnew_per_day: 20\n---\n# Long\n\n{cards}", encoding="utf-8"
    )
    app = app_factory(roots=[folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await start_review(pilot)
        await pilot.press("b")
        await pilot.pause()
        status = str(app.screen.query_one("#status").render())
        assert status.startswith("optimisation-an…")  # the deck name gives way first
        assert status.rstrip().endswith("0 done · buried until tomorrow"), status
        assert len(status.rstrip()) <= 78, status  # it fits, so nothing is cut at the edge


async def test_quitting_mid_session_keeps_every_rated_answer(app_factory, db_path):
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_review(pilot)
        await pilot.press(*"relu", "ctrl+s", "2")
        await pilot.pause()
        await pilot.press(*"0.25", "enter", "1", "enter")
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("3")  # picks option 3 on the choice card, not yet revealed
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert [(r["card_id"], r["rating"]) for r in reviews(db_path)] == [
        ("relu-open", 2),
        ("bounds-cloze::c1", 1),
    ]


def key_descriptions(app) -> list[str]:
    return [description for _, _, description, _ in app.screen.query_one(KeyBar).items()]


async def test_the_key_bar_shows_the_keys_that_apply_now(app_factory):
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_review(pilot)
        typing = key_descriptions(app)
        assert "Reveal" in typing and "Commands" in typing
        assert "Skip" not in typing  # letters type into the answer box
        await pilot.press(*"relu", "ctrl+s")
        await pilot.pause()
        revealed = key_descriptions(app)
        assert "Accept rating" in revealed and "Prove it" in revealed
        assert "Reveal" not in revealed and "Undo" not in revealed
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("escape")  # out of the gap input
        await pilot.pause()
        after = key_descriptions(app)
        assert "Undo" in after and "Skip" in after
        assert "Prove it" not in after  # the cloze card has no proof


async def test_at_80_columns_the_key_bar_keeps_prove_it_and_help(app_factory):
    """The narrow bar drops Bury, Edit and Skip first, never the proof, the correction or help."""
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_review(pilot)
        await pilot.press(*"relu", "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        line = str(app.screen.query_one(KeyBar).render())
        assert "p Prove it" in line and "? Help" in line and "Accept rating" in line
        assert "c Correct" in line  # how the user fixes a misjudged key point
        assert len(line.rstrip()) <= 80


async def test_correcting_a_key_point_updates_the_score_and_is_saved(app_factory, db_path):
    """c then 2 flips the second key point: the verdict, score and suggestion follow at once,
    and the review stores the scorer's verdict with the user's correction."""
    import json

    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_review(pilot)
        await pilot.press(*OPEN_ANSWER)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        before = screen.verdict.grade
        assert not before.points[1].covered
        assert any(
            "c Correct" in item[1] + " " + item[2] or item[2] == "Correct"
            for item in screen.query_one(KeyBar).items()
        )
        await pilot.press("c", "2")
        await pilot.pause()
        after = screen.verdict.grade
        assert after.points[1].covered and after.value > before.value
        assert "corrected by you" in verdict_text(app)
        assert "2 of 2 key points" in verdict_text(app)
        await pilot.press("3")
        await pilot.pause()
    [saved] = reviews(db_path)
    record = json.loads(saved["grading"])
    assert record["corrections"] == {"1": True}
    assert record["points"][1]["scorer_covered"] is False
    assert saved["score"] == after.value


async def test_the_next_question_never_shows_above_the_previous_score(app_factory, monkeypatch):
    """The old verdict and ratings are hidden before the new question is drawn, not after."""
    seen = []
    real_update, real_in_place = DeckMarkdown.update, DeckMarkdown.update_in_place

    def note(widget):
        if widget.id == "prompt":
            screen = widget.screen
            seen.append(
                (screen.query_one(VerdictView).display, screen.query_one("#ratings").display)
            )

    def update(self, markdown):
        note(self)
        return real_update(self, markdown)

    def update_in_place(self, markdown):  # the question re-texted in the blocks on screen
        note(self)
        return real_in_place(self, markdown)

    monkeypatch.setattr(DeckMarkdown, "update", update)
    monkeypatch.setattr(DeckMarkdown, "update_in_place", update_in_place)
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_review(pilot)
        await type_and_reveal(pilot)
        seen.clear()
        await pilot.press("3")  # next card
        await pilot.pause()
        await pilot.press("escape", "u")  # undo: the rated card comes back
        await pilot.pause()
    assert seen and all(shown == (False, False) for shown in seen)


async def test_the_answer_box_draws_before_its_parts_are_styled(app_factory):
    """Textual can draw a text area before its component classes are styled, and TextArea then
    raised KeyError 'text-area--gutter' and crashed the app (seen in the quiz's countdown); the
    box styles them itself first."""
    from textual.geometry import Region

    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_review(pilot)
        box = screen.query_one(AnswerBox)
        box._component_styles.clear()  # the state Textual sometimes draws it in
        box._rich_style_cache.clear()
        lines = box.render_lines(Region(0, 0, box.size.width, box.size.height))
        assert len(lines) == box.size.height

"""The review session and the browser's rows (quizapp.session), without any terminal."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from quizapp import review
from quizapp.session import ReviewSession, card_rows, due_label, matches
from quizapp.store import Store
from quizapp.sync import sync

from .conftest import NOW


@pytest.fixture
def synced(tmp_path, deck_dir):
    store = Store.open(tmp_path / "session.db")
    sync(store, [deck_dir], NOW)
    yield store
    store.close()


def session_on(store: Store, **options) -> ReviewSession:
    ticks = iter(range(0, 10_000, 7))  # a card is on screen for 7 s, whatever the clock says
    return ReviewSession(store, lambda: NOW, timer=lambda: float(next(ticks)), **options)


def test_cards_come_in_deck_order_and_rating_records_the_answer(synced):
    session = session_on(synced)
    assert session.next().id == "relu-open"
    verdict = session.judge("The sigmoid derivative is at most 0.25")
    assert verdict.intervals.keys() == {1, 2, 3, 4}
    assert verdict.suggested in (1, 2, 3, 4)
    session.rate(3, "typed", verdict.grade.value)
    [row] = review.history(synced, "relu-open")
    assert (row["rating"], row["answer"], row["duration_ms"]) == (3, "typed", 7000)
    assert session.next().id == "bounds-cloze::c1"


def test_remaining_counts_only_the_session_deck(synced):
    assert session_on(synced).remaining().total == 5
    only_other = session_on(synced, deck="other")
    assert (only_other.remaining().new, only_other.next().id) == (1, "sgd-basic")


def test_undo_takes_answers_back_newest_first(synced):
    session = session_on(synced)
    session.next()
    session.rate(4)
    session.next()
    session.rate(1)
    assert session.undo().id == "bounds-cloze::c1"
    assert session.undo().id == "relu-open"
    assert session.undo() is None
    assert review.get_state(synced, "relu-open").reps == 0


def test_skip_lasts_for_the_session_and_bury_until_tomorrow(synced):
    session = session_on(synced)
    session.next()
    session.skip()
    assert session.next().id == "bounds-cloze::c1"
    session.bury()
    assert session.next().id == "zero-choice"
    fresh = session_on(synced)
    assert fresh.next().id == "relu-open"  # skipping did not touch the store
    assert review.next_card(synced, NOW, exclude={"relu-open"}) == "zero-choice"
    tomorrow = NOW + timedelta(days=1)
    assert review.next_card(synced, tomorrow, exclude={"relu-open"}) == "bounds-cloze::c1"


def test_a_failing_scorer_leaves_the_user_to_rate(synced, monkeypatch):
    import quizapp.session as session_module

    def broken(card, typed):
        raise RuntimeError("model file missing")

    monkeypatch.setattr(session_module, "grade", broken)
    session = session_on(synced)
    session.next()
    verdict = session.judge("anything")
    assert verdict.grade.value is None
    assert verdict.suggested == 3
    assert "model file missing" in verdict.scorer_error


def test_reload_follows_an_edit_and_notices_a_removed_card(synced, deck_dir):
    session = session_on(synced)
    session.next()
    drills = deck_dir / "drills.md"
    drills.write_text(
        drills.read_text("utf-8").replace("help against vanishing", "fight vanishing"), "utf-8"
    )
    sync(synced, [deck_dir], NOW)
    assert session.reload().prompt == "Why does ReLU fight vanishing gradients?"
    drills.write_text(drills.read_text("utf-8").replace("id: relu-open", "id: relu-new"), "utf-8")
    sync(synced, [deck_dir], NOW)
    assert session.reload() is None


def test_card_rows_carry_schedule_and_latest_live_score(synced):
    session = session_on(synced)
    session.next()
    session.rate(3, "x", 0.5)
    session.next()
    session.rate(1, "y", 0.0)
    session.undo()
    rows = {row.id: row for row in card_rows(synced)}
    assert len(rows) == 5
    assert rows["relu-open"].last_score == 0.5 and rows["relu-open"].status == "learning"
    assert rows["bounds-cloze::c1"].last_score is None  # its only answer was undone
    assert due_label(rows["relu-open"], NOW) == "10m"
    assert due_label(rows["sgd-basic"], NOW) == "new"
    review.set_suspended(synced, "sgd-basic", True)
    assert {r.id: r for r in card_rows(synced)}["sgd-basic"].status == "suspended"


def test_search_words_and_filters(synced):
    rows = {row.id: row for row in card_rows(synced)}
    assert matches(rows["relu-open"], "relu VANISHING")
    assert not matches(rows["relu-open"], "relu sgd")
    assert matches(rows["zero-choice"], "type:choice")
    assert not matches(rows["zero-choice"], "type:open")
    assert matches(rows["sgd-basic"], "deck:other is:new")
    assert not matches(rows["sgd-basic"], "deck:drills")
    assert not matches(rows["sgd-basic"], "is:suspended")


def test_search_finds_answer_text_buried_cards_and_tags(synced):
    review.bury(synced, "sgd-basic", NOW)
    rows = {row.id: row for row in card_rows(synced, NOW)}
    assert rows["sgd-basic"].status == "buried"  # not "new"
    assert matches(rows["sgd-basic"], "is:buried") and not matches(rows["sgd-basic"], "is:new")
    assert matches(rows["relu-open"], "unchanged")  # a word only in the model answer
    tomorrow = {row.id: row for row in card_rows(synced, NOW + timedelta(days=2))}
    assert tomorrow["sgd-basic"].status == "new"
    tagged = replace(rows["relu-open"], tags="math ml")
    assert matches(tagged, "tag:ml") and not matches(tagged, "tag:m")


def test_unknown_search_filters_are_reported_not_silently_empty():
    from quizapp.session import search_problems

    assert search_problems("relu is:new type:open deck:x tag:y") == []
    assert search_problems("is:foo")[0].startswith("unknown 'is:foo' (use is:new|")
    assert search_problems("type:essay")[0].startswith("unknown 'type:essay'")
    assert search_problems("colour:red")[0].startswith("unknown filter 'colour:'")
    assert search_problems("O(n):") == []  # not a filter


def test_new_cards_sort_last_by_stability_in_either_direction(synced):
    """A new card has no stability yet: it is neither the most nor the least stable."""
    from quizapp.tui.browse_screen import sorted_rows

    session = session_on(synced)
    session.next()
    session.rate(4, "x")
    session.next()
    session.rate(1, "y")
    rows = card_rows(synced)
    reviewed = {"relu-open", "bounds-cloze::c1"}
    for reverse in (False, True):
        shown = sorted_rows(rows, "stability", reverse)
        assert {r.id for r in shown[:2]} == reviewed
        stabilities = [r.stability for r in shown[:2]]
        assert stabilities == sorted(stabilities, reverse=reverse)
        assert all(not r.reps for r in shown[2:])


def test_peek_names_the_cards_to_come_without_moving_the_session(synced):
    """The app builds the inputs of the cards to come while one is read: peek says which, in
    the order next() will give them, and leaves the session as it was."""
    session = session_on(synced)
    first = session.next()
    ahead = [card.id for card in session.peek(3)]
    assert ahead == ["bounds-cloze::c1", "zero-choice", "relu-basic"]
    assert session.current is first and not session.skipped
    session.skip()
    session.next()
    assert [card.id for card in session.peek(2)] == ["zero-choice", "relu-basic"]

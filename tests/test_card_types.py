"""Reverse, numeric and ordered cards: parsed, checked, stored, graded and reviewed."""

from __future__ import annotations

import io

import pytest

from quizapp import review
from quizapp.cards import CardType
from quizapp.cli import plain_review
from quizapp.grading import display_order, grade
from quizapp.parser import parse_text
from quizapp.quantities import QuantityError, parse, within
from quizapp.store import Store
from quizapp.sync import sync

from .conftest import NOW, write_deck

DECK = """---
deck: types
---
## The sigmoid derivative at 0
<!--
id: sig0
answer: 0.25
tolerance: 1%
-->
σ(0)(1 − σ(0)) = 0.25.

## Typical L2 cache latency
<!--
id: l2
answer: 4 ns
tolerance: 2 ns
-->
About 4 ns.

## Put the steps of backprop in order
<!--
id: backprop
type: ordered
-->
1. Forward pass
2. Compute the loss
3. Backward pass
4. Update the weights

## ReLU
<!--
id: relu
reverse: true
-->
max(0, x)
"""


def cards_of(text: str):
    parsed = parse_text(text, "d.md", "types")
    return {c.id: c for c in parsed.cards}, [str(p) for p in parsed.problems]


def test_the_three_types_parse():
    cards, problems = cards_of(DECK)
    assert problems == []
    assert cards["sig0"].type is CardType.NUMERIC and cards["sig0"].expected == ("0.25", "1%")
    assert cards["l2"].expected == ("4 ns", "2 ns")
    assert cards["backprop"].type is CardType.ORDERED
    assert cards["backprop"].expected[0] == "Forward pass" and len(cards["backprop"].expected) == 4
    forward, back = cards["relu"], cards["relu::rev"]
    assert (back.prompt, back.answer) == (forward.answer, forward.prompt)
    assert back.note_id == forward.note_id == "relu"


@pytest.mark.parametrize(
    ("attrs", "message"),
    [
        ("answer: five", "d.md:2: answer: 'five' is not a number"),
        ("answer: 3 parsecs", "unknown unit 'parsecs'"),
        ("answer: 3 ms\ntolerance: 2 GB", "tolerance '2 GB' is not in the units of answer '3 ms'"),
        ("answer: 3\ntolerance: -1", "tolerance is negative"),
        ("type: numeric", "numeric card has no answer"),
        ("reverse: maybe", "reverse 'maybe' is not true or false"),
        ("type: ordered", "ordered card needs a numbered list of at least two steps"),
        ("type: open\ntolerance: 1%", "only numeric cards take answer/tolerance, not open cards"),
        ("answer: 2\nreverse: true", "only basic cards can be reversed, not numeric cards"),
    ],
)
def test_bad_attributes_are_one_line_problems(attrs, message):
    _, problems = cards_of(f"## Q\n<!--\nid: q\n{attrs}\n-->\nA\n")
    assert any(message in p for p in problems), problems


def test_quantities_understand_units_and_notation():
    assert parse("1e-3").value == pytest.approx(0.001)
    assert parse("0.1%").value == pytest.approx(0.001) and parse("0.1%").percent
    assert parse("2.5 ms") == parse("0.0025 s")
    assert parse("1,000").value == 1000
    with pytest.raises(QuantityError):
        parse("about four")
    assert within(parse("0.25"), parse("0.2524"), parse("1%"))
    assert not within(parse("0.25"), parse("0.2526"), parse("1%"))
    assert within(parse("4 ns"), parse("0.005 us"), parse("2 ns"))
    assert not within(parse("4 ns"), parse("4"), parse("2 ns"))  # a time needs a unit


def test_numeric_grading_within_tolerance_and_units():
    cards, _ = cards_of(DECK)
    assert grade(cards["sig0"], "0.2501").suggested_rating == 3
    assert grade(cards["sig0"], "25%").value == 1.0  # 25% is 0.25
    assert grade(cards["sig0"], "0.26").value == 0.0
    assert grade(cards["l2"], "5.5 ns").value == 1.0
    assert grade(cards["l2"], "6.5 ns").value == 0.0
    assert grade(cards["l2"], "4").value == 0.0  # no unit: not a time
    unreadable = grade(cards["l2"], "fast")
    assert unreadable.value == 0.0 and "is not a number" in unreadable.points[-1].text


def test_ordered_grading_gives_credit_for_what_stays_in_order():
    card = cards_of(DECK)[0]["backprop"]
    order = display_order(card)
    assert order != sorted(order) and sorted(order) == [0, 1, 2, 3]
    right = [order.index(i) + 1 for i in range(4)]  # the shown number of each step, in order
    assert grade(card, " ".join(map(str, right))).value == 1.0
    one_moved = right[1:] + right[:1]
    assert grade(card, " ".join(map(str, one_moved))).value == 0.75
    assert grade(card, "1 1 2").value == 0.0


def test_reverse_card_has_its_own_schedule(store: Store, tmp_path):
    write_deck(tmp_path, "d.md", DECK)
    assert sync(store, [tmp_path], NOW).ok
    review.answer(store, "relu", 3, NOW)
    assert review.get_state(store, "relu").reps == 1
    assert review.get_state(store, "relu::rev").reps == 0
    assert review.get_card(store, "sig0").expected == ("0.25", "1%")  # stored and read back


def test_plain_review_grades_numeric_and_ordered(store: Store, tmp_path, monkeypatch):
    write_deck(tmp_path, "d.md", DECK)
    assert sync(store, [tmp_path], NOW).ok
    monkeypatch.setattr(plain_review, "utc_now", lambda: NOW)
    monkeypatch.setattr("quizapp.session.utc_now", lambda: NOW, raising=False)
    card = review.get_card(store, "backprop")
    order = display_order(card)
    right = " ".join(str(order.index(i) + 1) for i in range(4))
    # Cards come in file order: sig0, l2, backprop, relu, relu::rev.
    answers = ["0.2501", "", "9 ns", "", right, "", ":q"]
    out = io.StringIO()
    monkeypatch.setattr("click.echo", lambda msg="", nl=True, **kw: out.write(f"{msg}\n"))
    monkeypatch.setattr("click.secho", lambda msg="", nl=True, **kw: out.write(f"{msg}\n"))
    plain_review.run(store, io.StringIO("\n".join(answers) + "\n"))
    text = out.getvalue()
    assert "Your number (units allowed" in text
    assert f"  1. {card.expected[order[0]]}" in text
    ratings = dict(store.conn.execute("SELECT card_id, rating FROM reviews").fetchall())
    assert ratings == {"sig0": 3, "l2": 1, "backprop": 3}


def test_plain_review_asks_a_reverse_card_back_to_front(store: Store, tmp_path, monkeypatch):
    """After the forward card ('ReLU'), the reverse one asks 'max(0, x)' and shows 'ReLU'."""
    reverse_only = "## ReLU\n<!--\nid: relu\nreverse: true\n-->\nmax(0, x)\n"
    write_deck(tmp_path, "d.md", reverse_only)
    assert sync(store, [tmp_path], NOW).ok
    monkeypatch.setattr(plain_review, "utc_now", lambda: NOW)
    out = io.StringIO()
    monkeypatch.setattr("click.echo", lambda msg="", nl=True, **kw: out.write(f"{msg}\n"))
    monkeypatch.setattr("click.secho", lambda msg="", nl=True, **kw: out.write(f"{msg}\n"))
    plain_review.run(store, io.StringIO("\n3\n\n4\n:q\n"))
    cards = [block.splitlines() for block in out.getvalue().split("── ")[1:]]
    asked = [lines[1] for lines in cards[:2]]
    shown = [lines[lines.index("Model answer:") + 1] for lines in cards[:2]]
    assert asked == ["ReLU", "max(0, x)"] and shown == ["max(0, x)", "ReLU"]
    ratings = dict(store.conn.execute("SELECT card_id, rating FROM reviews").fetchall())
    assert ratings == {"relu": 3, "relu::rev": 4}

"""Numeric and ordered cards in the app: the input they ask for, graded on reveal, saved."""

from __future__ import annotations

from textual.widgets import Input, Static

from quizapp import review
from quizapp.grading import display_order
from quizapp.store import Store
from quizapp.tui.widgets.answer_inputs import NumberInput, OrderInput

from .conftest import settle
from .test_review_flow import reviews, start_review, verdict_text

DECK = """---
new_per_day: 20
---
## The sigmoid derivative at 0
<!--
id: sig0
answer: 0.25
tolerance: 1%
-->
σ(0)(1 − σ(0)) = 0.25.

## Put the steps of backprop in order
<!--
id: backprop
type: ordered
-->
1. Forward pass
2. Compute the loss
3. Backward pass
4. Update the weights
"""


async def test_numeric_then_ordered_card(app_factory, db_path, tmp_path):
    folder = tmp_path / "typed"
    folder.mkdir()
    (folder / "types.md").write_text(DECK, encoding="utf-8")
    app = app_factory(roots=[folder])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await start_review(pilot)
        assert isinstance(app.screen.answer_widget, NumberInput)
        assert isinstance(app.focused, Input)
        await pilot.press(*"25%", "enter")  # 25% is 0.25
        await pilot.pause()
        assert verdict_text(app).startswith("Correct")
        await pilot.press("enter")
        await pilot.pause()
        widget = app.screen.answer_widget
        assert isinstance(widget, OrderInput)
        with Store.open(db_path) as store:
            card = review.get_card(store, "backprop")
        order = display_order(card)
        listing = str(widget.query_one(Static).render())
        assert f"1. {card.expected[order[0]]}" in listing
        right = " ".join(str(order.index(i) + 1) for i in range(4))
        await pilot.press(*right, "enter")
        await pilot.pause()
        assert verdict_text(app).startswith("Correct")
        await pilot.press("enter")
        await pilot.pause()
    assert [(r["card_id"], r["rating"], r["score"]) for r in reviews(db_path)] == [
        ("sig0", 3, 1.0),
        ("backprop", 3, 1.0),
    ]


REVERSED = """---
new_per_day: 20
---
## ReLU
<!--
id: relu
reverse: true
-->
max(0, x)
"""


async def test_a_reverse_card_asks_back_to_front_with_its_own_schedule(
    app_factory, db_path, tmp_path
):
    """The forward card asks 'ReLU', then its reverse asks 'max(0, x)' and reveals 'ReLU'; each
    answer is saved under its own card id."""
    folder = tmp_path / "reversed"
    folder.mkdir()
    (folder / "relu.md").write_text(REVERSED, encoding="utf-8")
    app = app_factory(roots=[folder])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await start_review(pilot)
        assert "ReLU" in screen.query_one("#prompt").source
        await pilot.press("space", "3")
        await pilot.pause()
        assert "max(0, x)" in screen.query_one("#prompt").source
        await pilot.press("space")
        await pilot.pause()
        assert "ReLU" in screen.query_one("#model-answer").source
        await pilot.press("4")
        await pilot.pause()
    assert [(r["card_id"], r["rating"]) for r in reviews(db_path)] == [
        ("relu", 3),
        ("relu::rev", 4),
    ]

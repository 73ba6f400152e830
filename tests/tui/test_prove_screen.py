"""The proof screen, through Pilot: parameters as fields, a rerun with them, training frames as
they happen, stopping, and the picture view (half-cell pictures, which need no terminal answer)."""

from __future__ import annotations

import time

import pytest
from textual.widgets import Input, Static

from quizapp.tui import terminal_images
from quizapp.tui.prove_screen import ProofChart, ProveScreen

from .conftest import settle


@pytest.fixture(autouse=True)
def _text_charts():
    """Every test starts with text charts, whatever the terminal running the tests is."""
    terminal_images.set_mode(None)
    yield
    terminal_images.set_mode(None)


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def open_proof(pilot, name: str, wait: bool = True) -> ProveScreen:
    """Push the proof screen; with `wait`, until its first run has finished."""
    await settle(pilot)
    screen = ProveScreen(name)
    pilot.app.push_screen(screen)
    await pilot.pause()
    if wait:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    return screen


async def until(pilot, condition, patience: float = 60.0) -> None:
    """Poll ``condition`` until it holds. The patience is long because a loaded 2-core machine
    (helpers, xdist) made 8 s too short for a proof's first training frame; it bounds a hang,
    it is not a timing claim."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        if condition():
            return
        await pilot.pause(0.02)
    screen = pilot.app.screen
    seen = f"{text_of(screen, '#claim')[:120]!r} / {text_of(screen, '#panel-heading')!r}"
    raise AssertionError(f"the screen never got there; it shows {seen}")


async def test_parameters_are_fields_and_enter_reruns_with_them(app_factory):
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_proof(pilot, "vanishing-gradients")
        depth = screen.query_one("#param-depth", Input)
        assert depth.value == "24"
        assert text_of(screen, "#claim").startswith("✓ In a 24-layer MLP")
        await pilot.press("e")  # to the first field: depth, its value selected
        assert screen.focused is depth
        await pilot.press("8", "enter")
        await until(pilot, lambda: screen.proof is not None and screen.proof.params["depth"] == 8)
        assert text_of(screen, "#claim").startswith("✓ In a 8-layer MLP")
        assert screen.query_one("#param-depth", Input).value == "8"
        assert screen.focused is None  # back to the screen's keys: → pages again
        await pilot.press("right")
        assert screen.panel == 1


async def test_a_bad_value_is_named_and_nothing_runs(app_factory):
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_proof(pilot, "bias-term")
        runs = screen.run_id
        await pilot.press("e")
        screen.query_one("#param-pairs", Input).value = "many"
        await pilot.press("enter")
        await pilot.pause()
        said = text_of(screen, "#controls-help")  # next to the fields, which are in view
        assert "Not run: pairs takes a whole number, got 'many'" in said
        assert screen.run_id == runs
        await pilot.press("escape")  # leaves the field, not the screen
        assert isinstance(app.screen, ProveScreen) and screen.focused is None
        screen.query_one("#param-pairs", Input).value = "100"
        screen.query_one("#param-steps", Input).value = "1"
        screen.query_one("#param-steps", Input).focus()
        await pilot.press("enter")
        await until(pilot, lambda: screen.proof is not None)
        assert "does NOT hold on this run" in text_of(screen, "#claim")  # 1 Adam step fits nothing


async def test_training_shows_frames_as_it_goes_and_x_stops_it(app_factory):
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_proof(pilot, "dropout-ensemble")
        await pilot.press("e")
        # Long enough that it is still training when x comes, however fast the machine: about
        # 3 s of work on a quiet machine, a frame every 2000 steps.
        screen.query_one("#param-steps", Input).value = "40000"
        await pilot.press("enter")
        heading = lambda: text_of(screen, "#panel-heading")  # noqa: E731
        await until(pilot, lambda: heading().startswith("Step "))
        first = heading()
        assert "of 40000 (x: stop)" in first
        assert screen.query_one(ProofChart).display
        assert "test, no dropout" in text_of(screen, "#legend")
        await until(pilot, lambda: heading() != first)  # the frames keep coming
        await pilot.press("right")  # keys still work while it trains: no panels to page yet
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.proof is None and not screen.running
        assert text_of(screen, "#claim").startswith("Stopped before the end")
        assert heading().startswith("Stopped: Log-loss in training")


async def test_pictures_where_the_terminal_draws_them_and_i_for_the_text_chart(app_factory):
    from textual_image.widget import HalfcellImage

    terminal_images.set_mode("halfcell")
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_proof(pilot, "residual-connections", wait=False)
        await until(pilot, lambda: bool(screen.query(HalfcellImage)))
        await pilot.pause()
        assert screen.query_one(HalfcellImage).size.height >= 10  # drawn, not a 0-row widget
        assert not screen.query_one(ProofChart).display
        assert text_of(screen, "#panel-heading").startswith("Panel 1 of 2")
        await pilot.press("right")
        await until(pilot, lambda: screen.picture_panel == 1)
        await pilot.pause()
        assert screen.query_one(HalfcellImage).size.height >= 10  # the next panel's picture
        await pilot.press("i")  # the text chart instead, with its legend
        await pilot.pause()
        assert screen.query_one(ProofChart).display
        assert not screen.query_one("#picture").display
        assert "• plain" in text_of(screen, "#legend")


async def test_no_picture_key_where_the_terminal_cannot_draw_them(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_proof(pilot, "residual-connections")
        assert screen.check_action("toggle_pictures", ()) is False
        assert screen.check_action("stop", ()) is False  # nothing is running
        keys = str(screen.query_one("KeyBar").render())
        assert "Picture/text" not in keys and "Stop" not in keys
        # at 80 columns the bar keeps paging, the fields and the way out (? lists every key)
        assert "→ Panel" in keys and "e Parameters" in keys and "esc Back" in keys
        assert screen.query_one(ProofChart).display


async def test_at_80x24_the_chart_is_seen_whole_and_the_heading_takes_one_line(app_factory):
    """At 80x24 a short claim leaves the whole text chart, x axis included, above the key bar
    without scrolling; the panel heading drops its long key hint rather than wrap."""
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_proof(pilot, "bias-term")
        chart = screen.query_one(ProofChart)
        key_bar = screen.query_one("KeyBar")
        assert chart.display and chart.region.height >= 10
        assert chart.region.bottom <= key_bar.region.y, (chart.region, key_bar.region)
        heading = screen.query_one("#panel-heading", Static)
        assert heading.region.height == 1, text_of(screen, "#panel-heading")
        screen = await open_proof(pilot, "init-variance")  # a title too long for the hint
        assert screen.query_one("#panel-heading", Static).region.height == 1
        assert text_of(screen, "#panel-heading").startswith("Panel 1 of 2: Var(z) by layer")


WARM_UP_CHILD = """
import sys
from quizapp.tui import app, terminal_images
terminal_images.set_mode(sys.argv[1] if sys.argv[1] != "none" else None)
loaded = app.warm_up_pictures()
print(loaded, "matplotlib" in sys.modules)
"""


@pytest.mark.parametrize(("mode", "expected"), [("halfcell", "True True"), ("none", "False False")])
def test_matplotlib_is_loaded_ahead_only_where_pictures_are_drawn(mode, expected):
    """The first picture must not pay for importing matplotlib; a text-only terminal never
    loads it (a fresh process: this one may have imported it for other tests)."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", WARM_UP_CHILD, mode], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == expected.split()

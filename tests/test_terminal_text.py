"""Deck text never reaches the terminal as escape sequences (issue 15, finding 3).

A hostile deck sets the window title (``ESC]0;…BEL``), clears the screen (``ESC[2J``) and
writes the clipboard (``ESC]52;c;…``); both UIs are fed it and the bytes they write checked.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from quizapp.cli import main
from quizapp.terminal_text import printable

TITLE = "\x1b]0;PWNED-TITLE\x07"
CLEAR = "\x1b[2J"
CLIPBOARD = "\x1b]52;c;c2VjcmV0\x07"
C1_CSI = "\x9b31m"
HOSTILE_DECK = f"""---
deck: hostile
---
## What {TITLE}does ReLU{CLEAR} stand for?
<!--
id: hostile-basic
type: basic
-->
Rectified {CLIPBOARD}linear unit.{C1_CSI}	Tab	and é ∑ stay.

## Which is {TITLE}right?
<!--
id: hostile-choice
-->
- [x] the {CLIPBOARD}first
- [ ] the second{CLEAR}
"""
LEAKS = ("PWNED", "c2VjcmV0", "\x07", "\x1b]", "\x1b[2J", "\x9b")


def hostile_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "hostile.md").write_text(HOSTILE_DECK, encoding="utf-8")
    return folder


def test_the_plain_review_writes_no_escape_from_a_deck(tmp_path):
    folder = hostile_folder(tmp_path)
    db = tmp_path / "q.db"
    runner = CliRunner()
    assert runner.invoke(main, ["--db", str(db), "sync", str(folder)]).exit_code == 0
    result = runner.invoke(
        main, ["--db", str(db), "review", "--plain"], input="\n3\n1\n3\n", color=True
    )
    out = result.stdout_bytes.decode("utf-8")
    assert "What does ReLU stand for?" in out and "Rectified linear unit.\tTab\tand é ∑" in out
    for leak in LEAKS:
        assert leak not in out, leak
    # What is left of ESC is click's own styling (bold, dim, colours): SGR sequences only.
    assert set(re.findall(r"\x1b\[[0-9;]*[A-Za-z]", out)) <= {
        m for m in re.findall(r"\x1b\[[0-9;]*m", out)
    }
    assert out.count("\x1b") == len(re.findall(r"\x1b\[[0-9;]*m", out))


def test_problems_printed_by_the_cli_carry_no_escape(tmp_path):
    folder = tmp_path / "decks"
    folder.mkdir()
    # A file name is deck text too: it is printed in every problem about the file.
    (folder / f"bad{TITLE}.md").write_text("## q\n<!--\ntype: nonsense\n-->\na\n", "utf-8")
    result = CliRunner().invoke(main, ["check", str(folder)], color=True)
    assert result.exit_code == 1 and "bad.md:2: unknown type 'nonsense'" in result.output
    for leak in LEAKS:
        assert leak not in result.output


def test_the_terminal_app_writes_no_escape_from_a_deck(tmp_path, monkeypatch):
    from textual.drivers.headless_driver import HeadlessDriver

    from quizapp.tui.app import make_app
    from quizapp.tui.review_screen import ReviewScreen

    written: list[str] = []
    # Let the test driver receive what a real terminal would: every screen update's bytes.
    monkeypatch.setattr(HeadlessDriver, "is_headless", property(lambda self: False))
    monkeypatch.setattr(HeadlessDriver, "write", lambda self, data: written.append(data))
    folder = hostile_folder(tmp_path)
    now = datetime(2026, 3, 2, 12, tzinfo=UTC)

    async def drive() -> None:
        app = make_app(tmp_path / "q.db", now=lambda: now, roots=[folder], cursor_blink=False)
        async with app.run_test(size=(100, 30)) as pilot:
            for _ in range(100):
                await pilot.pause()
                await app.workers.wait_for_complete()
                if app.store_ready and not app.syncing:
                    break
            await pilot.press("r")
            await pilot.pause()
            assert isinstance(app.screen, ReviewScreen)
            await pilot.press("space")  # reveal the basic card's answer
            await pilot.pause()
            await pilot.pause()
            text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", "".join(written))
            assert "ReLU" in text and "Rectified" in text, repr(text[-3000:])  # the card was drawn

    asyncio.run(drive())
    # Textual's own pointer-shape sequence (OSC 22) is the one OSC a terminal may get.
    out = re.sub(r"\x1b\]22;[a-z-]*\x07", "", "".join(written))
    for leak in LEAKS:
        assert leak not in out, leak


def _control(c: str) -> bool:
    return (ord(c) < 0x20 and c not in "\t\n") or 0x7F <= ord(c) <= 0x9F


@given(st.text())
def test_printable_leaves_no_control_character_and_keeps_text_without_any(text):
    cleaned = printable(text)
    assert not any(_control(c) for c in cleaned)
    if not any(_control(c) for c in text):
        assert cleaned == text  # ordinary Unicode, tabs and newlines are kept as they are


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (f"a{TITLE}b", "ab"),
        (f"a{CLEAR}b", "ab"),
        (f"a{CLIPBOARD}b", "ab"),
        ("a\x1b]2;t\x1b\\b", "ab"),  # OSC ended by ST
        ("a\x1bPq#0;1\x1b\\b", "ab"),  # DCS (sixel)
        ("a\x1b[31;1mred\x1b[0m", "ared"),
        ("line\r\nnext\ttab", "line\nnext\ttab"),
        ("é ∑ 😀 日本", "é ∑ 😀 日本"),
    ],
)
def test_printable_removes_sequences_whole(raw, clean):
    assert printable(raw) == clean

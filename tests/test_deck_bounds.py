"""Deck files from strangers: bounded reading (issue 15, findings 2, 5 and 8).

Only regular files are read (a FIFO or ``/dev/zero`` used to hang or eat memory forever),
symlinks only inside the deck folder, sizes are capped, YAML aliases refused, messages quote a
short excerpt, and the parser's patterns stay linear on long runs of hostile characters.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.cli import main
from quizapp.config import Limits
from quizapp.parser import parse_text
from quizapp.store import Store
from quizapp.sync import load_decks, sync

from .conftest import NOW, write_deck

GOOD = "## What is ReLU?\n<!-- id: relu -->\nmax(0, x).\n"

# Runs in a child process, so a read that blocks forever fails the test instead of hanging it.
SYNC_CHILD = textwrap.dedent(
    """
    import resource, sys
    from pathlib import Path
    # Bounded memory: reading /dev/zero used to grow without end; here it fails at 600 MB.
    resource.setrlimit(resource.RLIMIT_AS, (600 << 20, 600 << 20))
    from quizapp.clock import utc_now
    from quizapp.store import Store
    from quizapp.sync import sync
    report = sync(Store.memory(), [Path(sys.argv[1])], utc_now())
    print("\\n".join(str(p) for p in report.problems) or "ok")
    """
)


def sync_in_child(folder: Path) -> str:
    out = subprocess.run(
        [sys.executable, "-c", SYNC_CHILD, str(folder)],
        capture_output=True,
        text=True,
        timeout=60,  # a guard against hanging, not a speed check: the work takes milliseconds
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_a_fifo_named_like_a_deck_is_a_problem_not_a_hang(tmp_path):
    write_deck(tmp_path, "good.md", GOOD)
    os.mkfifo(tmp_path / "pipe.md")
    out = sync_in_child(tmp_path)
    assert f"{tmp_path / 'pipe.md'}:1: not a regular file (a FIFO)" in out


def test_a_symlink_to_dev_zero_is_a_problem_not_endless_reading(tmp_path):
    write_deck(tmp_path, "good.md", GOOD)
    (tmp_path / "zero.md").symlink_to("/dev/zero")
    out = sync_in_child(tmp_path)
    assert f"{tmp_path / 'zero.md'}:1:" in out and "outside the deck folder" in out


def test_a_device_inside_the_folder_is_not_read(tmp_path):
    # A device node cannot be made without privileges; a FIFO is the same kind of check.
    decks = tmp_path / "decks"
    write_deck(decks, "good.md", GOOD)
    os.mkfifo(decks / "dev.md")
    _, problems = load_decks([decks])
    assert [p.message for p in problems] == ["not a regular file (a FIFO); not read"]


def test_a_symlink_leaving_the_deck_folder_is_not_read(tmp_path):
    """Finding 8: a .md symlink to /etc/passwd was read as a deck."""
    outside = tmp_path / "secret.txt"
    outside.write_text("## root:x:0:0\nsecret\n", "utf-8")
    decks = tmp_path / "decks"
    write_deck(decks, "good.md", GOOD)
    (decks / "passwd.md").symlink_to(outside)
    linked = decks / "shared" / "gelu.txt"  # not a deck name itself, so read once, via the link
    linked.parent.mkdir()
    linked.write_text("## What is GELU?\n<!-- id: gelu -->\nx times Phi(x).\n", "utf-8")
    (decks / "inside.md").symlink_to(linked)  # inside the folder: fine
    store = Store.memory()
    report = sync(store, [decks], NOW)
    messages = [(Path(p.source).name, p.message) for p in report.problems]
    assert messages == [("passwd.md", f"symlink to {outside}, outside the deck folder; not read")]
    # One file left out, the rest synced: the link inside the folder was read, passwd was not.
    ids = {r[0] for r in store.conn.execute("SELECT id FROM cards")}
    assert {i.split("/")[-1] for i in ids} == {"relu", "gelu"}


@pytest.mark.parametrize("kind", ["dangling", "loop"])
def test_dangling_and_looping_symlinks_are_problems(tmp_path, kind):
    """Finding 5: these were tracebacks in sync, review and due."""
    decks = tmp_path / "decks"
    write_deck(decks, "good.md", GOOD)
    if kind == "dangling":
        (decks / "gone.md").symlink_to(decks / "nowhere.md")
    else:
        (decks / "gone.md").symlink_to(decks / "gone.md")
    report = sync(Store.memory(), [decks], NOW)
    assert len(report.problems) == 1 and report.problems[0].source.endswith("gone.md")
    assert ("does not exist" if kind == "dangling" else "symlink loop") in report.problems[
        0
    ].message
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "q.db"), "sync", str(decks)])
    assert result.exit_code == 1 and "gone.md:1:" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)


def test_a_folder_loop_is_walked_once(tmp_path):
    decks = tmp_path / "decks"
    write_deck(decks, "sub/good.md", GOOD)
    (decks / "sub" / "back").symlink_to(decks)  # decks/sub/back -> decks: a loop
    parsed, problems = load_decks([decks])
    assert problems == [] and [p.name for p, _ in parsed] == ["good.md"]


def test_a_registered_folder_that_is_a_symlink_loop_is_skipped_with_a_warning(tmp_path):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    cfg = Path(os.environ["QUIZAPP_CONFIG"])
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(f'decks = ["{loop}"]\n', "utf-8")
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "q.db"), "due"])
    assert result.exit_code == 0, result.output
    assert "symlink loop" in result.output and "Traceback" not in result.output


def test_files_and_cards_over_the_limits_are_problems_and_the_limits_are_configurable(tmp_path):
    decks = tmp_path / "decks"
    big_answer = "word " * 20_000  # 100 KB in one card
    write_deck(decks, "big.md", "## Long?\n<!-- id: long -->\n" + big_answer + "\n")
    _, problems = load_decks([decks])
    assert [p.line for p in problems] == [1]
    assert "longer than the 64 KB limit for one card" in problems[0].message
    assert "limits.max_card_kb" in problems[0].fix
    _, problems = load_decks([decks], Limits(max_file_bytes=50_000))
    assert "larger than the 48 KB limit for a deck file" in problems[0].message

    cfg = Path(os.environ["QUIZAPP_CONFIG"])
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(f'decks = ["{decks}"]\n[limits]\nmax_card_kb = 200\n', "utf-8")
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0, result.output


LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n"
    for i in range(8)
)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("## q\n<!--\n" + LAUGHS + "id: *i\n-->\nanswer\n", 3),
        ("---\n" + LAUGHS + "retention: *i\n---\n## q\na\n", 2),
    ],
)
def test_yaml_aliases_are_refused_not_expanded(text, line):
    """Finding 2: a 9-level alias chain used to be expanded (gigabytes) into the message."""
    deck = parse_text(text, "deck.md", "deck")
    assert len(deck.problems) == 1
    problem = deck.problems[0]
    assert problem.line == line and "aliases" in problem.message
    assert len(str(problem)) < 200


@pytest.mark.parametrize("value", ["[open]", "{a: 1}"])
def test_a_type_that_is_not_a_word_is_a_problem(value):
    """Finding 5: 'unhashable type' traceback."""
    deck = parse_text(f"## q\n<!--\ntype: {value}\n-->\na\n", "deck.md", "deck")
    assert [p.line for p in deck.problems] == [2]
    assert deck.problems[0].message.startswith("unknown type")


def test_error_messages_quote_a_short_escaped_excerpt():
    value = "\\e]0;TITLE\\a" + "!" * 30_000  # YAML escapes for ESC and BEL
    deck = parse_text(f'## q\n<!--\nid: "{value}"\n-->\na\n', "deck.md", "deck")
    message = str(deck.problems[0])
    assert len(message) < 200 and "\x1b" not in message and "\x07" not in message
    assert "\\x1b]0;TITLE" in message


# -- linear-time patterns -------------------------------------------------------------------------
# Each quadratic pattern took seconds on 20k characters (a heading and 40k spaces: 20 s), so the
# hypothesis deadline below separates linear from quadratic with a wide margin either way.

RUN = st.integers(min_value=50_000, max_value=120_000)
HOSTILE = st.sampled_from([" ", "\t", "{{", "}", "`", "<!--", "#", "-", "::", "c1::", "[x]"])
PREFIXES = st.sampled_from(
    [
        "## a",
        "## a ",
        "### Key points",
        "### Misconceptions",
        "- ",
        "  ",
        "{{c1::",
        "<!-- ",
        "```",
        "id: a",
    ]
)
UNLIMITED = Limits(1 << 30, 1 << 30)
PROPERTY = settings(
    max_examples=25,
    deadline=1000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@PROPERTY
@given(prefix=PREFIXES, unit=HOSTILE, count=RUN, tail=st.sampled_from(["", "x", " #", "\n- p"]))
def test_the_parser_is_linear_on_long_runs_of_hostile_characters(prefix, unit, count, tail):
    body = prefix + unit * (count // len(unit)) + tail
    for text in (body, f"## q\n{body}\n", f"## q\na\n### Misconceptions\n- c\n{body}\n"):
        deck = parse_text(text, "deck.md", "deck", UNLIMITED)
        for problem in deck.problems:
            assert len(str(problem)) < 400


@PROPERTY
@given(count=RUN)
def test_a_long_heading_keeps_its_words_and_drops_the_padding(count):
    deck = parse_text("## What is ReLU?" + " " * count + "##\nmax(0, x)\n", "d.md", "d", UNLIMITED)
    assert [c.prompt for c in deck.cards] == ["What is ReLU?"]


@PROPERTY
@given(count=st.integers(min_value=10_000, max_value=60_000))
def test_unclosed_cloze_braces_are_plain_text(count):
    deck = parse_text("## q\n" + "{{" * count + "\n", "d.md", "d", UNLIMITED)
    assert [c.type.value for c in deck.cards] == ["basic"]

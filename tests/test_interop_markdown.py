"""Other tools' markdown decks: each fixture in tests/fixtures/interop is imported, read back by
our own parser with no problems, and must give exactly the expected cards."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizapp.cli import main
from quizapp.interop import InteropError
from quizapp.interop.apply import apply_import
from quizapp.interop.markdown_formats import import_markdown
from quizapp.store import Store
from quizapp.sync import load_decks

from .conftest import NOW, write_deck

FIXTURES = Path(__file__).parent / "fixtures" / "interop"

EXPECTED = {
    "hashcards": (
        "hashcards.md",
        {
            ("Linear algebra", "basic", "What is the rank of a matrix?", ()),
            ("Linear algebra", "basic", "When is a square matrix invertible?", ()),
            (
                "Linear algebra",
                "cloze",
                "The [...] of a matrix is the sum of its diagonal entries.",
                ("trace",),
            ),
            (
                "Linear algebra",
                "cloze",
                "The trace of a matrix is the sum of its [...].",
                ("diagonal entries",),
            ),
            (
                "Linear algebra",
                "cloze",
                "An eigenvector's direction is ![unchanged](arrow.png) by the map; "
                "only its [...] scales.",
                ("length",),
            ),
        },
    ),
    "obsidian": (
        "obsidian",
        {
            ("ml/activations", "basic", "ReLU formula", ()),
            ("ml/activations", "basic", "Sigmoid", ()),
            ("ml/activations", "basic", "σ(x) = 1 / (1 + e^-x)", ()),
            ("ml/activations", "basic", "Why do sigmoid gradients vanish?", ()),
            ("ml/activations", "basic", "Leaky ReLU", ()),
            ("ml/activations", "basic", "ReLU with a small slope for negative inputs", ()),
            (
                "ml/activations",
                "cloze",
                "The derivative of tanh peaks at [...], that of the sigmoid at 0.25.",
                ("1",),
            ),
            (
                "ml/activations",
                "cloze",
                "The derivative of tanh peaks at 1, that of the sigmoid at [...].",
                ("0.25",),
            ),
        },
    ),
    "repeater": (
        "repeater.md",
        {
            ("repeater", "basic", "What is Bayes' rule?", ()),
            (
                "repeater",
                "cloze",
                "The [...] of a sum of independent variables is the [...].",
                ("variance", "sum of their variances"),
            ),
            ("repeater", "basic", "Expectation of a constant", ()),
        },
    ),
    "logseq": (
        "logseq.md",
        {
            ("logseq", "basic", "What does momentum add to SGD?", ()),
            ("logseq", "cloze", "Adam keeps [...] and [...] moment estimates", ("first", "second")),
        },
    ),
}

ANSWERS = {
    "When is a square matrix invertible?": (
        "When its determinant is non-zero.\nEquivalently, when its rank is full."
    ),
    "Why do sigmoid gradients vanish?": (
        "The derivative is at most 0.25,\nso it shrinks layer after layer."
    ),
    "ReLU formula": "max(0, x)",
    "σ(x) = 1 / (1 + e^-x)": "Sigmoid",
    "What is Bayes' rule?": "P(A|B) = P(B|A) P(A) / P(B)",
    "Expectation of a constant": "the constant itself",
    "What does momentum add to SGD?": (
        "- A running average of past gradients\n- It damps oscillations"
    ),
}


@pytest.mark.parametrize("fmt", sorted(EXPECTED))
def test_fixture_deck_round_trips_into_cards_our_parser_reads(tmp_path, fmt):
    source, expected = EXPECTED[fmt]
    store = Store.open(tmp_path / "quiz.db")
    out = tmp_path / "out"
    report = apply_import(store, import_markdown(fmt, FIXTURES / source), out, NOW, origin=fmt)
    parsed, problems = load_decks([out])
    assert problems == []
    cards = [c for _, deck in parsed for c in deck.cards]
    assert {(c.deck, c.type.value, c.prompt, c.expected) for c in cards} == expected
    for card in cards:
        if card.prompt in ANSWERS:
            assert card.answer == ANSWERS[card.prompt]
    assert report.cards_added == len(cards)
    assert store.conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0] == len(cards)

    again = apply_import(store, import_markdown(fmt, FIXTURES / source), out, NOW, origin=fmt)
    assert (again.cards_added, again.files_written) == (0, 0)


def test_obsidian_schedule_comments_are_reported_not_silently_lost():
    imported = import_markdown("obsidian", FIXTURES / "obsidian")
    assert any("2 Obsidian schedule comment(s) dropped" in note for note in imported.notes)
    assert imported.reviews == []


def test_logseq_schedules_are_reported_and_their_properties_stay_out_of_the_cards():
    imported = import_markdown("logseq", FIXTURES / "logseq.md")
    assert any("1 Logseq card schedule(s) dropped" in note for note in imported.notes)
    text = "".join(n.front + n.back for d in imported.decks for n in d.notes)
    assert "card-" not in text and "::" not in text.replace("{{c1::", "")


def test_obsidian_notes_without_the_flashcards_tag_hold_no_cards():
    imported = import_markdown("obsidian", FIXTURES / "obsidian")
    prompts = {n.front for d in imported.decks for n in d.notes}
    assert "a" not in prompts and "This note has no flashcards tag, so a" not in prompts
    assert [d.name for d in imported.decks] == ["ml/activations"]


@pytest.mark.parametrize(
    ("fmt", "text", "message"),
    [
        ("hashcards", "Q: a question\n", "1: question without an answer"),
        ("hashcards", "A: orphan\n", "1: 'A:' without a 'Q:'"),
        ("hashcards", "C: no deletions here\n", "1: cloze card has no [deletion]"),
        ("repeater", "C: Half [good\n", "1: unclosed '['"),
        ("repeater", "C: Bad []\n", "1: empty '[]' deletion"),
        ("hashcards", "---\nname = \n---\nQ: a\nA: b\n", "2: front matter is not valid TOML"),
    ],
)
def test_bad_decks_get_a_one_line_error_with_file_and_line(tmp_path, fmt, text, message):
    path = write_deck(tmp_path, "deck.md", text)
    with pytest.raises(InteropError, match=re.escape(message)) as caught:
        import_markdown(fmt, path)
    assert str(caught.value).startswith(str(path))
    assert "\n" not in str(caught.value)


def test_the_markdown_import_command_registers_the_folder_and_leaves_nothing_on_error(tmp_path):
    db = tmp_path / "quiz.db"
    out = tmp_path / "out"
    bad = write_deck(tmp_path, "bad.md", "Q: unanswered\n")
    result = CliRunner().invoke(
        main, ["--db", str(db), "import", "markdown", "--from", "hashcards", str(bad), str(out)]
    )
    assert result.exit_code == 1 and "question without an answer" in result.output
    assert not out.exists()

    source = str(FIXTURES / "hashcards.md")
    args = ["--db", str(db), "import", "markdown", "--from", "hashcards", source, str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "5 card(s) added" in result.output and "registered" in result.output
    assert (out / "Linear algebra.md").exists()

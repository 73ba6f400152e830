"""The parser's fast paths (``parser.FAST_PATHS``) must give exactly what the plain code gives.

Each deck is parsed twice, with the shortcuts on and off, and everything compared: settings,
every field of every card (``synonyms`` too, which ``Card.__eq__`` ignores), problems and the
ids a sync would write. The inputs: every bundled deck, hand-written tricky decks (fences of
both kinds, CRLF, YAML words that are not strings, shielded braces) and a seeded fuzz of
deck fragments.
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest

from quizapp import parser
from quizapp.cards import Card
from quizapp.config import Limits

CONTENT = Path(__file__).resolve().parent.parent / "content"

TRICKY = {
    "fenced braces": "## Q\n```\nx = {{a}}\n## not a card\n```\nanswer {{c1::b}}\n",
    "tilde fence": "## Q\n~~~\n## inside\n- [x] not an option\n~~~\nA\n## R\nB\n",
    "crlf": "---\r\ndeck: d\r\n---\r\n## Q\r\n<!--\r\nid: q1\r\n-->\r\nA\r\n",
    "yaml non-strings": (
        "## A\n<!--\nid: yes\n-->\nx\n## B\n<!--\nid: 123\n-->\ny\n"
        "## C\n<!--\nid: 2026-01-01\n-->\nz\n## D\n<!--\nid: on\n-->\nw\n"
        "## E\n<!--\nid: null\n-->\nv\n## F\n<!--\nid: 0x1f\n-->\nu\n"
    ),
    "shield characters": "## Q \x00( x\nA \x00) y\n",
    "all the fields": (
        "---\ntags: [t]\nsynonyms: {a: [b]}\n---\n"
        "## Open\n<!--\nid: o1\ntags: [x, y]\nsynonyms: {c: [d, e]}\n-->\nBody\n\n"
        "### Key points\n- one\n  more\n- two\n\n### Misconceptions\n- wrong\n  - right\n"
        "## Pick\n- [x] a\n- [ ] b\n\nWhy\n"
        "## Fill {{c1::x::hint}} and {{y}}\nextra\n"
        "## Steps\n<!--\ntype: ordered\n-->\n1. a\n2. b\n"
        "## Num\n<!--\nanswer: 2.5 ms\ntolerance: 1%\n-->\n"
        "## Rev\n<!--\nreverse: true\n-->\nBack\n"
    ),
    "problems": (
        "## \n## Dup\n<!--\nid: d\n-->\n## Dup2\n<!--\nid: d\n-->\n## Bad\n<!--\nid: [\n-->\n"
    ),
}

FRAGMENTS = [
    "## Q", "## ", "### Key points", "### Misconceptions", "- a", "  - b", "1. one", "2) two",
    "- [x] yes", "- [ ] no", "<!--", "-->", "<!-- id: x -->", "id: a1", "id: yes", "id: 7",
    "type: basic", "type: ordered", "tags: [a, b]", "reverse: true", "answer: 2.5 ms",
    "synonyms: {a: [b]}", "```", "~~~", "x {{c1::y}} z", "{{a}}", "", "text", "    indented",
    "---", "deck: d", "new_per_day: 5", "## C# ##", "   ## spaced", "a}}b{{c", "\x00(",
]  # fmt: skip


def _fuzz_decks(count: int = 400) -> list[str]:
    rng = random.Random(16)
    return ["\n".join(rng.choices(FRAGMENTS, k=rng.randint(1, 40))) for _ in range(count)]


def _dump(parsed: parser.ParsedDeck) -> tuple:
    assert all(type(card) is Card for card in parsed.cards)
    return (
        dataclasses.asdict(parsed.deck),
        [dataclasses.asdict(card) for card in parsed.cards],
        [vars(card) for card in parsed.cards],  # the instance's own values, not class defaults
        parsed.problems,
        parsed.missing_ids,
    )


def _both_ways(monkeypatch: pytest.MonkeyPatch, text: str, limits: Limits | None = None):
    fast = _dump(parser.parse_text(text, "deck.md", "deck", limits))
    monkeypatch.setattr(parser, "FAST_PATHS", False)
    plain = _dump(parser.parse_text(text, "deck.md", "deck", limits))
    monkeypatch.setattr(parser, "FAST_PATHS", True)
    return fast, plain


@pytest.mark.parametrize(
    "path", sorted(CONTENT.rglob("*.md")), ids=lambda p: p.relative_to(CONTENT).as_posix()
)
def test_bundled_decks_parse_the_same_both_ways(monkeypatch, path):
    fast, plain = _both_ways(monkeypatch, path.read_text("utf-8"))
    assert fast == plain
    assert fast[1], "a bundled deck with no cards tests nothing"


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_decks_parse_the_same_both_ways(monkeypatch, name):
    fast, plain = _both_ways(monkeypatch, TRICKY[name])
    assert fast == plain


def test_fuzzed_decks_parse_the_same_both_ways(monkeypatch):
    small = Limits(max_card_bytes=200)  # some fuzzed cards pass the size limit, most do not
    for text in _fuzz_decks():
        for limits in (None, small):
            fast, plain = _both_ways(monkeypatch, text, limits)
            assert fast == plain, text

"""The markdown card format: every card type, every authoring error, and id write-back."""

from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.cards import CardType
from quizapp.parser import generated_id, insert_ids, parse_bytes, parse_text

from .conftest import SAMPLE


def parse(text: str):
    return parse_text(text, "deck.md", "deck")


def only_problem(text: str) -> str:
    parsed = parse(text)
    assert len(parsed.problems) == 1, parsed.problems
    return str(parsed.problems[0])


def test_sample_deck_has_one_card_of_each_type():
    parsed = parse(SAMPLE)
    assert parsed.problems == []
    by_id = {c.id: c for c in parsed.cards}
    assert by_id["relu-name"].type is CardType.BASIC
    assert by_id["relu-name"].answer == "Rectified linear unit."
    assert by_id["sigmoid-max::c1"].type is CardType.CLOZE
    assert by_id["sigmoid-max::c1"].prompt == "The sigmoid derivative is at most [...]."
    assert by_id["sigmoid-max::c1"].expected == ("0.25",)
    choice = by_id["zero-penalties"]
    assert choice.type is CardType.CHOICE
    assert [(c.text, c.correct) for c in choice.choices] == [
        ("L1 (lasso)", True),
        ("L2 (ridge)", False),
        ("Elastic net", True),
    ]
    assert choice.answer == "Only penalties with an L1 part have a corner at zero."
    open_card = by_id["l1-open"]
    assert open_card.type is CardType.OPEN
    assert open_card.key_points == (
        "L1 sets some weights to exactly zero",
        "The L1 subgradient has constant magnitude lambda",
    )
    assert "### Key points" not in open_card.answer
    assert parsed.deck.name == "sample" and parsed.deck.new_per_day == 20


def test_cards_carry_source_line_of_their_heading():
    parsed = parse(SAMPLE)
    lines = SAMPLE.split("\n")
    for card in parsed.cards:
        assert lines[card.line - 1].startswith("## ")


def test_cloze_each_number_is_its_own_card_and_others_stay_visible():
    parsed = parse("## {{c1::Lasso}} is L1, {{c2::ridge::penalty}} is L2, {{c1::lasso}} again\n")
    cards = {c.cloze: c for c in parsed.cards}
    assert set(cards) == {1, 2}
    assert cards[1].prompt == "[...] is L1, ridge is L2, [...] again"
    assert cards[1].expected == ("Lasso", "lasso")
    assert cards[2].prompt == "Lasso is L1, [penalty] is L2, lasso again"
    assert cards[2].expected == ("ridge",)
    assert cards[1].id.endswith("::c1") and cards[2].id.endswith("::c2")
    assert cards[1].note_id == cards[2].note_id


def test_plain_cloze_braces_number_themselves_in_order():
    parsed = parse("## Heading\n\nHe init uses {{2/fan_in}}; Xavier uses {{2/(fan_in+fan_out)}}.\n")
    assert [c.expected for c in parsed.cards] == [("2/fan_in",), ("2/(fan_in+fan_out)",)]
    assert parsed.cards[0].prompt.startswith("Heading\n\n")


def test_heading_inside_fenced_code_is_not_a_card():
    text = "## Real\n\n```python\n## not a card\n```\n\n~~~\n## nor this\n~~~\n"
    parsed = parse(text)
    assert [c.prompt for c in parsed.cards] == ["Real"]
    assert "## not a card" in parsed.cards[0].answer


def test_task_list_inside_code_does_not_make_a_choice_card():
    parsed = parse("## Q\n\n```\n- [x] not an option\n```\n")
    assert parsed.cards[0].type is CardType.BASIC


def test_text_after_key_points_returns_to_the_answer():
    parsed = parse("## Q\nAnswer.\n### Key points\n- one\n- two\n\nMore answer.\n")
    card = parsed.cards[0]
    assert card.key_points == ("one", "two")
    assert "More answer." in card.answer


def test_explicit_type_overrides_inference():
    parsed = parse("## Q\n<!-- type: open -->\nJust an answer.\n")
    assert parsed.cards[0].type is CardType.OPEN
    assert parsed.cards[0].key_points == ()


def test_front_matter_tags_merge_with_card_tags():
    parsed = parse("---\ntags: [ml]\n---\n## Q\n<!--\ntags: [nn, ml]\n-->\nA\n")
    assert parsed.cards[0].tags == ("ml", "nn")


def test_synonyms_from_deck_and_card():
    text = "---\nsynonyms: {lasso: [L1]}\n---\n## Q\n<!--\nsynonyms: {ridge: [L2]}\n-->\nA\n"
    card = parse(text).cards[0]
    assert card.synonyms == {"lasso": ("L1",), "ridge": ("L2",)}


def test_content_hash_changes_with_content_only():
    a = parse("## Q\n<!-- id: q -->\nA\n").cards[0]
    b = parse("## Q\n<!-- id: q -->\nA changed\n").cards[0]
    c = parse("\n\n## Q\n<!-- id: q -->\nA\n").cards[0]
    assert a.content_hash != b.content_hash
    assert a.content_hash == c.content_hash


# --- every authoring error: file and line, what is wrong, how to fix --------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\ndeck: x\n## Q\nA\n", r"deck\.md:1: front matter is not closed \(end it"),
        ("---\ndeck: [x\n---\n## Q\nA\n", r"deck\.md:2: front matter is not valid YAML"),
        ("---\n- a\n- b\n---\n", r"deck\.md:2: front matter must be a mapping"),
        ("---\nretention: 1.5\n---\n", r"retention 1\.5 is out of range \(use a number from 0\.7"),
        ("---\nretention: 0.5\n---\n", r"retention 0\.5 is out of range"),
        ("---\nnew_per_day: -1\n---\n", r"new_per_day -1 is out of range"),
        ("---\nnew_per_day: many\n---\n", r"new_per_day 'many' is out of range"),
        ("## Q\n<!--\nid: q\n\nA\n", r"deck\.md:2: attribute comment is not closed"),
        ("## Q\n<!--\nid: [q\n-->\nA\n", r"deck\.md:3: attributes are not valid YAML"),
        ("## Q\n<!--\nid: ok\ntags: [a\nprove: x\n-->\nA\n", r"deck\.md:4: attributes are not"),
        ("## Q\n<!--\ntyp: basic\n-->\nA\n", r"unknown attribute 'typ' \(did you mean 'type:'\?"),
        ("## Q\n<!--\ntype: essay\n-->\nA\n", r"deck\.md:2: unknown type 'essay' \(use one of"),
        ("## Q\n<!--\ncolour: red\n-->\nA\n", r"unknown attribute 'colour'"),
        ("## Q\n<!--\nid: a b\n-->\nA\n", r"id 'a b' is not valid"),
        ("## Q\n- [ ] a\n- [ ] b\n", r"deck\.md:1: choice card has no correct option \(mark"),
        ("## Q\n<!-- type: choice -->\nA\n", r"choice card has no options"),
        ("## The max is {{c1::}}\n", r"deck\.md:1: cloze deletion \{\{c1::\}\} is empty"),
        ("## Q\n<!-- type: cloze -->\nA\n", r"cloze card has no \{\{\.\.\.\}\} deletion"),
        ("## \nA\n", r"deck\.md:1: card has an empty prompt \(write the question"),
        ("## Q\nA\n### Key points\nnot a list\n", r"deck\.md:3: Key points heading has no bullet"),
        ("## Q\n<!-- prove: no-such-proof -->\nA\n", r"unknown proof 'no-such-proof' \(use one"),
        ("## Q\n<!-- prove: ../../etc/passwd -->\nA\n", r"is not a proof name"),
        ("## Q\n<!-- prove: os.system -->\nA\n", r"is not a proof name"),
    ],
)
def test_each_error_names_file_line_problem_and_fix(text: str, expected: str):
    assert re.search(expected, only_problem(text))


def test_duplicate_ids_in_one_file_name_both_lines():
    text = "## Q1\n<!-- id: same -->\nA\n\n## Q2\n<!-- id: same -->\nB\n"
    assert only_problem(text) == (
        "deck.md:5: duplicate id 'same' (also on line 1) (give one of the cards a different id)"
    )


def test_all_problems_of_a_file_are_reported_at_once():
    text = "## \nA\n\n## Q\n<!-- type: essay -->\n\n## R\n- [ ] a\n"
    assert [p.line for p in parse(text).problems] == [1, 5, 7]


def test_yaml_is_loaded_safely_never_executed():
    text = "## Q\n<!--\nid: !!python/object/apply:os.system ['echo pwned']\n-->\nA\n"
    problem = only_problem(text)
    assert "not valid YAML" in problem


def test_binary_and_non_utf8_files_are_problems_not_crashes():
    binary = parse_bytes(b"## Q\nA\x00B\n", "b.md", "b")
    assert str(binary.problems[0]) == "b.md:2: binary file, not a markdown deck (remove it)"
    latin1 = parse_bytes("## Q\n\ncafé\n".encode("latin-1"), "l.md", "l")
    assert str(latin1.problems[0]) == "l.md:3: not valid UTF-8 text (re-save the file as UTF-8)"
    bom = parse_bytes("\ufeff## Q\nA\n".encode(), "u.md", "u")
    assert bom.problems == [] and bom.cards[0].prompt == "Q"


# --- ids --------------------------------------------------------------------------------------


def test_cards_without_ids_get_stable_generated_ids():
    first = parse("## What is a bias term?\nA\n")
    second = parse("## What is a bias term?\nA different answer\n")
    assert first.cards[0].id == second.cards[0].id == generated_id("deck", "What is a bias term?")
    assert first.cards[0].id.startswith("what-is-a-bias-term-")
    assert len(first.missing_ids) == 1


def test_insert_ids_changes_nothing_else_byte_for_byte():
    text = (
        "---\ndeck: d\n---\n## One\nA\n\n## Two\n<!--\ntags: [x]\n-->\nB\n\n"
        "## Three\n<!-- tags: [y] -->\nC\n\n## Four\n<!-- id: four -->\nD"
    )
    parsed = parse(text)
    fixed = insert_ids(text, parsed.missing_ids)
    reparsed = parse(fixed)
    assert reparsed.missing_ids == []
    assert [c.id for c in reparsed.cards] == [c.id for c in parsed.cards]
    assert [c.tags for c in reparsed.cards] == [c.tags for c in parsed.cards]
    one, two, three = (ins.card_id for ins in parsed.missing_ids)
    assert fixed == (
        f"---\ndeck: d\n---\n## One\n<!--\nid: {one}\n-->\nA\n\n"
        f"## Two\n<!--\nid: {two}\ntags: [x]\n-->\nB\n\n"
        f"## Three\n<!--\nid: {three}\ntags: [y] -->\nC\n\n"
        "## Four\n<!-- id: four -->\nD"
    )
    assert fixed.endswith("## Four\n<!-- id: four -->\nD")


def test_insert_ids_keeps_crlf_line_endings():
    text = "## One\r\nA\r\n\r\n## Two\r\nB\r\n"
    fixed = insert_ids(text, parse(text).missing_ids)
    assert "\n" not in fixed.replace("\r\n", "")
    assert fixed.count("\r\n") == text.count("\r\n") + 6
    assert parse(fixed).missing_ids == []


# --- properties -------------------------------------------------------------------------------

markdownish = st.lists(
    st.sampled_from(
        [
            "## Q",
            "##",
            "A",
            "",
            "```",
            "~~~",
            "<!--",
            "-->",
            "id: x",
            "- [x] a",
            "- [ ] b",
            "### Key points",
            "- point",
            "{{c1::x}}",
            "{{}}",
            "---",
            "type: open",
            "prove: nope",
            "\t",
            "é",
            "## {{c2::y::h}}",
        ]
    ),
    max_size=30,
).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(markdownish | st.text(max_size=300))
def test_parser_never_raises_and_every_problem_has_a_line(text: str):
    parsed = parse(text)
    total = text.count("\n") + 1
    for problem in parsed.problems:
        assert 1 <= problem.line <= total
        assert problem.message and problem.source == "deck.md"


@settings(max_examples=200, deadline=None)
@given(markdownish)
def test_inserting_ids_only_adds_lines_and_resolves_every_missing_id(text: str):
    parsed = parse(text)
    if parsed.problems:
        return
    fixed = insert_ids(text, parsed.missing_ids)
    reparsed = parse(fixed)
    assert reparsed.problems == []
    assert reparsed.missing_ids == []
    assert [c.id for c in reparsed.cards] == [c.id for c in parsed.cards]
    assert [c.content_hash for c in reparsed.cards] == [c.content_hash for c in parsed.cards]


def test_braces_in_fenced_code_are_not_cloze_deletions():
    text = "## Jinja\n\n```\n{{ name }}\n```\n"
    card = parse(text).cards[0]
    assert card.type is CardType.BASIC
    assert "{{ name }}" in card.answer
    cloze = parse("## Fill {{c1::this}}\n\n```\n{{ keep }}\n```\n").cards
    assert len(cloze) == 1 and cloze[0].expected == ("this",)
    assert "{{ keep }}" in cloze[0].answer


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["id", "type", "prove", "tags", "x_y"]),
            st.sampled_from(
                [
                    "c1",
                    "yes",
                    "No",
                    "123",
                    "1e3",
                    "0x1f",
                    "1_000",
                    "2026-01-01",
                    "null",
                    "l1-a",
                    "True",
                    "on",
                    "a.b",
                    "1.5",
                    "v2",
                    ".inf",
                    "x_y",
                    "[a, b]",
                    "'q'",
                    "a: b",
                ]
            )
            | st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,8}", fullmatch=True),
        ),
        max_size=4,
    )
)
def test_fast_attribute_reader_agrees_with_yaml_safe_load(pairs):
    import yaml

    from quizapp.parser import _safe_yaml

    text = "\n".join(f"{k}: {v}" for k, v in pairs) + "\n"
    try:
        expected = yaml.safe_load(text)
    except yaml.YAMLError:
        return
    assert _safe_yaml(text) == expected


def test_misconceptions_are_read_with_their_corrections() -> None:
    text = (
        "## What does L1 do?\n\nIt zeroes weights.\n\n"
        "### Key points\n- L1 sets weights to zero.\n\n"
        "### Misconceptions\n- L2 also sets weights to zero,\n  just more slowly.\n"
        "  - L2's pull fades with the weight.\n- L1 shrinks all weights equally.\n"
        "  - Only weak ones stop at zero.\n\nMore answer.\n"
    )
    deck = parse_text(text, "a.md", "a")
    assert deck.problems == []
    (card,) = deck.cards
    assert [(m.claim, m.correction) for m in card.misconceptions] == [
        ("L2 also sets weights to zero, just more slowly.", "L2's pull fades with the weight."),
        ("L1 shrinks all weights equally.", "Only weak ones stop at zero."),
    ]
    assert card.answer == "It zeroes weights.\n\nMore answer."


def test_misconceptions_only_on_open_cards_and_never_empty() -> None:
    text = "## Q\n\nA\n\n### Key points\n- p\n\n### Misconceptions\n\ntext\n"
    empty = parse_text(text, "a.md", "a")
    assert [p.message for p in empty.problems] == ["Misconceptions heading has no bullet points"]
    basic = parse_text("## Q\n\nA\n\n### Misconceptions\n- x\n  - y\n", "a.md", "a")
    assert [p.message for p in basic.problems] == [
        "only open (typed-answer) cards can have misconceptions"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "id: a\ntags: [x, y-z, t1]",
        "tags: [yes, b]",
        "tags: [a,b ]\ntype: basic",
        "tags: [1.5, 2026-01-01]",
        "tags: [a, b]\ntags: [c]",
        'tags: ["quoted", b]',
        "tags: [a b, c]",
    ],
)
def test_the_fast_attribute_reader_agrees_with_the_yaml_loader(text):
    from quizapp.parser import _safe_yaml

    assert _safe_yaml(text) == yaml.safe_load(text)

"""Read a markdown deck into cards: a single pass line scanner, not a markdown renderer.

Why a scanner: syncing 10,000 cards must take well under a second, and all the format needs is to
find level-2 headings outside fenced code, one attribute comment, task lists, cloze braces and the
``### Key points`` list. Rendering the markdown is left to the UI, which shows the text as written.

Parsing never raises on bad input and never executes anything: YAML goes through the safe loader
only, and every mistake becomes a :class:`~quizapp.cards.Problem` with a line number and a fix.
The format itself is documented for deck authors in ``content/README.md``.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

import yaml

from quizapp.cards import Card, CardType, Choice, DeckSettings, Misconception, Problem
from quizapp.config import Limits
from quizapp.terminal_text import printable

# Every pattern here runs on lines of files from strangers, so none may backtrack
# quadratically: no two adjacent quantifiers that can match the same characters, and no
# ``.*?`` followed by something that can fail at the end of a long line (a property test in
# tests/test_deck_bounds.py feeds each long runs of spaces, braces, backticks and ``<!--``).
HEADING2 = re.compile(r"^ {0,3}##(?!#)(?:[ \t]+(.*))?$")
ANY_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
KEY_POINTS = re.compile(r"^ {0,3}###[ \t]+key[ \t]+points[ \t]*(?::[ \t]*)?$", re.IGNORECASE)
MISCONCEPTIONS = re.compile(r"^ {0,3}###[ \t]+misconceptions[ \t]*(?::[ \t]*)?$", re.IGNORECASE)
NESTED_BULLET = re.compile(r"^(?= {2}|\t)[ \t]*[-*+][ \t]+(.*)$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
BULLET = re.compile(r"^[ \t]{0,3}(?:[-*+]|\d{1,3}[.)])[ \t]+(.*)$")
TASK = re.compile(r"^[ \t]*[-*+][ \t]+\[([ xX])\][ \t]+(.*)$")
CLOZE_NUMBERED = re.compile(r"^c(\d+)::(.*?)(?:::(.*))?$", re.DOTALL)
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
PROVE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")

CARD_TYPE_NAMES = frozenset(t.value for t in CardType)
CARD_KEYS = {"id", "type", "tags", "prove", "synonyms", "reverse", "answer", "tolerance"}
ORDERED_ITEM = re.compile(r"^[ \t]{0,3}\d{1,3}[.)][ \t]+(.*)$")
RETENTION_RANGE = (0.7, 0.99)
NEW_PER_DAY_RANGE = (0, 9999)
GAP = "[...]"
#: The shortcuts that make a first sync of thousands of cards fast (skipping the fence scan in a
#: text without fences, building cards without the frozen ``__init__``). Each gives exactly what
#: the plain code gives; tests/test_parser_fast_paths.py turns them off and compares.
FAST_PATHS = True
SHIELD_OPEN, SHIELD_CLOSE = "\x00(", "\x00)"  # stand-ins for braces inside fenced code


@dataclass(frozen=True)
class IdInsertion:
    """Where ``check --fix`` (and the first sync) writes a generated id into a file.

    ``comment_line`` is the 0-based line that opens an attribute comment lacking an ``id``; when it
    is ``None`` the card has no comment and a new one goes right under the heading.
    """

    heading_line: int
    card_id: str
    comment_line: int | None = None
    comment_inline: bool = False


@dataclass
class ParsedDeck:
    """Everything read from one file: its settings, its cards, and what is wrong with it."""

    deck: DeckSettings
    cards: list[Card] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    missing_ids: list[IdInsertion] = field(default_factory=list)


def deck_name_for(path: Path, root: Path | None) -> str:
    """Default deck name: the path below the root, folders joined by ``/``, without ``.md``."""
    if root is not None:
        try:
            return path.relative_to(root).with_suffix("").as_posix()
        except ValueError:
            pass
    return path.stem


def parse_file(
    path: Path | str, root: Path | None = None, limits: Limits | None = None
) -> ParsedDeck:
    """Read and parse one deck file; unreadable, binary, non-UTF-8, too large or not-a-regular
    files (FIFOs, devices, symlinks leaving ``root``) become problems."""
    from quizapp.deck_files import DeckFileError, read_deck

    path = Path(path)
    source = str(path)
    name = deck_name_for(path, root)
    limits = limits or Limits()
    try:
        data = read_deck(path, root, limits)
    except DeckFileError as exc:
        return _failed(source, name, 1, exc.what, exc.fix)
    return parse_bytes(data, source, name, limits)


def parse_bytes(
    data: bytes, source: str, deck_name: str, limits: Limits | None = None
) -> ParsedDeck:
    """Decode a deck's bytes as UTF-8 (a BOM is allowed) and parse it."""
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        return _failed(source, deck_name, line, "binary file, not a markdown deck", "remove it")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return _failed(source, deck_name, line, "not valid UTF-8 text", "re-save the file as UTF-8")
    return parse_text(text, source, deck_name, limits)


def _failed(source: str, name: str, line: int, message: str, fix: str) -> ParsedDeck:
    return ParsedDeck(
        DeckSettings(name=name, source=source), problems=[Problem(source, line, message, fix)]
    )


def parse_text(text: str, source: str, deck_name: str, limits: Limits | None = None) -> ParsedDeck:
    """Parse a deck's text. Line numbers in problems are 1-based, as editors show them."""
    limits = limits or Limits()
    lines = text.split("\n")
    if "\r" in text:
        lines = [line.removesuffix("\r") for line in lines]
    problems: list[Problem] = []
    start, deck = _front_matter(lines, source, deck_name, problems, limits.max_card_bytes)
    parsed = ParsedDeck(deck=deck, problems=problems)
    if problems and start < 0:
        return parsed
    maybe_fenced = not FAST_PATHS or "```" in text or "~~~" in text
    in_fence = _fence_mask(lines, maybe_fenced=maybe_fenced)
    headings = [
        i
        for i in range(start, len(lines))
        if "##" in lines[i][:6] and not in_fence[i] and HEADING2.match(lines[i])
    ]
    # Where each line starts in the text (newlines counted), so a card's size is one subtraction.
    offsets = list(accumulate([len(line) + 1 for line in lines], initial=0))
    limit = limits.max_card_bytes
    seen: dict[str, int] = {}
    for n, head in enumerate(headings):
        end = headings[n + 1] if n + 1 < len(headings) else len(lines)
        if offsets[end] - offsets[head] > limit:
            _too_big(head, limit, parsed)
            continue
        _parse_block(lines, in_fence, head, end, parsed, seen)
    return parsed


def _too_big(head: int, limit: int, parsed: ParsedDeck) -> None:
    """Report a card longer than the limit (a megabyte answer freezes the reveal)."""
    parsed.problems.append(
        Problem(
            parsed.deck.source,
            head + 1,
            f"card is longer than the {limit // 1024} KB limit for one card",
            "split it into smaller cards, or raise limits.max_card_kb in config.toml",
        )
    )


def _fence_mask(lines: list[str], *, maybe_fenced: bool = True) -> list[bool]:
    """For each line, whether it lies inside (or opens/closes) a fenced code block.

    A fence needs three backticks or tildes in a row, so a text without either has none
    (``maybe_fenced`` false) and the scan is skipped.
    """
    mask = [False] * len(lines)
    if not maybe_fenced:
        return mask
    opener: str | None = None
    for i, line in enumerate(lines):
        head = line[:4]
        match = FENCE.match(line) if ("`" in head or "~" in head) else None
        if opener is None:
            if match:
                opener = match.group(1)
                mask[i] = True
        else:
            mask[i] = True
            closes = (
                match is not None
                and match.group(1)[0] == opener[0]
                and len(match.group(1)) >= len(opener)
                and not line.strip()[len(match.group(1)) :].strip()
            )
            if closes:
                opener = None
    return mask


def _front_matter(
    lines: list[str], source: str, deck_name: str, problems: list[Problem], limit: int
) -> tuple[int, DeckSettings]:
    """Return the index of the first line after the front matter, and the deck settings.

    A negative index means the front matter was unusable and nothing else should be parsed.
    """
    deck_name = printable(deck_name)  # a file name can carry escapes too
    default = DeckSettings(name=deck_name, source=source)
    if not lines or lines[0].strip() != "---":
        return 0, default
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        problems.append(
            Problem(source, 1, "front matter is not closed", "end it with a line '---'")
        )
        return -1, default
    text = "\n".join(lines[1:end])
    if len(text) > limit:
        problems.append(
            Problem(
                source,
                1,
                f"front matter is longer than the {limit // 1024} KB limit",
                "keep only deck settings in it",
            )
        )
        return -1, default
    try:
        data = _safe_yaml(text)
    except yaml.YAMLError as exc:
        line = 2 + _yaml_line(exc)
        problems.append(
            Problem(
                source,
                line,
                f"front matter is not valid YAML: {_yaml_reason(exc)}",
                "write it as 'key: value' lines",
            )
        )
        return -1, default
    if data is None:
        return end + 1, default
    if not isinstance(data, dict):
        problems.append(
            Problem(source, 2, "front matter must be a mapping", "write it as 'key: value' lines")
        )
        return -1, default
    name = data.get("deck", deck_name)
    if not isinstance(name, str) or not name.strip() or printable(name) != name:
        problems.append(
            Problem(
                source,
                2,
                "'deck' must be a non-empty name without control characters",
                "e.g. deck: ml/basics",
            )
        )
        name = deck_name
    retention = data.get("retention", 0.9)
    lo, hi = RETENTION_RANGE
    if (
        isinstance(retention, bool)
        or not isinstance(retention, int | float)
        or not lo <= retention <= hi
    ):
        problems.append(
            Problem(
                source,
                2,
                f"retention {excerpt(retention)} is out of range",
                f"use a number from {lo} to {hi}, e.g. 0.9",
            )
        )
        retention = 0.9
    new_per_day = data.get("new_per_day", 10)
    lo_n, hi_n = NEW_PER_DAY_RANGE
    if (
        isinstance(new_per_day, bool)
        or not isinstance(new_per_day, int)
        or not lo_n <= new_per_day <= hi_n
    ):
        problems.append(
            Problem(
                source,
                2,
                f"new_per_day {excerpt(new_per_day)} is out of range",
                f"use a whole number from {lo_n} to {hi_n}, e.g. 10",
            )
        )
        new_per_day = 10
    tags = _tags(data.get("tags"), source, 2, problems)
    synonyms = _synonyms(data.get("synonyms"), source, 2, problems)
    settings = DeckSettings(
        name=name.strip(),
        source=source,
        retention=float(retention),
        new_per_day=new_per_day,
        tags=tags,
        synonyms=synonyms,
    )
    return end + 1, settings


# libyaml's C implementation of the same SafeLoader that ``yaml.safe_load`` uses: identical
# rules (plain data only, no tags that construct objects), about 8x faster, which a first sync of
# thousands of cards needs. Falls back to the pure-Python SafeLoader where libyaml is missing.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_SIMPLE_LINE = re.compile(r"^([a-z_]+):[ \t]+([A-Za-z0-9][A-Za-z0-9_.\-]*)[ \t]*$")
_WORD = r"[A-Za-z0-9][A-Za-z0-9_.\-]*"
_SIMPLE_LIST = re.compile(
    rf"^([a-z_]+):[ \t]+\[[ \t]*({_WORD}(?:[ \t]*,[ \t]*{_WORD})*)[ \t]*\][ \t]*$"
)
_RESOLVER = yaml.resolver.Resolver()


def plain_yaml_word(value: str) -> bool:
    """Whether YAML reads ``value`` as a plain string (``yes``, ``12`` and dates are not).

    PyYAML picks its implicit resolvers by the first character; a word starting with one that
    has none (most ids: ``l1-sparsity``, ``basic-12``) is a string without asking it.
    """
    resolvers = _RESOLVER.yaml_implicit_resolvers
    if (
        FAST_PATHS
        and value
        and value[0] not in resolvers
        and None not in resolvers
        and not _RESOLVER.yaml_path_resolvers
    ):
        return True
    return _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == "tag:yaml.org,2002:str"


def _safe_yaml(text: str) -> Any:
    """Load YAML as plain data only; never constructs arbitrary objects.

    Most attribute comments are a few ``key: plain-word`` lines (``id: l1-sparsity``), perhaps
    with a flow list of plain words (``tags: [nn, loss]``). Those are read directly, asking
    PyYAML's own resolver whether each word is a plain string (``yes``, ``123`` or
    ``2026-01-01`` are not, and take the full loader), so the result is exactly what the loader
    would return at a tenth of the cost.
    """
    simple: dict[str, str | list[str]] = {}
    for line in text.split("\n"):
        if not line.strip():
            continue
        match = _SIMPLE_LINE.match(line)
        if match is not None:
            key, value = match.groups()
            if not plain_yaml_word(value):
                break
            simple[key] = value
            continue
        listed = _SIMPLE_LIST.match(line)
        if listed is None:
            break
        words = [w.strip() for w in listed.group(2).split(",")]
        if not all(plain_yaml_word(w) for w in words):
            break
        simple[listed.group(1)] = words
    else:
        return simple or None
    _refuse_aliases(text)
    return yaml.load(text, Loader=_SAFE_LOADER)


def _refuse_aliases(text: str) -> None:
    """Raise a YAML error at the first anchor or alias: no deck needs them, and a chain of
    aliases (the "billion laughs") expands a few hundred bytes into gigabytes."""
    if "&" not in text and "*" not in text:
        return
    for token in yaml.scan(text, Loader=_SAFE_LOADER):
        if isinstance(token, yaml.AliasToken | yaml.AnchorToken):
            raise yaml.MarkedYAMLError(
                problem="anchors and aliases (&name, *name) are not allowed; write the value out",
                problem_mark=token.start_mark,
            )


def _yaml_reason(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    return str(problem) if problem else str(exc).splitlines()[0]


def _tags(value: Any, source: str, line: int, problems: list[Problem]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(t, str | int) for t in value):
        problems.append(
            Problem(source, line, "'tags' must be a list of words", "e.g. tags: [nn, loss]")
        )
        return ()
    return tuple(str(t).strip() for t in value if str(t).strip())


def _synonyms(
    value: Any, source: str, line: int, problems: list[Problem]
) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    ok = isinstance(value, Mapping) and all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(x, str) for x in v)
        for k, v in value.items()
    )
    if not ok:
        problems.append(
            Problem(
                source,
                line,
                "'synonyms' must map a term to a list of variants",
                "e.g. synonyms: {lasso: [L1, ℓ1]}",
            )
        )
        return {}
    return {k: tuple(v) for k, v in value.items()}


def _parse_block(
    lines: list[str],
    in_fence: list[bool],
    head: int,
    end: int,
    parsed: ParsedDeck,
    seen: dict[str, int],
) -> None:
    """Turn the lines of one ``## `` block into its card (or cloze sub-cards)."""
    source = parsed.deck.source
    problems = parsed.problems
    before = len(problems)
    match = HEADING2.match(lines[head])
    prompt = (match.group(1) or "").strip() if match else ""
    if prompt.endswith("#"):  # an ATX closing sequence: "## Question ##"
        prompt = _without_closing_hashes(prompt)
    if not prompt:
        problems.append(
            Problem(source, head + 1, "card has an empty prompt", "write the question after '## '")
        )

    # The attribute comment: the first non-blank line under the heading.
    attrs: dict[str, Any] = {}
    comment_line: int | None = None
    comment_inline = False
    cursor = head + 1
    while cursor < end and not lines[cursor].strip():
        cursor += 1
    if cursor < end and not in_fence[cursor] and lines[cursor].lstrip().startswith("<!--"):
        comment_line = cursor
        first = lines[cursor].lstrip()[4:]
        if "-->" in first:
            comment_inline = True
            yaml_text, close = first[: first.index("-->")], cursor
        else:
            close = None
            for i in range(cursor + 1, end):
                if "-->" in lines[i]:
                    close = i
                    break
            if close is None:
                problems.append(
                    Problem(
                        source,
                        cursor + 1,
                        "attribute comment is not closed",
                        "end it with a line '-->'",
                    )
                )
                return
            yaml_text = "\n".join([first, *lines[cursor + 1 : close], lines[close].split("-->")[0]])
        attrs = _attributes(yaml_text, source, cursor + 1, problems)
        body_start = close + 1
    else:
        body_start = head + 1

    # Body, key points, task list.
    body: list[str] = []
    key_points: list[str] = []
    choices: list[Choice] = []
    task_lines: set[int] = set()
    kp_line: int | None = None
    in_kp = False
    # Misconceptions: [claim, correction] pairs; a nested bullet is the claim's correction.
    wrong: list[list[str]] = []
    mc_line: int | None = None
    in_mc = False
    for i in range(body_start, end):
        line = lines[i]
        if "###" in line[:6] and not in_fence[i]:
            if KEY_POINTS.match(line):
                in_kp, in_mc, kp_line = True, False, i
                continue
            if MISCONCEPTIONS.match(line):
                in_mc, in_kp, mc_line = True, False, i
                continue
        if in_mc:
            if not line.strip():
                continue
            if not in_fence[i]:
                nested = NESTED_BULLET.match(line)
                if nested and wrong:
                    text = nested.group(1).strip()
                    wrong[-1][1] = f"{wrong[-1][1]} {text}".strip()
                    continue
                bullet = BULLET.match(line)
                if bullet and bullet.group(1).strip():
                    wrong.append([bullet.group(1).strip(), ""])
                    continue
                if wrong and line[:1] in " \t":
                    part = 1 if wrong[-1][1] else 0
                    wrong[-1][part] = f"{wrong[-1][part]} {line.strip()}"
                    continue
            in_mc = False
        if in_kp:
            # The list ends at the first line that is neither a bullet, its indented
            # continuation, nor blank; whatever follows belongs to the answer again.
            bullet = None if in_fence[i] else BULLET.match(line)
            if bullet and bullet.group(1).strip():
                key_points.append(bullet.group(1).strip())
                continue
            if not line.strip():
                continue
            if key_points and line[:1] in " \t" and not in_fence[i]:
                key_points[-1] = f"{key_points[-1]} {line.strip()}"
                continue
            in_kp = False
        task = None if in_fence[i] or "[" not in line else TASK.match(line)
        if task:
            choices.append(Choice(text=task.group(2).strip(), correct=task.group(1) != " "))
            task_lines.add(len(body))
        body.append(_shield(line) if in_fence[i] else line)
    answer = "\n".join(body).strip("\n")

    if kp_line is not None and not key_points:
        problems.append(
            Problem(
                source,
                kp_line + 1,
                "Key points heading has no bullet points",
                "add '- ' lines under it or remove the heading",
            )
        )

    if mc_line is not None and not wrong:
        problems.append(
            Problem(
                source,
                mc_line + 1,
                "Misconceptions heading has no bullet points",
                "add '- wrong claim' lines, each with an indented '- correction', or remove it",
            )
        )

    card_type = _card_type(attrs, prompt, answer, choices, key_points, source, head, problems)
    if wrong and card_type is not CardType.OPEN and len(problems) == before:
        problems.append(
            Problem(
                source,
                mc_line + 1 if mc_line is not None else head + 1,
                "only open (typed-answer) cards can have misconceptions",
                "add a '### Key points' list to make it an open card, or remove the section",
            )
        )
    if len(problems) > before:
        return
    if card_type is CardType.CHOICE:
        # The options are asked separately; what remains of the body is the explanation.
        answer = "\n".join(b for n, b in enumerate(body) if n not in task_lines).strip("\n")
    else:
        choices = []

    tags = parsed.deck.tags
    if "tags" in attrs:
        tags = tuple(dict.fromkeys((*tags, *attrs["tags"])))
    note_id = attrs.get("id") or generated_id(parsed.deck.name, prompt)
    if "id" not in attrs:
        parsed.missing_ids.append(IdInsertion(head, note_id, comment_line, comment_inline))
    if note_id in seen:
        problems.append(
            Problem(
                source,
                head + 1,
                f"duplicate id '{note_id}' (also on line {seen[note_id]})",
                "give one of the cards a different id",
            )
        )
        return
    seen[note_id] = head + 1
    synonyms = parsed.deck.synonyms
    if "synonyms" in attrs:
        synonyms = {**synonyms, **attrs["synonyms"]}
    common = {
        "note_id": note_id,
        "deck": parsed.deck.name,
        "source": source,
        "line": head + 1,
        "tags": tags,
        "prove": attrs.get("prove"),
        "synonyms": synonyms,
    }
    if card_type is CardType.CLOZE:
        parsed.cards.extend(_cloze_cards(prompt, answer, common))
        return
    if card_type is CardType.NUMERIC:
        tolerance = attrs.get("tolerance", ("", None))[0]
        common["expected"] = (attrs["answer"][0], tolerance)
    elif card_type is CardType.ORDERED:
        common["expected"] = tuple(_ordered_items(answer))
    parsed.cards.append(
        _make_card(
            id=note_id,
            type=card_type,
            prompt=prompt,
            answer=answer,
            key_points=tuple(key_points),
            misconceptions=tuple(Misconception(claim, fix) for claim, fix in wrong),
            choices=tuple(choices),
            **common,
        )
    )
    if attrs.get("reverse"):
        # The back-to-front card: its own id, so its own schedule and history.
        parsed.cards.append(
            _make_card(id=f"{note_id}::rev", type=card_type, prompt=answer, answer=prompt, **common)
        )


def _yaml_line(exc: yaml.YAMLError) -> int:
    """The 0-based line of the YAML text that holds the mistake.

    Where an unclosed construct began (PyYAML's context mark) if known; else where PyYAML
    stopped, moved back one line when that is the very start of the next line (it only noticed
    the missing ']' there, but the bad line is the one before).
    """
    context = getattr(exc, "context_mark", None)
    if context is not None:
        return context.line
    mark = getattr(exc, "problem_mark", None)
    if mark is None:
        return 0
    return mark.line - 1 if mark.column == 0 and mark.line > 0 else mark.line


def _attributes(text: str, source: str, line: int, problems: list[Problem]) -> dict[str, Any]:
    """Validate the YAML of a card's attribute comment; problems are reported at its first line."""
    try:
        data = _safe_yaml(text)
    except yaml.YAMLError as exc:
        at = line + _yaml_line(exc)
        problems.append(
            Problem(
                source,
                at,
                f"attributes are not valid YAML: {_yaml_reason(exc)}",
                "write them as 'key: value' lines, e.g. id: my-card",
            )
        )
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(
            Problem(source, line, "attributes must be 'key: value' lines", "e.g. id: my-card")
        )
        return {}
    attrs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in CARD_KEYS:
            close = difflib.get_close_matches(str(key), sorted(CARD_KEYS), n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}:'? " if close else ""
            problems.append(
                Problem(
                    source,
                    line,
                    f"unknown attribute {excerpt(key)}",
                    f"{hint}use one of: {', '.join(sorted(CARD_KEYS))}",
                )
            )
        elif key == "id":
            text_id = (
                str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""
            )
            if not ID_PATTERN.match(text_id):
                problems.append(
                    Problem(
                        source,
                        line,
                        f"id {excerpt(value)} is not valid",
                        "use letters, digits, '-', '_' or '.', e.g. id: l1-sparsity",
                    )
                )
            else:
                attrs["id"] = text_id
        elif key == "type":
            if not isinstance(value, str) or value not in CARD_TYPE_NAMES:
                problems.append(
                    Problem(
                        source,
                        line,
                        f"unknown type {excerpt(value)}",
                        f"use one of: {', '.join(t.value for t in CardType)} (or leave it out)",
                    )
                )
            else:
                attrs["type"] = CardType(value)
        elif key in ("reverse", "answer", "tolerance"):
            _card_type_attribute(key, value, attrs, source, line, problems)
        elif key == "tags":
            attrs["tags"] = _tags(value, source, line, problems)
        elif key == "synonyms":
            attrs["synonyms"] = _synonyms(value, source, line, problems)
        elif key == "prove":
            if not isinstance(value, str) or not PROVE_PATTERN.match(value):
                problems.append(
                    Problem(
                        source,
                        line,
                        f"prove {excerpt(value)} is not a proof name",
                        "name a registered proof; see 'quizapp prove --list'",
                    )
                )
                continue
            from quizapp import proofs  # the registry is a dict of names; no numpy on import

            if not proofs.exists(value):
                problems.append(
                    Problem(
                        source,
                        line,
                        f"unknown proof {excerpt(value)}",
                        f"use one of: {', '.join(proofs.names())}",
                    )
                )
            else:
                attrs["prove"] = value
    return attrs


def _card_type_attribute(
    key: str, value: Any, attrs: dict[str, Any], source: str, line: int, problems: list[Problem]
) -> None:
    """Check ``reverse`` (a yes/no), and a numeric card's ``answer`` and ``tolerance``."""
    from quizapp import quantities

    if key == "reverse":
        if not isinstance(value, bool):
            problems.append(
                Problem(source, line, f"reverse {value!r} is not true or false", "reverse: true")
            )
        else:
            attrs["reverse"] = value
        return
    text = str(value).strip() if isinstance(value, str | int | float) else ""
    try:
        quantity = quantities.parse(text) if not isinstance(value, bool) else None
    except quantities.QuantityError as exc:
        quantity, reason = None, str(exc)
    else:
        reason = f"{value!r} is not a number"
    if quantity is None:
        example = "answer: 0.25, or answer: 2.5 ms" if key == "answer" else "tolerance: 1%"
        problems.append(Problem(source, line, f"{key}: {reason}", f"e.g. {example}"))
    elif key == "tolerance" and quantity.value < 0:
        problems.append(
            Problem(source, line, "tolerance is negative", "e.g. tolerance: 1% or 0.01")
        )
    else:
        attrs[key] = (text, quantity)


def _numeric_problems(attrs: dict[str, Any], source: str, line: int) -> list[Problem]:
    """A numeric card needs an ``answer``; a tolerance must be a percent or in its units."""
    if "answer" not in attrs:
        return [
            Problem(source, line, "numeric card has no answer", "add 'answer: 0.25' to its comment")
        ]
    tolerance = attrs.get("tolerance")
    if (
        tolerance
        and not tolerance[1].percent
        and tolerance[1].dimension != attrs["answer"][1].dimension
    ):
        return [
            Problem(
                source,
                line,
                f"tolerance {tolerance[0]!r} is not in the units of answer {attrs['answer'][0]!r}",
                "use a percent (tolerance: 1%) or the answer's units",
            )
        ]
    return []


def _card_type(
    attrs: dict[str, Any],
    prompt: str,
    answer: str,
    choices: list[Choice],
    key_points: list[str],
    source: str,
    head: int,
    problems: list[Problem],
) -> CardType:
    """Infer the type (or check the declared one) and report what makes the card unusable."""
    has_cloze = has_deletion(prompt) or has_deletion(answer)
    declared = attrs.get("type")
    if declared is not None:
        card_type = declared
    elif "answer" in attrs:
        card_type = CardType.NUMERIC
    elif choices:
        card_type = CardType.CHOICE
    elif has_cloze:
        card_type = CardType.CLOZE
    elif key_points:
        card_type = CardType.OPEN
    else:
        card_type = CardType.BASIC
    line = head + 1
    if card_type is CardType.NUMERIC:
        problems.extend(_numeric_problems(attrs, source, line))
    elif "answer" in attrs or "tolerance" in attrs:
        problems.append(
            Problem(
                source,
                line,
                f"only numeric cards take answer/tolerance, not {card_type.value} cards",
                "remove them, or drop the 'type' to make it a numeric card",
            )
        )
    if attrs.get("reverse") and card_type is CardType.BASIC and not answer.strip():
        problems.append(
            Problem(source, line, "a reversed card needs an answer", "write the back under it")
        )
    if attrs.get("reverse") and card_type is not CardType.BASIC:
        problems.append(
            Problem(
                source,
                line,
                f"only basic cards can be reversed, not {card_type.value} cards",
                "remove 'reverse: true'",
            )
        )
    if card_type is CardType.ORDERED and len(_ordered_items(answer)) < 2:
        problems.append(
            Problem(
                source,
                line,
                "ordered card needs a numbered list of at least two steps",
                "write the steps in order as '1. first', '2. second' lines",
            )
        )
    if card_type is CardType.CHOICE:
        if not choices:
            problems.append(
                Problem(
                    source,
                    line,
                    "choice card has no options",
                    "add options as '- [x] right' and '- [ ] wrong' lines",
                )
            )
        elif not any(c.correct for c in choices):
            problems.append(
                Problem(
                    source,
                    line,
                    "choice card has no correct option",
                    "mark at least one option with '- [x]'",
                )
            )
    if card_type is CardType.CLOZE:
        deletions = [inner for *_, inner in deletion_spans(prompt)]
        deletions += [inner for *_, inner in deletion_spans(answer)]
        if not deletions:
            problems.append(
                Problem(
                    source,
                    line,
                    "cloze card has no {{...}} deletion",
                    "wrap the hidden words in {{ }}, e.g. {{c1::0.25}}",
                )
            )
        for raw in deletions:
            if not _deletion_parts(raw)[1].strip():
                problems.append(
                    Problem(
                        source,
                        line,
                        "cloze deletion {{" + excerpt(raw, quoted=False) + "}} is empty",
                        "put the hidden words inside the braces",
                    )
                )
                break
    return card_type


def _ordered_items(answer: str) -> list[str]:
    """The numbered list of an ordered card's body, in the order written (the right one)."""
    return [m.group(1).strip() for line in answer.splitlines() if (m := ORDERED_ITEM.match(line))]


def _deletion_parts(raw: str) -> tuple[int | None, str, str | None]:
    """Split a deletion's inner text into (number or None, hidden text, hint or None)."""
    numbered = CLOZE_NUMBERED.match(raw.strip())
    if numbered:
        return int(numbered.group(1)), numbered.group(2), numbered.group(3)
    return None, raw, None


def _cloze_cards(prompt: str, answer: str, common: dict[str, Any]) -> list[Card]:
    """One card per deletion number: that number is hidden, every other deletion is shown."""
    text = prompt if not has_deletion(answer) else f"{prompt}\n\n{answer}"
    deletions = [_deletion_parts(inner) for *_, inner in deletion_spans(text)]
    next_plain = max((n for n, _, _ in deletions if n is not None), default=0) + 1
    numbered: list[tuple[int, str, str | None]] = []
    for number, hidden, hint in deletions:
        if number is None:
            number, next_plain = next_plain, next_plain + 1
        numbered.append((number, hidden.strip(), hint))
    extra = "" if has_deletion(answer) else answer
    revealed = _replace_deletions(text, [f"**{hidden}**" for _, hidden, _ in numbered])
    full = revealed if not extra else f"{revealed}\n\n{extra}"
    cards = []
    for number in dict.fromkeys(n for n, _, _ in numbered):
        shown = [
            (f"[{hint.strip()}]" if hint else GAP) if n == number else hidden
            for n, hidden, hint in numbered
        ]
        cards.append(
            _make_card(
                id=f"{common['note_id']}::c{number}",
                type=CardType.CLOZE,
                prompt=_replace_deletions(text, shown),
                answer=full,
                cloze=number,
                expected=tuple(hidden for n, hidden, _ in numbered if n == number),
                **common,
            )
        )
    return cards


def _replace_deletions(text: str, replacements: list[str]) -> str:
    """Replace the n-th ``{{...}}`` of ``text`` with ``replacements[n]``."""
    out: list[str] = []
    last = 0
    for (start, end, _inner), replacement in zip(deletion_spans(text), replacements, strict=False):
        out += [text[last:start], replacement]
        last = end
    out.append(text[last:])
    return "".join(out)


def deletion_spans(text: str) -> list[tuple[int, int, str]]:
    """Each ``{{...}}`` in ``text`` as (start, end, inner text), leftmost first, not nested.

    ``str.find`` rather than a ``\\{\\{(.*?)\\}\\}`` regex: the regex rescans to the end
    of the text from every unclosed ``{{``, which is quadratic on a run of them.
    """
    spans = []
    at = text.find("{{")
    while at >= 0:
        close = text.find("}}", at + 2)
        if close < 0:
            break  # no later "{{" can be closed either
        spans.append((at, close + 2, text[at + 2 : close]))
        at = text.find("{{", close + 2)
    return spans


def has_deletion(text: str) -> bool:
    at = text.find("{{")
    return at >= 0 and text.find("}}", at + 2) >= 0


def _without_closing_hashes(prompt: str) -> str:
    """``Question ##`` -> ``Question``: a run of ``#`` after a space or tab closes the heading."""
    bare = prompt.rstrip("#")
    if not bare or bare[-1] not in " \t":
        return prompt  # "C#" is a word, not a closing sequence; "##" alone stays
    return bare.strip()


def excerpt(value: object, limit: int = 40, *, quoted: bool = True) -> str:
    """A short, escaped quotation of a value from a deck, for an error message.

    Deck values come from strangers: they may be megabytes long or carry terminal escapes, and
    an error message must stay one short, printable line.
    """
    text = repr(value)  # quotes strings and escapes their control characters
    if not quoted and isinstance(value, str):
        text = text[1:-1]
    return text if len(text) <= limit else text[:limit] + "…"


def _shield(line: str) -> str:
    """Hide the braces of a code line from cloze matching (``{{`` in code is not a deletion)."""
    return line.replace("{{", SHIELD_OPEN).replace("}}", SHIELD_CLOSE)


def _unshield(text: str) -> str:
    if "\x00" not in text:  # no shielded code line (nor any NUL) in it
        return text
    return text.replace(SHIELD_OPEN, "{{").replace(SHIELD_CLOSE, "}}")


def _make_card(**fields: Any) -> Card:
    """Build a card stamped with a hash of what a reviewer sees, so sync can tell an edit cheaply.

    Every card passes here, so this is also where code lines get their shielded braces back.
    """
    fields["prompt"] = prompt = _unshield(fields["prompt"])
    fields["answer"] = answer = _unshield(fields["answer"])
    get = fields.get
    synonyms = get("synonyms")
    misconceptions = get("misconceptions")
    choices = get("choices")
    parts = [
        fields["type"],  # a StrEnum member: joins as its value
        prompt,
        answer,
        *get("key_points", ()),
        "\x1e",
        *([f"{m.claim}\x1d{m.correction}" for m in misconceptions] if misconceptions else ()),
        "\x1e",
        *([f"{int(c.correct)}{c.text}" for c in choices] if choices else ()),
        "\x1e",
        *get("expected", ()),
        "\x1e",
        *get("tags", ()),
        "\x1e",
        get("prove") or "",
        repr(sorted(synonyms.items())) if synonyms else "",
    ]
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
    fields["content_hash"] = digest
    if not FAST_PATHS:
        return Card(**fields)
    return _new_card(fields)


#: The fields of :class:`Card` with a plain default, and those the fast path needs given: the
#: ones without one (a field with a default factory, ``synonyms``, is always passed by the
#: parser; a call without it takes ``__init__``, which calls the factory).
_CARD_DEFAULTS = {
    f.name: f.default for f in dataclasses.fields(Card) if f.default is not dataclasses.MISSING
}
_CARD_REQUIRED = frozenset(
    f.name for f in dataclasses.fields(Card) if f.default is dataclasses.MISSING
)
_CARD_FIELDS = frozenset(f.name for f in dataclasses.fields(Card))


def _new_card(fields: dict[str, Any]) -> Card:
    """``Card(**fields)`` without the frozen dataclass's ``__init__``.

    That ``__init__`` sets each of the 19 fields through ``object.__setattr__`` (the price of
    ``frozen``): about half the cost of parsing a typical card. Filling the instance's
    ``__dict__`` directly gives the same object, as the fast-path test checks field by field.
    Only the parser builds cards this way, from dicts it made itself.
    """
    keys = fields.keys()
    if not (keys >= _CARD_REQUIRED and keys <= _CARD_FIELDS):
        return Card(**fields)  # a mistake in the caller: let __init__ raise the usual TypeError
    card = object.__new__(Card)
    values = card.__dict__
    values.update(_CARD_DEFAULTS)
    values.update(fields)
    return card


def generated_id(deck: str, prompt: str) -> str:
    """A readable id made from the prompt, stable for the same deck and prompt.

    Being derived rather than random means that if writing it into the file fails (a read-only
    bundled deck, say), the next sync produces the same id and history still lines up.
    """
    spans = deletion_spans(prompt)
    plain = _replace_deletions(prompt, [_deletion_parts(inner)[1] for *_, inner in spans])
    words = re.findall(r"[a-z0-9]+", plain.lower())
    slug = "-".join(words[:6])[:40].strip("-") or "card"
    digest = hashlib.sha1(f"{deck}\n{prompt}".encode()).hexdigest()[:6]
    return f"{slug}-{digest}"


def insert_ids(text: str, insertions: list[IdInsertion]) -> str:
    """Write generated ids into a deck's text, changing nothing else byte for byte.

    A card without an attribute comment gets ``<!--\\nid: ...\\n-->`` under its heading; a card
    whose comment lacks an id gets an ``id:`` line as the comment's first entry.
    """
    if not insertions:
        return text
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split("\n")
    crlf = [line.endswith("\r") for line in lines]
    # Apply bottom-up so earlier line indexes stay valid.
    for ins in sorted(insertions, key=lambda i: i.heading_line, reverse=True):
        eol = "\r" if crlf[ins.heading_line] or newline == "\r\n" else ""
        if ins.comment_line is None:
            new = [f"<!--{eol}", f"id: {ins.card_id}{eol}", f"-->{eol}"]
            lines[ins.heading_line + 1 : ins.heading_line + 1] = new
        elif ins.comment_inline:
            line = lines[ins.comment_line]
            at = line.index("<!--") + 4
            inner = line[at:].lstrip()
            body_eol = "\r" if line.endswith("\r") else ""
            rest = inner.removesuffix("\r")
            lines[ins.comment_line : ins.comment_line + 1] = [
                f"{line[:at]}{eol}",
                f"id: {ins.card_id}{eol}",
                f"{rest}{body_eol}",
            ]
        else:
            line = lines[ins.comment_line]
            at = line.index("<!--") + 4
            after = line[at:].removesuffix("\r")
            if after.strip():
                # "<!-- tags: [x]" on the opening line: move that entry to a line of its own.
                lines[ins.comment_line : ins.comment_line + 1] = [
                    f"{line[:at]}{eol}",
                    f"id: {ins.card_id}{eol}",
                    f"{after.strip()}{eol}",
                ]
            else:
                lines.insert(ins.comment_line + 1, f"id: {ins.card_id}{eol}")
    return "\n".join(lines)

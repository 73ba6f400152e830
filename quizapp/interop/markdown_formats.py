"""Other tools' markdown flashcards -> our decks: hashcards, Obsidian SR, repeater, Logseq.

None of these formats gives cards ids, so each card's id is derived from its text (as those tools
themselves do): re-importing the same files lands on the same cards, and editing a card's text in
the old tool makes a new card here, as it would there.

- **hashcards**: ``Q:``/``A:`` cards and ``C:`` cloze cards whose ``[deletions]`` each become a
  card; a card runs until the next marker. TOML front matter between ``---`` lines may set the
  deck ``name``.
- **Obsidian Spaced Repetition**: files tagged ``#flashcards`` (``#flashcards/a/b`` names the
  deck ``a/b``); ``front::back`` and ``front:::back`` (both directions) lines; multi-line cards
  with a ``?`` (or ``??`` for both directions) line between question and answer; ``==cloze==``
  paragraphs, one card per deletion. ``<!--SR:...-->`` comments hold only the next due date,
  interval and ease, not the reviews that led there, so they are dropped (counted in the report)
  and the cards start new.
- **repeater**: ``Q:``/``A:`` and ``C:`` cards ended by the next marker or a ``---`` line, all of
  a ``C:`` card's ``[deletions]`` hidden together; also single-line ``front::back`` cards.
- **Logseq**: blocks tagged ``#card`` are the question, their child blocks the answer;
  ``{{cloze ...}}`` makes a cloze card. Block properties (``key:: value``, where Logseq keeps its
  own schedule) are dropped.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path

from quizapp.interop import InteropError
from quizapp.interop.decks_out import Imported, ImportedDeck, ImportedNote, derived_id

FORMATS = ("hashcards", "obsidian", "repeater", "logseq")
SR_COMMENT = re.compile(r"<!--SR:[^>]*-->")
HIGHLIGHT = re.compile(r"==(?=\S)(.+?)(?<=\S)==")
LOGSEQ_CLOZE = re.compile(r"\{\{cloze\s+(.+?)\}\}")
PROPERTY = re.compile(r"^[A-Za-z][\w-]*::\s")
FLASHCARDS_TAG = re.compile(r"(?<![\w/])#flashcards(?:/([\w/-]+))?")


def import_markdown(fmt: str, path: Path) -> Imported:
    """Read every ``.md`` file under ``path`` (or ``path`` itself) in format ``fmt``."""
    if fmt not in FORMATS:
        raise InteropError(f"unknown format '{fmt}' (use one of: {', '.join(FORMATS)})")
    if not path.exists():
        raise InteropError(f"{path}: no such file or folder (check the path)")
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*.md") if _visible(p, path))
    base = path.parent if path.is_file() else path
    reader: Callable[[str, str, str, Imported], ImportedDeck | None] = {
        "hashcards": _read_hashcards,
        "obsidian": _read_obsidian,
        "repeater": _read_repeater,
        "logseq": _read_logseq,
    }[fmt]
    imported = Imported()
    decks: dict[str, ImportedDeck] = {}
    seen: set[str] = set()
    dupes = 0
    for file in files:
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InteropError(f"{file}: cannot read as UTF-8 text (re-save it as UTF-8)") from exc
        default_name = file.relative_to(base).with_suffix("").as_posix()
        deck = reader(text, str(file), default_name, imported)
        if deck is None:
            continue
        target = decks.setdefault(deck.name, ImportedDeck(deck.name))
        for note in deck.notes:
            if note.id in seen:
                dupes += 1
                continue
            seen.add(note.id)
            target.notes.append(note)
    imported.decks = [d for d in decks.values() if d.notes]
    if dupes:
        imported.notes.append(f"{dupes} card(s) with the same text as another were imported once")
    if not imported.decks:
        raise InteropError(f"{path}: no {fmt} cards found (check the format given with --from)")
    return imported


def _visible(file: Path, root: Path) -> bool:
    return not any(part.startswith(".") for part in file.relative_to(root).parts)


def _note(prefix: str, kind: str, front: str, back: str = "", tags=()) -> ImportedNote:
    front, back = front.strip(), back.strip()
    return ImportedNote(derived_id(prefix, f"{kind}\x1f{front}\x1f{back}"), kind, front, back, tags)


# --- hashcards and repeater: Q:/A:/C: blocks -----------------------------------------------------


def _marker_blocks(
    lines: list[str], source: str, first_line: int, *, rule_ends: bool
) -> list[tuple[str, str, str, int]]:
    """``(kind, question-or-text, answer, line)`` for each ``Q:``/``A:`` or ``C:`` block."""
    blocks: list[tuple[str, str, str, int]] = []
    kind = None  # "Q", "A" or "C"
    question: list[str] = []
    answer: list[str] = []
    start = 0

    def flush() -> None:
        nonlocal kind, question, answer
        if kind == "Q":
            raise InteropError(f"{source}:{start}: question without an answer (add an 'A:' line)")
        if kind == "A":
            blocks.append(("basic", "\n".join(question), "\n".join(answer), start))
        elif kind == "C":
            blocks.append(("cloze", "\n".join(question), "", start))
        kind, question, answer = None, [], []

    for n, line in enumerate(lines, start=first_line):
        if line.startswith("Q:"):
            flush()
            kind, question, start = "Q", [line[2:].strip()], n
        elif line.startswith("A:"):
            if kind != "Q":
                raise InteropError(f"{source}:{n}: 'A:' without a 'Q:' before it (add one)")
            kind, answer = "A", [line[2:].strip()]
        elif line.startswith("C:"):
            flush()
            kind, question, start = "C", [line[2:].strip()], n
        elif rule_ends and line.strip() == "---" and not line.startswith(" "):
            flush()
        elif kind == "A":
            answer.append(line)
        elif kind in ("Q", "C"):
            question.append(line)
    flush()
    return blocks


def _bracket_deletions(text: str, source: str, line: int, *, separate: bool) -> str | None:
    """``[hidden]`` -> ``{{cN::hidden}}`` (images ``![...](...)`` are not deletions)."""
    out: list[str] = []
    number = 0
    i = 0
    while i < len(text):
        char = text[i]
        if char == "!" and text.startswith("![", i):
            close = text.find("]", i)
            if close < 0:
                break
            out.append(text[i : close + 1])
            i = close + 1
            continue
        if char == "[":
            close = text.find("]", i)
            if close < 0:
                raise InteropError(f"{source}:{line}: unclosed '[' in a cloze card (add the ']')")
            hidden = text[i + 1 : close]
            if not hidden.strip():
                raise InteropError(f"{source}:{line}: empty '[]' deletion (put words inside)")
            number = number + 1 if separate or number == 0 else number
            out.append("{{c" + str(number) + "::" + hidden.replace("}}", "} }") + "}}")
            i = close + 1
            continue
        out.append(char)
        i += 1
    return "".join(out) if number else None


def _front_matter(lines: list[str], source: str) -> tuple[dict, int]:
    if not lines or lines[0].strip() != "---":
        return {}, 0
    for n in range(1, len(lines)):
        if lines[n].strip() == "---":
            try:
                return tomllib.loads("\n".join(lines[1:n])), n + 1
            except tomllib.TOMLDecodeError as exc:
                raise InteropError(f"{source}:2: front matter is not valid TOML ({exc})") from exc
    raise InteropError(f"{source}:1: front matter is not closed (end it with a '---' line)")


def _cards_from_blocks(blocks, prefix: str, source: str, *, separate: bool) -> list[ImportedNote]:
    notes = []
    for kind, first, answer, line in blocks:
        if kind == "basic":
            if not first.strip() or not answer.strip():
                raise InteropError(f"{source}:{line}: card has an empty side (fill in Q: and A:)")
            notes.append(_note(prefix, "basic", first, answer))
            continue
        text = _bracket_deletions(first.strip(), source, line, separate=separate)
        if text is None:
            raise InteropError(f"{source}:{line}: cloze card has no [deletion] (wrap words in [])")
        notes.append(_note(prefix, "cloze", text))
    return notes


def _read_hashcards(text: str, source: str, name: str, imported: Imported) -> ImportedDeck:
    lines = text.split("\n")
    meta, start = _front_matter(lines, source)
    deck = ImportedDeck(str(meta.get("name") or name))
    blocks = _marker_blocks(lines[start:], source, start + 1, rule_ends=False)
    deck.notes = _cards_from_blocks(blocks, "hc", source, separate=True)
    return deck


def _read_repeater(text: str, source: str, name: str, imported: Imported) -> ImportedDeck:
    lines = text.split("\n")
    deck = ImportedDeck(name)
    blocks = _marker_blocks(lines, source, 1, rule_ends=True)
    deck.notes = _cards_from_blocks(blocks, "rp", source, separate=False)
    in_card = False
    for line in lines:  # single-line front::back cards, outside Q:/A:/C: blocks
        if line.startswith(("Q:", "C:")):
            in_card = True
        elif line.strip() == "---":
            in_card = False
        elif not in_card and "::" in line and not line.startswith((" ", "\t")):
            front, _, back = line.partition("::")
            if front.strip() and back.strip():
                deck.notes.append(_note("rp", "basic", front, back))
    return deck


# --- Obsidian Spaced Repetition ------------------------------------------------------------------


def _read_obsidian(text: str, source: str, name: str, imported: Imported) -> ImportedDeck | None:
    tag = FLASHCARDS_TAG.search(_strip_code(text))
    if tag is None:
        return None  # like the plugin: a note without #flashcards holds no cards
    deck = ImportedDeck(tag.group(1) or name)
    schedules = len(SR_COMMENT.findall(text))
    if schedules:
        imported.notes.append(
            f"{source}: {schedules} Obsidian schedule comment(s) dropped "
            "(they hold a due date, not a review history; those cards start new)"
        )
    text = SR_COMMENT.sub("", text)
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":  # YAML front matter: tags live there, no cards
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), 0)
        lines = lines[end + 1 :]
    for block in _paragraphs(lines):
        block = [FLASHCARDS_TAG.sub("", line).rstrip() for line in block]
        block = [line for line in block if line.strip()]
        if not block:
            continue
        marker = next((i for i, line in enumerate(block) if line.strip() in ("?", "??")), None)
        if marker is not None:
            question = "\n".join(block[:marker])
            answer = "\n".join(block[marker + 1 :])
            if question.strip() and answer.strip():
                deck.notes.append(_note("obs", "basic", question, answer))
                if block[marker].strip() == "??":
                    deck.notes.append(_note("obs", "basic", answer, question))
            continue
        inline = [line for line in block if "::" in line]
        if inline:
            for line in inline:
                both = ":::" in line
                front, _, back = line.partition(":::" if both else "::")
                if front.strip() and back.strip():
                    deck.notes.append(_note("obs", "basic", front, back))
                    if both:
                        deck.notes.append(_note("obs", "basic", back, front))
            continue
        paragraph = "\n".join(block)
        if HIGHLIGHT.search(paragraph):
            deck.notes.append(_note("obs", "cloze", _numbered(HIGHLIGHT, paragraph)))
            continue

    return deck


def _numbered(pattern: re.Pattern[str], text: str) -> str:
    """Each match of ``pattern`` (group 1 the hidden words) as its own ``{{cN::...}}``."""
    counter = iter(range(1, 10_000))
    return pattern.sub(lambda m: "{{c" + str(next(counter)) + "::" + m.group(1) + "}}", text)


def _strip_code(text: str) -> str:
    return re.sub(r"```.*?```", "", text, flags=re.DOTALL)


def _paragraphs(lines: list[str]) -> list[list[str]]:
    """Blank-line separated blocks, fenced code kept inside its block."""
    blocks: list[list[str]] = [[]]
    fence = False
    for line in lines:
        if line.strip().startswith("```"):
            fence = not fence
        if not line.strip() and not fence:
            blocks.append([])
        else:
            blocks[-1].append(line)
    return [b for b in blocks if b]


# --- Logseq --------------------------------------------------------------------------------------


def _read_logseq(text: str, source: str, name: str, imported: Imported) -> ImportedDeck:
    deck = ImportedDeck(name)
    schedules = len(re.findall(r"^[ \t]*card-next-schedule::", text, flags=re.MULTILINE))
    if schedules:
        imported.notes.append(
            f"{source}: {schedules} Logseq card schedule(s) dropped "
            "(card-* properties hold a due date, not a review history; those cards start new)"
        )
    items: list[tuple[int, str]] = []  # (indent, text) for each block; continuation lines joined
    for line in text.split("\n"):
        expanded = line.replace("\t", "    ")
        stripped = expanded.lstrip()
        indent = len(expanded) - len(stripped)
        if stripped.startswith("- ") or stripped == "-":
            items.append((indent, stripped[2:].strip()))
        elif stripped and items and not PROPERTY.match(stripped):
            items[-1] = (items[-1][0], f"{items[-1][1]}\n{stripped}")
    for n, (indent, body) in enumerate(items):
        if not re.search(r"(?<!\w)#card\b|\[\[card\]\]", body):
            continue
        front = re.sub(r"\s*(?:#card\b|\[\[card\]\])", "", body).strip()
        front = "\n".join(x for x in front.split("\n") if not PROPERTY.match(x))
        descendants = []
        for child_indent, child in items[n + 1 :]:
            if child_indent <= indent:
                break
            if not PROPERTY.match(child):
                descendants.append((child_indent, child))
        levels = sorted({i for i, _ in descendants})
        back = "\n".join(
            "  " * levels.index(i) + "- " + child.replace("\n", " ") for i, child in descendants
        )
        if LOGSEQ_CLOZE.search(front):
            cloze = LOGSEQ_CLOZE.sub(lambda m: "{{c1::" + m.group(1) + "}}", front)
            deck.notes.append(_note("lq", "cloze", cloze, back))
        elif front and back:
            deck.notes.append(_note("lq", "basic", front, back))
    return deck

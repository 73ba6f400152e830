"""What every importer produces, and how it becomes our markdown deck files.

Importers (Anki, hashcards, Obsidian...) all reduce a stranger's cards to :class:`ImportedNote`
values grouped in :class:`ImportedDeck` s, plus :class:`ImportedReview` s for the history they
carry. This module renders those as deck files in the format of ``content/README.md``, with an
explicit ``type`` on every card so text that happens to look like a task list or a ``### Key
points`` heading cannot change what the card is.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath

from quizapp.parser import plain_yaml_word

#: Namespace of the review ids derived from other tools' review ids: the same foreign review
#: always becomes the same UUID, which makes a re-import insert nothing twice.
REVIEW_NAMESPACE = uuid.UUID("6f1d7a52-3c2e-4b8e-9a44-2f0c1e5b7d90")
_UNSAFE_PART = re.compile(r"[^\w .-]+")
#: Stands for the path from a deck file to OUTDIR/media until the file's place is known.
MEDIA_PLACEHOLDER = "\ue002media\ue002"
_WORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_HEADING_LIKE = re.compile(r"^( {0,3})#")


@dataclass
class ImportedNote:
    """One markdown block to write: a basic card or a cloze note (``{{cN::...}}`` in ``text``)."""

    id: str
    type: str  # "basic" or "cloze"
    front: str  # basic: the question; cloze: the text with its deletions
    back: str = ""  # basic: the answer; cloze: extra text shown after
    tags: tuple[str, ...] = ()


@dataclass
class ImportedDeck:
    name: str  # our deck name, folders joined by "/"
    notes: list[ImportedNote] = field(default_factory=list)


@dataclass(frozen=True)
class ImportedReview:
    """One review from another tool, already mapped to our card id and rating."""

    id: str
    card_id: str
    reviewed_at: datetime
    rating: int
    duration_ms: int | None = None


@dataclass
class Imported:
    """Everything an importer read: decks, history, media files and what it had to leave out."""

    decks: list[ImportedDeck] = field(default_factory=list)
    reviews: list[ImportedReview] = field(default_factory=list)
    media: dict[str, bytes] = field(default_factory=dict)  # file name -> bytes, under media/
    suspended: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)  # what was skipped or approximated, for the user


def derived_id(prefix: str, key: str) -> str:
    """A card id fixed by a foreign key (an Anki GUID, a card's text): same key, same id."""
    return f"{prefix}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:12]}"


def review_uuid(key: str) -> str:
    """A review id fixed by a foreign review's identity (e.g. an Anki revlog id and its card)."""
    return str(uuid.uuid5(REVIEW_NAMESPACE, key))


def deck_path(name: str) -> PurePosixPath:
    """Where a deck's file goes under OUTDIR: one folder per ``/`` level, names made file-safe."""
    parts = [(_UNSAFE_PART.sub("_", p).strip(" .") or "deck") for p in name.split("/") if p]
    parts = parts or ["deck"]
    if parts[-1].lower() == "readme":  # README.md files are documentation, never decks
        parts[-1] = "readme-deck"
    return PurePosixPath(*parts).with_suffix(".md")


def render_deck(deck: ImportedDeck, origin: str) -> str:
    """The markdown text of one deck file."""
    out = [
        "---",
        f"deck: {json.dumps(deck.name, ensure_ascii=False)}",
        "---",
        "",
        f"Imported from {origin}. Edit freely: history follows each card's id.",
        "",
    ]
    for note in deck.notes:
        out.extend(_render_note(note))
    depth = len(deck_path(deck.name).parts) - 1
    text = "\n".join(out).rstrip("\n") + "\n"
    return text.replace(MEDIA_PLACEHOLDER, "../" * depth + "media")


def _render_note(note: ImportedNote) -> list[str]:
    if note.type == "cloze":
        first, _, rest = note.front.strip().partition("\n")
        heading, body = first.strip(), "\n".join(p for p in (rest.strip(), note.back) if p)
    else:
        heading = " ".join(line.strip() for line in note.front.splitlines() if line.strip())
        body = note.back
    heading = heading or "(no question text)"
    if heading.endswith("#"):
        heading += " ."  # a trailing '#' would be read as a closing sequence and dropped
    lines = [f"## {heading}", "<!--", f"id: {note.id}", f"type: {note.type}"]
    if note.tags:
        lines.append(f"tags: {_yaml_list(note.tags)}")
    lines.append("-->")
    lines.append("")
    if body.strip():
        lines.extend(_escape_body(body.strip("\n").rstrip()))
        lines.append("")
    return lines


def _yaml_list(words: tuple[str, ...]) -> str:
    """A flow list: bare words where YAML reads them as strings (the parser's fast path),
    JSON strings (also valid YAML) otherwise."""
    if all(_WORD.match(w) and plain_yaml_word(w) for w in words):
        return "[" + ", ".join(words) + "]"
    return json.dumps(list(words), ensure_ascii=False)


def _escape_body(text: str) -> list[str]:
    """Body lines with anything that would start a new card or section made literal."""
    out = []
    fence = False
    for line in text.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        elif not fence:
            line = _HEADING_LIKE.sub(r"\1\\#", line)
        out.append(line)
    if fence:
        out.append("```")  # an unclosed fence would swallow the next card
    return out

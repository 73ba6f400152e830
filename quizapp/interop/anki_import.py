"""Anki notes and review log -> our markdown decks and reviews.

Mapping, in short (the README has it for users):

- A note's id is ``anki-`` plus a hash of its GUID, so a re-import (or an import of the same
  deck shared by someone else) lands on the same cards. A cloze note's cards are ``<id>::cN``;
  the extra cards of a standard note type (a reversed card, say) are ``<id>-t2``, ``<id>-t3``...
- What a card shows on its front and back is read off its template: the fields the question
  template names are the front, the fields only the answer template adds are the back.
- Each Anki deck becomes one file, ``A::B`` going to ``A/B.md``; tags are kept; HTML becomes
  markdown; media go to ``media/`` beside the decks.
- Revlog entries with an answer (ease 1-4) become reviews with the same rating and time; manual
  reschedules (ease 0) carry no answer and are left out, and so are reviews in filtered decks
  that did not reschedule the card (type 3 with no ease factor), as Anki's FSRS does. Each
  review's id is a UUID derived from the note GUID, card ordinal and Anki's own review id,
  which makes re-importing idempotent.
  The FSRS state is then rebuilt by replaying those reviews, as for any quizapp review.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from quizapp.interop import InteropError
from quizapp.interop.anki_read import (
    MODEL_CLOZE,
    AnkiData,
    CardRow,
    Note,
    NoteType,
    read_anki_file,
    safe_media_name,
)
from quizapp.interop.decks_out import (
    MEDIA_PLACEHOLDER,
    Imported,
    ImportedDeck,
    ImportedNote,
    ImportedReview,
    derived_id,
    review_uuid,
)
from quizapp.interop.html_text import html_to_markdown, plain_to_markdown

FIELD_REF = re.compile(r"\{\{[#^/]?([^{}]+?)\}\}")
SPECIAL_FIELDS = {"FrontSide", "Tags", "Deck", "Subdeck", "Card", "CardFlag", "Type"}
QUEUE_SUSPENDED = -1
ANSWERED = (1, 2, 3, 4)
MANUAL = 4  # revlog type of a manual reschedule ("set due date"): no answer was given
FILTERED = 3  # a review in a filtered deck; with factor 0 it did not reschedule the card


def note_card_id(guid: str) -> str:
    return derived_id("anki", guid)


def card_id_for(note: Note, kind: int, ord_: int) -> str:
    base = note_card_id(note.guid)
    if kind == MODEL_CLOZE:
        return f"{base}::c{ord_ + 1}"
    return base if ord_ == 0 else f"{base}-t{ord_ + 1}"


def import_anki(path: Path) -> Imported:
    """Read ``path`` and convert it; nothing is written anywhere."""
    return convert(read_anki_file(path), path.name)


def convert(data: AnkiData, label: str) -> Imported:
    imported = Imported()
    media_names = {name for name in data.media if safe_media_name(name)}
    used_media: set[str] = set()

    def media_ref(src: str) -> str | None:
        name = safe_media_name(src.strip())
        if name is None or name not in media_names:
            return None
        used_media.add(name)
        return f"{MEDIA_PLACEHOLDER}/{name}"

    to_md = html_to_markdown if data.html else plain_to_markdown
    notes = {note.id: note for note in data.notes}
    cards_of: dict[int, list[CardRow]] = {}
    for card in data.cards:
        cards_of.setdefault(card.nid, []).append(card)
    decks: dict[str, ImportedDeck] = {}
    card_ids: dict[int, str] = {}
    skipped = 0
    for note in data.notes:
        notetype = data.notetypes.get(note.mid)
        note_cards = sorted(cards_of.get(note.id, []), key=lambda c: c.ord)
        if notetype is None or not note_cards:
            skipped += 1
            continue
        fields = {
            name: to_md(value, media_ref)
            for name, value in zip(notetype.fields, note.fields, strict=False)
        }

        def deck_of(card: CardRow) -> ImportedDeck:
            name = data.decks.get(card.did, "Default").replace("::", "/")
            return decks.setdefault(name, ImportedDeck(name))

        deck = deck_of(note_cards[0])  # a cloze note is one block: its first card's deck
        tags = tuple(dict.fromkeys(t for t in note.tags if t))
        if notetype.kind == MODEL_CLOZE:
            text = fields.get(notetype.fields[0], "") if notetype.fields else ""
            if not re.search(r"\{\{c\d+::", text) or "image-occlusion:" in text:
                skipped += 1
                continue
            extra = "\n\n".join(v for k, v in fields.items() if k != notetype.fields[0] and v)
            deck.notes.append(ImportedNote(note_card_id(note.guid), "cloze", text, extra, tags))
            for card in note_cards:
                card_ids[card.id] = card_id_for(note, MODEL_CLOZE, card.ord)
        else:
            for card in note_cards:
                front, back = _sides(notetype, card.ord, fields)
                card_id = card_id_for(note, 0, card.ord)
                deck_of(card).notes.append(ImportedNote(card_id, "basic", front, back, tags))
                card_ids[card.id] = card_id
        for card in note_cards:
            if card.queue == QUEUE_SUSPENDED and card.id in card_ids:
                imported.suspended.add(card_ids[card.id])
    imported.decks = sorted(decks.values(), key=lambda d: d.name)
    imported.media = {name: data.media[name] for name in sorted(used_media)}

    guid_of = {card.id: notes[card.nid].guid for card in data.cards if card.nid in notes}
    ord_of = {card.id: card.ord for card in data.cards}
    manual = cram = 0
    for entry in data.revlog:
        card_id = card_ids.get(entry.cid)
        if card_id is None:
            continue
        if entry.ease not in ANSWERED or entry.type == MANUAL:
            manual += 1
            continue
        if entry.type == FILTERED and entry.factor == 0:
            cram += 1  # Anki's own FSRS leaves these out too: they changed no schedule
            continue
        imported.reviews.append(
            ImportedReview(
                id=review_uuid(f"anki:{guid_of[entry.cid]}:{ord_of[entry.cid]}:{entry.id}"),
                card_id=card_id,
                reviewed_at=datetime.fromtimestamp(entry.id / 1000, UTC),
                rating=entry.ease,
                duration_ms=max(int(entry.time_ms), 0) or None,
            )
        )
    if skipped:
        imported.notes.append(
            f"{skipped} note(s) with no cards, no cloze deletion or an image occlusion were skipped"
        )
    if manual:
        imported.notes.append(
            f"{manual} manual reschedule(s) in the review log carry no answer and were left out"
        )
    if cram:
        imported.notes.append(
            f"{cram} review(s) in filtered decks that did not reschedule were left out"
        )
    if not imported.decks:
        raise InteropError(f"{label}: no notes to import (is the package empty?)")
    return imported


def _sides(notetype: NoteType, ord_: int, fields: dict[str, str]) -> tuple[str, str]:
    """Front and back markdown of one card, from the fields its template shows on each side."""
    if ord_ < len(notetype.templates):
        qfmt, afmt = notetype.templates[ord_]
        # "{{type:Back}}" on the front is an answer box, not something shown: it names a back field.
        front_names = _refs(qfmt, notetype.fields, typed=False)
        back_names = [n for n in _refs(afmt, notetype.fields) if n not in front_names]
    else:
        front_names, back_names = [], []
    if not front_names:
        front_names, back_names = notetype.fields[:1], notetype.fields[1:]
    front = "\n\n".join(fields[n] for n in front_names if fields.get(n))
    back = "\n\n".join(fields[n] for n in back_names if fields.get(n))
    return front, back


def _refs(template: str, known: list[str], *, typed: bool = True) -> list[str]:
    """Field names a template shows, in order (``{{Front}}``, ``{{type:Back}}``, ...)."""
    names = []
    for match in FIELD_REF.finditer(template):
        *filters, name = (part.strip() for part in match.group(1).split(":"))
        if "type" in filters and not typed:
            continue
        if name in known and name not in SPECIAL_FIELDS and name not in names:
            names.append(name)
    return names

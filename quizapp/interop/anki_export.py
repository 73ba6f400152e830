"""Our cards (and, with the ``anki`` extra, their review history) -> an Anki ``.apkg``.

Note types, with fixed ids so a re-export is matched to the note types of the first import:

- *quizapp Basic* (Front, Back) carries basic, choice and open cards. A choice card's front lists
  the options and its back marks the right ones; an open card's back is the model answer then its
  key points.
- *quizapp Cloze* (Text, Back Extra) carries cloze cards; our ``{{cN::...}}`` is Anki's syntax.

Each note's GUID is ``quizapp:<note id>``, so exporting again after an edit updates the notes in
Anki instead of adding copies. Decks keep their names (``a/b`` becomes ``a::b``), tags keep theirs
(spaces, which Anki cannot hold in a tag, become ``_``). Markdown becomes HTML; code stays in
``<pre>`` blocks and MathJax delimiters are left alone.

With the ``anki`` package installed the package is written by Anki itself, with every review
(not undone, not from a mock interview) as a revlog entry and each card's FSRS memory state and
due date; without it genanki writes the notes only, and :class:`ExportReport` says so.
"""

from __future__ import annotations

import hashlib
import math
import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from quizapp.cards import Card, CardType
from quizapp.clock import parse_iso
from quizapp.interop import InteropError
from quizapp.interop.html_text import markdown_to_html
from quizapp.parser import CLOZE, CLOZE_NUMBERED, FENCE, HEADING2
from quizapp.review import card_from_row, deck_clause
from quizapp.schedule import CardState, apply_rating
from quizapp.store import Store

BASIC_MODEL_ID = 1_607_392_319
CLOZE_MODEL_ID = 1_607_392_320
BASIC_NAME = "quizapp Basic"
CLOZE_NAME = "quizapp Cloze"
CSS = (
    ".card { font-family: sans-serif; font-size: 18px; text-align: left; }\n"
    "pre { background: #f4f4f4; padding: 6px; overflow-x: auto; }\n"
)
BASIC_FRONT = "{{Front}}"
BASIC_BACK = '{{FrontSide}}<hr id="answer">{{Back}}'
CLOZE_FRONT = "{{cloze:Text}}"
CLOZE_BACK = "{{cloze:Text}}<br>{{Back Extra}}"


@dataclass
class ExportNote:
    guid: str
    deck: str  # Anki's name, "a::b"
    model: str  # "basic" or "cloze"
    fields: list[str]
    tags: list[str]
    card_ids: dict[int, str] = field(default_factory=dict)  # Anki card ordinal -> our card id
    modified: int = 0  # when the card last changed in the markdown, in epoch seconds


@dataclass
class ExportReport:
    notes: int = 0
    cards: int = 0
    reviews: int = 0
    with_history: bool = False
    warnings: list[str] = field(default_factory=list)


def anki_available() -> bool:
    try:
        import anki.collection  # noqa: F401
    except ImportError:
        return False
    return True


def export_anki(
    store: Store, out: Path, *, deck: str | None = None, with_history: bool | None = None
) -> ExportReport:
    """Write the live cards (of ``deck`` and its sub-decks, or all) to ``out``.

    ``with_history`` None means "if the anki package is installed".
    """
    if out.suffix.lower() != ".apkg":
        raise InteropError(f"{out}: the file name must end in .apkg")
    report = ExportReport()
    _file_lines.cache_clear()  # deck files may have been edited since the last export
    notes = collect_notes(store, deck, report)
    if not notes:
        where = f"deck '{deck}'" if deck else "the store"
        raise InteropError(f"no cards to export in {where} (run 'quizapp sync' first?)")
    if with_history is None:
        with_history = anki_available()
    out.parent.mkdir(parents=True, exist_ok=True)
    if with_history:
        _write_with_anki(store, notes, out, report)
    else:
        _write_with_genanki(notes, out)
    report.with_history = with_history
    report.notes = len(notes)
    report.cards = sum(len(n.card_ids) for n in notes)
    return report


def collect_notes(store: Store, deck: str | None, report: ExportReport) -> list[ExportNote]:
    """Group the store's live cards into Anki notes, in file order."""
    deck_sql, args = deck_clause(deck)
    rows = store.conn.execute(
        f"SELECT * FROM cards WHERE retired = 0{deck_sql} ORDER BY source, line, id", args
    ).fetchall()
    by_note: dict[str, list[Card]] = {}
    modified: dict[str, int] = {}
    for row in rows:
        card = card_from_row(row)
        by_note.setdefault(card.note_id, []).append(card)
        stamp = int(parse_iso(row["updated_at"]).timestamp())
        modified[card.note_id] = max(modified.get(card.note_id, 0), stamp)
    notes = []
    for note_id, cards in by_note.items():
        first = cards[0]
        tags = [re.sub(r"\s+", "_", t) for t in first.tags]
        guid = f"quizapp:{note_id}"
        anki_deck = first.deck.replace("/", "::")
        if first.type is CardType.CLOZE:
            text, extra = _cloze_source(first)
            if text is None:
                report.warnings.append(
                    f"{first.source}:{first.line}: cloze card exported as basic "
                    "(its deck file could not be read)"
                )
                fields = [markdown_to_html(first.prompt), markdown_to_html(first.answer)]
                notes.append(ExportNote(guid, anki_deck, "basic", fields, tags, {0: first.id}))
                continue
            fields = [markdown_to_html(text), markdown_to_html(extra)]
            ords = {(c.cloze or 1) - 1: c.id for c in cards}
            notes.append(ExportNote(guid, anki_deck, "cloze", fields, tags, ords))
            continue
        front, back = _basic_sides(first)
        notes.append(ExportNote(guid, anki_deck, "basic", [front, back], tags, {0: first.id}))
    for note in notes:
        note.modified = modified[note.guid.removeprefix("quizapp:")]
    return notes


def _basic_sides(card: Card) -> tuple[str, str]:
    front = markdown_to_html(card.prompt)
    back = markdown_to_html(card.answer) if card.answer.strip() else ""
    if card.type is CardType.CHOICE:
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        options = "\n".join(
            f"<li>{letters[i % 26]}. {_inline_html(choice.text)}</li>"
            for i, choice in enumerate(card.choices)
        )
        right = ", ".join(letters[i % 26] for i, c in enumerate(card.choices) if c.correct)
        front += f'\n<ul class="options">\n{options}\n</ul>'
        back = f"<p><b>Answer: {right}</b></p>\n{back}"
    elif card.type is CardType.OPEN and card.key_points:
        points = "\n".join(f"<li>{_inline_html(p)}</li>" for p in card.key_points)
        back += f"\n<h4>Key points</h4>\n<ul>\n{points}\n</ul>"
    return front, back


def _inline_html(text: str) -> str:
    """One line of markdown as HTML without the paragraph around it, for list items."""
    return markdown_to_html(text).removeprefix("<p>").removesuffix("</p>")


def _cloze_source(card: Card) -> tuple[str | None, str]:
    """The card's cloze text as written (``{{cN::...}}`` intact) and its extra text.

    The store keeps each sub-card with its gap filled in, so the markdown is read again from the
    card's file. Plain ``{{...}}`` deletions get the numbers our parser gives them.
    """
    lines = _file_lines(card.source)
    if lines is None:
        return None, ""
    head = card.line - 1
    if head >= len(lines) or not (match := HEADING2.match(lines[head].rstrip("\r"))):
        return None, ""
    prompt = (match.group(1) or "").strip()
    body: list[str] = []
    i, fence = head + 1, None
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines) and lines[i].lstrip().startswith("<!--"):
        while i < len(lines) and "-->" not in lines[i]:
            i += 1
        i += 1
    for line in lines[i:]:
        line = line.rstrip("\r")
        opener = FENCE.match(line)
        if opener:
            fence = None if fence else opener.group(1)
        if fence is None and not opener and HEADING2.match(line):
            break
        body.append(line)
    answer = "\n".join(body).strip("\n")
    text, extra = (f"{prompt}\n\n{answer}", "") if CLOZE.search(answer) else (prompt, answer)
    return _number_plain_deletions(text), extra


@lru_cache(maxsize=64)
def _file_lines(source: str) -> tuple[str, ...] | None:
    """A deck file's lines, read once per export however many cloze notes it holds."""
    try:
        return tuple(Path(source).read_text(encoding="utf-8-sig").split("\n"))
    except (OSError, UnicodeDecodeError):
        return None


def _number_plain_deletions(text: str) -> str:
    numbers = [int(m.group(1)) for m in re.finditer(r"\{\{c(\d+)::", text)]
    counter = iter(range(max(numbers, default=0) + 1, 10_000))

    def number(match: re.Match[str]) -> str:
        inner = match.group(1)
        if CLOZE_NUMBERED.match(inner.strip()):
            return match.group(0)
        return "{{c" + str(next(counter)) + "::" + inner + "}}"

    return CLOZE.sub(number, text)


def _deck_id(name: str) -> int:
    return int(hashlib.sha1(name.encode("utf-8")).hexdigest()[:8], 16) + (1 << 30)


def _write_with_genanki(notes: list[ExportNote], out: Path) -> None:
    import genanki

    basic = genanki.Model(
        BASIC_MODEL_ID,
        BASIC_NAME,
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "Card 1", "qfmt": BASIC_FRONT, "afmt": BASIC_BACK}],
        css=CSS,
    )
    cloze = genanki.Model(
        CLOZE_MODEL_ID,
        CLOZE_NAME,
        fields=[{"name": "Text"}, {"name": "Back Extra"}],
        templates=[{"name": "Cloze", "qfmt": CLOZE_FRONT, "afmt": CLOZE_BACK}],
        css=CSS,
        model_type=genanki.Model.CLOZE,
    )
    decks: dict[str, genanki.Deck] = {}
    for note in notes:
        deck = decks.setdefault(note.deck, genanki.Deck(_deck_id(note.deck), note.deck))
        model = cloze if note.model == "cloze" else basic
        deck.add_note(genanki.Note(model=model, fields=note.fields, tags=note.tags, guid=note.guid))
    try:
        genanki.Package(list(decks.values())).write_to_file(str(out))
    except OSError as exc:
        raise InteropError(f"{out}: cannot write: {exc.strerror}") from exc


def _write_with_anki(store: Store, notes: list[ExportNote], out: Path, report: ExportReport):
    """Build a scratch collection with Anki's own library, add history, export it."""
    from anki.collection import AddNoteRequest, Collection, ExportAnkiPackageOptions
    from anki.models import MODEL_CLOZE

    with tempfile.TemporaryDirectory(prefix="quizapp-export-") as tmp:
        col = Collection(str(Path(tmp) / "export.anki2"))
        try:
            basic_id = _add_notetype(col, BASIC_NAME, ["Front", "Back"], BASIC_MODEL_ID, 0)
            cloze_id = _add_notetype(
                col, CLOZE_NAME, ["Text", "Back Extra"], CLOZE_MODEL_ID, MODEL_CLOZE
            )
            requests = []
            notetypes = {"cloze": col.models.get(cloze_id), "basic": col.models.get(basic_id)}
            deck_ids: dict[str, int] = {}
            for note in notes:
                anki_note = col.new_note(notetypes[note.model])
                for i, value in enumerate(note.fields):
                    anki_note.fields[i] = value
                anki_note.tags = list(note.tags)
                anki_note.guid = note.guid
                if note.deck not in deck_ids:
                    deck_ids[note.deck] = col.decks.id(note.deck)
                requests.append(AddNoteRequest(note=anki_note, deck_id=deck_ids[note.deck]))
            col.add_notes(requests)  # one backend call for all of them
            by_guid = {note.guid: note for note in notes}
            # Anki updates a note on re-import only if it is newer than the one it has: stamping
            # the time of the last edit in the markdown updates exactly the notes that changed.
            col.db.execute("CREATE TEMP TABLE quizapp_mod (guid TEXT PRIMARY KEY, mod INTEGER)")
            _insert_rows(col, "quizapp_mod", ("guid", "mod"), [(n.guid, n.modified) for n in notes])
            col.db.execute(
                "UPDATE notes SET mod = (SELECT mod FROM quizapp_mod m WHERE m.guid = notes.guid)"
            )
            anki_card: dict[str, int] = {}
            made: dict[str, set[int]] = {}
            for cid, guid, ord_ in col.db.all(
                "SELECT c.id, n.guid, c.ord FROM cards c JOIN notes n ON n.id = c.nid"
            ):
                made.setdefault(guid, set()).add(ord_)
                if ord_ in by_guid[guid].card_ids:
                    anki_card[by_guid[guid].card_ids[ord_]] = cid
            for note in notes:
                missing = set(note.card_ids) - made.get(note.guid, set())
                if missing:
                    report.warnings.append(f"note {note.guid}: Anki made no card for {missing}")
            report.reviews = _write_history(store, col, anki_card)
            col.export_anki_package(
                out_path=str(out),
                options=ExportAnkiPackageOptions(
                    with_scheduling=True, with_media=False, legacy=True, with_deck_configs=False
                ),
                limit=None,
            )
        finally:
            col.close()


def _add_notetype(col, name: str, fields: list[str], fixed_id: int, kind: int) -> int:
    """Add a note type and give it our fixed id (Anki assigns ids itself on add)."""
    models = col.models
    notetype = models.new(name)
    notetype["type"] = kind
    notetype["css"] = CSS
    # Fixed field and template ids too: Anki compares them to decide whether a re-imported
    # note type is the same one (and updates its notes) or a different one (and copies them).
    for n, field_name in enumerate(fields):
        new_field = models.new_field(field_name)
        new_field["id"] = fixed_id * 100 + n
        models.add_field(notetype, new_field)
    template = models.new_template("Cloze" if kind else "Card 1")
    template["id"] = fixed_id * 100 + 99
    template["qfmt"], template["afmt"] = (
        (CLOZE_FRONT, CLOZE_BACK) if kind else (BASIC_FRONT, BASIC_BACK)
    )
    models.add_template(notetype, template)
    assigned = models.add_dict(notetype).id
    for sql in (
        "UPDATE notetypes SET id = ? WHERE id = ?",
        "UPDATE fields SET ntid = ? WHERE ntid = ?",
        "UPDATE templates SET ntid = ? WHERE ntid = ?",
    ):
        col.db.execute(sql, fixed_id, assigned)
    return fixed_id


def _write_history(store: Store, col, anki_card: dict[str, int]) -> int:
    """Revlog rows for every live review, and each card's schedule; return the revlog count."""
    from anki.cards import FSRSMemoryState

    rows = store.conn.execute(
        "SELECT r.id, r.card_id, r.reviewed_at, r.rating, r.duration_ms, "
        "COALESCE(d.retention, 0.9) AS retention FROM reviews r "
        "JOIN cards c ON c.id = r.card_id LEFT JOIN decks d ON d.name = c.deck "
        "WHERE r.mode = 'review' AND r.id NOT IN (SELECT review_id FROM undos) "
        "ORDER BY r.card_id, r.reviewed_at, r.id"
    ).fetchall()
    used_ids: set[int] = set()
    revlog = []
    states: dict[str, CardState] = {}
    for row in rows:
        cid = anki_card.get(row["card_id"])
        if cid is None:
            continue
        at = parse_iso(row["reviewed_at"])
        before = states.get(row["card_id"], CardState())
        after = apply_rating(before, row["rating"], at, row["id"], row["retention"])
        states[row["card_id"]] = after
        revlog_id = int(at.timestamp() * 1000)
        while revlog_id in used_ids:
            revlog_id += 1
        used_ids.add(revlog_id)
        kind = 0 if before.state == 1 else (1 if before.state == 2 else 2)
        revlog.append(
            (
                revlog_id,
                cid,
                row["rating"],
                _interval(after, at),
                _interval(before, before.last_review) if before.last_review else 0,
                0 if kind == 0 else 2500,
                min(int(row["duration_ms"] or 0), 60_000),
                kind,
            )
        )
    columns = ("id", "cid", "usn", "ease", "ivl", "lastIvl", "factor", "time", "type")
    _insert_rows(col, "revlog", columns, [(r[0], r[1], -1, *r[2:]) for r in revlog])
    today = col.sched.today
    now = datetime.now().astimezone()
    schedule = {
        row["card_id"]: row
        for row in store.conn.execute(
            "SELECT s.*, c.suspended FROM schedule s JOIN cards c ON c.id = s.card_id "
            "WHERE s.reps > 0"
        )
    }
    changed = []
    for card_id, cid in anki_card.items():
        state_row = schedule.get(card_id)
        if state_row is None:
            continue
        state = CardState.from_row(state_row)
        card = col.get_card(cid)
        card.reps, card.lapses = state.reps, state.lapses
        if state.stability and state.difficulty:
            card.memory_state = FSRSMemoryState(
                stability=state.stability, difficulty=state.difficulty
            )
        if state.state == 2:
            card.type = card.queue = 2
            card.ivl = max(_interval(state, state.due), 1)
            card.due = today + math.ceil((state.due - now).total_seconds() / 86400)
        else:
            card.type = 1 if state.lapses == 0 else 3
            card.queue = 1
            card.due = int(state.due.timestamp())
        if state_row["suspended"]:
            card.queue = -1
        changed.append(card)
    if changed:
        col.update_cards(changed)
    return len(revlog)


def _insert_rows(col, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert many rows through Anki's database proxy, a hundred per statement.

    Its ``executemany`` runs one statement per row, each on its own (36k revlog rows took over
    two minutes); multi-row ``VALUES`` make it a few hundred statements.
    """
    marks = "(" + ", ".join("?" * len(columns)) + ")"
    names = ", ".join(columns)
    for start in range(0, len(rows), 100):
        chunk = rows[start : start + 100]
        col.db.execute(
            f"INSERT INTO {table} ({names}) VALUES {', '.join([marks] * len(chunk))}",
            *[value for row in chunk for value in row],
        )


def _interval(state: CardState, at: datetime | None) -> int:
    """Anki's revlog interval: days for review cards, negative seconds for learning steps."""
    if at is None or state.last_review is None:
        return 0
    seconds = (state.due - state.last_review).total_seconds()
    if state.state == 2:
        return max(round(seconds / 86400), 1)
    return -max(int(seconds), 1)

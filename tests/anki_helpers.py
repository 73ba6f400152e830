"""Build real Anki packages with Anki's own library, for the import and export tests.

``make_package`` writes a collection with a basic note, a reversed note, a cloze note and a
suspended card, two decks, tags, an image, and review history: answers given through Anki's own
scheduler plus older revlog entries (as two years of history would have), one manual reschedule,
which carries no answer, and one filtered-deck review that did not reschedule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from anki.collection import (
    Collection,
    ExportAnkiPackageOptions,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
HISTORY_START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


@dataclass
class Package:
    path: Path
    guids: dict[str, str] = field(default_factory=dict)  # our label -> note GUID
    revlog: list[tuple[int, int, int, int]] = field(default_factory=list)  # id, cid, ease, type
    card_of: dict[int, tuple[str, int]] = field(default_factory=dict)  # cid -> (guid, ord)
    not_reviews: int = 0  # revlog rows that are not answers quizapp replays


def make_package(folder: Path, *, legacy: bool = True, answers: int = 2) -> Package:
    """Write ``folder/deck.apkg`` (legacy SQLite inside, or Anki's zstd format) and describe it."""
    folder.mkdir(parents=True, exist_ok=True)
    col = Collection(str(folder / "source.anki2"))
    try:
        models = col.models
        basic = models.by_name("Basic")
        reverse = models.by_name("Basic (and reversed card)")
        cloze = models.by_name("Cloze")
        ml = col.decks.id("ML")
        sub = col.decks.id("ML::Optimisation")
        col.media.write_data("graph.png", PNG)
        package = Package(folder / "deck.apkg")

        def add(label: str, notetype, fields: list[str], deck: int, tags: list[str]):
            note = col.new_note(notetype)
            for i, value in enumerate(fields):
                note.fields[i] = value
            note.tags = tags
            # A fixed GUID: review ids, and so the interval fuzz drawn from them, are then the
            # same on every run, so a test's outcome cannot depend on Anki's random GUIDs.
            note.guid = f"fixture-{label}"
            col.add_note(note, deck)
            package.guids[label] = note.guid
            for card in note.cards():
                package.card_of[card.id] = (note.guid, card.ord)
            return note

        add(
            "basic",
            basic,
            ["What does <b>ReLU</b> compute?", 'max(0, x)<br><img src="graph.png">'],
            ml,
            ["activations", "ml::nn"],
        )
        rev = add("reverse", reverse, ["Momentum", "A running average of gradients"], sub, ["opt"])
        add(
            "cloze",
            cloze,
            ["Adam keeps {{c1::first}} and {{c2::second}} moment estimates", "Kingma &amp; Ba"],
            sub,
            ["opt"],
        )
        typed = models.by_name("Basic (type in the answer)")
        add("typed", typed, ["Capital of France?", "Paris"], ml, ["geo"])
        evil = add(
            "evil",
            basic,
            ["<script>alert('x')</script>Safe?", "<style>p{}</style>Yes<iframe src=x></iframe>"],
            ml,
            [],
        )
        suspended = evil.cards()[0]
        suspended.queue = -1
        col.update_card(suspended)

        # Older history, written as Anki writes it: one revlog row per answer.
        rows = []
        day = timedelta(days=1)
        for n, (cid, (_guid, _ord)) in enumerate(package.card_of.items()):
            if cid == suspended.id:
                continue
            moments = [HISTORY_START + n * timedelta(hours=1) + k * 9 * day for k in range(4)]
            eases = [3, 3, 1 if n % 2 else 4, 3]
            kinds = [0, 1, 1, 2 if n % 2 else 1]
            for moment, ease, kind in zip(moments, eases, kinds, strict=True):
                rows.append((int(moment.timestamp() * 1000), cid, ease, kind))
        manual_at = HISTORY_START + 100 * day
        rows.append((int(manual_at.timestamp() * 1000), rev.cards()[0].id, 0, 4))
        col.db.executemany(
            "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)"
            " VALUES (?, ?, -1, ?, 1, 0, 2500, 4200, ?)",
            rows,
        )
        # A cram review in a filtered deck that did not reschedule: Anki logs it with factor 0.
        cram_at = HISTORY_START + 101 * day
        col.db.execute(
            "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)"
            " VALUES (?, ?, -1, 3, 0, 0, 0, 3000, 3)",
            int(cram_at.timestamp() * 1000),
            rev.cards()[0].id,
        )
        package.not_reviews = 2  # the manual reschedule and the cram review
        # And answers given now through Anki's own scheduler.
        col.decks.select(ml)
        for _ in range(answers):
            card = col.sched.getCard()
            if card is None:
                break
            col.sched.answerCard(card, 3)
        package.revlog = [
            tuple(r) for r in col.db.all("SELECT id, cid, ease, type FROM revlog ORDER BY id")
        ]
        col.export_anki_package(
            out_path=str(package.path),
            options=ExportAnkiPackageOptions(
                with_scheduling=True, with_media=True, legacy=legacy, with_deck_configs=False
            ),
            limit=None,
        )
    finally:
        col.close()
    return package


def open_in_anki(package: Path, folder: Path, name: str = "check.anki2") -> Collection:
    """Import ``package`` into a collection (new or existing) the way Anki's File > Import does.

    Anki's report of what it did (notes new, updated, duplicate) is left in ``col.last_import``.
    """
    col = Collection(str(folder / name))
    col.last_import = col.import_anki_package(
        ImportAnkiPackageRequest(
            package_path=str(package),
            options=ImportAnkiPackageOptions(with_scheduling=True),  # Anki's defaults
        )
    )
    return col

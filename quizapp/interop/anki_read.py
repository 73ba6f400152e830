"""Read Anki's files into plain values: packages (``.apkg``/``.colpkg``) and text exports.

A package is a zip. Legacy ones hold the collection as SQLite (``collection.anki21``, or
``collection.anki2`` from old versions) and a JSON ``media`` map; those are read here with
``zipfile`` and ``sqlite3`` alone, read-only, with ``trusted_schema`` off, never extracting a path
the package chose. The current format compresses everything with zstd (``collection.anki21b``);
for it the optional ``anki`` package (``pip install 'quizapp[anki]'``) imports the package into a
scratch collection and writes it back out in the legacy format, which is then read the same way.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from quizapp.interop import InteropError

FIELD_SEP = "\x1f"
MODEL_CLOZE = 1
MAX_MEMBER_BYTES = 2**31  # refuse absurd (zip-bomb) members rather than fill the disk
CLOZE_NUMBER = re.compile(r"\{\{c(\d+)::")


@dataclass
class NoteType:
    name: str
    kind: int  # 0 standard, 1 cloze
    fields: list[str]
    templates: list[tuple[str, str]]  # (question format, answer format) per card ordinal


@dataclass
class Note:
    id: int
    guid: str
    mid: int
    tags: list[str]
    fields: list[str]


@dataclass
class CardRow:
    id: int
    nid: int
    did: int
    ord: int
    queue: int


@dataclass
class Revlog:
    id: int  # milliseconds since the epoch, unique within a collection
    cid: int
    ease: int
    time_ms: int
    type: int
    factor: int = 0


@dataclass
class AnkiData:
    """A collection's content as read: what the importer converts."""

    notetypes: dict[int, NoteType] = field(default_factory=dict)
    decks: dict[int, str] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    cards: list[CardRow] = field(default_factory=list)
    revlog: list[Revlog] = field(default_factory=list)
    media: dict[str, bytes] = field(default_factory=dict)
    html: bool = True


def read_anki_file(path: Path) -> AnkiData:
    """Read an ``.apkg``, ``.colpkg`` or ``.txt`` export; InteropError says why it cannot be."""
    if not path.is_file():
        raise InteropError(f"{path}: no such file (check the path)")
    suffix = path.suffix.lower()
    if suffix in (".txt", ".csv", ".tsv"):
        return read_text_export(path)
    if suffix not in (".apkg", ".colpkg"):
        raise InteropError(f"{path}: not an Anki file (give a .apkg, .colpkg or .txt export)")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "collection.anki21b" in names:
                return _read_modern(path, suffix)
            for member in ("collection.anki21", "collection.anki2"):
                if member in names:
                    return _read_legacy_zip(path, archive, member)
    except zipfile.BadZipFile as exc:
        raise InteropError(f"{path}: not a valid Anki package ({exc}; re-export it)") from exc
    raise InteropError(f"{path}: no collection inside the package (re-export it from Anki)")


def _read_legacy_zip(path: Path, archive: zipfile.ZipFile, member: str) -> AnkiData:
    info = archive.getinfo(member)
    if info.file_size > MAX_MEMBER_BYTES:
        raise InteropError(f"{path}: {member} is too large to import")
    with tempfile.TemporaryDirectory(prefix="quizapp-anki-") as tmp:
        db_path = Path(tmp) / "collection.sqlite"
        with archive.open(member) as src, open(db_path, "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
        data = read_legacy_collection(db_path, label=f"{path}")
    data.media = _read_media(path, archive)
    return data


def _read_media(path: Path, archive: zipfile.ZipFile) -> dict[str, bytes]:
    """The package's media files by their real names; names that are not plain files are refused."""
    try:
        raw = archive.read("media") if "media" in archive.namelist() else b"{}"
        mapping = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InteropError(f"{path}: the media list is unreadable (re-export the package)") from exc
    if not isinstance(mapping, dict):
        raise InteropError(f"{path}: the media list is unreadable (re-export the package)")
    media: dict[str, bytes] = {}
    for number, name in mapping.items():
        if not isinstance(name, str) or safe_media_name(name) is None:
            continue
        try:
            info = archive.getinfo(str(number))
        except KeyError:
            continue
        if info.file_size <= MAX_MEMBER_BYTES:
            media[name] = archive.read(info)
    return media


def safe_media_name(name: str) -> str | None:
    """``name`` if it is a plain file name (no folders, no ``..``, no hidden file), else None."""
    if not name or name != PurePath(name).name or name.startswith(".") or "\\" in name:
        return None
    if "\x00" in name or "/" in name:
        return None
    return name


@contextlib.contextmanager
def _readonly(db_path: Path, label: str) -> Iterator[sqlite3.Connection]:
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    except sqlite3.DatabaseError as exc:
        raise InteropError(f"{label}: cannot open the collection ({exc})") from exc
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        yield conn
    except sqlite3.DatabaseError as exc:
        raise InteropError(f"{label}: the collection is damaged or not Anki's ({exc})") from exc
    finally:
        conn.close()


def read_legacy_collection(db_path: Path, *, label: str) -> AnkiData:
    """Read a schema-11 collection (the one inside legacy packages) with sqlite3 only."""
    data = AnkiData()
    with _readonly(db_path, label) as conn:
        row = conn.execute("SELECT models, decks FROM col").fetchone()
        if row is None:
            raise InteropError(f"{label}: the collection has no header row (re-export it)")
        try:
            models, decks = json.loads(row[0] or "{}"), json.loads(row[1] or "{}")
        except json.JSONDecodeError as exc:
            raise InteropError(f"{label}: note types are unreadable (re-export it)") from exc
        if not models and conn.execute("SELECT COUNT(*) FROM notes").fetchone()[0]:
            raise InteropError(
                f"{label}: this collection is in the new Anki format "
                "(install the extra: pip install 'quizapp[anki]')"
            )
        for mid, model in models.items():
            data.notetypes[int(mid)] = NoteType(
                name=str(model.get("name", "")),
                kind=int(model.get("type", 0)),
                fields=[f.get("name", "") for f in sorted(model["flds"], key=lambda f: f["ord"])],
                templates=[
                    (t.get("qfmt", ""), t.get("afmt", ""))
                    for t in sorted(model["tmpls"], key=lambda t: t["ord"])
                ],
            )
        data.decks = {int(k): str(v.get("name", "")) for k, v in decks.items()}
        data.notes = [
            Note(r[0], r[1], r[2], r[3].split(), r[4].split(FIELD_SEP))
            for r in conn.execute("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id")
        ]
        data.cards = [
            CardRow(*r)
            for r in conn.execute("SELECT id, nid, did, ord, queue FROM cards ORDER BY id")
        ]
        data.revlog = [
            Revlog(*r)
            for r in conn.execute(
                "SELECT id, cid, ease, time, type, factor FROM revlog ORDER BY id"
            )
        ]
    return data


def _read_modern(path: Path, suffix: str) -> AnkiData:
    """The zstd format, through the ``anki`` package: import, export as legacy, read that."""
    try:
        from anki.collection import (
            Collection,
            ExportAnkiPackageOptions,
            ImportAnkiPackageOptions,
            ImportAnkiPackageRequest,
        )
    except ImportError as exc:
        raise InteropError(
            f"{path}: this package is in Anki's new compressed format "
            "(install the extra: pip install 'quizapp[anki]', or export with "
            "'Support older Anki versions' ticked)"
        ) from exc
    with tempfile.TemporaryDirectory(prefix="quizapp-anki-") as tmp:
        col_path = Path(tmp) / "scratch.anki2"
        try:
            if suffix == ".colpkg":
                from anki._backend import RustBackend

                RustBackend().import_collection_package(
                    col_path=str(col_path),
                    backup_path=str(path),
                    media_folder=str(Path(tmp) / "scratch.media"),
                    media_db=str(Path(tmp) / "scratch.media.db"),
                )
                col = Collection(str(col_path))
            else:
                col = Collection(str(col_path))
                col.import_anki_package(
                    ImportAnkiPackageRequest(
                        package_path=str(path),
                        options=ImportAnkiPackageOptions(
                            with_scheduling=True, merge_notetypes=False, update_notes=1
                        ),
                    )
                )
            legacy = Path(tmp) / "legacy.apkg"
            col.export_anki_package(
                out_path=str(legacy),
                options=ExportAnkiPackageOptions(
                    with_scheduling=True, with_media=True, legacy=True, with_deck_configs=False
                ),
                limit=None,
            )
            col.close()
        except Exception as exc:  # the anki backend raises its own error types
            raise InteropError(f"{path}: Anki could not read the package ({exc})") from exc
        with zipfile.ZipFile(legacy) as archive:
            member = (
                "collection.anki21"
                if "collection.anki21" in archive.namelist()
                else ("collection.anki2")
            )
            return _read_legacy_zip(path, archive, member)


# --- Anki's text export ------------------------------------------------------------------------

SEPARATORS = {
    "tab": "\t",
    "comma": ",",
    "semicolon": ";",
    "space": " ",
    "pipe": "|",
    "colon": ":",
}


def read_text_export(path: Path) -> AnkiData:
    """Read Anki's "Notes in Plain Text" export, honouring its ``#key:value`` header lines.

    Known headers: ``#separator``, ``#html``, ``#columns``, ``#notetype`` / ``#notetype column``,
    ``#deck`` / ``#deck column``, ``#tags`` / ``#tags column`` and ``#guid column``. Without a
    GUID column each note's id is derived from its first field, so a re-import still matches.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InteropError(f"{path}: cannot read as UTF-8 text (re-export it from Anki)") from exc
    lines = text.splitlines(keepends=True)
    header: dict[str, str] = {}
    start = 0
    for n, line in enumerate(lines):
        match = re.match(r"^#([a-z ]+):(.*)$", line.rstrip("\r\n"))
        if not match:
            break
        header[match.group(1).strip()] = match.group(2)
        start = n + 1
    sep_name = header.get("separator", "tab")
    sep = SEPARATORS.get(sep_name.strip().lower(), sep_name if len(sep_name) == 1 else None)
    if sep is None:
        raise InteropError(
            f"{path}:1: unknown separator '{sep_name}' (use Tab, Comma, Semicolon, Space, Pipe)"
        )

    def column(key: str) -> int | None:
        value = header.get(f"{key} column")
        if value is None:
            return None
        if not value.strip().isdigit() or int(value) < 1:
            raise InteropError(f"{path}:1: '#{key} column:{value}' is not a column number")
        return int(value) - 1

    special = {
        "notetype": column("notetype"),
        "deck": column("deck"),
        "tags": column("tags"),
        "guid": column("guid"),
    }
    data = AnkiData(html=header.get("html", "false").strip().lower() == "true")
    default_deck = header.get("deck", path.stem).strip() or path.stem
    default_type = header.get("notetype", "Basic").strip() or "Basic"
    all_tags = header.get("tags", "").split()
    deck_ids: dict[str, int] = {}
    type_ids: dict[tuple[str, int], int] = {}
    reader = csv.reader(io.StringIO("".join(lines[start:])), delimiter=sep, quotechar='"')
    for row_number, row in enumerate(reader, start=start + 1):
        if not any(cell.strip() for cell in row):
            continue

        def cell(index: int | None, row: list[str] = row) -> str | None:
            return row[index] if index is not None and index < len(row) else None

        fields = [v for i, v in enumerate(row) if i not in special.values()]
        if not fields:
            raise InteropError(f"{path}:{row_number}: the row has no fields (check the separator)")
        type_name = (cell(special["notetype"]) or default_type).strip()
        is_cloze = "cloze" in type_name.lower() or bool(CLOZE_NUMBER.search(fields[0]))
        key = (type_name, len(fields))
        if key not in type_ids:
            type_ids[key] = len(type_ids) + 1
            names = [f"Field {i + 1}" for i in range(len(fields))]
            back = "".join("{{" + n + "}}" for n in names[1:])
            data.notetypes[type_ids[key]] = NoteType(
                type_name,
                MODEL_CLOZE if is_cloze else 0,
                names,
                [("{{" + names[0] + "}}", back)],
            )
        deck = (cell(special["deck"]) or default_deck).strip()
        did = deck_ids.setdefault(deck, len(deck_ids) + 1)
        data.decks[did] = deck
        guid = cell(special["guid"]) or f"txt:{path.stem}:{fields[0]}"
        tags = [*all_tags, *(cell(special["tags"]) or "").split()]
        nid = len(data.notes) + 1
        data.notes.append(Note(nid, guid, type_ids[key], tags, fields))
        ords = sorted({int(n) - 1 for n in CLOZE_NUMBER.findall(fields[0])}) if is_cloze else [0]
        for ord_ in ords or [0]:
            data.cards.append(CardRow(len(data.cards) + 1, nid, did, ord_, 0))
    return data

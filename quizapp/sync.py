"""Bring the store in line with the markdown decks, one whole file at a time.

The markdown is the truth for card content; the store is the truth for history. A sync therefore
adds new cards, updates edited ones (same id, so history stays), retires cards that disappeared
(history kept; a restored card comes back with it) and never touches the review log.

One rule for mistakes: a file with any problem (a bad card, bad front matter, an id that another
file already uses) is rejected whole and reported, and its cards stay in the store exactly as the
last good sync left them; every other file is synced. One bad card in a user's deck therefore
never blocks the bundled decks or the user's other edits. All accepted files are written in one
transaction. Files whose size and mtime match what the last sync saw are not even read. A file
modified within :data:`RACY_WINDOW_NS` of the sync that read it is not trusted to that test (an
edit in the same timestamp tick, with the same size, would look unchanged), so the next sync
reads it again; this is git's "racily clean" rule.
"""

from __future__ import annotations

import gc
import json
import os
import tempfile
import time
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from quizapp.cards import Card, DeckSettings, Problem
from quizapp.clock import iso
from quizapp.config import Limits
from quizapp.deck_files import DeckFileError, discover, read_deck, safe_resolve
from quizapp.review import set_active
from quizapp.schedule import CardState
from quizapp.store import CARD_COLUMNS, Store
from quizapp.wording import plural

if TYPE_CHECKING:
    from quizapp.parser import IdInsertion, ParsedDeck

#: Files modified this close to a sync are read again by the next one. Two seconds covers the
#: coarsest timestamps decks are likely to live on (FAT, some network file systems).
RACY_WINDOW_NS = 2_000_000_000


@dataclass
class SyncReport:
    """What a sync did (or, with problems, why it did nothing)."""

    added: int = 0
    updated: int = 0
    retired: int = 0
    revived: int = 0
    files_read: int = 0
    files_skipped: int = 0
    ids_written: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: The files left out because of their problems (their cards in the store are untouched).
    rejected: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        parts = []
        if self.problems:
            parts.append(
                f"{plural(len(self.problems), 'problem')} in {plural(len(self.rejected), 'file')}"
                " left out"
            )
        parts += [
            f"{self.added} added",
            f"{self.updated} updated",
            f"{self.retired} retired",
            f"{self.revived} restored",
            f"{plural(self.files_read, 'file')} read, {self.files_skipped} unchanged",
        ]
        return ", ".join(parts)


def load_decks(
    roots: Sequence[Path], limits: Limits | None = None, others: Sequence[Path] = ()
) -> tuple[list[tuple[Path, ParsedDeck]], list[Problem]]:
    """Parse every deck under ``roots`` (no store involved) and check ids across files.

    ``others`` are the rest of the user's decks (the bundled ones and the registered folders): a
    card under ``roots`` whose id one of them already uses is a clash, as a sync would find. Their
    own problems are not reported, and they win a clash, as cards already in the store do.
    """
    from quizapp.parser import parse_file

    parsed = []
    problems: list[Problem] = []
    seen: set[Path] = set()
    for root in roots:
        root = safe_resolve(root)
        if (missing := _missing_root(root)) is not None:
            problems.append(missing)
            continue
        base = root.parent if root.is_file() else root
        for path in discover(root):
            deck = parse_file(path, base, limits)
            parsed.append((path, deck))
            seen.add(path)
            problems.extend(deck.problems)
    owners: dict[str, tuple[str, int]] = {}
    for root in others:
        root = safe_resolve(root)
        if _missing_root(root) is not None:
            continue
        base = root.parent if root.is_file() else root
        for path in discover(root):
            if path not in seen:
                seen.add(path)
                for card in parse_file(path, base, limits).cards:
                    owners.setdefault(card.id, (card.source, card.line))
    for _, deck in parsed:
        clashes = _duplicates(deck.cards, owners)
        problems.extend(clashes)
        if not clashes and not deck.problems:
            for card in deck.cards:
                owners.setdefault(card.id, (card.source, card.line))
    return parsed, problems


def rejected_files(problems: Iterable[Problem]) -> list[str]:
    """The files named by ``problems``, each once, in order: what a sync leaves out."""
    return list(dict.fromkeys(p.source for p in problems))


def _duplicates(cards: Iterable[Card], elsewhere: dict[str, tuple[str, int]] | None = None):
    """Problems for ids used twice, naming both places (the parser catches one file's own)."""
    owner: dict[str, tuple[str, int]] = dict(elsewhere or {})
    problems = []
    for card in cards:
        first = owner.setdefault(card.id, (card.source, card.line))
        if first != (card.source, card.line):
            problems.append(
                Problem(
                    card.source,
                    card.line,
                    f"duplicate id '{card.note_id}' (also at {first[0]}:{first[1]})",
                    "give one of the cards a different id",
                )
            )
    return problems


def _missing_root(root: Path) -> Problem | None:
    """A problem for a deck root that is neither a folder nor a file (gone, a loop...)."""
    try:
        root.stat()
    except OSError as exc:
        what = "a symlink loop" if exc.errno == 40 else "no such file or folder"
        return Problem(str(root), 1, what, "check the path")
    return None


def _stat(path: Path) -> os.stat_result:
    """The file's stat, or the link's own for a dangling or looping symlink (read reports it)."""
    try:
        return path.stat()
    except OSError:
        return path.lstat()


def sync(
    store: Store,
    roots: Sequence[Path],
    now: datetime,
    *,
    write_ids: bool = True,
    exclude: Collection[Path] = (),
    limits: Limits | None = None,
) -> SyncReport:
    """Apply the decks under ``roots`` to the store in one transaction; see the module docstring.

    Files in ``exclude`` are treated as gone (a bundled deck the user copied to edit: the copy's
    cards take over its ids and history).
    """
    with _collector_paused():
        return _sync(store, roots, now, write_ids=write_ids, exclude=exclude, limits=limits)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a sync builds its cards and rows.

    A first sync allocates hundreds of thousands of objects, none in cycles, and the collector
    would walk them again and again (about a tenth of a first sync of 10,000 cards); it runs
    as usual once the sync is done.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _sync(
    store: Store,
    roots: Sequence[Path],
    now: datetime,
    *,
    write_ids: bool,
    exclude: Collection[Path],
    limits: Limits | None,
) -> SyncReport:
    excluded = {safe_resolve(Path(p)) for p in exclude}
    report = SyncReport()
    limits = limits or Limits()
    # Wall-clock time, not ``now``: it is compared with file-system timestamps.
    trusted_before = time.time_ns() - RACY_WINDOW_NS
    roots = [safe_resolve(r) for r in roots]
    for root in roots:
        if (missing := _missing_root(root)) is not None:
            report.problems.append(missing)
    if report.problems:
        return report

    known = {
        row["path"]: (row["mtime_ns"], row["size"], row["root"])
        for row in store.conn.execute("SELECT path, root, mtime_ns, size FROM files")
    }
    present: dict[Path, tuple[Path, os.stat_result]] = {}
    for root in roots:
        for path in discover(root):
            if path not in excluded:
                present[path] = (root, _stat(path))
    changed: list[tuple[Path, Path, os.stat_result]] = []
    for path, (root, stat) in present.items():
        stamp = known.get(str(path))
        if stamp and stamp[0] == stat.st_mtime_ns and stamp[1] == stat.st_size:
            report.files_skipped += 1
        else:
            changed.append((path, root, stat))

    parsed: list[tuple[Path, Path, os.stat_result, ParsedDeck, bytes]] = []
    if changed:  # the parser (and YAML) load only when a file needs reading
        from quizapp.parser import deck_name_for, parse_bytes
    for path, root, stat in changed:
        base = root.parent if root.is_file() else root
        try:
            data = read_deck(path, base, limits)
        except DeckFileError as exc:
            report.problems.append(Problem(str(path), 1, exc.what, exc.fix))
            continue
        deck = parse_bytes(data, str(path), deck_name_for(path, base), limits)
        parsed.append((path, root, stat, deck, data))
    report.files_read = len(parsed)
    gone = {str(p) for p in excluded} | {
        p for p, (_, _, root) in known.items() if Path(root) in roots and Path(p) not in present
    }
    parsed = _accept(store, parsed, report, gone)

    if write_ids:
        parsed = [_write_missing_ids(entry, report, limits) for entry in parsed]

    removed_files = [
        path
        for path, (_, _, root) in known.items()
        if Path(root) in roots and Path(path) not in present
    ]
    if not parsed and not removed_files:
        return report  # nothing changed: no write lock for a reader (``due``) to wait on
    with store.transaction():
        _apply(store, parsed, removed_files, now, report, trusted_before)
    return report


def _accept(store: Store, parsed: list[tuple], report: SyncReport, gone: set[str]) -> list[tuple]:
    """The re-read files that may be applied; the others go into ``report`` with their problems.

    A file is rejected for a problem of its own, or for a card id that a live card elsewhere
    already has: one in a file that is not being re-read (and still exists), one in a rejected
    file (which keeps its cards), or one in an accepted file read before it (bundled decks are
    read first, so they win). A live card whose file is gone (or excluded: ``gone``), or is
    being re-read without it, has simply moved: not a clash.
    """
    good = [entry for entry in parsed if not entry[3].problems]
    for *_, deck, _ in parsed:
        report.problems.extend(deck.problems)
    accepted_sources = {str(entry[0]) for entry in good}
    cards = [card for *_, deck, _ in good for card in deck.cards]
    owners = _live_elsewhere(store, [card.id for card in cards], accepted_sources | gone)
    accepted = []
    for entry in good:
        clashes = _duplicates(entry[3].cards, owners)
        if clashes:
            report.problems.extend(clashes)
            continue
        for card in entry[3].cards:
            owners[card.id] = (card.source, card.line)
        accepted.append(entry)
    report.rejected = rejected_files(report.problems)
    return accepted


def _live_elsewhere(
    store: Store, ids: list[str], accepted_sources: set[str]
) -> dict[str, tuple[str, int]]:
    """Where the live cards with these ids are, if not in a file this sync re-reads and accepts."""
    elsewhere: dict[str, tuple[str, int]] = {}
    for chunk in range(0, len(ids), 500):
        batch = ids[chunk : chunk + 500]
        marks = ",".join("?" * len(batch))
        for row in store.conn.execute(
            f"SELECT id, source, line FROM cards WHERE retired = 0 AND id IN ({marks})", batch
        ):
            if row["source"] not in accepted_sources and os.path.exists(row["source"]):
                elsewhere[row["id"]] = (row["source"], row["line"])
    return elsewhere


def relocate(store: Store, old_root: Path, new_root: Path) -> int:
    """Record the decks under ``old_root`` as living under ``new_root``; return files moved.

    For the bundled decks, which move whenever quizapp is reinstalled, installed editable, or
    run by another Python: their cards keep their ids and history and are not duplicates of the
    copy left behind. Paths are rewritten by prefix; the next sync re-reads the files (their
    stamps no longer match) and retires what the new copy no longer has.
    """
    old, new = str(old_root), str(new_root)
    if old == new:
        return 0
    rows = store.conn.execute(
        "SELECT path, mtime_ns, size FROM files WHERE root = ?", (old,)
    ).fetchall()

    def moved(path: str) -> str:
        return new + path[len(old) :]

    with store.transaction() as conn:
        for row in rows:
            target = moved(row["path"])
            conn.execute("DELETE FROM files WHERE path IN (?, ?)", (row["path"], target))
            conn.execute(
                "INSERT INTO files (path, root, mtime_ns, size) VALUES (?, ?, -1, ?)",
                (target, new, row["size"]),
            )
        prefix = old + os.sep
        for table in ("cards", "decks"):
            conn.execute(
                f"UPDATE {table} SET source = ? || substr(source, ?) "
                "WHERE substr(source, 1, ?) = ?",
                (new, len(old) + 1, len(prefix), prefix),
            )
    return len(rows)


def _write_missing_ids(entry: tuple, report: SyncReport, limits: Limits) -> tuple:
    """Write generated ids into the file (atomically) and re-read it so line numbers are right."""
    from quizapp.parser import deck_name_for, parse_bytes

    path, root, _stat, deck, data = entry
    if not deck.missing_ids:
        return entry
    try:
        new_data = write_ids(path, data, deck.missing_ids)
    except OSError as exc:
        # Generated ids are derived from deck and prompt, so history still lines up next time.
        report.warnings.append(
            f"{path}: could not write card ids ({exc.strerror}); using them anyway"
        )
        return entry
    report.ids_written.append(str(path))
    base = root.parent if root.is_file() else root
    return (
        path,
        root,
        path.stat(),
        parse_bytes(new_data, str(path), deck_name_for(path, base), limits),
        new_data,
    )


def write_ids(path: Path, data: bytes, insertions: list[IdInsertion]) -> bytes:
    """Write generated ids into the deck file whose bytes are ``data``; return the new bytes.

    A UTF-8 byte order mark, if the file has one, stays; everything else is :func:`insert_ids`.
    """
    from quizapp.parser import insert_ids

    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    new_data = bom + insert_ids(data.decode("utf-8-sig"), insertions).encode("utf-8")
    write_atomically(path, new_data)
    return new_data


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``: a crash leaves the old or the new file, never half."""
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _apply(
    store: Store,
    parsed: list[tuple],
    removed_files: list[str],
    now: datetime,
    report: SyncReport,
    trusted_before: int,
) -> None:
    """Write one sync's changes; the caller holds the transaction."""
    conn = store.conn
    stamp = iso(now)
    next_position = conn.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM schedule").fetchone()[
        0
    ]
    new_cards: list[tuple] = []
    new_schedule: list[tuple] = []
    # Every new card starts from the same fresh schedule row: built once, not per card.
    fresh = CardState().to_row()
    schedule_columns = ("card_id", "deck", "position", *fresh)
    fresh_values = tuple(fresh.values())
    updates: list[dict] = []
    revive: list[str] = []
    for _path, _root, _stat, deck, _data in parsed:
        _save_deck(store, deck.deck)
        existing = _existing(store, [c.id for c in deck.cards])
        for card in deck.cards:
            row = existing.get(card.id)
            if row is None:
                new_cards.append(_card_values(card, stamp, stamp))
                new_schedule.append((card.id, card.deck, next_position, *fresh_values))
                next_position += 1
                continue
            moved = row["source"] != card.source or row["line"] != card.line
            if row["content_hash"] != card.content_hash or moved or row["deck"] != card.deck:
                updates.append(_card_row(card, row["added_at"], stamp))
                if row["content_hash"] != card.content_hash:
                    report.updated += 1
            if row["retired"]:
                revive.append(card.id)
    if new_cards:
        _insert_many(conn, "cards", CARD_COLUMNS, new_cards)
        _insert_many(conn, "schedule", schedule_columns, new_schedule)
        report.added = len(new_cards)
    if updates:
        columns = [k for k in updates[0] if k != "id"]
        sets = ", ".join(f"{k} = :{k}" for k in columns)
        conn.executemany(f"UPDATE cards SET {sets} WHERE id = :id", updates)
        conn.executemany(
            "UPDATE schedule SET deck = :deck WHERE card_id = :id",
            [{"deck": u["deck"], "id": u["id"]} for u in updates],
        )
    for card_id in revive:
        set_active(store, card_id, retired=False)
    report.revived = len(revive)
    # Retire last: a card that moved to another file already carries its new source by now.
    for path, root, stat, deck, _data in parsed:
        report.retired += _retire(store, str(path), {c.id for c in deck.cards})
        conn.execute(
            "INSERT OR REPLACE INTO files (path, root, mtime_ns, size) VALUES (?, ?, ?, ?)",
            (str(path), str(root), _stamp(stat, trusted_before), stat.st_size),
        )
    for source in removed_files:
        report.retired += _retire(store, source, set())
        conn.execute("DELETE FROM files WHERE path = ?", (source,))


def _stamp(stat: os.stat_result, trusted_before: int) -> int:
    """The mtime to remember for a file, or -1 (never matches) when it is too recent to trust."""
    return stat.st_mtime_ns if stat.st_mtime_ns < trusted_before else -1


def _insert_many(conn, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    """One ``executemany`` per table: the bulk of a first sync of thousands of cards.

    Rows are tuples in ``columns`` order: positional parameters bind without a dict lookup
    per column, a measurable share of inserting 10,000 rows.
    """
    names = ", ".join(columns)
    marks = ", ".join("?" * len(columns))
    conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _existing(store: Store, ids: list[str]) -> dict[str, dict]:
    found = {}
    for chunk in range(0, len(ids), 500):
        batch = ids[chunk : chunk + 500]
        marks = ",".join("?" * len(batch))
        for row in store.conn.execute(
            f"SELECT id, source, line, deck, content_hash, retired, added_at FROM cards "
            f"WHERE id IN ({marks})",
            batch,
        ):
            found[row["id"]] = dict(row)
    return found


def _retire(store: Store, source: str, keep: set[str]) -> int:
    """Retire the live cards of ``source`` that are not in ``keep``; return how many."""
    rows = store.conn.execute(
        "SELECT id FROM cards WHERE source = ? AND retired = 0", (source,)
    ).fetchall()
    gone = [r["id"] for r in rows if r["id"] not in keep]
    for card_id in gone:
        set_active(store, card_id, retired=True)
    return len(gone)


def _save_deck(store: Store, deck: DeckSettings) -> None:
    store.conn.execute(
        "INSERT OR REPLACE INTO decks (name, source, retention, new_per_day) VALUES (?, ?, ?, ?)",
        (deck.name, deck.source, deck.retention, deck.new_per_day),
    )


def _card_values(card: Card, added_at: str, updated_at: str) -> tuple:
    """The card's ``cards`` row as a tuple in :data:`CARD_COLUMNS` order.

    Empty lists and maps (most of them) are written as ``[]``/``{}`` without the JSON encoder.
    """
    misconceptions = card.misconceptions
    choices = card.choices
    synonyms = card.synonyms
    return (
        card.id,
        card.note_id,
        card.deck,
        str(card.type),  # a StrEnum member's str is its value
        card.prompt,
        card.answer,
        _json(list(card.key_points)) if card.key_points else "[]",
        _json([[m.claim, m.correction] for m in misconceptions]) if misconceptions else "[]",
        _json([[c.text, c.correct] for c in choices]) if choices else "[]",
        card.cloze,
        _json(list(card.expected)) if card.expected else "[]",
        _json(list(card.tags)) if card.tags else "[]",
        card.prove,
        _json({k: list(v) for k, v in synonyms.items()}) if synonyms else "{}",
        card.source,
        card.line,
        card.content_hash,
        added_at,
        updated_at,
    )


def _card_row(card: Card, added_at: str, updated_at: str) -> dict:
    return dict(zip(CARD_COLUMNS, _card_values(card, added_at, updated_at), strict=True))


#: What ``json.dumps(value, ensure_ascii=False)`` builds on every call, built once.
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _json(value: list | dict) -> str:
    """JSON text for a column; empty values (most of them) skip the encoder."""
    if not value:
        return "[]" if isinstance(value, list) else "{}"
    return _ENCODER.encode(value)

"""The sync folder: machines exchange their logs through files in a folder the user syncs.

Each machine appends what it has that the folder lacks (reviews, undo markers, events,
quizzes, parameter events) to its own file, ``quizapp-<host>-<id>.jsonl``, and reads every file
in the folder, its own included (that recovers reviews after a restore from an older backup).
Nothing but its owner ever writes a file, so a sync tool never has two versions of one to
reconcile, and the union of the files is the union of the machines' logs, whatever order they
arrive in.

Each line is one JSON object, a tab, and the CRC-32 of the JSON. A sync tool caught copying
leaves a file whose last line is cut short, or whose bytes are not yet there: such a line fails
its checksum, is skipped with a warning and read again next time (how far each file was read
cleanly is remembered in ``folder_files``; everything after a bad line is still taken, since
taking a line twice changes nothing). The first line names the format; a file in a newer
format is left alone with a warning.

An entry of a kind this version does not know is skipped, not refused, so a newer machine can
add kinds without locking older ones out. Because an older version's cursors have moved past
lines it skipped, a version that reads a new kind (``KINDS``) reads every file from the start
once.
"""

from __future__ import annotations

import json
import os
import re
import socket
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from quizapp.backup import before
from quizapp.merge.log import (
    EVENT_COLUMNS,
    PARAMETER_COLUMNS,
    QUIZ_COLUMNS,
    REVIEW_COLUMNS,
    Log,
    parameter_problem,
)
from quizapp.merge.union import MergeReport, absorb
from quizapp.store import Store

FORMAT = 1
PREFIX = "quizapp-"
SUFFIX = ".jsonl"
MODES = ("review", "quiz")
# The entry kinds this version takes (besides the "file" header). "parameters" came with the
# scheduling issue's parameter events; adding a kind makes every file be read again once.
KINDS = ("review", "undo", "event", "quiz", "parameters")


class FolderError(Exception):
    """The sync folder cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class Cursor:
    """How far a file was read cleanly: the last good line's span, checksum and number."""

    line_start: int = 0
    offset: int = 0
    line_sum: str = ""
    lines: int = 0


@dataclass
class FolderReport:
    merged: MergeReport = field(default_factory=MergeReport)
    written: int = 0
    files_read: int = 0
    own_file: Path | None = None
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"read {self.files_read} file(s): {self.merged.summary()}; "
            f"wrote {self.written} entr{'y' if self.written == 1 else 'ies'} to {self.own_file}"
        )


def encode(entry: dict) -> bytes:
    body = json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    data = body.encode("utf-8")
    return data + b"\t" + f"{zlib.crc32(data):08x}".encode("ascii") + b"\n"


def decode(line: bytes) -> dict | None:
    """The entry on one line (without its newline), or ``None`` if it is damaged."""
    body, tab, crc = line.rpartition(b"\t")
    if not tab or len(crc) != 8 or f"{zlib.crc32(body):08x}".encode("ascii") != crc:
        return None
    try:
        entry = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return entry if isinstance(entry, dict) and isinstance(entry.get("k"), str) else None


def _line_sum(line: bytes) -> str:
    return f"{zlib.crc32(line):08x}"


def read_file(path: Path, cursor: Cursor | None) -> tuple[list[dict], Cursor, list[str]]:
    """Entries of ``path`` after ``cursor`` (from the start if the file changed under it)."""
    warnings: list[str] = []
    entries: list[dict] = []
    with path.open("rb") as handle:
        start = Cursor()
        if cursor and cursor.offset:
            handle.seek(cursor.line_start)
            last = handle.read(cursor.offset - cursor.line_start)
            if last.endswith(b"\n") and _line_sum(last[:-1]) == cursor.line_sum:
                start = cursor
        handle.seek(start.offset)
        data = handle.read()
    good = start
    clean = True
    number = start.lines
    i = 0
    while i < len(data):
        end = data.find(b"\n", i)
        if end == -1:
            warnings.append(
                f"{path.name}:{number + 1}: the last line is incomplete (still being copied?); "
                "it will be read next time"
            )
            break
        line = data[i:end]
        number += 1
        entry = decode(line)
        problem = None
        if entry is None:
            problem = "damaged line (checksum does not match)"
        elif entry["k"] == "file" and not isinstance(entry.get("format"), int):
            problem = "a header without a format number"
        elif entry["k"] == "file" and entry["format"] > FORMAT:
            warnings.append(
                f"{path.name}: written by a newer quizapp (format {entry['format']}); "
                "upgrade quizapp to read it"
            )
            return [], start, warnings
        elif (problem := _invalid(entry)) is None:
            entries.append(entry)
        if problem:
            warnings.append(f"{path.name}:{number}: {problem}; skipped, read again next time")
            clean = False
        elif clean:
            good = Cursor(start.offset + i, start.offset + end + 1, _line_sum(line), number)
        i = end + 1
    return entries, good, warnings


def _invalid(entry: dict) -> str | None:
    """Why an entry cannot be taken, or ``None``; a kind this version does not know is fine."""
    kind = entry["k"]
    reviews = [entry] if kind == "review" else [entry.get("review")] if kind == "undo" else []
    for review in reviews:
        if not isinstance(review, dict):
            return "an undo without its review"
        if not all(isinstance(review.get(k), str) for k in ("id", "card_id", "reviewed_at")):
            return "a review without id, card or time"
        if review.get("rating") not in (1, 2, 3, 4) or review.get("mode") not in MODES:
            return "a review with an unknown rating or mode"
        if not _is_time(review["reviewed_at"]):
            return "a review with an unreadable time"
    if kind == "event" and not (isinstance(entry.get("id"), str) and _is_time(entry.get("at"))):
        return "an event without id or time"
    if kind == "quiz" and not isinstance(entry.get("id"), str):
        return "a quiz without id"
    if kind == "parameters":
        return parameter_problem(parameter_row(entry))
    return None


def parameter_row(entry: dict) -> dict:
    """A ``parameters`` entry as a ``parameter_events`` row (the JSON columns as the text
    :meth:`quizapp.fitting.events.ParameterEvent.to_row` writes, so every machine stores the
    same bytes)."""
    row = {c: entry.get(c) for c in PARAMETER_COLUMNS}
    if row["parameters"] is not None:
        row["parameters"] = json.dumps(row["parameters"])
    row["metrics"] = json.dumps(row["metrics"], sort_keys=True)
    return row


def parameter_entry(row) -> dict:
    """A ``parameter_events`` row as a folder entry, its JSON columns as JSON values."""
    entry = {"k": "parameters", **{c: row[c] for c in PARAMETER_COLUMNS}}
    if entry["parameters"] is not None:
        entry["parameters"] = json.loads(entry["parameters"])
    entry["metrics"] = json.loads(entry["metrics"])
    return entry


def _is_time(text: object) -> bool:
    try:
        return isinstance(text, str) and datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False


def to_log(entries: list[dict]) -> tuple[Log, set[str]]:
    """The log the entries carry, and the folder keys they prove present."""
    log = Log()
    keys: set[str] = set()

    def take_review(row: dict) -> None:
        log.reviews.append({c: row.get(c) for c in REVIEW_COLUMNS})
        if isinstance(row.get("deck"), str):
            log.decks[row["card_id"]] = row["deck"]
        keys.add(f"review:{row['id']}")
        quiz = row.get("quiz")
        if isinstance(quiz, dict) and isinstance(quiz.get("id"), str):
            log.quizzes.append({c: quiz.get(c) for c in QUIZ_COLUMNS})
            keys.add(f"quiz:{quiz['id']}:{quiz.get('finished_at') or ''}")

    for entry in entries:
        kind = entry["k"]
        if kind not in KINDS:
            continue  # a later version's kind: passed over, the file keeps it for that version
        if kind == "review":
            take_review(entry)
        elif kind == "undo":
            take_review(entry["review"])
            log.undos.append({"review_id": entry["review"]["id"], "undone_at": entry.get("at")})
            keys.add(f"undo:{entry['review']['id']}")
        elif kind == "event":
            log.events.append({c: entry.get(c) for c in EVENT_COLUMNS})
            keys.add(f"event:{entry['id']}")
        elif kind == "quiz":
            log.quizzes.append({c: entry.get(c) for c in QUIZ_COLUMNS})
            keys.add(f"quiz:{entry['id']}:{entry.get('finished_at') or ''}")
        elif kind == "parameters":
            log.parameters.append(parameter_row(entry))
            keys.add(f"parameters:{entry['id']}")
    return log, keys


def own_file_name(store: Store) -> str:
    """This machine's file name, fixed in the store; a store copied to another host gets a new
    one, so two machines never write the same file."""
    host = re.sub(r"[^A-Za-z0-9]+", "-", socket.gethostname()).strip("-").lower() or "host"
    row = store.conn.execute("SELECT value FROM meta WHERE key = 'sync_file'").fetchone()
    if row and row[0].startswith(f"{PREFIX}{host}-"):
        return row[0]
    name = f"{PREFIX}{host}-{uuid.uuid4().hex[:8]}{SUFFIX}"
    with store.transaction() as conn:
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('sync_file', ?)", (name,))
    return name


def _use_folder(store: Store, folder: Path) -> None:
    """Forget what another folder had: its cursors and seen entries do not apply here."""
    row = store.conn.execute("SELECT value FROM meta WHERE key = 'sync_folder'").fetchone()
    if row and row[0] == str(folder):
        return
    with store.transaction() as conn:
        conn.execute("DELETE FROM folder_seen")
        conn.execute("DELETE FROM folder_files")
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('sync_folder', ?)", (str(folder),)
        )


def _read_new_kinds(store: Store) -> None:
    """Read every file from the start once if this version takes kinds the last reader did
    not: that reader skipped those lines and its cursors have moved past them."""
    row = store.conn.execute("SELECT value FROM meta WHERE key = 'sync_kinds'").fetchone()
    if row and set(KINDS) <= set(row[0].split(",")):
        return
    with store.transaction() as conn:
        conn.execute("DELETE FROM folder_files")
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('sync_kinds', ?)", (",".join(KINDS),)
        )


def exchange(store: Store, folder: Path, now: datetime) -> FolderReport:
    """Read every file in ``folder`` into the store, then append what the folder lacks."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise FolderError(f"{folder}: sync folder not found (create it, or change sync_dir)")
    folder = folder.resolve()
    _use_folder(store, folder)
    _read_new_kinds(store)
    report = FolderReport(own_file=folder / own_file_name(store))
    if not report.own_file.exists():
        # The folder lost our file (or never had it): what it held must be sent again, so
        # forget what the folder was thought to have and read every file from the start.
        with store.transaction() as conn:
            conn.execute("DELETE FROM folder_seen")
            conn.execute("DELETE FROM folder_files")
    cursors = {
        r["name"]: Cursor(r["line_start"], r["offset"], r["line_sum"], r["lines"])
        for r in store.conn.execute("SELECT * FROM folder_files")
    }
    entries: list[dict] = []
    moved: dict[str, Cursor] = {}
    for path in sorted(folder.glob(f"{PREFIX}*{SUFFIX}")):
        try:
            found, cursor, warnings = read_file(path, cursors.get(path.name))
        except OSError as exc:
            report.warnings.append(f"{path.name}: cannot be read ({exc.strerror}); skipped")
            continue
        report.files_read += 1
        report.warnings += warnings
        entries += found
        if cursor != cursors.get(path.name):
            moved[path.name] = cursor
    log, keys = to_log(entries)
    report.merged = absorb(
        store, log, before_write=lambda: before(store.conn, store.path, "merge", now)
    )
    report.warnings += report.merged.warnings
    # Recorded after the merge commits: a crash in between only means reading again.
    with store.transaction() as conn:
        conn.executemany("INSERT OR IGNORE INTO folder_seen (key) VALUES (?)", [(k,) for k in keys])
        conn.executemany(
            "INSERT OR REPLACE INTO folder_files (name, line_start, offset, line_sum, lines) "
            "VALUES (?, ?, ?, ?, ?)",
            [(n, c.line_start, c.offset, c.line_sum, c.lines) for n, c in moved.items()],
        )
    report.written = write_own(store, report.own_file)
    return report


def _unsent(store: Store) -> list[tuple[str, dict]]:
    """(folder key, entry) for everything in the store that no file in the folder has."""
    conn = store.conn
    review_cols = ", ".join(f"r.{c}" for c in REVIEW_COLUMNS)
    quiz_cols = ", ".join(f"q.{c} AS qz_{c}" for c in QUIZ_COLUMNS)
    review_key, undo_key, event_key = (
        "'review:' || r.id",
        "'undo:' || u.review_id",
        "'event:' || e.id",
    )
    seen = "NOT EXISTS (SELECT 1 FROM folder_seen f WHERE f.key = {})".format

    def review_entry(row) -> dict:
        entry = {c: row[c] for c in REVIEW_COLUMNS}
        entry["deck"] = row["deck"]
        if row["quiz_id"] is not None:
            entry["quiz"] = {c: row[f"qz_{c}"] for c in QUIZ_COLUMNS}
        return entry

    base = (
        f"SELECT {review_cols}, c.deck, {quiz_cols} FROM reviews r "
        "LEFT JOIN cards c ON c.id = r.card_id LEFT JOIN quizzes q ON q.id = r.quiz_id"
    )
    out: list[tuple[str, dict]] = []
    for row in conn.execute(f"{base} WHERE {seen(review_key)} ORDER BY r.reviewed_at, r.id"):
        out.append((f"review:{row['id']}", {"k": "review", **review_entry(row)}))
    for row in conn.execute(
        f"SELECT u.undone_at AS undone_at, x.* FROM undos u JOIN ({base}) x ON x.id = u.review_id "
        f"WHERE {seen(undo_key)} "
        "ORDER BY u.undone_at"
    ):
        entry = {"k": "undo", "at": row["undone_at"], "review": review_entry(row)}
        out.append((f"undo:{row['id']}", entry))
    for row in conn.execute(f"SELECT * FROM events e WHERE {seen(event_key)} ORDER BY at, id"):
        entry = {"k": "event", **{c: row[c] for c in EVENT_COLUMNS}}
        out.append((f"event:{row['id']}", entry))
    quiz_key = "'quiz:' || q.id || ':' || COALESCE(q.finished_at, '')"
    for row in conn.execute(
        f"SELECT * FROM quizzes q WHERE {seen(quiz_key)} ORDER BY started_at, id"
    ):
        entry = {"k": "quiz", **{c: row[c] for c in QUIZ_COLUMNS}}
        out.append((f"quiz:{row['id']}:{row['finished_at'] or ''}", entry))
    parameter_key = "'parameters:' || p.id"
    for row in conn.execute(
        f"SELECT * FROM parameter_events p WHERE {seen(parameter_key)} ORDER BY at, id"
    ):
        out.append((f"parameters:{row['id']}", parameter_entry(row)))
    return out


def write_own(store: Store, path: Path) -> int:
    """Append the store's unsent entries to this machine's file; return how many.

    Written while the store's write lock is held, so two terminals on one machine never
    interleave lines; the entries count as sent only once the bytes are on disk.
    """
    with store.transaction() as conn:
        pending = _unsent(store)
        if path.exists():
            _drop_partial_tail(path)
        header = not path.exists() or path.stat().st_size == 0
        if not pending and not header:
            return 0
        size = 0 if header else path.stat().st_size
        lines = [encode(entry) for _key, entry in pending]
        if header:
            lines.insert(0, encode({"k": "file", "format": FORMAT, "file": path.name}))
        with path.open("ab") as handle:
            handle.write(b"".join(lines))
            handle.flush()
            os.fsync(handle.fileno())
        conn.executemany(
            "INSERT OR IGNORE INTO folder_seen (key) VALUES (?)", [(k,) for k, _ in pending]
        )
        _advance_own_cursor(store, path.name, size, lines)
    return len(pending)


def _advance_own_cursor(store: Store, name: str, size: int, lines: list[bytes]) -> None:
    """Our own new lines need not be read back: move our cursor past them, if it was at the
    end before we wrote (otherwise the next read catches up from where it was)."""
    row = store.conn.execute(
        "SELECT offset, lines FROM folder_files WHERE name = ?", (name,)
    ).fetchone()
    if (row[0] if row else 0) != size:
        return
    end = size + sum(len(line) for line in lines)
    last = lines[-1]
    store.conn.execute(
        "INSERT OR REPLACE INTO folder_files (name, line_start, offset, line_sum, lines) "
        "VALUES (?, ?, ?, ?, ?)",
        (name, end - len(last), end, _line_sum(last[:-1]), (row[1] if row else 0) + len(lines)),
    )


def _drop_partial_tail(path: Path) -> None:
    """Cut a line our own crashed write left unfinished: it can never be read, and what it held
    is still unsent in the store."""
    size = path.stat().st_size
    with path.open("rb+") as handle:
        back = min(size, 1 << 16)
        handle.seek(size - back)
        tail = handle.read(back)
        if tail.endswith(b"\n"):
            return
        cut = tail.rfind(b"\n")
        if cut != -1:
            handle.truncate(size - back + cut + 1)
        elif back == size:  # not one whole line yet: start the file again
            handle.truncate(0)


def exchange_configured(store: Store, now: datetime) -> list[str]:
    """What the app does on start: back up for the day, then exchange with the configured sync
    folder, if any. Returns warnings to show instead of raising: neither may block a review."""
    from quizapp import config, paths
    from quizapp.backup import BackupError, daily_if_due

    warnings = []
    if store.path is not None:
        try:
            daily_if_due(store.conn, store.path, now)
        except BackupError as exc:
            warnings.append(str(exc))
    try:
        folder = config.load(paths.config_path()).sync_dir
    except config.ConfigError as exc:
        return [*warnings, str(exc)]
    if folder is None:
        return warnings
    try:
        report = exchange(store, folder, now)
    except (FolderError, BackupError, OSError) as exc:
        return [*warnings, f"sync folder: {exc}"]
    return [*warnings, *report.warnings]

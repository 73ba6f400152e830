"""Rotating backups of the store, so months of review history survive a bad disk or a bad day.

A backup is taken with SQLite's online backup API (``Connection.backup``), never by copying the
file: a copy of a live WAL database can miss committed pages still in the ``-wal`` file or catch
a page half-written. Each backup is written to a ``.part`` file, verified (SQLite's
``quick_check``, see :func:`verify`, and at least as many reviews as the store had when it
started: the log is append-only), then renamed into place; only then are old backups of its
kind deleted. A failed backup therefore never costs an older good one.

Backups live in ``backups/`` beside the store, named ``<store>-<UTC time>-<kind>.db``:

- ``daily``: the first time quizapp opens the store on a study day (keep 14 by default);
- ``before-<operation>``: before a migration, merge, rebuild, restore, import or repair (keep 4);
- ``manual``: ``quizapp backup``, never deleted by quizapp.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from quizapp.clock import day_start

BACKUP_FOLDER = "backups"
DAILY = "daily"
MANUAL = "manual"
_STAMP = "%Y%m%dT%H%M%S%fZ"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{12}Z)-(?P<kind>[a-z][a-z-]*)\.db$")


class BackupError(Exception):
    """A backup or restore could not be made or verified; the message says why and what to do."""


@dataclass(frozen=True)
class Backup:
    """One backup file, as its name describes it."""

    path: Path
    taken_at: datetime
    kind: str

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    @property
    def rotation(self) -> str | None:
        """Which pool it is rotated in: daily, operation, or none for a manual backup."""
        if self.kind == DAILY:
            return DAILY
        return None if self.kind == MANUAL else "operation"


@dataclass(frozen=True)
class Restored:
    """What a restore did: the backup it brought back, and what became of the store it replaced."""

    source: Path
    reviews: int
    safety: Backup | None  # the replaced store, backed up first
    moved_aside: Path | None  # ... or, when it was too damaged to back up, where it now lies


def backup_dir(db_path: Path) -> Path:
    return Path(db_path).parent / BACKUP_FOLDER


def list_backups(db_path: Path) -> list[Backup]:
    """The store's backups, oldest first."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match and match["stem"] == Path(db_path).stem:
            taken = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC)
            found.append(Backup(path, taken, match["kind"]))
    return sorted(found, key=lambda b: (b.taken_at, b.path.name))


def review_count(conn: sqlite3.Connection) -> int:
    """Reviews in a store; 0 for one with no tables yet."""
    try:
        return conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def verify(path: Path, min_reviews: int = 0, *, thorough: bool = False) -> tuple[int, str | None]:
    """(reviews, problem) for a backup file; the problem is ``None`` when it is sound.

    By default this runs SQLite's ``quick_check``: every page read and every b-tree checked,
    which is what a copy can get wrong (a short write, a bad sector). ``thorough`` adds what
    ``integrity_check`` does on top, checking each index against its table; a page-by-page copy
    cannot differ from the store there, and on 100k reviews that check costs ten times as much.
    """
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return 0, f"cannot be opened: {exc}"
    check = "integrity_check" if thorough else "quick_check"
    try:
        rows = [r[0] for r in conn.execute(f"PRAGMA {check}")]
        if rows != ["ok"]:
            return 0, f"{check.replace('_', ' ')} failed: {rows[0]}"
        count = review_count(conn)
    except sqlite3.DatabaseError as exc:
        return 0, f"not a readable quizapp store: {exc}"
    finally:
        conn.close()
    if count < min_reviews:
        return count, f"has {count} reviews but the store had {min_reviews}"
    return count, None


def take(
    conn: sqlite3.Connection,
    db_path: Path,
    kind: str,
    now: datetime,
    *,
    keep: int | None = None,
    dest: Path | None = None,
) -> Backup:
    """Back the open store up (to ``dest``, or into its backups folder), verify it, then rotate.

    ``keep`` is how many backups of this kind's pool to keep; ``None`` keeps every one.
    """
    db_path = Path(db_path)
    if dest is None:
        folder = backup_dir(db_path)
        folder.mkdir(parents=True, exist_ok=True)
        moment = now.astimezone(UTC)
        while True:  # two backups in one microsecond (a fixed test clock) get distinct names
            dest = folder / f"{db_path.stem}-{moment.strftime(_STAMP)}-{kind}.db"
            if not dest.exists():
                break
            moment += timedelta(microseconds=1)
        taken = Backup(dest, moment.replace(tzinfo=UTC), kind)
    else:
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        taken = Backup(dest, now, kind)
    part = dest.with_name(dest.name + ".part")
    expected = review_count(conn)
    try:
        target = sqlite3.connect(part)
        try:
            conn.backup(target)
            # A self-contained file: no -wal beside it for a later copy to forget.
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
    except (sqlite3.Error, OSError) as exc:
        part.unlink(missing_ok=True)
        raise BackupError(f"{dest}: the backup could not be written: {exc}") from exc
    _, problem = verify(part, expected)
    if problem:
        part.unlink(missing_ok=True)
        raise BackupError(f"{dest}: the new backup {problem}; older backups were kept")
    os.replace(part, dest)
    if keep is not None and taken.rotation is not None:
        prune(db_path, taken.rotation, keep)
    return taken


def prune(db_path: Path, rotation: str, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups of a pool; return what was deleted."""
    pool = [b for b in list_backups(db_path) if b.rotation == rotation]
    doomed = pool[: max(len(pool) - keep, 0)]
    for old in doomed:
        old.path.unlink(missing_ok=True)
    return [b.path for b in doomed]


def _keep_counts() -> tuple[int, int]:
    """(daily, before-operation) backups to keep, from the config file (defaults if unusable)."""
    from quizapp import config, paths

    try:
        settings = config.load(paths.config_path())
    except config.ConfigError:
        settings = config.Config()
    return settings.daily_backups, settings.operation_backups


def daily_if_due(conn: sqlite3.Connection, db_path: Path, now: datetime) -> Backup | None:
    """Take today's daily backup unless one exists since the study day began (or no history)."""
    start = day_start(now)
    if any(b.kind == DAILY and b.taken_at >= start for b in list_backups(db_path)):
        return None
    if review_count(conn) == 0:
        return None
    return take(conn, db_path, DAILY, now, keep=_keep_counts()[0])


def before(conn: sqlite3.Connection, db_path: Path | None, operation: str, now: datetime):
    """Back up before a risky ``operation`` (``merge``, ``rebuild``...); ``None`` if in memory.

    Raises :class:`BackupError` if the backup fails: the operation must not go ahead unguarded.
    """
    if db_path is None:
        return None
    return take(conn, db_path, f"before-{operation}", now, keep=_keep_counts()[1])


def latest_backup(db_path: Path) -> Path | None:
    """The newest backup of this store that passes verification, or ``None``."""
    for candidate in reversed(list_backups(db_path)):
        if verify(candidate.path)[1] is None:
            return candidate.path
    return None


def resolve(db_path: Path, name: str | Path) -> Path:
    """A backup given as a path, or as a file name listed by ``quizapp backups``."""
    path = Path(name).expanduser()
    if path.exists():
        return path
    listed = backup_dir(db_path) / str(name)
    if listed.exists():
        return listed
    raise BackupError(f"{name}: no such backup (run 'quizapp backups' to list them)")


def restore(db_path: Path, source: Path, now: datetime) -> Restored:
    """Replace the store with a backup, after backing the current store up.

    The backup is checked first and copied through the backup API into a temporary file beside
    the store, which then replaces it in one rename. A current store too damaged to back up is
    moved aside instead, so nothing is ever deleted.
    """
    db_path = Path(db_path)
    count, problem = verify(source)
    if problem:
        raise BackupError(f"{source}: {problem} (choose another one from 'quizapp backups')")
    safety: Backup | None = None
    moved: Path | None = None
    if db_path.exists():
        try:
            conn = sqlite3.connect(db_path)
            try:
                safety = take(conn, db_path, "before-restore", now, keep=_keep_counts()[1])
            finally:
                conn.close()
        except (sqlite3.Error, BackupError):
            moved = db_path.with_name(
                f"{db_path.name}.damaged-{now.astimezone(UTC).strftime(_STAMP)}"
            )
            os.replace(db_path, moved)
    for suffix in ("-wal", "-shm"):
        side = db_path.with_name(db_path.name + suffix)
        if side.exists():
            if moved is not None:
                os.replace(side, moved.with_name(moved.name + suffix))
            else:
                side.unlink()
    part = db_path.with_name(db_path.name + ".restoring")
    part.unlink(missing_ok=True)
    src = sqlite3.connect(f"{Path(source).resolve().as_uri()}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(part)
        try:
            src.backup(target)
        finally:
            target.close()
    finally:
        src.close()
    _, problem = verify(part, count)
    if problem:
        part.unlink(missing_ok=True)
        raise BackupError(f"{source}: the restored copy {problem}; the store was not replaced")
    os.replace(part, db_path)
    return Restored(Path(source), count, safety, moved)

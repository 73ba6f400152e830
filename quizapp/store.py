"""The SQLite store: the user's review history and everything derived from it.

What is stored, and why it is shaped this way:

- ``reviews`` is the source of truth and append-only. Each row has a UUID so the logs of two
  machines can later be merged by union. An undone answer is not deleted; its id goes into
  ``undos``, which is also append-only.
- ``schedule`` is derived: ``quizapp rebuild`` replays the review log through fsrs and gets every
  row back exactly (see :mod:`quizapp.schedule`). ``queue`` and ``position`` exist so the due query
  is one index range scan.
- ``cards`` mirrors the markdown; ``files`` remembers each deck file's size and mtime so a sync can
  skip unchanged files without reading them.

Concurrency: WAL mode lets a second terminal read while one writes; every write happens inside
``BEGIN IMMEDIATE`` so two writers queue instead of failing half-way. Long writers (rebuild) commit
in short batches, so a writer waits about a second at most; one that still cannot get the lock
says so through :attr:`Store.on_busy` and keeps waiting (the plain review keeps the typed answer).

Trust is checked before anything is written: :meth:`Store.open` refuses an empty file, a file
that is not SQLite, a store from a newer quizapp, and a store failing SQLite's ``quick_check``
(``integrity_check`` before migrations and rebuilds). A damaged store is never written; the
message (:func:`damaged_message`) names the latest backup and the command that restores it.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

SCHEMA_VERSION = 5  # the number of migrations in quizapp.migrations, and what schema.sql makes
#: How long one attempt at the write lock waits inside SQLite. Short, so a waiting writer gets
#: control back every second to tell the user why it is waiting; :attr:`Store.busy_wait_s` is the
#: total it keeps trying.
BUSY_TIMEOUT_MS = 1_000
BUSY_WAIT_S = 600.0
OPEN_TIMEOUT_MS = 30_000
#: Up to this size a store gets SQLite's full ``integrity_check`` on every open (under 0.2 s);
#: a damaged index that passes the quick check would otherwise take an answer. Above it, the
#: quick check on open and the full one before rebuilds and upgrades. The corruption sweep
#: (benchmarks/bench_corruption.py) counts what each choice lets through.
FULL_CHECK_MAX_BYTES = 8 * 1024 * 1024
SQLITE_HEADER = b"SQLite format 3\x00"
APPLICATION_ID = 0x51554941  # "QUIA" in the header of stores this quizapp created
BUSY_MESSAGE = "another quizapp is busy, waiting…"

# The store files this process has open in SQLite, by (device, inode), with how many
# connections. POSIX locks belong to the process: closing *any* descriptor of a file drops every
# lock the process holds on it, SQLite's included. Reading the header of an open store with
# open()/close() (:func:`_check_file`, for a second connection) let another process's closing
# connection take the database for unused, checkpoint it and delete its WAL; this process then
# wrote its answers into a deleted file that no other process could see.
_open_files: dict[tuple[int, int], int] = {}
_open_files_lock = threading.Lock()


def _file_key(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def _is_open_here(path: Path) -> bool:
    key = _file_key(path)
    with _open_files_lock:
        return key is not None and key in _open_files


#: The ``cards`` columns that come from the deck (all but the user's ``retired`` and
#: ``suspended`` flags): what a sync writes, in this order (``sync._card_values``), and what a
#: merge copies of another store's cards.
CARD_COLUMNS = (
    "id",
    "note_id",
    "deck",
    "type",
    "prompt",
    "answer",
    "key_points",
    "misconceptions",
    "choices",
    "cloze",
    "expected",
    "tags",
    "prove",
    "synonyms",
    "source",
    "line",
    "content_hash",
    "added_at",
    "updated_at",
)

# Queue values in ``schedule.queue``: which list a card is drawn from.
QUEUE_LEARNING = 0  # fsrs Learning / Relearning: short steps, shown first
QUEUE_REVIEW = 1
QUEUE_NEW = 2
QUEUE_OFF = 3  # retired (gone from the markdown) or suspended


def import_sqlite_utils() -> ModuleType:
    """Import sqlite-utils without letting it pull in numpy and pandas.

    sqlite-utils imports them, when installed, only to map their scalar types to column types;
    quizapp never stores numpy values, and loading numpy costs the CLI and the app a noticeable
    slice of their start-up. Hiding them during this one import leaves sqlite-utils on its
    plain-Python path; if numpy is already loaded (a proof ran), nothing changes.
    """
    if "sqlite_utils" in sys.modules:
        return sys.modules["sqlite_utils"]
    hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes "import name" fail
    try:
        import sqlite_utils
    finally:
        for name in hidden:
            del sys.modules[name]
    return sqlite_utils


class StoreError(Exception):
    """The database cannot be opened or used; the message says what to do."""


class StoreDamaged(StoreError):
    """The store fails SQLite's integrity check (or is not a database): never written to."""


class StoreTooNew(StoreError):
    """The store was written by a newer quizapp; this one refuses to touch it."""


class StoreBusy(StoreError):
    """Another process held the write lock for longer than this store was told to wait."""


def damaged_message(path: Path | str | None, detail: str = "") -> str:
    """The one message for a damaged store: what is wrong, that nothing changed, how to recover.

    The backups module (``quizapp.backup``) is optional here: it is imported lazily and, when it
    offers ``latest_backup``, the message names that backup and the command that restores it.
    """
    detail = _short(" ".join(detail.split()), 120) if detail else "it fails SQLite integrity check"
    what = f"{path}: the store is damaged ({detail})"
    latest = None
    try:
        from quizapp import backup  # type: ignore[attr-defined]

        latest = backup.latest_backup(Path(path)) if path is not None else None
    except Exception:  # no backups module yet, or it cannot look: fall back to the plain advice
        latest = None
    if latest is not None:
        return (
            f"{what}; nothing was written to it. Restore the latest good backup with "
            f"'quizapp restore {latest}'"
        )
    return (
        f"{what}; nothing was written to it. Restore a copy of the file from your own backups "
        "(quizapp will not write to a damaged store)"
    )


def too_new_message(path: Path | str | None, found: str) -> str:
    return (
        f"{path}: this store was written by a newer quizapp ({found}; this quizapp knows schema "
        f"{SCHEMA_VERSION}); upgrade quizapp (pip install -U quizapp) to use it. "
        "Nothing was written to it"
    )


class Store:
    """An open quizapp database. Use one per thread: sqlite3 connections must not cross threads."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None) -> None:
        self.conn = conn
        self.path = path
        self._file: tuple[int, int] | None = None  # registered in _open_files while open
        #: Called once when a write has to wait for another process's lock (the CLI prints
        #: :data:`BUSY_MESSAGE`); after :attr:`busy_wait_s` in all, :class:`StoreBusy` is raised.
        self.on_busy: Callable[[], None] | None = None
        self.busy_wait_s = BUSY_WAIT_S

    @cached_property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils' view of the same connection, built on first use.

        Imported lazily: sqlite-utils pulls in numpy and more (~200 ms), which the daily
        start-up and the answer path must not pay for.
        """
        # No plugins: quizapp registers none, and looking for them scans every installed
        # package's metadata (~60 ms on the first sync of a fresh store).
        return import_sqlite_utils().Database(self.conn, execute_plugins=False)

    @classmethod
    def open(cls, path: Path | str, *, migrate: bool = True, check: str = "auto") -> Store:
        """Open (creating if needed) the store at ``path`` and bring its schema up to date.

        Before anything is written the store is checked: not empty, SQLite, not from a newer
        quizapp, and passing ``check`` (``"quick"``: SQLite's ``quick_check``, a few ms per MB;
        ``"full"``: ``integrity_check``, which also compares every index with its table, about
        20 ms per MB; ``"auto"``: full up to :data:`FULL_CHECK_MAX_BYTES`, quick above;
        ``"none"``: for a second connection to a store this process has just checked).
        """
        path = Path(path)
        _check_file(path)
        try:
            if not path.exists():
                _create(path, with_schema=migrate)
            conn = sqlite3.connect(
                path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=True,
            )
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: cannot open the database: {exc}") from exc
        store = cls(conn, path)
        try:
            conn.row_factory = sqlite3.Row
            # Opening may meet another process creating the same new store: wait for it longer.
            conn.execute(f"PRAGMA busy_timeout = {OPEN_TIMEOUT_MS}")
            store.check_version()
            if check == "auto":
                small = not path.exists() or path.stat().st_size <= FULL_CHECK_MAX_BYTES
                check = "full" if small else "quick"
            if check != "none":
                store.verify(full=check == "full")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            if migrate:
                store.migrate()
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        except BaseException as exc:
            conn.close()
            if isinstance(exc, sqlite3.DatabaseError) and _is_damage(exc):
                raise StoreDamaged(damaged_message(path, str(exc))) from exc
            raise
        store._register()
        return store

    def _register(self) -> None:
        self._file = _file_key(self.path) if self.path is not None else None
        if self._file is not None:
            with _open_files_lock:
                _open_files[self._file] = _open_files.get(self._file, 0) + 1

    def check_version(self) -> None:
        """Refuse a store written by a newer schema: it is never written by this quizapp.

        Three marks are read, any of which a newer quizapp may have left: ``meta.schema_version``,
        rows in ``_sqlite_migrations`` beyond the ones this quizapp has, and ``user_version``.
        """
        user_version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if user_version > SCHEMA_VERSION:
            raise StoreTooNew(too_new_message(self.path, f"user_version {user_version}"))
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise StoreTooNew(too_new_message(self.path, f"schema {version}"))
        try:
            applied = self.conn.execute(
                "SELECT COUNT(*) FROM _sqlite_migrations WHERE migration_set = 'quizapp'"
            ).fetchone()[0]
        except sqlite3.OperationalError:  # a new store: no migrations table yet
            applied = 0
        if applied > SCHEMA_VERSION:
            raise StoreTooNew(too_new_message(self.path, f"{applied} migrations"))

    def verify(self, *, full: bool = False) -> None:
        """Raise :class:`StoreDamaged` unless SQLite's quick (or full) integrity check passes."""
        pragma = "integrity_check(5)" if full else "quick_check(5)"
        try:
            rows = [r[0] for r in self.conn.execute(f"PRAGMA {pragma}")]
        except sqlite3.DatabaseError as exc:
            raise StoreDamaged(damaged_message(self.path, str(exc))) from exc
        if rows != ["ok"]:
            raise StoreDamaged(damaged_message(self.path, _short(rows[0] if rows else "no answer")))

    @classmethod
    def memory(cls) -> Store:
        """A throwaway in-memory store, for tests and dry runs."""
        conn = sqlite3.connect(":memory:", isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        store = cls(conn)
        store.migrate()
        return store

    def migrate(self, *, stop_before: str | None = None) -> None:
        """Apply pending migrations (sqlite-utils' Migrations), each recorded; safe to re-run.

        An up-to-date store is recognised from ``meta`` alone, and a new, empty one gets the
        current schema in one step (:mod:`quizapp.schema`); neither imports sqlite-utils.
        ``stop_before`` (for tests of an upgrade) always goes through the migrations.
        """
        try:
            current = self.schema_version()
            if stop_before is None and current == 0:
                self._create_if_empty()
                current = self.schema_version()  # also right if another process created it
            if stop_before is None and current == SCHEMA_VERSION:
                return
            if self.path is not None and current > 0:
                self.verify(full=True)  # an upgrade rewrites tables: only on a sound store
            if 0 < current < SCHEMA_VERSION:
                self._back_up_before_migrating()
            import_sqlite_utils()
            from quizapp.migrations import migrations

            with self.transaction():
                # Two processes starting at once must not both create the tables.
                migrations.apply(self.db, stop_before=stop_before)
        except sqlite3.DatabaseError as exc:
            if _is_damage(exc):
                raise StoreDamaged(damaged_message(self.path, str(exc))) from exc
            raise StoreError(f"{self.path}: cannot upgrade the database: {exc}") from exc

    def _create_if_empty(self) -> None:
        """Give a database without any table the current schema, in one write transaction.

        Checked under the write lock: if another quizapp created the store meanwhile, or the
        file holds someone else's tables, nothing is written here and the migrations decide.
        """
        from quizapp import schema
        from quizapp.clock import utc_now

        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is None:
                schema.create(conn, utc_now())

    def _back_up_before_migrating(self) -> None:
        """A migration rewrites tables: keep the old store first (see :mod:`quizapp.backup`)."""
        from quizapp.backup import BackupError, before
        from quizapp.clock import utc_now

        try:
            before(self.conn, self.path, "migrate", utc_now())
        except BackupError as exc:
            raise StoreError(f"{exc}; the upgrade was not started") from exc

    def schema_version(self) -> int:
        """The schema version recorded in ``meta``; 0 for a new, empty database."""
        try:
            row = self.conn.execute(
                "SELECT value FROM meta WHERE key = 'schema_version'"
            ).fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):  # a new store: no meta table yet
                return 0
            raise
        if not row:
            return 0
        try:
            return int(row[0])
        except (TypeError, ValueError):
            raise StoreDamaged(
                damaged_message(
                    self.path, f"its schema_version {_short(repr(row[0]))} is not a number"
                )
            ) from None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken with ``BEGIN IMMEDIATE`` so writers queue, not fail.

        Nested use joins the outer transaction (sqlite-utils' own ``atomic`` then uses savepoints).
        """
        if self.conn.in_transaction:
            yield self.conn
            return
        self._begin()
        try:
            yield self.conn
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _begin(self) -> None:
        """``BEGIN IMMEDIATE``, retried while another process holds the lock.

        Each attempt waits :data:`BUSY_TIMEOUT_MS` inside SQLite; between attempts the waiting is
        announced once through :attr:`on_busy`, and after :attr:`busy_wait_s` it gives up with
        :class:`StoreBusy` (nothing has been written; the caller still has its data).
        """
        started = time.monotonic()
        announced = False
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if primary_code(exc) not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                    raise
                if time.monotonic() - started >= self.busy_wait_s:
                    raise StoreBusy(
                        f"{self.path}: {BUSY_MESSAGE.removesuffix(', waiting…')} and still "
                        "holds the store; nothing was lost: try again when it has finished"
                    ) from exc
                if not announced and self.on_busy is not None:
                    announced = True
                    self.on_busy()

    def close(self) -> None:
        self.conn.close()
        if self._file is not None:
            with _open_files_lock:
                left = _open_files.get(self._file, 1) - 1
                if left > 0:
                    _open_files[self._file] = left
                else:
                    _open_files.pop(self._file, None)
            self._file = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _create(path: Path, *, with_schema: bool = False) -> None:
    """Create a new SQLite file at ``path`` atomically: made aside, then linked into place.

    SQLite itself would create a 0-byte file first, and a second quizapp starting at that moment
    would take it for a truncated store (which :func:`_check_file` refuses). If another process
    wins the race, its file is kept and ours discarded.

    With ``with_schema`` the file is made whole aside: WAL mode and the current schema
    (:mod:`quizapp.schema`), written without a sync per step (no one else can see the file yet)
    and synced once before it is linked. A new store then appears complete or not at all, and
    the first start waits for one fsync instead of five or six (about 30 ms here).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".new")
        os.close(fd)
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            if with_schema:
                conn.execute("PRAGMA synchronous = OFF")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")  # writes the header page
            if with_schema:
                from quizapp import schema
                from quizapp.clock import utc_now

                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("BEGIN IMMEDIATE")
                schema.create(conn, utc_now())
                conn.execute("COMMIT")
        finally:
            conn.close()  # the last connection: the WAL is checkpointed into the file, removed
        if with_schema:
            synced = os.open(tmp, os.O_RDWR)
            try:
                os.fsync(synced)
            finally:
                os.close(synced)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another quizapp created it first: use theirs
        except OSError:  # no hard links here (FAT...): a rename, unless it appeared meanwhile
            if not path.exists():
                os.replace(tmp, path)
    except OSError as exc:
        from quizapp.errors import explain

        raise StoreError(explain(exc, db_path=path)) from exc
    finally:
        if "tmp" in locals():
            for leftover in (tmp, f"{tmp}-wal", f"{tmp}-shm"):
                if os.path.exists(leftover):
                    os.unlink(leftover)


def _check_file(path: Path) -> None:
    """Refuse, before SQLite sees it, a store path that is a folder, empty, or not SQLite.

    An empty file is refused rather than silently made into a new store: a store truncated by a
    crash or a bad copy would otherwise look like a fresh start while the history is gone.
    """
    try:
        if path.is_dir():
            raise StoreError(f"{path}: is a folder, not a store file (pass a file path with --db)")
        if not path.exists() or _is_open_here(path):
            return  # open here already: checked then, and an open()/close() would drop its locks
        size = path.stat().st_size
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except StoreError:
        raise
    except OSError as exc:
        from quizapp.errors import explain

        raise StoreError(explain(exc, db_path=path)) from exc
    if size == 0:
        raise StoreError(
            f"{path}: the store file is empty (0 bytes), so its history is missing; restore it "
            "from a backup, or delete the file to start a new store"
        )
    if header != SQLITE_HEADER:
        raise StoreDamaged(damaged_message(path, "it is not an SQLite database"))


def primary_code(exc: sqlite3.Error) -> int | None:
    """SQLite's primary result code (``SQLITE_BUSY``...), whatever extended code was raised."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def _is_damage(exc: sqlite3.DatabaseError) -> bool:
    code = primary_code(exc)
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return True
    text = str(exc)
    return "malformed" in text or "not a database" in text


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

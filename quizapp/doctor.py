"""Check a store's health and repair what can be repaired without losing history.

``examine`` looks at the file the way SQLite and quizapp see it: can it be opened at all, does
``integrity_check`` pass, do the foreign keys hold, is the schema version one this quizapp
knows, are there orphan rows or duplicate review ids, and does every schedule equal what
replaying its log gives. ``repair`` backs up first, then replays, re-links and removes orphans,
and examines again. Damage inside SQLite's pages is not repaired here: the fix for that is a
backup, and the message names the newest good one.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from quizapp.backup import BackupError, backup_dir, before, latest_backup
from quizapp.schedule import CardState
from quizapp.store import QUEUE_OFF, SCHEMA_VERSION, Store, StoreError

PLACEHOLDER_PROMPT = "(card {id}: its deck is not in the store; sync the deck to see it)"


@dataclass(frozen=True)
class Finding:
    """One check: what it found and whether ``repair`` can fix it."""

    check: str
    ok: bool
    detail: str
    fixable: bool = False


@dataclass
class Examination:
    findings: list[Finding] = field(default_factory=list)
    fixed: list[str] = field(default_factory=list)
    backup: Path | None = None

    @property
    def healthy(self) -> bool:
        return all(f.ok for f in self.findings)

    @property
    def repairable(self) -> bool:
        return all(f.ok or f.fixable for f in self.findings)


def restore_hint(db_path: Path) -> str:
    """What to do about a store that cannot be used: the newest good backup, or why none."""
    found = latest_backup(db_path)
    if found is None:
        return (
            f"no good backup of it was found in {backup_dir(db_path)}; keep the file (quizapp "
            "never deletes it) and restore a copy from your own backups"
        )
    return f"the latest good backup is {found}: restore it with 'quizapp restore {found.name}'"


def _connect(db_path: Path) -> sqlite3.Connection:
    if not Path(db_path).exists():
        raise StoreError(f"{db_path}: no store here")
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # fails on a non-database
    return conn


def examine(db_path: Path) -> Examination:
    """Every check, read-only. A store that cannot be opened gives one finding saying so."""
    report = Examination()
    try:
        conn = _connect(db_path)
    except (sqlite3.DatabaseError, StoreError) as exc:
        report.findings.append(
            Finding("open", False, f"cannot be opened ({exc}); {restore_hint(db_path)}")
        )
        return report
    try:
        _run_checks(Store(conn, Path(db_path)), report)
    except sqlite3.DatabaseError as exc:
        report.findings.append(
            Finding("read", False, f"reading failed ({exc}); {restore_hint(db_path)}")
        )
    finally:
        conn.close()
    return report


def _run_checks(store: Store, report: Examination) -> None:
    conn = store.conn
    add = report.findings.append
    problems = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if problems != ["ok"]:
        shown = "; ".join(problems[:3])
        add(Finding("integrity", False, f"{shown}; {restore_hint(store.path)}"))
        return
    add(Finding("integrity", True, "SQLite integrity check passed"))
    version = store.schema_version()
    if version > SCHEMA_VERSION:
        add(
            Finding(
                "schema",
                False,
                f"version {version} was written by a newer quizapp (this one knows "
                f"{SCHEMA_VERSION}); upgrade quizapp",
            )
        )
        return
    if version == 0:
        add(Finding("schema", False, "not a quizapp store (no schema version)"))
        return
    if version < SCHEMA_VERSION:
        add(Finding("schema", False, f"version {version}, upgrade to {SCHEMA_VERSION}", True))
    else:
        add(Finding("schema", True, f"version {version}"))

    broken: dict[tuple[str, str], int] = {}
    for row in conn.execute("PRAGMA foreign_key_check"):
        key = (row[0], row[2])
        broken[key] = broken.get(key, 0) + 1
    if broken:
        detail = ", ".join(
            f"{n} {table} row(s) point at a missing {parent} row"
            for (table, parent), n in sorted(broken.items())
        )
        add(Finding("foreign keys", False, detail, True))
    else:
        add(Finding("foreign keys", True, "every reference holds"))

    unscheduled = conn.execute(
        "SELECT COUNT(*) FROM cards c WHERE NOT EXISTS "
        "(SELECT 1 FROM schedule s WHERE s.card_id = c.id)"
    ).fetchone()[0]
    if unscheduled:
        add(Finding("orphans", False, f"{unscheduled} card(s) have no schedule row", True))
    else:
        add(Finding("orphans", True, "every card has a schedule row"))

    dupes = conn.execute(
        "SELECT COUNT(*) FROM (SELECT id FROM reviews NOT INDEXED GROUP BY id HAVING COUNT(*) > 1)"
    ).fetchone()[0]
    if dupes:
        add(Finding("review ids", False, f"{dupes} review id(s) occur more than once", True))
    else:
        add(Finding("review ids", True, "every review id is unique"))

    retired = conn.execute(
        "SELECT COUNT(DISTINCT r.card_id), COUNT(*) FROM reviews r JOIN cards c "
        "ON c.id = r.card_id WHERE c.retired = 1"
    ).fetchone()
    if retired[1]:
        add(
            Finding(
                "retired cards",
                True,
                f"{retired[1]} review(s) of {retired[0]} card(s) that are in no deck now: "
                "kept, and back when the card is",
            )
        )
    if broken.get(("reviews", "cards")) or dupes:
        return  # replaying a log with dangling or doubled rows would only mislead
    stale = stale_schedules(store)
    if stale:
        add(
            Finding(
                "schedules", False, f"{len(stale)} card(s) differ from their replayed log", True
            )
        )
    else:
        add(Finding("schedules", True, "every schedule equals its replayed review log"))


def stale_schedules(store: Store) -> list[str]:
    """Cards whose stored schedule is not what replaying their live reviews gives."""
    from quizapp.replay import replayed_states

    stored = {
        r["card_id"]: CardState.from_row(r) for r in store.conn.execute("SELECT * FROM schedule")
    }
    fresh = replayed_states(store, list(stored))
    return sorted(card_id for card_id, state in fresh.items() if stored[card_id] != state)


def repair(db_path: Path, now: datetime) -> Examination:
    """Back up, fix every fixable finding, and examine again; ``fixed`` says what was done."""
    first = examine(db_path)
    if first.healthy or not first.repairable:
        return first
    conn = _connect(db_path)
    try:
        backup = before(conn, db_path, "repair", now)
    except BackupError as exc:
        conn.close()
        raise StoreError(f"{exc}; nothing was repaired") from exc
    conn.close()
    fixed: list[str] = []
    store = Store.open(db_path, migrate=False)
    try:
        if store.schema_version() < SCHEMA_VERSION:
            store.migrate()
            fixed.append(f"upgraded the schema to version {SCHEMA_VERSION}")
        with store.transaction():
            fixed += _fix_rows(store, now)
        from quizapp.replay import rebuild_cards

        stale = stale_schedules(store)
        if stale:
            rebuild_cards(store, stale)
            fixed.append(f"replayed the schedule of {len(stale)} card(s) from their log")
    finally:
        store.close()
    after = examine(db_path)
    after.fixed = fixed
    after.backup = backup.path if backup else None
    return after


def _fix_rows(store: Store, now: datetime) -> list[str]:
    """Orphans, dangling references and doubled ids (inside the caller's transaction)."""
    from quizapp.clock import iso

    conn = store.conn
    done = []
    doubled = conn.execute(
        "DELETE FROM reviews WHERE rowid NOT IN (SELECT MIN(rowid) FROM reviews NOT INDEXED "
        "GROUP BY id)"
    ).rowcount
    if doubled:
        conn.execute("REINDEX reviews")
        done.append(f"removed {doubled} second copies of a review id (the first kept)")
    missing = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT card_id FROM reviews r WHERE NOT EXISTS "
            "(SELECT 1 FROM cards c WHERE c.id = r.card_id)"
        )
    ]
    for card_id in missing:
        first = conn.execute(
            "SELECT MIN(reviewed_at) FROM reviews WHERE card_id = ?", (card_id,)
        ).fetchone()[0]
        insert_placeholder_card(store, card_id, "unknown", first)
    if missing:
        done.append(
            f"re-linked the reviews of {len(missing)} unknown card(s) to retired placeholder "
            "cards (a sync of their deck brings the cards back)"
        )
    missing_quizzes = conn.execute(
        "SELECT quiz_id, MIN(reviewed_at), COUNT(*) FROM reviews r WHERE quiz_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM quizzes q WHERE q.id = r.quiz_id) GROUP BY quiz_id"
    ).fetchall()
    for quiz_id, started, count in missing_quizzes:
        conn.execute(
            "INSERT INTO quizzes (id, deck, started_at, questions) VALUES (?, NULL, ?, ?)",
            (quiz_id, started, count),
        )
    if missing_quizzes:
        done.append(f"re-linked answers to {len(missing_quizzes)} missing quiz(zes)")
    undos = conn.execute(
        "DELETE FROM undos WHERE review_id NOT IN (SELECT id FROM reviews)"
    ).rowcount
    if undos:
        done.append(f"removed {undos} undo marker(s) of reviews that do not exist")
    schedules = conn.execute(
        "DELETE FROM schedule WHERE card_id NOT IN (SELECT id FROM cards)"
    ).rowcount
    if schedules:
        done.append(f"removed {schedules} schedule row(s) of cards that do not exist")
    added = conn.execute(
        "INSERT INTO schedule (card_id, deck, position, queue, state, step, due, reps, lapses) "
        "SELECT c.id, c.deck, (SELECT COALESCE(MAX(position), 0) + 1 FROM schedule), ?, 1, 0, "
        "?, 0, 0 FROM cards c WHERE NOT EXISTS (SELECT 1 FROM schedule s WHERE s.card_id = c.id)",
        (CardState().queue, iso(CardState().due)),
    ).rowcount
    if added:
        done.append(f"gave {added} card(s) without one a schedule row (replayed below)")
    return done


def insert_placeholder_card(store: Store, card_id: str, deck: str, at: str) -> None:
    """A retired stand-in for a card known only from its reviews, with a schedule row.

    The next sync that finds the card in a deck file overwrites the stand-in and revives it,
    so the history joins the real card.
    """
    from quizapp.schedule import CardState

    store.conn.execute(
        "INSERT OR IGNORE INTO cards (id, note_id, deck, type, prompt, answer, source, line, "
        "content_hash, retired, added_at, updated_at) "
        "VALUES (?, ?, ?, 'basic', ?, '', '', 0, '', 1, ?, ?)",
        (card_id, card_id, deck, PLACEHOLDER_PROMPT.format(id=card_id), at, at),
    )
    position = store.conn.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM schedule").fetchone()
    values = CardState().to_row()
    values.update(card_id=card_id, deck=deck, position=position[0], queue=QUEUE_OFF)
    names = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    store.conn.execute(f"INSERT OR IGNORE INTO schedule ({names}) VALUES ({marks})", values)

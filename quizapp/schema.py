"""A new store's schema in one step, without replaying the migrations or importing sqlite-utils.

A fresh store used to be built by running every migration through sqlite-utils' ``Migrations``:
importing sqlite-utils (~0.1 s) and replaying five migrations, one of which rebuilds a table,
on the path to the first screen's deck table. ``schema.sql`` is the schema those migrations
leave, with their records in ``_sqlite_migrations``, so a later migration applies to a store
made from it exactly as to a migrated one (tests/test_schema.py holds the two equal).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

#: Beside this module in the package (read as a plain file: importlib.resources would be one
#: more import on the path to the first screen, and the package is never zipped).
SCHEMA_FILE = Path(__file__).with_name("schema.sql")


def fresh_statements() -> list[str]:
    """The statements of ``schema.sql``, one SQL statement each (comments kept with the next)."""
    script = SCHEMA_FILE.read_text("utf-8")
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip() and not all(
        not line.strip() or line.lstrip().startswith("--") for line in pending.splitlines()
    ):
        raise ValueError(f"schema.sql ends inside a statement: {pending.strip()[:60]!r}")
    return statements


def create(conn: sqlite3.Connection, now: datetime) -> None:
    """Create the current schema on ``conn``, inside the caller's transaction.

    The caller holds the write lock and has checked the database is empty; the migration
    records get ``now`` (written as sqlite-utils writes it) as the time they were applied.
    """
    applied_at = str(now)
    for statement in fresh_statements():
        if ":applied_at" in statement:
            conn.execute(statement, {"applied_at": applied_at})
        else:
            conn.execute(statement)

"""A new store gets its schema in one step (quizapp/schema.sql), the same as the migrations'.

New stores skip the migrations (and sqlite-utils) entirely, so the one thing that must hold is
that ``schema.sql`` and the migrations replayed one by one give the same store: same tables,
columns, defaults, constraints, foreign keys and indexes, and the same migration records, so a
later migration upgrades both alike.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from quizapp import schema
from quizapp.migrations import migrations
from quizapp.store import CARD_COLUMNS, SCHEMA_VERSION, Store

from .conftest import NOW


def _normal_sql(sql: str | None) -> str | None:
    """SQL text with identifier quoting and layout removed: sqlite-utils' rebuild of ``reviews``
    writes ``"card_id" TEXT ... REFERENCES "cards"("id")``, the schema file plain names."""
    if sql is None:
        return None
    sql = re.sub(r'"([^"]*)"', r"\1", sql)
    sql = re.sub(r"\[([^\]]*)\]", r"\1", sql)
    sql = re.sub(r"\s+", " ", sql)
    return re.sub(r"\s*([(),])\s*", r"\1", sql).strip()


def schema_of(conn: sqlite3.Connection) -> dict:
    """Everything about a store's schema that SQLite reports, keyed so order does not matter."""
    described: dict = {}
    for kind, name, table, sql in conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master"
    ):
        described[(kind, name)] = (table, _normal_sql(sql))
    for name, _type, _ncol, without_rowid, strict in conn.execute(
        "SELECT name, type, ncol, wr, strict FROM pragma_table_list WHERE schema = 'main'"
    ):
        if name.startswith("sqlite_"):
            continue
        described[("columns", name)] = [
            tuple(r) for r in conn.execute(f"PRAGMA table_xinfo('{name}')")
        ]
        described[("foreign keys", name)] = sorted(
            tuple(r)[2:] for r in conn.execute(f"PRAGMA foreign_key_list('{name}')")
        )
        described[("table options", name)] = (without_rowid, strict)
        for index in conn.execute(f"PRAGMA index_list('{name}')"):
            described[("index", index[1], "options")] = tuple(index)[2:]
            described[("index", index[1], "columns")] = [
                tuple(r) for r in conn.execute(f"PRAGMA index_xinfo('{index[1]}')")
            ]
    described["meta"] = sorted(tuple(r) for r in conn.execute("SELECT key, value FROM meta"))
    described["migrations"] = [
        tuple(r)
        for r in conn.execute("SELECT id, migration_set, name FROM _sqlite_migrations ORDER BY id")
    ]
    return described


def migrated_step_by_step(path) -> Store:
    """A store built the old way: every migration replayed through sqlite-utils."""
    store = Store.open(path, migrate=False)
    with store.transaction():
        migrations.apply(store.db)
    return store


def new_store(path, how: str) -> Store:
    """A new store made as ``Store.open`` makes it (the file built aside, then linked), or from
    a file that has only SQLite's header (made by an older quizapp, or by ``migrate=False``)."""
    if how == "header only":
        Store.open(path, migrate=False).close()
    return Store.open(path)


def test_card_columns_name_every_column_of_the_cards_table_but_the_flags(tmp_path):
    """Sync writes and merges copy cards by store.CARD_COLUMNS: a column added to the table but
    not there would be left empty by a sync and lost by a merge. Only the user's flags are
    left out (a sync keeps them, a merge sets its stand-ins' own)."""
    with migrated_step_by_step(tmp_path / "migrated.db") as store:
        columns = [row[1] for row in store.conn.execute("PRAGMA table_info(cards)")]
    assert sorted((*CARD_COLUMNS, "retired", "suspended")) == sorted(columns)


@pytest.mark.parametrize("how", ["new file", "header only"])
def test_a_new_store_and_one_migrated_step_by_step_have_the_same_schema(tmp_path, how):
    with (
        new_store(tmp_path / "fresh.db", how) as fresh,
        migrated_step_by_step(tmp_path / "migrated.db") as migrated,
    ):
        assert fresh.schema_version() == migrated.schema_version() == SCHEMA_VERSION
        fresh_schema, migrated_schema = schema_of(fresh.conn), schema_of(migrated.conn)
    differences = {
        key: (fresh_schema.get(key), migrated_schema.get(key))
        for key in fresh_schema.keys() | migrated_schema.keys()
        if fresh_schema.get(key) != migrated_schema.get(key)
    }
    assert not differences, "quizapp/schema.sql differs from the migrations (fresh, migrated)"


@pytest.mark.parametrize("how", ["new file", "header only"])
def test_a_new_store_has_no_migration_pending(tmp_path, how):
    """The next migration (m006...) runs on a new store like on a migrated one, and alone."""
    with new_store(tmp_path / "fresh.db", how) as store:
        assert migrations.pending(store.db) == []
        applied = store.conn.execute("SELECT applied_at FROM _sqlite_migrations").fetchall()
    assert all(row[0].endswith("+00:00") for row in applied)


def test_a_new_store_is_made_without_sqlite_utils(tmp_path):
    code = textwrap.dedent(
        """
        import sys
        from quizapp.store import Store
        with Store.open(sys.argv[1]) as store:
            assert store.schema_version() > 0
        print("sqlite_utils" in sys.modules)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "new.db")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "False"


def test_a_new_store_file_is_whole_before_it_is_linked_into_place(tmp_path, monkeypatch):
    """Built beside its final name, in WAL mode and with its schema, then linked: a new store
    appears complete or not at all, and nothing of its making is left in the folder."""
    real_link = os.link
    linked: list[tuple[str, str]] = []

    def checking_link(source, target):
        made = sqlite3.connect(source)
        linked.append(
            (
                made.execute("PRAGMA journal_mode").fetchone()[0],
                made.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0],
            )
        )
        made.close()
        real_link(source, target)

    monkeypatch.setattr(os, "link", checking_link)
    with Store.open(tmp_path / "new.db") as store:
        assert store.schema_version() == SCHEMA_VERSION
    assert linked == [("wal", str(SCHEMA_VERSION))]
    assert {p.name for p in tmp_path.iterdir()} <= {"new.db", "new.db-wal", "new.db-shm"}


def test_a_file_with_other_tables_is_left_to_the_migrations(tmp_path):
    """Only a database with no table at all is given the schema in one step."""
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    with Store.open(path, migrate=False) as store:
        store._create_if_empty()
        tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
    assert tables == {"notes"}


def test_the_schema_file_splits_into_whole_statements():
    statements = schema.fresh_statements()
    assert all(sqlite3.complete_statement(s) for s in statements)
    conn = sqlite3.connect(":memory:")
    schema.create(conn, NOW)
    assert conn.execute("SELECT COUNT(*) FROM _sqlite_migrations").fetchone()[0] == SCHEMA_VERSION

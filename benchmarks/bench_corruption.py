"""Corruption sweep: damage each page of a small store, run each command, count what goes wrong.

Run: ``python -m benchmarks.bench_corruption [--mode half|header|random]``. A store with the
bundled decks and 120 answers is built once; then for every page, a copy has that page damaged
(``half``: its second half zeroed, as in issue 15; ``header``: its b-tree header overwritten;
``random``: 64 random bytes in it) and every command runs on a fresh copy, in process through
the CLI. Printed: tracebacks (targets 0), and on the copies failing ``integrity_check``, runs
that exited 0 having written to the store (target 0) and runs that exited 0 at all.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

COMMANDS = [
    ["due"],
    ["sync"],
    ["rebuild"],
    ["stats"],
    ["review", "--plain", "--limit", "1"],
]


def build(folder: Path) -> Path:
    from quizapp import review
    from quizapp.library import sync_all
    from quizapp.store import Store

    db = folder / "base.db"
    now = datetime(2026, 3, 2, 12, tzinfo=UTC)
    with Store.open(db) as store:
        assert sync_all(store, now).ok
        ids = [r[0] for r in store.conn.execute("SELECT card_id FROM schedule LIMIT 30")]
        for day in range(4):
            for n, card_id in enumerate(ids):
                review.answer(store, card_id, 3, now + timedelta(days=4 * day, minutes=n))
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


def damage(data: bytearray, page: int, size: int, mode: str, rng: random.Random) -> None:
    start = (page - 1) * size
    if mode == "half":
        data[start + size // 2 : start + size] = bytes(size - size // 2)
    elif mode == "header":
        at = start + (100 if page == 1 else 0)
        data[at : at + 12] = b"\xff" * 12
    else:
        at = start + rng.randrange(size - 64)
        data[at : at + 64] = bytes(rng.randrange(256) for _ in range(64))


def fingerprint(db: Path) -> tuple[str, int]:
    wal = db.with_name(db.name + "-wal")
    return hashlib.sha1(db.read_bytes()).hexdigest(), wal.stat().st_size if wal.exists() else 0


def intact(db: Path) -> bool:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["half", "header", "random"], default="half")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from click.testing import CliRunner

    from quizapp.cli import main as cli

    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["QUIZAPP_CONFIG"] = str(root / "config.toml")
        base = build(root)
        size = sqlite3.connect(base).execute("PRAGMA page_size").fetchone()[0]
        pages = base.stat().st_size // size
        runner = CliRunner()
        damaged_pages = runs = tracebacks = written = exited_0 = 0
        causes: dict[str, int] = {}
        for page in range(1, pages + 1):
            data = bytearray(base.read_bytes())
            damage(data, page, size, args.mode, rng)
            probe = root / "probe.db"
            probe.write_bytes(bytes(data))
            bad = not intact(probe)
            damaged_pages += bad
            for command in COMMANDS:
                db = root / "run.db"
                for suffix in ("", "-wal", "-shm"):
                    Path(str(db) + suffix).unlink(missing_ok=True)
                shutil.copyfile(probe, db)
                before = fingerprint(db)
                result = runner.invoke(cli, ["--db", str(db), *command], input="\n3\n" * 3)
                runs += 1
                if result.exception is not None and not isinstance(result.exception, SystemExit):
                    tracebacks += 1
                    name = f"{type(result.exception).__name__}: {result.exception}"[:70]
                    causes[name] = causes.get(name, 0) + 1
                if bad and result.exit_code == 0:
                    exited_0 += 1
                    if fingerprint(db) != before:
                        written += 1
                        key = f"wrote: {' '.join(command)}"
                        causes[key] = causes.get(key, 0) + 1
        print(
            f"mode {args.mode}: {pages} pages of {size} bytes, {damaged_pages} damaged copies "
            f"failing integrity_check, {runs} command runs ({len(COMMANDS)} commands per page)"
        )
        print(f"tracebacks: {tracebacks}")
        print(f"runs that exited 0 and wrote to a store failing integrity_check: {written}")
        print(f"runs that exited 0 at all on such a store: {exited_0}")
        for name, count in sorted(causes.items(), key=lambda kv: -kv[1]):
            print(f"  {count:4d}  {name}")


if __name__ == "__main__":
    main()

"""The sync folder: per-machine files, damaged or half-copied files, and two real processes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizapp import review
from quizapp.cli import main
from quizapp.merge.folder import FORMAT, decode, encode, exchange
from quizapp.store import Store
from quizapp.sync import sync

from .conftest import NOW, write_deck
from .test_merge import DECK, snapshot


def make(tmp_path: Path, name: str) -> Store:
    decks = tmp_path / "decks"
    if not decks.exists():
        write_deck(decks, "deck.md", DECK)
    store = Store.open(tmp_path / f"{name}.db")
    assert sync(store, [decks], NOW).ok
    return store


def only_file(folder: Path) -> Path:
    (path,) = folder.glob("quizapp-*.jsonl")
    return path


def test_each_line_carries_a_checksum_that_catches_damage():
    line = encode({"k": "review", "id": "x"})
    assert decode(line[:-1]) == {"k": "review", "id": "x"}
    assert decode(line[:-1].replace(b'"x"', b'"y"')) is None
    assert decode(line[: len(line) // 2]) is None


def test_a_half_copied_file_is_skipped_with_a_warning_and_read_in_full_next_time(tmp_path):
    a, b = make(tmp_path, "a"), make(tmp_path, "b")
    for n in range(6):
        review.answer(a, f"q{n % 4}", 3, NOW + timedelta(hours=n))
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir(), there.mkdir()
    assert exchange(a, here, NOW).written == 6
    source = only_file(here)
    data = source.read_bytes()
    copy = there / source.name
    copy.write_bytes(data[: len(data) * 2 // 3])  # the sync tool is half-way through
    first = exchange(b, there, NOW)
    assert any("incomplete (still being copied?)" in w for w in first.warnings)
    assert 0 < first.merged.reviews < 6
    copy.write_bytes(data)
    second = exchange(b, there, NOW)
    assert second.warnings == []
    assert first.merged.reviews + second.merged.reviews == 6
    assert snapshot(a)["schedule"] == snapshot(b)["schedule"]


def test_a_damaged_line_is_skipped_the_rest_taken_and_the_line_retried(tmp_path):
    a, b = make(tmp_path, "a"), make(tmp_path, "b")
    for n in range(4):
        review.answer(a, f"q{n}", 3, NOW + timedelta(hours=n))
    folder = tmp_path / "f"
    folder.mkdir()
    exchange(a, folder, NOW)
    path = only_file(folder)
    good = path.read_bytes()
    lines = good.splitlines(keepends=True)
    lines[2] = lines[2].replace(b'"rating":3', b'"rating":4')  # flipped bits, stale checksum
    path.write_bytes(b"".join(lines))
    report = exchange(b, folder, NOW)
    assert [w.split(": ", 1)[0] for w in report.warnings] == [f"{path.name}:3"]
    assert report.merged.reviews == 3
    path.write_bytes(good)  # the sync tool delivers the good copy
    again = exchange(b, folder, NOW)
    assert again.warnings == [] and again.merged.reviews == 1


def test_a_bad_entry_or_a_newer_format_is_a_warning_not_a_traceback(tmp_path):
    b = make(tmp_path, "b")
    folder = tmp_path / "f"
    folder.mkdir()
    bad = {"k": "review", "id": "r", "card_id": "q0", "reviewed_at": "yesterday", "rating": 9}
    (folder / "quizapp-x-1.jsonl").write_bytes(
        encode({"k": "file", "format": FORMAT}) + encode(bad) + encode({"k": "later-kind"})
    )
    (folder / "quizapp-y-2.jsonl").write_bytes(encode({"k": "file", "format": FORMAT + 1}))
    report = exchange(b, folder, NOW)
    assert report.merged.reviews == 0
    assert any("quizapp-x-1.jsonl:2: a review with an unknown rating" in w for w in report.warnings)
    assert any("quizapp-y-2.jsonl: written by a newer quizapp" in w for w in report.warnings)
    assert not any("later-kind" in w for w in report.warnings)  # unknown kinds pass quietly


def test_a_lost_own_file_is_written_again_in_full(tmp_path):
    a = make(tmp_path, "a")
    review.answer(a, "q0", 3, NOW)
    folder = tmp_path / "f"
    folder.mkdir()
    exchange(a, folder, NOW)
    only_file(folder).unlink()
    assert exchange(a, folder, NOW).written == 1
    assert exchange(a, folder, NOW).written == 0


def test_a_restored_store_gets_its_later_reviews_back_from_its_own_file(tmp_path):
    a = make(tmp_path, "a")
    folder = tmp_path / "f"
    folder.mkdir()
    exchange(a, folder, NOW)
    shutil.copy(tmp_path / "a.db", tmp_path / "old.db")  # closed-file copy: fine for a test
    review.answer(a, "q0", 3, NOW)
    exchange(a, folder, NOW)
    a.close()
    with Store.open(tmp_path / "old.db") as old:
        assert exchange(old, folder, NOW).merged.reviews == 1


def test_sync_dir_command_remembers_the_folder_and_every_command_exchanges(tmp_path):
    a = make(tmp_path, "a")
    review.answer(a, "q0", 3, NOW)
    a.close()
    folder = tmp_path / "shared"
    runner = CliRunner()
    db = ["--db", str(tmp_path / "a.db")]
    missing = runner.invoke(main, [*db, "sync-dir", str(folder)])
    assert missing.exit_code == 1 and "sync folder not found" in missing.output
    folder.mkdir()
    result = runner.invoke(main, [*db, "sync-dir", str(folder), "--remember"])
    assert result.exit_code == 0, result.output
    assert "wrote 1 entry" in result.output
    with Store.open(tmp_path / "a.db") as store:
        review.answer(store, "q1", 3, NOW + timedelta(hours=1))
    runner.invoke(main, [*db, "due"])  # any command writes new answers out on exit
    entries = [decode(line) for line in only_file(folder).read_bytes().splitlines()]
    assert [e["k"] for e in entries] == ["file", "review", "review"]
    assert runner.invoke(main, [*db, "sync-dir", "--forget"]).exit_code == 0
    none = runner.invoke(main, [*db, "sync-dir"])
    assert none.exit_code == 1 and "no sync_dir set" in none.output


ANSWER = textwrap.dedent(
    """
    import sys
    from datetime import timedelta
    from quizapp.clock import parse_iso
    from quizapp.review import answer, undo, set_suspended
    from quizapp.store import Store

    path, start, step = sys.argv[1], parse_iso(sys.argv[2]), int(sys.argv[3])
    with Store.open(path) as store:
        for n in range(8):
            at = start + timedelta(hours=5 * n + step)
            done = answer(store, f"q{(n + step) % 4}", 1 + (n * step) % 4, at)
            if n == 3:
                undo(store, done.review_id, at)
            if n == 5:
                set_suspended(store, f"q{step % 4}", step % 2 == 0, at)
    """
)


def _run(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait(*procs: subprocess.Popen) -> None:
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()


def _exchange(db: Path, folder: Path) -> subprocess.Popen:
    return _run("-m", "quizapp", "--db", str(db), "sync-dir", str(folder))


@pytest.mark.parametrize("order", ["a-first", "b-first"])
def test_two_processes_with_a_shared_folder_end_identical(tmp_path, order):
    """Two machines, each with its own copy of the synced folder; files arrive in either
    order, one of them half-copied first, while both keep answering."""
    for name in ("a", "b"):
        make(tmp_path, name).close()
    dbs = {n: tmp_path / f"{n}.db" for n in "ab"}
    folders = {n: tmp_path / f"folder-{n}" for n in "ab"}
    for folder in folders.values():
        folder.mkdir()
    script = tmp_path / "answer.py"
    script.write_text(ANSWER)
    _wait(
        _run(str(script), str(dbs["a"]), NOW.isoformat(), "1"),
        _run(str(script), str(dbs["b"]), NOW.isoformat(), "2"),
    )
    _wait(_exchange(dbs["a"], folders["a"]), _exchange(dbs["b"], folders["b"]))

    def deliver(src: str, dst: str, half: bool = False) -> None:
        for path in folders[src].glob("quizapp-*.jsonl"):
            data = path.read_bytes()
            (folders[dst] / path.name).write_bytes(data[: len(data) // 2] if half else data)

    first, second = ("a", "b") if order == "a-first" else ("b", "a")
    deliver(first, second, half=True)
    _wait(_exchange(dbs[second], folders[second]))
    # Both answer more (the second machine has half of the first's history so far).
    _wait(
        _run(str(script), str(dbs["a"]), (NOW + timedelta(days=3)).isoformat(), "3"),
        _run(str(script), str(dbs["b"]), (NOW + timedelta(days=3)).isoformat(), "4"),
    )
    _wait(_exchange(dbs["a"], folders["a"]), _exchange(dbs["b"], folders["b"]))
    deliver(first, second)
    deliver(second, first)
    _wait(_exchange(dbs["a"], folders["a"]), _exchange(dbs["b"], folders["b"]))
    deliver(first, second)
    deliver(second, first)
    _wait(_exchange(dbs["a"], folders["a"]), _exchange(dbs["b"], folders["b"]))

    with Store.open(dbs["a"]) as a, Store.open(dbs["b"]) as b:
        left, right = snapshot(a), snapshot(b)
        assert left == right
        assert len(left["reviews"]) == 32 and len(left["undos"]) == 4
    names = {p.name for p in folders["a"].glob("*.jsonl")}
    assert names == {p.name for p in folders["b"].glob("*.jsonl")} and len(names) == 2
    for path in folders["a"].glob("*.jsonl"):
        assert all(decode(line) for line in path.read_bytes().splitlines())
        header = json.loads(path.read_bytes().split(b"\t", 1)[0])
        assert header == {"k": "file", "format": FORMAT, "file": path.name}


def test_app_start_takes_the_daily_backup_and_exchanges_with_the_configured_folder(tmp_path):
    from quizapp import config, paths
    from quizapp.backup import list_backups
    from quizapp.merge.folder import exchange_configured

    a = make(tmp_path, "a")
    review.answer(a, "q0", 3, NOW)
    assert exchange_configured(a, NOW) == []
    assert [b.kind for b in list_backups(tmp_path / "a.db")] == ["daily"]
    folder = tmp_path / "shared"
    config.save(paths.config_path(), config.Config(sync_dir=folder))
    assert "sync folder not found" in exchange_configured(a, NOW)[0]
    folder.mkdir()
    assert exchange_configured(a, NOW) == []
    assert [e["k"] for e in map(decode, only_file(folder).read_bytes().splitlines())] == [
        "file",
        "review",
    ]


def _fit_and_study(a: Store, b: Store) -> None:
    """A adopts a fit, then both answer after its time (B without having heard of it)."""
    from quizapp.fitting import events as parameter_events

    from .test_merge import FITTED

    parameter_events.record(a, parameter_events.ParameterEvent(NOW, parameters=FITTED, reviews=9))
    for day in range(5):
        for card in range(4):
            at = NOW + timedelta(days=3 * day, hours=1, minutes=card)
            review.answer(a if card % 2 else b, f"q{card}", 3 if day % 3 else 2, at)


def test_parameter_events_travel_through_the_folder_and_both_equal_a_rebuild(tmp_path):
    from .test_merge import rebuilt, with_parameters

    a, b = make(tmp_path, "a"), make(tmp_path, "b")
    _fit_and_study(a, b)
    folder = tmp_path / "f"
    folder.mkdir()
    exchange(a, folder, NOW)
    kinds = [decode(line)["k"] for line in only_file(folder).read_bytes().splitlines()]
    assert kinds.count("parameters") == 1
    report = exchange(b, folder, NOW)
    assert report.merged.parameters == 1 and not report.warnings
    exchange(a, folder, NOW)
    merged = with_parameters(a)
    assert merged == with_parameters(b) and len(merged["parameter_events"]) == 1
    assert rebuilt(a) == merged and rebuilt(b) == merged
    # B's own file does not send the event back (it came from the folder).
    assert exchange(b, folder, NOW).written == 0


def test_a_bad_parameters_entry_is_a_warning_and_older_readers_skip_the_kind(tmp_path):
    from .test_merge import FITTED

    a = make(tmp_path, "a")
    folder = tmp_path / "f"
    folder.mkdir()
    entry = {
        "k": "parameters",
        "id": "p1",
        "at": NOW.isoformat(),
        "deck": None,
        "parameters": list(FITTED),
        "retention": None,
        "reviews": 9,
        "metrics": {},
    }
    header = encode({"k": "file", "format": FORMAT, "file": "quizapp-y-1.jsonl"})
    bad = encode({**entry, "id": "p2", "parameters": [1.0, 2.0]})
    (folder / "quizapp-y-1.jsonl").write_bytes(header + bad + encode(entry))
    report = exchange(a, folder, NOW)
    assert report.warnings == [
        "quizapp-y-1.jsonl:2: a parameter event whose parameters are not 21 numbers within "
        "FSRS's bounds; skipped, read again next time"
    ]
    rows = a.conn.execute("SELECT id, parameters, metrics FROM parameter_events").fetchall()
    assert [tuple(r) for r in rows] == [("p1", json.dumps(list(FITTED)), "{}")]


def test_a_reader_that_learns_the_parameters_kind_reads_every_file_again(tmp_path, monkeypatch):
    """An older quizapp skipped 'parameters' lines and moved its cursor past them; once
    upgraded it must still take them."""
    from quizapp.merge import folder as folder_module

    a, b = make(tmp_path, "a"), make(tmp_path, "b")
    _fit_and_study(a, b)
    folder = tmp_path / "f"
    folder.mkdir()
    exchange(a, folder, NOW)
    with monkeypatch.context() as old:
        old.setattr(folder_module, "KINDS", ("review", "undo", "event", "quiz"))
        assert exchange(b, folder, NOW).merged.parameters == 0
    assert exchange(b, folder, NOW).merged.parameters == 1
    assert snapshot(a) != snapshot(b)  # b's own answers have not reached a yet
    exchange(a, folder, NOW)
    assert snapshot(a) == snapshot(b)

"""Sync semantics: the markdown is the truth for content, the store for history."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from quizapp import review
from quizapp.store import QUEUE_NEW, QUEUE_OFF, Store
from quizapp.sync import sync

from .conftest import SAMPLE, write_deck


def dump(store: Store) -> list[tuple]:
    """Every row of every table, to compare a store's content before and after."""
    tables = [
        r[0]
        for r in store.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
    ]
    rows = []
    for table in tables:
        rows.append((table, [tuple(r) for r in store.conn.execute(f"SELECT * FROM [{table}]")]))
    return rows


def live_ids(store: Store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT id FROM cards WHERE retired = 0")}


def test_first_sync_adds_every_card_as_new(store, sample_dir, now):
    report = sync(store, [sample_dir], now)
    assert report.ok and report.added == 4
    assert live_ids(store) == {"relu-name", "sigmoid-max::c1", "zero-penalties", "l1-open"}
    queues = {r[0] for r in store.conn.execute("SELECT queue FROM schedule")}
    assert queues == {QUEUE_NEW}
    deck = store.conn.execute("SELECT * FROM decks").fetchone()
    assert deck["name"] == "sample" and deck["new_per_day"] == 20


def test_editing_a_card_keeps_its_history(store, sample_dir, now):
    sync(store, [sample_dir], now)
    answered = review.answer(store, "relu-name", 3, now)
    path = sample_dir / "sample.md"
    path.write_text(SAMPLE.replace("What does ReLU stand for?", "Spell out ReLU."), "utf-8")
    os.utime(path, ns=(1, 1))
    report = sync(store, [sample_dir], now + timedelta(minutes=5))
    assert report.updated == 1 and report.added == 0
    card = review.get_card(store, "relu-name")
    assert card.prompt == "Spell out ReLU."
    assert [h["id"] for h in review.history(store, "relu-name")] == [answered.review_id]
    assert review.get_state(store, "relu-name") == answered.after


def test_removed_card_is_retired_and_comes_back_with_history(store, sample_dir, now):
    sync(store, [sample_dir], now)
    answered = review.answer(store, "relu-name", 3, now)
    path = sample_dir / "sample.md"
    block = SAMPLE[SAMPLE.index("## What does ReLU") : SAMPLE.index("## The sigmoid")]
    path.write_text(SAMPLE.replace(block, ""), "utf-8")
    report = sync(store, [sample_dir], now)
    assert report.retired == 1
    assert "relu-name" not in live_ids(store)
    assert review.get_state(store, "relu-name") == answered.after  # schedule kept
    assert (
        store.conn.execute("SELECT queue FROM schedule WHERE card_id = 'relu-name'").fetchone()[0]
        == QUEUE_OFF
    )
    assert review.next_card(store, now + timedelta(days=400)) != "relu-name"

    path.write_text(SAMPLE, "utf-8")
    report = sync(store, [sample_dir], now)
    assert report.revived == 1
    assert "relu-name" in live_ids(store)
    assert len(review.history(store, "relu-name")) == 1
    assert review.get_state(store, "relu-name").queue == answered.after.queue


def test_deleted_file_retires_its_cards(store, sample_dir, now):
    other = write_deck(sample_dir, "other.md", "## Other\n<!-- id: other -->\nA\n")
    sync(store, [sample_dir], now)
    other.unlink()
    report = sync(store, [sample_dir], now)
    assert report.retired == 1 and "other" not in live_ids(store)
    assert store.conn.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 1


def test_card_moved_to_another_file_keeps_history(store, sample_dir, now):
    a = write_deck(sample_dir, "a.md", "## Moving\n<!-- id: moving -->\nA\n")
    sync(store, [sample_dir], now)
    answered = review.answer(store, "moving", 4, now)
    a.write_text("", "utf-8")
    write_deck(sample_dir, "b.md", "## Moving\n<!-- id: moving -->\nA\n")
    report = sync(store, [sample_dir], now)
    assert report.ok, report.problems
    card = review.get_card(store, "moving")
    assert card.source.endswith("b.md")
    assert "moving" in live_ids(store)
    assert review.get_state(store, "moving") == answered.after


def set_mtime(path: Path, mtime_ns: int) -> None:
    os.utime(path, ns=(mtime_ns, mtime_ns))


def test_unchanged_files_are_not_read_again(store, sample_dir, now):
    deck = sample_dir / "sample.md"
    set_mtime(deck, deck.stat().st_mtime_ns - 3_600 * 10**9)  # last edited an hour ago
    sync(store, [sample_dir], now)
    report = sync(store, [sample_dir], now)
    assert report.files_read == 0 and report.files_skipped == 1
    assert (report.added, report.updated, report.retired) == (0, 0, 0)


def test_a_same_size_edit_in_the_same_timestamp_tick_is_still_seen(store, sample_dir, now):
    """The file was modified just before the sync read it, so its stamp is not trusted."""
    deck = sample_dir / "sample.md"
    sync(store, [sample_dir], now)
    stamp = deck.stat().st_mtime_ns
    edited = SAMPLE.replace("Rectified linear unit.", "Rectified linear UNIT.")
    assert len(edited) == len(SAMPLE)
    deck.write_text(edited, "utf-8")
    set_mtime(deck, stamp)  # same size, same mtime: only the content differs
    report = sync(store, [sample_dir], now)
    assert report.files_read == 1 and report.updated == 1
    assert "UNIT" in review.get_card(store, "relu-name").answer


def test_a_file_with_a_problem_is_left_out_whole_and_the_rest_syncs(store, sample_dir, now):
    sync(store, [sample_dir], now)
    review.answer(store, "relu-name", 3, now)
    write_deck(sample_dir, "bad.md", "## Fine\n<!-- id: fine -->\nA\n\n## \nB\n")
    write_deck(sample_dir, "bad2.md", "---\nretention: 2\n---\n")
    write_deck(sample_dir, "good.md", "## New\n<!-- id: new-one -->\nA\n")
    report = sync(store, [sample_dir], now)
    assert not report.ok
    assert sorted(str(p).split("/")[-1] for p in report.problems) == [
        "bad.md:5: card has an empty prompt (write the question after '## ')",
        "bad2.md:2: retention 2 is out of range (use a number from 0.7 to 0.99, e.g. 0.9)",
    ]
    assert sorted(Path(p).name for p in report.rejected) == ["bad.md", "bad2.md"]
    # bad.md's good card is not half-applied; the good file is synced.
    assert "fine" not in live_ids(store) and "new-one" in live_ids(store)
    assert report.added == 1 and "2 problems in 2 files left out" in report.summary()
    # A rejected file is read again next time, and synced once fixed.
    write_deck(sample_dir, "bad.md", "## Fine\n<!-- id: fine -->\nA\n")
    (sample_dir / "bad2.md").unlink()
    report = sync(store, [sample_dir], now)
    assert report.ok and "fine" in live_ids(store)


def test_a_rejected_file_keeps_its_cards_as_they_were(store, sample_dir, now):
    sync(store, [sample_dir], now)
    review.answer(store, "relu-name", 3, now)
    before = dump(store)
    deck = sample_dir / "sample.md"
    deck.write_text(
        SAMPLE.replace("Rectified linear unit.", "Edited.") + "\n## \nno prompt\n", "utf-8"
    )
    report = sync(store, [sample_dir], now)
    assert report.rejected == [str(deck.resolve())]
    assert dump(store) == before


def test_duplicate_id_across_files_names_both_places_and_rejects_the_second(store, tmp_path, now):
    folder = tmp_path / "d"
    write_deck(folder, "a.md", "## A\n<!-- id: same -->\nA\n")
    write_deck(folder, "b.md", "\n## B\n<!-- id: same -->\nB\n\n## C\n<!-- id: other -->\nC\n")
    report = sync(store, [folder], now)
    assert len(report.problems) == 1
    message = str(report.problems[0])
    assert "b.md:2: duplicate id 'same' (also at" in message and "a.md:1)" in message
    assert live_ids(store) == {"same"}
    assert review.get_card(store, "same").prompt == "A"


def test_duplicate_against_an_unchanged_file_is_caught(store, tmp_path, now):
    folder = tmp_path / "d"
    write_deck(folder, "a.md", "## A\n<!-- id: same -->\nA\n")
    sync(store, [folder], now)
    write_deck(folder, "b.md", "## B\n<!-- id: same -->\nB\n")
    report = sync(store, [folder], now)
    assert not report.ok and "duplicate id 'same'" in str(report.problems[0])
    assert review.get_card(store, "same").prompt == "A"


def test_first_sync_writes_missing_ids_into_the_file(store, tmp_path, now):
    folder = tmp_path / "d"
    path = write_deck(folder, "a.md", "# Title\n\n## What is L2?\nRidge.\n")
    report = sync(store, [folder], now)
    assert report.ids_written == [str(path.resolve())]
    text = path.read_text("utf-8")
    assert text.startswith("# Title\n\n## What is L2?\n<!--\nid: what-is-l2-")
    card_id = next(iter(live_ids(store)))
    assert f"id: {card_id}" in text
    # A second sync reads the rewritten file and finds the same card, not a new one.
    report = sync(store, [folder], now)
    assert report.added == 0 and live_ids(store) == {card_id}
    assert review.get_card(store, card_id).line == 3


def test_readme_and_hidden_folders_are_not_decks(store, tmp_path, now):
    folder = tmp_path / "d"
    write_deck(folder, "README.md", "## Not a card\n")
    write_deck(folder, ".git/x.md", "## Not a card either\n")
    write_deck(folder, "sub/real.md", "## Real\n<!-- id: real -->\nA\n")
    sync(store, [folder], now)
    assert live_ids(store) == {"real"}
    assert review.get_card(store, "real").deck == "sub/real"


def test_missing_path_is_a_problem(store, tmp_path, now):
    report = sync(store, [tmp_path / "nope"], now)
    assert "no such file or folder" in str(report.problems[0])


def test_suspended_card_stays_suspended_across_edits(store, sample_dir, now):
    sync(store, [sample_dir], now)
    review.set_suspended(store, "relu-name", True)
    path: Path = sample_dir / "sample.md"
    path.write_text(SAMPLE.replace("Rectified linear unit.", "ReLU(x) = max(0, x)."), "utf-8")
    sync(store, [sample_dir], now)
    assert (
        store.conn.execute("SELECT queue FROM schedule WHERE card_id = 'relu-name'").fetchone()[0]
        == QUEUE_OFF
    )
    review.set_suspended(store, "relu-name", False)
    assert review.get_state(store, "relu-name").queue == QUEUE_NEW


def test_id_write_back_keeps_a_byte_order_mark(store, tmp_path, now):
    folder = tmp_path / "d"
    folder.mkdir()
    path = folder / "bom.md"
    path.write_bytes("\ufeff## Café?\r\nOui.\r\n".encode())
    assert sync(store, [folder], now).ok
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf## Caf\xc3\xa9?\r\n<!--\r\nid: caf-")
    assert data.endswith(b"-->\r\nOui.\r\n")

"""The bundled decks are known as bundled, wherever the installed package puts them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from quizapp import library, paths, review
from quizapp.library import BUNDLED_ROOT_KEY, sync_all

from .conftest import SAMPLE, write_deck


def install(folder: Path) -> Path:
    """A copy of a small bundled deck at ``folder`` (as pip would leave it)."""
    write_deck(folder, "sample.md", SAMPLE)
    return folder


def serve_bundled_from(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    monkeypatch.setattr(paths, "bundled_content", lambda: folder)


def sources(file_store) -> set[str]:
    return {r[0] for r in file_store.conn.execute("SELECT DISTINCT source FROM cards")}


@pytest.mark.parametrize("recorded", [True, False], ids=["recorded", "before-this-release"])
def test_reinstall_moving_the_bundled_decks_keeps_cards_and_history(
    file_store, tmp_path, monkeypatch, now, recorded
):
    """pip install ., then pip install -e . in the same clone: the old copy stays behind."""
    old = install(tmp_path / "venv/lib/python3.11/site-packages/quizapp/content")
    serve_bundled_from(monkeypatch, old)
    assert sync_all(file_store, now).added == 4
    review.answer(file_store, "relu-name", 3, now)
    if not recorded:  # a store written before the bundled folder was recorded
        file_store.conn.execute("DELETE FROM meta WHERE key = ?", (BUNDLED_ROOT_KEY,))

    new = tmp_path / "clone/content"
    shutil.copytree(old, new)
    (new / "sample.md").write_text(SAMPLE.replace("Rectified linear unit.", "Edited."), "utf-8")
    serve_bundled_from(monkeypatch, new)
    report = sync_all(file_store, now)

    assert report.ok, report.problems
    assert report.added == 0 and report.updated == 1 and report.retired == 0
    assert sources(file_store) == {str(new.resolve() / "sample.md")}
    assert review.get_state(file_store, "relu-name").reps == 1
    assert "Edited." in review.get_card(file_store, "relu-name").answer
    # And back again (a second reinstall), still nothing duplicated.
    serve_bundled_from(monkeypatch, old)
    assert sync_all(file_store, now).ok
    assert sources(file_store) == {str(old.resolve() / "sample.md")}


def test_a_card_dropped_from_the_new_bundled_copy_is_retired(
    file_store, tmp_path, monkeypatch, now
):
    old = install(tmp_path / "a/quizapp/content")
    serve_bundled_from(monkeypatch, old)
    sync_all(file_store, now)
    new = tmp_path / "b/quizapp/content"
    shutil.copytree(old, new)
    (new / "sample.md").unlink()
    serve_bundled_from(monkeypatch, new)
    report = sync_all(file_store, now)
    assert report.ok and report.retired == 4


def test_a_user_folder_that_is_not_bundled_is_not_moved(file_store, tmp_path, monkeypatch, now):
    """Only the bundled folder is relocated: a registered folder's clash is still a clash."""
    bundled = install(tmp_path / "pkg/quizapp/content")
    serve_bundled_from(monkeypatch, bundled)
    sync_all(file_store, now)
    mine = write_deck(tmp_path / "mine", "copy.md", SAMPLE)
    assert not library._looks_bundled(mine.parent)
    from quizapp import config

    config.save(paths.config_path(), config.Config(deck_folders=[mine.parent]))
    report = sync_all(file_store, now)
    assert report.rejected == [str(mine.resolve())]
    assert sources(file_store) == {str(bundled.resolve() / "sample.md")}


def test_a_copied_bundled_deck_replaces_it_and_keeps_the_history(
    file_store, tmp_path, monkeypatch, now
):
    """Editing a bundled card: the deck is copied to the user's folder and synced from there."""
    bundled = install(tmp_path / "pkg/quizapp/content")
    serve_bundled_from(monkeypatch, bundled)
    sync_all(file_store, now)
    review.answer(file_store, "relu-name", 3, now)
    copy = library.copy_bundled(bundled / "sample.md")
    assert copy.read_text("utf-8") == SAMPLE and not library.is_bundled(copy)
    assert library.is_bundled(bundled / "sample.md")
    copy.write_text(SAMPLE.replace("Rectified linear unit.", "My own words."), "utf-8")
    report = sync_all(file_store, now)
    assert report.ok, report.problems
    assert report.added == 0 and report.retired == 0
    assert sources(file_store) == {str(copy.resolve())}
    card = review.get_card(file_store, "relu-name")
    assert "My own words." in card.answer
    assert review.get_state(file_store, "relu-name").reps == 1
    # A later sync (or a reinstall that brings the bundled file back) changes nothing.
    assert sync_all(file_store, now).ok and sources(file_store) == {str(copy.resolve())}

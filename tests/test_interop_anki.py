"""Anki in and out, checked against Anki's own library (the ``anki`` package, in the test extra).

Packages are made by Anki itself (tests/anki_helpers.py), and what quizapp exports is opened by
Anki itself, so a format mistake on either side fails here.
"""

from __future__ import annotations

import math
import sqlite3
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import fsrs
import pytest
from click.testing import CliRunner

from quizapp import config, paths
from quizapp.cli import main
from quizapp.interop import InteropError
from quizapp.interop.anki_export import export_anki
from quizapp.interop.anki_import import import_anki, note_card_id
from quizapp.interop.apply import apply_import
from quizapp.interop.decks_out import review_uuid
from quizapp.review import answer, get_state
from quizapp.store import Store
from quizapp.sync import load_decks, sync

from .anki_helpers import make_package, open_in_anki
from .conftest import NOW, write_deck

DECK = """---
deck: ml/basics
tags: [ml]
---

## What does ReLU compute?
<!--
id: relu
tags: [activations]
-->
max(0, x), applied elementwise:

```python
def relu(x):
    return max(0.0, x)
```

## Why does L1 give sparse weights?
<!--
id: l1
-->
Its subgradient has constant magnitude λ.

### Key points
- The L1 penalty's gradient has constant magnitude λ.
- Weights whose data gradient is below λ stay exactly at zero.

## Which activation has derivative at most 0.25?
<!--
id: sigmoid-max
-->
- [x] sigmoid
- [ ] ReLU
- [ ] tanh

σ′(z) = σ(z)(1 − σ(z)) peaks at z = 0.

## Adam
<!--
id: adam
-->
Adam keeps {{c1::first}} and {{c2::second}} moment estimates.
"""

OTHER = """---
deck: stats
---

## What is the variance of a constant?
<!--
id: var-const
tags: [probability theory]
-->
Zero.
"""


def _store_with_history(tmp_path: Path) -> tuple[Store, Path]:
    decks = tmp_path / "decks"
    write_deck(decks, "ml.md", DECK)
    write_deck(decks, "stats.md", OTHER)
    store = Store.open(tmp_path / "quiz.db")
    assert sync(store, [decks], NOW).ok
    for day, (card, rating) in enumerate(
        [("relu", 3), ("l1", 3), ("adam::c1", 2), ("relu", 3), ("adam::c2", 1), ("relu", 4)]
    ):
        answer(store, card, rating, NOW + timedelta(days=2 * day))
    return store, decks


def _by_guid(col, guid: str):
    return col.get_note(col.db.scalar("SELECT id FROM notes WHERE guid = ?", guid))


def _anki_names(col) -> set[str]:
    return {d.name for d in col.decks.all_names_and_ids()}


# --- export -------------------------------------------------------------------------------------


def test_export_with_history_opens_in_anki_with_every_note_card_deck_tag_and_review(tmp_path):
    store, _ = _store_with_history(tmp_path)
    out = tmp_path / "out.apkg"
    report = export_anki(store, out)
    assert report.with_history and report.reviews == 6
    col = open_in_anki(out, tmp_path)
    try:
        assert col.note_count() == 5  # relu, l1, sigmoid-max, adam (one note, two cards), var
        assert col.card_count() == 6
        assert {"ml::basics", "stats"} <= _anki_names(col)
        assert {"ml", "activations", "probability_theory"} <= set(col.tags.all())
        assert col.db.scalar("SELECT COUNT(*) FROM revlog") == 6
        relu = _by_guid(col, "quizapp:relu")
        assert "<pre><code" in relu["Back"] and "return max(0.0, x)" in relu["Back"]
        l1 = _by_guid(col, "quizapp:l1")
        assert "Key points" in l1["Back"] and "exactly at zero" in l1["Back"]
        choice = _by_guid(col, "quizapp:sigmoid-max")
        assert "tanh" in choice["Front"] and "Answer: A" in choice["Back"]
        adam = _by_guid(col, "quizapp:adam")
        assert "{{c1::first}}" in adam["Text"] and "{{c2::second}}" in adam["Text"]
        assert adam.note_type()["type"] == 1  # Anki's cloze kind
        relu_card = col.get_card(relu.cards()[0].id)
        ours = get_state(store, "relu")
        assert relu_card.type == 2 and relu_card.reps == 3
        assert relu_card.memory_state.stability == pytest.approx(ours.stability, rel=1e-3)
    finally:
        col.close()


def test_reexport_after_an_edit_updates_the_notes_instead_of_adding_copies(tmp_path):
    store, decks = _store_with_history(tmp_path)
    first = tmp_path / "first.apkg"
    export_anki(store, first)
    col = open_in_anki(first, tmp_path)
    guids = set(col.db.list("SELECT guid FROM notes"))
    col.close()

    path = decks / "ml.md"
    path.write_text(path.read_text().replace("Its subgradient", "The L1 subgradient"))
    assert sync(store, [decks], NOW + timedelta(days=20)).updated == 1
    second = tmp_path / "second.apkg"
    export_anki(store, second)
    col = open_in_anki(second, tmp_path)  # into the same collection, as a user would
    try:
        assert set(col.db.list("SELECT guid FROM notes")) == guids
        assert col.note_count() == 5
        # Only the edited note is newer than Anki's copy, so only it is updated: notes the user
        # may have edited in Anki since are left alone.
        log = col.last_import.log
        assert [entry.fields[0] for entry in log.updated] == ["Why does L1 give sparse weights?"]
        assert len(log.duplicate) == 4
        l1 = _by_guid(col, "quizapp:l1")
        assert "The L1 subgradient" in l1["Back"]
    finally:
        col.close()


def test_export_without_the_extra_writes_cards_only_and_the_command_says_so(tmp_path):
    store, decks = _store_with_history(tmp_path)
    out = tmp_path / "plain.apkg"
    report = export_anki(store, out, with_history=False)
    assert not report.with_history and report.reviews == 0
    col = open_in_anki(out, tmp_path)
    try:
        assert col.note_count() == 5 and col.card_count() == 6
        assert col.db.scalar("SELECT COUNT(*) FROM revlog") == 0
        assert {"ml::basics", "stats"} <= _anki_names(col)
    finally:
        col.close()
    store.close()

    config.save(paths.config_path(), config.Config(deck_folders=[decks]))
    db = tmp_path / "quiz.db"
    sys.modules["anki.collection"] = None  # as if quizapp[anki] were not installed
    try:
        result = CliRunner().invoke(main, ["--db", str(db), "export", "anki", str(out)])
    finally:
        del sys.modules["anki.collection"]
    assert result.exit_code == 0, result.output
    assert "review history: not written" in result.output
    assert "pip install 'quizapp[anki]'" in result.output


def test_export_of_one_deck_keeps_only_that_deck(tmp_path):
    store, _ = _store_with_history(tmp_path)
    out = tmp_path / "stats.apkg"
    report = export_anki(store, out, deck="stats")
    assert (report.notes, report.cards) == (1, 1)


# --- import -------------------------------------------------------------------------------------


def _fuzz_bound(interval: float) -> float:
    """How far (seconds) a fuzzed due date may lie from the unfuzzed one, by fsrs's own rule.

    fsrs draws the fuzzed interval as ``round(random() * (high - low + 1) + low)`` days, where
    ``high = round(interval + delta)`` and delta is 1 day plus 15%, 10% and 5% of the parts of
    the interval in 2.5-7, 7-20 and 20+ days. Rounding ``high`` adds up to half a day and the
    ``+ 1`` makes the top of the range one day wider, so a fuzzed interval can land up to
    ``delta + 1.5`` days away (at 873 days: 47 days, seen). The unfuzzed replay here is exact,
    so this is the whole of the allowed difference.
    """
    days = int(interval // 86400)
    if days < 2.5:
        return 60.0
    delta = 1.0 + sum(
        factor * max(min(float(days), end) - start, 0.0)
        for start, end, factor in ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, math.inf, 0.05))
    )
    return (delta + 1.5) * 86400


def _fsrs_replay(entries: list[tuple[int, int]]) -> fsrs.Card:
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    card = fsrs.Card()
    for revlog_id, ease in entries:
        at = datetime.fromtimestamp(revlog_id / 1000, UTC)
        card, _ = scheduler.review_card(card, fsrs.Rating(ease), at)
    return card


def test_import_of_an_anki_package_turns_every_answer_into_a_review_and_replays_fsrs(tmp_path):
    package = make_package(tmp_path / "anki")
    store = Store.open(tmp_path / "quiz.db")
    out = tmp_path / "imported"
    report = apply_import(store, import_anki(package.path), out, NOW, origin="deck.apkg")

    answered = [r for r in package.revlog if r[2] in (1, 2, 3, 4) and r[3] not in (3, 4)]
    assert len(answered) == len(package.revlog) - package.not_reviews
    assert report.reviews_added == len(answered)
    assert store.conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == len(answered)

    by_card: dict[int, list[tuple[int, int]]] = {}
    for revlog_id, cid, ease, _kind in answered:
        by_card.setdefault(cid, []).append((revlog_id, ease))
    checked = 0
    for cid, entries in by_card.items():
        guid, ord_ = package.card_of[cid]
        base = note_card_id(guid)
        card_id = base if guid != package.guids["cloze"] else f"{base}::c{ord_ + 1}"
        if guid == package.guids["reverse"] and ord_ == 1:
            card_id = f"{base}-t2"
        expected = _fsrs_replay(entries)
        ours = get_state(store, card_id)
        assert ours.reps == len(entries)
        assert ours.state == expected.state.value, card_id
        assert ours.stability == pytest.approx(expected.stability, rel=1e-6)
        assert ours.difficulty == pytest.approx(expected.difficulty, rel=1e-6)
        interval = (expected.due - expected.last_review).total_seconds()
        assert abs((ours.due - expected.due).total_seconds()) <= _fuzz_bound(interval)
        # Times are kept exactly, and the review id is derived from Anki's.
        row = store.conn.execute(
            "SELECT id FROM reviews WHERE card_id = ? ORDER BY reviewed_at LIMIT 1", (card_id,)
        ).fetchone()
        assert row[0] == review_uuid(f"anki:{guid}:{ord_}:{entries[0][0]}")
        checked += 1
    assert checked == 6  # basic, both cards of the reversed note, both cloze cards, typed


def test_import_writes_one_markdown_deck_per_anki_deck_with_media_and_registers_it(tmp_path):
    package = make_package(tmp_path / "anki")
    store = Store.open(tmp_path / "quiz.db")
    out = tmp_path / "imported"
    report = apply_import(store, import_anki(package.path), out, NOW, origin="deck.apkg")
    assert report.registered
    assert out in config.load(paths.config_path()).deck_folders
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md")) == [
        "ML.md",
        "ML/Optimisation.md",
    ]
    assert (out / "media" / "graph.png").read_bytes().startswith(b"\x89PNG")
    assert "![](../media/graph.png)" not in (out / "ML.md").read_text()
    assert "![](media/graph.png)" in (out / "ML.md").read_text()

    parsed, problems = load_decks([out])
    assert problems == []
    cards = {c.id: c for _, deck in parsed for c in deck.cards}
    relu = cards[note_card_id(package.guids["basic"])]
    assert relu.prompt == "What does **ReLU** compute?"
    assert relu.deck == "ML" and relu.tags == ("activations", "ml::nn")
    cloze = note_card_id(package.guids["cloze"])
    assert cards[f"{cloze}::c1"].expected == ("first",)
    assert cards[f"{cloze}::c2"].expected == ("second",)
    assert cards[f"{note_card_id(package.guids['reverse'])}-t2"].prompt == (
        "A running average of gradients"
    )
    typed = cards[note_card_id(package.guids["typed"])]
    assert (typed.prompt, typed.answer) == ("Capital of France?", "Paris")
    evil = cards[note_card_id(package.guids["evil"])]
    text = "".join(p.read_text() for p in out.rglob("*.md"))
    assert "alert" not in text and "<script" not in text and "iframe" not in text
    assert evil.prompt == "Safe?" and evil.answer == "Yes"
    suspended = store.conn.execute(
        "SELECT suspended FROM cards WHERE id = ?", (evil.id,)
    ).fetchone()
    assert suspended[0] == 1


def test_reimport_is_idempotent(tmp_path):
    package = make_package(tmp_path / "anki")
    store = Store.open(tmp_path / "quiz.db")
    out = tmp_path / "imported"
    first = apply_import(store, import_anki(package.path), out, NOW, origin="deck.apkg")
    schedule = store.conn.execute("SELECT * FROM schedule ORDER BY card_id").fetchall()
    again = apply_import(store, import_anki(package.path), out, NOW, origin="deck.apkg")
    assert first.reviews_added > 0
    assert (again.reviews_added, again.cards_added, again.files_written) == (0, 0, 0)
    assert again.reviews_known == first.reviews_added
    assert store.conn.execute("SELECT * FROM schedule ORDER BY card_id").fetchall() == schedule


def test_import_of_the_new_zstd_format_goes_through_the_anki_package(tmp_path):
    package = make_package(tmp_path / "anki", legacy=False)
    with zipfile.ZipFile(package.path) as archive:
        assert "collection.anki21b" in archive.namelist()
    imported = import_anki(package.path)
    assert len(imported.reviews) == len(package.revlog) - package.not_reviews
    assert "graph.png" in imported.media

    sys.modules["anki.collection"] = None
    try:
        with pytest.raises(InteropError, match=r"pip install 'quizapp\[anki\]'"):
            import_anki(package.path)
    finally:
        del sys.modules["anki.collection"]


def test_a_quizapp_export_comes_back_with_the_same_history(tmp_path):
    store, _ = _store_with_history(tmp_path)
    out = tmp_path / "out.apkg"
    export_anki(store, out)
    other = Store.open(tmp_path / "other.db")
    report = apply_import(other, import_anki(out), tmp_path / "back", NOW, origin="out.apkg")
    assert report.reviews_added == 6
    for card_id in ("relu", "l1", "adam::c1", "adam::c2"):
        note, _, sub = card_id.partition("::")
        theirs = note_card_id(f"quizapp:{note}") + (f"::{sub}" if sub else "")
        mine, back = get_state(store, card_id), get_state(other, theirs)
        assert (back.state, back.reps, back.lapses) == (mine.state, mine.reps, mine.lapses)
        assert back.stability == pytest.approx(mine.stability, rel=1e-6)


# --- text export ----------------------------------------------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures" / "interop"


def test_text_export_headers_are_honoured(tmp_path):
    store = Store.open(tmp_path / "quiz.db")
    out = tmp_path / "txt"
    apply_import(store, import_anki(FIXTURES / "anki_notes.txt"), out, NOW, origin="txt")
    parsed, problems = load_decks([out])
    assert problems == []
    cards = {c.id: c for _, deck in parsed for c in deck.cards}
    basic = cards[note_card_id("g1abc")]
    assert (basic.deck, basic.prompt) == ("ML/Basics", "What is **overfitting**?")
    assert basic.answer == "Fitting noise:\ntrain error low, test error high"
    assert basic.tags == ("ml", "basics")
    assert cards[note_card_id("g2def") + "::c2"].expected == ("two",)
    safe = cards[note_card_id("g3ghi")]
    assert safe.prompt == "Is this safe?" and "alert" not in safe.answer


def test_text_export_without_html_or_guid_still_imports_idempotently(tmp_path):
    text = "#separator:Semicolon\n#html:false\n#deck:Words\n#tags:vocab\nchat;cat\nchien;dog\n"
    source = write_deck(tmp_path, "words.txt", text)
    store = Store.open(tmp_path / "quiz.db")
    first = apply_import(store, import_anki(source), tmp_path / "out", NOW, origin="words.txt")
    again = apply_import(store, import_anki(source), tmp_path / "out", NOW, origin="words.txt")
    assert (first.cards_added, again.cards_added) == (2, 0)
    parsed, _ = load_decks([tmp_path / "out"])
    assert {(c.prompt, c.answer, c.tags) for _, d in parsed for c in d.cards} == {
        ("chat", "cat", ("vocab",)),
        ("chien", "dog", ("vocab",)),
    }


# --- bad input, all or nothing --------------------------------------------------------------------


def _cli(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.apkg", b"not a zip at all", "not a valid Anki package"),
        ("empty.apkg", None, "no collection inside the package"),
        ("deck.pdf", b"%PDF", "not an Anki file"),
        ("bad.txt", b"#separator:Dash\na-b\n", "unknown separator 'Dash'"),
    ],
)
def test_a_bad_file_gets_one_clear_line_and_nothing_is_written(tmp_path, name, content, message):
    source = tmp_path / name
    if content is None:
        with zipfile.ZipFile(source, "w") as archive:
            archive.writestr("readme.txt", "hello")
    else:
        source.write_bytes(content)
    out = tmp_path / "out"
    db = tmp_path / "quiz.db"
    result = _cli("--db", str(db), "import", "anki", str(source), str(out))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert not paths.config_path().exists()


def test_a_damaged_collection_inside_a_package_is_reported_not_raised(tmp_path):
    source = tmp_path / "damaged.apkg"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("collection.anki21", b"SQLite format 3\x00" + b"\x00" * 200)
    result = _cli(
        "--db", str(tmp_path / "q.db"), "import", "anki", str(source), str(tmp_path / "o")
    )
    assert result.exit_code == 1
    assert "damaged.apkg" in result.output and "Traceback" not in result.output


def test_a_failure_while_storing_puts_the_files_back_and_changes_nothing(tmp_path, monkeypatch):
    package = make_package(tmp_path / "anki")
    out = tmp_path / "imported"
    out.mkdir()
    (out / "ML.md").write_text("## kept\nas it was\n")
    store = Store.open(tmp_path / "quiz.db")

    def explode(*_args, **_kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr("quizapp.interop.apply.replay_cards", explode)
    with pytest.raises(sqlite3.OperationalError):
        apply_import(store, import_anki(package.path), out, NOW, origin="deck.apkg")
    assert (out / "ML.md").read_text() == "## kept\nas it was\n"
    assert sorted(p.name for p in out.rglob("*")) == ["ML.md"]
    assert store.conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0] == 0
    assert store.conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 0
    assert not paths.config_path().exists()


def test_the_import_command_reports_what_it_did(tmp_path):
    package = make_package(tmp_path / "anki")
    db = tmp_path / "quiz.db"
    out = tmp_path / "imported"
    result = _cli("--db", str(db), "import", "anki", str(package.path), str(out))
    assert result.exit_code == 0, result.output
    assert f"{len(package.revlog) - package.not_reviews} review(s) added" in result.output
    assert "registered" in result.output
    assert "manual reschedule" in result.output
    again = _cli("--db", str(db), "import", "anki", str(package.path), str(out))
    assert "0 review(s) added" in again.output


@pytest.mark.parametrize("legacy", [True, False])
def test_a_whole_collection_colpkg_imports_like_a_package(tmp_path, legacy):
    from anki.collection import Collection

    package = make_package(tmp_path / "anki")
    col = Collection(str(tmp_path / "anki" / "source.anki2"))
    colpkg = tmp_path / "backup.colpkg"
    try:
        col.export_collection_package(str(colpkg), include_media=True, legacy=legacy)
    finally:
        col.close()
    imported = import_anki(colpkg)
    assert len(imported.reviews) == len(package.revlog) - package.not_reviews
    assert {n.id for d in imported.decks for n in d.notes} == {
        n.id for d in import_anki(package.path).decks for n in d.notes
    }
    assert imported.media["graph.png"].startswith(b"\x89PNG")

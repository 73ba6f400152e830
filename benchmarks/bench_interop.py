"""Anki import speed: a 10k-note package with review history, made by Anki's own library.

Run: ``python -m benchmarks.bench_interop [--notes 10000] [--reviews 3]``. Needs the ``anki``
package (``pip install -e '.[test]'``) to build the package; the import it times runs on the
stdlib path for the legacy format and through the ``anki`` package for the zstd format.
It also times exporting the imported store back to an .apkg, with and without history.
Target: importing a 10k-note package < 10 s (read, convert, write decks, sync, insert, replay).
CPU time is printed beside wall time: on a shared machine the wall figure mostly measures the
other processes.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path


def build_package(folder: Path, notes: int, reviews: int, *, legacy: bool) -> tuple[Path, int]:
    """Write a package: 80% basic notes, 20% cloze notes with two deletions, 10 decks."""
    from anki.collection import AddNoteRequest, Collection, ExportAnkiPackageOptions

    col = Collection(str(folder / "bench.anki2"))
    basic = col.models.by_name("Basic")
    cloze = col.models.by_name("Cloze")
    decks = [col.decks.id(f"Bench::Part {n}") for n in range(10)]
    requests = []
    for n in range(notes):
        if n % 5 == 4:
            note = col.new_note(cloze)
            note.fields[0] = f"Fact {n}: {{{{c1::alpha {n}}}}} comes before {{{{c2::beta}}}}"
        else:
            note = col.new_note(basic)
            note.fields[0] = f"Question <b>{n}</b> about regularization?"
            note.fields[1] = f"Answer {n}: L1 sets weights to <i>exactly</i> zero.<br>L2 shrinks."
        note.tags = ["bench", f"t{n % 7}"]
        requests.append(AddNoteRequest(note=note, deck_id=decks[n % 10]))
    col.add_notes(requests)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    rows = []
    for i, cid in enumerate(col.db.list("SELECT id FROM cards ORDER BY id")):
        for k in range(reviews):
            moment = start + timedelta(days=7 * k, seconds=i)
            rows.append((int(moment.timestamp() * 1000), cid, 1 if k == 1 and i % 3 else 3))
    col.db.executemany(
        "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)"
        " VALUES (?, ?, -1, ?, 1, 0, 2500, 5000, 1)",
        rows,
    )
    out = folder / ("bench.apkg" if legacy else "bench-new.apkg")
    col.export_anki_package(
        out_path=str(out),
        options=ExportAnkiPackageOptions(
            with_scheduling=True, with_media=False, legacy=legacy, with_deck_configs=False
        ),
        limit=None,
    )
    col.close()
    return out, len(rows)


def time_import(package: Path, folder: Path, label: str) -> None:
    from quizapp.interop.anki_import import import_anki
    from quizapp.interop.apply import apply_import
    from quizapp.store import Store

    os.environ["QUIZAPP_CONFIG"] = str(folder / f"{label}-config.toml")
    store = Store.open(folder / f"{label}.db")
    began, cpu = time.perf_counter(), time.process_time()
    imported = import_anki(package)
    read = time.perf_counter()
    report = apply_import(
        store, imported, folder / f"{label}-decks", datetime.now(UTC), origin=package.name
    )
    done, cpu = time.perf_counter(), time.process_time() - cpu
    again_began = time.perf_counter()
    again = apply_import(
        store, import_anki(package), folder / f"{label}-decks", datetime.now(UTC), origin="again"
    )
    again_done = time.perf_counter()
    print(
        f"{label}: {report.cards_added} cards, {report.reviews_added} reviews: "
        f"read+convert {read - began:.2f} s, write+sync+insert+replay {done - read:.2f} s, "
        f"total {done - began:.2f} s wall, {cpu:.2f} s CPU (target < 10 s); "
        f"re-import {again_done - again_began:.2f} s adding {again.reviews_added} reviews"
    )
    if label.startswith("legacy"):
        from quizapp.interop.anki_export import export_anki

        for history in (False, True):
            t0, c0 = time.perf_counter(), time.process_time()
            out = export_anki(store, folder / f"export-{history}.apkg", with_history=history)
            print(
                f"export {out.notes} notes, {out.reviews} revlog entries "
                f"({'anki package' if history else 'genanki'}): "
                f"{time.perf_counter() - t0:.2f} s wall, {time.process_time() - c0:.2f} s CPU"
            )
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--reviews", type=int, default=3, help="reviews per card")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-interop-") as tmp:
        folder = Path(tmp)
        made = time.perf_counter()
        legacy, count = build_package(folder, args.notes, args.reviews, legacy=True)
        print(
            f"built {args.notes} notes with {count} revlog entries in "
            f"{time.perf_counter() - made:.1f} s ({legacy.stat().st_size / 1e6:.1f} MB)"
        )
        time_import(legacy, folder, "legacy .apkg (stdlib)")
        (folder / "new").mkdir()
        modern, _ = build_package(folder / "new", args.notes, args.reviews, legacy=False)
        time_import(modern, folder, "zstd .apkg (anki package)")


if __name__ == "__main__":
    main()

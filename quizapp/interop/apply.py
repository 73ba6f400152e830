"""Land an import: deck files into OUTDIR, cards and reviews into the store, all or nothing.

Order, and why:

0. The store is backed up (a "before-import" backup, rotated with the other operations').
1. The files are written (each atomically); the previous bytes of any file overwritten are kept.
2. One store transaction syncs OUTDIR (so the cards exist; a problem our parser finds in a
   converted deck is a converter bug, and undoes everything), inserts the reviews with
   ``INSERT OR IGNORE`` on their derived UUIDs (a re-import adds nothing) and replays the
   schedules of the cards that got new reviews. If anything fails, the transaction rolls back
   and the files are put back as they were.
3. Only then is OUTDIR registered as a deck folder, so later syncs and app starts include it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from quizapp import backup, config, paths
from quizapp.clock import iso
from quizapp.interop import InteropError
from quizapp.interop.decks_out import Imported, deck_path, render_deck
from quizapp.review import replay_cards, set_suspended
from quizapp.store import Store
from quizapp.sync import sync, write_atomically

MEDIA_DIR = "media"


@dataclass
class ImportReport:
    """What an import did, for the command to print."""

    outdir: Path
    files_written: int = 0
    files_unchanged: int = 0
    media_written: int = 0
    cards_added: int = 0
    cards_updated: int = 0
    reviews_added: int = 0
    reviews_known: int = 0
    registered: bool = False
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.files_written} deck file(s) written ({self.files_unchanged} unchanged), "
            f"{self.media_written} media file(s); {self.cards_added} card(s) added, "
            f"{self.cards_updated} updated; {self.reviews_added} review(s) added, "
            f"{self.reviews_known} already there"
        )


def render_files(imported: Imported, origin: str) -> dict[Path, str]:
    """Deck files relative to OUTDIR -> their text; two decks landing on one path are an error."""
    files: dict[Path, str] = {}
    owner: dict[Path, str] = {}
    for deck in imported.decks:
        if not deck.notes:
            continue
        rel = Path(deck_path(deck.name))
        if rel in owner:
            raise InteropError(
                f"decks '{owner[rel]}' and '{deck.name}' would both be written to {rel} "
                "(rename one of them in the source)"
            )
        owner[rel] = deck.name
        files[rel] = render_deck(deck, origin)
    return files


def apply_import(
    store: Store, imported: Imported, outdir: Path, now: datetime, *, origin: str
) -> ImportReport:
    """Write, sync and insert as the module docstring says; raise InteropError on any failure."""
    outdir = outdir.expanduser().resolve()
    if outdir.exists() and not outdir.is_dir():
        raise InteropError(f"{outdir}: is a file, not a folder (give a folder for the decks)")
    files = render_files(imported, origin)
    if not files:
        raise InteropError(f"{origin}: no cards found (check the file and the format given)")
    config.load(paths.config_path())  # a broken config fails now, before anything is written
    try:
        backup.before(store.conn, store.path, "import", now)
    except backup.BackupError as exc:
        raise InteropError(f"{exc} (nothing was imported)") from exc
    report = ImportReport(outdir=outdir, notes=list(imported.notes))

    # (path, previous bytes or None if new); folders the import created are listed as new too
    written: list[tuple[Path, bytes | None]] = []
    try:
        _write_all(outdir, files, imported.media, written, report)
        with store.transaction() as conn:
            known = {row[0] for row in conn.execute("SELECT id FROM cards")}
            synced = sync(store, [outdir], now, write_ids=False)
            if synced.problems:
                raise InteropError(f"cannot sync the imported decks: {synced.problems[0]}")
            report.cards_added, report.cards_updated = synced.added, synced.updated
            touched = _insert_reviews(conn, imported, report)
            replay_cards(store, sorted(touched))
            # Suspended in the other tool: suspended here too, the first time only, so a card
            # the user has since restored stays restored on a re-import.
            for card_id in sorted(imported.suspended - known):
                set_suspended(store, card_id, True, now)
    except BaseException:
        _restore(written)
        raise
    report.registered = _register(outdir)
    return report


def _write_all(
    outdir: Path,
    files: dict[Path, str],
    media: dict[str, bytes],
    written: list[tuple[Path, bytes | None]],
    report: ImportReport,
) -> None:
    items = [(outdir / rel, text.encode("utf-8")) for rel, text in files.items()]
    media_items = [(outdir / MEDIA_DIR / name, data) for name, data in media.items()]
    for n, (path, data) in enumerate(items + media_items):
        try:
            old = path.read_bytes() if path.exists() else None
            if old == data:
                if n < len(items):
                    report.files_unchanged += 1
                continue
            missing = [d for d in (path.parent, *path.parent.parents) if not d.exists()]
            path.parent.mkdir(parents=True, exist_ok=True)
            written.extend((folder, None) for folder in reversed(missing))
            write_atomically(path, data)
        except OSError as exc:
            raise InteropError(f"{path}: cannot write: {exc.strerror} (check the folder)") from exc
        written.append((path, old))
        if n < len(items):
            report.files_written += 1
        else:
            report.media_written += 1


def _insert_reviews(conn, imported: Imported, report: ImportReport) -> set[str]:
    """Insert the reviews not already in the store; return the cards that got new ones."""
    known_cards = {row[0] for row in conn.execute("SELECT id FROM cards")}
    ids = [review.id for review in imported.reviews]
    present: set[str] = set()
    for chunk in range(0, len(ids), 500):
        batch = ids[chunk : chunk + 500]
        marks = ",".join("?" * len(batch))
        present.update(
            row[0] for row in conn.execute(f"SELECT id FROM reviews WHERE id IN ({marks})", batch)
        )
    rows = []
    for review in imported.reviews:
        if review.card_id not in known_cards:
            raise InteropError(f"internal error: review for unknown card '{review.card_id}'")
        if review.id in present:
            continue
        present.add(review.id)
        rows.append(
            (review.id, review.card_id, iso(review.reviewed_at), review.rating, review.duration_ms)
        )
    conn.executemany(
        "INSERT INTO reviews (id, card_id, reviewed_at, rating, answer, score, duration_ms, mode)"
        " VALUES (?, ?, ?, ?, '', NULL, ?, 'review')",
        rows,
    )
    report.reviews_added = len(rows)
    report.reviews_known = len(imported.reviews) - len(rows)
    return {row[1] for row in rows}


def _restore(written: list[tuple[Path, bytes | None]]) -> None:
    """Put every file this import wrote back as it was (best effort; the store is untouched)."""
    for path, old in reversed(written):
        try:
            if path.is_dir():
                path.rmdir()  # a folder this import created; empty again by now
            elif old is None:
                path.unlink(missing_ok=True)
            else:
                write_atomically(path, old)
        except OSError:
            pass


def _register(outdir: Path) -> bool:
    """Add OUTDIR to the registered deck folders; False if it already was."""
    settings = config.load(paths.config_path())
    if outdir in [f.expanduser().resolve() for f in settings.deck_folders]:
        return False
    settings.deck_folders.append(outdir)
    config.save(paths.config_path(), settings)
    return True

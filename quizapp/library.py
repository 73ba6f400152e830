"""The set of decks a user studies: the bundled seed deck plus the folders they registered."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from quizapp import config, paths
from quizapp.store import Store
from quizapp.sync import SyncReport, relocate, sync

#: ``meta`` key holding the folder the bundled decks were last synced from.
BUNDLED_ROOT_KEY = "bundled_root"


def deck_roots(settings: config.Config | None = None) -> list[Path]:
    """Bundled content first, then each registered folder that is not the same place."""
    settings = settings if settings is not None else config.load(paths.config_path())
    roots = [paths.bundled_content().resolve()]
    for folder in settings.deck_folders:
        folder = folder.expanduser().resolve()
        if folder not in roots:
            roots.append(folder)
    return roots


def sync_all(store: Store, now: datetime) -> SyncReport:
    """What app start and a bare ``quizapp sync`` do.

    A registered folder that has gone missing (an unmounted drive, say) is skipped with a warning
    rather than blocking the day's review; its cards stay as they were.
    """
    settings = config.load(paths.config_path())
    roots = deck_roots(settings)
    adopt_bundled(store, roots[0])
    missing = [r for r in roots if not r.exists()]
    replaced = [roots[0] / name for name in settings.replaced_bundled]
    report = sync(store, [r for r in roots if r.exists()], now, exclude=replaced)
    report.warnings.extend(f"{r}: registered deck folder not found; skipped" for r in missing)
    return report


def adopt_bundled(store: Store, bundled: Path) -> None:
    """Make the store know the bundled decks at ``bundled``, wherever they were recorded before.

    The bundled decks are identified as bundled, not by path: a reinstall, an editable install or
    a new Python moves them, and the copy left behind must not turn every bundled card into a
    "duplicate id". The folder of the last sync is kept in ``meta``; stores from before that
    recorded it are recognised by the shape of the old folder (``.../quizapp/content`` in an
    installed package, or ``content`` next to a ``quizapp`` package in a source checkout).
    """
    bundled_text = str(bundled)
    row = store.conn.execute("SELECT value FROM meta WHERE key = ?", (BUNDLED_ROOT_KEY,)).fetchone()
    if row is not None and row[0] == bundled_text:
        return
    if row is not None:
        former = {row[0]}
    else:
        roots = {r[0] for r in store.conn.execute("SELECT DISTINCT root FROM files")}
        former = {r for r in roots if _looks_bundled(Path(r))}
    for old in sorted(former - {bundled_text}):
        relocate(store, Path(old), bundled)
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            (BUNDLED_ROOT_KEY, bundled_text),
        )


def _looks_bundled(root: Path) -> bool:
    """A folder that held quizapp's bundled decks: an installed package's or a checkout's."""
    if root.name != "content":
        return False
    return root.parent.name == "quizapp" or (root.parent / "quizapp" / "__init__.py").exists()


def is_bundled(source: Path) -> bool:
    """Whether ``source`` is one of the bundled decks (edits there are lost on reinstall)."""
    try:
        source.resolve().relative_to(paths.bundled_content().resolve())
    except ValueError:
        return False
    return True


def own_deck_folder(settings: config.Config) -> Path:
    """Where a copied deck goes: the first registered folder, else ``decks`` in the data folder."""
    if settings.deck_folders:
        return settings.deck_folders[0].expanduser().resolve()
    return paths.default_db_path().parent / "decks"


def copy_bundled(source: Path) -> Path:
    """Copy the bundled deck ``source`` into the user's own deck folder, to edit it there.

    The copy replaces the bundled deck from the next sync on (its cards keep their ids, so their
    history follows them), and the folder is registered if it was not. An existing copy is
    kept as it is. Returns the copy's path; its line numbers are the original's.
    """
    from quizapp.sync import write_atomically

    settings = config.load(paths.config_path())
    name = source.resolve().relative_to(paths.bundled_content().resolve())
    folder = own_deck_folder(settings)
    target = folder / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, source.read_bytes())
    if folder not in [f.expanduser().resolve() for f in settings.deck_folders]:
        settings.deck_folders.append(folder)
    if name.as_posix() not in settings.replaced_bundled:
        settings.replaced_bundled.append(name.as_posix())
    config.save(paths.config_path(), settings)
    return target

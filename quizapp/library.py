"""The set of decks a user studies: the bundled seed deck plus the folders they registered."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from quizapp import config, paths
from quizapp.deck_files import safe_resolve
from quizapp.store import Store
from quizapp.sync import SyncReport, sync


def deck_roots(settings: config.Config | None = None) -> list[Path]:
    """Bundled content first, then each registered folder that is not the same place."""
    settings = settings if settings is not None else config.load(paths.config_path())
    roots = [paths.bundled_content().resolve()]
    for folder in settings.deck_folders:
        folder = safe_resolve(folder.expanduser())
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
    missing = [r for r in roots if not r.exists()]
    report = sync(store, [r for r in roots if r.exists()], now, limits=settings.limits)
    report.warnings.extend(
        f"{r}: registered deck folder not found (or a symlink loop); skipped" for r in missing
    )
    return report

"""What every command shares: opening the store, syncing first, and reporting problems cleanly."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import click

from quizapp.cards import Problem
from quizapp.clock import utc_now
from quizapp.config import ConfigError
from quizapp.store import Store, StoreError
from quizapp.sync import SyncReport


@dataclass
class AppContext:
    db_path: Path

    def open_store(self) -> Store:
        """Open the store, taking the day's backup first thing (a failed backup only warns)."""
        try:
            store = Store.open(self.db_path)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc
        from quizapp.backup import BackupError, daily_if_due

        try:
            daily_if_due(store.conn, self.db_path, utc_now())
        except BackupError as exc:
            click.echo(f"warning: {exc}", err=True)
        return store


pass_app = click.make_pass_decorator(AppContext)


def report_problems(problems: Iterable[Problem]) -> None:
    """Print every problem as FILE:LINE: message (fix) on stderr and exit with status 1."""
    problems = sorted(problems)
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(f"{len(problems)} problem(s) found; nothing was changed.", err=True)
    raise SystemExit(1)


def sync_or_exit(store: Store, *, quiet: bool = False) -> SyncReport:
    """Sync the bundled and registered decks; on problems, print them and exit 1."""
    from quizapp.library import sync_all

    try:
        report = sync_all(store, utc_now())
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    show_report(report, quiet=quiet)
    return report


def show_report(report: SyncReport, *, quiet: bool = False) -> None:
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if report.problems:
        report_problems(report.problems)
    for path in report.ids_written:
        click.echo(f"wrote card ids into {path}", err=True)
    if not quiet:
        click.echo(f"synced: {report.summary()}")

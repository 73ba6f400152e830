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
    _exchange_on_exit: bool = False

    def open_store(self, *, exchange: bool = True) -> Store:
        """Open the store, taking the day's backup first thing (a failed backup only warns).

        With a sync folder set, the other machines' reviews are merged in now, and this
        machine's new ones are written out when the command ends.
        """
        try:
            store = Store.open(self.db_path)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc
        from quizapp.backup import BackupError, daily_if_due

        try:
            daily_if_due(store.conn, self.db_path, utc_now())
        except BackupError as exc:
            click.echo(f"warning: {exc}", err=True)
        if exchange:
            self._exchange_with_sync_folder(store)
        return store

    def _exchange_with_sync_folder(self, store: Store) -> None:
        from quizapp import config, paths

        try:
            folder = config.load(paths.config_path()).sync_dir
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from exc
        if folder is None:
            return
        from quizapp.cli.merge_cmds import exchange_or_exit

        exchange_or_exit(store, folder)
        context = click.get_current_context(silent=True)
        if context is not None and not self._exchange_on_exit:
            self._exchange_on_exit = True
            context.call_on_close(lambda: self._final_exchange(folder))

    def _final_exchange(self, folder: Path) -> None:
        """Write this command's answers to the sync folder (a failure only warns)."""
        from quizapp.cli.merge_cmds import exchange_or_exit

        try:
            with Store.open(self.db_path) as store:
                exchange_or_exit(store, folder)
        except (click.ClickException, StoreError) as exc:
            click.echo(f"warning: the sync folder was not updated: {exc}", err=True)


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

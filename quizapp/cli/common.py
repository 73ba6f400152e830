"""What every command shares: opening the store, syncing first, and reporting problems cleanly."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from quizapp.wording import plural

if TYPE_CHECKING:  # the core is imported by the commands that use it, so --help stays fast
    from quizapp.cards import Problem
    from quizapp.store import Store
    from quizapp.sync import SyncReport


@dataclass
class AppContext:
    db_path: Path

    def open_store(self) -> Store:
        from quizapp.store import Store, StoreError

        try:
            return Store.open(self.db_path)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc


pass_app = click.make_pass_decorator(AppContext)


def print_problems(problems: Iterable[Problem]) -> int:
    """Print every problem as FILE:LINE: message (fix) on stderr; return how many."""
    problems = sorted(problems)
    for problem in problems:
        click.echo(str(problem), err=True)
    return len(problems)


def report_problems(problems: Iterable[Problem]) -> NoReturn:
    """Print every problem and exit with status 1 (for commands that write nothing)."""
    count = print_problems(problems)
    click.echo(f"{plural(count, 'problem')} found.", err=True)
    raise SystemExit(1)


def sync_or_exit(store: Store, *, quiet: bool = False, strict: bool = False) -> SyncReport:
    """Sync the bundled and registered decks; see :func:`show_report` for what is printed."""
    from quizapp.clock import utc_now
    from quizapp.config import ConfigError
    from quizapp.library import sync_all

    try:
        report = sync_all(store, utc_now())
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    show_report(report, quiet=quiet, strict=strict)
    return report


def show_report(report: SyncReport, *, quiet: bool = False, strict: bool = False) -> None:
    """Print a sync's warnings, problems and summary.

    A file with a problem was left out and the rest synced, so commands that go on to use the
    store (due, review) carry on; ``strict`` (the sync command itself) exits 1 after printing.
    """
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if report.problems:
        count = print_problems(report.problems)
        click.echo(
            f"{plural(count, 'problem')}: {plural(len(report.rejected), 'file')} left out "
            "(their cards stay as they were); the other files were synced.",
            err=True,
        )
    for path in report.ids_written:
        click.echo(f"wrote card ids into {path}", err=True)
    if not quiet:
        click.echo(f"synced: {report.summary()}")
    if strict and report.problems:
        raise SystemExit(1)

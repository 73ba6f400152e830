"""What every command shares: opening the store, syncing first, and reporting problems cleanly."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import click

from quizapp.cards import Problem
from quizapp.clock import utc_now
from quizapp.store import BUSY_MESSAGE, Store
from quizapp.sync import SyncReport


@dataclass
class AppContext:
    db_path: Path

    def open_store(self, *, check: str = "auto") -> Store:
        """Open (and check) the store; a writer that must wait for another quizapp says so."""
        store = Store.open(self.db_path, check=check)
        store.on_busy = lambda: click.echo(BUSY_MESSAGE, err=True)
        return store


class QuizappGroup(click.Group):
    """The command group with the one error path: store, file and config failures reaching a
    command become one ``Error: FILE: cause; what to do`` line and exit status 1."""

    def invoke(self, ctx: click.Context) -> object:
        from quizapp.errors import HANDLED, explain

        try:
            return super().invoke(ctx)
        except HANDLED as exc:
            app = ctx.obj if isinstance(ctx.obj, AppContext) else None
            raise click.ClickException(explain(exc, db_path=app.db_path if app else None)) from exc


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

    report = sync_all(store, utc_now())
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

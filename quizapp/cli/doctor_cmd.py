"""``quizapp doctor``: check the store, and with --fix repair it after a backup."""

from __future__ import annotations

import click

from quizapp.cli.common import AppContext, pass_app
from quizapp.clock import utc_now
from quizapp.store import StoreError


@click.command()
@click.option("--fix", is_flag=True, help="Back up, then repair what can be repaired.")
@pass_app
def doctor(app: AppContext, fix: bool) -> None:
    """Check the store: SQLite integrity, foreign keys, schema version, orphan rows, duplicate
    review ids, and every schedule against its replayed review log.

    The exit status is 1 while a problem remains. --fix backs the store up first, then replays
    schedules, re-links reviews of unknown cards and removes orphan rows, and says what it did.
    """
    from quizapp import doctor as doctor_core

    try:
        report = (
            doctor_core.repair(app.db_path, utc_now()) if fix else doctor_core.examine(app.db_path)
        )
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Store: {app.db_path}")
    for finding in report.findings:
        mark = "ok  " if finding.ok else "FAIL"
        click.echo(f"{mark} {finding.check}: {finding.detail}")
    if report.backup:
        click.echo(f"backed up first to {report.backup}")
    for line in report.fixed:
        click.echo(f"fixed: {line}")
    if report.healthy:
        click.echo("The store is healthy.")
        return
    if report.repairable and not fix:
        click.echo("Run 'quizapp doctor --fix' to repair it (it backs up first).")
    raise SystemExit(1)

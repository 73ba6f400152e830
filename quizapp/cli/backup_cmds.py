"""Keeping the store safe: backup, list backups, restore one."""

from __future__ import annotations

from pathlib import Path

import click

from quizapp.cli.common import AppContext, pass_app
from quizapp.clock import utc_now


@click.command("backup")
@click.option(
    "--to",
    "dest",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the backup here instead of the backups folder beside the store.",
)
@pass_app
def backup_cmd(app: AppContext, dest: Path | None) -> None:
    """Back the store up now (SQLite's online backup, verified before it counts).

    Without --to, the backup goes into the backups folder beside the store, where quizapp also
    keeps its daily backups and those it takes before risky operations.
    """
    if dest is not None and dest.exists():
        raise click.ClickException(f"{dest} exists already (choose a new file name)")
    from quizapp import backup as backup_core  # here, not at start-up: see quizapp.cli

    with app.open_store() as store:
        try:
            made = backup_core.take(
                store.conn, app.db_path, backup_core.MANUAL, utc_now(), dest=dest
            )
        except backup_core.BackupError as exc:
            raise click.ClickException(str(exc)) from exc
    reviews, _ = backup_core.verify(made.path)
    click.echo(f"backed up {reviews} review(s) to {made.path} ({_size(made.size)})")


@click.command("backups")
@pass_app
def backups_cmd(app: AppContext) -> None:
    """List the store's backups, newest first: time, kind, size and review count."""
    from quizapp import backup as backup_core

    found = backup_core.list_backups(app.db_path)
    if not found:
        click.echo(f"No backups yet in {backup_core.backup_dir(app.db_path)}.")
        return
    click.echo(f"Backups in {backup_core.backup_dir(app.db_path)}:")
    for item in reversed(found):
        reviews, problem = backup_core.verify(item.path)
        count = f"DAMAGED: {problem}" if problem else f"{reviews} reviews"
        when = item.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")
        click.echo(f"{when}  {item.kind:<16} {_size(item.size):>8}  {count}  {item.path.name}")
    click.echo("Restore one with 'quizapp restore NAME'.")


@click.command("restore")
@click.argument("backup_name", metavar="BACKUP")
@pass_app
def restore_cmd(app: AppContext, backup_name: str) -> None:
    """Replace the store with BACKUP (a path, or a name from 'quizapp backups').

    The current store is backed up first (or, if it is too damaged for that, moved aside), so a
    restore can itself be undone. Close quizapp in other terminals before restoring.
    """
    from quizapp import backup as backup_core

    try:
        source = backup_core.resolve(app.db_path, backup_name)
        done = backup_core.restore(app.db_path, source, utc_now())
    except backup_core.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    if done.safety is not None:
        click.echo(f"the store you had is kept as {done.safety.path}")
    if done.moved_aside is not None:
        click.echo(f"the damaged store was moved aside to {done.moved_aside}")
    click.echo(f"restored {done.reviews} review(s) from {source}")
    click.echo("Run 'quizapp doctor' to check it.")


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} kB"
    return f"{size / 1024 / 1024:.1f} MB"

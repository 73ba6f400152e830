"""Merging review logs: another store once (merge), or every machine through a sync folder."""

from __future__ import annotations

from pathlib import Path

import click

from quizapp import config, paths
from quizapp.cli.common import AppContext, pass_app
from quizapp.clock import utc_now
from quizapp.config import ConfigError


@click.command()
@click.argument("other", type=click.Path(dir_okay=False, path_type=Path))
@pass_app
def merge(app: AppContext, other: Path) -> None:
    """Merge the review history of the store OTHER (another machine's quizapp.db) into yours.

    Reviews, undos, suspensions, buries and parameter events (adopted FSRS fits, chosen
    retentions) are united by id and every changed card is replayed through FSRS with the
    settings of each review's time, so merging in either direction gives the same schedules.
    OTHER is only read. Your store is backed up first when the merge brings anything new.
    """
    from quizapp.backup import BackupError
    from quizapp.merge.stores import MergeError, merge_store

    with app.open_store() as store:
        try:
            report = merge_store(store, other, utc_now())
        except (MergeError, BackupError) as exc:
            raise click.ClickException(str(exc)) from exc
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"merged {other}: {report.summary()}")


@click.command("sync-dir")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--remember", is_flag=True, help="Save FOLDER as the sync_dir setting.")
@click.option("--forget", is_flag=True, help="Clear the sync_dir setting.")
@pass_app
def sync_dir(app: AppContext, folder: Path | None, remember: bool, forget: bool) -> None:
    """Exchange review history with your other machines through FOLDER (a folder you sync with
    Syncthing, Dropbox, iCloud, git, a USB stick...).

    Each machine appends its reviews to its own file there and reads the others'. With
    --remember, every quizapp command does this on start and on exit. Without FOLDER, uses the
    sync_dir setting.
    """
    try:
        settings = config.load(paths.config_path())
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    if forget:
        settings.sync_dir = None
        config.save(paths.config_path(), settings)
        click.echo("sync_dir cleared")
        return
    folder = folder or settings.sync_dir
    if folder is None:
        raise click.ClickException(
            "no folder given and no sync_dir set (run 'quizapp sync-dir FOLDER --remember')"
        )
    if remember:
        settings.sync_dir = folder.expanduser().resolve()
        config.save(paths.config_path(), settings)
        click.echo(f"sync_dir set to {settings.sync_dir}")
    with app.open_store(exchange=False) as store:
        report = exchange_or_exit(store, folder)
    click.echo(report.summary())


def exchange_or_exit(store, folder: Path):
    """One exchange with the sync folder; warnings on stderr, a clear error instead of a trace."""
    from quizapp.backup import BackupError
    from quizapp.merge.folder import FolderError, exchange

    try:
        report = exchange(store, folder, utc_now())
    except (FolderError, BackupError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    return report

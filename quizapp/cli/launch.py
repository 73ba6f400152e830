"""Start the terminal app, or the plain review where a full-screen app cannot run."""

from __future__ import annotations

import sys

import click

from quizapp.cli.common import AppContext


def launch_app(app: AppContext, *, deck: str | None = None) -> None:
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        click.echo("Not a terminal: starting the plain review (see 'quizapp review --plain').")
        _plain(app, deck)
        return
    try:
        from quizapp.tui.app import run
    except ImportError:
        _plain(app, deck)
        return
    status = run(app.db_path, deck=deck)
    if status:
        raise SystemExit(status)


def _plain(app: AppContext, deck: str | None) -> None:
    from quizapp.cli import plain_review
    from quizapp.cli.common import sync_or_exit

    with app.open_store() as store:
        sync_or_exit(store, quiet=True)
        plain_review.run(store, sys.stdin, deck=deck)

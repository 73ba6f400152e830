"""Studying commands: review, due, stats, rebuild."""

from __future__ import annotations

import sys

import click

from quizapp.cli.common import AppContext, echo_wrapped, pass_app, sync_or_exit
from quizapp.cli.optimize_cmd import refit_if_due
from quizapp.clock import utc_now
from quizapp.wording import plural


@click.command()
@click.option("--plain", is_flag=True, help="Line-based review on stdin/stdout (pipes, ssh).")
@click.option("--deck", default=None, help="Only this deck (and decks nested under it).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Stop after N answers.")
@click.option(
    "--confidence",
    is_flag=True,
    help="With --plain: say how sure you are before each reveal (for the calibration chart).",
)
@pass_app
def review(
    app: AppContext, plain: bool, deck: str | None, limit: int | None, confidence: bool
) -> None:
    """Review the cards due today. Opens the terminal app unless --plain is given."""
    if not plain:
        from quizapp.cli.launch import launch_app

        launch_app(app, deck=deck)
        return
    from quizapp.cli import plain_review

    with app.open_store() as store:
        sync_or_exit(store, quiet=True)
        refit_if_due(store)
        plain_review.run(store, sys.stdin, deck=deck, limit=limit, confidence=confidence)


@click.command()
@pass_app
def due(app: AppContext) -> None:
    """Show how many cards each deck has for today: learning, due reviews, new."""
    from quizapp import review as review_core
    from quizapp.clock import utc_now

    with app.open_store() as store:
        sync_or_exit(store, quiet=True)
        refit_if_due(store)
        counts = review_core.deck_counts(store, utc_now())
    if not counts:
        click.echo("No decks yet. Add one with 'quizapp decks add FOLDER'.")
        return
    width = max(len(c.deck) for c in counts)
    click.echo(f"{'deck':<{width}}  learning  due  new  total")
    for c in counts:
        click.echo(f"{c.deck:<{width}}  {c.learning:>8}  {c.due:>3}  {c.new:>3}  {c.total:>5}")
    total = sum(c.today for c in counts)
    click.echo(f"{plural(total, 'card')} to study today.")


@click.command()
@pass_app
def stats(app: AppContext) -> None:
    """Print a summary: cards by state, reviews, streak, retention, quiz scores, and the
    workload of the next 30 days (answers expected each day, as a text chart)."""
    from quizapp import forecast
    from quizapp import stats as stats_core
    from quizapp.clock import utc_now

    now = utc_now()
    with app.open_store() as store:
        text = stats_core.summary_text(store, now)
        workload = forecast.workload_forecast(store, now)
    for line in [*text.splitlines(), f"workload     {forecast.summary_line(workload)}"]:
        echo_wrapped(line, "", " " * 13)  # continued under the value, not the label
    for line in forecast.text_chart(workload, width=78):  # indented: 80 columns in all
        click.echo(f"  {line}")


@click.command()
@pass_app
def rebuild(app: AppContext) -> None:
    """Recompute every card's schedule by replaying the review log through FSRS.

    The review log is the source of truth; use this after restoring or merging a database.
    The store is backed up first.
    """
    from quizapp import review as review_core
    from quizapp.backup import BackupError, before

    with app.open_store() as store:
        try:
            before(store.conn, app.db_path, "rebuild", utc_now())
        except BackupError as exc:
            raise click.ClickException(f"{exc}; nothing was rebuilt") from exc
        count = review_core.rebuild(store)
    click.echo(f"rebuilt the schedule of {plural(count, 'card')} from the review log")

"""``quizapp optimize``: fit FSRS to your history, and choose a desired retention per deck."""

from __future__ import annotations

import click

from quizapp.cli.common import AppContext, pass_app, sync_or_exit
from quizapp.clock import utc_now
from quizapp.store import Store

MIN_RETENTION, MAX_RETENTION = 0.7, 0.97


@click.command()
@click.option("--deck", default=None, help="Fit on this deck (and decks under it) only.")
@click.option(
    "--desired-retention",
    type=click.FloatRange(MIN_RETENTION, MAX_RETENTION),
    default=None,
    help=f"Also set the deck's desired retention ({MIN_RETENTION}-{MAX_RETENTION}).",
)
@click.option("--dry-run", is_flag=True, help="Fit and judge, but adopt nothing.")
@pass_app
def optimize(
    app: AppContext, deck: str | None, desired_retention: float | None, dry_run: bool
) -> None:
    """Fit FSRS parameters on your own reviews and adopt them if they predict you better.

    The latest 20% of your reviews (by time) are held out: the fit is adopted only when its log
    loss there beats fsrs's defaults, the parameters in use and a constant retention. Adopted
    parameters schedule every review from now on and are kept in the log, so 'quizapp rebuild'
    and merged stores replay them. Also prints the workload each desired retention implies.
    """
    from quizapp.fitting.fit import optimize as fit

    with app.open_store() as store:
        sync_or_exit(store, quiet=True)
        if deck is not None and not _deck_exists(store, deck):
            raise click.ClickException(f"no deck named {deck!r}; see 'quizapp decks' for the names")
        report = fit(store, utc_now(), deck, adopt=not dry_run)
        show_fit(report)
        if desired_retention is not None:
            set_retention(store, deck, desired_retention, dry_run=dry_run)
        show_workload(store, deck)


def show_fit(report) -> None:
    if report.scores:
        click.echo(
            f"Held out: the latest {report.test_items} review(s) a day or more after the one "
            "before (20% of the history by time)."
        )
        click.echo(f"{'model':<10} {'log loss':>9} {'RMSE(bins)':>11} {'AUC':>6}")
        for name, s in report.scores.items():
            auc = f"{s.auc:.3f}" if s.auc is not None else "-"
            click.echo(f"{name:<10} {s.log_loss:>9.4f} {s.rmse_bins:>11.4f} {auc:>6}")
    click.echo(report.message)


def set_retention(store: Store, deck: str | None, retention: float, *, dry_run: bool) -> None:
    from quizapp.fitting import events

    scope = f"deck {deck}" if deck else "every deck"
    if dry_run:
        click.echo(f"Would set the desired retention of {scope} to {retention:.0%}.")
        return
    events.record(store, events.ParameterEvent(at=utc_now(), deck=deck, retention=retention))
    click.echo(
        f"Desired retention of {scope} is now {retention:.0%} (from the next review on; it "
        "overrides the deck file's 'retention')."
    )


def show_workload(store: Store, deck: str | None) -> None:
    from quizapp import review
    from quizapp.fitting import workload

    sql = "SELECT COUNT(*), MAX(d.new_per_day) FROM schedule s JOIN decks d ON d.name = s.deck"
    sql += " WHERE s.queue != 3"
    clause, args = review.deck_clause(deck)
    size, new_per_day = store.conn.execute(sql + clause.replace("deck", "s.deck"), args).fetchone()
    if not size:
        return
    name = deck or _any_deck(store)
    settings = review.settings_of(store, name, utc_now()) if name else None
    parameters = (settings.parameters if settings else None) or _defaults()
    current = settings.retention if settings else 0.9
    click.echo(f"\nWorkload by desired retention ({size} cards, {new_per_day} new a day, a year):")
    click.echo(f"{'retention':>9} {'reviews/day':>12} {'minutes/day':>12} {'remembered':>11}")
    for w in workload.table(parameters, deck_size=size, new_per_day=new_per_day or 1):
        mark = "  <- now" if abs(w.retention - current) < 1e-9 else ""
        click.echo(
            f"{w.retention:>9.0%} {w.reviews_per_day:>12.1f} {w.minutes_per_day:>12.1f}"
            f" {w.remembered:>11.0f}{mark}"
        )


def _defaults():
    from quizapp.fitting.fit import default_parameters

    return default_parameters()


def _deck_exists(store: Store, deck: str) -> bool:
    from quizapp.review import deck_clause

    clause, args = deck_clause(deck)
    return store.conn.execute(f"SELECT 1 FROM schedule WHERE 1{clause} LIMIT 1", args).fetchone()


def _any_deck(store: Store) -> str | None:
    row = store.conn.execute("SELECT name FROM decks ORDER BY name LIMIT 1").fetchone()
    return row[0] if row else None


def refit_if_due(store: Store) -> None:
    """Re-fit, with a notice, every fit whose deck has twice the reviews it was fitted on."""
    from quizapp.fitting import refit

    for done in refit.refit_if_due(store, utc_now()):
        click.echo(f"notice: {done.reason}; re-fitted the FSRS parameters.", err=True)
        click.echo(f"notice: {done.outcome}", err=True)

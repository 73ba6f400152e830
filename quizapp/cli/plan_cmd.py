"""``quizapp plan``: study for an interview date; the forecast as text and PNG."""

from __future__ import annotations

import sys
import textwrap
from datetime import datetime
from pathlib import Path

import click

from quizapp.cli.common import AppContext, pass_app, sync_or_exit
from quizapp.clock import utc_now
from quizapp.planning.request import interview_moment


@click.command()
@click.option(
    "--date",
    "when",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The interview date, YYYY-MM-DD.",
)
@click.option("--deck", default=None, help="Only this deck (and decks nested under it).")
@click.option(
    "--minutes-per-day",
    type=click.FloatRange(min=1),
    default=30,
    show_default=True,
    help="Daily study budget.",
)
@click.option(
    "--png",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to draw the forecast (default: plan.png in the charts folder).",
)
@click.option("--study", is_flag=True, help="Then study today's part of the plan, line by line.")
@pass_app
def plan(
    app: AppContext,
    when: datetime,
    deck: str | None,
    minutes_per_day: float,
    png: Path | None,
    study: bool,
) -> None:
    """Plan each day until an interview so the deck is best remembered on that date.

    New cards come first, and reviews of cards likely to be forgotten by the date are pulled
    earlier. Prints the day-by-day forecast of predicted recall (FSRS) on the date and draws it
    as a PNG; warns when the budget cannot cover the deck. The plan saves nothing: '--study'
    makes ordinary reviews, and after the date the deck is scheduled as usual.
    """
    from quizapp.planning.chart import plan_png, text_chart
    from quizapp.planning.planner import build_plan

    now = utc_now()
    target = interview_moment(when.date())
    if target <= now:
        raise click.ClickException(f"{when:%Y-%m-%d} is not in the future; give a later --date")
    with app.open_store() as store:
        sync_or_exit(store, quiet=True)
        try:
            result = build_plan(store, now, target, minutes_per_day, deck=deck)
        except ValueError as exc:
            where = f"deck {deck!r}" if deck else "any deck"
            raise click.ClickException(f"{exc} in {where}; see 'quizapp due'") from exc
        click.echo(
            f"Plan for {target:%a %d %b %Y} 09:00: {result.cards} card(s), "
            f"{minutes_per_day:g} min a day, {len(result.days)} study day(s)."
        )
        for line in text_chart(result):
            click.echo(line)
        click.echo(
            f"Predicted recall on the date: {result.recall_on_date:.1%} with the plan,"
            f" {result.recall_now:.1%} if you stop now."
        )
        if result.warning:
            advice = "Raise --minutes-per-day or narrow the deck."
            click.echo(textwrap.fill(f"warning: {result.warning} {advice}", 80), err=True)
        from quizapp.charts import default_export_dir

        path = plan_png(result, png or default_export_dir() / "plan.png")
        click.echo(f"chart: {path}")
        if study and result.days:
            from quizapp.cli.drill_cmd import run

            today = result.days[0]
            click.echo("Today's plan: ordinary reviews (they update your schedule).")
            run(store, [*today.new, *today.reviews], sys.stdin, mode="review")
            if today.new:
                click.echo("New cards have learning steps due soon: 'quizapp review' serves them.")

"""``quizapp export``: your data out in open formats."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from quizapp.cli.common import AppContext, pass_app


@click.group()
def export() -> None:
    """Export your data in open formats (see 'quizapp export reviews --help')."""


@export.command("reviews")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl", "fsrs"]),
    default="csv",
    show_default=True,
    help="csv / jsonl: every review; fsrs: the FSRS optimizer's revlog CSV.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (default: standard output).",
)
@pass_app
def export_reviews(app: AppContext, fmt: str, out: Path | None) -> None:
    """Export the review log: every review with card id, deck, time, rating, score, mode,
    duration, quiz, whether it was undone and the typed answer.

    --format fsrs writes card_id, review_time, review_rating, review_state and review_duration
    for each answer that counts for the schedule, as the FSRS optimizer reads them.
    """
    from quizapp.interop.reviews import write

    with app.open_store(exchange=False) as store:
        if out is None:
            write(store, fmt, sys.stdout)
            return
        out.parent.mkdir(parents=True, exist_ok=True)
        part = out.with_name(out.name + ".part")
        with part.open("w", encoding="utf-8", newline="") as handle:
            count = write(store, fmt, handle)
        part.replace(out)
    click.echo(f"wrote {count} row(s) to {out}", err=True)

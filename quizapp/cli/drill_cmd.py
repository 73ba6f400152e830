"""``quizapp drill``: cram the weakest cards; answers are logged but never move the schedule."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TextIO

import click

from quizapp.cli.common import AppContext, pass_app, sync_or_exit
from quizapp.clock import utc_now

if TYPE_CHECKING:  # imported when a drill runs, not for every command's start-up
    from quizapp.store import Store


@click.command()
@click.option("--deck", default=None, help="Only this deck (and decks nested under it).")
@click.option("--tag", default=None, help="Only cards with this tag.")
@click.option(
    "--weakest",
    "limit",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="How many of the weakest cards to drill.",
)
@click.option("--list", "list_only", is_flag=True, help="Only list the cards, do not drill.")
@pass_app
def drill(app: AppContext, deck: str | None, tag: str | None, limit: int, list_only: bool) -> None:
    """Drill (cram) the cards you are weakest on, line by line.

    Weakest means lowest predicted recall now (FSRS) or lowest success over the last few answers.
    Drill answers are saved with mode 'cram': they show in your history but do not change when
    any card is due, so cramming before an interview never distorts the daily schedule.
    """
    from quizapp import drill as drill_core

    with app.open_store() as store:
        sync_or_exit(store, quiet=True)
        if tag is not None and tag not in drill_core.tags(store):
            known = ", ".join(sorted(drill_core.tags(store))) or "none yet"
            raise click.ClickException(f"no card has the tag {tag!r} (tags in use: {known})")
        chosen = drill_core.weakest(store, utc_now(), deck=deck, tag=tag, limit=limit)
        if not chosen:
            click.echo("Nothing to drill yet: drills pick from cards you have answered before.")
            return
        click.echo(f"{len(chosen)} weakest card(s):")
        for n, weak in enumerate(chosen, start=1):
            click.echo(f"{n:>3}. {weak.prompt[:50]:<50}  {weak.reason}")
        if list_only:
            return
        click.echo("Cram session: answers are saved but do not move any card's schedule.")
        run(store, [w.card_id for w in chosen], sys.stdin)


def run(store: Store, card_ids: list[str], stream: TextIO, *, mode: str = "cram") -> int:
    """Ask each card once; ``:q`` stops, ``:s`` skips. Returns the number of answers saved.

    ``mode='cram'`` (drills) leaves the schedule alone; ``mode='review'`` (a plan's day) is an
    ordinary review that reschedules the card.
    """
    from quizapp import review
    from quizapp.cli.plain_review import _Quit, _read_answer, show_card, show_verdict
    from quizapp.grading import choice_order, grade
    from quizapp.schedule import RATINGS
    from quizapp.wording import plural

    saved = 0
    try:
        for left, card_id in zip(range(len(card_ids), 0, -1), card_ids, strict=True):
            card = review.get_card(store, card_id)
            # Shuffled anew for each answer the card has had (cram answers leave reps alone).
            answers = len(review.history(store, card_id)) if card.choices else 0
            order = choice_order(card, answers) if card.choices else None
            show_card(card, "drill" if mode == "cram" else "plan", left, order)
            typed = _read_answer(card, stream, order)
            if typed.lower() in (":q", ":quit"):
                break
            if typed.lower() in (":s", ":skip"):
                continue
            verdict = grade(card, typed)
            show_verdict(card, verdict, typed, order)
            rating = _ask(verdict.suggested_rating, stream)
            if rating is None:
                break
            review.answer(
                store, card_id, rating, utc_now(), typed=typed, score=verdict.value, mode=mode
            )
            saved += 1
            note = " (cram: the schedule is unchanged)" if mode == "cram" else ""
            click.echo(f"saved: {RATINGS[rating]}{note}")
    except _Quit:
        pass
    click.echo(f"{plural(saved, 'drill answer' if mode == 'cram' else 'answer')} saved.")
    return saved


def _ask(suggested: int | None, stream: TextIO) -> int | None:
    from quizapp.cli.plain_review import _read_line
    from quizapp.schedule import RATINGS

    options = "  ".join(f"{n} {name}" for n, name in RATINGS.items())
    default = f"Enter = {suggested} {RATINGS[suggested]}, " if suggested else ""
    while True:
        click.echo(f"{options}\nRate [{default}q quit]: ", nl=False)
        choice = _read_line(stream).strip().lower().lstrip(":")
        if choice == "" and suggested:
            return suggested
        if choice == "q":
            return None
        if choice in {"1", "2", "3", "4"}:
            return int(choice)
        click.echo("Please type 1, 2, 3 or 4 (or q).")

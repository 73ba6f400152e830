"""``quizapp quiz``: a mock interview on the command line."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

import click

from quizapp.cli.common import AppContext, pass_app, sync_or_exit

if TYPE_CHECKING:
    from quizapp import quiz as quiz_core


@click.command()
@click.option("--deck", default=None, help="Only questions from this deck (and decks under it).")
@click.option(
    "--n",
    "count",
    type=click.IntRange(min=1),
    default=8,
    show_default=True,
    help="Number of questions.",
)
@click.option(
    "--minutes",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Time limit; questions not reached count as zero.",
)
@click.option("--seed", type=int, default=None, help="Draw the same questions again.")
@pass_app
def quiz(
    app: AppContext, deck: str | None, count: int, minutes: float | None, seed: int | None
) -> None:
    """A mock interview: N questions regardless of the schedule, typed answers, then a report.

    Answers are scored against each card's key points; the report shows every question's score,
    what was missed and the time taken, and compares the total with your previous quiz of the
    same deck. Quiz answers are saved but do not change when cards are due.
    """
    from quizapp import quiz as quiz_core
    from quizapp.cli.plain_review import _Quit, _read_answer, show_card
    from quizapp.clock import utc_now
    from quizapp.grading import choice_order, grade
    from quizapp.review import get_card

    with app.open_store() as store:
        sync_or_exit(store, quiet=True)
        card_ids = quiz_core.draw_questions(store, count, deck=deck, seed=seed)
        if not card_ids:
            raise click.ClickException("no scorable cards to quiz on (open, cloze or choice)")
        begun = utc_now()
        quiz_id = quiz_core.start(store, card_ids, begun, deck=deck)
        deadline = time.monotonic() + minutes * 60 if minutes else None
        stream = sys.stdin
        try:
            for number, card_id in enumerate(card_ids, start=1):
                if deadline is not None and time.monotonic() >= deadline:
                    click.echo("\nTime is up.")
                    break
                card = get_card(store, card_id)
                left = "" if deadline is None else f" · {_clock(deadline - time.monotonic())} left"
                click.secho(f"\nQuestion {number} of {len(card_ids)}{left}", bold=True)
                order = choice_order(card, begun.isoformat()) if card.choices else None
                show_card(card, card.type.value, len(card_ids) - number + 1, order)
                started = time.monotonic()
                typed = _read_answer(card, stream, order)
                if typed.strip().lower() in (":q", ":quit"):
                    break
                seconds = time.monotonic() - started
                quiz_core.record(
                    store, quiz_id, card, typed, grade(card, typed), utc_now(), seconds=seconds
                )
        except _Quit:
            pass
        report = quiz_core.finish(store, quiz_id, utc_now(), card_ids)
    click.echo(format_report(report))


def _clock(seconds: float) -> str:
    seconds = max(int(seconds), 0)
    return f"{seconds // 60}:{seconds % 60:02d}"


def format_report(report: quiz_core.QuizReport) -> str:
    lines = ["", click.style("Quiz report", bold=True)]
    for n, result in enumerate(report.results, start=1):
        status = f"{result.score:>4.0%}" if result.answered else "  --"
        timing = f"{result.seconds:5.0f}s" if result.answered else "  not reached"
        prompt = result.prompt.splitlines()[0]
        lines.append(f"{n:>2}. {status} {timing}  {prompt[:70]}")
        for missed in result.missed:
            lines.append(f"          missed: {missed}")
    lines.append("")
    total = f"Total: {report.score:.0%}"
    if report.change is not None:
        total += f" ({report.change:+.0%} against the previous quiz, {report.previous:.0%})"
    else:
        total += " (first quiz of this deck)"
    lines.append(click.style(total, bold=True))
    return "\n".join(lines)

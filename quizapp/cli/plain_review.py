"""The line-based review: prompt, typed answer on stdin, model answer, rating 1-4.

It works over pipes and ssh and in terminals where a full-screen app cannot run. Every answer is
committed by :func:`quizapp.review.answer` before the next card is printed. Lines starting with
``:`` are commands wherever an answer is read: ``:q`` quits, ``:s`` skips, ``:u`` undoes.
"""

from __future__ import annotations

from typing import TextIO

import click

from quizapp import review
from quizapp.cards import Card, CardType
from quizapp.clock import utc_now
from quizapp.grading import Grade, display_order
from quizapp.schedule import RATINGS, format_interval
from quizapp.session import QUEUE_NAMES, ReviewSession
from quizapp.store import Store


class _Quit(Exception):
    """The user asked to stop, or stdin ended."""


def _read_line(stream: TextIO) -> str:
    line = stream.readline()
    if line == "":
        raise _Quit
    return line.rstrip("\n").rstrip("\r")


def _read_answer(card: Card, stream: TextIO) -> str:
    """Read what the card type needs; a lone ``:x`` command is returned as typed."""
    if card.type is CardType.OPEN:
        click.echo("Your answer (end with an empty line):")
        lines: list[str] = []
        while True:
            line = _read_line(stream)
            if not lines and line.strip().startswith(":"):
                return line.strip()
            if not line.strip():
                if lines:
                    return "\n".join(lines)
                continue
            lines.append(line)
    if card.type is CardType.CLOZE:
        hint = " (several gaps: separate with ';')" if len(card.expected) > 1 else ""
        click.echo(f"Fill the gap{hint}:")
    elif card.type is CardType.CHOICE:
        click.echo("Your pick (e.g. 2, or 1 3 if several are right):")
    elif card.type is CardType.NUMERIC:
        click.echo("Your number (units allowed, e.g. 0.25, 1e-3, 0.1%, 2.5 ms):")
    elif card.type is CardType.ORDERED:
        click.echo("The numbers in the right order (e.g. 3 1 2):")
    else:
        click.echo("Think of the answer, then press Enter to see it.")
    return _read_line(stream).strip()


def show_card(card: Card, label: str, left: int) -> None:
    click.echo("")
    click.secho(f"── {card.deck} · {label} · {left} left ──", dim=True)
    click.secho(card.prompt, bold=True)
    for n, choice in enumerate(card.choices, start=1):
        click.echo(f"  {n}. {choice.text}")
    if card.type is CardType.ORDERED:
        for n, index in enumerate(display_order(card), start=1):
            click.echo(f"  {n}. {card.expected[index]}")


def show_verdict(card: Card, verdict: Grade) -> None:
    click.echo("")
    click.secho("Model answer:", underline=True)
    click.echo(card.answer or "(no answer text)")
    if verdict.value is not None:
        click.echo("")
        click.secho(f"Score: {verdict.value:.0%}", bold=True)
        for point in verdict.points:
            mark = click.style("✓", fg="green") if point.covered else click.style("✗", fg="red")
            matched = f'  ← "{point.matched}"' if point.matched else ""
            click.echo(f"  {mark} {point.text}{matched}")


def _ask_rating(intervals: dict[int, str], suggested: int | None, stream: TextIO) -> str:
    options = "  ".join(f"{n} {RATINGS[n]} ({intervals[n]})" for n in RATINGS)
    default = f"Enter = {suggested} {RATINGS[suggested]}, " if suggested else ""
    while True:
        click.echo(f"{options}\nRate [{default}u undo last, s skip, q quit]: ", nl=False)
        choice = _read_line(stream).strip().lower().lstrip(":")
        if choice == "" and suggested:
            return str(suggested)
        if choice in {"1", "2", "3", "4", "u", "s", "q"}:
            return choice
        click.echo("Please type 1, 2, 3 or 4 (or u, s, q).")


def _ask_confidence(stream: TextIO) -> int | None:
    """One optional key before the reveal: 1 unsure, 2 fairly sure, 3 sure, Enter to skip."""
    click.echo("How sure are you? [1 unsure, 2 fairly sure, 3 sure, Enter skip]: ", nl=False)
    choice = _read_line(stream).strip()
    return int(choice) if choice in {"1", "2", "3"} else None


def run(
    store: Store,
    stream: TextIO,
    *,
    deck: str | None = None,
    limit: int | None = None,
    confidence: bool = False,
) -> int:
    """Review until nothing is due, ``limit`` cards are answered, or the user quits.

    The session logic (what comes next, skips, undo) is :class:`quizapp.session.ReviewSession`,
    the same one the terminal app drives. With ``confidence`` each answer is followed, before
    the reveal, by an optional "how sure are you?" (stored for the calibration chart). Returns
    the number of answers kept.
    """
    session = ReviewSession(store, utc_now, deck=deck)
    undone_card: Card | None = None
    try:
        while limit is None or len(session.answers) < limit:
            card = undone_card or session.next()
            undone_card = None
            if card is None:
                click.echo(
                    "\nNothing more is due. Well done." if session.answers else "\nNothing is due."
                )
                break
            assert session.state is not None
            show_card(card, QUEUE_NAMES[session.state.queue], session.remaining().total)
            typed = _read_answer(card, stream)
            command = typed.lower() if typed.startswith(":") else ""
            if command in (":q", ":quit"):
                break
            if command in (":s", ":skip"):
                session.skip()
                continue
            if command in (":u", ":undo"):
                undone_card = _undo(session)
                continue
            sure = _ask_confidence(stream) if confidence else None
            verdict = session.judge(typed)
            show_verdict(card, verdict.grade)
            suggested = verdict.suggested if verdict.grade.suggested_rating else None
            choice = _ask_rating(verdict.intervals, suggested, stream)
            if choice == "q":
                break
            if choice == "s":
                session.skip()
                continue
            if choice == "u":
                undone_card = _undo(session)
                continue
            answered = session.rate(int(choice), typed, verdict.grade.value, confidence=sure)
            click.echo(f"saved: {RATINGS[int(choice)]}, next in {_next_in(answered)}")
    except _Quit:
        pass
    click.echo(f"{len(session.answers)} answer(s) saved.")
    return len(session.answers)


def _next_in(answered: review.Answered) -> str:
    return format_interval(answered.after.due - utc_now())


def _undo(session: ReviewSession) -> Card | None:
    """Undo the session's latest answer; its card comes back to be answered again."""
    card = session.undo()
    if card is None:
        click.echo("Nothing to undo.")
        return None
    click.echo("Undone: that card's previous schedule is back.")
    return card

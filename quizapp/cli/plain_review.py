"""The line-based review: prompt, typed answer on stdin, model answer, rating 1-4.

It works over pipes and ssh and in terminals where a full-screen app cannot run. Every answer is
committed by :func:`quizapp.review.answer` before the next card is printed. Every prompt takes
the same commands, shown on it: ``s`` skips, ``u`` undoes, ``q`` quits (``:s``, ``:u``, ``:q``
too; a cloze gap, whose answer could be a single letter, takes only the ``:`` forms).
"""

from __future__ import annotations

from typing import TextIO

import click

from quizapp import review
from quizapp.cards import Card, CardType
from quizapp.cli.common import echo_markdown, echo_wrapped
from quizapp.clock import utc_now
from quizapp.grading import Grade, display_order, parse_choice, picks_in_deck_order, summary
from quizapp.schedule import RATINGS, format_interval
from quizapp.session import QUEUE_NAMES, ReviewSession
from quizapp.store import Store
from quizapp.wording import plural


class _Quit(Exception):
    """The user asked to stop, or stdin ended."""


def _read_line(stream: TextIO) -> str:
    line = stream.readline()
    if line == "":
        raise _Quit
    return line.rstrip("\n").rstrip("\r")


COMMANDS = "s skip, u undo, q quit"
NAMES = {"s": "s", "skip": "s", "u": "u", "undo": "u", "q": "q", "quit": "q"}


def _command(typed: str, *, bare: bool = True) -> str:
    """``s``, ``u`` or ``q`` if ``typed`` is that command, else "".

    Every prompt takes the same commands, with or without a leading ``:``. Only a cloze gap,
    whose answer could be one letter, needs the ``:`` (``:s``).
    """
    word = typed.strip().lower()
    if word.startswith(":"):
        return NAMES.get(word[1:], "")
    return NAMES.get(word, "") if bare else ""


def _read_answer(card: Card, stream: TextIO, order: list[int] | None = None) -> str:
    """Read what the card type needs; a command comes back as typed (see :func:`_command`).

    A choice card's picks are typed as the options were shown (in ``order``) and come back
    numbered as in the deck, which is what the grader and the store take.
    """
    if card.type is CardType.OPEN:
        click.echo(
            f"Your answer (end with an empty line; an empty line alone shows the answer; "
            f"{COMMANDS}):"
        )
        lines: list[str] = []
        while True:
            try:
                line = _read_line(stream)
            except _Quit:
                if not lines:
                    raise
                return "\n".join(lines)  # input ended the answer: it is still scored
            if not lines and _command(line):
                return line.strip()
            if not line.strip():
                return "\n".join(lines)
            lines.append(line)
    if card.type is CardType.CLOZE:
        hint = "several gaps: separate with ';'; " if len(card.expected) > 1 else ""
        click.echo(f"Fill the gap ({hint}:s skip, :u undo, :q quit):")
    elif card.type is CardType.CHOICE:
        click.echo(f"Your pick (e.g. 2, or 1 3 if several are right; {COMMANDS}):")
        while True:
            typed = _read_line(stream).strip()
            if _command(typed):
                return typed
            picked = parse_choice(typed, len(card.choices))
            if picked is not None:
                return picks_in_deck_order(picked, order or range(len(card.choices)))
            click.echo(f"Please type option numbers from 1 to {len(card.choices)}, e.g. 2 or 1 3.")
    elif card.type is CardType.NUMERIC:
        click.echo(f"Your number (units allowed, e.g. 0.25, 1e-3, 0.1%, 2.5 ms; {COMMANDS}):")
    elif card.type is CardType.ORDERED:
        click.echo(f"The numbers in the right order (e.g. 3 1 2; {COMMANDS}):")
    else:
        click.echo(f"Think of the answer, then press Enter to see it ({COMMANDS}):")
    return _read_line(stream).strip()


def show_card(card: Card, label: str, left: int, order: list[int] | None = None) -> None:
    """The card's header and question; a choice card's options in ``order`` (its shuffle)."""
    click.echo("")
    click.secho(f"── {card.deck} · {label} · {left} left ──", dim=True)
    click.secho(card.prompt, bold=True)
    for n, index in enumerate(_shown(card, order), start=1):
        click.echo(f"  {n}. {card.choices[index].text}")
    if card.type is CardType.ORDERED:
        for n, index in enumerate(display_order(card), start=1):
            click.echo(f"  {n}. {card.expected[index]}")


def _shown(card: Card, order: list[int] | None) -> list[int]:
    return list(order) if order is not None else list(range(len(card.choices)))


def choice_lines(card: Card, typed: str, order: list[int] | None = None) -> list[str]:
    """Each option with what happened to it, in words as well as marks (no colour needed).

    Only a wrong decision gets a ✗; an unpicked wrong option gets no mark at all, not a ✓.
    ``typed`` numbers the options as in the deck; they are listed as shown (``order``).
    """
    picked = parse_choice(typed, len(card.choices)) or set()
    lines = []
    for n, index in enumerate(_shown(card, order), start=1):
        choice = card.choices[index]
        if index + 1 in picked:
            mark, note = ("✓", "picked, correct") if choice.correct else ("✗", "picked, wrong")
        else:
            mark, note = ("✗", "missed: this one is correct") if choice.correct else (" ", "")
        lines.append(f"  {mark} {n}. {choice.text}" + (f"  ({note})" if note else ""))
    return lines


#: Colour (and boldness) of each point verdict's mark; the mark itself needs no colour.
_MARK_COLOURS = {
    "opposite": ("red", True),
    "covered": ("green", None),
    "partial": ("yellow", None),
    "missed": ("red", None),
}


def show_verdict(
    card: Card, verdict: Grade, typed: str = "", order: list[int] | None = None
) -> None:
    click.echo("")
    click.secho("Model answer:", underline=True)
    echo_markdown(card.answer or "(no answer text)")
    if card.type is CardType.CHOICE and verdict.value is not None:
        click.echo("")
        click.secho("Correct" if verdict.value == 1 else "Not quite", bold=True)
        for line in choice_lines(card, typed, order):
            click.echo(line)
        return
    if verdict.value is not None:
        click.echo("")
        if card.type is CardType.OPEN:
            click.secho(summary(verdict), bold=True)
        else:
            click.secho(f"Score: {verdict.value:.0%}", bold=True)
        for number, point in enumerate(verdict.points, start=1):
            colour, bold = _MARK_COLOURS[point.verdict]
            mark = click.style(point.mark, fg=colour, bold=bold)
            said = "you said the opposite: " if point.contradicted else ""
            shown = point.matched if (point.covered or point.partial or said) else ""
            matched = f'  ← {said}"{shown}"' if shown else ""
            hang = " " * (4 + len(str(number)) + len(point.mark))  # under the point's text
            echo_wrapped(f"{number} {mark} {point.text}{matched}", "  ", hang)
        for hit in verdict.misconceptions:
            cross = click.style("✗", fg="red")
            echo_wrapped(f'{cross} You said "{hit.quote}": a common misconception.', "  ", "    ")
            if hit.correction:
                echo_wrapped(hit.correction, "      ")


def _ask_rating(intervals: dict[int, str], suggested: int | None, stream: TextIO) -> str:
    options = "  ".join(f"{n} {RATINGS[n]} ({intervals[n]})" for n in RATINGS)
    default = f"Enter = {suggested} {RATINGS[suggested]}, " if suggested else ""
    while True:
        click.echo(f"{options}\nRate [{default}u undo last, s skip, q quit]: ", nl=False)
        typed = _read_line(stream)
        choice = _command(typed) or typed.strip()
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
    unrated = False  # a verdict is shown and its rating not read yet
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
            order = session.choice_order() if card.choices else None
            show_card(card, QUEUE_NAMES[session.state.queue], session.remaining().total, order)
            typed = _read_answer(card, stream, order)
            command = _command(typed, bare=card.type is not CardType.CLOZE)
            if command == "q":
                break
            if command == "s":
                session.skip()
                continue
            if command == "u":
                undone_card = _undo(session)
                continue
            sure = _ask_confidence(stream) if confidence else None
            verdict = session.judge(typed)
            show_verdict(card, verdict.grade, typed, order)
            suggested = verdict.suggested if verdict.grade.suggested_rating else None
            unrated = True
            choice = _ask_rating(verdict.intervals, suggested, stream)
            unrated = False
            if choice == "q":
                break
            if choice == "s":
                session.skip()
                continue
            if choice == "u":
                undone_card = _undo(session)
                continue
            answered = session.rate(int(choice), typed, verdict.grade.value, confidence=sure)
            # The interval the option showed, not one recomputed now: "6m" must not read "5m".
            shown = verdict.intervals.get(int(choice)) or _next_in(answered)
            click.echo(f"saved: {RATINGS[int(choice)]}, next in {shown}")
    except _Quit:
        if unrated:  # a rating is what schedules the card: without one nothing is stored
            click.echo("\nThe input ended before a rating: that answer was not saved.")
    click.echo(f"{plural(len(session.answers), 'answer')} saved.")
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

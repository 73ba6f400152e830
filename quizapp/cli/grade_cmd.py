"""``quizapp grade``: score an answer from stdin for any card, for scripts, editors and evaluation;
and ``quizapp export-corrections``: the user's corrections of the scorer as labelled answers."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from quizapp.cli.common import AppContext, echo_wrapped, pass_app, sync_or_exit

RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


def _card_from_deck(path: Path, card_id: str):  # -> Card
    from quizapp.parser import parse_file

    try:
        parsed = parse_file(path)
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot read it ({exc.strerror or exc})") from exc
    if parsed.problems:
        for problem in parsed.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{path} has problems; fix them first ('quizapp check')")
    for card in parsed.cards:
        if card.id == card_id:
            return card
    known = ", ".join(c.id for c in parsed.cards[:8])
    raise click.ClickException(f"no card '{card_id}' in {path} (it has: {known})")


def grade_json(card, verdict) -> dict[str, object]:  # (Card, Grade) -> the documented object
    """The ``--json`` object: documented in README.md ("Scoring from scripts")."""
    return {
        "card_id": card.id,
        "type": card.type.value,
        "score": verdict.value,
        "suggested_rating": verdict.suggested_rating,
        "suggested_label": RATING_NAMES.get(verdict.suggested_rating or 0),
        "method": verdict.method,
        "points": [
            {
                "text": p.text,
                "covered": p.covered,
                "partial": p.partial,
                "credit": p.credit,
                "contradicted": p.contradicted,
                "evidence": p.matched,
            }
            for p in verdict.points
        ],
        "misconceptions": [
            {"claim": m.claim, "correction": m.correction, "evidence": m.quote}
            for m in verdict.misconceptions
        ],
    }


@click.command()
@click.argument("card_id")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object (see README).")
@click.option(
    "--deck",
    "deck_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Read the card from this markdown file instead of the store.",
)
@pass_app
def grade(app: AppContext, card_id: str, as_json: bool, deck_path: Path | None) -> None:
    """Score the answer on stdin against CARD_ID and print the verdict.

    Prints the score, the suggested rating, each key point (covered or not, with the words that
    earned it) and any misconception the answer states. Nothing is recorded.

    \b
    echo "L1 pushes weak weights exactly to zero" | quizapp grade l1-sparsity
    quizapp grade my-card --deck notes.md --json < answer.txt
    """
    from quizapp.grading import grade as grade_answer

    if deck_path is not None:
        card = _card_from_deck(deck_path, card_id)
    else:
        from quizapp import review

        with app.open_store() as store:
            sync_or_exit(store, quiet=True)
            try:
                card = review.get_card(store, card_id)
            except KeyError:
                raise click.ClickException(
                    f"no card '{card_id}' in your decks ('quizapp browse' or the app's Browse "
                    "screen lists ids; --deck FILE reads a card from a file)"
                ) from None
    typed = sys.stdin.read()
    verdict = grade_answer(card, typed)
    if as_json:
        click.echo(json.dumps(grade_json(card, verdict), ensure_ascii=False, indent=2))
        return
    _print_verdict(card, verdict)


def _print_verdict(card, verdict) -> None:
    from quizapp.terminal_text import printable

    if verdict.value is None:
        click.echo("Basic card: self-graded, nothing to score.")
        return
    from quizapp.grading import summary

    label = RATING_NAMES.get(verdict.suggested_rating or 0, "?")
    # The app's and the plain review's score line, so a reversed point or a misconception that
    # explains a low score with points covered is named here too ("Score 0% · 2 of 6 key
    # points · 3 reversed (−)").
    click.echo(f"{summary(verdict)} · suggested {label}")
    for point in verdict.points:
        hang = " " * (3 + len(point.mark))  # under the point's text, past its mark
        echo_wrapped(f"{point.mark} {printable(point.text)}", "  ", hang)
        if point.matched and (point.covered or point.partial or point.contradicted):
            said = "you said the opposite" if point.contradicted else "from"
            echo_wrapped(f'{said}: "{printable(point.matched)}"', "      ", "        ")
    for hit in verdict.misconceptions:
        echo_wrapped(f'✗ You said "{printable(hit.quote)}": a common misconception.', "  ", "    ")
        if hit.correction:
            echo_wrapped(printable(hit.correction), "      ")


@click.command("export-corrections")
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of standard output.",
)
@pass_app
def export_corrections(app: AppContext, out_path: Path | None) -> None:
    """Write your corrections of the scorer as labelled answers (JSON lines).

    One line per answer whose key points you flipped after reveal, in the format of the
    project's tests/data/*.jsonl, so you can contribute them to improve the scorer.
    """
    from quizapp import corrections

    with app.open_store() as store:
        rows = corrections.labelled(store)
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if out_path is None:
        click.echo(lines, nl=False)
    else:
        try:
            out_path.write_text(lines, encoding="utf-8")
        except OSError as exc:
            raise click.ClickException(f"{out_path}: cannot write ({exc.strerror})") from exc
        click.echo(f"wrote {len(rows)} corrected answer{'s' * (len(rows) != 1)} to {out_path}")

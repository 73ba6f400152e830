"""Cards in and out of other tools: ``quizapp export anki`` and ``quizapp import ...``.

Thin: each command opens the store and calls one function of :mod:`quizapp.interop`.
``export anki`` joins the ``export`` group of :mod:`quizapp.cli.export_cmds` (importing this
module registers it there).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from quizapp.cli.common import AppContext, pass_app, sync_or_exit
from quizapp.cli.export_cmds import export
from quizapp.clock import utc_now
from quizapp.config import ConfigError
from quizapp.interop import InteropError

if TYPE_CHECKING:  # the importers load the deck parser and YAML: only when one runs
    from quizapp.interop.apply import ImportReport

FORMATS = ("hashcards", "obsidian", "repeater", "logseq")


@export.command("anki")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--deck", default=None, help="Only this deck and the decks nested under it.")
@click.option("--no-history", is_flag=True, help="Write the cards only, even with quizapp[anki].")
@pass_app
def export_anki_cmd(app: AppContext, out: Path, deck: str | None, no_history: bool) -> None:
    """Write the cards to OUT.apkg for Anki, decks and tags kept.

    Re-exporting updates the notes in Anki instead of adding copies (each note's GUID comes from
    its card id). The review history goes along when the 'anki' package is installed
    (pip install 'quizapp[anki]'); otherwise the cards are written without it, and this says so.
    """
    from quizapp.interop.anki_export import export_anki

    with app.open_store() as store:
        sync_or_exit(store, quiet=True)
        try:
            report = export_anki(store, out, deck=deck, with_history=False if no_history else None)
        except InteropError as exc:
            raise click.ClickException(str(exc)) from exc
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"wrote {out}: {report.notes} note(s), {report.cards} card(s)")
    if report.with_history:
        click.echo(f"review history: {report.reviews} revlog entries, with each card's schedule")
    elif no_history:
        click.echo("review history: not written (--no-history)")
    else:
        click.echo(
            "review history: not written; install the extra to include it: "
            "pip install 'quizapp[anki]'"
        )


@click.group("import")
def import_group() -> None:
    """Bring cards and review history in from Anki and other markdown flashcard tools."""


@import_group.command("anki")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@pass_app
def import_anki_cmd(app: AppContext, file: Path, outdir: Path) -> None:
    """Convert an Anki FILE (.apkg, .colpkg or .txt export) into markdown decks in OUTDIR.

    One deck file per Anki deck, media copied to OUTDIR/media, and the review log imported so
    each card's schedule is rebuilt from its history. OUTDIR is registered as a deck folder.
    Importing the same file again changes nothing. Packages in Anki's newest format need the
    extra: pip install 'quizapp[anki]'.
    """
    from quizapp.interop.anki_import import import_anki

    _import(app, lambda: import_anki(file), outdir, file.name)


@import_group.command("markdown")
@click.option(
    "--from", "fmt", required=True, type=click.Choice(FORMATS), help="The tool PATH is written for."
)
@click.argument("path", type=click.Path(path_type=Path))
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@pass_app
def import_markdown_cmd(app: AppContext, fmt: str, path: Path, outdir: Path) -> None:
    """Convert flashcards written for another tool (a file or a folder) into decks in OUTDIR.

    Reads hashcards, Obsidian Spaced Repetition, repeater and Logseq card syntax; the cards get
    ids derived from their text, so importing again changes nothing. OUTDIR is registered as a
    deck folder.
    """
    from quizapp.interop.markdown_formats import import_markdown

    _import(app, lambda: import_markdown(fmt, path), outdir, f"{fmt} file(s) in {path.name}")


def _import(app: AppContext, read, outdir: Path, origin: str) -> None:
    from quizapp.interop.apply import apply_import

    try:
        imported = read()
        with app.open_store() as store:
            report = apply_import(store, imported, outdir, utc_now(), origin=origin)
    except (InteropError, ConfigError) as exc:
        raise click.ClickException(str(exc)) from exc
    _show(report)


def _show(report: ImportReport) -> None:
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"imported into {report.outdir}: {report.summary()}")
    if report.registered:
        click.echo(f"registered {report.outdir} as a deck folder")

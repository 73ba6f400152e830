"""Authoring commands: sync, check, register deck folders, add a card."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from quizapp.cli.common import (
    AppContext,
    pass_app,
    print_problems,
    report_problems,
    show_report,
    sync_or_exit,
)
from quizapp.wording import plural

if TYPE_CHECKING:
    from quizapp import config

# The core is imported inside each command: 'quizapp --help' and 'quizapp due' only pay for
# what they use.

PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


@click.command("sync")
@PATHS
@pass_app
def sync_cmd(app: AppContext, paths: tuple[Path, ...]) -> None:
    """Apply deck files to the store: add new cards, update edited ones, retire removed ones.

    With no PATHS, syncs the bundled deck and every registered folder. A file with a problem is
    left out whole (its cards stay as they were) and every problem is listed; the other files
    are synced, in one transaction. The exit status is 1 if any file was left out.
    """
    from quizapp.clock import utc_now
    from quizapp.sync import sync

    with app.open_store() as store:
        if paths:
            show_report(sync(store, list(paths), utc_now()), strict=True)
        else:
            sync_or_exit(store, strict=True)


@click.command()
@PATHS
@click.option("--fix", is_flag=True, help="Write generated ids into cards that lack one.")
def check(paths: tuple[Path, ...], fix: bool) -> None:
    """Check deck files for problems without touching the store.

    With no PATHS, checks the bundled deck and every registered folder; with PATHS, also checks
    their ids against those decks. Each problem is printed as FILE:LINE: what is wrong (how to
    fix); a sync would leave each file with a problem out. The exit status is 1 if there is any.
    """
    from quizapp.library import deck_roots
    from quizapp.sync import load_decks, rejected_files, write_ids

    settings = _load()
    known = deck_roots(settings)
    roots = list(paths) or known
    parsed, problems = load_decks(roots, settings.limits, others=known if paths else ())
    if problems:
        count = print_problems(problems)
        files = len(rejected_files(problems))
        click.echo(
            f"{plural(count, 'problem')} in {plural(files, 'file')}; a sync leaves "
            f"{'that file' if files == 1 else 'those files'} out and syncs the rest.",
            err=True,
        )
        raise SystemExit(1)
    cards = sum(len(deck.cards) for _, deck in parsed)
    missing = [(path, deck) for path, deck in parsed if deck.missing_ids]
    if fix:
        for path, deck in missing:
            try:
                write_ids(path, path.read_bytes(), deck.missing_ids)
            except OSError as exc:
                raise click.ClickException(f"{path}: cannot write ids: {exc.strerror}") from exc
            click.echo(f"{path}: wrote {plural(len(deck.missing_ids), 'id')}")
    elif missing:
        count = sum(len(deck.missing_ids) for _, deck in missing)
        click.echo(
            f"{plural(count, 'card')} {'has' if count == 1 else 'have'} no id yet; "
            "'quizapp check --fix' writes them."
        )
    click.echo(f"ok: {plural(len(parsed), 'file')}, {plural(cards, 'card')}")


@click.group()
def decks() -> None:
    """Register folders of your own deck files (kept in the config file)."""


def _load() -> config.Config:
    from quizapp import config, paths
    from quizapp.config import ConfigError

    try:
        return config.load(paths.config_path())
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


@decks.command("add")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def decks_add(folder: Path) -> None:
    """Register FOLDER: every sync and app start will include its decks."""
    from quizapp import config, paths
    from quizapp.deck_files import safe_resolve
    from quizapp.sync import load_decks

    settings = _load()
    folder = safe_resolve(folder)
    if folder in [safe_resolve(f) for f in settings.deck_folders]:
        click.echo(f"already registered: {folder}")
        return
    parsed, problems = load_decks([folder], settings.limits)
    if problems:
        report_problems(problems)
    settings.deck_folders.append(folder)
    config.save(paths.config_path(), settings)
    cards = sum(len(deck.cards) for _, deck in parsed)
    click.echo(
        f"registered {folder}: {plural(cards, 'card')} in {plural(len(parsed), 'file')} "
        "(the next sync adds them; in a running app press ^r)"
    )


@decks.command("list")
def decks_list() -> None:
    """Show the bundled deck folder and the registered folders."""
    from quizapp import paths

    click.echo(f"{paths.bundled_content()}  (bundled)")
    for folder in _load().deck_folders:
        flag = "" if folder.exists() else "  (missing)"
        click.echo(f"{folder}{flag}")


@decks.command("remove")
@click.argument("folder", type=click.Path(path_type=Path))
def decks_remove(folder: Path) -> None:
    """Stop syncing FOLDER. Its cards stay in the store with their history until a sync of it."""
    from quizapp import config, paths
    from quizapp.deck_files import safe_resolve

    settings = _load()
    target = safe_resolve(folder.expanduser())
    kept = [f for f in settings.deck_folders if safe_resolve(f.expanduser()) != target]
    if len(kept) == len(settings.deck_folders):
        raise click.ClickException(f"{folder} is not registered (see 'quizapp decks list')")
    settings.deck_folders = kept
    config.save(paths.config_path(), settings)
    click.echo(f"removed {target}")


TEMPLATE = """
## Your question here
<!--
id: {card_id}
-->
The model answer, in markdown.

### Key points
- One idea a good answer must contain
"""


@click.command()
@click.argument("deck_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
def new(deck_file: Path | None) -> None:
    """Append a card template to DECK_FILE, open $EDITOR there, then check the file.

    Without DECK_FILE, uses inbox.md in the first registered folder.
    """
    from quizapp.editor import EditorError, edit
    from quizapp.sync import load_decks, write_atomically

    if deck_file is None:
        folders = _load().deck_folders
        if not folders:
            raise click.ClickException(
                "no deck file given and no folder registered "
                "(run 'quizapp new FILE.md' or 'quizapp decks add FOLDER')"
            )
        deck_file = folders[0] / "inbox.md"
    existing = deck_file.read_bytes() if deck_file.exists() else b""
    text = existing.decode("utf-8", errors="replace")
    lead = "" if not text or text.endswith("\n") else "\n"
    import secrets

    card = TEMPLATE.format(card_id=f"card-{secrets.token_hex(4)}")
    line = text.count("\n") + len(lead) + 2
    deck_file.parent.mkdir(parents=True, exist_ok=True)
    with_template = existing + (lead + card).encode("utf-8")
    write_atomically(deck_file, with_template)
    try:
        edit(deck_file, line)
    except EditorError as exc:
        click.echo(
            f"{exc}; the template was added at {deck_file}:{line}: fill it in "
            "(a sync reads it as a card once its question is written)",
            err=True,
        )
        return
    if deck_file.read_bytes() == with_template:
        # Saved untouched: "## Your question here" is not a card anybody meant to add.
        if existing:
            write_atomically(deck_file, existing)
        else:
            deck_file.unlink()
        raise click.ClickException("the template was not filled in, so nothing was added")
    _, problems = load_decks([deck_file])
    if problems:
        report_problems(problems)
    click.echo(f"ok: {deck_file}:{line}")

"""Authoring commands: sync, check, register deck folders, add a card."""

from __future__ import annotations

import secrets
from pathlib import Path

import click

from quizapp import config, paths
from quizapp.cli.common import AppContext, pass_app, report_problems, show_report, sync_or_exit
from quizapp.clock import utc_now
from quizapp.config import ConfigError
from quizapp.deck_files import safe_resolve
from quizapp.editor import EditorError, edit
from quizapp.sync import load_decks, sync, write_atomically, write_ids

PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


@click.command("sync")
@PATHS
@pass_app
def sync_cmd(app: AppContext, paths: tuple[Path, ...]) -> None:
    """Apply deck files to the store: add new cards, update edited ones, retire removed ones.

    With no PATHS, syncs the bundled deck and every registered folder. All changes happen in one
    transaction: if any file has a problem, nothing is changed and every problem is listed.
    """
    with app.open_store() as store:
        if paths:
            show_report(sync(store, list(paths), utc_now()))
        else:
            sync_or_exit(store)


@click.command()
@PATHS
@click.option("--fix", is_flag=True, help="Write generated ids into cards that lack one.")
def check(paths: tuple[Path, ...], fix: bool) -> None:
    """Check deck files for problems without touching the store.

    With no PATHS, checks the bundled deck and every registered folder. Each problem is printed as
    FILE:LINE: what is wrong (how to fix); the exit status is 1 if there is any.
    """
    from quizapp.library import deck_roots

    settings = _load()
    roots = list(paths) or deck_roots(settings)
    parsed, problems = load_decks(roots, settings.limits)
    if problems:
        report_problems(problems)
    cards = sum(len(deck.cards) for _, deck in parsed)
    missing = [(path, deck) for path, deck in parsed if deck.missing_ids]
    if fix:
        for path, deck in missing:
            try:
                write_ids(path, path.read_bytes(), deck.missing_ids)
            except OSError as exc:
                raise click.ClickException(f"{path}: cannot write ids: {exc.strerror}") from exc
            click.echo(f"{path}: wrote {len(deck.missing_ids)} id(s)")
    elif missing:
        count = sum(len(deck.missing_ids) for _, deck in missing)
        click.echo(f"{count} card(s) have no id yet; 'quizapp check --fix' writes them.")
    click.echo(f"ok: {len(parsed)} file(s), {cards} card(s)")


@click.group()
def decks() -> None:
    """Register folders of your own deck files (kept in the config file)."""


def _load() -> config.Config:
    try:
        return config.load(paths.config_path())
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


@decks.command("add")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def decks_add(folder: Path) -> None:
    """Register FOLDER: every sync and app start will include its decks."""
    settings = _load()
    folder = safe_resolve(folder)
    if folder in [safe_resolve(f) for f in settings.deck_folders]:
        click.echo(f"already registered: {folder}")
        return
    _, problems = load_decks([folder], settings.limits)
    if problems:
        report_problems(problems)
    settings.deck_folders.append(folder)
    config.save(paths.config_path(), settings)
    click.echo(f"registered {folder}")


@decks.command("list")
def decks_list() -> None:
    """Show the bundled deck folder and the registered folders."""
    click.echo(f"{paths.bundled_content()}  (bundled)")
    for folder in _load().deck_folders:
        flag = "" if folder.exists() else "  (missing)"
        click.echo(f"{folder}{flag}")


@decks.command("remove")
@click.argument("folder", type=click.Path(path_type=Path))
def decks_remove(folder: Path) -> None:
    """Stop syncing FOLDER. Its cards stay in the store with their history until a sync of it."""
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
    card = TEMPLATE.format(card_id=f"card-{secrets.token_hex(4)}")
    line = text.count("\n") + len(lead) + 2
    deck_file.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(deck_file, existing + (lead + card).encode("utf-8"))
    try:
        edit(deck_file, line)
    except EditorError as exc:
        click.echo(f"{exc}; the template was added at {deck_file}:{line}", err=True)
    _, problems = load_decks([deck_file])
    if problems:
        report_problems(problems)
    click.echo(f"ok: {deck_file}:{line}")

"""What every command shares: opening the store, syncing first, and reporting problems cleanly."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from quizapp.clock import utc_now
from quizapp.config import ConfigError
from quizapp.store import BUSY_MESSAGE, Store, StoreError
from quizapp.wording import plural

if TYPE_CHECKING:  # the rest of the core is imported by the commands that use it
    from quizapp.cards import Problem
    from quizapp.sync import SyncReport


MAX_WIDTH = 100  # lines wrap at the terminal's width, but no wider: long lines read badly


def echo_wrapped(text: str, indent: str = "", hang: str | None = None) -> None:
    """Echo ``text`` wrapped to the terminal (80 columns when the output is a pipe), its first
    line indented by ``indent`` and the rest by ``hang`` (``indent`` plus two spaces by
    default), so a key point or a quote never runs past the right edge."""
    import shutil
    import textwrap

    width = min(shutil.get_terminal_size((80, 24)).columns, MAX_WIDTH)
    click.echo(
        textwrap.fill(
            text,
            width=max(width, 40),
            initial_indent=indent,
            subsequent_indent=indent + "  " if hang is None else hang,
            break_long_words=False,
            break_on_hyphens=False,
        )
    )


#: A line that makes its block more than running text: a heading, quote, table row, list item
#: or indented code.
_STRUCTURE = re.compile(r"^(?: {4}|\t| {0,3}(?:#|>|\||[-*+] |\d+[.)] ))")


def _is_prose(block: list[str]) -> bool:
    """Running text only: no structure, and no tab (text aligned with tabs keeps its lines)."""
    return not any(_STRUCTURE.match(line) or "\t" in line for line in block)


def echo_markdown(text: str) -> None:
    """Echo a card's markdown with its paragraphs of running text rewrapped to the terminal
    (as :func:`echo_wrapped`); lists, tables, quotes and code keep their lines. Deck authors
    wrap at 100 columns, which an 80-column terminal would break again mid-line."""
    lines = text.split("\n")
    block: list[str] = []
    fenced = False

    def flush() -> None:
        if block and _is_prose(block):
            echo_wrapped(" ".join(line.strip() for line in block), hang="")
        else:
            for line in block:
                click.echo(line)
        block.clear()

    for line in lines:
        if line.lstrip(" ").startswith(("```", "~~~")):
            if not fenced:
                flush()
            fenced = not fenced
            click.echo(line)
            continue
        if fenced:
            click.echo(line)
        elif line.strip():
            block.append(line)
        else:
            flush()
            click.echo("")
    flush()


@dataclass
class AppContext:
    db_path: Path
    _exchange_on_exit: bool = False

    def open_store(self, *, check: str = "auto", exchange: bool = True) -> Store:
        """Open (and check) the store, taking the day's backup first thing (a failed backup
        only warns); a writer that must wait for another quizapp says so.

        With a sync folder set, the other machines' reviews are merged in now, and this
        machine's new ones are written out when the command ends.
        """
        try:
            store = Store.open(self.db_path, check=check)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc
        store.on_busy = lambda: click.echo(BUSY_MESSAGE, err=True)
        from quizapp.backup import BackupError, daily_if_due

        try:
            daily_if_due(store.conn, self.db_path, utc_now())
        except BackupError as exc:
            click.echo(f"warning: {exc}", err=True)
        if exchange:
            self._exchange_with_sync_folder(store)
        return store

    def _exchange_with_sync_folder(self, store: Store) -> None:
        from quizapp import config, paths

        try:
            folder = config.load(paths.config_path()).sync_dir
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from exc
        if folder is None:
            return
        from quizapp.cli.merge_cmds import exchange_or_exit

        exchange_or_exit(store, folder)
        context = click.get_current_context(silent=True)
        if context is not None and not self._exchange_on_exit:
            self._exchange_on_exit = True
            context.call_on_close(lambda: self._final_exchange(folder))

    def _final_exchange(self, folder: Path) -> None:
        """Write this command's answers to the sync folder (a failure only warns)."""
        from quizapp.cli.merge_cmds import exchange_or_exit

        try:
            with Store.open(self.db_path) as store:
                exchange_or_exit(store, folder)
        except (click.ClickException, StoreError) as exc:
            click.echo(f"warning: the sync folder was not updated: {exc}", err=True)


class QuizappGroup(click.Group):
    """The command group with the one error path: store, file and config failures reaching a
    command become one ``Error: FILE: cause; what to do`` line and exit status 1."""

    def invoke(self, ctx: click.Context) -> object:
        from quizapp.errors import HANDLED, explain

        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # The reader went away ("quizapp grade ... | head -1"): stop quietly, as a Unix tool
            # killed by SIGPIPE does, instead of blaming the store's path. Whatever the command
            # saved is already committed; stdout is pointed at /dev/null so the interpreter's
            # final flush cannot raise again.
            import os
            import sys

            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(141)
        except HANDLED as exc:
            app = ctx.obj if isinstance(ctx.obj, AppContext) else None
            raise click.ClickException(explain(exc, db_path=app.db_path if app else None)) from exc


pass_app = click.make_pass_decorator(AppContext)


def print_problems(problems: Iterable[Problem]) -> int:
    """Print every problem as FILE:LINE: message (fix) on stderr; return how many."""
    problems = sorted(problems)
    for problem in problems:
        click.echo(str(problem), err=True)
    return len(problems)


def report_problems(problems: Iterable[Problem]) -> NoReturn:
    """Print every problem and exit with status 1 (for commands that write nothing)."""
    count = print_problems(problems)
    click.echo(f"{plural(count, 'problem')} found.", err=True)
    raise SystemExit(1)


def sync_or_exit(store: Store, *, quiet: bool = False, strict: bool = False) -> SyncReport:
    """Sync the bundled and registered decks; see :func:`show_report` for what is printed."""
    from quizapp.library import sync_all

    report = sync_all(store, utc_now())
    show_report(report, quiet=quiet, strict=strict)
    return report


def show_report(report: SyncReport, *, quiet: bool = False, strict: bool = False) -> None:
    """Print a sync's warnings, problems and summary.

    A file with a problem was left out and the rest synced, so commands that go on to use the
    store (due, review) carry on; ``strict`` (the sync command itself) exits 1 after printing.
    """
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if report.problems:
        count = print_problems(report.problems)
        click.echo(
            f"{plural(count, 'problem')}: {plural(len(report.rejected), 'file')} left out "
            "(their cards stay as they were); the other files were synced.",
            err=True,
        )
    for path in report.ids_written:
        click.echo(f"wrote card ids into {path}", err=True)
    if not quiet:
        click.echo(f"synced: {report.summary()}")
    if strict and report.problems:
        raise SystemExit(1)

"""The ``quizapp`` command: a thin layer that opens the store and calls the core per command.

With no sub-command it starts the terminal app. Sub-commands live in modules named after what they
do; this module only builds the group and the shared ``--db`` option.
"""

from __future__ import annotations

from pathlib import Path

import click

from quizapp import __version__
from quizapp.cli.backup_cmds import backup_cmd, backups_cmd, restore_cmd
from quizapp.cli.common import AppContext
from quizapp.cli.deck_cmds import check, decks, new, sync_cmd
from quizapp.cli.doctor_cmd import doctor
from quizapp.cli.drill_cmd import drill
from quizapp.cli.export_cmds import export
from quizapp.cli.merge_cmds import merge, sync_dir
from quizapp.cli.optimize_cmd import optimize
from quizapp.cli.plan_cmd import plan
from quizapp.cli.prove_cmd import prove
from quizapp.cli.quiz_cmd import quiz
from quizapp.cli.review_cmds import due, rebuild, review, stats
from quizapp.paths import default_db_path


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Store to use (default: $QUIZAPP_DB, else quizapp.db in your user data folder).",
)
@click.version_option(__version__, prog_name="quizapp")
@click.pass_context
def main(ctx: click.Context, db_path: Path | None) -> None:
    """Spaced-repetition interview prep in the terminal.

    Run with no command to open the app on today's due cards. Decks are markdown files: the bundled
    ML interview deck plus any folders you register with 'quizapp decks add'.
    """
    ctx.obj = AppContext(db_path or default_db_path())
    if ctx.invoked_subcommand is None:
        from quizapp.cli.launch import launch_app

        launch_app(ctx.obj)


for command in (
    review,
    quiz,
    prove,
    due,
    stats,
    rebuild,
    sync_cmd,
    check,
    decks,
    new,
    backup_cmd,
    backups_cmd,
    restore_cmd,
    doctor,
    merge,
    sync_dir,
    export,
    optimize,
    drill,
    plan,
):
    main.add_command(command)

"""`quizapp prove`: run a "prove it" experiment from the shell.

A thin layer over quizapp.proofs: it parses options, runs one proof, prints its report and a
text chart, and writes the matplotlib figure when asked. The core lead registers the command on
the main group with `main.add_command(prove)`.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import click


def _parse_params(name: str, pairs: tuple[str, ...]) -> dict[str, object]:
    """KEY=VALUE pairs -> keyword arguments, each converted to the type of its default."""
    from quizapp.proofs.settings import SettingError, parse

    try:
        return parse(name, pairs)
    except SettingError as error:
        raise click.BadParameter(str(error), param_hint="--set") from None


@click.command("prove")
@click.argument("name", required=False)
@click.option("--list", "list_names", is_flag=True, help="List the proofs and exit.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option(
    "--plot",
    "plot_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the figure to this file (.png or .svg).",
)
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override a proof parameter, e.g. --set depth=30 (repeatable).",
)
@click.option("--no-chart", is_flag=True, help="Leave out the text chart.")
def prove(
    name: str | None,
    list_names: bool,
    seed: int,
    plot_path: Path | None,
    settings: tuple[str, ...],
    no_chart: bool,
) -> None:
    """Run the "prove it" experiment NAME: a small numpy simulation that checks a claim.

    Prints the claim with a check mark (holds) or a cross (does not), the sub-checks and key
    figures computed from the data, what to look at, and a text chart of every panel (its
    legend below it). Use --list for the
    names and --plot FILE.png (or .svg) for the full figure. Exits with status 1, naming the
    failing checks, when the claim does not hold on this run.
    """
    from quizapp import proofs  # when the command runs, not at every command's start-up

    if list_names:
        width = max(len(n) for n in proofs.names())
        for proof_name in proofs.names():
            click.echo(f"{proof_name:<{width}}  {proofs.summary(proof_name)}")
        return
    if name is None:
        raise click.UsageError("give a proof NAME, or --list to see them")
    if not proofs.exists(name):
        raise click.ClickException(f"unknown proof {name!r}; known: {', '.join(proofs.names())}")
    if plot_path is not None and plot_path.suffix.lower() not in (".png", ".svg"):
        raise click.BadParameter("the figure is written as .png or .svg", param_hint="--plot")
    params = _parse_params(name, settings)
    try:
        proof = proofs.run(name, seed=seed, **params)
    except ValueError as error:  # a proof rejecting a parameter value, e.g. depth < 3
        raise click.ClickException(f"{name}: {error}") from error

    from quizapp.proofs.report import format_report

    click.echo(format_report(proof))
    if not no_chart:
        from quizapp.proofs.textchart import text_chart

        for index, panel in enumerate(proof.panels):  # every panel, one after another
            click.echo()
            heading = f"Panel {index + 1} of {len(proof.panels)}: {panel.title}"
            # Wrapped, not cut: a long title cut at 80 columns lost its last word mid-way.
            click.echo(textwrap.fill(heading, width=78, subsequent_indent="  "))
            click.echo(text_chart(proof, width=78, height=16, panel=index))
    if plot_path is not None:
        from quizapp.proofs.figure import render_figure

        try:
            render_figure(proof, plot_path)
        except OSError as error:
            raise click.ClickException(f"cannot write {plot_path}: {error.strerror}") from error
        click.echo(f"\nfigure written to {plot_path}")
    if not proof.holds:
        # One wrapped line per failing check: joined on one line it ran to 300 columns.
        failing = "\n".join(
            textwrap.fill(
                check.statement, width=78, initial_indent="  ✗ ", subsequent_indent="    "
            )
            for check in proof.failing
        )
        raise click.ClickException(
            f"{name} (seed {seed}): the claim does not hold; failing check(s):\n{failing}"
        )

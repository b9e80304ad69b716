"""The ``ackg`` command group: its commands (from the ``*_commands`` modules), ``--root`` and
``--version``; :func:`run` runs a command line and returns its exit code.

Tests run the command in-process with ``click.testing.CliRunner().invoke(main, [...])``.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from .. import __version__
from .base import HELP, PROG, AckgGroup
from .data_commands import diff_command, export_command, load_command, validate_command
from .publish_commands import diagram_command, docs_command, serve_command, site_command
from .query_commands import queries_command, query_command, sparql_command

__all__ = ["main", "run"]


@click.group(
    PROG,
    cls=AckgGroup,
    help=HELP,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(
    __version__, "--version", "-V", prog_name=PROG, message="%(prog)s %(version)s"
)
@click.option(
    "--root",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    metavar="DIR",
    help="The project directory (with ontology/, data/ and queries/). Default: $ACKG_HOME, "
    "else the nearest such directory at or above the working directory, else the copy "
    "installed with the package.",
)
@click.pass_context
def main(context: click.Context, root: str | None) -> None:
    """The ``ackg`` command group (the console script's entry point)."""
    context.obj = root


for _command in (
    queries_command,
    query_command,
    sparql_command,
    validate_command,
    diff_command,
    export_command,
    load_command,
    diagram_command,
    docs_command,
    serve_command,
    site_command,
):
    main.add_command(_command)


def run(args: Sequence[str] | None = None) -> int:
    """Runs ``ackg`` with ``args`` and returns the exit code instead of exiting."""
    return main.run(args)

"""The ``ackg`` command: a thin layer that parses arguments, calls the library, prints results
and turns errors into one-line messages and exit codes.

Keep this module cheap to import: commands import rdflib, pyshacl, owlrl or the heavier
library modules inside their own function, never at the top of this file.

Commands are added to the :data:`main` group below its section comments. They raise
:class:`~asean_customs_kg.errors.AckgError` subclasses (or click's own usage errors) and never
call ``sys.exit``; :meth:`AckgGroup.main` turns those into messages and exit codes. A command may
return an ``int`` to choose its exit code (e.g. 1 when the data does not conform).

Tests run the command in-process with ``click.testing.CliRunner().invoke(main, [...])``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from . import __version__
from .errors import AckgError

__all__ = [
    "EXIT_DATA",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "PROG",
    "AckgGroup",
    "main",
    "run",
]

#: Success, or the data conforms.
EXIT_OK = 0
#: The data is invalid: syntax, shapes, logic or a quality check.
EXIT_DATA = 1
#: A usage or environment error: unknown query, bad parameter, unreachable endpoint...
EXIT_USAGE = 2
#: Interrupted by the user (Ctrl-C), as shells report SIGINT.
EXIT_INTERRUPTED = 130

PROG = "ackg"

HELP = f"""Query, validate and load the ASEAN Customs Knowledge Graph.

\b
Example:
  {PROG} query reports-to --param body=CPTFWG

\b
Exit codes:
  {EXIT_OK}  success; the data conforms
  {EXIT_DATA}  the data is invalid (syntax, shapes, logic or a quality check)
  {EXIT_USAGE}  usage or environment error (unknown query, bad parameter,
     unreachable endpoint, missing program, unreadable file)
"""


def _fail(message: str, code: int) -> int:
    click.echo(f"{PROG}: error: {' '.join(message.split())}", err=True)
    return code


class AckgGroup(click.Group):
    """A click group whose :meth:`main` is the one place where errors become exit codes."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Runs the command line; in standalone mode (the default) exits with its code.

        :class:`AckgError` gives its own exit code, click's usage errors 2, Ctrl-C 130; each
        prints one line, ``ackg: error: ...``, on stderr and no traceback.
        """
        if not standalone_mode:
            return super().main(
                args,
                prog_name,
                complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        sys.exit(self.run(args, prog_name=prog_name, complete_var=complete_var, **extra))

    def run(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        **extra: Any,
    ) -> int:
        """Runs the command line ``args`` (default: ``sys.argv[1:]``); returns the exit code."""
        argv = list(sys.argv[1:] if args is None else args)
        if not argv:
            # No command: the help, as a usage error (the same on every click version).
            context = click.Context(self, info_name=prog_name or PROG, **self.context_settings)
            click.echo(self.get_help(context), err=True)
            return EXIT_USAGE
        try:
            result = super().main(argv, prog_name or PROG, standalone_mode=False, **extra)
        except AckgError as error:
            return _fail(str(error), error.exit_code)
        except (click.exceptions.Abort, KeyboardInterrupt):
            # click turns Ctrl-C into Abort (after printing a newline); both mean "interrupted".
            return _fail("interrupted", EXIT_INTERRUPTED)
        except click.UsageError as error:
            # A bad option, an unknown command, a missing argument.
            hint = f" Try '{error.ctx.command_path} --help'." if error.ctx is not None else ""
            return _fail(f"{error.format_message()}{hint}", EXIT_USAGE)
        except click.ClickException as error:
            # Other click errors (e.g. an unreadable file argument) are environment errors.
            return _fail(error.format_message(), EXIT_USAGE)
        except BrokenPipeError:
            # The reader went away (e.g. `ackg ... | head`): stop quietly, and keep Python
            # from complaining when it flushes stdout at exit.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return EXIT_OK
        if isinstance(result, int) and not isinstance(result, bool):
            return result
        return EXIT_OK


@click.group(
    PROG,
    cls=AckgGroup,
    help=HELP,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(
    __version__, "--version", "-V", prog_name=PROG, message="%(prog)s %(version)s"
)
def main() -> None:
    """The ``ackg`` command group (the console script's entry point)."""


def run(args: Sequence[str] | None = None) -> int:
    """Runs ``ackg`` with ``args`` and returns the exit code instead of exiting."""
    return main.run(args)


# --- query commands ---

_TABLE_FORMATS = ("table", "csv", "tsv", "json", "md")
_ALL_FORMATS = (*_TABLE_FORMATS, "ttl", "nt", "jsonld")
_FORMAT_HELP = (
    "table (default), csv, tsv, json (SPARQL 1.1 results), md; for CONSTRUCT/DESCRIBE "
    "queries ttl (default), nt or jsonld."
)


def _backend() -> Any:
    """The backend the query commands run on: the project's files, embedded.

    The one place to choose another backend (an on-disk store, an endpoint) from options.
    """
    from .queries import default_backend

    return default_backend()


def _echo_result(result: Any, fmt: str | None, prefixes: Any) -> None:
    from .formats import format_result

    click.echo(format_result(result, fmt, prefixes), nl=False)


def _params(values: Sequence[str]) -> dict[str, str]:
    from .errors import UsageError

    params: dict[str, str] = {}
    for item in values:
        key, equals, value = item.partition("=")
        if not equals or not key.strip():
            raise UsageError(f"--param expects KEY=VALUE, got {item[:40]!r}")
        params[key.strip()] = value
    return params


@main.command("queries")
@click.option(
    "--format", "fmt", type=click.Choice(_TABLE_FORMATS), default="table", help="Output format."
)
def queries_command(fmt: str) -> None:
    """List the saved queries: name, summary and parameters.

    \b
    Example:
      ackg queries --format md
    """
    from .formats import format_records
    from .queries import list_queries

    rows = [
        [query.name, query.summary, " ".join(p.describe() for p in query.parameters)]
        for query in list_queries()
    ]
    click.echo(format_records(["name", "summary", "parameters"], rows, fmt), nl=False)


@main.command("query")
@click.argument("name")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A parameter value; repeat for several. A body may be given by acronym "
    "(any case), name or IRI.",
)
@click.option("--format", "fmt", type=click.Choice(_ALL_FORMATS), default=None, help=_FORMAT_HELP)
def query_command(name: str, params: tuple[str, ...], fmt: str | None) -> None:
    """Run the saved query NAME (see 'ackg queries').

    \b
    Examples:
      ackg query reports-to --param body=CPTFWG
      ackg query reporting-chain --param body=swg-acts --format csv
      ackg query plan-in-force --param year=2023 --format json
      ackg query resource-description --param resource=CCC --format ttl
    """
    from .queries import get_query, run_query

    query = get_query(name)
    result = run_query(query, _params(params), backend=_backend())
    _echo_result(result, fmt, query.prefixes)


@main.command("sparql")
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(_ALL_FORMATS), default=None, help=_FORMAT_HELP)
@click.option(
    "--allow-network",
    is_flag=True,
    help="Allow SERVICE and FROM / FROM NAMED, which may reach other datasets or the network.",
)
def sparql_command(query: str, fmt: str | None, allow_network: bool) -> None:
    """Run an ad-hoc read-only SPARQL query: QUERY is the text, a file, or - for stdin.

    Updates are refused; so are SERVICE and FROM unless --allow-network is given.

    \b
    Examples:
      ackg sparql 'SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }'
      ackg sparql my-query.rq --format csv
      echo 'ASK { ?s ?p ?o }' | ackg sparql -
    """
    from .queries import read_sparql_argument, sparql
    from .sparqltext import prefixes_of

    text = read_sparql_argument(query, sys.stdin)
    result = sparql(text, backend=_backend(), allow_network=allow_network)
    _echo_result(result, fmt, prefixes_of(text))


# --- validate ---


# --- export / load ---


# --- diagrams and docs ---

_DIAGRAM_SUFFIXES = {".mmd": "mermaid", ".dot": "dot", ".gv": "dot", ".svg": "svg", ".png": "png"}


@main.command("diagram")
@click.option(
    "--kind",
    type=click.Choice(["structure", "timeline"]),
    default="structure",
    show_default=True,
    help="structure: the org chart of the bodies and their reporting lines; timeline: "
    "establishments, meetings, summits and plan periods in time order.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["mermaid", "dot", "svg", "png"]),
    default=None,
    help="mermaid or dot (text, no program needed), svg or png (run Graphviz's dot). "
    "Default: from the -o file's suffix (.mmd, .dot, .gv, .svg, .png), else mermaid.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write to this file instead of standard output.",
)
def diagram_command(kind: str, fmt: str | None, output: str | None) -> None:
    """Draw the graph: the reporting structure as an org chart, or a timeline.

    \b
    Examples:
      ackg diagram                          # Mermaid org chart on stdout
      ackg diagram --kind timeline -o timeline.svg
      ackg diagram --format png -o structure.png
    """
    from pathlib import Path
    from typing import cast

    from . import diagram

    if fmt is None:
        suffix = Path(output).suffix.lower() if output else ""
        fmt = _DIAGRAM_SUFFIXES.get(suffix, "mermaid")
    picture = diagram.diagram(cast("diagram.Kind", kind), cast("diagram.Format", fmt))
    data = picture.encode("utf-8") if isinstance(picture, str) else picture
    if output is None:
        click.echo(data, nl=False)  # bytes go to the binary stream
        return
    try:
        Path(output).write_bytes(data)
    except OSError as error:
        from .errors import EnvError

        raise EnvError(f"{output}: cannot write the file: {error.strerror or error}") from error


@main.command("docs")
@click.option(
    "-o",
    "--output",
    "directory",
    type=click.Path(file_okay=False),
    default="build/docs",
    show_default=True,
    help="The directory to write the pages into (created if missing).",
)
def docs_command(directory: str) -> None:
    """Write the reference documentation as HTML and Markdown.

    The pages: the ontology reference (classes, properties, reused vocabularies), the
    saved-query catalogue (each example command run, with its real output), the data
    dictionary of the SHACL shapes, and this command line.

    \b
    Example:
      ackg docs -o build/docs && open build/docs/index.html
    """
    from . import docs

    written = docs.write(docs.build(main, run), directory)
    click.echo(f"wrote {len(written)} files to {directory}", err=True)

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
from typing import TYPE_CHECKING, Any

import click

from .. import __version__
from ..choices import (
    DIAGRAM_FORMATS,
    DIAGRAM_KINDS,
    DIAGRAM_SUFFIXES,
    DIFF_FORMATS,
    EXPORT_FORMATS,
    QUERY_FORMATS,
    REPORT_FORMATS,
    TABLE_FORMATS,
)
from ..errors import EXIT_DATA, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, AckgError
from ..interrupts import announced

if TYPE_CHECKING:
    from ..choices import DiagramFormat, DiagramKind, DiffFormat, ExportFormat, ReportFormat

__all__ = [
    "PROG",
    "AckgGroup",
    "main",
    "run",
]

PROG = "ackg"

HELP = f"""Query, validate and load the ASEAN Customs Knowledge Graph.

\b
Example:
  {PROG} query reports-to --param body=CPTFWG

\b
The project (its ontology/, data/ and queries/) is, in order: --root DIR;
$ACKG_HOME; the nearest directory at or above the working directory that
holds ontology/, data/ and queries/; the copy installed with the package.

\b
Exit codes:
  {EXIT_OK}  success; the data conforms
  {EXIT_DATA}  the data is invalid (syntax, shapes, logic or a quality check)
  {EXIT_USAGE}  usage or environment error (unknown query, bad parameter,
     unreachable endpoint, missing program, unreadable file)
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C)
"""


def _fail(message: str, code: int) -> int:
    from ..query.formats import visible  # a path or name from the command line may hold controls

    click.echo(f"{PROG}: error: {visible(' '.join(message.split()))}", err=True)
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
            code = _fail("interrupted", EXIT_INTERRUPTED)
            announced()
            return code
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
        except OSError as error:
            # One that no command worded (e.g. a directory it may not search): one line.
            from ..errors import environment_error

            return _fail(str(environment_error(error)), EXIT_USAGE)
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


def _root(explicit: str | None = None) -> Any:
    """The project the command works on (a :class:`~asean_customs_kg.resources.Root`):
    ``explicit`` (a command's own ``--root``), else ``ackg --root``, else found by
    :func:`~asean_customs_kg.resources.find_root`."""
    from ..resources import find_root, near_miss_warning

    if explicit is None:
        explicit = click.get_current_context().find_root().obj
    found = find_root(explicit)
    warning = near_miss_warning(found)
    if warning is not None and warning not in _WARNED:
        _WARNED.add(warning)
        click.echo(f"ackg: warning: {warning}", err=True)
    return found


#: The warnings already given (a command may ask for its project twice).
_WARNED: set[str] = set()


def run(args: Sequence[str] | None = None) -> int:
    """Runs ``ackg`` with ``args`` and returns the exit code instead of exiting."""
    return main.run(args)


# --- query commands ---

_FORMAT_HELP = (
    "table (default), csv, tsv, json (SPARQL 1.1 results), md; for CONSTRUCT/DESCRIBE "
    "queries ttl (default), nt or jsonld."
)


def _backend(
    store: str | None = None,
    endpoint: str | None = None,
    timeout: float | None = None,
    *,
    allow_network: bool = False,
    allow_extensions: bool = False,
) -> Any:
    """The backend the query commands run on: the project's files, embedded, or the store or
    endpoint that ``--store`` / ``--endpoint`` name (see :func:`_target_options`). An endpoint
    refuses, on its own, what ``allow_network`` and ``allow_extensions`` do not allow.

    The one place to choose another backend (an on-disk store, an endpoint) from options.
    """
    from ..errors import UsageError

    if store is not None and endpoint is not None:
        raise UsageError("give --store PATH or --endpoint URL, not both")
    if timeout is not None and endpoint is None:
        raise UsageError("--timeout applies to --endpoint only")
    if store is not None:
        from ..backends.stores import StoreBackend

        return StoreBackend(store)
    if endpoint is not None:
        from ..backends.endpoints import DEFAULT_TIMEOUT
        from ..backends.stores import EndpointBackend

        return EndpointBackend(
            endpoint,
            timeout=timeout or DEFAULT_TIMEOUT,
            allow_network=allow_network,
            allow_extensions=allow_extensions,
        )
    from ..query.queries import default_backend

    return default_backend(_root())


_ENDPOINT_AUTH = (
    "Credentials come from ACKG_ENDPOINT_TOKEN (bearer), or ACKG_ENDPOINT_USER and "
    "ACKG_ENDPOINT_PASSWORD (basic), or a netrc entry for the host."
)


def _target_options(command: Any) -> Any:
    """Adds ``--store PATH``, ``--endpoint URL`` and ``--timeout SECONDS`` to a query command
    (owned with the export/load commands, below)."""
    command = click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=None,
        metavar="SECONDS",
        help="With --endpoint: how long to wait for the server's answer (default 60).",
    )(command)
    command = click.option(
        "--endpoint",
        metavar="URL",
        default=None,
        help="Run on a SPARQL 1.1 server that 'ackg load --endpoint' filled, through its "
        "query endpoint (Oxigraph: http://HOST:7878/query). " + _ENDPOINT_AUTH,
    )(command)
    return click.option(
        "--store",
        type=click.Path(file_okay=False),
        default=None,
        metavar="PATH",
        help="Run on the on-disk store that 'ackg load --store PATH' wrote.",
    )(command)


def _echo_result(result: Any, fmt: str | None, prefixes: Any) -> None:
    from ..query.formats import format_result

    click.echo(format_result(result, fmt, prefixes), nl=False)


def _params(values: Sequence[str]) -> dict[str, str]:
    from ..errors import UsageError

    params: dict[str, str] = {}
    for item in values:
        key, equals, value = item.partition("=")
        if not equals or not key.strip():
            raise UsageError(f"--param expects KEY=VALUE, got {item[:40]!r}")
        params[key.strip()] = value
    return params


@main.command("queries")
@click.option(
    "--format", "fmt", type=click.Choice(TABLE_FORMATS), default="table", help="Output format."
)
def queries_command(fmt: str) -> None:
    """List the saved queries: name, summary and parameters.

    \b
    Example:
      ackg queries --format md
    """
    from ..query.formats import format_records
    from ..query.queries import list_queries

    rows = [
        [query.name, query.summary, " ".join(p.describe() for p in query.parameters)]
        for query in list_queries(_root())
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
@click.option("--format", "fmt", type=click.Choice(QUERY_FORMATS), default=None, help=_FORMAT_HELP)
@_target_options
def query_command(
    name: str,
    params: tuple[str, ...],
    fmt: str | None,
    store: str | None = None,
    endpoint: str | None = None,
    timeout: float | None = None,
) -> None:
    """Run the saved query NAME (see 'ackg queries').

    \b
    Examples:
      ackg query reports-to --param body=CPTFWG
      ackg query reporting-chain --param body=swg-acts --format csv
      ackg query plan-in-force --param year=2023 --format json
      ackg query resource-description --param resource=CCC --format ttl
    """
    from ..query.queries import get_query, run_query

    query = get_query(name, _root())
    result = run_query(query, _params(params), backend=_backend(store, endpoint, timeout))
    _echo_result(result, fmt, query.prefixes)


@main.command("sparql")
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(QUERY_FORMATS), default=None, help=_FORMAT_HELP)
@click.option(
    "--allow-network",
    is_flag=True,
    help="Allow SERVICE and FROM / FROM NAMED, which may reach other datasets or the network.",
)
@click.option(
    "--allow-extensions",
    is_flag=True,
    help="Allow calls of functions that are neither SPARQL 1.1 built-ins nor XSD casts, and "
    "other syntax that is not SPARQL 1.1 (an engine's extensions, such as Virtuoso's bif: "
    "functions, which can reach the network or change data).",
)
@_target_options
def sparql_command(
    query: str,
    fmt: str | None,
    allow_network: bool,
    allow_extensions: bool,
    store: str | None = None,
    endpoint: str | None = None,
    timeout: float | None = None,
) -> None:
    """Run an ad-hoc read-only SPARQL query: QUERY is the text, a file, or - for stdin.

    Updates are refused; so are SERVICE and FROM unless --allow-network is given, and
    extension functions (e.g. Virtuoso's bif:...) unless --allow-extensions is given.

    \b
    Examples:
      ackg sparql 'SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }'
      ackg sparql my-query.rq --format csv
      echo 'ASK { ?s ?p ?o }' | ackg sparql -
    """
    from ..query.queries import read_sparql_argument, sparql
    from ..rdf.sparqltext import prefixes_of

    text = read_sparql_argument(query, sys.stdin)
    backend = _backend(
        store,
        endpoint,
        timeout,
        allow_network=allow_network,
        allow_extensions=allow_extensions,
    )
    result = sparql(
        text, backend=backend, allow_network=allow_network, allow_extensions=allow_extensions
    )
    _echo_result(result, fmt, prefixes_of(text))


# --- validate ---


@main.command("validate")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(REPORT_FORMATS),
    default="text",
    show_default=True,
    help="text: grouped by file, for people; json; junit: JUnit XML for CI test reports; "
    "github: GitHub Actions annotations (::error file=...,line=...::message).",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--without-project-data",
    is_flag=True,
    help="Validate the given files with the ontology and shapes only, not with the project's data.",
)
@click.option(
    "--root",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    help="The project directory (with ontology/, data/ and queries/) to validate, as "
    "'ackg --root DIR validate'. Default: $ACKG_HOME, else the nearest project at or above "
    "the working directory, else the copy installed with the package.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the report to this file (e.g. a JUnit XML file for CI); the summary line "
    "still goes to standard error.",
)
def validate_command(
    paths: tuple[str, ...],
    fmt: str,
    strict: bool,
    without_project_data: bool,
    root: str | None,
    output: str | None,
) -> int:
    """Check the graph: Turtle syntax, SHACL shapes, OWL 2 RL logic and the quality checks.

    Without PATH, validates the project's data. With PATHs (Turtle files, or directories of
    them), validates those files together with the project's ontology, shapes and data, so a
    new file may refer to what the project already describes. Every problem names the file and
    line of the statement at fault. Exits 0 when valid, 1 when invalid (warnings only
    with --strict), 2 on a usage or environment error or on shapes that cannot be used (a
    SHACL-SPARQL query SHACL forbids). The summary names the project read.

    \b
    Examples:
      ackg validate
      ackg validate new-bodies.ttl
      ackg validate --format github
      ackg validate --format junit -o validation.xml
      ackg validate --root path/to/a/fork
    """
    from typing import cast

    from ..validation.report import format_report, summary
    from ..validation.validate import validate

    report = validate(
        list(paths) or None, with_project_data=not without_project_data, root=_root(root)
    )
    text = format_report(report, cast("ReportFormat", fmt), strict)
    if output is None:
        click.echo(text, nl=False)
    else:
        from pathlib import Path

        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as error:
            from ..errors import EnvError

            raise EnvError(f"{output}: cannot write the file: {error.strerror or error}") from error
        click.echo(summary(report, strict), err=True)
    return EXIT_OK if report.valid(strict) else EXIT_DATA


# --- diff ---


@main.command("diff")
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option(
    "--queries",
    "with_queries",
    is_flag=True,
    help="Also run every saved query on both sides (with its defaults and its example "
    "parameters) and show the rows each answer gains and loses.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(DIFF_FORMATS),
    default="text",
    show_default=True,
    help="text for people; markdown for a pull request comment or $GITHUB_STEP_SUMMARY; json.",
)
def diff_command(old: str | None, new: str | None, with_queries: bool, fmt: str) -> None:
    """Show what a change means: the statements added and removed between OLD and NEW,
    grouped by resource and named by their labels, with the sources each resource cites.

    OLD and NEW are each a git revision of the project (main, HEAD~1...), a project
    directory, or a release file from 'ackg export'. Default: the working tree against
    HEAD; with OLD alone, OLD against the working tree. Blank nodes are matched by content,
    so reordering a file or relabelling its blank nodes shows nothing. Exits 0 whatever the
    difference, 2 for an unknown revision or an unreadable side.

    \b
    Examples:
      ackg diff
      ackg diff main --queries --format markdown >> "$GITHUB_STEP_SUMMARY"
      ackg diff HEAD~1 HEAD
      ackg diff old-release.nq dist/asean-customs-kg.nq
    """
    from typing import cast

    from ..release.diff import diff_sides, open_side
    from ..release.diff_report import format_diff

    project = _root()
    with open_side(old or "HEAD", project) as before, open_side(new, project) as after:
        diffs = diff_sides(before, after)
        queries = None
        if with_queries:
            from ..release.diff_queries import diff_queries

            queries = diff_queries(before, after, project)
    click.echo(format_diff(before, after, diffs, queries, cast("DiffFormat", fmt)), nl=False)


# --- export / load ---


@main.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default=None,
    help="trig, nq or jsonld keep the ontology, the shapes, the data and the description in "
    "named graphs; ttl and nt merge them into one graph. Default: from the -o file's suffix "
    "(.trig, .nq, .jsonld, .ttl, .nt), else trig.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write to this file (replaced whole) instead of standard output.",
)
def export_command(fmt: str | None, output: str | None) -> None:
    """Write a release of the graph: the ontology, the shapes and the data, each in its named
    graph, with a VoID/DCAT description of the dataset (title, version, licence, sources,
    triples per graph). The same files always give byte-identical output.

    \b
    Examples:
      ackg export -o dist/asean-customs-kg.trig
      ackg export --format nt > asean-customs-kg.nt
    """
    from typing import cast

    from ..release import export

    chosen = fmt or (export.format_from_suffix(output) if output else None) or "trig"
    release = export.build_release(root=_root())
    kind = cast("ExportFormat", chosen)
    if output is None:
        click.echo(export.serialize(release, kind), nl=False)
        return
    size = export.write(release, kind, output)
    click.echo(
        f"wrote {len(release)} triples in {len(release.counts())} graphs to {output} "
        f"({chosen}, {size} bytes)",
        err=True,
    )


@main.command("load")
@click.option(
    "--store",
    type=click.Path(file_okay=False),
    default=None,
    metavar="PATH",
    help="Load into an on-disk Oxigraph store in this directory (created if missing); "
    "'oxigraph serve --location PATH' serves it.",
)
@click.option(
    "--endpoint",
    metavar="URL",
    default=None,
    help="Load into a SPARQL 1.1 server through its update endpoint (Oxigraph: "
    "http://HOST:7878/update). " + _ENDPOINT_AUTH,
)
@click.option(
    "--query-endpoint",
    metavar="URL",
    default=None,
    help="With --endpoint: the query endpoint to read the counts back from. Default: "
    ".../update becomes .../query, .../statements is dropped, else the same URL.",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=None,
    help="With --endpoint: triples sent per request (default 1000).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="With --endpoint: how long to wait for each answer.",
)
def load_command(
    store: str | None,
    endpoint: str | None,
    query_endpoint: str | None,
    chunk_size: int | None,
    timeout: float,
) -> None:
    """Load the graph into an on-disk store or a SPARQL 1.1 server, replacing its graphs.

    The ontology, the shapes, the data and the description go to their named graphs
    (https://w3id.org/asean-customs-kg/graph/...). The load is atomic: a store is
    bulk-loaded into a new directory next to it, then renamed into its place; a server's
    graphs are filled in temporary graphs, chunk by chunk, then swapped in with one update.
    So a failure or Ctrl-C leaves the previous contents intact, and loading twice gives the
    same state. The number of triples in each graph is read back and checked.

    \b
    Examples:
      ackg load --store ackg-store && oxigraph serve --location ackg-store
      ackg load --endpoint http://localhost:7878/update
      ACKG_ENDPOINT_USER=admin ACKG_ENDPOINT_PASSWORD=... \\
        ackg load --endpoint http://localhost:3030/ds/update
    """
    import contextlib

    from ..errors import UsageError

    if (store is None) == (endpoint is None):
        raise UsageError("give --store PATH or --endpoint URL (one of them)")
    if query_endpoint is not None and endpoint is None:
        raise UsageError("--query-endpoint applies to --endpoint only")
    if chunk_size is not None and endpoint is None:
        raise UsageError("--chunk-size applies to --endpoint only")
    from ..release import export, loading

    with contextlib.ExitStack() as stack:
        progress = None
        if sys.stderr.isatty():
            bars: list[Any] = []

            def progress(done: int, total: int) -> None:
                if not bars:
                    bars.append(
                        stack.enter_context(
                            click.progressbar(length=total, label="loading", file=sys.stderr)
                        )
                    )
                bars[0].update(done - bars[0].pos)

        if store is not None:
            report = loading.load_store_files(store, progress=progress, root=_root())
            steps = f"from {report.chunks} files"
        else:
            assert endpoint is not None
            report = loading.load_endpoint(
                endpoint,
                export.build_release(root=_root()),
                query_url=query_endpoint,
                chunk_size=chunk_size or loading.DEFAULT_CHUNK_SIZE,
                timeout=timeout,
                progress=progress,
            )
            steps = f"in {report.chunks} chunks"
    for graph, count in report.counts.items():
        click.echo(f"{count:>8}  {graph}")
    click.echo(
        f"loaded {report.total} triples into {report.target} {steps}; "
        "the counts were read back and match"
    )


# --- diagrams and docs ---


@main.command("diagram")
@click.option(
    "--kind",
    type=click.Choice(DIAGRAM_KINDS),
    default="structure",
    show_default=True,
    help="structure: the org chart of the bodies and their reporting lines; timeline: "
    "establishments, meetings, summits and plan periods in time order.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(DIAGRAM_FORMATS),
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

    from ..publish import diagram

    if fmt is None:
        suffix = Path(output).suffix.lower() if output else ""
        fmt = DIAGRAM_SUFFIXES.get(suffix, "mermaid")
    picture = diagram.diagram(cast("DiagramKind", kind), cast("DiagramFormat", fmt), root=_root())
    data = picture.encode("utf-8") if isinstance(picture, str) else picture
    if output is None:
        click.echo(data, nl=False)  # bytes go to the binary stream
        return
    try:
        Path(output).write_bytes(data)
    except OSError as error:
        from ..errors import EnvError

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
    from ..publish import docs

    project = _root()

    def run_in_project(args: Sequence[str]) -> int:
        return run(["--root", str(project.path), *args])

    written = docs.write(docs.build(main, run_in_project, project), directory)
    click.echo(f"wrote {len(written)} files to {directory}", err=True)


# --- serve ---


@main.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to listen on; 0.0.0.0 (or ::) makes the server reachable from other "
    "machines.",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="The port."
)
@click.option(
    "--store",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    metavar="PATH",
    help="Serve the on-disk store that 'ackg load --store PATH' wrote.",
)
@click.option(
    "--endpoint",
    metavar="URL",
    default=None,
    help="Serve a SPARQL 1.1 server's graphs that 'ackg load --endpoint' filled, through its "
    "query endpoint. " + _ENDPOINT_AUTH,
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="The time limit of each query (HTTP 503 beyond it).",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="The largest result served, in rows or triples (HTTP 400 beyond it).",
)
@click.option(
    "--max-concurrent",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="How many queries run at once; others wait (HTTP 503 after the time limit).",
)
def serve_command(
    host: str,
    port: int,
    store: str | None,
    endpoint: str | None,
    timeout: float,
    max_rows: int,
    max_concurrent: int,
) -> int:
    """Serve the graph on the web: a SPARQL endpoint, the saved queries as a Web API, pages.

    \b
    /sparql            SPARQL 1.1 Protocol, read-only (GET, POST)
    /api/              the saved queries; /api/NAME?PARAM=VALUE runs one,
                       /api/NAME.csv in a format; /api/openapi.json, /api/docs
    /                  the home page: org chart, timeline, saved queries
    /queries/NAME      a saved query's form and result
    /sparql.html       a form for SPARQL queries
    /id/...            every resource's page; Turtle, JSON-LD, N-Triples by
                       Accept header or suffix (/id/body/ccc.ttl)

    Listens on 127.0.0.1 unless --host says otherwise. Ctrl-C or SIGTERM stops it.
    Needs the web extra: pip install 'asean-customs-kg[web]'.

    \b
    Examples:
      ackg serve
      ackg serve --port 8080 --store ackg-store
      ackg serve --endpoint http://localhost:7878/query
    """
    from ..errors import EnvError

    try:
        import jinja2  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as error:
        raise EnvError(
            f"ackg serve needs {error.name or 'the web packages'}: "
            "pip install 'asean-customs-kg[web]'"
        ) from None
    from ..backends.redact import redact_url
    from ..web.limits import Limits
    from ..web.server import serve

    project = _root()
    backend = _backend(store, endpoint, timeout if endpoint is not None else None)
    # What the pages say the graph is, and (in the log only) where it is.
    if store is not None:
        where, detail = "an on-disk store", store
    elif endpoint is not None:
        where, detail = "a SPARQL server", redact_url(endpoint)
    else:
        where, detail = "the project's files", f"{project.path}, {project.describe()}"
    limits = Limits(timeout=timeout, max_rows=max_rows, concurrent=max_concurrent)
    return serve(backend, project, where=where, detail=detail, host=host, port=port, limits=limits)


# --- site ---


@main.command("site")
@click.option(
    "-o",
    "--output",
    "directory",
    type=click.Path(file_okay=False),
    default="build/site",
    show_default=True,
    help="The directory to write the site into; a site written there before is replaced, "
    "any other non-empty directory is refused.",
)
@click.option(
    "--site-url",
    metavar="URL",
    default=None,
    help="The address the site is published at (https://OWNER.github.io/REPOSITORY/): the "
    "redirect rules for w3id.org (.htaccess) point there. Without it none are written.",
)
def site_command(directory: str, site_url: str | None) -> None:
    """Write the graph as a static Linked Data site, so that every IRI resolves.

    Every resource and ontology term gets a page in HTML, Turtle, JSON-LD and N-Triples
    (id/body/cptfwg.html, .ttl, .jsonld, .nt), with index pages by type, the org chart and
    the timeline, the saved queries with their results, the reference documentation and the
    release files. Links are relative: the site works under any base path. The same files
    give the same bytes. Needs the web extra: pip install 'asean-customs-kg[web]'.

    \b
    Example:
      ackg site -o build/site --site-url https://OWNER.github.io/REPOSITORY/
    """
    from ..errors import EnvError

    try:
        import jinja2  # noqa: F401
    except ImportError:
        raise EnvError("ackg site needs jinja2: pip install 'asean-customs-kg[web]'") from None
    from ..publish.site import build_site, check_site_url

    if site_url is not None:
        site_url = check_site_url(site_url)
    project = _root()

    def run_in_project(args: Sequence[str]) -> int:
        return run(["--root", str(project.path), *args])

    built = build_site(directory, root=project, site_url=site_url, group=main, run=run_in_project)
    for note in built.notes:
        click.echo(f"note: {note}", err=True)
    rules = "" if built.redirects else "; no redirect rules (no --site-url)"
    click.echo(
        f"wrote {built.files} files to {directory}: {built.resources} resources{rules}", err=True
    )

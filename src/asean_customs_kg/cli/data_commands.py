"""The commands on the data and its releases: ``ackg validate``, ``ackg diff``, ``ackg export``
and ``ackg load``.

Each command imports the library modules it needs inside its function, so that the command line
stays cheap to start.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, cast

import click

from ..choices import DIFF_FORMATS, EXPORT_FORMATS, REPORT_FORMATS
from ..errors import EXIT_DATA, EXIT_OK
from .base import ENDPOINT_AUTH, root_of

if TYPE_CHECKING:
    from ..choices import DiffFormat, ExportFormat, ReportFormat

__all__ = ["diff_command", "export_command", "load_command", "validate_command"]


# --- validate ---


@click.command("validate")
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

    from ..validation.report import format_report, summary
    from ..validation.validate import validate

    report = validate(
        list(paths) or None, with_project_data=not without_project_data, root=root_of(root)
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


@click.command("diff")
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

    from ..release.diff import diff_sides, open_side
    from ..release.diff_report import format_diff

    project = root_of()
    with open_side(old or "HEAD", project) as before, open_side(new, project) as after:
        diffs = diff_sides(before, after)
        queries = None
        if with_queries:
            from ..release.diff_queries import diff_queries

            queries = diff_queries(before, after, project)
    click.echo(format_diff(before, after, diffs, queries, cast("DiffFormat", fmt)), nl=False)


# --- export / load ---


@click.command("export")
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

    from ..release import export

    chosen = fmt or (export.format_from_suffix(output) if output else None) or "trig"
    release = export.build_release(root=root_of())
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


@click.command("load")
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
    "http://HOST:7878/update). " + ENDPOINT_AUTH,
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
            report = loading.load_store_files(store, progress=progress, root=root_of())
            steps = f"from {report.chunks} files"
        else:
            assert endpoint is not None
            report = loading.load_endpoint(
                endpoint,
                export.build_release(root=root_of()),
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

"""The commands that publish the graph: ``ackg diagram``, ``ackg docs``, ``ackg serve`` and
``ackg site``.

Each command imports the library modules it needs inside its function, so that the command line
stays cheap to start.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

import click

from ..choices import DIAGRAM_FORMATS, DIAGRAM_KINDS, DIAGRAM_SUFFIXES
from .base import ENDPOINT_AUTH, AckgGroup, backend_for, root_of

if TYPE_CHECKING:
    from ..choices import DiagramFormat, DiagramKind

__all__ = ["diagram_command", "docs_command", "serve_command", "site_command"]


# --- diagrams and docs ---


@click.command("diagram")
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
    picture = diagram.diagram(cast("DiagramKind", kind), cast("DiagramFormat", fmt), root=root_of())
    data = picture.encode("utf-8") if isinstance(picture, str) else picture
    if output is None:
        click.echo(data, nl=False)  # bytes go to the binary stream
        return
    try:
        Path(output).write_bytes(data)
    except OSError as error:
        from ..errors import EnvError

        raise EnvError(f"{output}: cannot write the file: {error.strerror or error}") from error


@click.command("docs")
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

    project = root_of()

    group = cast("AckgGroup", click.get_current_context().find_root().command)

    def run_in_project(args: Sequence[str]) -> int:
        return group.run(["--root", str(project.path), *args])

    written = docs.write(docs.build(group, run_in_project, project), directory)
    click.echo(f"wrote {len(written)} files to {directory}", err=True)


# --- serve ---


@click.command("serve")
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
    "query endpoint. " + ENDPOINT_AUTH,
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
@click.option(
    "--request-timeout",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    metavar="SECONDS",
    help="The time a client has to send a request's head, and then its body (the connection "
    "is closed, or HTTP 408).",
)
def serve_command(
    host: str,
    port: int,
    store: str | None,
    endpoint: str | None,
    timeout: float,
    max_rows: int,
    max_concurrent: int,
    request_timeout: int,
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

    project = root_of()
    backend = backend_for(store, endpoint, timeout if endpoint is not None else None)
    # What the pages say the graph is, and (in the log only) where it is.
    if store is not None:
        where, detail = "an on-disk store", store
    elif endpoint is not None:
        where, detail = "a SPARQL server", redact_url(endpoint)
    else:
        where, detail = "the project's files", f"{project.path}, {project.describe()}"
    limits = Limits(
        timeout=timeout,
        max_rows=max_rows,
        concurrent=max_concurrent,
        head_timeout=request_timeout,
    )
    return serve(backend, project, where=where, detail=detail, host=host, port=port, limits=limits)


# --- site ---


@click.command("site")
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
    project = root_of()

    group = cast("AckgGroup", click.get_current_context().find_root().command)

    def run_in_project(args: Sequence[str]) -> int:
        return group.run(["--root", str(project.path), *args])

    built = build_site(directory, root=project, site_url=site_url, group=group, run=run_in_project)
    for note in built.notes:
        click.echo(f"note: {note}", err=True)
    rules = "" if built.redirects else "; no redirect rules (no --site-url)"
    click.echo(
        f"wrote {built.files} files to {directory}: {built.resources} resources{rules}", err=True
    )

"""The query commands: ``ackg queries``, ``ackg query`` and ``ackg sparql``.

Each command imports the library modules it needs inside its function, so that the command line
stays cheap to start.
"""

from __future__ import annotations

import sys

import click

from ..choices import QUERY_FORMATS, TABLE_FORMATS
from .base import FORMAT_HELP, backend_for, echo_result, parse_params, root_of, target_options

__all__ = ["queries_command", "query_command", "sparql_command"]


@click.command("queries")
@click.option(
    "--format", "fmt", type=click.Choice(TABLE_FORMATS), default="table", help="Output format."
)
def queries_command(fmt: str) -> None:
    """List the saved queries: name, summary and parameters.

    \b
    Example:
      ackg queries --format md
    """
    from ..query.catalogue import list_queries
    from ..query.formats import format_records

    rows = [
        [query.name, query.summary, " ".join(p.describe() for p in query.parameters)]
        for query in list_queries(root_of())
    ]
    click.echo(format_records(["name", "summary", "parameters"], rows, fmt), nl=False)


@click.command("query")
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
@click.option("--format", "fmt", type=click.Choice(QUERY_FORMATS), default=None, help=FORMAT_HELP)
@target_options
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
    from ..query.catalogue import get_query
    from ..query.queries import run_query

    query = get_query(name, root_of())
    result = run_query(query, parse_params(params), backend=backend_for(store, endpoint, timeout))
    echo_result(result, fmt, query.prefixes)


@click.command("sparql")
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(QUERY_FORMATS), default=None, help=FORMAT_HELP)
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
@target_options
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
    backend = backend_for(
        store,
        endpoint,
        timeout,
        allow_network=allow_network,
        allow_extensions=allow_extensions,
    )
    result = sparql(
        text, backend=backend, allow_network=allow_network, allow_extensions=allow_extensions
    )
    echo_result(result, fmt, prefixes_of(text))

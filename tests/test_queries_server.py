"""The saved queries, bound as text, give the same answers from a real SPARQL server.

An Oxigraph server is started on a free loopback port with the project's ontology and data,
and a minimal HTTP backend (the SPARQL 1.1 protocol: POST application/sparql-query) sends each
saved query with its parameters bound by ``bind_values``, as a remote backend must. Parameter
resolution goes through the same backend. Every answer must equal the embedded engine's.
"""

from __future__ import annotations

import subprocess
import urllib.request
from collections.abc import Iterator, Mapping

import pytest

from asean_customs_kg import resources
from asean_customs_kg.query.catalogue import SavedQuery, list_queries
from asean_customs_kg.query.queries import run_query
from asean_customs_kg.rdf.results import Result
from asean_customs_kg.rdf.sparqltext import BindableTerm, bind_values, query_form
from oxigraph_server import OXIGRAPH, OxigraphServer, require_oxigraph

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy


class HttpBackend:
    """A bare SPARQL protocol client, enough to check what a remote engine receives."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def query(self, sparql: str, bindings: Mapping[str, BindableTerm] | None = None) -> Result:
        text = bind_values(sparql, bindings or {})
        graph = query_form(text) in ("CONSTRUCT", "DESCRIBE")
        request = urllib.request.Request(
            self.endpoint,
            data=text.encode("utf-8"),
            headers={
                "Content-Type": "application/sparql-query",
                "Accept": "application/n-triples" if graph else "application/sparql-results+json",
            },
        )
        with OPENER.open(request, timeout=30) as response:
            return Result.from_response(response.read(), response.headers["Content-Type"])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HttpBackend]:
    require_oxigraph()
    location = tmp_path_factory.mktemp("oxigraph")
    files = [str(path) for path in [*resources.ontology_files(), *resources.data_files()]]
    subprocess.run(
        [str(OXIGRAPH), "load", "--location", str(location), "--file", *files],
        check=True,
        capture_output=True,
    )
    with OxigraphServer(location) as started:
        yield HttpBackend(started.query_url)


@pytest.mark.parametrize("query", [pytest.param(q, id=q.name) for q in list_queries()])
def test_the_server_gives_the_embedded_answer(server: HttpBackend, query: SavedQuery) -> None:
    params = {p.name: p.example for p in query.parameters if p.example is not None}
    expected = run_query(query, params)
    answer = run_query(query, params, backend=server)
    assert answer.form == expected.form
    assert answer.variables == expected.variables
    assert answer.solutions == expected.solutions
    assert set(answer.triples) == set(expected.triples)
    assert len(expected) > 0

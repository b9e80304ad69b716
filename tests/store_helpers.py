"""Helpers shared by the store tests: a second release, and answers made comparable."""

from __future__ import annotations

from typing import Any

import pyoxigraph
import pytest

from asean_customs_kg.backends.endpoints import Endpoint
from asean_customs_kg.query.catalogue import SavedQuery
from asean_customs_kg.rdf.results import Result
from asean_customs_kg.release import export, loading

EXTRA = pyoxigraph.Triple(
    pyoxigraph.NamedNode("https://example.org/new"),
    pyoxigraph.NamedNode("https://example.org/p"),
    pyoxigraph.Literal("only in the second release"),
)
HAS_EXTRA = "ASK { <https://example.org/new> ?p ?o }"


def with_extra(release: export.Release) -> export.Release:
    """The release with one more triple at the start of the data graph."""
    graphs = dict(release.graphs)
    graphs[export.DATA_GRAPH] = [EXTRA, *graphs[export.DATA_GRAPH]]
    return export.Release(graphs, release.prefixes)


def load_with_a_load_meanwhile(
    url: str, first: export.Release, second: export.Release
) -> loading.LoadReport:
    """Loads ``first`` into the server at ``url`` while a load of ``second`` runs whole between
    the first one's filling of its temporary graphs and its final replacing request (the
    second's clean-up of leftovers included)."""
    real_update = Endpoint.update
    started: list[str] = []

    def update(self: Endpoint, sparql: str) -> None:
        if "MOVE" in sparql and not started:
            started.append("second")
            loading.load_endpoint(url, second)  # its own final request goes straight through
        real_update(self, sparql)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Endpoint, "update", update)
        report = loading.load_endpoint(url, first)
    assert started == ["second"]
    return report


def normalised(result: Result) -> Any:
    """The answer with blank-node labels (which differ between stores) blanked out."""

    def term(value: Any) -> Any:
        return "_:" if isinstance(value, pyoxigraph.BlankNode) else value

    if result.form == "graph":
        return sorted(
            str(tuple(term(part) for part in (t.subject, t.predicate, t.object)))
            for t in result.triples
        )
    return (
        result.form,
        result.variables,
        result.boolean,
        [tuple(term(value) for value in row) for row in result.solutions],
    )


def examples(query: SavedQuery) -> dict[str, str]:
    """The example value of each parameter of the query that has one."""
    return {p.name: p.example for p in query.parameters if p.example is not None}

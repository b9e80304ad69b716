"""Every saved query returns the same rows on pyoxigraph and on rdflib.

pyoxigraph runs the query as the project runs it (parameters bound by a VALUES block). rdflib
loads the same files and runs the query twice: with its own ``initBindings``, an independent way
to bind, and with the VALUES-bound text that the project sends to remote endpoints. All three
must agree row for row, in order.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pyoxigraph
import pytest
import rdflib
from rdflib.term import Identifier, Node

from asean_customs_kg import resources
from asean_customs_kg.backends.embedded import default_backend
from asean_customs_kg.query.catalogue import SavedQuery, list_queries
from asean_customs_kg.query.queries import bindings_for
from asean_customs_kg.rdf.results import Term
from asean_customs_kg.rdf.sparqltext import bind_values

QUERIES = list_queries()


@cache
def rdflib_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in [*resources.ontology_files(), *resources.data_files()]:
        graph.parse(path, format="turtle")
    return graph


def from_oxigraph(term: Term | pyoxigraph.Triple | None) -> tuple[str, ...] | None:
    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode):
        return ("iri", term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return ("bnode",)
    assert isinstance(term, pyoxigraph.Literal)
    return ("literal", term.value, term.language or term.datatype.value)


def from_rdflib(term: Node | None) -> tuple[str, ...] | None:
    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return ("iri", str(term))
    if isinstance(term, rdflib.BNode):
        return ("bnode",)
    assert isinstance(term, rdflib.Literal)
    datatype = term.language or str(term.datatype or "http://www.w3.org/2001/XMLSchema#string")
    return ("literal", str(term), datatype)


def to_rdflib(term: pyoxigraph.NamedNode | pyoxigraph.Literal) -> Identifier:
    if isinstance(term, pyoxigraph.NamedNode):
        return rdflib.URIRef(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def example_params(query: SavedQuery) -> dict[str, str]:
    return {p.name: p.example for p in query.parameters if p.example is not None}


def oxigraph_rows(query: SavedQuery, bindings: dict[str, Any]) -> list[Any]:
    result = default_backend().query(query.text, bindings)
    if result.form == "graph":
        return sorted(tuple(map(from_oxigraph, triple)) for triple in result)
    return [tuple(map(from_oxigraph, row)) for row in result.solutions]


def rdflib_rows(text: str, form: str, init: dict[str, Identifier] | None = None) -> list[Any]:
    result = rdflib_graph().query(text, initBindings=init or {})
    if form in ("CONSTRUCT", "DESCRIBE"):
        return sorted(tuple(map(from_rdflib, triple)) for triple in result)  # type: ignore[arg-type]
    return [tuple(map(from_rdflib, row)) for row in result]  # type: ignore[arg-type]


@pytest.mark.parametrize("query", [pytest.param(q, id=q.name) for q in QUERIES])
def test_pyoxigraph_and_rdflib_agree(query: SavedQuery) -> None:
    bindings = bindings_for(query, example_params(query), default_backend())
    expected = oxigraph_rows(query, bindings)
    assert expected, f"{query.name} returns no rows with its example parameters"
    init = {name: to_rdflib(term) for name, term in bindings.items()}
    assert rdflib_rows(query.text, query.form, init) == expected
    assert rdflib_rows(bind_values(query.text, bindings), query.form) == expected

"""SHACL-SPARQL constraints (``sh:sparql``) evaluated once over the whole graph, on pyoxigraph.

pySHACL runs a node shape's ``sh:select`` once per focus node, with ``$this`` pre-bound, in
rdflib's SPARQL engine: the cost is the number of focus nodes times the cost of one query, which is
quadratic for a constraint that compares every focus node with every other (two bodies sharing
an acronym). Here each query runs once, with ``$this`` left free, so that it finds the violations
of every resource at the same time; a row counts when its ``$this`` is a focus node of the shape
(a target of the shape). For the queries of this project's shapes (no ``MINUS``, ``VALUES`` or
sub-query that hides ``$this``), this gives the rows pre-binding gives, node by node. Where
pre-binding would be fast but the free query slow (a comparison of every pair, which a nested
``SELECT`` grouping by a key avoids, but SHACL forbids a nested ``SELECT`` without ``$this``), the
constraint carries the whole-graph form as ``acksh:selectOnce`` (:data:`SELECT_ONCE`), used here
instead; the tests check that both forms find the same on every fixture.

Each row becomes the finding pySHACL's result would have given: the focus node, the node shape,
the severity of the shape, and the constraint's ``sh:message`` with its ``{?var}`` and
``{$this}`` filled in the way pySHACL fills them.

:func:`split_shapes` picks out the constraints this module can evaluate (on a node shape with
targets it understands, not deactivated) and returns a copy of the shapes without them, for
pySHACL to check the rest. rdflib is imported inside the functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph

from ...errors import ShapesError
from ...rdf.graph import to_rdflib_term
from ...rdf.vocab import BASE, RDF_TYPE, RDFS_CLASS, SH
from ..problems import Finding
from . import shape_queries
from .results import ShaclResult, to_finding

if TYPE_CHECKING:
    import rdflib
    from rdflib.term import Node

__all__ = [
    "SELECT_ONCE",
    "SparqlConstraint",
    "sparql_findings",
    "sparql_results",
    "split_shapes",
]

SELECT_ONCE = BASE + "shapes#selectOnce"
"""A constraint's query for all focus nodes at once, used instead of its ``sh:select``."""

_TARGETS = ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode")
_INSTANCE_OF = "a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"


@dataclass(frozen=True)
class SparqlConstraint:
    """One ``sh:sparql`` constraint of a node shape, ready to run on pyoxigraph."""

    shape: Node
    constraint: Node
    query: str
    focus_query: str
    messages: tuple[rdflib.Literal, ...]


def _focus_query(shapes: rdflib.Graph, shape: Node) -> str | None:
    """A SELECT of the shape's focus nodes as ``?this``, or None if a target is not understood."""
    from rdflib import Namespace, URIRef

    sh = Namespace(SH)
    parts: list[str] = []
    for predicate, value in shapes.predicate_objects(shape):
        name = str(predicate).removeprefix(SH)
        if str(predicate).startswith(SH) and name.startswith("target"):
            if name not in _TARGETS or not isinstance(value, URIRef):
                return None
            iri = f"<{value}>"
            parts.append(
                {
                    "targetClass": f"?this {_INSTANCE_OF} {iri}",
                    "targetSubjectsOf": f"?this {iri} []",
                    "targetObjectsOf": f"[] {iri} ?this",
                    "targetNode": f"VALUES ?this {{ {iri} }}",
                }[name]
            )
    if (shape, URIRef(RDF_TYPE), URIRef(RDFS_CLASS)) in shapes:
        if not isinstance(shape, URIRef):
            return None
        parts.append(f"?this {_INSTANCE_OF} <{shape}>")
    if not parts or (shape, sh.deactivated, None) in shapes:
        return None
    union = " UNION ".join(f"{{ {part} }}" for part in sorted(parts))
    return f"SELECT DISTINCT ?this WHERE {{ {union} }}"


def split_shapes(shapes: rdflib.Graph) -> tuple[rdflib.Graph, list[SparqlConstraint]]:
    """The constraints evaluated here, and a copy of ``shapes`` without them (for pySHACL)."""
    import rdflib
    from rdflib import Literal, Namespace, URIRef

    sh = Namespace(SH)
    taken: list[SparqlConstraint] = []
    for shape, constraint in shapes.subject_objects(sh.sparql):
        select = shapes.value(constraint, URIRef(SELECT_ONCE)) or shapes.value(
            constraint, sh.select
        )
        if (
            (shape, sh.path, None) in shapes
            or not isinstance(select, Literal)
            or (constraint, sh.deactivated, None) in shapes
            or (constraint, sh.ask, None) in shapes
        ):
            continue  # a property shape's or an unusual constraint: pySHACL evaluates it
        focus = _focus_query(shapes, shape)
        if focus is None:
            continue
        prefixes = shape_queries.prefixes(shapes, constraint)
        if (constraint, URIRef(SELECT_ONCE), None) not in shapes and not shape_queries.runs_once(
            f"{prefixes}\n{select}"
        ):
            continue  # $this pre-bound gives other rows: pySHACL evaluates it
        messages = tuple(
            m for m in shapes.objects(constraint, sh.message) if isinstance(m, Literal)
        )
        taken.append(
            SparqlConstraint(
                shape, constraint, f"{prefixes}\n{select}", f"{prefixes}\n{focus}", messages
            )
        )
    rest = rdflib.Graph()
    for prefix, namespace in shapes.namespaces():
        rest.bind(prefix, namespace)
    links = {(c.shape, c.constraint) for c in taken}
    for triple in shapes:
        if triple[1] == sh.sparql and (triple[0], triple[2]) in links:
            continue
        rest.add(triple)
    return rest, taken


def _fill(message: str, bound: Iterable[tuple[str, Node]]) -> str:
    """pySHACL's way: each ``{?var}``/``{$var}`` replaced by the text of its value."""
    for name, value in bound:
        message = re.sub(f"{{[?$]{name}}}", str(value), message)
    return message


def sparql_results(
    store: pyoxigraph.Store, shapes: rdflib.Graph, constraints: Iterable[SparqlConstraint]
) -> list[ShaclResult]:
    """Runs each constraint once on ``store`` (ontology plus data, in the union of its graphs);
    one result per distinct solution of a focus node."""
    from rdflib import Literal, Namespace

    sh = Namespace(SH)
    results: list[ShaclResult] = []
    for item in constraints:
        focus_rows = store.query(item.focus_query, use_default_graph_as_union=True)
        assert isinstance(focus_rows, pyoxigraph.QuerySolutions)
        focus_nodes = {row["this"] for row in focus_rows}
        solutions = store.query(item.query, use_default_graph_as_union=True)
        assert isinstance(solutions, pyoxigraph.QuerySolutions)
        variables = [v.value for v in solutions.variables]
        severity = shapes.value(item.shape, sh.severity)
        messages = list(item.messages) or [
            m for m in shapes.objects(item.shape, sh.message) if isinstance(m, Literal)
        ]
        seen: set[tuple[object, ...]] = set()
        for row in solutions:
            failure = row["failure"] if "failure" in variables else None
            if isinstance(failure, pyoxigraph.Literal) and failure.value in ("true", "1"):
                raise ShapesError(
                    f"{shape_queries.name(item.shape)}: the sh:select query of "
                    f"{shape_queries.name(item.constraint)} reports a failure (?failure is true)"
                )
            this = row["this"] if "this" in variables else None
            if this is None or this not in focus_nodes:
                continue
            bound = {
                name: to_rdflib_term(row[name])
                for name in variables
                if name not in ("this", "path", "value") and row[name] is not None
            }
            focus = to_rdflib_term(this)
            path = to_rdflib_term(row["path"]) if "path" in variables and row["path"] else None
            value = to_rdflib_term(row["value"]) if "value" in variables and row["value"] else None
            key = (focus, path, value, tuple(sorted(bound.items())))
            if key in seen:
                continue
            seen.add(key)
            value = focus if value is None else value
            filled = [*bound.items(), ("this", focus)]
            filled += [("path", path)] if path is not None else []
            filled.append(("value", value))
            results.append(
                ShaclResult(
                    focus=focus,
                    severity=str(severity or SH + "Violation"),
                    component=SH + "SPARQLConstraintComponent",
                    shape=item.shape,
                    path=str(path) if path is not None else None,
                    value=value,
                    constraint=item.constraint,
                    messages=tuple(
                        Literal(_fill(str(m), filled), lang=m.language) for m in messages
                    ),
                )
            )
    return results


def sparql_findings(
    store: pyoxigraph.Store, shapes: rdflib.Graph, constraints: Iterable[SparqlConstraint]
) -> list[Finding]:
    """:func:`sparql_results` as findings."""
    return [to_finding(r, shapes) for r in sparql_results(store, shapes, constraints)]

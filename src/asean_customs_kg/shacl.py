"""SHACL validation with pySHACL, as findings.

:func:`shacl_findings` validates a graph that already holds the ontology and the data (the same
union pySHACL builds when it is given ``ont_graph``) against the shapes, and turns each result of
the report into a :class:`~asean_customs_kg.problems.Finding`: focus node, property (the result
path), value, message and the shape and constraint that produced it.

The ``sh:sparql`` constraints of node shapes are not given to pySHACL by :mod:`.validate`:
pySHACL runs them once per focus node, :mod:`.shacl_sparql` once over the whole graph.

rdflib and pyshacl are imported inside the functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .problems import Finding, Severity

if TYPE_CHECKING:
    import rdflib
    from rdflib.term import Node

__all__ = ["shacl_findings"]

_SH = "http://www.w3.org/ns/shacl#"


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _shape_name(shapes: rdflib.Graph, shape: Node | None) -> str:
    """The shape's IRI; for a blank property shape, its node shape's IRI and the path."""
    from rdflib import BNode, Namespace

    sh = Namespace(_SH)
    if shape is None:
        return "shape"
    if not isinstance(shape, BNode):
        return str(shape)
    parent = next(iter(shapes.subjects(sh.property, shape)), None)
    if parent is None:
        parent = next(iter(shapes.subjects(sh.sparql, shape)), None)
    if parent is not None and not isinstance(parent, BNode):
        return str(parent)
    return "shape"


def _severity(value: Node | None) -> Severity:
    return "error" if value is None or str(value) == _SH + "Violation" else "warning"


def _message(report: rdflib.Graph, result: Node) -> str | None:
    from rdflib import Literal, Namespace

    sh = Namespace(_SH)
    messages = [m for m in report.objects(result, sh.resultMessage) if isinstance(m, Literal)]
    english = [m for m in messages if m.language in (None, "en")]
    chosen = (english or messages)[:1]
    return str(chosen[0]) if chosen else None


def shacl_findings(graph: rdflib.Graph, shapes: rdflib.Graph) -> list[Finding]:
    """Validates ``graph`` (ontology plus data) against ``shapes``; one finding per result."""
    import pyshacl
    from rdflib import Literal, Namespace, URIRef

    sh = Namespace(_SH)
    _conforms, report, _text = pyshacl.validate(
        graph,
        shacl_graph=shapes,
        inference="none",
        allow_warnings=True,
        allow_infos=True,
    )
    findings: list[Finding] = []
    for result in set(report.subjects(sh.resultSeverity, None)):
        focus = report.value(result, sh.focusNode)
        path = report.value(result, sh.resultPath)
        value = report.value(result, sh.value)
        component = report.value(result, sh.sourceConstraintComponent)
        shape = _shape_name(shapes, report.value(result, sh.sourceShape))
        kind = _local(str(component)).removesuffix("ConstraintComponent") if component else ""
        name = kind.lower() if kind.isupper() else kind[:1].lower() + kind[1:]
        rule = f"{shape} (sh:{name})" if kind else shape
        path_text = str(path) if isinstance(path, URIRef) else None
        message = _message(report, result) or (
            f"The constraint sh:{kind} of {shape} is not met"
            + (f" on {path_text}" if path_text else "")
            + "."
        )
        findings.append(
            Finding(
                "shacl",
                _severity(report.value(result, sh.resultSeverity)),
                rule,
                message,
                focus=None if focus is None else _node_id(focus),
                predicate=path_text,
                value=None if value is None or value == focus else _value_text(value, Literal),
            )
        )
    return findings


def _node_id(node: Node) -> str:
    from rdflib import BNode

    return f"_:{node}" if isinstance(node, BNode) else str(node)


def _value_text(value: Node, literal: type) -> str:
    if isinstance(value, literal):
        return f'"{value}"'
    return _node_id(value)

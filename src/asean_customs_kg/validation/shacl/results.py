"""SHACL validation results as SHACL defines them, and the findings made of them.

Each engine of the SHACL stage (the compiled core constraints, the SHACL-SPARQL constraints run
once over the graph, pySHACL for the rest) gives :class:`ShaclResult` values: the terms of a
``sh:ValidationResult`` (focus node, result path, value, source shape, constraint component,
source constraint, severity, messages) and its nested ``sh:detail`` results. Nothing is lost on
the way: a result path that is not an IRI is kept as a path expression, a literal keeps its
datatype and language, ``sh:Info`` stays apart from ``sh:Warning``, and two equal results stay
two results.

:func:`to_finding` turns a result into the :class:`~asean_customs_kg.validation.problems.Finding`
the report shows: the rule ``"{shape} (sh:{component})"``, the first English (or untagged) message
or a default text, the path written as a SPARQL property path, the value in N-Triples form (a plain
string as ``"text"``), and one line per nested result.
rdflib is imported inside the functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from ...rdf import vocab
from ..problems import Finding, Severity

if TYPE_CHECKING:
    import rdflib
    from rdflib.term import Node

__all__ = [
    "PathExpr",
    "ShaclResult",
    "path_text",
    "read_path",
    "results_of_report",
    "severity_of",
    "shape_name",
    "term_text",
    "to_finding",
]

SH = vocab.SH

#: A property path: an IRI, or ``(kind, operand...)`` with kind ``inverse``, ``sequence``,
#: ``alternative``, ``zeroOrMore``, ``oneOrMore`` or ``zeroOrOne``.
PathExpr: TypeAlias = "str | tuple[object, ...]"

_PATH_KINDS = ("inversePath", "alternativePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath")


@dataclass(frozen=True)
class ShaclResult:
    """One ``sh:ValidationResult``; terms are rdflib terms of the data and shapes graphs."""

    focus: Node
    severity: str  # the IRI of sh:resultSeverity
    component: str | None  # the IRI of sh:sourceConstraintComponent
    shape: Node | None
    path: PathExpr | None = None
    value: Node | None = None
    constraint: Node | None = None  # sh:sourceConstraint
    messages: tuple[rdflib.Literal, ...] = ()
    details: tuple[ShaclResult, ...] = ()


def read_path(graph: rdflib.Graph, node: Node, depth: int = 0) -> PathExpr:
    """The path described at ``node`` in ``graph`` (a SHACL property path)."""
    from rdflib import RDF, BNode, URIRef

    if isinstance(node, URIRef):
        return str(node)
    if not isinstance(node, BNode) or depth > 20:
        raise ValueError(f"not a SHACL path: {node}")
    if (node, RDF.first, None) in graph:
        items = tuple(read_path(graph, item, depth + 1) for item in graph.items(node))
        return ("sequence", *items)
    for kind in _PATH_KINDS:
        target = graph.value(node, URIRef(SH + kind))
        if target is None:
            continue
        name = kind.removesuffix("Path")
        if kind == "alternativePath":
            items = tuple(read_path(graph, item, depth + 1) for item in graph.items(target))
            return ("alternative", *items)
        return ("inverse" if name == "inverse" else name, read_path(graph, target, depth + 1))
    raise ValueError(f"not a SHACL path: {node}")


def path_text(path: PathExpr) -> str:
    """``path`` as a SPARQL property path, IRIs in angle brackets."""
    if isinstance(path, str):
        return f"<{path}>"
    kind, *operands = path
    parts = [path_text(p) for p in operands]  # type: ignore[arg-type]
    if kind == "sequence":
        return "(" + " / ".join(parts) + ")"
    if kind == "alternative":
        return "(" + " | ".join(parts) + ")"
    suffix = {"zeroOrMore": "*", "oneOrMore": "+", "zeroOrOne": "?"}
    return f"^{parts[0]}" if kind == "inverse" else f"{parts[0]}{suffix[str(kind)]}"


def term_text(term: Node) -> str:
    """A term as the report shows it: an IRI as it is, a blank node ``_:id``, a literal in
    N-Triples form (a plain string without its datatype)."""
    from rdflib import BNode, Literal

    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype is not None and str(term.datatype) != vocab.XSD_STRING:
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    return str(term)


def severity_of(iri: str) -> Severity:
    """The report's severity for a SHACL severity IRI (an unknown IRI counts as an error)."""
    return {SH + "Warning": "warning", SH + "Info": "info"}.get(iri, "error")  # type: ignore[return-value]


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _rule(result: ShaclResult, shapes: rdflib.Graph) -> tuple[str, str, str]:
    """``(rule, shape name, component name)``."""
    shape = shape_name(shapes, result.shape)
    kind = _local(result.component).removesuffix("ConstraintComponent") if result.component else ""
    if result.component == SH + "SPARQLConstraintComponent":
        kind = "sparql"
    if result.component and not result.component.startswith(SH):
        # A constraint component declared in the shapes graph: named by its IRI.
        return f"{shape} (<{result.component}>)", shape, kind
    name = kind.lower() if kind.isupper() else kind[:1].lower() + kind[1:]
    return (f"{shape} (sh:{name})" if kind else shape), shape, kind


def _message(result: ShaclResult) -> str | None:
    english = [m for m in result.messages if m.language in (None, "en")]
    chosen = sorted(english or result.messages, key=str)[:1]
    return str(chosen[0]) if chosen else None


def to_finding(result: ShaclResult, shapes: rdflib.Graph) -> Finding:
    """The finding the report shows for ``result``; see the module doc."""
    rule, shape, kind = _rule(result, shapes)
    path = None if result.path is None else path_text(result.path)
    predicate = result.path if isinstance(result.path, str) else path
    if kind == "sparql" and not result.messages:
        default = f"The constraint sh:SPARQL of {shape} is not met."
    else:
        default = (
            f"The constraint sh:{kind} of {shape} is not met"
            + (f" on {predicate}" if isinstance(result.path, str) else "")
            + "."
        )
    value = result.value
    return Finding(
        "shacl",
        severity_of(result.severity),
        rule,
        _message(result) or default,
        focus=term_text(result.focus),
        predicate=predicate,
        value=None if value is None or value == result.focus else term_text(value),
        details=tuple(_detail_line(d, shapes) for d in result.details),
    )


def _detail_line(result: ShaclResult, shapes: rdflib.Graph, depth: int = 0) -> str:
    """One nested result as a line of text (its own nested results follow, indented)."""
    finding = to_finding(result, shapes)
    parts = [f"property {finding.predicate}"] if finding.predicate else []
    parts += [f"value {finding.value}"] if finding.value else []
    about = f" ({'; '.join(parts)})" if parts else ""
    line = f"{'  ' * depth}{finding.focus}: [{finding.rule}] {finding.message}{about}"
    nested = [_detail_line(d, shapes, depth + 1) for d in result.details]
    return "\n".join([line, *nested])


def results_of_report(report: rdflib.Graph) -> list[ShaclResult]:
    """The top-level results of a ``sh:ValidationReport`` graph, each with its nested
    ``sh:detail`` results (not as results of their own)."""
    from rdflib import URIRef

    results: list[ShaclResult] = []
    for node in report.subjects(URIRef(vocab.RDF + "type"), URIRef(SH + "ValidationReport")):
        for result in report.objects(node, URIRef(SH + "result")):
            results.append(_read_result(report, result, 0))
    return results


def _read_result(report: rdflib.Graph, node: Node, depth: int) -> ShaclResult:
    from rdflib import Literal, URIRef

    def one(name: str) -> Node | None:
        return report.value(node, URIRef(SH + name))

    path = one("resultPath")
    component = one("sourceConstraintComponent")
    details = (
        tuple(
            _read_result(report, d, depth + 1) for d in report.objects(node, URIRef(SH + "detail"))
        )
        if depth < 20
        else ()
    )
    focus = one("focusNode")
    assert focus is not None
    return ShaclResult(
        focus=focus,
        severity=str(one("resultSeverity") or SH + "Violation"),
        component=None if component is None else str(component),
        shape=one("sourceShape"),
        path=None if path is None else read_path(report, path),
        value=one("value"),
        constraint=one("sourceConstraint"),
        messages=tuple(
            m for m in report.objects(node, URIRef(SH + "resultMessage")) if isinstance(m, Literal)
        ),
        details=details,
    )


def shape_name(shapes: rdflib.Graph, shape: Node | None) -> str:
    """The shape's IRI; for a blank property shape, its node shape's IRI and the path."""
    from rdflib import BNode, Namespace

    sh = Namespace(vocab.SH)
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

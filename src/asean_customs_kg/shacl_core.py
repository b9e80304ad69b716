"""SHACL core constraints compiled to SPARQL, each to be evaluated once over the whole graph on
pyoxigraph (by :mod:`.shacl_run`).

pySHACL checks a core constraint (``sh:minCount``, ``sh:class``...) focus node by focus node,
value node by value node, in Python: at 10^5 triples that is some 200,000 shape evaluations and
tens of millions of rdflib term comparisons. Here each constraint of a property shape (or of a
node shape, on the focus node itself) becomes one ``SELECT`` that finds the violations of every
focus node at once, on the validator's pyoxigraph store (every file in a named graph of its own,
queried as their union):

* the focus nodes are a sub-``SELECT DISTINCT ?this``: instances of each ``sh:targetClass`` and of
  its sub-classes (``rdfs:subClassOf*`` in the data graph, which holds the ontology; the classes
  are found first, in one query), subjects of each ``sh:targetSubjectsOf``, and instances of the
  shape itself when it is also an ``rdfs:Class`` (an implicit class target);
* ``sh:minCount 1`` is ``FILTER NOT EXISTS`` on the path, a larger ``sh:minCount`` and
  ``sh:maxCount`` a ``GROUP BY ?this HAVING (COUNT(DISTINCT ?value) ...)``;
* a value-type, string or range constraint is a ``FILTER`` that keeps the value nodes that do not
  pass: ``sh:class`` (``rdf:type/rdfs:subClassOf*``; a literal never passes), ``sh:datatype``,
  ``sh:nodeKind``, ``sh:minLength``, ``sh:pattern`` with ``sh:flags`` (a blank node never passes
  these two), ``sh:languageIn`` (``langMatches``), ``sh:minInclusive`` (a value that cannot be
  compared with the minimum fails: the comparison's error counts as false) and ``sh:or``, whose
  members (node shapes of these constraints, or property shapes with counts and these
  constraints) become one boolean expression, ``EXISTS``/``NOT EXISTS`` on their paths;
* ``sh:datatype`` also fails an ill-typed literal ("abc"^^xsd:integer). Which literals are
  ill-typed is judged by rdflib, as pySHACL judges it (pySHACL checks every datatype rdflib can
  read, not only those of SPARQL 1.1): the distinct literals of the constrained datatypes on the
  constrained paths are read once and checked in Python, and the few that fail are named in the
  query.

The value tests on the same focus nodes and path share one query: each value is read once, and a
flag per test says which it fails. For ``sh:class`` the class and its sub-classes are found first
(with the target classes, in one query), so a value's types are looked up in that list rather
than followed up ``rdfs:subClassOf*`` value by value. At 10^5 triples the 113 constraints of the
project's shapes take under a second, against 14 s in pySHACL.

Each row becomes the finding :func:`.shacl.shacl_findings` makes of pySHACL's result: the focus,
the rule ``"{shape} (sh:{component})"``, the shape's ``sh:message`` (English or untagged first),
its ``sh:severity``, the path's IRI and the value node. A deactivated shape finds nothing.

:func:`compile_shapes` compiles what it fully understands and returns the rest as a residual
shapes graph for pySHACL, so that correctness never depends on coverage: a property shape with a
complex path, another component (``sh:node``, ``sh:hasValue``, ``sh:closed``...), its own targets
or no ``sh:message`` (pySHACL's default texts print nodes in its own way) stays in the residual, as
does a node shape with such a constraint on the focus node, another kind of target, or one that
another shape refers to. The language ranges of ``sh:languageIn`` must be primary subtags (for
``en-US`` pySHACL's matching differs from ``langMatches``), the flags of ``sh:pattern`` among
``i`` and ``m`` (the only ones pySHACL applies), the minimum of ``sh:minInclusive`` a number.

A pyoxigraph store does not keep every literal as written: ``"01"^^xsd:integer`` and
``"1.50"^^xsd:decimal`` read back as ``"1"`` and ``"1.5"``, derived integer types
(``xsd:int``, ``xsd:nonNegativeInteger``...) as ``xsd:integer``, ``xsd:dateTimeStamp`` as
``xsd:dateTime``; ``sh:datatype``, ``sh:pattern``, counts and value texts would then differ from
pySHACL's. :func:`.shacl_run.rewritten_predicates` finds, cheaply (the distinct typed literals
through a scratch store: 0.05 s at 10^5 triples, 0.8 s at 10^6), the predicates that carry such
a literal, and every constraint on their values (an ``sh:or`` member's included) is left in the
residual.

Implicit class targets are read as pySHACL reads them (a shape that is also an ``rdfs:Class``,
an ``owl:Class`` or an instance of a direct sub-class of ``rdfs:Class``). A shape that is not
fully compiled stays in the residual, and pySHACL runs whenever the residual holds any SHACL
statement besides prefix declarations, so a shape is never skipped.

``sh:pattern`` compiles only when made of what Python's ``re`` and Oxigraph's engine read alike
(see :func:`_plain_pattern`: no ``\\w``, ``\\s``, ``\\b``, ``\\d``, look-around, back-reference,
inline flag, POSIX class...; ``$`` only at the end, where Python also matches before a final
newline, which the query reproduces) and when both compile it. A class with a blank-node
sub-class is followed by ``rdf:type/rdfs:subClassOf*`` rather than by a list of IRIs.
``sh:minLength 0`` passes every value, a blank node included, as in pySHACL.

rdflib is imported inside the functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

import pyoxigraph

from .problems import Severity

if TYPE_CHECKING:
    import rdflib
    from rdflib.term import Node

__all__ = [
    "CompiledShapes",
    "CoreConstraint",
    "compile_shapes",
]

_SH = "http://www.w3.org/ns/shacl#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_TYPE = _RDF + "type"
_SUBCLASS = _RDFS + "subClassOf"
_LANG_STRING = _RDF + "langString"
_XSD_STRING = _XSD + "string"
_UNCHECKED_DATATYPES = (_XSD_STRING, _LANG_STRING)
_INTEGERS = {
    _XSD + name
    for name in [
        "integer",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
}
_NUMBERS = _INTEGERS | {_XSD + "decimal", _XSD + "float", _XSD + "double"}
_NODE_KINDS = {
    "IRI": "isIRI({x})",
    "BlankNode": "isBlank({x})",
    "Literal": "isLiteral({x})",
    "BlankNodeOrIRI": "!isLiteral({x})",
    "BlankNodeOrLiteral": "!isIRI({x})",
    "IRIOrLiteral": "!isBlank({x})",
}
_TARGETS = ("targetClass", "targetSubjectsOf")
_ANY_TARGET = ("targetClass", "targetSubjectsOf", "targetNode", "targetObjectsOf", "target")
_ABOUT = ("name", "description", "order", "group", "defaultValue", "message", "severity")
_VALUE_PARAMS = (
    "class",
    "datatype",
    "nodeKind",
    "minLength",
    "pattern",
    "flags",
    "languageIn",
    "minInclusive",
    "or",
)


class _Unsupported(Exception):
    """A shape, or a part of it, that is left to pySHACL."""


# --- what a shape says, compiled ---


@dataclass(frozen=True)
class _Test:
    """One value-type, string, range or logical constraint on a value node."""

    component: str
    argument: object  # an IRI, a number, a (pattern, flags) pair, ranges, or or-members


@dataclass(frozen=True)
class _Path:
    """An IRI, or the inverse of one; as SPARQL."""

    iri: str
    inverse: bool = False

    def sparql(self) -> str:
        return f"^<{self.iri}>" if self.inverse else f"<{self.iri}>"


@dataclass(frozen=True)
class _PropertyMember:
    path: _Path
    min_count: int
    max_count: int | None
    tests: tuple[_Test, ...]


@dataclass(frozen=True)
class _NodeMember:
    tests: tuple[_Test, ...]
    properties: tuple[_PropertyMember, ...]


_Member: TypeAlias = "_PropertyMember | _NodeMember"


@dataclass(frozen=True)
class _Focus:
    """A node shape's targets."""

    classes: tuple[str, ...]
    subjects_of: tuple[str, ...]


@dataclass(frozen=True)
class CoreConstraint:
    """One core constraint of one shape, to be run once over all focus nodes."""

    focus: _Focus
    rule: str
    severity: Severity
    message: str
    path: _Path | None  # None: the constraint is on the focus node itself
    kind: str  # "min", "max" or "test"
    count: int = 0
    test: _Test | None = None


@dataclass
class CompiledShapes:
    """The compiled constraints and the residual shapes graph for pySHACL."""

    constraints: list[CoreConstraint]
    residual: rdflib.Graph
    has_residual_shapes: bool = field(default=False)


def _sh(name: str) -> rdflib.URIRef:
    from rdflib import URIRef

    return URIRef(_SH + name)


def _sh_predicates(shapes: rdflib.Graph, node: Node) -> set[str]:
    return {
        str(p).removeprefix(_SH) for p in shapes.predicates(node, None) if str(p).startswith(_SH)
    }


def _only(shapes: rdflib.Graph, node: Node, name: str) -> Node | None:
    values = list(shapes.objects(node, _sh(name)))
    if len(values) > 1:
        raise _Unsupported(f"several sh:{name}")
    return values[0] if values else None


def _count(shapes: rdflib.Graph, node: Node, name: str) -> int | None:
    from rdflib import Literal

    value = _only(shapes, node, name)
    if value is None:
        return None
    if (
        not isinstance(value, Literal)
        or str(value.datatype) not in _INTEGERS
        or not isinstance(value.value, int)
        or value.value < 0
    ):
        raise _Unsupported(f"sh:{name} is not a non-negative integer")
    return int(value.value)


def _deactivated(shapes: rdflib.Graph, node: Node) -> bool:
    from rdflib import Literal

    value = _only(shapes, node, "deactivated")
    if value is None:
        return False
    if not isinstance(value, Literal) or str(value.datatype) != _XSD + "boolean":
        raise _Unsupported("sh:deactivated is not a boolean")
    return bool(value.value)


def _severity(shapes: rdflib.Graph, node: Node) -> Severity:
    from rdflib import URIRef

    value = _only(shapes, node, "severity")
    if value is not None and not isinstance(value, URIRef):
        raise _Unsupported("sh:severity is not an IRI")
    return "error" if value is None or str(value) == _SH + "Violation" else "warning"


def _message(shapes: rdflib.Graph, node: Node) -> str:
    from rdflib import Literal

    messages = sorted(
        (m for m in shapes.objects(node, _sh("message")) if isinstance(m, Literal)), key=str
    )
    english = [m for m in messages if m.language in (None, "en")]
    chosen = english or messages
    if not chosen:
        raise _Unsupported("no sh:message: pySHACL writes its own")
    return str(chosen[0])


def _iri(value: Node | None) -> str:
    from rdflib import URIRef

    if not isinstance(value, URIRef) or any(c in str(value) for c in '<>"{}|^`\\ '):
        raise _Unsupported("not an IRI")
    return str(value)


def _path(shapes: rdflib.Graph, node: Node) -> _Path:
    from rdflib import BNode

    value = _only(shapes, node, "path")
    if isinstance(value, BNode):
        if set(shapes.predicate_objects(value)) != {
            (_sh("inversePath"), shapes.value(value, _sh("inversePath")))
        }:
            raise _Unsupported("a complex path")
        return _Path(_iri(shapes.value(value, _sh("inversePath"))), inverse=True)
    return _Path(_iri(value))


def _items(shapes: rdflib.Graph, head: Node) -> list[Node]:
    from rdflib import RDF

    items: list[Node] = []
    seen: set[Node] = set()
    while str(head) != str(RDF.nil):
        if head in seen or len(list(shapes.objects(head, RDF.first))) != 1:
            raise _Unsupported("not a well-formed list")
        seen.add(head)
        items.append(shapes.value(head, RDF.first))  # type: ignore[arg-type]
        rest = list(shapes.objects(head, RDF.rest))
        if len(rest) != 1:
            raise _Unsupported("not a well-formed list")
        head = rest[0]
    return items


def _tests(shapes: rdflib.Graph, node: Node, depth: int = 0) -> list[_Test]:
    """The value-type, string, range and logical constraints of ``node``, one test each."""
    from rdflib import Literal

    tests: list[_Test] = []
    for value in shapes.objects(node, _sh("class")):
        tests.append(_Test("class", _iri(value)))
    datatype = _only(shapes, node, "datatype")
    if datatype is not None:
        iri = _iri(datatype)
        if iri in (_RDFS + "Literal", _RDFS + "Datatype"):
            raise _Unsupported("pySHACL reads rdfs:Literal and rdfs:Datatype its own way")
        tests.append(_Test("datatype", iri))
    kind = _only(shapes, node, "nodeKind")
    if kind is not None:
        name = _iri(kind).removeprefix(_SH)
        if name not in _NODE_KINDS:
            raise _Unsupported("an unknown node kind")
        tests.append(_Test("nodeKind", name))
    length = _count(shapes, node, "minLength")
    if length is not None:
        tests.append(_Test("minLength", length))
    flags_node = _only(shapes, node, "flags")
    flags = str(flags_node) if flags_node is not None else ""
    if flags_node is not None and (not isinstance(flags_node, Literal) or set(flags) - set("im")):
        raise _Unsupported("sh:flags other than i and m")
    for pattern in shapes.objects(node, _sh("pattern")):
        if not isinstance(pattern, Literal):
            raise _Unsupported("sh:pattern is not a literal")
        text, ends = _plain_pattern(str(pattern))
        _probe_pattern(text, flags)
        tests.append(_Test("pattern", (text, flags, ends and "m" not in flags)))
    for head in shapes.objects(node, _sh("languageIn")):
        ranges = []
        for item in _items(shapes, head):
            if not isinstance(item, Literal) or item.language or "-" in str(item):
                raise _Unsupported("a language range other than a primary subtag")
            ranges.append(str(item))
        tests.append(_Test("languageIn", tuple(ranges)))
    for minimum in shapes.objects(node, _sh("minInclusive")):
        if (
            not isinstance(minimum, Literal)
            or str(minimum.datatype) not in _NUMBERS
            or minimum.value is None
            or getattr(minimum, "ill_typed", False)
        ):
            raise _Unsupported("sh:minInclusive is not a number")
        tests.append(_Test("minInclusive", f'"{minimum}"^^<{minimum.datatype}>'))
    for head in shapes.objects(node, _sh("or")):
        if depth > 4:
            raise _Unsupported("sh:or nested too deep")
        members = tuple(_member(shapes, item, depth + 1) for item in _items(shapes, head))
        tests.append(_Test("or", members))
    return tests


def _plain_pattern(pattern: str) -> tuple[str, bool]:
    """``pattern`` if it is made only of what Python's ``re`` (pySHACL) and Oxigraph's regular
    expressions read alike, with whether it ends in ``$``; raises :class:`_Unsupported`
    otherwise.

    Allowed: characters that are not special, ``\\`` before a character that is neither a letter
    nor a digit, ``\\n \\r \\t``, ``.``, ``^``, ``|``, groups ``( )`` and ``(?: )``, the
    quantifiers ``* + ?`` and ``{n}``, ``{n,}``, ``{n,m}`` (each maybe lazy), and character classes
    of such characters and ranges, maybe negated. ``$`` only as the last character: before a
    final newline Python's ``$`` also matches, which ``shacl_run._Renderer.passes`` reproduces by
    trying the value without it. Anything else (``\\w``, ``\\s``, ``\\b``, ``\\d``, look-around,
    back-references, inline flags, ``[[:alpha:]]``, class set operations...) is left to pySHACL.
    """
    import re

    token = re.compile(
        r"""\\[^A-Za-z0-9]|\\[nrt]|[^\\\[\]{}()*+?.^$|]|[.^|)*+?]|\((?:\?:)?|\{[0-9]+(?:,[0-9]*)?\}"""
        r"""|\[\^?(?:\\[^A-Za-z0-9]|\\[nrt]|[^\\\[\]^&~-]|-(?!-))+\]"""
    )
    body, ends = (
        (pattern[:-1], True)
        if pattern.endswith("$") and not _escaped(pattern)
        else (
            pattern,
            False,
        )
    )
    position, previous = 0, "("
    while position < len(body):
        found = token.match(body, position)
        # A quantifier right after "(" would make "(?=", "(?i)"...: not allowed.
        if found is None or (previous == "(" and found.group()[0] in "*+?{"):
            raise _Unsupported("a regular expression Python and Oxigraph may read differently")
        position, previous = found.end(), found.group()
    return pattern, ends


def _escaped(pattern: str) -> bool:
    """Whether the last character of ``pattern`` follows an odd number of backslashes."""
    body = pattern[:-1]
    return (len(body) - len(body.rstrip("\\"))) % 2 == 1


def _probe_pattern(pattern: str, flags: str) -> None:
    """Raises :class:`_Unsupported` unless both Python and Oxigraph compile ``pattern``."""
    import re

    try:
        re.compile(pattern, (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0))
    except re.error as error:
        raise _Unsupported("a regular expression Python cannot read") from error
    probe = pyoxigraph.Store().query(
        f'SELECT (REGEX("", {_string(pattern)}, {_string(flags)}) AS ?ok) {{}}'
    )
    assert isinstance(probe, pyoxigraph.QuerySolutions)
    if next(iter(probe))["ok"] is None:
        raise _Unsupported("a regular expression Oxigraph cannot read")


def _member(shapes: rdflib.Graph, node: Node, depth: int) -> _Member:
    """A member of an ``sh:or`` list: what a value node must conform to."""
    allowed = {*_ANY_TARGET, *_ABOUT, *_VALUE_PARAMS, "path", "minCount", "maxCount", "property"}
    if _sh_predicates(shapes, node) - allowed or _deactivated(shapes, node):
        raise _Unsupported("a member with another constraint")
    if (node, _sh("path"), None) in shapes:
        return _property_member(shapes, node, depth)
    properties = tuple(
        _property_member(shapes, p, depth) for p in shapes.objects(node, _sh("property"))
    )
    return _NodeMember(tuple(_tests(shapes, node, depth)), properties)


def _property_member(shapes: rdflib.Graph, node: Node, depth: int) -> _PropertyMember:
    if (node, _sh("property"), None) in shapes or _deactivated(shapes, node):
        raise _Unsupported("a nested property shape")
    allowed = {*_ANY_TARGET, *_ABOUT, *_VALUE_PARAMS, "path", "minCount", "maxCount"}
    if _sh_predicates(shapes, node) - allowed:
        raise _Unsupported("a member with another constraint")
    min_count = _count(shapes, node, "minCount") or 0
    max_count = _count(shapes, node, "maxCount")
    if min_count > 4 or (max_count is not None and max_count > 3):
        raise _Unsupported("a large count in an sh:or member")
    return _PropertyMember(
        _path(shapes, node), min_count, max_count, tuple(_tests(shapes, node, depth))
    )


def _implicit_classes(shapes: rdflib.Graph) -> set[Node]:
    """The types that make a shape an implicit class target, as pySHACL reads them:
    ``rdfs:Class``, ``owl:Class`` and the direct sub-classes of ``rdfs:Class``."""
    from rdflib import OWL, RDFS

    return {RDFS.Class, OWL.Class, *shapes.subjects(RDFS.subClassOf, RDFS.Class)}


def _node_shapes(shapes: rdflib.Graph) -> set[Node]:
    """Every shape with a target (explicit or implicit): the shapes pySHACL starts from."""
    from rdflib import URIRef

    found: set[Node] = set()
    for name in _ANY_TARGET:
        found.update(shapes.subjects(_sh(name), None))
    classes = _implicit_classes(shapes)
    for kind in (_sh("NodeShape"), _sh("PropertyShape")):
        for shape in shapes.subjects(URIRef(_TYPE), kind):
            if any(t in classes for t in shapes.objects(shape, URIRef(_TYPE))):
                found.add(shape)
    return found


def _focus(shapes: rdflib.Graph, shape: Node) -> _Focus:
    from rdflib import URIRef

    if _sh_predicates(shapes, shape) & (set(_ANY_TARGET) - set(_TARGETS)):
        raise _Unsupported("another kind of target")
    classes = [_iri(c) for c in shapes.objects(shape, _sh("targetClass"))]
    subjects = [_iri(p) for p in shapes.objects(shape, _sh("targetSubjectsOf"))]
    implicit = _implicit_classes(shapes)
    if any(t in implicit for t in shapes.objects(shape, URIRef(_TYPE))):
        classes.append(_iri(shape))
    return _Focus(tuple(sorted(set(classes))), tuple(sorted(set(subjects))))


def _paths(path: _Path | None, tests: Sequence[_Test]) -> set[str]:
    """The predicates whose objects are value nodes of ``path`` or of an sh:or member."""
    found = {path.iri} if path is not None and not path.inverse else set()
    for test in tests:
        if test.component != "or":
            continue
        assert isinstance(test.argument, tuple)
        for member in test.argument:
            if isinstance(member, _PropertyMember):
                found |= _paths(member.path, member.tests)
            else:
                found |= _paths(None, member.tests)
                for prop in member.properties:
                    found |= _paths(prop.path, prop.tests)
    return found


def _property_constraints(
    shapes: rdflib.Graph,
    shape: Node,
    focus: _Focus,
    rule_shape: str,
    rewritten: frozenset[str] = frozenset(),
) -> list[CoreConstraint]:
    """The constraints of a property shape reached from a node shape (none if deactivated)."""
    from rdflib import URIRef

    allowed = {*_ABOUT, *_VALUE_PARAMS, "path", "minCount", "maxCount", "deactivated"}
    if _sh_predicates(shapes, shape) - allowed:
        raise _Unsupported("another constraint, a target or a nested shape")
    if set(shapes.objects(shape, URIRef(_TYPE))) & _implicit_classes(shapes):
        raise _Unsupported("a property shape that is a class")
    path = _path(shapes, shape)
    tests = _tests(shapes, shape)
    if _paths(path, tests) & rewritten:
        raise _Unsupported("values a pyoxigraph store does not keep as written")
    min_count = _count(shapes, shape, "minCount")
    max_count = _count(shapes, shape, "maxCount")
    severity = _severity(shapes, shape)
    message = _message(shapes, shape)
    if _deactivated(shapes, shape):
        return []

    def make(
        component: str, kind: str, count: int = 0, test: _Test | None = None
    ) -> CoreConstraint:
        rule = f"{rule_shape} (sh:{component})"
        return CoreConstraint(focus, rule, severity, message, path, kind, count, test)

    found = [make(t.component, "test", test=t) for t in tests]
    if min_count:
        found.append(make("minCount", "min", min_count))
    if max_count is not None:
        found.append(make("maxCount", "max", max_count))
    return found


def compile_shapes(shapes: rdflib.Graph, rewritten: frozenset[str] = frozenset()) -> CompiledShapes:
    """The core constraints of ``shapes`` that compile, and the residual shapes for pySHACL.

    ``shapes`` is the shapes graph without the ``sh:sparql`` constraints that
    :func:`.shacl_sparql.split_shapes` took; see the module doc for what compiles.
    ``rewritten`` are the predicates with a literal the store does not keep as written
    (:func:`.shacl_run.rewritten_predicates`): a constraint on their values is left to pySHACL.
    """
    import rdflib
    from rdflib import BNode

    from .shacl import _shape_name

    constraints: list[CoreConstraint] = []
    removed: set[tuple[Node, Node, Node]] = set()
    dropped: set[Node] = set()
    node_allowed = {*_ANY_TARGET, *_ABOUT, *_VALUE_PARAMS, "property", "sparql", "deactivated"}
    for shape in sorted(_node_shapes(shapes), key=str):
        try:
            if (None, None, shape) in shapes or (shape, _sh("path"), None) in shapes:
                raise _Unsupported("a shape that another shape refers to, or a property shape")
            if _sh_predicates(shapes, shape) - node_allowed:
                raise _Unsupported("another constraint on the focus node")
            focus = _focus(shapes, shape)
            tests = _tests(shapes, shape)
            if _paths(None, tests) & rewritten:
                raise _Unsupported("values a pyoxigraph store does not keep as written")
            severity = _severity(shapes, shape)
            message = _message(shapes, shape) if tests else ""
            if _deactivated(shapes, shape):
                dropped.add(shape)
                continue
        except _Unsupported:
            continue
        name = _shape_name(shapes, shape)
        for test in tests:
            rule = f"{name} (sh:{test.component})"
            constraints.append(
                CoreConstraint(focus, rule, severity, message, None, "test", 0, test)
            )
        for param in _VALUE_PARAMS:
            removed.update(shapes.triples((shape, _sh(param), None)))
        for prop in shapes.objects(shape, _sh("property")):
            try:
                constraints.extend(
                    _property_constraints(shapes, prop, focus, _shape_name(shapes, prop), rewritten)
                )
            except _Unsupported:
                continue
            removed.add((shape, _sh("property"), prop))
        left = {
            p
            for p, o in shapes.predicate_objects(shape)
            if (shape, p, o) not in removed and str(p).startswith(_SH)
        }
        if not {str(p).removeprefix(_SH) for p in left} - {*_ANY_TARGET, *_ABOUT, "deactivated"}:
            dropped.add(shape)

    residual = rdflib.Graph()
    for prefix, namespace in shapes.namespaces():
        residual.bind(prefix, namespace)
    for triple in shapes:
        if triple not in removed and triple[0] not in dropped:
            residual.add(triple)
    # Blank nodes that nothing refers to any more (compiled property shapes, their lists).
    while True:
        objects = set(residual.objects())
        orphans = [
            s
            for s in set(residual.subjects())
            if isinstance(s, BNode) and s not in objects and not _is_root(residual, s)
        ]
        if not orphans:
            break
        for orphan in orphans:
            residual.remove((orphan, None, None))
    return CompiledShapes(constraints, residual, _has_shapes(residual))


def _has_shapes(residual: rdflib.Graph) -> bool:
    """Whether pySHACL must see ``residual``: it holds a shape, or any SHACL statement other
    than prefix declarations. Wider than :func:`_node_shapes` on purpose, so that a shape is
    either compiled or checked by pySHACL, never neither."""
    from rdflib import URIRef

    prefixes = {_SH + "declare", _SH + "prefix", _SH + "namespace", _SH + "prefixes"}
    kinds = {_sh("NodeShape"), _sh("PropertyShape")}
    return any(
        (str(p).startswith(_SH) and str(p) not in prefixes) or (p == URIRef(_TYPE) and o in kinds)
        for _, p, o in residual
    )


def _is_root(shapes: rdflib.Graph, node: Node) -> bool:
    """A blank node that pySHACL would start from, or that declares prefixes."""
    return (
        bool(_sh_predicates(shapes, node) & {*_ANY_TARGET, "declare"})
        or (
            node,
            None,
            _sh("NodeShape"),
        )
        in shapes
    )


# --- running them on pyoxigraph ---


def _string(text: str) -> str:
    """A SPARQL string literal."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'

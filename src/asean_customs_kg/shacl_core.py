"""SHACL core constraints compiled to SPARQL and evaluated once over the whole graph, on pyoxigraph.

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
pySHACL's. :func:`rewritten_predicates` finds, cheaply (the distinct typed literals through a
scratch store: 0.05 s at 10^5 triples, 0.8 s at 10^6), the predicates that carry such a literal,
and every constraint on their values (an ``sh:or`` member's included) is left in the residual.

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

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

import pyoxigraph

from .problems import Finding, Severity

if TYPE_CHECKING:
    import rdflib
    from rdflib.term import Node

__all__ = [
    "CompiledShapes",
    "CoreConstraint",
    "compile_shapes",
    "core_findings",
    "rewritten_predicates",
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
    final newline Python's ``$`` also matches, which :meth:`_Renderer.passes` reproduces by
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
    (:func:`rewritten_predicates`): a constraint on their values is left to pySHACL.
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


class _Renderer:
    """Writes tests as SPARQL expressions, with fresh variables and the ill-typed literals."""

    def __init__(
        self,
        ill_typed: dict[str, list[str]],
        subclasses: dict[str, list[str]],
        blank: frozenset[str] = frozenset(),
    ) -> None:
        self.ill_typed = ill_typed
        self.subclasses = subclasses
        self.blank = blank  # classes with a blank-node sub-class
        self.counter = 0

    def fresh(self) -> str:
        self.counter += 1
        return f"?v{self.counter}"

    def passes(self, test: _Test, x: str) -> str:
        """An expression that is true when ``x`` passes ``test``, and never an error."""
        arg = test.argument
        kind = test.component
        if kind == "class":
            # A type of x among the class and its sub-classes (rdf:type/rdfs:subClassOf*).
            t = self.fresh()
            classes = ", ".join(f"<{c}>" for c in self.subclasses.get(str(arg), [str(arg)]))
            expr = f"!isLiteral({x}) && EXISTS {{ {x} <{_TYPE}> {t} FILTER ({t} IN ({classes})) }}"
            if str(arg) in self.blank:
                # A blank node cannot be named in the list: the path finds it.
                expr = f"!isLiteral({x}) && EXISTS {{ {x} <{_TYPE}>/<{_SUBCLASS}>* <{arg}> }}"
        elif kind == "datatype":
            assert isinstance(arg, str)
            expr = f"isLiteral({x}) && DATATYPE({x}) = <{arg}>"
            expr += "".join(f" && !sameTerm({x}, {bad})" for bad in self.ill_typed.get(arg, []))
        elif kind == "nodeKind":
            expr = _NODE_KINDS[str(arg)].format(x=x)
        elif kind == "minLength":
            expr = "true" if arg == 0 else f"!isBlank({x}) && STRLEN(STR({x})) >= {arg}"
        elif kind == "pattern":
            assert isinstance(arg, tuple)
            pattern, flags, ends = arg
            regex = f"REGEX(STR({x}), {_string(pattern)}, {_string(flags)})"
            if ends:
                # Python's "$" also matches before a final newline.
                regex += (
                    f' || (STRENDS(STR({x}), "\\n") && REGEX(SUBSTR(STR({x}), 1, '
                    f"STRLEN(STR({x})) - 1), {_string(pattern)}, {_string(flags)}))"
                )
            expr = f"!isBlank({x}) && ({regex})"
        elif kind == "languageIn":
            assert isinstance(arg, tuple)
            ranges = " || ".join(f"LANGMATCHES(LANG({x}), {_string(r)})" for r in arg)
            expr = f'isLiteral({x}) && LANG({x}) != "" && ({ranges or "false"})'
        elif kind == "minInclusive":
            expr = f"isLiteral({x}) && {x} >= {arg}"
        else:  # or
            assert isinstance(arg, tuple)
            expr = " || ".join(f"({self.conforms(m, x)})" for m in arg) or "false"
        return f"COALESCE({expr}, false)"

    def conforms(self, member: _Member, x: str) -> str:
        if isinstance(member, _PropertyMember):
            return self._property(member, x)
        parts = [self.passes(t, x) for t in member.tests]
        parts += [self._property(p, x) for p in member.properties]
        return " && ".join(parts) or "true"

    def _distinct(self, x: str, path: _Path, n: int) -> str:
        """A group pattern that finds ``n`` distinct values of ``path`` from ``x``."""
        names = [self.fresh() for _ in range(n)]
        patterns = " . ".join(f"{x} {path.sparql()} {v}" for v in names)
        pairs = [f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1 :]]
        return f"{{ {patterns} FILTER ({' && '.join(pairs)}) }}" if pairs else f"{{ {patterns} }}"

    def _property(self, member: _PropertyMember, x: str) -> str:
        parts: list[str] = []
        if member.min_count:
            parts.append(f"EXISTS {self._distinct(x, member.path, member.min_count)}")
        if member.max_count is not None:
            parts.append(f"NOT EXISTS {self._distinct(x, member.path, member.max_count + 1)}")
        if member.tests:
            w = self.fresh()
            ok = " && ".join(self.passes(t, w) for t in member.tests)
            parts.append(f"NOT EXISTS {{ {x} {member.path.sparql()} {w} FILTER (!({ok})) }}")
        return " && ".join(parts) or "true"


def _walk(test: _Test, path: _Path | None) -> Iterator[tuple[str, _Path | None]]:
    """``(datatype, path)`` for every sh:datatype in ``test``, with the path of its values."""
    if test.component == "datatype":
        yield str(test.argument), path
    elif test.component == "or":
        assert isinstance(test.argument, tuple)
        for member in test.argument:
            if isinstance(member, _PropertyMember):
                for inner in member.tests:
                    yield from _walk(inner, member.path)
            else:
                for inner in member.tests:
                    yield from _walk(inner, path)
                for prop in member.properties:
                    for inner in prop.tests:
                        yield from _walk(inner, prop.path)


def _ill_typed(
    store: pyoxigraph.Store, constraints: Sequence[CoreConstraint]
) -> dict[str, list[str]]:
    """For each checked datatype, the literals of it on the constrained paths that rdflib reads
    as ill-typed (as SPARQL terms)."""
    from rdflib import Literal, URIRef

    datatypes: set[str] = set()
    predicates: set[str] = set()
    for item in constraints:
        if item.test is None:
            continue
        for datatype, path in _walk(item.test, item.path):
            if datatype not in _UNCHECKED_DATATYPES and path is not None and not path.inverse:
                datatypes.add(datatype)
                predicates.add(path.iri)
    if not datatypes:
        return {}
    query = (
        "SELECT DISTINCT ?v WHERE { VALUES ?p { "
        + " ".join(f"<{p}>" for p in sorted(predicates))
        + " } ?s ?p ?v FILTER (isLiteral(?v) && DATATYPE(?v) IN ("
        + ", ".join(f"<{d}>" for d in sorted(datatypes))
        + ")) }"
    )
    bad: dict[str, list[str]] = {}
    solutions = store.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    for row in solutions:
        term = row["v"]
        assert isinstance(term, pyoxigraph.Literal)
        datatype = term.datatype.value
        if not _well_typed(Literal(term.value, datatype=URIRef(datatype)), datatype):
            bad.setdefault(datatype, []).append(f"{_string(term.value)}^^<{datatype}>")
    return bad


def _well_typed(literal: rdflib.Literal, datatype: str) -> bool:
    """pySHACL's reading: rdflib could read the literal, as a Python value of the right kind."""
    from datetime import date, datetime, time
    from decimal import Decimal

    if getattr(literal, "ill_typed", None) is True:
        return False
    kinds: dict[str, type | tuple[type, ...]] = {
        _XSD + "integer": int,
        _XSD + "float": float,
        _XSD + "decimal": Decimal,
        _XSD + "boolean": bool,
        _XSD + "date": date,
        _XSD + "time": time,
        _XSD + "dateTime": datetime,
    }
    kind = kinds.get(datatype)
    return kind is None or isinstance(literal.value, kind)


def _focus_query(
    focus: _Focus, subclasses: dict[str, list[str]], blank: frozenset[str] = frozenset()
) -> str:
    branches: list[str] = []
    classes = sorted({c for target in focus.classes for c in subclasses.get(target, [target])})
    if classes:
        values = " ".join(f"<{c}>" for c in classes)
        branches.append(f"VALUES ?class {{ {values} }} ?this <{_TYPE}> ?class .")
    # An instance of a blank-node sub-class, which cannot be named in the list.
    branches += [
        f"?this <{_TYPE}>/<{_SUBCLASS}>* <{c}> ." for c in sorted(set(focus.classes) & blank)
    ]
    branches += [f"?this <{p}> [] ." for p in focus.subjects_of]
    union = " UNION ".join(f"{{ {b} }}" for b in branches)
    return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"


def _query(item: CoreConstraint, focus: str, renderer: _Renderer) -> str:
    path = item.path.sparql() if item.path else None
    if item.kind == "min" and item.count == 1:
        return f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} ?value }} }}"
    if item.kind == "min":
        return (
            f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?value }} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {item.count})"
        )
    if item.kind == "max":
        return (
            f"SELECT ?this WHERE {{ {focus} ?this {path} ?value }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {item.count})"
        )
    assert item.test is not None
    if path is None:
        ok = renderer.passes(item.test, "?this")
        return f"SELECT ?this WHERE {{ {focus} FILTER (!({ok})) }}"
    ok = renderer.passes(item.test, "?value")
    return f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {path} ?value FILTER (!({ok})) }}"


def _classes(test: _Test) -> Iterator[str]:
    """The classes of every sh:class in ``test``, members of sh:or included."""
    if test.component == "class":
        yield str(test.argument)
    elif test.component == "or":
        assert isinstance(test.argument, tuple)
        for member in test.argument:
            props = [member] if isinstance(member, _PropertyMember) else list(member.properties)
            tests = [] if isinstance(member, _PropertyMember) else list(member.tests)
            for inner in [*tests, *(t for p in props for t in p.tests)]:
                yield from _classes(inner)


def _subclasses(
    store: pyoxigraph.Store, constraints: Sequence[CoreConstraint]
) -> tuple[dict[str, list[str]], frozenset[str]]:
    """Each target class and each class of an sh:class with its named sub-classes
    (``rdfs:subClassOf*`` in the data graph), and those of them that have a blank-node
    sub-class."""
    targets = sorted(
        {c for item in constraints for c in item.focus.classes}
        | {c for item in constraints if item.test for c in _classes(item.test)}
    )
    if not targets:
        return {}, frozenset()
    values = " ".join(f"<{c}>" for c in targets)
    solutions = store.query(
        f"SELECT DISTINCT ?target ?class WHERE {{ VALUES ?target {{ {values} }} "
        f"?class <{_SUBCLASS}>* ?target }}",
        use_default_graph_as_union=True,
    )
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    found: dict[str, list[str]] = {}
    blank: set[str] = set()
    for row in solutions:
        target, cls = row["target"], row["class"]
        if isinstance(cls, pyoxigraph.NamedNode) and target is not None:
            found.setdefault(target.value, []).append(cls.value)
        elif isinstance(cls, pyoxigraph.BlankNode) and target is not None:
            blank.add(target.value)
    return found, frozenset(blank)


def rewritten_predicates(chunks: Iterable[Sequence[pyoxigraph.Triple]]) -> frozenset[str]:
    """The predicates of the literals in ``chunks`` that a pyoxigraph store does not keep as
    written (it stores ``"1.50"^^xsd:decimal`` as ``"1.5"``, ``xsd:int`` as ``xsd:integer``...).

    The distinct typed literals (other than strings) go through a small scratch store; those
    that do not come back unchanged are looked for again to find their predicates. ``chunks``
    is read twice.
    """
    chunks = list(chunks)
    objects = {t.object for chunk in chunks for t in chunk}
    literals = {
        o
        for o in objects
        if isinstance(o, pyoxigraph.Literal)
        and o.language is None
        and o.datatype.value != _XSD_STRING
    }
    if not literals:
        return frozenset()
    scratch = pyoxigraph.Store()
    node = pyoxigraph.NamedNode("urn:x-ackg:literal")
    scratch.bulk_extend(pyoxigraph.Quad(node, node, literal) for literal in literals)
    changed = literals - {quad.object for quad in scratch}
    if not changed:
        return frozenset()
    return frozenset(t.predicate.value for chunk in chunks for t in chunk if t.object in changed)


def _term_text(term: object) -> str:
    if isinstance(term, pyoxigraph.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, pyoxigraph.Literal):
        return f'"{term.value}"'
    assert isinstance(term, pyoxigraph.NamedNode)
    return term.value


def _batch_query(batch: Sequence[CoreConstraint], focus: str, renderer: _Renderer) -> str:
    """One query for several value tests on the same focus nodes and path: each value is read
    once, and ``?ok0``, ``?ok1``... say which tests it passes."""
    path = batch[0].path
    assert path is not None
    oks = " ".join(f"?ok{i}" for i in range(len(batch)))
    binds = " ".join(
        f"BIND ({renderer.passes(item.test, '?value')} AS ?ok{i})"
        for i, item in enumerate(batch)
        if item.test is not None
    )
    fails = " || ".join(f"!?ok{i}" for i in range(len(batch)))
    return (
        f"SELECT DISTINCT ?this ?value {oks} WHERE {{ {focus} ?this {path.sparql()} ?value "
        f"{binds} FILTER ({fails}) }}"
    )


def core_findings(store: pyoxigraph.Store, compiled: CompiledShapes) -> list[Finding]:
    """Runs the compiled constraints on ``store`` (ontology plus data, in the union of its
    graphs), each once over all focus nodes (the value tests on the same focus nodes and path
    share one query); one finding per focus node (count constraints) or per focus and value."""
    constraints = compiled.constraints
    if not constraints:
        return []
    subclasses, blank = _subclasses(store, constraints)
    renderer = _Renderer(_ill_typed(store, constraints), subclasses, blank)
    batches: dict[object, list[CoreConstraint]] = {}
    for item in constraints:
        key = (item.focus, item.path) if item.kind == "test" and item.path else id(item)
        batches.setdefault(key, []).append(item)
    focus_queries: dict[_Focus, str] = {}
    findings: list[Finding] = []
    for batch in batches.values():
        first = batch[0]
        focus = focus_queries.get(first.focus)
        if focus is None:
            focus = focus_queries[first.focus] = _focus_query(first.focus, subclasses, blank)
        query = (
            _query(first, focus, renderer)
            if len(batch) == 1
            else _batch_query(batch, focus, renderer)
        )
        solutions = store.query(query, use_default_graph_as_union=True)
        assert isinstance(solutions, pyoxigraph.QuerySolutions)
        with_value = first.kind == "test" and first.path is not None
        predicate = first.path.iri if first.path and not first.path.inverse else None
        for row in solutions:
            # As in shacl.shacl_findings, a value that is the focus node itself is not repeated.
            value = row["value"] if with_value else None
            value_text = None if value is None or value == row["this"] else _term_text(value)
            for i, item in enumerate(batch):
                if len(batch) > 1:
                    ok = row[f"ok{i}"]
                    if isinstance(ok, pyoxigraph.Literal) and ok.value == "true":
                        continue
                findings.append(
                    Finding(
                        "shacl",
                        item.severity,
                        item.rule,
                        item.message,
                        focus=_term_text(row["this"]),
                        predicate=predicate,
                        value=value_text,
                    )
                )
    return findings

"""SHACL core constraints compiled to SPARQL, each to be evaluated once over the whole graph on
pyoxigraph (by :mod:`.run`).

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
  ``sh:nodeKind``, ``sh:minLength``, ``sh:maxLength``, ``sh:pattern`` with ``sh:flags`` (a
  blank node never passes these), ``sh:languageIn`` (``langMatches``), ``sh:minInclusive``,
  ``sh:maxInclusive``, ``sh:minExclusive``, ``sh:maxExclusive`` (a value that cannot be
  compared with the bound fails, as SHACL says: the comparison's error counts as false; pySHACL
  orders such a value by its datatype IRI, as rdflib does, so it may pass it) and ``sh:or``, whose
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

Each row becomes the finding :func:`.reference.shacl_findings` makes of pySHACL's result: the focus,
the rule ``"{shape} (sh:{component})"``, the shape's ``sh:message`` (English or untagged first),
its ``sh:severity``, the path's IRI and the value node. A deactivated shape finds nothing.

:func:`compile_shapes` compiles what it fully understands and returns the rest as a residual
shapes graph for pySHACL, so that correctness never depends on coverage: a property shape with a
complex path, another component (``sh:node``, ``sh:hasValue``, ``sh:closed``...), its own targets
or no ``sh:message`` (pySHACL's default texts print nodes in its own way) stays in the residual, as
does a node shape with such a constraint on the focus node, another kind of target, or one that
another shape refers to. The language ranges of ``sh:languageIn`` must be primary subtags (for
``en-US`` pySHACL's matching differs from ``langMatches``), the flags of ``sh:pattern`` among
``i`` and ``m`` (the only ones pySHACL applies), the bound of ``sh:minInclusive`` (and of the
other range constraints) a number.

A pyoxigraph store does not keep every literal as written: ``"01"^^xsd:integer`` and
``"1.50"^^xsd:decimal`` read back as ``"1"`` and ``"1.5"``, derived integer types
(``xsd:int``, ``xsd:nonNegativeInteger``...) as ``xsd:integer``, ``xsd:dateTimeStamp`` as
``xsd:dateTime``; ``sh:datatype``, ``sh:pattern``, counts and value texts would then differ from
pySHACL's. :func:`.run.rewritten_predicates` finds, cheaply (the distinct typed literals
through a scratch store: 0.05 s at 10^5 triples, 0.8 s at 10^6), the predicates that carry such
a literal, and every constraint on their values (an ``sh:or`` member's included) is left in the
residual.

Implicit class targets are read as pySHACL reads them (a shape that is also an ``rdfs:Class``,
an ``owl:Class`` or an instance of a direct sub-class of ``rdfs:Class``). A shape that is not
fully compiled stays in the residual, and pySHACL runs whenever the residual holds any SHACL
statement besides prefix declarations, so a shape is never skipped.

``sh:pattern`` compiles only when made of what Python's ``re`` and Oxigraph's engine read alike
(see :func:`.reading._plain_pattern`: no ``\\w``, ``\\s``, ``\\b``, ``\\d``,
look-around, back-reference, inline flag, POSIX class...; ``$`` only at the end, where Python
also matches before a final newline, which the query reproduces) and when both compile it. A
class with a blank-node sub-class is followed by ``rdf:type/rdfs:subClassOf*`` rather than by a
list of IRIs. ``sh:minLength 0`` passes every value, a blank node included, as in pySHACL.

rdflib is imported inside the functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from ..problems import Severity
from .reading import (
    _count,
    _custom_parameters,
    _deactivated,
    _iri,
    _items,
    _message,
    _messages,
    _only,
    _plain_pattern,
    _probe_pattern,
    _severity,
    _sh,
    _sh_predicates,
    _Unsupported,
)
from .results import severity_of

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
_TARGETS = ("targetClass", "targetSubjectsOf", "targetNode", "targetObjectsOf")
_ANY_TARGET = ("targetClass", "targetSubjectsOf", "targetNode", "targetObjectsOf", "target")
_ABOUT = ("name", "description", "order", "group", "defaultValue", "message", "severity")
_VALUE_PARAMS = (
    "class",
    "datatype",
    "nodeKind",
    "minLength",
    "maxLength",
    "pattern",
    "flags",
    "languageIn",
    "minInclusive",
    "maxInclusive",
    "minExclusive",
    "maxExclusive",
    "or",
)


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
    nodes: tuple[str, ...] = ()
    objects_of: tuple[str, ...] = ()


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
    shape: object = None  # the shape's node in the shapes graph
    level: str = _SH + "Violation"  # the IRI of its severity
    messages: tuple[object, ...] = ()  # its sh:message literals


@dataclass
class CompiledShapes:
    """The compiled constraints and the residual shapes graph for pySHACL."""

    constraints: list[CoreConstraint]
    residual: rdflib.Graph
    has_residual_shapes: bool = field(default=False)
    shapes: rdflib.Graph | None = None  # the graph compiled


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
    for name in ("minLength", "maxLength"):
        length = _count(shapes, node, name)
        if length is not None:
            tests.append(_Test(name, length))
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
    for name in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
        for bound in shapes.objects(node, _sh(name)):
            if (
                not isinstance(bound, Literal)
                or str(bound.datatype) not in _NUMBERS
                or bound.value is None
                or getattr(bound, "ill_typed", False)
            ):
                raise _Unsupported(f"sh:{name} is not a number")
            tests.append(_Test(name, f'"{bound}"^^<{bound.datatype}>'))
    for head in shapes.objects(node, _sh("or")):
        if depth > 4:
            raise _Unsupported("sh:or nested too deep")
        members = tuple(_member(shapes, item, depth + 1) for item in _items(shapes, head))
        tests.append(_Test("or", members))
    return tests


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
    nodes = [_iri(n) for n in shapes.objects(shape, _sh("targetNode"))]
    objects = [_iri(p) for p in shapes.objects(shape, _sh("targetObjectsOf"))]
    implicit = _implicit_classes(shapes)
    if any(t in implicit for t in shapes.objects(shape, URIRef(_TYPE))):
        classes.append(_iri(shape))
    return _Focus(
        tuple(sorted(set(classes))),
        tuple(sorted(set(subjects))),
        tuple(sorted(set(nodes))),
        tuple(sorted(set(objects))),
    )


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
    force: bool = False,
    targets: bool = False,
) -> list[CoreConstraint]:
    """The constraints of a property shape reached from a node shape, or with ``targets`` of
    its own (none if deactivated)."""
    from rdflib import URIRef

    allowed = {*_ABOUT, *_VALUE_PARAMS, "path", "minCount", "maxCount", "deactivated"}
    allowed |= set(_ANY_TARGET) if targets else set()
    if _sh_predicates(shapes, shape) - allowed:
        raise _Unsupported("another constraint, a target or a nested shape")
    if _custom_parameters(shapes, shape):
        raise _Unsupported("a parameter of a constraint component of the shapes graph")
    if set(shapes.objects(shape, URIRef(_TYPE))) & _implicit_classes(shapes):
        raise _Unsupported("a property shape that is a class")
    path = _path(shapes, shape)
    tests = _tests(shapes, shape)
    if _paths(path, tests) & rewritten:
        raise _Unsupported("values a pyoxigraph store does not keep as written")
    min_count = _count(shapes, shape, "minCount")
    max_count = _count(shapes, shape, "maxCount")
    level = _severity(shapes, shape)
    messages = _messages(shapes, shape, force)
    if _deactivated(shapes, shape):
        return []

    def make(
        component: str, kind: str, count: int = 0, test: _Test | None = None
    ) -> CoreConstraint:
        rule = f"{rule_shape} (sh:{component})"
        return CoreConstraint(
            focus,
            rule,
            severity_of(level),
            _message(messages),
            path,
            kind,
            count,
            test,
            shape,
            level,
            messages,
        )

    found = [make(t.component, "test", test=t) for t in tests]
    if min_count:
        found.append(make("minCount", "min", min_count))
    if max_count is not None:
        found.append(make("maxCount", "max", max_count))
    return found


def compile_shapes(
    shapes: rdflib.Graph, rewritten: frozenset[str] = frozenset(), *, force: bool = False
) -> CompiledShapes:
    """The core constraints of ``shapes`` that compile, and the residual shapes for pySHACL.

    ``shapes`` is the shapes graph without the ``sh:sparql`` constraints that
    :func:`.sparql.split_shapes` took; see the module doc for what compiles.
    ``rewritten`` are the predicates with a literal the store does not keep as written
    (:func:`.run.rewritten_predicates`): a constraint on their values is left to pySHACL.
    ``force`` also compiles the shapes without ``sh:message`` (whose results are right, but
    whose default messages are not pySHACL's texts): the tests measure the compiler with it.
    """
    import rdflib
    from rdflib import BNode

    from .reference import _shape_name

    constraints: list[CoreConstraint] = []
    removed: set[tuple[Node, Node, Node]] = set()
    dropped: set[Node] = set()
    node_allowed = {*_ANY_TARGET, *_ABOUT, *_VALUE_PARAMS, "property", "sparql", "deactivated"}
    for shape in sorted(_node_shapes(shapes), key=str):
        if (shape, _sh("path"), None) in shapes and not _referenced(shapes, shape):
            # A property shape with targets of its own: compiled whole, or not at all.
            try:
                focus = _focus(shapes, shape)
                name = _shape_name(shapes, shape)
                constraints.extend(
                    _property_constraints(shapes, shape, focus, name, rewritten, force, True)
                )
            except _Unsupported:
                continue
            dropped.add(shape)
            continue
        try:
            if _referenced(shapes, shape) or (shape, _sh("path"), None) in shapes:
                raise _Unsupported("a shape that another shape refers to, or a property shape")
            if _sh_predicates(shapes, shape) - node_allowed or _custom_parameters(shapes, shape):
                raise _Unsupported("another constraint on the focus node")
            focus = _focus(shapes, shape)
            tests = _tests(shapes, shape)
            if _paths(None, tests) & rewritten:
                raise _Unsupported("values a pyoxigraph store does not keep as written")
            level = _severity(shapes, shape)
            messages = _messages(shapes, shape, force) if tests else ()
            if _deactivated(shapes, shape):
                dropped.add(shape)
                continue
        except _Unsupported:
            continue
        name = _shape_name(shapes, shape)
        for test in tests:
            rule = f"{name} (sh:{test.component})"
            constraints.append(
                CoreConstraint(
                    focus,
                    rule,
                    severity_of(level),
                    _message(messages),
                    None,
                    "test",
                    0,
                    test,
                    shape,
                    level,
                    messages,
                )
            )
        for param in _VALUE_PARAMS:
            removed.update(shapes.triples((shape, _sh(param), None)))
        for prop in shapes.objects(shape, _sh("property")):
            try:
                constraints.extend(
                    _property_constraints(
                        shapes, prop, focus, _shape_name(shapes, prop), rewritten, force
                    )
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
    return CompiledShapes(constraints, residual, _has_shapes(residual), shapes)


_REPORT_TERMS = {"sourceShape", "focusNode", "value", "sourceConstraint", "resultPath"}


def _referenced(shapes: rdflib.Graph, shape: Node) -> bool:
    """Whether another shape uses ``shape`` (``sh:node``, ``sh:property``, a list of ``sh:or``
    members...), so that pySHACL, which checks that one, must see it. A validation report's
    mention (``sh:sourceShape``) or a data statement (``rdf:type`` of an instance of a shape
    that is a class) is not a use."""
    for predicate in shapes.predicates(None, shape):
        name = str(predicate)
        if name.startswith(_RDF) and name != _TYPE:
            return True
        if name.startswith(_SH) and name.removeprefix(_SH) not in _REPORT_TERMS:
            return True
    return False


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

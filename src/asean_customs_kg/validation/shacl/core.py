"""SHACL core constraints compiled to SPARQL, each to be evaluated once over the whole graph on
pyoxigraph (by :mod:`.run`).

pySHACL checks a core constraint (``sh:minCount``, ``sh:class``...) focus node by focus node,
value node by value node, in Python: on a large graph, hundreds of thousands of shape evaluations
and tens of millions of rdflib term comparisons. Here each constraint of a property shape (or of a
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
than followed up ``rdfs:subClassOf*`` value by value (the times are in benchmarks/README.md).

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
through a scratch store), the predicates that carry such
a literal, and every constraint on their values (an ``sh:or`` member's included) is left in the
residual.

Implicit class targets are read as pySHACL reads them (a shape that is also an ``rdfs:Class``,
an ``owl:Class`` or an instance of a direct sub-class of ``rdfs:Class``). A shape that is not
fully compiled stays in the residual, and pySHACL runs whenever the residual holds any SHACL
statement besides prefix declarations, so a shape is never skipped.

``sh:pattern`` compiles only when made of what Python's ``re`` and Oxigraph's engine read alike
(see :func:`.reading.plain_pattern`: no ``\\w``, ``\\s``, ``\\b``, ``\\d``,
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

from ...rdf import vocab
from ..problems import Severity
from .reading import (
    Unsupported,
    count_value,
    custom_parameters,
    first_message,
    iri_text,
    is_deactivated,
    list_items,
    plain_pattern,
    probe_pattern,
    sh_predicates,
    sh_term,
    shape_messages,
    shape_severity,
    single_value,
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

UNCHECKED_DATATYPES = (vocab.XSD_STRING, vocab.RDF_LANG_STRING)
NODE_KINDS = {
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
class Test:
    """One value-type, string, range or logical constraint on a value node."""

    component: str
    argument: object  # an IRI, a number, a (pattern, flags) pair, ranges, or or-members


@dataclass(frozen=True)
class ShapePath:
    """An IRI, or the inverse of one; as SPARQL."""

    iri: str
    inverse: bool = False

    def sparql(self) -> str:
        return f"^<{self.iri}>" if self.inverse else f"<{self.iri}>"


@dataclass(frozen=True)
class PropertyMember:
    path: ShapePath
    min_count: int
    max_count: int | None
    tests: tuple[Test, ...]


@dataclass(frozen=True)
class NodeMember:
    tests: tuple[Test, ...]
    properties: tuple[PropertyMember, ...]


Member: TypeAlias = "PropertyMember | NodeMember"


@dataclass(frozen=True)
class Focus:
    """A node shape's targets."""

    classes: tuple[str, ...]
    subjects_of: tuple[str, ...]
    nodes: tuple[str, ...] = ()
    objects_of: tuple[str, ...] = ()


@dataclass(frozen=True)
class CoreConstraint:
    """One core constraint of one shape, to be run once over all focus nodes."""

    focus: Focus
    rule: str
    severity: Severity
    message: str
    path: ShapePath | None  # None: the constraint is on the focus node itself
    kind: str  # "min", "max" or "test"
    count: int = 0
    test: Test | None = None
    shape: object = None  # the shape's node in the shapes graph
    level: str = vocab.SH + "Violation"  # the IRI of its severity
    messages: tuple[object, ...] = ()  # its sh:message literals


@dataclass
class CompiledShapes:
    """The compiled constraints and the residual shapes graph for pySHACL."""

    constraints: list[CoreConstraint]
    residual: rdflib.Graph
    has_residual_shapes: bool = field(default=False)
    shapes: rdflib.Graph | None = None  # the graph compiled


def _path(shapes: rdflib.Graph, node: Node) -> ShapePath:
    from rdflib import BNode

    value = single_value(shapes, node, "path")
    if isinstance(value, BNode):
        if set(shapes.predicate_objects(value)) != {
            (sh_term("inversePath"), shapes.value(value, sh_term("inversePath")))
        }:
            raise Unsupported("a complex path")
        return ShapePath(iri_text(shapes.value(value, sh_term("inversePath"))), inverse=True)
    return ShapePath(iri_text(value))


def _tests(shapes: rdflib.Graph, node: Node, depth: int = 0) -> list[Test]:
    """The value-type, string, range and logical constraints of ``node``, one test each."""
    from rdflib import Literal

    tests: list[Test] = []
    for value in shapes.objects(node, sh_term("class")):
        tests.append(Test("class", iri_text(value)))
    datatype = single_value(shapes, node, "datatype")
    if datatype is not None:
        iri = iri_text(datatype)
        if iri in (vocab.RDFS + "Literal", vocab.RDFS + "Datatype"):
            raise Unsupported("pySHACL reads rdfs:Literal and rdfs:Datatype its own way")
        tests.append(Test("datatype", iri))
    kind = single_value(shapes, node, "nodeKind")
    if kind is not None:
        name = iri_text(kind).removeprefix(vocab.SH)
        if name not in NODE_KINDS:
            raise Unsupported("an unknown node kind")
        tests.append(Test("nodeKind", name))
    for name in ("minLength", "maxLength"):
        length = count_value(shapes, node, name)
        if length is not None:
            tests.append(Test(name, length))
    flags_node = single_value(shapes, node, "flags")
    flags = str(flags_node) if flags_node is not None else ""
    if flags_node is not None and (not isinstance(flags_node, Literal) or set(flags) - set("im")):
        raise Unsupported("sh:flags other than i and m")
    for pattern in shapes.objects(node, sh_term("pattern")):
        if not isinstance(pattern, Literal):
            raise Unsupported("sh:pattern is not a literal")
        text, ends = plain_pattern(str(pattern))
        probe_pattern(text, flags)
        tests.append(Test("pattern", (text, flags, ends and "m" not in flags)))
    for head in shapes.objects(node, sh_term("languageIn")):
        ranges = []
        for item in list_items(shapes, head):
            if not isinstance(item, Literal) or item.language or "-" in str(item):
                raise Unsupported("a language range other than a primary subtag")
            ranges.append(str(item))
        tests.append(Test("languageIn", tuple(ranges)))
    for name in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
        for bound in shapes.objects(node, sh_term(name)):
            if (
                not isinstance(bound, Literal)
                or str(bound.datatype) not in vocab.XSD_NUMBERS
                or bound.value is None
                or getattr(bound, "ill_typed", False)
            ):
                raise Unsupported(f"sh:{name} is not a number")
            tests.append(Test(name, f'"{bound}"^^<{bound.datatype}>'))
    for head in shapes.objects(node, sh_term("or")):
        if depth > 4:
            raise Unsupported("sh:or nested too deep")
        members = tuple(_member(shapes, item, depth + 1) for item in list_items(shapes, head))
        tests.append(Test("or", members))
    return tests


def _member(shapes: rdflib.Graph, node: Node, depth: int) -> Member:
    """A member of an ``sh:or`` list: what a value node must conform to."""
    allowed = {*_ANY_TARGET, *_ABOUT, *_VALUE_PARAMS, "path", "minCount", "maxCount", "property"}
    if sh_predicates(shapes, node) - allowed or is_deactivated(shapes, node):
        raise Unsupported("a member with another constraint")
    if (node, sh_term("path"), None) in shapes:
        return _property_member(shapes, node, depth)
    properties = tuple(
        _property_member(shapes, p, depth) for p in shapes.objects(node, sh_term("property"))
    )
    return NodeMember(tuple(_tests(shapes, node, depth)), properties)


def _property_member(shapes: rdflib.Graph, node: Node, depth: int) -> PropertyMember:
    if (node, sh_term("property"), None) in shapes or is_deactivated(shapes, node):
        raise Unsupported("a nested property shape")
    allowed = {*_ANY_TARGET, *_ABOUT, *_VALUE_PARAMS, "path", "minCount", "maxCount"}
    if sh_predicates(shapes, node) - allowed:
        raise Unsupported("a member with another constraint")
    min_count = count_value(shapes, node, "minCount") or 0
    max_count = count_value(shapes, node, "maxCount")
    if min_count > 4 or (max_count is not None and max_count > 3):
        raise Unsupported("a large count in an sh:or member")
    return PropertyMember(
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
        found.update(shapes.subjects(sh_term(name), None))
    classes = _implicit_classes(shapes)
    for kind in (sh_term("NodeShape"), sh_term("PropertyShape")):
        for shape in shapes.subjects(URIRef(vocab.RDF_TYPE), kind):
            if any(t in classes for t in shapes.objects(shape, URIRef(vocab.RDF_TYPE))):
                found.add(shape)
    return found


def _focus(shapes: rdflib.Graph, shape: Node) -> Focus:
    from rdflib import URIRef

    if sh_predicates(shapes, shape) & (set(_ANY_TARGET) - set(_TARGETS)):
        raise Unsupported("another kind of target")
    classes = [iri_text(c) for c in shapes.objects(shape, sh_term("targetClass"))]
    subjects = [iri_text(p) for p in shapes.objects(shape, sh_term("targetSubjectsOf"))]
    nodes = [iri_text(n) for n in shapes.objects(shape, sh_term("targetNode"))]
    objects = [iri_text(p) for p in shapes.objects(shape, sh_term("targetObjectsOf"))]
    implicit = _implicit_classes(shapes)
    if any(t in implicit for t in shapes.objects(shape, URIRef(vocab.RDF_TYPE))):
        classes.append(iri_text(shape))
    return Focus(
        tuple(sorted(set(classes))),
        tuple(sorted(set(subjects))),
        tuple(sorted(set(nodes))),
        tuple(sorted(set(objects))),
    )


def _paths(path: ShapePath | None, tests: Sequence[Test]) -> set[str]:
    """The predicates whose objects are value nodes of ``path`` or of an sh:or member."""
    found = {path.iri} if path is not None and not path.inverse else set()
    for test in tests:
        if test.component != "or":
            continue
        assert isinstance(test.argument, tuple)
        for member in test.argument:
            if isinstance(member, PropertyMember):
                found |= _paths(member.path, member.tests)
            else:
                found |= _paths(None, member.tests)
                for prop in member.properties:
                    found |= _paths(prop.path, prop.tests)
    return found


def _property_constraints(
    shapes: rdflib.Graph,
    shape: Node,
    focus: Focus,
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
    if sh_predicates(shapes, shape) - allowed:
        raise Unsupported("another constraint, a target or a nested shape")
    if custom_parameters(shapes, shape):
        raise Unsupported("a parameter of a constraint component of the shapes graph")
    if set(shapes.objects(shape, URIRef(vocab.RDF_TYPE))) & _implicit_classes(shapes):
        raise Unsupported("a property shape that is a class")
    path = _path(shapes, shape)
    tests = _tests(shapes, shape)
    if _paths(path, tests) & rewritten:
        raise Unsupported("values a pyoxigraph store does not keep as written")
    min_count = count_value(shapes, shape, "minCount")
    max_count = count_value(shapes, shape, "maxCount")
    level = shape_severity(shapes, shape)
    messages = shape_messages(shapes, shape, force)
    if is_deactivated(shapes, shape):
        return []

    def make(component: str, kind: str, count: int = 0, test: Test | None = None) -> CoreConstraint:
        rule = f"{rule_shape} (sh:{component})"
        return CoreConstraint(
            focus,
            rule,
            severity_of(level),
            first_message(messages),
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

    from .results import shape_name

    constraints: list[CoreConstraint] = []
    removed: set[tuple[Node, Node, Node]] = set()
    dropped: set[Node] = set()
    node_allowed = {*_ANY_TARGET, *_ABOUT, *_VALUE_PARAMS, "property", "sparql", "deactivated"}
    for shape in sorted(_node_shapes(shapes), key=str):
        if (shape, sh_term("path"), None) in shapes and not _referenced(shapes, shape):
            # A property shape with targets of its own: compiled whole, or not at all.
            try:
                focus = _focus(shapes, shape)
                name = shape_name(shapes, shape)
                constraints.extend(
                    _property_constraints(shapes, shape, focus, name, rewritten, force, True)
                )
            except Unsupported:
                continue
            dropped.add(shape)
            continue
        try:
            if _referenced(shapes, shape) or (shape, sh_term("path"), None) in shapes:
                raise Unsupported("a shape that another shape refers to, or a property shape")
            if sh_predicates(shapes, shape) - node_allowed or custom_parameters(shapes, shape):
                raise Unsupported("another constraint on the focus node")
            focus = _focus(shapes, shape)
            tests = _tests(shapes, shape)
            if _paths(None, tests) & rewritten:
                raise Unsupported("values a pyoxigraph store does not keep as written")
            level = shape_severity(shapes, shape)
            messages = shape_messages(shapes, shape, force) if tests else ()
            if is_deactivated(shapes, shape):
                dropped.add(shape)
                continue
        except Unsupported:
            continue
        name = shape_name(shapes, shape)
        for test in tests:
            rule = f"{name} (sh:{test.component})"
            constraints.append(
                CoreConstraint(
                    focus,
                    rule,
                    severity_of(level),
                    first_message(messages),
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
            removed.update(shapes.triples((shape, sh_term(param), None)))
        for prop in shapes.objects(shape, sh_term("property")):
            try:
                constraints.extend(
                    _property_constraints(
                        shapes, prop, focus, shape_name(shapes, prop), rewritten, force
                    )
                )
            except Unsupported:
                continue
            removed.add((shape, sh_term("property"), prop))
        left = {
            p
            for p, o in shapes.predicate_objects(shape)
            if (shape, p, o) not in removed and str(p).startswith(vocab.SH)
        }
        if not {str(p).removeprefix(vocab.SH) for p in left} - {
            *_ANY_TARGET,
            *_ABOUT,
            "deactivated",
        }:
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
        if name.startswith(vocab.RDF) and name != vocab.RDF_TYPE:
            return True
        if name.startswith(vocab.SH) and name.removeprefix(vocab.SH) not in _REPORT_TERMS:
            return True
    return False


def _has_shapes(residual: rdflib.Graph) -> bool:
    """Whether pySHACL must see ``residual``: it holds a shape, or any SHACL statement other
    than prefix declarations. Wider than :func:`_node_shapes` on purpose, so that a shape is
    either compiled or checked by pySHACL, never neither."""
    from rdflib import URIRef

    prefixes = {
        vocab.SH + "declare",
        vocab.SH + "prefix",
        vocab.SH + "namespace",
        vocab.SH + "prefixes",
    }
    kinds = {sh_term("NodeShape"), sh_term("PropertyShape")}
    return any(
        (str(p).startswith(vocab.SH) and str(p) not in prefixes)
        or (p == URIRef(vocab.RDF_TYPE) and o in kinds)
        for _, p, o in residual
    )


def _is_root(shapes: rdflib.Graph, node: Node) -> bool:
    """A blank node that pySHACL would start from, or that declares prefixes."""
    return (
        bool(sh_predicates(shapes, node) & {*_ANY_TARGET, "declare"})
        or (
            node,
            None,
            sh_term("NodeShape"),
        )
        in shapes
    )

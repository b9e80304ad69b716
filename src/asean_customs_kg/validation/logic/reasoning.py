"""Logical consistency of ontology plus data under OWL 2 RL.

:func:`logic_findings` reports:

* violations of OWL 2 RL's "false" rules: disjoint classes sharing an individual, irreflexive
  or asymmetric properties used so, disjoint properties sharing a pair, ``owl:differentFrom``
  individuals made one, a literal whose text does not fit its datatype, and the others;
* members of ``owl:Nothing``;
* two distinct named individuals inferred to be ``owl:sameAs`` (e.g. a functional property with
  two values), each explained by the functional or inverse-functional property that merges them;
* two individuals of a class with an ``owl:hasKey`` that share all their key values, which OWL RL
  would silently merge into one (rule prp-key, applied here, see below).

**Two paths.** The fast path (:mod:`.fast`) computes the closure with
``reasonable`` (Rust) and runs the false rules as SPARQL queries over it on a pyoxigraph store of
its own: 2.2 s at 10^5 triples where owlrl takes 30 s. owlrl (:func:`owlrl_findings`) is the
reference, and the path taken when the graph uses a construct whose OWL 2 RL rule ``reasonable``
0.4.4 lacks or whose check only owlrl makes (:func:`fast_path_blocker`:
``owl:propertyChainAxiom``, ``owl:maxCardinality``, ``owl:maxQualifiedCardinality``,
``owl:oneOf``, datatype restrictions, ``owl:allValuesFrom`` a datatype): correctness never
depends on what the fast path covers. The project's ontology takes the fast path. Both paths
give the project's own findings (``owl:Nothing``, ``owl:sameAs``, ``owl:hasKey``) in the same
words; the false rules are worded by each path (owlrl's texts, or the fast path's, which name
the individual, the rule and the axiom). A test runs both on every logic fixture, the project's
data and a synthetic graph and compares what they find.

``logic_findings`` takes an rdflib graph or the pyoxigraph triples ``validate`` parsed; the
fast path never builds an rdflib graph.

Two things keep owlrl fast enough for CI (the closure dominates the cost), and the fast path
reasons over the same input:

* Triples whose predicate no axiom can touch are left out of the copy: a predicate that never
  appears as a subject or object anywhere (no domain, range, characteristic, sub-property,
  restriction or key mentions it), outside the RDF, RDFS and OWL vocabularies, plays no part in
  any OWL 2 RL rule; nor do the built-in annotation properties (``rdfs:label``,
  ``rdfs:comment``...). Dropping them does not change which inconsistencies are found.
* The copy lives in rdflib's context-free ``SimpleMemory`` store, which owlrl's many triple
  look-ups walk faster than the default store.

rdflib, owlrl, pyoxigraph and reasonable are imported inside the functions.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..problems import Finding

if TYPE_CHECKING:
    import rdflib
    from rdflib.term import Node

__all__ = [
    "FOREIGN_DIGITS_RULE",
    "date_part_findings",
    "fast_path_blocker",
    "foreign_digit_findings",
    "key_findings",
    "lexical_findings",
    "logic_findings",
    "nothing_finding",
    "owlrl_findings",
    "reasoning_copy",
    "same_as_finding",
    "with_lexical",
]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_BUILTIN_ANNOTATIONS = frozenset(
    {
        _RDFS + "label",
        _RDFS + "comment",
        _RDFS + "seeAlso",
        _RDFS + "isDefinedBy",
        _OWL + "versionInfo",
        _OWL + "deprecated",
        _OWL + "priorVersion",
        _OWL + "backwardCompatibleWith",
        _OWL + "incompatibleWith",
    }
)
_IRI_IN_MESSAGE = re.compile(r"https?://[^\s,()]+[^\s,().]")
_SCHEMA_TYPES = frozenset(
    _OWL + name
    for name in (
        "Class",
        "ObjectProperty",
        "DatatypeProperty",
        "AnnotationProperty",
        "FunctionalProperty",
        "InverseFunctionalProperty",
        "Ontology",
        "Restriction",
    )
) | {_RDFS + "Class", _RDF + "Property"}


def reasoning_copy(graph: rdflib.Graph) -> rdflib.Graph:
    """A copy of ``graph`` for the closure: without ``owl:hasKey`` axioms (see
    :func:`key_findings`) and without the triples no OWL 2 RL rule can use (see the module doc).
    """
    import rdflib
    from rdflib import OWL, Literal

    mentioned: set[Node] = set()
    for subject, _, obj in graph:
        mentioned.add(subject)
        if not isinstance(obj, Literal):
            mentioned.add(obj)
    copy = rdflib.Graph(store="SimpleMemory")
    vocabularies = (_RDF, _RDFS, _OWL)
    for triple in graph:
        predicate = triple[1]
        text = str(predicate)
        if text in _BUILTIN_ANNOTATIONS:
            continue
        if predicate == OWL.hasKey:
            # owlrl 7.6.2's prp-key rule compares only the first n-1 key properties (its loop
            # runs over range(0, len(pis) - 1)), so with a one-property key such as ORG's
            # org:Organization owl:hasKey (org:identifier) it makes every pair of organisations
            # owl:sameAs. The keys are applied by key_findings instead; drop this workaround
            # once owlrl compares all key properties.
            continue
        if text.startswith(vocabularies) or predicate in mentioned:
            copy.add(triple)
    return copy


def _closure(graph: rdflib.Graph) -> rdflib.Graph:
    """The closure of :func:`reasoning_copy` by owlrl, its errors as ``ERRNS.error`` triples.

    owlrl 7.6.2's rule dt-not-type catches only a ValueError from its converters, but some
    raise others (``decimal.InvalidOperation`` for ``"abc"^^xsd:decimal``, ``IndexError`` for
    ``""^^xsd:date``) and the closure stops with a traceback. The triples with such a literal
    are left out of the copy and reported here in owlrl's words.
    """
    import owlrl
    from owlrl.Namespaces import ERRNS
    from rdflib import BNode, Literal

    closed = reasoning_copy(graph)
    unreadable = _unreadable_literals(closed)
    for literal in unreadable:
        closed.remove((None, None, literal))
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(closed)
    for literal in unreadable:
        message = (
            f"Lexical value of the literal '{literal}' does not match its datatype "
            f"({literal.datatype})"
        )
        closed.add((BNode(), ERRNS.error, Literal(message)))
    return closed


def _unreadable_literals(graph: rdflib.Graph) -> set[rdflib.Literal]:
    """The literals of ``graph`` whose conversion in owlrl's dt-not-type raises anything but
    the ValueError that owlrl catches."""
    from owlrl.DatatypeHandling import AltXSDToPYTHON
    from owlrl.XsdDatatypes import OWL_RL_Datatypes
    from rdflib import Literal

    unreadable: set[Literal] = set()
    for node in set(graph.objects()):
        if not isinstance(node, Literal) or node.datatype not in OWL_RL_Datatypes:
            continue
        converter = AltXSDToPYTHON.get(node.datatype)
        if converter is None:
            continue
        try:
            converter(str(node))
        except ValueError:
            pass  # owlrl reports it
        except Exception:  # what owlrl does not catch
            unreadable.add(node)
    return unreadable


def _first_data_iri(message: str, individuals: set[str]) -> str | None:
    iris: list[str] = _IRI_IN_MESSAGE.findall(message)
    for iri in iris:
        if iri in individuals:
            return iri
    return iris[0] if iris else None


def _is_schema(graph: rdflib.Graph, node: Node) -> bool:
    from rdflib import RDF

    return any(str(kind) in _SCHEMA_TYPES for kind in graph.objects(node, RDF.type))


def _why_same(
    graph: rdflib.Graph, closed: rdflib.Graph, left: Node, right: Node
) -> tuple[Node, Node, str] | None:
    """The resource and the (inverse-)functional property that make ``left`` and ``right`` one."""
    from rdflib import OWL, RDF

    for prop in closed.subjects(RDF.type, OWL.FunctionalProperty):
        for subject in graph.subjects(prop, left):
            if (subject, prop, right) in graph:
                return subject, prop, "functional"
    for prop in closed.subjects(RDF.type, OWL.InverseFunctionalProperty):
        for obj in graph.objects(left, prop):
            if (right, prop, obj) in graph:
                return obj, prop, "inverse-functional"
    return None


def _same_as_findings(graph: rdflib.Graph, closed: rdflib.Graph) -> Iterator[Finding]:
    from rdflib import OWL, URIRef

    seen: set[tuple[str, str]] = set()
    for left, right in closed.subject_objects(OWL.sameAs):
        if not (isinstance(left, URIRef) and isinstance(right, URIRef)) or left == right:
            continue
        pair = (str(left), str(right)) if str(left) < str(right) else (str(right), str(left))
        if pair in seen or _is_schema(closed, left) or _is_schema(closed, right):
            continue
        seen.add(pair)
        first, second = URIRef(pair[0]), URIRef(pair[1])
        why = _why_same(graph, closed, first, second)
        explained = None if why is None else (str(why[0]), str(why[1]), why[2])
        stated = None
        if (first, OWL.sameAs, second) in graph:
            stated = pair
        elif (second, OWL.sameAs, first) in graph:
            stated = (pair[1], pair[0])
        yield same_as_finding(pair, explained, stated)


def nothing_finding(member: str) -> Finding:
    """The finding for a member of ``owl:Nothing``, in the same words on both paths."""
    return Finding(
        "logic",
        "error",
        "owl:Nothing",
        f"{member} is a member of owl:Nothing, the empty class: its description "
        "contradicts the ontology.",
        focus=member,
    )


def same_as_finding(
    pair: tuple[str, str],
    why: tuple[str, str, str] | None,
    stated: tuple[str, str] | None,
) -> Finding:
    """The finding for two distinct named individuals made one (``pair``, in order), in the
    same words on both paths: explained by ``why`` (the resource holding the two values, the
    property, ``"functional"`` or ``"inverse-functional"``), else by an ``owl:sameAs``
    ``stated`` from the first to the second of the pair it gives, else as inferred."""
    first, second = pair
    if why is not None:
        holder, prop, kind = why
        return Finding(
            "logic",
            "error",
            "owl:sameAs",
            f"{holder} has two values of the {kind} property {prop}, {first} and "
            f"{second}, so OWL RL makes them one individual; keep one value.",
            focus=holder,
            predicate=prop,
            value=second,
            related=pair,
        )
    if stated is not None:
        subject, obj = stated
        return Finding(
            "logic",
            "error",
            "owl:sameAs",
            f"{subject} is stated to be the same individual as {obj} (owl:sameAs), which "
            "the graph describes as another resource; describe them as one resource or "
            "remove the statement.",
            focus=subject,
            predicate=_OWL + "sameAs",
            value=obj,
            related=pair,
        )
    return Finding(
        "logic",
        "error",
        "owl:sameAs",
        f"{first} and {second} are inferred to be the same individual (owl:sameAs); "
        "describe them as one resource or remove the statement that merges them.",
        focus=first,
        value=second,
        related=pair,
    )


def _rdf_list(graph: rdflib.Graph, head: Node) -> list[Node]:
    from rdflib import RDF

    items: list[Node] = []
    while head != RDF.nil:
        first = graph.value(head, RDF.first)
        rest = graph.value(head, RDF.rest)
        if first is None or rest is None or len(items) > 1000:
            break
        items.append(first)
        head = rest
    return items


def key_findings(graph: rdflib.Graph, types: rdflib.Graph | None = None) -> list[Finding]:
    """OWL 2 RL rule prp-key done right: two distinct individuals of a class with
    ``C owl:hasKey (p1 ... pn)`` that share a value of every ``pi`` would be merged into one.

    ``types`` is the graph whose ``rdf:type`` triples say who belongs to ``C`` (the closure, so
    that members of sub-classes count); the key values are read from ``graph``. owlrl's own rule
    is not used: see :func:`reasoning_copy`.
    """
    from rdflib import OWL, RDF

    types = graph if types is None else types
    findings: list[Finding] = []
    for cls, head in graph.subject_objects(OWL.hasKey):
        properties = _rdf_list(graph, head)
        if not properties:
            continue
        groups: dict[tuple[Node, ...], set[Node]] = defaultdict(set)
        for member in set(types.subjects(RDF.type, cls)):
            for values in _combinations([list(graph.objects(member, p)) for p in properties]):
                groups[values].add(member)
        for values, members in groups.items():
            if len(members) < 2:
                continue
            ordered = sorted(members, key=str)
            shown = ", ".join(_show(v) for v in values)
            keys = ", ".join(str(p) for p in properties)
            for member in ordered:
                others = " and ".join(str(o) for o in ordered if o != member)
                findings.append(
                    Finding(
                        "logic",
                        "error",
                        "owl:hasKey",
                        f"{member} and {others} share {shown} ({keys}), the key of {cls} "
                        "(owl:hasKey): OWL RL would silently merge them into one; give each "
                        "its own.",
                        focus=str(member),
                        predicate=str(properties[0]),
                        value=shown,
                        related=tuple(str(o) for o in ordered),
                    )
                )
    return findings


def _show(node: Node) -> str:
    from rdflib import Literal

    return f'"{node}"' if isinstance(node, Literal) else str(node)


def _combinations(columns: list[list[Node]]) -> Iterable[tuple[Node, ...]]:
    combos: list[tuple[Node, ...]] = [()]
    for column in columns:
        combos = [(*combo, value) for combo in combos for value in column]
    return combos


def owlrl_findings(graph: rdflib.Graph, individuals: Iterable[str] = ()) -> list[Finding]:
    """Inconsistencies of ``graph`` (ontology plus data) under OWL 2 RL by owlrl, the reference
    path; see the module doc.

    ``individuals`` are the IRIs described in the data: an owlrl message names classes and
    properties as well as individuals, and the first individual it names is the focus.
    ``graph`` is not changed.
    """
    from owlrl.Namespaces import ERRNS
    from rdflib import OWL, RDF

    data_iris = set(individuals)
    closed = _closure(graph)
    findings: list[Finding] = []
    nothing = sorted(set(closed.subjects(RDF.type, OWL.Nothing)) - {OWL.Nothing}, key=str)
    for message in sorted({str(m) for m in closed.objects(None, ERRNS.error)}):
        focus = _first_data_iri(message, data_iris)
        if focus in {str(member) for member in nothing}:
            continue  # a member of owl:Nothing is in every class: one finding says it all
        findings.append(
            Finding("logic", "error", "OWL 2 RL", f"{message.rstrip('.')}.", focus=focus)
        )
    findings.extend(nothing_finding(str(member)) for member in nothing)
    findings.extend(_same_as_findings(graph, closed))
    findings.extend(key_findings(graph, closed))
    return findings


#: Constructs whose OWL 2 RL rules ``reasonable`` 0.4.4 lacks (prp-spo2, cls-maxc2,
#: cls-maxqc3/4, cls-oo) or whose checks only owlrl makes (a datatype restriction, an
#: ``owl:allValuesFrom`` a datatype): a graph that uses one is reasoned by owlrl.
_OWLRL_ONLY = {
    _OWL + "propertyChainAxiom": "owl:propertyChainAxiom (rule prp-spo2)",
    _OWL + "maxCardinality": "owl:maxCardinality (rules cls-maxc1, cls-maxc2)",
    _OWL + "maxQualifiedCardinality": "owl:maxQualifiedCardinality (rules cls-maxqc1-4)",
    _OWL + "oneOf": "owl:oneOf (rule cls-oo)",
    _OWL + "onDatatype": "a datatype restriction (owl:onDatatype)",
    _OWL + "withRestrictions": "a datatype restriction (owl:withRestrictions)",
}
_XSD = "http://www.w3.org/2001/XMLSchema#"
_DATATYPE_FILLERS = (_XSD, _RDFS + "Literal", _RDF + "PlainLiteral", _RDF + "langString")


def fast_path_blocker(triples: Iterable[Any]) -> str | None:
    """Why the fast path cannot judge these pyoxigraph triples (what owlrl must do), or None."""
    import pyoxigraph

    datatypes = {
        t.subject
        for t in triples
        if t.predicate.value == _RDF + "type" and t.object.value == _RDFS + "Datatype"
    }
    for triple in triples:
        predicate = triple.predicate.value
        if predicate in _OWLRL_ONLY:
            return _OWLRL_ONLY[predicate]
        obj = triple.object
        if (
            predicate == _OWL + "allValuesFrom"
            and isinstance(obj, pyoxigraph.NamedNode)
            and (obj.value.startswith(_DATATYPE_FILLERS) or obj in datatypes)
        ):
            return "owl:allValuesFrom a datatype (owlrl checks the values' types)"
    return None


def _split(triples: Sequence[Any]) -> tuple[list[Any], list[Any]]:
    """The pyoxigraph triples owlrl would reason over (as :func:`reasoning_copy` keeps them),
    split into the reasoner's input and the axioms that only the false rules read."""
    import pyoxigraph

    from .fast import FALSE_ONLY

    mentioned: set[Any] = set()
    for t in triples:
        mentioned.add(t.subject)
        if not isinstance(t.object, pyoxigraph.Literal):
            mentioned.add(t.object)
    vocabularies = (_RDF, _RDFS, _OWL)
    kept: list[Any] = []
    held_back: list[Any] = []
    for t in triples:
        text = t.predicate.value
        if text in _BUILTIN_ANNOTATIONS or text == _OWL + "hasKey":  # see reasoning_copy
            continue
        if text in FALSE_ONLY:
            held_back.append(t)
        elif text.startswith(vocabularies) or t.predicate in mentioned:
            kept.append(t)
    return kept, held_back


def _from_rdflib(graph: rdflib.Graph) -> list[Any]:
    import pyoxigraph
    from rdflib import BNode, Literal, URIRef

    def convert(node: Node) -> Any:
        if isinstance(node, URIRef):
            return pyoxigraph.NamedNode(str(node))
        if isinstance(node, BNode):
            return pyoxigraph.BlankNode(str(node))
        if isinstance(node, Literal):
            if node.language:
                return pyoxigraph.Literal(str(node), language=node.language)
            if node.datatype is not None:
                return pyoxigraph.Literal(
                    str(node), datatype=pyoxigraph.NamedNode(str(node.datatype))
                )
            return pyoxigraph.Literal(str(node))
        raise TypeError(f"unsupported term {node!r}")

    return [pyoxigraph.Triple(convert(s), convert(p), convert(o)) for s, p, o in graph]


_XSD_ASCII_TYPES = frozenset(
    _XSD + name
    for name in (
        *("decimal", "integer", "nonNegativeInteger", "nonPositiveInteger", "negativeInteger"),
        *("positiveInteger", "long", "int", "short", "byte", "unsignedLong", "unsignedInt"),
        *("unsignedShort", "unsignedByte", "float", "double", "boolean", "dateTime"),
        *("dateTimeStamp", "date", "time", "gYear", "gYearMonth", "gMonth", "gDay", "gMonthDay"),
        *("duration", "yearMonthDuration", "dayTimeDuration", "hexBinary", "base64Binary"),
    )
)


#: The rule of :func:`foreign_digit_findings`, which is XSD's, whatever path reasons.
FOREIGN_DIGITS_RULE = "XSD lexical form"


def foreign_digit_findings(triples: Iterable[Any]) -> Iterator[Finding]:
    """Literals of a numeric, boolean, date, time or binary XSD type written with characters
    outside ASCII, such as a year in full-width digits (U+FF10 to U+FF19) or Thai digits in an
    ``xsd:integer``: XSD's lexical forms for these types are ASCII only, and no SPARQL engine
    reads such a literal as a number or a date, but Python's converters (which owlrl uses for
    dt-not-type) read other scripts' digits. Every such literal is found, whatever its
    predicate; :func:`logic_findings` drops those that dt-not-type already reports."""
    import pyoxigraph

    for triple in triples:
        literal = triple.object
        if not isinstance(literal, pyoxigraph.Literal) or literal.language is not None:
            continue
        datatype = literal.datatype.value
        if datatype not in _XSD_ASCII_TYPES or literal.value.isascii():
            continue
        yield _lexical_finding(
            triple,
            ": XSD writes its values in ASCII characters only (digits 0-9); correct the value.",
        )


def _lexical_finding(triple: Any, why: str) -> Finding:
    """The :data:`FOREIGN_DIGITS_RULE` finding on ``triple``'s literal (a pyoxigraph triple),
    its message ending in ``why``."""
    import pyoxigraph

    subject, literal = triple.subject, triple.object
    focus = f"_:{subject.value}" if isinstance(subject, pyoxigraph.BlankNode) else subject.value
    shown = f'"{literal.value}"'
    return Finding(
        "logic",
        "error",
        FOREIGN_DIGITS_RULE,
        f"{focus} has {triple.predicate.value} {shown}, which is not a valid "
        f"{literal.datatype.value}{why}",
        focus=focus,
        predicate=triple.predicate.value,
        value=shown,
    )


#: The XSD date parts that OWL 2 RL's datatype map (and so dt-not-type) leaves out, judged by
#: pyoxigraph's casts; xsd:gMonthDay is not among them, since the cast refuses "--02-29".
_DATE_PARTS = ("gYear", "gYearMonth", "gMonth", "gDay")


def date_part_findings(triples: Iterable[Any]) -> Iterator[Finding]:
    """ASCII literals of :data:`_DATE_PARTS` that are not lexical forms of their type (such
    as ``"x"^^xsd:gYear`` or ``"2005-13"^^xsd:gYearMonth``), judged by one query that casts
    each distinct literal to its type on an empty pyoxigraph store."""
    import pyoxigraph

    typed = {_XSD + local: local for local in _DATE_PARTS}
    literals = {
        t.object
        for t in triples
        if isinstance(t.object, pyoxigraph.Literal)
        and t.object.datatype.value in typed
        and t.object.value.isascii()  # the others are foreign_digit_findings'
    }
    if not literals:
        return
    text, kind = pyoxigraph.NamedNode("urn:x-ackg:text"), pyoxigraph.NamedNode("urn:x-ackg:type")
    store = pyoxigraph.Store()  # the texts as data, so no text of the data is put in a query
    for number, literal in enumerate(literals):
        node = pyoxigraph.BlankNode(f"n{number}")
        store.add(pyoxigraph.Quad(node, text, pyoxigraph.Literal(literal.value)))
        store.add(pyoxigraph.Quad(node, kind, pyoxigraph.Literal(typed[literal.datatype.value])))
    casts = "".join(f'IF(?t = "{local}", xsd:{local}(?s), ' for local in _DATE_PARTS)
    query = (
        f"PREFIX xsd: <{_XSD}> SELECT ?s ?t WHERE {{ ?n <{text.value}> ?s ; <{kind.value}> ?t "
        f"BIND({casts}?s{')' * len(_DATE_PARTS)} AS ?v) FILTER(!BOUND(?v)) }}"
    )
    invalid = {
        (str(row[0].value), _XSD + str(row[1].value))
        for row in store.query(query)  # type: ignore[union-attr]
    }
    for triple in triples:
        literal = triple.object
        if not isinstance(literal, pyoxigraph.Literal):
            continue
        if (literal.value, literal.datatype.value) in invalid:
            yield _lexical_finding(triple, "; correct the value.")


def logic_findings(
    source: rdflib.Graph | Iterable[Any], individuals: Iterable[str] = ()
) -> list[Finding]:
    """Inconsistencies of ontology plus data under OWL 2 RL; see the module doc.

    ``source`` is an rdflib graph or the pyoxigraph triples of the files (what ``validate``
    parsed); it is not changed. The fast path judges it unless :func:`fast_path_blocker` names
    a construct it cannot judge, or its functional-property merges do not settle within its
    rounds (:class:`.fast.Unsettled`); then owlrl does (:func:`owlrl_findings`).
    """
    import rdflib

    from .fast import Unsettled, fast_findings

    triples = _from_rdflib(source) if isinstance(source, rdflib.Graph) else list(source)
    foreign = lexical_findings(triples)
    if fast_path_blocker(triples) is None:
        kept, held_back = _split(triples)
        try:
            return with_lexical(fast_findings(kept, triples, held_back), foreign)
        except Unsettled:
            pass  # a chain of owl:sameAs merges deeper than the fast path follows
    if isinstance(source, rdflib.Graph):
        return with_lexical(owlrl_findings(source, individuals), foreign)
    from ..validate import _to_rdflib

    graph = _to_rdflib({Path("logic"): triples})
    return with_lexical(owlrl_findings(graph, individuals), foreign)


def lexical_findings(triples: Sequence[Any]) -> list[Finding]:
    """The literals of ``triples`` whose text is not valid for their datatype, whatever their
    property: both reasoners see only the triples an OWL 2 RL rule can use (``_split``,
    :func:`reasoning_copy`), which leaves out a literal on a property the ontology does not
    mention, so the lexical forms are judged here over every asserted triple too."""
    from .fast import datatype_findings

    found = [
        *datatype_findings(triples),
        *foreign_digit_findings(triples),
        *date_part_findings(triples),
    ]
    return list(dict.fromkeys(found))


def with_lexical(findings: list[Finding], foreign: list[Finding]) -> list[Finding]:
    """``findings`` and the ``foreign`` ones that do not report a literal already reported,
    by the fast path (the same focus, property and value) or owlrl (its message quotes the
    literal's text)."""
    reported = {(f.focus, f.predicate, f.value) for f in findings}
    messages = " ".join(f.message for f in findings)
    return findings + [
        f
        for f in foreign
        if (f.focus, f.predicate, f.value) not in reported
        and f"'{(f.value or '')[1:-1]}'" not in messages
    ]

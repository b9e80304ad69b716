"""Logical consistency of ontology plus data under OWL 2 RL, and owlrl, the reference path.

The logic stage (:func:`asean_customs_kg.validation.logic.stage.logic_findings`) reports:

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
its own, many times faster than owlrl (benchmarks/README.md). owlrl (:func:`owlrl_findings`) is the
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
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ...rdf import vocab
from ..problems import Finding
from .common import BUILTIN_ANNOTATIONS, SCHEMA_TYPES, nothing_finding, same_as_finding

if TYPE_CHECKING:
    import rdflib
    from rdflib.term import Node

__all__ = ["key_findings", "owlrl_findings", "reasoning_copy"]

_IRI_IN_MESSAGE = re.compile(r"https?://[^\s,()]+[^\s,().]")


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
    vocabularies = (vocab.RDF, vocab.RDFS, vocab.OWL)
    for triple in graph:
        predicate = triple[1]
        text = str(predicate)
        if text in BUILTIN_ANNOTATIONS:
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

    return any(str(kind) in SCHEMA_TYPES for kind in graph.objects(node, RDF.type))


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

"""The fast logic path: the OWL 2 RL closure by ``reasonable``, the "false" rules as SPARQL.

:func:`fast_findings` finds what :func:`.reasoning.owlrl_findings` finds (see
:mod:`.reasoning` for when each runs), in four steps:

1. **The reasoner's input** is what owlrl gets (:func:`.reasoning.reasoning_copy`: no
   ``owl:hasKey``, no triple whose predicate no axiom can touch), less the axioms that only
   OWL 2 RL's "false" rules read (``owl:disjointWith``, ``owl:propertyDisjointWith``,
   ``owl:complementOf``, ``owl:differentFrom``): they derive nothing, and ``reasonable`` 0.4.4
   spends most of its time on ``owl:disjointWith`` without reporting what it finds.
2. **The closure** by ``reasonable`` (Rust), through its documented API only: the input
   written as an N-Triples file for ``load_file``, the result read as rdflib terms and
   turned into pyoxigraph terms (most of the time goes to making and converting the rdflib
   terms; see :func:`_closure`). Its triples, with the axioms of step 1 put back,
   fill an in-memory pyoxigraph store of this module's own. The other stages never see it;
   the asserted triples stay a Python list, read where a finding is explained.
3. **The false rules** as SPARQL over the closure: cax-dw, cax-adc, cls-com, prp-irp,
   prp-asyp, prp-pdw, prp-adp, eq-diff1, eq-diff2/3, prp-npa1, prp-npa2; members of
   ``owl:Nothing`` (cls-nothing2); and dt-not-type, a literal whose text is not valid for its
   datatype, checked as owlrl checks it. owlrl compares only the first n-1 members of an
   ``owl:AllDifferent`` or ``owl:AllDisjointProperties`` list (the loop of its prp-key bug);
   this path compares them all.
4. **The project's own findings** with the same texts as the owlrl path: distinct named
   individuals made ``owl:sameAs``, and the ``owl:hasKey`` check.

Each false rule's message names the individual, the OWL 2 RL rule and the axiom; its rule is
``OWL 2 RL <rule>``. The axioms are read as stated (owlrl would also apply ``owl:sameAs``
between two classes or properties to the axioms themselves).

pyoxigraph, reasonable, rdflib (the terms ``reasonable`` returns) and owlrl (its datatype
table, for dt-not-type) are imported inside the functions; no rdflib graph is built.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ...rdf.vocab import OWL, RDF, XSD_STRING
from ..problems import Finding
from .common import SCHEMA_TYPES, nothing_finding, same_as_finding

__all__ = ["FALSE_ONLY", "MAX_ROUNDS", "Unsettled", "datatype_findings", "fast_findings"]

#: Axioms that only OWL 2 RL's false rules read: kept out of the reasoner, put back after.
FALSE_ONLY = frozenset(
    OWL + name for name in ("disjointWith", "propertyDisjointWith", "complementOf", "differentFrom")
)
_PREFIXES = f"PREFIX owl: <{OWL}> PREFIX rdf: <{RDF}>\n"


def _closure(reasoner_input: list[Any]) -> list[tuple[Any, Any, Any]]:
    """The closure of ``reasoner_input`` (pyoxigraph triples): ``(s, p, o)`` pyoxigraph terms.

    ``reasonable`` is used through its documented API only: the input goes in as an
    N-Triples file (a subset of Turtle, which ``PyReasoner.load_file`` reads; blank-node
    labels and literals come back as written), and ``reason`` returns rdflib terms, each
    turned into a pyoxigraph term once (:func:`_from_reasoner`).
    """
    import os
    import tempfile

    import pyoxigraph
    import reasonable

    reasoner = reasonable.PyReasoner()
    with tempfile.TemporaryDirectory(prefix="ackg-logic-") as directory:
        path = os.path.join(directory, "input.ttl")  # load_file goes by the extension
        pyoxigraph.serialize(reasoner_input, path, format=pyoxigraph.RdfFormat.N_TRIPLES)
        reasoner.load_file(path)
    return _from_reasoner(reasoner.reason(), reasoner_input)


def _from_reasoner(
    triples: Iterable[tuple[Any, Any, Any]], reasoner_input: Sequence[Any]
) -> list[tuple[Any, Any, Any]]:
    """rdflib triples as pyoxigraph triples, each distinct term converted once.

    rdflib puts a typed literal's text in canonical form (``"01"^^xsd:integer`` becomes
    ``"1"``); a literal whose canonical text is not among ``reasoner_input``'s literals (all
    the reasoner can return) is given back its text from there. When the canonical text is
    also in the input, the two texts stay one literal, as in the owlrl path.
    """
    import pyoxigraph
    from rdflib import BNode, URIRef

    given = {t.object for t in reasoner_input if isinstance(t.object, pyoxigraph.Literal)}
    original: dict[Any, Any] | None = None
    terms: dict[Any, Any] = {}

    def convert(node: Any) -> Any:
        nonlocal original
        if isinstance(node, URIRef):
            return pyoxigraph.NamedNode(node)
        if isinstance(node, BNode):
            return pyoxigraph.BlankNode(node)
        if node.language:
            term = pyoxigraph.Literal(node, language=node.language)
        elif node.datatype is not None:
            term = pyoxigraph.Literal(node, datatype=pyoxigraph.NamedNode(node.datatype))
        else:
            term = pyoxigraph.Literal(node)
        if term in given:
            return term
        if original is None:  # rare: only when rdflib changed a text
            original = {}
            for literal in given:
                key = _to_rdflib_literal(literal)
                original.setdefault(key, literal)
        return original.get(node, term)

    out: list[tuple[Any, Any, Any]] = []
    for s, p, o in triples:
        converted = []
        for node in (s, p, o):
            term = terms.get(node)
            if term is None:
                term = terms[node] = convert(node)
            converted.append(term)
        out.append((converted[0], converted[1], converted[2]))
    return out


def _to_rdflib_literal(literal: Any) -> Any:
    """A pyoxigraph literal as the rdflib literal ``reasonable`` returns for it."""
    from rdflib import Literal, URIRef

    if literal.language is not None:
        return Literal(literal.value, lang=literal.language)
    if literal.datatype.value == XSD_STRING:
        return Literal(literal.value)
    return Literal(literal.value, datatype=URIRef(literal.datatype.value))


def _node_id(term: Any) -> str:
    """A term as findings write it: an IRI, ``_:id`` for a blank node, a literal's text."""
    import pyoxigraph

    if isinstance(term, pyoxigraph.BlankNode):
        return f"_:{term.value}"
    return str(term.value)


def _show(term: Any) -> str:
    import pyoxigraph

    return f'"{term.value}"' if isinstance(term, pyoxigraph.Literal) else str(term.value)


def _select(store: Any, query: str) -> Iterator[Any]:
    yield from store.query(_PREFIXES + query)


#: The graph of the store that holds the lists as stated: in the closure, an owl:sameAs between
#: two members gives a list cell each of their terms (rule eq-rep-o).
_LISTS = "urn:x-ackg:stated-lists"


def _pair(first: str, second: str) -> str:
    """Two members of the list ``?list`` as stated, ``first`` before ``second``: each pair once
    without comparing the terms (STR() is an error for a blank node, and blank nodes have no
    order in SPARQL), the same term twice when the list repeats it (rules cax-adc, prp-adp and
    eq-diff2 pair members by position)."""
    return (
        f"GRAPH <{_LISTS}> {{ ?list rdf:rest* ?node1 . ?node1 rdf:first {first} ; "
        f"rdf:rest+ ?node2 . ?node2 rdf:first {second} }} "
    )


# Each false rule: (rule, query, message). The query binds ?x (the individual at fault) and the
# variables its message names; a message is formatted with the bindings' _show texts.
_FALSE_RULES: tuple[tuple[str, str, str], ...] = (
    (
        "cax-dw",
        "SELECT DISTINCT ?x ?c1 ?c2 { ?c1 owl:disjointWith ?c2 . ?x a ?c1 . ?x a ?c2 }",
        "{x} belongs to {c1} and to {c2}, which are disjoint classes ({c1} owl:disjointWith "
        "{c2}; OWL 2 RL rule cax-dw); remove one of the types or what implies it.",
    ),
    (
        "cax-adc",
        "SELECT DISTINCT ?x ?c1 ?c2 { ?d a owl:AllDisjointClasses ; owl:members ?list . "
        + _pair("?c1", "?c2")
        + "?x a ?c1 . ?x a ?c2 }",
        "{x} belongs to {c1} and to {c2}, which are disjoint classes (both members of one "
        "owl:AllDisjointClasses axiom; OWL 2 RL rule cax-adc); remove one of the types or "
        "what implies it.",
    ),
    (
        "cls-com",
        "SELECT DISTINCT ?x ?c1 ?c2 { ?c1 owl:complementOf ?c2 . ?x a ?c1 . ?x a ?c2 }",
        "{x} belongs to {c1} and to its complement {c2} ({c1} owl:complementOf {c2}; OWL 2 "
        "RL rule cls-com); remove one of the types or what implies it.",
    ),
    (
        "prp-irp",
        "SELECT DISTINCT ?x ?p { ?p a owl:IrreflexiveProperty . ?x ?p ?x }",
        "{x} is related to itself by {p}, which is irreflexive ({p} a "
        "owl:IrreflexiveProperty; OWL 2 RL rule prp-irp); point it at another resource.",
    ),
    (
        "prp-asyp",
        "SELECT DISTINCT ?x ?p ?y { ?p a owl:AsymmetricProperty . ?x ?p ?y . ?y ?p ?x }",
        "{x} and {y} are related by {p} both ways, which an asymmetric property forbids ({p} "
        "a owl:AsymmetricProperty; OWL 2 RL rule prp-asyp); keep one direction.",
    ),
    (
        "prp-pdw",
        "SELECT DISTINCT ?x ?y ?p1 ?p2 { ?p1 owl:propertyDisjointWith ?p2 . "
        "?x ?p1 ?y . ?x ?p2 ?y }",
        "{x} is related to {y} by both {p1} and {p2}, which are disjoint properties ({p1} "
        "owl:propertyDisjointWith {p2}; OWL 2 RL rule prp-pdw); keep one of them.",
    ),
    (
        "prp-adp",
        "SELECT DISTINCT ?x ?y ?p1 ?p2 { ?d a owl:AllDisjointProperties ; owl:members ?list . "
        + _pair("?p1", "?p2")
        + "?x ?p1 ?y . ?x ?p2 ?y }",
        "{x} is related to {y} by both {p1} and {p2}, which are disjoint properties (both "
        "members of one owl:AllDisjointProperties axiom; OWL 2 RL rule prp-adp); keep one of "
        "them.",
    ),
    (
        "eq-diff1",
        "SELECT DISTINCT ?x ?y { ?x owl:differentFrom ?y . "
        "FILTER (sameTerm(?x, ?y) || EXISTS { ?x owl:sameAs ?y }) }",
        "{x} is stated to be different from {y} (owl:differentFrom) but is the same "
        "individual (owl:sameAs; OWL 2 RL rule eq-diff1); remove one of the statements or "
        "what implies it.",
    ),
    (
        "eq-diff2",
        "SELECT DISTINCT ?x ?y { ?d a owl:AllDifferent ; owl:members|owl:distinctMembers ?list . "
        + _pair("?x", "?y")
        + "FILTER (sameTerm(?x, ?y) || EXISTS { ?x owl:sameAs ?y }) }",
        "{x} and {y} are stated to be different individuals (one owl:AllDifferent axiom) but "
        "are the same individual (owl:sameAs; OWL 2 RL rules eq-diff2, eq-diff3); remove one "
        "of the statements or what implies it.",
    ),
    (
        "prp-npa1",
        "SELECT DISTINCT ?x ?p ?y { ?n owl:sourceIndividual ?x ; owl:assertionProperty ?p ; "
        "owl:targetIndividual ?y . ?x ?p ?y }",
        "{x} {p} {y} holds, which a negative property assertion denies "
        "(owl:NegativePropertyAssertion; OWL 2 RL rule prp-npa1); remove one of them.",
    ),
    (
        "prp-npa2",
        "SELECT DISTINCT ?x ?p ?y { ?n owl:sourceIndividual ?x ; owl:assertionProperty ?p ; "
        "owl:targetValue ?y . ?x ?p ?y }",
        "{x} {p} {y} holds, which a negative property assertion denies "
        "(owl:NegativePropertyAssertion; OWL 2 RL rule prp-npa2); remove one of them.",
    ),
)


#: The rules whose two members of a list play the same part: the pair is named in a fixed
#: order (IRIs first, then by text), whatever their order in the list.
_UNORDERED = {"cax-adc": ("c1", "c2"), "prp-adp": ("p1", "p2"), "eq-diff2": ("x", "y")}


#: The statement each false rule's finding names, so that it is placed on the line that states
#: it: (the property, or the variable bound to it; the variable bound to the value). The types
#: of a disjoint pair may be inferred, not stated: then the finding is placed at the
#: individual's stated types.
_STATEMENTS: dict[str, tuple[str, str]] = {
    "cax-dw": (RDF + "type", "c2"),
    "cax-adc": (RDF + "type", "c2"),
    "cls-com": (RDF + "type", "c2"),
    "prp-irp": ("p", "x"),
    "prp-asyp": ("p", "y"),
    "prp-pdw": ("p2", "y"),
    "prp-adp": ("p2", "y"),
    "eq-diff1": (OWL + "differentFrom", "y"),
    "prp-npa1": ("p", "y"),
    "prp-npa2": ("p", "y"),
}


def _statement(rule: str, row: dict[str, Any]) -> tuple[str | None, str | None]:
    """The ``(predicate, value)`` of the statement a false rule's finding names, if any."""
    import pyoxigraph

    if rule not in _STATEMENTS:
        return None, None
    prop, value = _STATEMENTS[rule]
    predicate = prop if "://" in prop else _node_id(row[prop]) if row.get(prop) else None
    term = row.get(value)
    if term is None:
        return predicate, None
    return predicate, _show(term) if isinstance(term, pyoxigraph.Literal) else _node_id(term)


def _false_rule_findings(store: Any) -> Iterator[tuple[str, Finding]]:
    """``(focus id, finding)`` for every violation of a false rule in the closure."""
    import pyoxigraph

    def order(term: Any) -> tuple[bool, str]:
        return isinstance(term, pyoxigraph.BlankNode), str(term.value)

    for rule, query, template in _FALSE_RULES:
        solutions = store.query(_PREFIXES + query)
        variables = [v.value for v in solutions.variables]
        for solution in solutions:
            row = {v: solution[v] for v in variables}
            if rule in _UNORDERED:
                one, two = _UNORDERED[rule]
                if order(row[one]) > order(row[two]):
                    row[one], row[two] = row[two], row[one]
            names = {v: _show(row[v]) for v in variables if row[v] is not None}
            focus = _node_id(row["x"])
            predicate, value = _statement(rule, row)
            yield (
                focus,
                Finding(
                    "logic",
                    "error",
                    f"OWL 2 RL {rule}",
                    template.format(**names),
                    focus=focus,
                    predicate=predicate,
                    value=value,
                ),
            )


def datatype_findings(triples: Iterable[Any]) -> Iterator[Finding]:
    """dt-not-type: a literal whose text is not valid for its datatype, judged by owlrl's own
    conversion table, among the objects of ``triples`` (pyoxigraph triples)."""
    import pyoxigraph
    from owlrl.DatatypeHandling import AltXSDToPYTHON
    from owlrl.XsdDatatypes import OWL_RL_Datatypes

    checked = {str(d) for d in OWL_RL_Datatypes} - {XSD_STRING}
    converters = {str(k): v for k, v in AltXSDToPYTHON.items()}
    valid: dict[Any, bool] = {}
    for triple in triples:
        literal = triple.object
        if not isinstance(literal, pyoxigraph.Literal) or literal.language is not None:
            continue
        datatype = literal.datatype.value
        if datatype not in checked:
            continue
        ok = valid.get(literal)
        if ok is None:
            converter = converters.get(datatype)
            try:
                if converter is not None:
                    converter(literal.value)
                ok = True
            except Exception:  # ValueError, decimal.InvalidOperation, IndexError...
                ok = False  # whatever a converter raises, the text is not of its datatype
            valid[literal] = ok
        if not ok:
            subject = _node_id(triple.subject)
            yield Finding(
                "logic",
                "error",
                "OWL 2 RL dt-not-type",
                f"{subject} has {triple.predicate.value} {_show(literal)}, which is not a valid "
                f"{datatype} (OWL 2 RL rule dt-not-type); correct the value.",
                focus=subject,
                predicate=triple.predicate.value,
                value=_show(literal),
            )


def _same_as_findings(store: Any, asserted_triples: Sequence[Any]) -> Iterator[Finding]:
    """Distinct named individuals made ``owl:sameAs``, explained as the owlrl path explains
    them (same texts), from what ``asserted_triples`` state."""
    import pyoxigraph

    schema_types = " ".join(f"<{iri}>" for iri in sorted(SCHEMA_TYPES))
    pairs: Any = _select(
        store,
        "SELECT DISTINCT ?a ?b { ?a owl:sameAs ?b FILTER (isIRI(?a) && isIRI(?b) "
        "&& STR(?a) < STR(?b)) FILTER NOT EXISTS { VALUES ?t { " + schema_types + " } "
        "{ ?a a ?t } UNION { ?b a ?t } } }",
    )
    functional = sorted(
        (row["p"] for row in _select(store, "SELECT ?p { ?p a owl:FunctionalProperty }")),
        key=str,
    )
    inverse = sorted(
        (row["p"] for row in _select(store, "SELECT ?p { ?p a owl:InverseFunctionalProperty }")),
        key=str,
    )

    pairs = sorted(pairs, key=lambda r: (r["a"].value, r["b"].value))
    if not pairs:
        return
    asserted = pyoxigraph.Store()  # only when there is something to explain
    asserted.bulk_extend(
        pyoxigraph.Quad(t.subject, t.predicate, t.object, pyoxigraph.DefaultGraph())
        for t in asserted_triples
    )

    def stated(s: Any, p: Any, o: Any) -> bool:
        return next(asserted.quads_for_pattern(s, p, o), None) is not None

    def why(left: Any, right: Any) -> tuple[Any, Any, str] | None:
        for prop in functional:
            for quad in asserted.quads_for_pattern(None, prop, left):
                if stated(quad.subject, prop, right):
                    return quad.subject, prop, "functional"
        for prop in inverse:
            for quad in asserted.quads_for_pattern(left, prop, None):
                if stated(right, prop, quad.object):
                    return quad.object, prop, "inverse-functional"
        return None

    same_as = pyoxigraph.NamedNode(OWL + "sameAs")
    for row in pairs:
        first, second = row["a"], row["b"]
        pair = (first.value, second.value)
        explained = why(first, second)
        stated_pair = None
        if stated(first, same_as, second):
            stated_pair = pair
        elif stated(second, same_as, first):
            stated_pair = (second.value, first.value)
        yield same_as_finding(
            pair,
            None
            if explained is None
            else (_node_id(explained[0]), explained[1].value, explained[2]),
            stated_pair,
        )


def _rdf_list(store: Any, head: Any) -> list[Any]:
    import pyoxigraph

    first = pyoxigraph.NamedNode(RDF + "first")
    rest = pyoxigraph.NamedNode(RDF + "rest")
    nil = pyoxigraph.NamedNode(RDF + "nil")
    items: list[Any] = []
    while head != nil:
        item = next(store.quads_for_pattern(head, first, None), None)
        after = next(store.quads_for_pattern(head, rest, None), None)
        if item is None or after is None or len(items) > 1000:
            break
        items.append(item.object)
        head = after.object
    return items


def _key_findings(store: Any, asserted: Sequence[Any]) -> Iterator[Finding]:
    """:func:`.reasoning.key_findings` over the closure: members from the closure, key values
    as ``asserted`` states them (same texts)."""
    import pyoxigraph

    default = pyoxigraph.DefaultGraph()
    rdf_type = pyoxigraph.NamedNode(RDF + "type")
    keys = [
        (t.subject, _rdf_list(store, t.object))
        for t in asserted
        if t.predicate.value == OWL + "hasKey"
    ]
    wanted = {p for _, properties in keys for p in properties}
    values_of: dict[tuple[Any, Any], list[Any]] = defaultdict(list)
    for t in asserted:
        if t.predicate in wanted:
            values_of[t.subject, t.predicate].append(t.object)
    for cls, properties in keys:
        if not properties:
            continue
        groups: dict[tuple[Any, ...], set[Any]] = defaultdict(set)
        for typing in store.quads_for_pattern(None, rdf_type, cls, default):
            member = typing.subject
            combos: list[tuple[Any, ...]] = [()]
            for p in properties:
                combos = [(*c, v) for c in combos for v in dict.fromkeys(values_of[member, p])]
            for values in combos:
                groups[values].add(member)
        for values, members in groups.items():
            if len(members) < 2:
                continue
            ordered = sorted(_node_id(m) for m in members)
            shown = ", ".join(_show(v) for v in values)
            names = ", ".join(p.value for p in properties)
            for member_id in ordered:
                others = " and ".join(o for o in ordered if o != member_id)
                yield Finding(
                    "logic",
                    "error",
                    "owl:hasKey",
                    f"{member_id} and {others} share {shown} ({names}), the key of "
                    f"{_node_id(cls)} (owl:hasKey): OWL RL would silently merge them into one; "
                    "give each its own.",
                    focus=member_id,
                    predicate=properties[0].value,
                    value=shown,
                    related=tuple(ordered),
                )


_FUNCTIONAL = frozenset({OWL + "FunctionalProperty", OWL + "InverseFunctionalProperty"})
#: Pairs of distinct values of a functional (or subjects of an inverse-functional) property.
_MERGES = (
    "SELECT DISTINCT ?a ?b { "
    "{ ?p a owl:FunctionalProperty . ?x ?p ?a . ?x ?p ?b } UNION "
    "{ ?p a owl:InverseFunctionalProperty . ?a ?p ?x . ?b ?p ?x } "
    "FILTER (?a != ?b && !isLiteral(?a) && !isLiteral(?b)) "
    "FILTER NOT EXISTS { ?a owl:sameAs ?b } }"
)
#: Rounds of merges before handing the graph to owlrl (each round merges what the previous one
#: made equal, so a chain of functional values n deep takes n rounds).
#: The most rounds of functional-property merges the fast path runs before leaving the graph
#: to owlrl (:class:`Unsettled`).
MAX_ROUNDS = 20


class Unsettled(Exception):
    """The functional-property merges went on for more than ``MAX_ROUNDS`` rounds: a matter of
    the data (a long chain of merges), which the owlrl path judges at any depth."""


def _closure_store(reasoner_input: Sequence[Any], held_back: Sequence[Any]) -> Any:
    """The closure of ``reasoner_input`` in an in-memory store, with ``held_back`` put back.

    Rules prp-fp and prp-ifp are applied here, not by ``reasonable``: 0.4.4 pairs every two
    statements of a functional property, so its time and memory grow with the square of their number
    (figures in benchmarks/README.md). Both rules only make two values ``owl:sameAs``: the closure
    is computed without the property types, the pairs of distinct values are looked up in it, and,
    if there are any (an error in itself), it is computed again with those ``owl:sameAs`` statements
    added, until no new pair appears (:class:`Unsettled` after ``MAX_ROUNDS`` rounds, for the caller
    to use owlrl). A pair of two literals is left out (it cannot be stated in the reasoner's input);
    the SHACL shapes report such values.
    """
    import pyoxigraph

    functional = [
        t
        for t in reasoner_input
        if t.predicate.value == RDF + "type" and t.object.value in _FUNCTIONAL
    ]
    chosen = set(functional)
    rest = [t for t in reasoner_input if t not in chosen]
    same_as = pyoxigraph.NamedNode(OWL + "sameAs")
    default = pyoxigraph.DefaultGraph()
    lists = pyoxigraph.NamedNode(_LISTS)
    list_links = {pyoxigraph.NamedNode(RDF + "first"), pyoxigraph.NamedNode(RDF + "rest")}
    merges: list[Any] = []
    for _ in range(MAX_ROUNDS):
        store = pyoxigraph.Store()
        store.bulk_extend(
            pyoxigraph.Quad(s, p, o, default)
            for s, p, o in _closure([*rest, *merges])
            if not isinstance(s, pyoxigraph.Literal)  # generalised: no rule below reads it
        )
        store.bulk_extend(
            pyoxigraph.Quad(t.subject, t.predicate, t.object, default)
            for t in [*held_back, *functional]
        )
        store.bulk_extend(
            pyoxigraph.Quad(t.subject, t.predicate, t.object, lists)
            for t in reasoner_input
            if t.predicate in list_links
        )
        found = [(row["a"], row["b"]) for row in _select(store, _MERGES)]
        if not found:
            return store
        merges.extend(pyoxigraph.Triple(a, same_as, b) for a, b in found)
    raise Unsettled(f"no fixed point after {MAX_ROUNDS} rounds of owl:sameAs merges")


def fast_findings(
    reasoner_input: Sequence[Any], asserted: Sequence[Any], held_back: Sequence[Any]
) -> list[Finding]:
    """The logic findings by the fast path (see the module doc).

    ``reasoner_input`` are the pyoxigraph triples owlrl would get, less ``held_back`` (the
    axioms only the false rules read); ``asserted`` are all the asserted triples.
    """
    import pyoxigraph

    store = _closure_store(reasoner_input, held_back)
    nothing = pyoxigraph.NamedNode(OWL + "Nothing")
    members = sorted(
        {
            _node_id(row["x"])
            for row in _select(store, "SELECT ?x { ?x a owl:Nothing }")
            if row["x"] != nothing
        }
    )
    empty = set(members)
    findings: list[Finding] = []
    seen: set[Finding] = set()
    for focus, finding in _false_rule_findings(store):
        if focus not in empty and finding not in seen:  # one owl:Nothing finding says it all
            seen.add(finding)
            findings.append(finding)
    findings.extend(f for f in datatype_findings(reasoner_input) if f.focus not in empty)
    findings.extend(nothing_finding(member) for member in members)
    findings.extend(_same_as_findings(store, asserted))
    findings.extend(_key_findings(store, asserted))
    return findings

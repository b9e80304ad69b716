"""The logic stage of validation: which path judges a graph (the fast path, or owlrl for what
it cannot judge), and the lexical findings added to either; see
:mod:`asean_customs_kg.validation.logic.reasoning` for what is found and why two paths.

rdflib and pyoxigraph are imported inside the functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...rdf import vocab
from ..problems import Finding
from . import reasoning
from .common import BUILTIN_ANNOTATIONS
from .fast import FALSE_ONLY, Unsettled, fast_findings
from .lexical import lexical_findings, with_lexical

if TYPE_CHECKING:
    import rdflib
    from rdflib.term import Node

__all__ = ["fast_path_blocker", "logic_findings", "split_for_reasoner"]

#: Constructs whose OWL 2 RL rules ``reasonable`` 0.4.4 lacks (prp-spo2, cls-maxc2,
#: cls-maxqc3/4, cls-oo) or whose checks only owlrl makes (a datatype restriction, an
#: ``owl:allValuesFrom`` a datatype): a graph that uses one is reasoned by owlrl.
_OWLRL_ONLY = {
    vocab.OWL + "propertyChainAxiom": "owl:propertyChainAxiom (rule prp-spo2)",
    vocab.OWL + "maxCardinality": "owl:maxCardinality (rules cls-maxc1, cls-maxc2)",
    vocab.OWL + "maxQualifiedCardinality": "owl:maxQualifiedCardinality (rules cls-maxqc1-4)",
    vocab.OWL + "oneOf": "owl:oneOf (rule cls-oo)",
    vocab.OWL + "onDatatype": "a datatype restriction (owl:onDatatype)",
    vocab.OWL + "withRestrictions": "a datatype restriction (owl:withRestrictions)",
}


_DATATYPE_FILLERS = (
    vocab.XSD,
    vocab.RDFS + "Literal",
    vocab.RDF + "PlainLiteral",
    vocab.RDF + "langString",
)


def fast_path_blocker(triples: Iterable[Any]) -> str | None:
    """Why the fast path cannot judge these pyoxigraph triples (what owlrl must do), or None."""
    import pyoxigraph

    datatypes = {
        t.subject
        for t in triples
        if t.predicate.value == vocab.RDF + "type" and t.object.value == vocab.RDFS + "Datatype"
    }
    for triple in triples:
        predicate = triple.predicate.value
        if predicate in _OWLRL_ONLY:
            return _OWLRL_ONLY[predicate]
        obj = triple.object
        if (
            predicate == vocab.OWL + "allValuesFrom"
            and isinstance(obj, pyoxigraph.NamedNode)
            and (obj.value.startswith(_DATATYPE_FILLERS) or obj in datatypes)
        ):
            return "owl:allValuesFrom a datatype (owlrl checks the values' types)"
    return None


def split_for_reasoner(triples: Sequence[Any]) -> tuple[list[Any], list[Any]]:
    """The pyoxigraph triples owlrl would reason over (as :func:`reasoning_copy` keeps them),
    split into the reasoner's input and the axioms that only the false rules read."""
    import pyoxigraph

    mentioned: set[Any] = set()
    for t in triples:
        mentioned.add(t.subject)
        if not isinstance(t.object, pyoxigraph.Literal):
            mentioned.add(t.object)
    vocabularies = (vocab.RDF, vocab.RDFS, vocab.OWL)
    kept: list[Any] = []
    held_back: list[Any] = []
    for t in triples:
        text = t.predicate.value
        if text in BUILTIN_ANNOTATIONS or text == vocab.OWL + "hasKey":  # see reasoning_copy
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

    triples = _from_rdflib(source) if isinstance(source, rdflib.Graph) else list(source)
    foreign = lexical_findings(triples)
    if fast_path_blocker(triples) is None:
        kept, held_back = split_for_reasoner(triples)
        try:
            return with_lexical(fast_findings(kept, triples, held_back), foreign)
        except Unsettled:
            pass  # a chain of owl:sameAs merges deeper than the fast path follows
    if isinstance(source, rdflib.Graph):
        return with_lexical(reasoning.owlrl_findings(source, individuals), foreign)
    from ...rdf.graph import to_rdflib_graph

    graph = to_rdflib_graph({Path("logic"): triples})
    return with_lexical(reasoning.owlrl_findings(graph, individuals), foreign)

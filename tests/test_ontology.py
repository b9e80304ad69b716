"""The ontology: every term is declared and documented, and ontology plus data is consistent under
OWL 2 RL (owlrl), with negative controls showing that an inconsistency is caught."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from asean_customs_kg import resources
from asean_customs_kg.rdf.graph import load_rdflib
from helpers import FIXTURES, REPO

if TYPE_CHECKING:
    from rdflib import Graph

ACK = "https://w3id.org/asean-customs-kg/ontology#"
ONTOLOGY_IRI = "https://w3id.org/asean-customs-kg/ontology"


@cache
def _ontology() -> Graph:
    return load_rdflib([REPO / "ontology" / "ontology.ttl"])


def _declared_terms() -> set[str]:
    from rdflib import OWL, RDF, RDFS

    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDFS.Datatype)
    return {
        str(s)
        for kind in kinds
        for s in _ontology().subjects(RDF.type, kind)
        if str(s).startswith(ACK)
    }


def _used_terms(paths: list[Path]) -> set[str]:
    from rdflib import URIRef

    graph = load_rdflib(paths)
    used: set[str] = set()
    for triple in graph:
        used.update(str(t) for t in triple if isinstance(t, URIRef) and str(t).startswith(ACK))
    return used


def test_every_term_used_is_declared() -> None:
    used = _used_terms([*resources.data_files(), *resources.shapes_files()])
    assert sorted(used - _declared_terms()) == []


@pytest.mark.parametrize("term", sorted(_declared_terms()))
def test_term_has_label_definition_and_defined_by(term: str) -> None:
    from rdflib import RDFS, SKOS, Literal, URIRef

    graph = _ontology()
    subject = URIRef(term)
    labels = [
        label
        for label in graph.objects(subject, RDFS.label)
        if isinstance(label, Literal) and label.language == "en"
    ]
    definitions = [
        d
        for d in graph.objects(subject, SKOS.definition)
        if isinstance(d, Literal) and d.language == "en"
    ]
    assert len(labels) == 1, f"{term}: one English rdfs:label"
    assert len(definitions) == 1, f"{term}: one English skos:definition"
    assert graph.value(subject, RDFS.isDefinedBy) == URIRef(ONTOLOGY_IRI)


def _owl_rl_errors(extra: list[Path]) -> list[str]:
    """Ontology + data (+ extra files) under OWL 2 RL: the messages of the validator's logic stage
    (owlrl, with owl:hasKey applied correctly by the project; see
    asean_customs_kg.validation.logic.reasoning)."""
    from asean_customs_kg.validation.logic.stage import logic_findings

    graph = load_rdflib([*resources.ontology_files(), *resources.data_files(), *extra])
    return sorted(finding.message for finding in logic_findings(graph))


def test_ontology_and_data_are_consistent_under_owl_rl() -> None:
    assert _owl_rl_errors([]) == []


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("body-is-an-event.ttl", "Disjoint classes"),
        ("meeting-of-two-bodies.ttl", "Disjoint classes"),
    ],
)
def test_inconsistency_is_caught(fixture: str, expected: str) -> None:
    errors = _owl_rl_errors([FIXTURES / "logic" / fixture])
    assert any(expected.lower() in error.lower() for error in errors), errors

"""What both logic paths share: the schema types, the annotations no rule reads, and the
findings both word alike (``owl:Nothing`` members, individuals made one).
"""

from __future__ import annotations

from ...rdf import vocab
from ..problems import Finding

__all__ = ["BUILTIN_ANNOTATIONS", "SCHEMA_TYPES", "nothing_finding", "same_as_finding"]

#: Annotation properties that no OWL 2 RL rule reads: both paths leave them out.
BUILTIN_ANNOTATIONS = frozenset(
    {
        vocab.RDFS + "label",
        vocab.RDFS + "comment",
        vocab.RDFS + "seeAlso",
        vocab.RDFS + "isDefinedBy",
        vocab.OWL + "versionInfo",
        vocab.OWL + "deprecated",
        vocab.OWL + "priorVersion",
        vocab.OWL + "backwardCompatibleWith",
        vocab.OWL + "incompatibleWith",
    }
)


#: The types of schema terms (classes, properties, the ontology): never reported as merged
#: individuals.
SCHEMA_TYPES = frozenset(
    vocab.OWL + name
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
) | {vocab.RDFS + "Class", vocab.RDF + "Property"}


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
            predicate=vocab.OWL + "sameAs",
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

"""Literals whose text does not fit their datatype, judged over every asserted triple whichever
path reasons: both reasoners see only the triples an OWL 2 RL rule can use.

pyoxigraph is imported inside the functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ...rdf import vocab
from ..problems import Finding
from .fast import datatype_findings

__all__ = [
    "FOREIGN_DIGITS_RULE",
    "date_part_findings",
    "foreign_digit_findings",
    "lexical_findings",
    "with_lexical",
]

_XSD_ASCII_TYPES = frozenset(
    vocab.XSD + name
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

    typed = {vocab.XSD + local: local for local in _DATE_PARTS}
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
        f"PREFIX xsd: <{vocab.XSD}> SELECT ?s ?t WHERE {{ ?n <{text.value}> ?s ; <{kind.value}> ?t "
        f"BIND({casts}?s{')' * len(_DATE_PARTS)} AS ?v) FILTER(!BOUND(?v)) }}"
    )
    invalid = {
        (str(row[0].value), vocab.XSD + str(row[1].value))
        for row in store.query(query)  # type: ignore[union-attr]
    }
    for triple in triples:
        literal = triple.object
        if not isinstance(literal, pyoxigraph.Literal):
            continue
        if (literal.value, literal.datatype.value) in invalid:
            yield _lexical_finding(triple, "; correct the value.")


def lexical_findings(triples: Sequence[Any]) -> list[Finding]:
    """The literals of ``triples`` whose text is not valid for their datatype, whatever their
    property: both reasoners see only the triples an OWL 2 RL rule can use (``_split``,
    :func:`reasoning_copy`), which leaves out a literal on a property the ontology does not
    mention, so the lexical forms are judged here over every asserted triple too."""
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

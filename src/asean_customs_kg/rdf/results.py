"""Query results: one class for the answers of every engine, and their plain Python values.

Every backend returns a :class:`Result` whose terms are pyoxigraph objects (``NamedNode``,
``BlankNode``, ``Literal``): the embedded engine produces them directly, and a remote endpoint's
SPARQL JSON becomes the same objects through :func:`pyoxigraph.parse_query_results`, so the
formats and the tests do not care where an answer came from.

:meth:`Result.rows` and :meth:`Result.to_python` give plain Python values (see
:func:`to_python`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from itertools import islice

import pyoxigraph

from .vocab import XSD

# ``typing`` is not imported at run time: it would cost the cold saved-query path (mypy reads
# this block; the names below are plain at run time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Literal, TypeAlias, TypeVar

    _Row = TypeVar("_Row")
    Form: TypeAlias = Literal["select", "ask", "graph"]
else:
    Form = str

__all__ = ["Form", "Result", "Term", "to_python"]

Term: TypeAlias = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal

_INTEGERS = frozenset(
    XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "nonPositiveInteger",
        "positiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)
_YEAR = r"-?\d{4,}"
_RESULTS_MEDIA = {
    "application/sparql-results+json": "JSON",
    "application/json": "JSON",
    "application/sparql-results+xml": "XML",
    "text/tab-separated-values": "TSV",
}
_RDF_MEDIA = {
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON_LD",
}


def to_python(term: Term | None) -> Any:
    """A plain Python value for an RDF term.

    * ``None`` (an unbound variable) stays ``None``;
    * an IRI becomes its string; a blank node ``"_:" + id``;
    * a literal, by datatype: the integer types → ``int``; ``xsd:decimal`` →
      :class:`decimal.Decimal`; ``xsd:double``/``xsd:float`` → ``float``; ``xsd:boolean`` →
      ``bool``; ``xsd:date`` → :class:`datetime.date`; ``xsd:dateTime`` →
      :class:`datetime.datetime`; ``xsd:gYear`` → ``int`` (the year); any other literal
      (strings with or without a language, ``xsd:gYearMonth``...) → its lexical form, ``str``.
      A lexical form that is not valid for its datatype also stays a ``str``.
    """
    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode):
        return term.value
    if isinstance(term, pyoxigraph.BlankNode):
        return f"_:{term.value}"
    value = term.value
    datatype = term.datatype.value
    import datetime
    import decimal

    try:
        if datatype in _INTEGERS:
            return int(value)
        if datatype == XSD + "decimal":
            return decimal.Decimal(value)
        if datatype in (XSD + "double", XSD + "float"):
            return float(value)
        if datatype == XSD + "boolean":
            if value in ("true", "1"):
                return True
            if value in ("false", "0"):
                return False
        if datatype == XSD + "date":
            return datetime.date.fromisoformat(value)
        if datatype == XSD + "dateTime":
            return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        if datatype == XSD + "gYear" and re.fullmatch(_YEAR, value):
            return int(value)
    except (ValueError, decimal.InvalidOperation):
        pass
    return value


_BOOLEAN = pyoxigraph.NamedNode(XSD + "boolean")
_BOOLEANS = {
    "1": pyoxigraph.Literal("true", datatype=_BOOLEAN),
    "0": pyoxigraph.Literal("false", datatype=_BOOLEAN),
}


def _canonical(term: Term | None) -> Term | None:
    """``term``, with an ``xsd:boolean`` written ``1`` or ``0`` (as Virtuoso writes every
    boolean) in its canonical form ``true`` or ``false``: the same value, written as the
    embedded engine writes it."""
    if isinstance(term, pyoxigraph.Literal) and term.datatype == _BOOLEAN:
        return _BOOLEANS.get(term.value, term)
    return term


_BLANK_LABEL = r"[A-Za-z0-9_][A-Za-z0-9_.-]*"


def _relabel_blank_nodes(body: bytes) -> bytes:
    """SPARQL JSON results whose blank nodes all have valid labels: Virtuoso writes them as
    ``nodeID://b10007``, which pyoxigraph refuses. Each distinct label gets a new valid one
    (one node, one label), or the body is returned as it is when every label is valid.
    Raises :class:`ValueError` for a body that is not JSON."""
    import json

    data = json.loads(body)
    values = [
        value
        for binding in (data.get("results") or {}).get("bindings") or []
        if isinstance(binding, dict)
        for value in binding.values()
        if isinstance(value, dict) and value.get("type") == "bnode"
    ]
    if all(re.fullmatch(_BLANK_LABEL, str(value.get("value"))) for value in values):
        return body
    labels: dict[str, str] = {}
    for value in values:
        value["value"] = labels.setdefault(str(value.get("value")), f"b{len(labels)}")
    return json.dumps(data).encode("utf-8")


#: When set, the most rows (or triples) :meth:`Result.from_oxigraph` reads from the engine;
#: one more raises :class:`TooManyRows`. A server sets it, so that a query whose answer it
#: refuses (or no longer awaits) cannot fill the memory while the engine goes on.
ROW_LIMIT: ContextVar[int | None] = ContextVar("ROW_LIMIT", default=None)


class TooManyRows(Exception):
    """The engine's answer has more rows than :data:`ROW_LIMIT` (``limit``)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the result has more than {limit} rows")
        self.limit = limit


def _bounded(rows: Iterable[_Row]) -> list[_Row]:
    limit = ROW_LIMIT.get()
    if limit is None:
        return list(rows)
    found = list(islice(rows, limit + 1))
    if len(found) > limit:
        raise TooManyRows(limit)
    return found


class Result:
    """The answer to a query.

    ``form`` is ``"select"`` (``variables`` and ``solutions``: one tuple of terms, or ``None``
    for unbound, per row), ``"ask"`` (``boolean``) or ``"graph"`` (``triples``, for CONSTRUCT
    and DESCRIBE).
    """

    __slots__ = ("boolean", "form", "solutions", "triples", "variables")

    def __init__(
        self,
        form: Form,
        variables: list[str] | None = None,
        solutions: list[tuple[Term | None, ...]] | None = None,
        boolean: bool | None = None,
        triples: list[pyoxigraph.Triple] | None = None,
    ) -> None:
        self.form: Form = form
        self.variables: list[str] = variables if variables is not None else []
        self.solutions: list[tuple[Term | None, ...]] = solutions if solutions is not None else []
        self.boolean = boolean
        self.triples: list[pyoxigraph.Triple] = triples if triples is not None else []

    def __repr__(self) -> str:
        return f"<Result {self.form} with {len(self)} rows>"

    @classmethod
    def from_oxigraph(
        cls, answer: pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean | Iterable[Any]
    ) -> Result:
        """Reads what ``Store.query`` or ``parse_query_results`` returned (an iterator of
        solutions, a boolean, or an iterator of triples) into a :class:`Result`."""
        if isinstance(answer, pyoxigraph.QueryBoolean):
            return cls("ask", boolean=bool(answer))
        if isinstance(answer, pyoxigraph.QuerySolutions):
            names = [variable.value for variable in answer.variables]
            rows = [tuple(solution[name] for name in names) for solution in _bounded(answer)]
            return cls("select", variables=names, solutions=rows)
        return cls("graph", triples=_bounded(answer))

    @classmethod
    def from_response(cls, body: bytes, media_type: str) -> Result:
        """Reads a SPARQL protocol response: ``body`` served as ``media_type`` (SPARQL results
        JSON, XML or TSV for SELECT/ASK; Turtle, N-Triples, RDF/XML or JSON-LD for graphs).

        Raises :class:`ValueError` for another media type and :class:`SyntaxError` for a body
        that does not parse.
        """
        kind = media_type.split(";")[0].strip().lower()
        results = _RESULTS_MEDIA.get(kind)
        if results == "JSON" and b'"bnode"' in body:
            body = _relabel_blank_nodes(body)
        if results is not None:
            answer = cls.from_oxigraph(
                pyoxigraph.parse_query_results(
                    body, getattr(pyoxigraph.QueryResultsFormat, results)
                )
            )
            answer.solutions = [tuple(map(_canonical, row)) for row in answer.solutions]
            return answer
        rdf = _RDF_MEDIA.get(kind)
        if rdf is not None:
            quads = pyoxigraph.parse(body, format=getattr(pyoxigraph.RdfFormat, rdf))
            return cls("graph", triples=[quad.triple for quad in quads])
        raise ValueError(f"cannot read a SPARQL response of type {kind!r}")

    def __len__(self) -> int:
        """The number of rows (or triples; 1 for a boolean)."""
        if self.form == "select":
            return len(self.solutions)
        if self.form == "graph":
            return len(self.triples)
        return 1

    def __iter__(self) -> Iterator[tuple[Term | None, ...]]:
        """The rows of a SELECT result as tuples of terms (triples as 3-tuples)."""
        if self.form == "graph":
            return iter(
                [(triple.subject, triple.predicate, triple.object) for triple in self.triples]  # type: ignore[misc]
            )
        return iter(self.solutions)

    def rows(self) -> list[tuple[Any, ...]]:
        """The rows (or triples) as tuples of plain Python values (see :func:`to_python`)."""
        return [tuple(to_python(term) for term in row) for row in self]

    def to_python(self) -> list[dict[str, Any]] | bool | list[tuple[Any, ...]]:
        """Plain Python: a list of ``{variable: value}`` dicts for SELECT (unbound variables
        left out), a ``bool`` for ASK, a list of ``(subject, predicate, object)`` for graphs."""
        if self.form == "ask":
            return bool(self.boolean)
        if self.form == "graph":
            return self.rows()
        return [
            {
                name: to_python(term)
                for name, term in zip(self.variables, row, strict=True)
                if term is not None
            }
            for row in self.solutions
        ]

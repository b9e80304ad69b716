"""Content negotiation and the SPARQL 1.1 results formats the server answers in.

:func:`choose` picks, from the media types a route offers, the one an ``Accept`` header
prefers (RFC 9110: quality values, ``type/*`` and ``*/*``, the more specific range first).
:func:`write_result` writes a query's result in the chosen format: SPARQL 1.1 Query Results
JSON, XML, CSV or TSV for SELECT and ASK; Turtle, N-Triples or JSON-LD for CONSTRUCT and
DESCRIBE, all written by pyoxigraph (see :mod:`..formats`); XML, which the command line does
not offer, only here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..query.formats import format_result, serialize_results
from ..rdf.results import Result

__all__ = [
    "GRAPH_MEDIA",
    "SUFFIXES",
    "TABLE_MEDIA",
    "choose",
    "content_type",
    "format_of",
    "write_result",
]

#: Media types of SELECT/ASK results, the default first, with the ``ackg`` format of each.
TABLE_MEDIA: Mapping[str, str] = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
#: Media types of CONSTRUCT/DESCRIBE results, the default first.
GRAPH_MEDIA: Mapping[str, str] = {
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
}
#: The file suffixes a route may end with, and the format each asks for.
SUFFIXES: Mapping[str, str] = {
    "json": "json",
    "xml": "xml",
    "csv": "csv",
    "tsv": "tsv",
    "ttl": "ttl",
    "nt": "nt",
    "jsonld": "jsonld",
}
_CONTENT_TYPES: Mapping[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "ttl": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
}


def _ranges(accept: str) -> list[tuple[str, float, int]]:
    """``(range, quality, position)`` of each media range in an ``Accept`` header."""
    found = []
    for position, part in enumerate(accept.split(",")):
        pieces = [piece.strip() for piece in part.split(";")]
        media = pieces[0].lower()
        if "/" not in media:
            continue
        quality = 1.0
        for parameter in pieces[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        found.append((media, quality, position))
    return found


def _quality(media: str, ranges: Sequence[tuple[str, float, int]]) -> tuple[float, int]:
    """The quality the header gives ``media``, by its most specific matching range, and how
    specific that range is (3 the type itself, 2 ``type/*``, 1 ``*/*``, 0 none)."""
    kind = media.split("/")[0]
    best = (0.0, 0)
    for candidate, quality, _ in ranges:
        if candidate == media:
            specificity = 3
        elif candidate == f"{kind}/*":
            specificity = 2
        elif candidate == "*/*":
            specificity = 1
        else:
            continue
        if specificity > best[1]:
            best = (quality, specificity)
    return best


def choose(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offer the ``Accept`` header prefers: the highest quality, then the one named
    exactly rather than by a wildcard, then the first offered. The first offer when there is
    no header; None when it accepts none of them (the caller answers 406)."""
    if not accept or not accept.strip():
        return offers[0] if offers else None
    ranges = _ranges(accept)
    if not ranges:
        return offers[0] if offers else None
    best: tuple[float, int, int] | None = None
    chosen = None
    for index, offer in enumerate(offers):
        quality, specificity = _quality(offer, ranges)
        if quality <= 0:
            continue
        key = (-quality, -specificity, index)
        if best is None or key < best:
            best, chosen = key, offer
    return chosen


def format_of(media: str) -> str:
    """The ``ackg`` format name of a media type that :data:`TABLE_MEDIA` or
    :data:`GRAPH_MEDIA` lists."""
    return {**TABLE_MEDIA, **GRAPH_MEDIA}[media]


def content_type(fmt: str) -> str:
    """The ``Content-Type`` a result written in ``fmt`` is served with."""
    return _CONTENT_TYPES[fmt]


def write_result(result: Result, fmt: str, prefixes: Mapping[str, str] | None = None) -> str:
    """``result`` in ``fmt`` (``json``, ``xml``, ``csv``, ``tsv``; ``ttl``, ``nt``,
    ``jsonld``). CSV and TSV, which define no form for ASK, write ``true`` or ``false``."""
    if fmt == "xml":
        return serialize_results(result, "xml").decode("utf-8")
    return format_result(result, fmt, prefixes)

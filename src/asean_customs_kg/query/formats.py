"""Writing query results: tables for people, and the W3C formats for programs.

SELECT and ASK results:

* ``table`` -- aligned columns, for a terminal; IRIs shortened with the query's prefixes;
* ``md`` -- a Markdown (GitHub) table, likewise;
* ``csv``, ``tsv``, ``json`` (and ``xml``, which ``ackg serve`` offers) -- the W3C SPARQL 1.1
  results formats, written by pyoxigraph's own serializers: the bytes are those of
  ``QuerySolutions.serialize`` for the same solutions, whichever backend answered. One
  exception: pyoxigraph (0.5) writes an IRI that holds a comma unquoted in CSV, which splits
  the row, so CSV rows are written by Python's ``csv`` module, whose RFC 4180 quoting gives
  pyoxigraph's bytes for every other value.

The table and Markdown print ``true`` or ``false`` for ASK, as the CSV and TSV writers do.
Graph results (CONSTRUCT, DESCRIBE) are written as ``ttl``, ``nt`` or ``jsonld`` by pyoxigraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import pyoxigraph

from ..choices import GRAPH_FORMATS, TABLE_FORMATS
from ..errors import UsageError
from ..rdf.results import Result, Term
from ..rdf.vocab import XSD

__all__ = [
    "RESULTS_FORMATS",
    "UNSHOWN",
    "format_records",
    "format_result",
    "serialize_results",
    "term_display",
    "visible",
]

#: The W3C results formats, by the name of pyoxigraph's ``QueryResultsFormat`` for each.
RESULTS_FORMATS = {"csv": "CSV", "tsv": "TSV", "json": "JSON", "xml": "XML"}

_LOCAL_NAME = r"[A-Za-z_][\w-]*"


def term_display(term: Term | None, prefixes: Mapping[str, str] | None = None) -> str:
    """A term for people: an IRI as ``prefix:local`` when a prefix fits, else the IRI;
    a literal's lexical form; a blank node ``_:id``; nothing for unbound."""
    if term is None:
        return ""
    if isinstance(term, pyoxigraph.NamedNode):
        for name, namespace in (prefixes or {}).items():
            local = term.value[len(namespace) :]
            if term.value.startswith(namespace) and re.fullmatch(_LOCAL_NAME, local):
                return f"{name}:{local}"
        return term.value
    if isinstance(term, pyoxigraph.BlankNode):
        return f"_:{term.value}"
    return term.value


def _escape_tsv(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    value: dict[str, str] = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype.value != XSD + "string":
        value["datatype"] = term.datatype.value
    return value


#: Characters a terminal or a page would act on, or hide, rather than show, other than the line
#: feed: the C0 and C1 controls (so that a value, from a server or a contributor's file, cannot
#: send the terminal an escape sequence such as ``ESC ]0;title BEL``, or rewrite the line with a
#: carriage return or a backspace), the Unicode bidirectional controls (which reorder what
#: follows them, so that the text read is not the text written), and the invisible format
#: characters (zero-width spaces and joiners, the soft hyphen, line and paragraph separators,
#: the byte order mark, tag characters).
UNSHOWN = (
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(text: str) -> str:
    """``text`` with the characters of :data:`UNSHOWN` written as ``\\xNN``, ``\\uNNNN`` or
    ``\\UNNNNNNNN``, for output a person reads on a terminal (tables, validation reports)."""
    if text.isprintable():  # holds none of them (all unprintable), line feeds neither
        return text
    return re.sub(UNSHOWN, _shown, text)  # compiled on first use, then from re's cache


def _md_cell(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("|", "\\|")
    return visible(escaped.replace("\r", " ").replace("\n", " "))


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [len(name) for name in header]
    flat = [[visible(cell.replace("\n", " ").replace("\r", " ")) for cell in row] for row in rows]
    for row in flat:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]
    lines = [
        "  ".join(name.ljust(width) for name, width in zip(header, widths, strict=True)).rstrip(),
        "  ".join("-" * width for width in widths),
    ]
    for row in flat:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def _markdown(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = [
        "| " + " | ".join(_md_cell(name) for name in header) + " |",
        "|" + "|".join(" --- " for _ in header) + "|",
    ]
    lines.extend("| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in rows)
    return "\n".join(lines) + "\n"


def format_records(header: Sequence[str], rows: Sequence[Sequence[str]], fmt: str) -> str:
    """Plain string rows (e.g. the list of saved queries) as ``table``, ``md``, ``csv``,
    ``tsv`` or ``json`` (a list of objects)."""
    if fmt == "table":
        return _table(header, rows)
    if fmt == "md":
        return _markdown(header, rows)
    if fmt == "csv":
        return _csv([header, *rows])
    if fmt == "tsv":
        return "".join("\t".join(_escape_tsv(c) for c in row) + "\n" for row in [header, *rows])
    if fmt == "json":
        import json

        records = [dict(zip(header, row, strict=True)) for row in rows]
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    raise UsageError(f"unknown format '{fmt}'; expected one of {', '.join(TABLE_FORMATS)}")


def _select(result: Result, fmt: str, prefixes: Mapping[str, str] | None) -> str:
    rows = [[term_display(term, prefixes) for term in row] for row in result.solutions]
    return (_table if fmt == "table" else _markdown)(result.variables, rows)


def _csv(rows: Iterable[Sequence[str]]) -> str:
    """Rows of plain strings as CSV: RFC 4180 quoting, CRLF line ends (Python's ``csv``)."""
    import csv
    import io

    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def serialize_results(result: Result, fmt: str) -> bytes:
    """A SELECT or ASK ``result`` in a W3C results format (a key of :data:`RESULTS_FORMATS`),
    written by pyoxigraph (CSV rows by Python's ``csv``: see the module doc). The result's
    terms reach pyoxigraph's serializer as SPARQL results JSON,
    which it reads back into its own ``QuerySolutions``: the only way to hand it solutions
    that did not come from its own engine (a server's answer, a filtered result)."""
    if fmt == "csv" and result.form == "select":
        # Each term's plain value: an IRI, a literal's lexical form, ``_:label``.
        rows = [[term_display(term) for term in row] for row in result.solutions]
        return _csv([result.variables, *rows]).encode("utf-8")
    import json

    if result.form == "ask":
        document: dict[str, object] = {"head": {}, "boolean": bool(result.boolean)}
    else:
        names = result.variables
        bindings = [
            {
                name: _json_term(term)
                for name, term in zip(names, row, strict=True)
                if term is not None
            }
            for row in result.solutions
        ]
        document = {"head": {"vars": names}, "results": {"bindings": bindings}}
    solutions = pyoxigraph.parse_query_results(
        json.dumps(document).encode("utf-8"), pyoxigraph.QueryResultsFormat.JSON
    )
    output = solutions.serialize(
        format=getattr(pyoxigraph.QueryResultsFormat, RESULTS_FORMATS[fmt])
    )
    assert output is not None  # no file given: the bytes are returned
    return output


def _graph(result: Result, fmt: str, prefixes: Mapping[str, str] | None) -> str:
    rdf_format = {
        "ttl": pyoxigraph.RdfFormat.TURTLE,
        "nt": pyoxigraph.RdfFormat.N_TRIPLES,
        "jsonld": pyoxigraph.RdfFormat.JSON_LD,
    }[fmt]
    output = pyoxigraph.serialize(
        result.triples,
        format=rdf_format,
        prefixes=dict(prefixes or {}) if fmt == "ttl" else None,
    )
    text = output.decode("utf-8") if output is not None else ""
    return text if text.endswith("\n") or not text else text + "\n"


def format_result(
    result: Result, fmt: str | None = None, prefixes: Mapping[str, str] | None = None
) -> str:
    """``result`` written in ``fmt`` (default: ``table``, or ``ttl`` for graph results).

    ``prefixes`` shortens IRIs in tables and Turtle. Raises :class:`UsageError` when the format
    does not fit the result (a table for a CONSTRUCT, or Turtle for a SELECT).
    """
    if result.form == "graph":
        fmt = fmt or "ttl"
        if fmt not in GRAPH_FORMATS:
            raise UsageError(
                f"this query returns RDF, which cannot be written as {fmt}; "
                f"use --format {', '.join(GRAPH_FORMATS)}"
            )
        return _graph(result, fmt, prefixes)
    fmt = fmt or "table"
    if fmt not in TABLE_FORMATS:
        raise UsageError(
            f"this query returns a table, which cannot be written as {fmt}; "
            f"use --format {', '.join(TABLE_FORMATS)}"
        )
    if fmt in RESULTS_FORMATS:
        return serialize_results(result, fmt).decode("utf-8")
    if result.form == "ask":
        return ("true" if result.boolean else "false") + "\n"
    return _select(result, fmt, prefixes)

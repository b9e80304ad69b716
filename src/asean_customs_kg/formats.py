"""Writing query results: tables for people, and the W3C formats for programs.

SELECT and ASK results:

* ``table`` -- aligned columns, for a terminal; IRIs shortened with the query's prefixes;
* ``md`` -- a Markdown (GitHub) table, likewise;
* ``csv`` -- SPARQL 1.1 Query Results CSV: a header of variable names, then plain values
  (IRIs and literals' lexical forms, blank nodes as ``_:id``), RFC 4180 quoting, CRLF line ends;
* ``tsv`` -- SPARQL 1.1 Query Results TSV: a header of ``?names``, then terms in SPARQL syntax
  (``<iri>``, ``"text"@en``, ``"2006-06-06"^^<...#date>``; integers, decimals, doubles and
  booleans in their short forms), LF line ends;
* ``json`` -- SPARQL 1.1 Query Results JSON.

CSV and TSV define no form for ASK; they, the table and Markdown print ``true`` or ``false``.
Graph results (CONSTRUCT, DESCRIBE) are written as ``ttl``, ``nt`` or ``jsonld`` by pyoxigraph.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pyoxigraph

from .errors import UsageError
from .results import Result, Term

__all__ = [
    "GRAPH_FORMATS",
    "TABLE_FORMATS",
    "format_records",
    "format_result",
    "term_csv",
    "term_display",
    "term_tsv",
]

#: Formats for SELECT and ASK results.
TABLE_FORMATS = ("table", "csv", "tsv", "json", "md")
#: Formats for CONSTRUCT and DESCRIBE results.
GRAPH_FORMATS = ("ttl", "nt", "jsonld")

_XSD = "http://www.w3.org/2001/XMLSchema#"
_SHORT = {
    _XSD + "integer": r"[+-]?\d+",
    _XSD + "decimal": r"[+-]?\d*\.\d+",
    _XSD + "double": r"[+-]?(\d+\.\d*|\.?\d+)[eE][+-]?\d+",
    _XSD + "boolean": r"true|false",
}
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


def term_csv(term: Term | None) -> str:
    """A term as the SPARQL CSV format writes it, before quoting."""
    return term_display(term)


def _escape_tsv(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def term_tsv(term: Term | None) -> str:
    """A term as the SPARQL TSV format writes it (SPARQL/Turtle syntax)."""
    if term is None:
        return ""
    if isinstance(term, pyoxigraph.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, pyoxigraph.BlankNode):
        return f"_:{term.value}"
    text = f'"{_escape_tsv(term.value)}"'
    if term.language:
        return f"{text}@{term.language}"
    datatype = term.datatype.value
    short = _SHORT.get(datatype)
    if short is not None and re.fullmatch(short, term.value):
        return term.value
    if datatype == _XSD + "string":
        return text
    return f"{text}^^<{datatype}>"


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    value: dict[str, str] = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype.value != _XSD + "string":
        value["datatype"] = term.datatype.value
    return value


def _csv_cell(text: str) -> str:
    if any(char in text for char in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


#: Control characters other than line breaks: in the formats for people they are shown as
#: ``\\xNN``, so that a value (from a server, say) cannot send the terminal an escape sequence
#: (``ESC ]0;title BEL``, the C1 ``CSI``) or rewrite the line (backspace).
_CONTROL = r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]"


def _visible(text: str) -> str:
    if text.isprintable():  # holds none of _CONTROL's characters, which are all unprintable
        return text
    return re.sub(_CONTROL, lambda match: f"\\x{ord(match.group()):02x}", text)


def _md_cell(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("|", "\\|")
    return _visible(escaped.replace("\r", " ").replace("\n", " "))


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [len(name) for name in header]
    flat = [[_visible(cell.replace("\n", " ").replace("\r", " ")) for cell in row] for row in rows]
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
        return "".join(
            ",".join(_csv_cell(cell) for cell in row) + "\r\n" for row in [header, *rows]
        )
    if fmt == "tsv":
        return "".join("\t".join(_escape_tsv(c) for c in row) + "\n" for row in [header, *rows])
    if fmt == "json":
        import json

        records = [dict(zip(header, row, strict=True)) for row in rows]
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    raise UsageError(f"unknown format '{fmt}'; expected one of {', '.join(TABLE_FORMATS)}")


def _select(result: Result, fmt: str, prefixes: Mapping[str, str] | None) -> str:
    names = result.variables
    if fmt in ("table", "md"):
        rows = [[term_display(term, prefixes) for term in row] for row in result.solutions]
        return (_table if fmt == "table" else _markdown)(names, rows)
    if fmt == "csv":
        lines = [",".join(_csv_cell(name) for name in names)]
        lines.extend(",".join(_csv_cell(term_csv(t)) for t in row) for row in result.solutions)
        return "".join(line + "\r\n" for line in lines)
    if fmt == "tsv":
        lines = ["\t".join(f"?{name}" for name in names)]
        lines.extend("\t".join(term_tsv(term) for term in row) for row in result.solutions)
        return "".join(line + "\n" for line in lines)
    import json

    document = {
        "head": {"vars": names},
        "results": {
            "bindings": [
                {
                    name: _json_term(term)
                    for name, term in zip(names, row, strict=True)
                    if term is not None
                }
                for row in result.solutions
            ]
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


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
    if result.form == "ask":
        if fmt == "json":
            import json

            return json.dumps({"head": {}, "boolean": bool(result.boolean)}) + "\n"
        return ("true" if result.boolean else "false") + "\n"
    return _select(result, fmt, prefixes)

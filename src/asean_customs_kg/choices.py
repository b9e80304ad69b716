"""Every list of choices a user picks from (output formats, diagram kinds), in one place: the
library checks a choice against its list and the command line offers the same list.

Plain tuples and dictionaries, cheap to import: the cold saved-query path imports this module.
The ``Literal`` types that name each choice are declared here too, for the type checker only
(``typing`` is not imported at run time).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal, TypeAlias

    TableFormat: TypeAlias = Literal["table", "csv", "tsv", "json", "md"]
    GraphFormat: TypeAlias = Literal["ttl", "nt", "jsonld"]
    ExportFormat: TypeAlias = Literal["ttl", "nt", "nq", "trig", "jsonld"]
    ReportFormat: TypeAlias = Literal["text", "json", "junit", "github"]
    DiffFormat: TypeAlias = Literal["text", "markdown", "json"]
    DiagramKind: TypeAlias = Literal["structure", "timeline"]
    DiagramFormat: TypeAlias = Literal["mermaid", "dot", "svg", "png"]

__all__ = [
    "DIAGRAM_FORMATS",
    "DIAGRAM_KINDS",
    "DIAGRAM_SUFFIXES",
    "DIFF_FORMATS",
    "EXPORT_FORMATS",
    "EXPORT_SUFFIXES",
    "GRAPH_FORMATS",
    "QUERY_FORMATS",
    "REPORT_FORMATS",
    "TABLE_FORMATS",
]

#: Formats of a query's SELECT and ASK results (``ackg query``, ``ackg sparql``), ``table``
#: being the default.
TABLE_FORMATS: tuple[TableFormat, ...] = ("table", "csv", "tsv", "json", "md")
#: Formats of a query's CONSTRUCT and DESCRIBE results, ``ttl`` being the default.
GRAPH_FORMATS: tuple[GraphFormat, ...] = ("ttl", "nt", "jsonld")
#: Every ``--format`` of ``ackg query`` and ``ackg sparql``.
QUERY_FORMATS: tuple[TableFormat | GraphFormat, ...] = (*TABLE_FORMATS, *GRAPH_FORMATS)

#: The release formats of ``ackg export``, the quad formats (which keep the named graphs) first.
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("trig", "nq", "jsonld", "ttl", "nt")
#: The release format a file name's suffix stands for.
EXPORT_SUFFIXES: dict[str, ExportFormat] = {
    ".ttl": "ttl",
    ".nt": "nt",
    ".nq": "nq",
    ".trig": "trig",
    ".jsonld": "jsonld",
    ".json": "jsonld",
}

#: The formats of ``ackg validate``'s report.
REPORT_FORMATS: tuple[ReportFormat, ...] = ("text", "json", "junit", "github")
#: The formats of ``ackg diff``.
DIFF_FORMATS: tuple[DiffFormat, ...] = ("text", "markdown", "json")

#: What ``ackg diagram`` draws: the org chart of reporting lines, or the timeline.
DIAGRAM_KINDS: tuple[DiagramKind, ...] = ("structure", "timeline")
#: How ``ackg diagram`` writes it: Mermaid or Graphviz text, or a picture Graphviz renders.
DIAGRAM_FORMATS: tuple[DiagramFormat, ...] = ("mermaid", "dot", "svg", "png")
#: The diagram format a file name's suffix stands for.
DIAGRAM_SUFFIXES: dict[str, DiagramFormat] = {
    ".mmd": "mermaid",
    ".dot": "dot",
    ".gv": "dot",
    ".svg": "svg",
    ".png": "png",
}

"""Pictures of the graph: the reporting structure as an org chart, and a timeline.

Everything shown is read from the triples (names, acronyms, dates, the labels of the ontology's
properties and classes); nothing is read from an IRI. The readers, :func:`read_structure` and
:func:`read_timeline`, run SPARQL over a pyoxigraph store holding the ontology and the data; the
writers turn what they read into Mermaid (no program needed; GitHub renders it) or Graphviz DOT,
and :func:`render` runs Graphviz's ``dot`` to make SVG or PNG.

The org chart is drawn bottom-up in the sense of the arrows and top-down on the page: each arrow
points from a body to the body it answers to, so the top body sits at the top. A reporting line
the sources state is a solid arrow; one the data marks as derived (its ``ack:ReportingLine`` has
an ``ack:derivation``) is dashed; a line that is not a reporting line at all (``ack:underPurviewOf``
or ``ack:establishedUnder`` alone) is dotted. Bodies that are not customs bodies (e.g. the ASEAN
Finance Ministers Meeting) are drawn in grey.

This module imports no rdflib: it is as cheap as the saved-query path.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeAlias

import pyoxigraph

from .. import resources
from ..choices import DIAGRAM_FORMATS, DIAGRAM_KINDS
from ..errors import DataError, EnvError, UsageError
from ..rdf.graph import load_oxigraph
from ..rdf.vocab import ORG_REPORTS_TO

if TYPE_CHECKING:
    from ..choices import DiagramFormat, DiagramKind


__all__ = [
    "Edge",
    "Moment",
    "Node",
    "Structure",
    "diagram",
    "load_store",
    "read_structure",
    "read_timeline",
    "render",
    "structure_dot",
    "structure_mermaid",
    "timeline_dot",
    "timeline_mermaid",
]


Reporting: TypeAlias = Literal["stated", "derived", "none"]

_PREFIXES = """
PREFIX ack:  <https://w3id.org/asean-customs-kg/ontology#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct:  <http://purl.org/dc/terms/>
PREFIX org:  <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

# The lines between bodies that the org chart draws: reporting lines (with the derivation of
# their qualified ack:ReportingLine, if any) and the two lines that are not reporting lines.
_EDGES_QUERY = (
    _PREFIXES
    + """
SELECT ?sub ?sup ?rel ?relLabel ?derivation WHERE {
  {
    ?sub org:reportsTo ?sup .
    BIND(org:reportsTo AS ?rel)
    OPTIONAL {
      ?line ack:subordinate ?sub ; ack:superior ?sup ; ack:derivation ?derivation .
    }
  }
  UNION { ?sub ack:underPurviewOf ?sup . BIND(ack:underPurviewOf AS ?rel) }
  UNION { ?sub ack:establishedUnder ?sup . BIND(ack:establishedUnder AS ?rel) }
  OPTIONAL { ?rel rdfs:label ?relLabel . FILTER(LANGMATCHES(LANG(?relLabel), "en")) }
}
"""
)

_NODE_QUERY = (
    _PREFIXES
    + """
SELECT ?node ?name ?acronym ?identifier ?kind ?customs WHERE {
  VALUES ?node { %s }
  OPTIONAL { ?node skos:prefLabel ?name . FILTER(LANGMATCHES(LANG(?name), "en")) }
  # An acronym, never the identifier (a sub-property of skos:notation in ORG).
  OPTIONAL { ?node skos:notation ?acronym FILTER NOT EXISTS { ?node org:identifier ?acronym } }
  OPTIONAL { ?node org:identifier ?identifier }
  OPTIONAL {
    ?node a ?class .
    ?class rdfs:label ?kind .
    FILTER(LANGMATCHES(LANG(?kind), "en"))
  }
  BIND(EXISTS { ?node a/rdfs:subClassOf* ack:CustomsBody } AS ?customs)
}
ORDER BY DESC(?kind)
"""
)

# Establishments, meetings (summits are meetings) and plans, with a date or a period.
_TIMELINE_QUERY = (
    _PREFIXES
    + """
SELECT DISTINCT ?event ?label ?kind ?date ?start ?end WHERE {
  VALUES ?top { ack:Establishment ack:Meeting ack:StrategicPlan }
  ?event a ?class .
  ?class rdfs:subClassOf* ?top .
  ?event skos:prefLabel ?label .
  FILTER(LANGMATCHES(LANG(?label), "en"))
  OPTIONAL { ?class rdfs:label ?kind . FILTER(LANGMATCHES(LANG(?kind), "en")) }
  OPTIONAL { ?event dct:date ?date }
  OPTIONAL {
    ?event dct:temporal ?period .
    ?period dcat:startDate ?start .
    OPTIONAL { ?period dcat:endDate ?end }
  }
  FILTER(BOUND(?date) || BOUND(?start))
}
"""
)


@dataclass(frozen=True)
class Node:
    """A body in the org chart."""

    key: str
    name: str
    acronym: str | None
    kind: str | None
    customs_body: bool
    level: int = 0


@dataclass(frozen=True)
class Edge:
    """All the lines drawn from one body to another, merged into one arrow."""

    source: str
    target: str
    reporting: Reporting
    labels: tuple[str, ...]


@dataclass
class Structure:
    """The org chart: bodies (top body first) and the arrows between them."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)


@dataclass(frozen=True)
class Moment:
    """One entry of the timeline: the time as precise as the data, and what happened then."""

    start: str
    end: str | None
    label: str
    kind: str

    @property
    def when(self) -> str:
        """The time as written in the data: ``1995``, ``2006-06-06``, ``2005 to 2010``."""
        if self.end is None or self.end == self.start:
            return self.start
        return f"{self.start} to {self.end}"


def load_store(root: resources.RootLike = None) -> pyoxigraph.Store:
    """A store with the project's ontology and data (the shapes are not needed)."""
    found = resources.resolve_root(root)
    return load_oxigraph([*resources.ontology_files(found), *resources.data_files(found)])


def _value(term: object) -> str | None:
    if term is None:
        return None
    value = getattr(term, "value", None)
    return value if isinstance(value, str) else str(term)


def _solutions(store: pyoxigraph.Store, query: str) -> list[dict[str, str]]:
    result = store.query(query)
    assert isinstance(result, pyoxigraph.QuerySolutions)
    names = [variable.value for variable in result.variables]
    rows: list[dict[str, str]] = []
    for solution in result:
        row: dict[str, str] = {}
        for name in names:
            value = _value(solution[name])
            if value is not None:
                row[name] = value
        rows.append(row)
    return rows


def _node_key(identifier: str | None, fallback: int, taken: set[str]) -> str:
    """A Mermaid/DOT node id from the body's org:identifier (a data value), else ``n<i>``."""
    key = re.sub(r"[^A-Za-z0-9_]", "_", identifier) if identifier else ""
    if not key or not key[0].isalpha() or key.lower() in _MERMAID_KEYWORDS or key in taken:
        key = f"n{fallback}"
    taken.add(key)
    return key


_MERMAID_KEYWORDS = frozenset(
    {"end", "graph", "subgraph", "flowchart", "style", "class", "classdef", "click", "linkstyle"}
)


def _levels(edges: Iterable[tuple[str, str]], nodes: Iterable[str]) -> dict[str, int]:
    """Each node's depth below the top: 0 for a node with no line upwards, else 1 + its parent's."""
    up: dict[str, list[str]] = {}
    for sub, sup in edges:
        up.setdefault(sub, []).append(sup)
    levels: dict[str, int] = {}

    def level(node: str, seen: frozenset[str]) -> int:
        if node in levels:
            return levels[node]
        parents = [p for p in up.get(node, []) if p not in seen]
        value = 1 + max(level(p, seen | {node}) for p in parents) if parents else 0
        levels[node] = value
        return value

    for node in nodes:
        level(node, frozenset())
    return levels


def read_structure(store: pyoxigraph.Store) -> Structure:
    """Reads the org chart: the bodies joined by a reporting, purview or "established under" line.

    Raises :class:`DataError` when the graph has no such line.
    """
    pairs: dict[tuple[str, str], dict[str, str]] = {}
    reporting: dict[tuple[str, str], Reporting] = {}
    for row in _solutions(store, _EDGES_QUERY):
        pair = (row["sub"], row["sup"])
        labels = pairs.setdefault(pair, {})
        label = row.get("relLabel", row["rel"])
        if row["rel"] == ORG_REPORTS_TO:
            derived = "derivation" in row
            if derived or reporting.get(pair) != "derived":
                reporting[pair] = "derived" if derived else "stated"
            labels[row["rel"]] = f"{label} (derived)" if derived else label
        else:
            labels[row["rel"]] = label
    if not pairs:
        raise DataError(
            "the graph has no reporting lines (org:reportsTo, ack:underPurviewOf or "
            "ack:establishedUnder) to draw; check that data/bodies.ttl is loaded"
        )
    iris = sorted({iri for pair in pairs for iri in pair})
    levels = _levels(pairs, iris)
    raw: dict[str, dict[str, str]] = {iri: {} for iri in iris}
    values = " ".join(str(pyoxigraph.NamedNode(iri)) for iri in iris)
    for row in _solutions(store, _NODE_QUERY % values):
        raw[row["node"]] = row  # ordered by kind, descending: the first kind wins
    order = sorted(
        iris,
        key=lambda iri: (
            levels[iri],
            raw[iri].get("acronym") or raw[iri].get("name") or iri,
        ),
    )
    taken: set[str] = set()
    keys = {iri: _node_key(raw[iri].get("identifier"), i, taken) for i, iri in enumerate(order)}
    nodes = [
        Node(
            key=keys[iri],
            name=raw[iri].get("name") or raw[iri].get("acronym") or iri,
            acronym=raw[iri].get("acronym"),
            kind=raw[iri].get("kind"),
            customs_body=raw[iri].get("customs") == "true",
            level=levels[iri],
        )
        for iri in order
    ]
    position = {iri: i for i, iri in enumerate(order)}
    edges = [
        Edge(
            source=keys[sub],
            target=keys[sup],
            reporting=reporting.get((sub, sup), "none"),
            labels=tuple(
                labels[rel]
                for rel in sorted(labels, key=lambda r: (r != ORG_REPORTS_TO, labels[r]))
            ),
        )
        for (sub, sup), labels in sorted(
            pairs.items(), key=lambda item: (position[item[0][1]], position[item[0][0]])
        )
    ]
    return Structure(nodes=nodes, edges=edges)


def read_timeline(store: pyoxigraph.Store) -> list[Moment]:
    """Reads the dated establishments, meetings, summits and plans, in time order.

    A ``dct:date`` gives the time; otherwise the ``dct:temporal`` period's start and end. The
    values are kept as written (a ``gYear`` stays a year). Undated events are left out.
    """
    moments: set[Moment] = set()
    for row in _solutions(store, _TIMELINE_QUERY):
        start = row.get("date") or row["start"]
        end = None if "date" in row else row.get("end")
        moments.add(Moment(start=start, end=end, label=row["label"], kind=row.get("kind", "")))
    # A year sorts before the dates within it; on ties, the longer span (a plan) first.
    return sorted(moments, key=lambda m: (m.start, m.end or m.start, m.kind, m.label))


# --- Mermaid -------------------------------------------------------------------------------------


def _wrap(text: str, width: int = 28) -> list[str]:
    return textwrap.wrap(text, width, break_on_hyphens=False) or [text]


def _mermaid_text(text: str) -> str:
    """Text for a quoted Mermaid label: HTML-escaped, quotes as entities."""
    return html.escape(text, quote=False).replace('"', "#quot;")


#: How to read the org chart (the DOT picture's caption; the README says the same).
LEGEND = (
    "Each arrow points from a body to the body above it.",
    "Solid: a reporting line that the sources state.",
    "Dashed: a reporting line derived from what the sources state.",
    "Dotted, grey: a line that is not a reporting line.",
    "Grey box: not a customs body.",
)


_MERMAID_LINKS: dict[Reporting, str] = {
    "derived": "stroke:#2f5d8a,stroke-dasharray:7 4",
    "none": "stroke:#8a8a8a,stroke-dasharray:2 4",
}


def structure_mermaid(structure: Structure) -> str:
    """The org chart as a Mermaid flowchart (a text ending with a newline)."""
    lines = ["flowchart BT"]
    for node in structure.nodes:
        parts = [f"<b>{_mermaid_text(node.acronym)}</b>"] if node.acronym else []
        parts += [_mermaid_text(line) for line in _wrap(node.name)]
        lines.append(f'    {node.key}["{"<br/>".join(parts)}"]')
    styled: dict[Reporting, list[str]] = {"stated": [], "derived": [], "none": []}
    for index, edge in enumerate(structure.edges):
        label = _mermaid_text(", ".join(edge.labels))
        show = edge.reporting != "stated" or len(edge.labels) > 1
        if edge.reporting == "stated":
            arrow = f'-->|"{label}"|' if show else "-->"
        else:
            arrow = f'-.->|"{label}"|'
        styled[edge.reporting].append(str(index))
        lines.append(f"    {edge.source} {arrow} {edge.target}")
    lines.append("    classDef customs fill:#e8f0fa,stroke:#2f5d8a,color:#102a43")
    lines.append("    classDef other fill:#f1f1f1,stroke:#8a8a8a,color:#333333")
    customs = [node.key for node in structure.nodes if node.customs_body]
    others = [node.key for node in structure.nodes if not node.customs_body]
    if customs:
        lines.append(f"    class {','.join(customs)} customs")
    if others:
        lines.append(f"    class {','.join(others)} other")
    for reporting, style in _MERMAID_LINKS.items():
        if styled[reporting]:
            lines.append(f"    linkStyle {','.join(styled[reporting])} {style}")
    return "\n".join(lines) + "\n"


def _timeline_text(text: str) -> str:
    # Colons separate events in a Mermaid timeline; "#" starts an entity.
    return text.replace(":", " -").replace("#", "No. ")


_TIMELINE_TITLE = "ASEAN Customs: establishments, meetings and plans"


def timeline_mermaid(moments: list[Moment]) -> str:
    """The timeline as a Mermaid ``timeline`` (a text ending with a newline)."""
    lines = ["timeline", f"    title {_timeline_text(_TIMELINE_TITLE)}"]
    groups: dict[str, list[Moment]] = {}
    for moment in moments:
        groups.setdefault(moment.when, []).append(moment)
    for when, group in groups.items():
        events = " : ".join(_timeline_text(f"{m.label} ({m.kind})") for m in group)
        lines.append(f"    {_timeline_text(when)} : {events}")
    return "\n".join(lines) + "\n"


# --- Graphviz DOT --------------------------------------------------------------------------------


def _dot_html(text: str) -> str:
    return html.escape(text, quote=True)


def _dot_string(*lines: str, left: bool = False) -> str:
    """A quoted DOT string of one or more lines, centred (``\\n``) or left-justified (``\\l``)."""
    escaped = [line.replace("\\", "\\\\").replace('"', '\\"') for line in lines]
    if left:
        return '"' + "".join(line + "\\l" for line in escaped) + '"'
    return '"' + "\\n".join(escaped) + '"'


_DOT_HEAD = [
    '    graph [fontname="Helvetica", fontsize=11, labelloc=b, labeljust=l, pad=0.3];',
    '    node [fontname="Helvetica", fontsize=11, shape=box, style="rounded,filled", margin="0.15,0.08"];',  # noqa: E501
    '    edge [fontname="Helvetica", fontsize=9, color="#2f5d8a", fontcolor="#333333"];',
]


def structure_dot(structure: Structure) -> str:
    """The org chart as a Graphviz DOT digraph."""
    lines = ["digraph structure {", *_DOT_HEAD]
    caption = _dot_string(*LEGEND, left=True)
    lines.append(f"    graph [rankdir=BT, nodesep=0.5, ranksep=0.75, label={caption}];")
    for node in structure.nodes:
        parts = [f"<b>{_dot_html(node.acronym)}</b>"] if node.acronym else []
        parts += [_dot_html(line) for line in _wrap(node.name)]
        if node.customs_body:
            colours = 'fillcolor="#e8f0fa", color="#2f5d8a"'
        else:
            colours = 'fillcolor="#f1f1f1", color="#8a8a8a"'
        lines.append(f"    {node.key} [label=<{'<br/>'.join(parts)}>, {colours}];")
    for edge in structure.edges:
        attributes: list[str] = []
        if edge.reporting == "derived":
            attributes.append("style=dashed")
        elif edge.reporting == "none":
            attributes.append('style=dotted, color="#8a8a8a"')
        if edge.reporting != "stated" or len(edge.labels) > 1:
            attributes.append(f"label={_dot_string(*_wrap(', '.join(edge.labels), 22))}")
        suffix = f" [{', '.join(attributes)}]" if attributes else ""
        lines.append(f"    {edge.source} -> {edge.target}{suffix};")
    # Bodies at the same depth on the same row.
    levels: dict[int, list[str]] = {}
    for node in structure.nodes:
        levels.setdefault(node.level, []).append(node.key)
    for keys in levels.values():
        if len(keys) > 1:
            lines.append(f"    {{ rank=same; {'; '.join(keys)}; }}")
    lines.append("}")
    return "\n".join(lines) + "\n"


_KIND_COLOURS = ("#e8f0fa", "#fdf1dc", "#e6f4ea", "#f5e6f4", "#f1f1f1")


def timeline_dot(moments: list[Moment]) -> str:
    """The timeline as a Graphviz DOT digraph: a time axis down the left, events beside it."""
    lines = ["digraph timeline {", *_DOT_HEAD]
    title = _dot_string(_TIMELINE_TITLE)
    lines.append(f"    graph [rankdir=TB, nodesep=0.25, ranksep=0.22, labelloc=t, label={title}];")
    kinds = sorted({m.kind for m in moments})
    colour = {kind: _KIND_COLOURS[i % len(_KIND_COLOURS)] for i, kind in enumerate(kinds)}
    groups: dict[str, list[Moment]] = {}
    for moment in moments:
        groups.setdefault(moment.when, []).append(moment)
    axis: list[str] = []
    for index, (when, group) in enumerate(groups.items()):
        time_key, events_key = f"t{index}", f"e{index}"
        axis.append(time_key)
        lines.append(
            f'    {time_key} [label=<<b>{_dot_html(when)}</b>>, shape=plaintext, style=""];'
        )
        rows = "".join(
            f'<tr><td align="left" bgcolor="{colour[m.kind]}">{_dot_html(m.label)}'
            f' <font color="#555555">({_dot_html(m.kind)})</font></td></tr>'
            for m in group
        )
        table = f'<table border="0" cellborder="1" cellspacing="0" cellpadding="4">{rows}</table>'
        lines.append(f'    {events_key} [label=<{table}>, shape=plaintext, style=""];')
        lines.append(f"    {{ rank=same; {time_key}; {events_key}; }}")
        lines.append(f'    {time_key} -> {events_key} [arrowhead=none, color="#bbbbbb"];')
    if len(axis) > 1:
        chain = " -> ".join(axis)
        lines.append(f'    {chain} [arrowhead=none, penwidth=2, color="#2f5d8a"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- Rendering -----------------------------------------------------------------------------------

DOT_MISSING = (
    "Graphviz's dot program is needed for --format {fmt} but was not found on PATH; "
    "install Graphviz (apt-get install graphviz, brew install graphviz or "
    "https://graphviz.org/download/) or use --format mermaid or --format dot"
)


def render(dot_source: str, fmt: Literal["svg", "png"], program: str = "dot") -> bytes:
    """Runs Graphviz ``dot`` on the DOT text; returns the SVG or PNG bytes.

    Raises :class:`EnvError` when the program is missing or fails.
    """
    executable = shutil.which(program)
    if executable is None:
        raise EnvError(DOT_MISSING.format(fmt=fmt))
    try:
        completed = subprocess.run(
            [executable, f"-T{fmt}"],
            input=dot_source.encode("utf-8"),
            capture_output=True,
            check=False,
        )
    except OSError as error:
        raise EnvError(f"cannot run {executable}: {error.strerror or error}") from error
    if completed.returncode != 0:
        reason = completed.stderr.decode("utf-8", errors="replace").strip().splitlines()
        detail = reason[0] if reason else f"exit status {completed.returncode}"
        raise EnvError(f"Graphviz dot failed: {detail}")
    return completed.stdout


def diagram(
    kind: DiagramKind = "structure",
    fmt: DiagramFormat = "mermaid",
    store: pyoxigraph.Store | None = None,
    root: resources.RootLike = None,
) -> str | bytes:
    """The diagram of ``kind`` in ``fmt``: text for mermaid and dot, bytes for svg and png.

    ``store`` defaults to the ontology and data of the project at ``root`` (:func:`load_store`).
    """
    if kind not in DIAGRAM_KINDS:
        raise UsageError(
            f"unknown diagram kind {kind!r}; expected one of {', '.join(DIAGRAM_KINDS)}"
        )
    if fmt not in DIAGRAM_FORMATS:
        raise UsageError(
            f"unknown diagram format {fmt!r}; expected one of {', '.join(DIAGRAM_FORMATS)}"
        )
    store = load_store(root) if store is None else store
    if kind == "structure":
        structure = read_structure(store)
        text = structure_mermaid(structure) if fmt == "mermaid" else structure_dot(structure)
    else:
        moments = read_timeline(store)
        if not moments:
            raise DataError("the graph has no dated establishments, meetings or plans to draw")
        text = timeline_mermaid(moments) if fmt == "mermaid" else timeline_dot(moments)
    if fmt in ("mermaid", "dot"):
        return text
    return render(text, "svg" if fmt == "svg" else "png")

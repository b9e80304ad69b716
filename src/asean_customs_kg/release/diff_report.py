"""Writing an ``ackg diff`` for people and programs: text, Markdown and JSON.

The statements are grouped by graph, then by the resource they describe, each resource named
by its acronym or label with its prefixed name (``CCC (body:ccc)``) and followed by the sources
it cites; a statement reads as its resource, the property's label and the value's name
(``CCC (body:ccc) reports to SWG-ACTS``). A statement that points to a blank node shows the
node's content in brackets (a list in parentheses), so a changed period reads as one statement
removed and one added. A control or invisible formatting character of the data (a terminal
escape sequence, a bidirectional override) is shown escaped (``\\u001b``). Markdown is
written for a pull request comment or ``$GITHUB_STEP_SUMMARY``: a heading per graph, a
``diff`` block per resource, and a table of the saved queries whose answers changed.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph

from ..query.formats import UNSHOWN
from ..rdf.prefixes import Shortener
from ..rdf.vocab import RDF, RDF_LANG_STRING, XSD_STRING
from .diff import MERGED, GraphDiff, Side, labels_and_sources
from .diff_queries import QueryDiff

if TYPE_CHECKING:
    from ..choices import DiffFormat


__all__ = ["format_diff"]


_LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?')
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_{}\[\]|~]")
_BACKTICKS = re.compile(r"`+")
_GRAPH_NAMES = {"ontology": "ontology", "shapes": "shapes", "data": "data"}


@dataclass
class _Change:
    sign: str
    triple: pyoxigraph.Triple
    text: str
    predicate: str


@dataclass
class _Resource:
    graph: str
    iri: str
    title: str
    sources: list[str]
    changes: list[_Change] = field(default_factory=list)


def _blank_nodes(
    sides: Sequence[Side], changed: Sequence[pyoxigraph.Triple]
) -> dict[str, list[pyoxigraph.Triple]]:
    """The statements of each blank node that a changed statement reaches, by label."""
    by_label: dict[bytes, set[bytes]] = {}
    for side in sides:
        for line in side.lines():
            if line.startswith(b"_:"):
                by_label.setdefault(line[2 : line.find(b" ")], set()).add(line)
    found: dict[str, list[pyoxigraph.Triple]] = {}
    todo = [t.object.value for t in changed if isinstance(t.object, pyoxigraph.BlankNode)]
    while todo:
        label = todo.pop()
        if label in found:
            continue
        lines = sorted(by_label.get(label.encode(), ()))
        found[label] = [
            quad.triple
            for quad in pyoxigraph.parse(b"\n".join(lines), format=pyoxigraph.RdfFormat.N_TRIPLES)
        ]
        todo += [t.object.value for t in found[label] if isinstance(t.object, pyoxigraph.BlankNode)]
    return found


class _Namer:
    """Names terms for people: labels, prefixed names, blank nodes by content."""

    def __init__(self, sides: Sequence[Side], diffs: Sequence[GraphDiff]) -> None:
        prefixes: dict[str, str] = {}
        for side in reversed(sides):
            prefixes.update(side.prefixes)
        self.short = Shortener(prefixes)
        changed = [t for diff in diffs for t in (*diff.added, *diff.removed)]
        self.blank = _blank_nodes(sides, changed)
        iris = {
            term.value
            for triple in [*changed, *(t for ts in self.blank.values() for t in ts)]
            for term in (triple.subject, triple.predicate, triple.object)
            if isinstance(term, pyoxigraph.NamedNode)
        }
        self.names, self.sources = labels_and_sources(sides, iris)

    def qname(self, iri: str) -> str:
        return self.short.term(iri)

    def title(self, iri: str) -> str:
        """``CCC (body:ccc)``, or the prefixed name alone when it has no name."""
        name = self.names.get(iri)
        return f"{name} ({self.qname(iri)})" if name else self.qname(iri)

    def predicate(self, iri: str) -> str:
        if iri == RDF + "type":
            return "is a"
        return self.names.get(iri) or self.qname(iri)

    def value(self, term: object, depth: int = 0) -> str:
        if isinstance(term, pyoxigraph.NamedNode):
            return self.names.get(term.value) or self.qname(term.value)
        if isinstance(term, pyoxigraph.Literal):
            text = json.dumps(term.value, ensure_ascii=False)
            if term.language:
                return f"{text}@{term.language}"
            datatype = term.datatype.value
            if datatype in (XSD_STRING, RDF_LANG_STRING):
                return text
            return f"{text}^^{self.qname(datatype)}"
        if isinstance(term, pyoxigraph.BlankNode):
            return self._blank(term.value, depth)
        return str(term)

    def _blank(self, label: str, depth: int) -> str:
        triples = self.blank.get(label, [])
        if depth > 4 or not triples:
            return "[]"
        first = [t.object for t in triples if t.predicate.value == RDF + "first"]
        rest = [t.object for t in triples if t.predicate.value == RDF + "rest"]
        if first and rest and len(triples) == 2:
            items = [self.value(first[0], depth + 1)]
            node = rest[0]
            for _ in range(1000):
                if not isinstance(node, pyoxigraph.BlankNode):
                    break
                more = self.blank.get(node.value, [])
                heads = [t.object for t in more if t.predicate.value == RDF + "first"]
                tails = [t.object for t in more if t.predicate.value == RDF + "rest"]
                if not heads or not tails:
                    break
                items.append(self.value(heads[0], depth + 1))
                node = tails[0]
            return "(" + " ".join(items) + ")"
        parts = sorted(
            f"{self.predicate(t.predicate.value)} {self.value(t.object, depth + 1)}"
            for t in triples
        )
        return "[ " + "; ".join(parts) + " ]"

    def statement(self, triple: pyoxigraph.Triple) -> str:
        subject = triple.subject
        who = self.title(subject.value) if isinstance(subject, pyoxigraph.NamedNode) else "[]"
        return f"{who} {self.predicate(triple.predicate.value)} {self.value(triple.object)}"

    def source_names(self, iri: str) -> list[str]:
        return [self.title(source) for source in self.sources.get(iri, [])]


def _graph_title(graph: str) -> str:
    if graph == MERGED:
        return "graph"
    return _GRAPH_NAMES.get(graph.rsplit("/", 1)[-1], graph)


def _resources(diffs: Sequence[GraphDiff], namer: _Namer) -> list[_Resource]:
    """The changes grouped by graph and resource; statements about blank nodes are shown
    through the statement that points to them."""
    found: dict[tuple[str, str], _Resource] = {}
    for diff in diffs:
        for sign, triples in (("-", diff.removed), ("+", diff.added)):
            for triple in triples:
                subject = triple.subject
                if not isinstance(subject, pyoxigraph.NamedNode):
                    continue
                key = (diff.graph, subject.value)
                if key not in found:
                    found[key] = _Resource(
                        _graph_title(diff.graph),
                        subject.value,
                        namer.title(subject.value),
                        namer.source_names(subject.value),
                    )
                found[key].changes.append(
                    _Change(
                        sign,
                        triple,
                        namer.statement(triple),
                        namer.predicate(triple.predicate.value),
                    )
                )
    ordered = sorted(found.values(), key=lambda r: (r.graph, r.title.lower(), r.iri))
    for resource in ordered:
        resource.changes.sort(key=lambda c: (c.predicate, c.sign != "-", c.text))
    return ordered


def _counts(resources: Sequence[_Resource]) -> str:
    """How many statements are shown added and removed (those about blank nodes are shown
    within the statement that points to them)."""
    signs = [change.sign for resource in resources for change in resource.changes]
    added, removed = signs.count("+"), signs.count("-")
    return f"{added} statement{'s' if added != 1 else ''} added, {removed} removed"


def _row_counts(diff: QueryDiff) -> str:
    added, removed = len(diff.added), len(diff.removed)
    return f"{added} row{'s' if added != 1 else ''} added, {removed} removed"


def _rows(diff: QueryDiff, namer: _Namer) -> Iterable[tuple[str, str]]:
    def cell(text: str) -> str:
        if text.startswith("<") and text.endswith(">"):
            return namer.qname(text[1:-1])
        literal = _LITERAL.fullmatch(text)
        if literal is not None:
            value: str = json.loads(f'"{literal.group(1)}"')
            return value
        return text

    for sign, rows in (("-", diff.removed), ("+", diff.added)):
        for row in rows:
            yield sign, " | ".join(cell(value) for value in row)


def _params(diff: QueryDiff) -> str:
    return ", ".join(f"{k}={v}" for k, v in diff.params.items()) or "defaults"


def _text(
    old: Side,
    new: Side,
    resources: list[_Resource],
    diffs: Sequence[GraphDiff],
    queries: list[QueryDiff] | None,
    namer: _Namer,
) -> str:
    lines = [f"ackg diff {old.name} -> {new.name}: {_counts(resources)}"]
    graph = None
    for resource in resources:
        if resource.graph != graph:
            graph = resource.graph
            lines += ["", f"{graph}:"]
        sources = f"  (sources: {', '.join(resource.sources)})" if resource.sources else ""
        lines.append(f"  {resource.title}{sources}")
        lines += [f"    {c.sign} {c.text}" for c in resource.changes]
    if queries is not None:
        lines += [
            "",
            f"saved queries: {len(queries)} answer{'s' if len(queries) != 1 else ''} changed",
        ]
        for diff in queries:
            lines.append(f"  {diff.name} ({_params(diff)}): {_row_counts(diff)}")
            lines += [f"    {sign} {row}" for sign, row in _rows(diff, namer)]
    return "\n".join(lines) + "\n"


def _md_escape(text: str) -> str:
    """Text from the data as plain Markdown text: no emphasis, link, HTML or table cell break."""
    text = html.escape(" ".join(text.split()), quote=False)
    return _MARKDOWN_SPECIAL.sub(lambda match: "\\" + match.group(), text)


def _code(text: str) -> str:
    """``text`` as a Markdown code span, whatever backticks it holds."""
    text = " ".join(text.split())
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _fenced(lines: list[str]) -> list[str]:
    """A ``diff`` code block whose fence is longer than any run of backticks in the lines."""
    longest = max((len(run) for line in lines for run in _BACKTICKS.findall(line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}diff", *(" ".join(line.split("\n")) for line in lines), fence]


def _markdown(
    old: Side,
    new: Side,
    resources: list[_Resource],
    diffs: Sequence[GraphDiff],
    queries: list[QueryDiff] | None,
    namer: _Namer,
) -> str:
    out = [
        f"## Graph changes: {_code(old.name)} → {_code(new.name)}",
        "",
        f"{_counts(resources)}.",
    ]
    graph = None
    for resource in resources:
        if resource.graph != graph:
            graph = resource.graph
            out += ["", f"### {_md_escape(graph)}"]
        sources = ", ".join(resource.sources)
        cites = f" · sources: {_md_escape(sources)}" if sources else ""
        out += ["", f"**{_md_escape(resource.title)}**{cites}", ""]
        out += _fenced([f"{c.sign} {c.text}" for c in resource.changes])
    if queries is not None:
        out += ["", "## Saved queries", ""]
        if not queries:
            out.append("Every saved query gives the same answers on both sides.")
        else:
            out += [
                "| query | parameters | rows added | rows removed |",
                "| --- | --- | --- | --- |",
            ]
            out += [
                f"| {_code(d.name)} | {_md_escape(_params(d))} | {len(d.added)} "
                f"| {len(d.removed)} |"
                for d in queries
            ]
            for diff in queries:
                summary = f"{html.escape(diff.name)} ({html.escape(_params(diff))})"
                out += ["", f"<details><summary>{summary}</summary>", ""]
                out += _fenced([f"{sign} {row}" for sign, row in _rows(diff, namer)])
                out += ["", "</details>"]
    return "\n".join(out) + "\n"


def _json(
    old: Side,
    new: Side,
    resources: list[_Resource],
    diffs: Sequence[GraphDiff],
    queries: list[QueryDiff] | None,
    namer: _Namer,
) -> str:
    def change(c: _Change) -> dict[str, str]:
        t = c.triple
        return {
            "subject": str(t.subject),
            "predicate": str(t.predicate),
            "object": str(t.object),
            "text": c.text,
        }

    document: dict[str, object] = {
        "old": old.name,
        "new": new.name,
        "graphs": [
            {
                "graph": title,
                "added": sum(
                    c.sign == "+" for r in resources if r.graph == title for c in r.changes
                ),
                "removed": sum(
                    c.sign == "-" for r in resources if r.graph == title for c in r.changes
                ),
            }
            for title in sorted({r.graph for r in resources})
        ],
        "resources": [
            {
                "graph": r.graph,
                "iri": r.iri,
                "name": r.title,
                "sources": r.sources,
                "added": [change(c) for c in r.changes if c.sign == "+"],
                "removed": [change(c) for c in r.changes if c.sign == "-"],
            }
            for r in resources
        ],
    }
    if queries is not None:
        document["queries"] = [
            {
                "name": d.name,
                "params": d.params,
                "variables": d.variables,
                "added": [list(row) for row in d.added],
                "removed": [list(row) for row in d.removed],
            }
            for d in queries
        ]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


_WRITERS = {"text": _text, "markdown": _markdown, "json": _json}


def format_diff(
    old: Side,
    new: Side,
    diffs: Sequence[GraphDiff],
    queries: list[QueryDiff] | None = None,
    fmt: DiffFormat = "text",
) -> str:
    """The diff of ``old`` and ``new`` in ``fmt``; ``queries`` when they were compared."""
    namer = _Namer([new, old], diffs)
    written = _WRITERS[fmt](old, new, _resources(diffs, namer), diffs, queries, namer)
    # What the data holds reaches no terminal or page as a control: a label's escape sequence,
    # carriage return or bidirectional override is shown as its JSON escape (in JSON, the same
    # string), wherever it is.
    return re.sub(UNSHOWN, lambda match: json.dumps(match.group())[1:-1], written)

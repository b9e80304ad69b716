"""The site's pages that list: the index pages by type, the diagrams of the home page, and the
saved queries with their results at build time.

An index lists the resources of some classes of the ontology and of their sub-classes (read
through ``rdfs:subClassOf*`` in the ontology, so the data needs no reasoning). Nothing here
knows where a page lies: links come from :class:`~.links.SiteLinker`.
"""

from __future__ import annotations

import shlex
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import pyoxigraph

from ... import resources
from ...backends.embedded import Backend
from ...errors import AckgError
from ...query.catalogue import list_queries
from ...query.formats import format_result, term_display
from ...query.queries import run_query
from ...rdf.vocab import ORG
from ..pages import BASE
from .links import SiteLinker

if TYPE_CHECKING:
    from ...choices import DiagramKind


__all__ = ["INDEXES", "Index", "write_diagrams", "write_indexes", "write_queries"]

_ACK = BASE + "ontology#"
_SUB = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"

Write = Callable[[str, "str | bytes"], None]
Page = Callable[..., str]


@dataclass(frozen=True)
class Index:
    """An index page: ``name`` (its file is ``NAME.html``), its title, what it lists, and the
    graph pattern that binds ``?x`` to each resource it lists."""

    name: str
    title: str
    about: str
    pattern: str
    count: int = 0


def _of(*classes: str) -> str:
    """The pattern of the instances of ``classes`` (ontology terms) and their sub-classes."""
    values = " ".join(f"<{_ACK}{name}>" for name in classes)
    return f"VALUES ?class {{ {values} }} ?type {_SUB} ?class . ?x a ?type ."


#: The index pages, in the order of the header's links.
INDEXES: tuple[Index, ...] = (
    Index(
        "bodies",
        "Bodies",
        "ASEAN Customs' own bodies: the Directors-General meeting and its sectoral bodies.",
        _of("CustomsBody"),
    ),
    Index("meetings", "Meetings", "Meetings and summits.", _of("Meeting")),
    Index("plans", "Plans", "Strategic plans and their series.", _of("Plan", "PlanSeries")),
    Index(
        "partners",
        "Partners",
        "Dialogue Partners, their customs administrations, the partnerships and the business "
        "councils.",
        _of(
            "DialoguePartner",
            "DialoguePartnerCustomsAdministration",
            "Partnership",
            "BusinessCouncil",
        ),
    ),
    Index(
        "member-states",
        "Member states",
        "The states that are members (org:member) of an organisation, other than Dialogue "
        "Partners, and the member states' customs administrations.",
        f"{{ ?x a ?type . ?type {_SUB} <{_ACK}State> . ?membership <{ORG}member> ?x "
        f"FILTER NOT EXISTS {{ ?x a/{_SUB} <{_ACK}DialoguePartner> }} }} UNION "
        f"{{ {_of('MemberStateCustomsAdministration')} }}",
    ),
    Index("sources", "Sources", "Source documents and their passages.", _of("Source")),
)


def write_indexes(
    write: Write, page: Page, backend: Backend, summaries: Mapping[str, tuple[str, str]]
) -> list[Index]:
    """Writes each index page (``summaries``: the title and the types, as text, of each
    resource with a page); returns the indexes with their counts."""
    described = set(summaries)
    found = []
    for index in INDEXES:
        result = backend.query(f"SELECT DISTINCT ?x WHERE {{ {index.pattern} FILTER isIRI(?x) }}")
        iris = {row[0].value for row in result.solutions if row[0] is not None}
        path = index.name + ".html"
        linker = SiteLinker(path, described)
        rows = []
        for iri in iris:
            summary = summaries.get(iri)
            href = linker.href(iri)
            if summary is None or href is None:
                continue
            title, kinds = summary
            rows.append({"title": title, "href": href, "kinds": kinds, "iri": iri})
        rows.sort(key=lambda row: (row["title"].lower(), row["iri"]))
        write(
            path,
            page("list.html", path, described, title=index.title, about=index.about, rows=rows),
        )
        found.append(Index(index.name, index.title, index.about, index.pattern, len(rows)))
    return found


_DIAGRAMS = (("structure", "Org chart"), ("timeline", "Timeline"))


def write_diagrams(write: Write, store: pyoxigraph.Store, notes: list[str]) -> list[dict[str, Any]]:
    """Writes the org chart and the timeline (``diagrams/KIND.mmd`` and ``.dot``, and ``.svg``
    when Graphviz's ``dot`` is installed); returns what the home page shows of each."""
    from .. import diagram

    shown = []
    for kind, title in _DIAGRAMS:
        entry: dict[str, Any] = {"kind": kind, "title": title, "files": []}
        shown.append(entry)
        try:
            mermaid = diagram.diagram(cast("DiagramKind", kind), "mermaid", store=store)
            dot = diagram.diagram(cast("DiagramKind", kind), "dot", store=store)
        except AckgError as error:
            entry["error"] = " ".join(str(error).split())
            continue
        assert isinstance(mermaid, str) and isinstance(dot, str)
        write(f"diagrams/{kind}.mmd", mermaid)
        write(f"diagrams/{kind}.dot", dot)
        entry["text"] = mermaid
        entry["files"] = [(f"diagrams/{kind}.mmd", "Mermaid"), (f"diagrams/{kind}.dot", "DOT")]
        if shutil.which("dot") is None:
            notes.append(f"Graphviz's dot is not installed: the {kind} is shown as Mermaid text")
            continue
        try:
            svg = diagram.render(dot, "svg")
        except AckgError as error:
            notes.append(" ".join(str(error).split()))
            continue
        write(f"diagrams/{kind}.svg", svg)
        entry["image"] = f"diagrams/{kind}.svg"
        entry["files"].append((f"diagrams/{kind}.svg", "SVG"))
    return shown


def _cells(result: Any, linker: SiteLinker, prefixes: Mapping[str, str]) -> list[list[Any]]:
    rows = []
    for row in result.solutions:
        cells = []
        for term in row:
            href = linker.href(term.value) if isinstance(term, pyoxigraph.NamedNode) else None
            cells.append((term_display(term, prefixes), href))
        rows.append(cells)
    return rows


def write_queries(
    write: Write, page: Page, backend: Backend, project: resources.Root, described: set[str]
) -> int:
    """Runs each saved query with its parameters' examples (or defaults) and writes its page
    (``queries/NAME.html``) and its result (``.csv`` and ``.json``, or ``.ttl``); and the list
    of queries (``queries/index.html``). Returns the number of queries."""
    listed = []
    for query in list_queries(project):
        path = f"queries/{query.name}.html"
        linker = SiteLinker(path, described)
        params: dict[str, str] = {}
        for parameter in query.parameters:
            value = parameter.example if parameter.example is not None else parameter.default
            if value is not None:
                params[parameter.name] = value
        command = ["ackg", "query", query.name]
        for key, value in params.items():
            command += ["--param", f"{key}={value}"]
        context: dict[str, Any] = {"query": query, "command": shlex.join(command)}
        context.update(result=None, error=None, downloads=[])
        count = ""
        try:
            result = run_query(query, params, backend=backend)
        except AckgError as error:
            context["error"] = " ".join(str(error).split())
        else:
            count = str(len(result))
            suffixes = ("ttl",) if result.form == "graph" else ("csv", "json")
            for suffix in suffixes:
                name = f"queries/{query.name}.{suffix}"
                write(name, format_result(result, suffix, query.prefixes))
                context["downloads"].append((name, suffix.upper()))
            shown: dict[str, Any] = {"form": result.form}
            if result.form == "graph":
                shown["text"] = format_result(result, "ttl", query.prefixes)
            elif result.form == "ask":
                shown["boolean"] = bool(result.boolean)
            else:
                shown["variables"] = result.variables
                shown["rows"] = _cells(result, linker, query.prefixes)
            context["result"] = shown
        title = query.summary or query.name
        write(path, page("query.html", path, described, title=title, **context))
        listed.append({"name": query.name, "summary": query.summary, "count": count})
    write(
        "queries/index.html",
        page(
            "queries.html", "queries/index.html", described, title="Saved queries", queries=listed
        ),
    )
    return len(listed)

"""The pages for people: the home page (org chart and timeline), a page per saved query (a
form for its parameters, the result as a table, download links), the SPARQL page (a plain
form), the API's description, and the page of every resource of the project's namespace, in
HTML or, by content negotiation or suffix, in Turtle, JSON-LD or N-Triples.

Pages are rendered on the server from Jinja2 templates with autoescaping; they use no script.
Diagrams are images (``<img src="/diagram/structure.svg">``), so an SVG can never run script
in the page; without Graphviz, the Mermaid text is shown instead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from ..publish.pages import RDF_FORMATS, RDF_MEDIA_TYPES, PathLinker, render_html, render_rdf
from ..publish.pages.render import environment
from ..query.catalogue import SavedQuery
from ..rdf.results import Result
from .limits import HttpError
from .negotiation import GRAPH_MEDIA, TABLE_MEDIA, choose, content_type
from .openapi import openapi
from .service import Service

__all__ = ["LINKER", "NAV", "error_page", "routes", "wants_html"]

_TEMPLATES = str(Path(__file__).resolve().parent / "templates")
LINKER = PathLinker("/", "/static/")
#: The links of every page's header: the first is the home page.
NAV: Sequence[tuple[str, str]] = (
    ("/", "Home"),
    ("/queries/", "Saved queries"),
    ("/sparql.html", "SPARQL"),
    ("/api/docs", "Web API"),
    ("/ontology", "Ontology"),
)
_HTML = "text/html"


def wants_html(request: Request) -> bool:
    """Whether the client prefers HTML to plain text (a browser does)."""
    return choose(request.headers.get("accept"), ["text/plain", _HTML]) == _HTML


def _page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    env = environment(_TEMPLATES)
    html = env.get_template(template).render(
        linker=LINKER, nav=list(NAV), site_name="ASEAN Customs Knowledge Graph", **context
    )
    return HTMLResponse(html, status_code=status)


def error_page(request: Request, error: HttpError) -> Response:
    """The page of an error, for people."""
    response = _page("error.html", error.status, title=f"Error {error.status}", error=error)
    response.headers.update(error.headers)
    return response


def _cells(result: Result, prefixes: Mapping[str, str]) -> list[list[tuple[str, str | None]]]:
    """The rows of a SELECT result as ``(text, link)`` cells (a link only to a page of the
    namespace or an ``http(s)`` IRI)."""
    import pyoxigraph

    from ..query.formats import term_display

    rows = []
    for row in result.solutions:
        cells = []
        for term in row:
            link = LINKER.href(term.value) if isinstance(term, pyoxigraph.NamedNode) else None
            cells.append((term_display(term, prefixes), link))
        rows.append(cells)
    return rows


def _result_context(result: Result, prefixes: Mapping[str, str]) -> dict[str, Any]:
    if result.form == "graph":
        return {"form": "graph", "text": render_graph(result, prefixes)}
    if result.form == "ask":
        return {"form": "ask", "boolean": bool(result.boolean)}
    return {"form": "select", "variables": result.variables, "rows": _cells(result, prefixes)}


def render_graph(result: Result, prefixes: Mapping[str, str]) -> str:
    """A CONSTRUCT/DESCRIBE result as Turtle, to show in a page."""
    from .negotiation import write_result

    return write_result(result, "ttl", prefixes)


async def home(request: Request) -> Response:
    """The home page."""
    service: Service = request.app.state.service
    diagrams: dict[str, dict[str, Any]] = {}
    for kind in ("structure", "timeline"):
        try:
            media, text = await service.diagram(kind)
        except HttpError as error:
            diagrams[kind] = {"error": error.message}
            continue
        diagrams[kind] = {"svg": media == "image/svg+xml", "text": text}
    queries = [service.queries[name] for name in sorted(service.queries)]
    return _page(
        "home.html",
        title="Home",
        diagrams=diagrams,
        queries=queries,
        where=service.where,
        bodies=await _bodies(service),
    )


async def _bodies(service: Service) -> list[tuple[str, str, str]]:
    """``(name, acronym, link)`` of the bodies that the saved query ``bodies`` lists (its
    ``?name``, ``?acronym`` and ``?body`` columns); none when there is no such query."""
    query = service.queries.get("bodies")
    if query is None:
        return []
    try:
        result = await service.run_saved(query, {})
    except HttpError:
        return []
    if result.form != "select" or not {"name", "body"} <= set(result.variables):
        return []
    found = []
    records = result.to_python()
    assert isinstance(records, list)
    for row in records:
        assert isinstance(row, dict)
        body, name = row.get("body"), row.get("name")
        link = LINKER.href(body) if isinstance(body, str) else None
        if link is not None and isinstance(name, str):
            found.append((name, str(row.get("acronym") or ""), link))
    return found


async def diagram_svg(request: Request) -> Response:
    """A diagram as SVG (only when Graphviz is installed)."""
    service: Service = request.app.state.service
    kind = request.path_params["kind"]
    if kind not in ("structure", "timeline"):
        raise HttpError(404, f"no diagram {kind[:40]!r}; there are structure and timeline")
    media, text = await service.diagram(kind)
    if media != "image/svg+xml":
        raise HttpError(404, "Graphviz's dot is not installed on the server: no SVG to serve")
    return Response(text, headers={"Content-Type": media})


async def queries_page(request: Request) -> Response:
    """The list of saved queries."""
    service: Service = request.app.state.service
    queries = [service.queries[name] for name in sorted(service.queries)]
    return _page("queries.html", title="Saved queries", queries=queries)


def _downloads(query: SavedQuery, params: Mapping[str, str]) -> list[tuple[str, str]]:
    suffixes = (
        ("ttl", "nt", "jsonld")
        if query.form in ("CONSTRUCT", "DESCRIBE")
        else ("csv", "tsv", "json", "xml")
    )
    string = urlencode(params)
    return [(s, f"/api/{query.name}.{s}" + (f"?{string}" if string else "")) for s in suffixes]


async def query_page(request: Request) -> Response:
    """A saved query: a form for its parameters; its result as a table once it can run."""
    service: Service = request.app.state.service
    query = service.query(request.path_params["name"])
    given = {key: value for key, value in request.query_params.items() if value != ""}
    context: dict[str, Any] = {
        "query": query,
        "given": given,
        "title": query.summary or query.name,
        "downloads": _downloads(query, given),
        "result": None,
        "error": None,
    }
    status = 200
    ready = all(
        not p.required or p.name in given or p.default is not None for p in query.parameters
    )
    if ready:
        try:
            result = await service.run_saved(query, given)
        except HttpError as error:
            context["error"] = error.message
            status = error.status
        else:
            context["result"] = _result_context(result, query.prefixes)
            context["count"] = len(result)
    return _page("query.html", status, **context)


async def sparql_page(request: Request) -> Response:
    """The SPARQL page: a plain form; the result as a table."""
    service: Service = request.app.state.service
    text = request.query_params.get("query")
    context: dict[str, Any] = {
        "title": "SPARQL",
        "text": text,
        "result": None,
        "error": None,
        "yasgui": request.app.state.yasgui,
    }
    context["example"] = (
        "PREFIX org: <http://www.w3.org/ns/org#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n\n"
        "SELECT ?body ?name ?superior WHERE {\n"
        "  ?body org:reportsTo ?superior ; skos:prefLabel ?name .\n"
        "} ORDER BY ?name"
    )
    status = 200
    if text and text.strip():
        from ..rdf.sparqltext import prefixes_of

        try:
            result = await service.run_sparql(text)
        except HttpError as error:
            context["error"] = error.message
            status = error.status
        else:
            context["result"] = _result_context(result, prefixes_of(text))
            context["count"] = len(result)
            suffixes = (
                ("ttl", "nt", "jsonld") if result.form == "graph" else ("csv", "tsv", "json", "xml")
            )
            context["downloads"] = [
                (s, "/sparql?" + urlencode({"query": text, "format": s})) for s in suffixes
            ]
    response = _page("sparql.html", status, **context)
    if context["yasgui"]:
        from .headers import CSP_EDITOR

        response.headers["Content-Security-Policy"] = CSP_EDITOR
    return response


async def api_docs(request: Request) -> Response:
    """The OpenAPI document, as a page."""
    service: Service = request.app.state.service
    document = openapi([service.queries[name] for name in sorted(service.queries)])
    return _page(
        "api.html",
        title="Web API",
        document=document,
        source=json.dumps(document, indent=2, ensure_ascii=False),
        table_media=list(TABLE_MEDIA),
        graph_media=list(GRAPH_MEDIA),
    )


async def resource(request: Request) -> Response:
    """The page of a resource of the namespace, by content negotiation or suffix."""
    service: Service = request.app.state.service
    path = request.path_params["path"]
    stem, dot, suffix = path.rpartition(".")
    fmt: str | None = None
    if dot and suffix in (*RDF_FORMATS, "html") and "/" not in suffix:
        path, fmt = stem, suffix
    iris = [iri for iri in LINKER.iris(path) if _valid_iri(iri)]
    if not iris:
        raise HttpError(404, f"nothing at /{path[:200]}")
    if fmt is None:
        offers = [_HTML, *RDF_MEDIA_TYPES.values()]
        chosen = choose(request.headers.get("accept"), offers)
        if chosen is None:
            raise HttpError(
                406, "none of the media types in Accept is available; offered: " + ", ".join(offers)
            )
        fmt = (
            "html"
            if chosen == _HTML
            else next(k for k, v in RDF_MEDIA_TYPES.items() if v == chosen)
        )
    key = ("resource", tuple(iris), fmt)
    media = "text/html; charset=utf-8" if fmt == "html" else content_type(fmt)
    body = service.cached(key, request.headers.get("cache-control"))
    if body is None:
        description = await service.describe(iris)
        if description is None:
            raise HttpError(404, f"the graph says nothing about {iris[0]}")
        if fmt == "html":
            text = render_html(description, LINKER, nav=NAV)
        else:
            text = render_rdf(description, fmt)  # type: ignore[arg-type]
        body = service.remember(key, text)
    return Response(body, headers={"Content-Type": media, "Vary": "Accept"})


def _valid_iri(iri: str) -> bool:
    import pyoxigraph

    try:
        pyoxigraph.NamedNode(iri)
    except ValueError:
        return False
    return True


def routes() -> list[BaseRoute]:
    """The pages' routes; the resources' catch-all comes last."""
    return [
        Route("/", home, methods=["GET"]),
        Route("/queries/", queries_page, methods=["GET"]),
        Route("/queries/{name}", query_page, methods=["GET"]),
        Route("/sparql.html", sparql_page, methods=["GET"]),
        Route("/diagram/{kind}.svg", diagram_svg, methods=["GET"]),
        Route("/{path:path}", resource, methods=["GET"]),
    ]

"""The web application: the SPARQL 1.1 Protocol endpoint, the saved-query Web API and its
OpenAPI description, the pages for people, and the safety every answer gets.

Routes (every one read-only):

* ``GET|POST /sparql`` -- SPARQL 1.1 Protocol (``query=``, or a ``application/sparql-query``
  body); results by ``Accept``; without a query, the service description;
* ``GET /api/`` -- the saved queries (JSON); ``GET /api/NAME[.SUFFIX]?PARAM=VALUE`` -- one
  run; ``GET /api/openapi.json`` -- the OpenAPI 3 document; ``GET /api/docs`` -- it, as a page;
* ``GET /``, ``/queries/NAME``, ``/sparql.html``, ``/diagram/KIND.svg``, ``/static/...`` --
  the pages (see :mod:`.views`), and every other path -- the page of the resource whose IRI is
  the namespace plus that path (:mod:`asean_customs_kg.publish.pages`).

Every answer carries a Content-Security-Policy that allows only the server's own stylesheet
and images, ``X-Content-Type-Options: nosniff`` and, as public SPARQL endpoints do, CORS open
to every origin (the API is read-only and takes no credentials). An error is one line of text
(or a page, for people) with its status; nothing ever shows a stack trace.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..backends.redact import redact_url
from ..publish.pages.render import TEMPLATES
from ..rdf.results import Result
from . import views
from .headers import SECURITY_HEADERS
from .limits import HttpError
from .negotiation import (
    GRAPH_MEDIA,
    SUFFIXES,
    TABLE_MEDIA,
    choose,
    content_type,
    format_of,
    write_result,
)
from .openapi import openapi
from .service import Service

__all__ = ["create_app", "result_response"]

_SPARQL_QUERY = "application/sparql-query"
_FORM = "application/x-www-form-urlencoded"
_NO_DATASET = "default-graph-uri and named-graph-uri are not supported: the dataset is fixed"
_SD = """@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix dct: <http://purl.org/dc/terms/> .

<{endpoint}> a sd:Service ;
    sd:endpoint <{endpoint}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_JSON>,
        <http://www.w3.org/ns/formats/SPARQL_Results_XML>,
        <http://www.w3.org/ns/formats/SPARQL_Results_CSV>,
        <http://www.w3.org/ns/formats/SPARQL_Results_TSV>,
        <http://www.w3.org/ns/formats/Turtle>,
        <http://www.w3.org/ns/formats/N-Triples>,
        <http://www.w3.org/ns/formats/JSON-LD> ;
    dct:description "Read-only: updates, SERVICE, FROM and extension functions are refused." ;
    sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ] ] .
"""

_STATIC = Path(__file__).resolve().parent / "static"

access_log = logging.getLogger("asean_customs_kg.web.access")
error_log = logging.getLogger("asean_customs_kg.web")


def error_response(error: HttpError) -> Response:
    """The plain-text answer to ``error`` (one line)."""
    return PlainTextResponse(error.message + "\n", error.status, headers=error.headers)


def result_response(
    result: Result, fmt: str, prefixes: Mapping[str, str] | None = None
) -> Response:
    """``result`` written in ``fmt`` with its content type."""
    return Response(
        write_result(result, fmt, prefixes), headers={"Content-Type": content_type(fmt)}
    )


def _result_format(request: Request, graph: bool, suffix: str | None) -> str:
    """The format of the answer to a query that returns RDF (``graph``) or a table: the
    suffix's, else the one ``Accept`` prefers; 406 when neither fits."""
    media = GRAPH_MEDIA if graph else TABLE_MEDIA
    if suffix is not None:
        fmt = SUFFIXES[suffix]
        if fmt not in media.values():
            kind = "RDF" if graph else "a table"
            offered = ", ".join(sorted(set(media.values())))
            raise HttpError(
                406,
                f"this query returns {kind}, which cannot be written as {fmt}; "
                f"use .{offered.replace(', ', ', .')}",
            )
        return fmt
    chosen = choose(request.headers.get("accept"), list(media))
    if chosen is None:
        raise HttpError(
            406, "none of the media types in Accept is available; offered: " + ", ".join(media)
        )
    return format_of(chosen)


def _single_params(request: Request) -> dict[str, str]:
    params: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in params:
            raise HttpError(400, f"parameter {key[:40]!r} is given more than once")
        params[key] = value
    return params


async def _read_body(request: Request, limit: int, timeout: float) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HttpError(413, f"the request body is over the server's limit of {limit} bytes")
    body = bytearray()

    async def read() -> None:
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > limit:
                raise HttpError(
                    413, f"the request body is over the server's limit of {limit} bytes"
                )

    try:
        await asyncio.wait_for(read(), timeout)
    except (asyncio.TimeoutError, TimeoutError):
        raise HttpError(
            408, f"the request body did not arrive within {timeout:g} s", {"Connection": "close"}
        ) from None
    return bytes(body)


async def _protocol_query(request: Request, service: Service) -> str | None:
    """The query of a SPARQL Protocol request; None when there is none (GET without one)."""
    if request.method == "GET":
        texts = request.query_params.getlist("query")
    else:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await _read_body(request, service.limits.max_body, service.limits.head_timeout)
        if kind == _SPARQL_QUERY:
            try:
                texts = [body.decode("utf-8")]
            except UnicodeDecodeError:
                raise HttpError(400, "the query is not UTF-8 text") from None
        elif kind == _FORM:
            from urllib.parse import parse_qs

            try:
                fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, errors="strict")
            except UnicodeDecodeError:
                raise HttpError(400, "the form is not UTF-8 text") from None
            if "update" in fields:
                raise HttpError(403, "updates are not accepted: this endpoint only reads")
            if "default-graph-uri" in fields or "named-graph-uri" in fields:
                raise HttpError(400, _NO_DATASET)
            texts = fields.get("query", [])
        else:
            raise HttpError(
                415, f"POST a query as {_SPARQL_QUERY} or as a form ({_FORM}) with query="
            )
    if request.query_params.get("update") is not None:
        raise HttpError(403, "updates are not accepted: this endpoint only reads")
    if len(texts) > 1:
        raise HttpError(400, "give one query, not several")
    if not texts:
        return None
    if request.query_params.getlist("default-graph-uri") or request.query_params.getlist(
        "named-graph-uri"
    ):
        raise HttpError(400, _NO_DATASET)
    return texts[0]


async def sparql_endpoint(request: Request) -> Response:
    """SPARQL 1.1 Protocol, read-only."""
    service: Service = request.app.state.service
    text = await _protocol_query(request, service)
    if text is None:
        return _service_description(request)
    if not text.strip():
        raise HttpError(400, "the query is empty")
    # Checked before the query runs: a wrong format must not cost a query's time.
    suffix = request.query_params.get("format")
    if suffix is not None and suffix not in SUFFIXES:
        raise HttpError(
            400, f"unknown format {suffix[:20]!r}; expected one of {', '.join(SUFFIXES)}"
        )
    result = await service.run_sparql(text)
    from ..rdf.sparqltext import prefixes_of

    fmt = _result_format(request, result.form == "graph", suffix)
    response = result_response(result, fmt, prefixes_of(text))
    if suffix is None:  # chosen by Accept: a shared cache must keep one answer per format
        response.headers["Vary"] = "Accept"
    return response


def _service_description(request: Request) -> Response:
    offers = ["text/turtle", "text/html"]
    chosen = choose(request.headers.get("accept"), offers)
    if chosen == "text/html":
        return Response(status_code=303, headers={"Location": "/sparql.html", "Vary": "Accept"})
    endpoint = str(request.url.replace(query="", fragment=""))
    return Response(
        _SD.format(endpoint=endpoint),
        headers={"Content-Type": "text/turtle; charset=utf-8", "Vary": "Accept"},
    )


def _query_summary(service: Service, name: str) -> dict[str, Any]:
    query = service.query(name)
    return {
        "name": query.name,
        "summary": query.summary,
        "description": query.description,
        "tags": list(query.tags),
        "returns": "rdf" if query.form in ("CONSTRUCT", "DESCRIBE") else "table",
        "parameters": [
            {
                "name": p.name,
                "required": p.required,
                "expected": p.expected,
                **({"default": p.default} if p.default is not None else {}),
                **({"example": p.example} if p.example is not None else {}),
            }
            for p in query.parameters
        ],
        "url": f"/api/{query.name}",
    }


async def api_index(request: Request) -> Response:
    """The saved queries, as JSON."""
    service: Service = request.app.state.service
    return JSONResponse([_query_summary(service, name) for name in sorted(service.queries)])


async def api_openapi(request: Request) -> Response:
    """The OpenAPI 3 document."""
    service: Service = request.app.state.service
    document = openapi([service.queries[name] for name in sorted(service.queries)])
    return JSONResponse(document)


async def api_query(request: Request) -> Response:
    """One saved query, run with the request's parameters."""
    service: Service = request.app.state.service
    name = request.path_params["name"]
    stem, dot, suffix = name.rpartition(".")
    if dot and suffix in SUFFIXES:
        name, chosen = stem, suffix
    else:
        chosen = None
    query = service.query(name)
    params = _single_params(request)
    fmt = _result_format(request, query.form in ("CONSTRUCT", "DESCRIBE"), chosen)
    key = ("api", name, tuple(sorted(params.items())), fmt)
    body = service.cached(key, request.headers.get("cache-control"))
    if body is None:
        body = service.remember(key, await service.saved_text(query, params, fmt))
    headers = {"Content-Type": content_type(fmt)}
    if chosen is None:  # chosen by Accept: a shared cache must keep one answer per format
        headers["Vary"] = "Accept"
    return Response(body, headers=headers)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HttpError)
    if views.wants_html(request):
        return views.error_page(request, error)
    return error_response(error)


async def _not_found(request: Request, error: Exception) -> Response:
    return await _http_error(request, HttpError(404, f"nothing at {request.url.path[:200]}"))


async def _method(request: Request, error: Exception) -> Response:
    return await _http_error(
        request, HttpError(405, f"{request.method} is not allowed here; the server only reads")
    )


#: What a log line must not hold as it is: a line break would forge a line of its own, an
#: escape sequence would drive the terminal that shows the log.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _percent(match: re.Match[str]) -> str:
    return f"%{ord(match.group()):02X}"


def _logged_path(scope: Scope) -> str:
    """The request's path as the client sent it (percent-encoded, so that ``%0A`` in it stays
    three characters), its control characters percent-encoded."""
    raw = scope.get("raw_path")
    path = raw.decode("latin-1") if isinstance(raw, bytes) else str(scope.get("path", "?"))
    return _CONTROL.sub(_percent, path)


def _utf8(query_string: bytes) -> bool:
    """Whether ``query_string``, its percent escapes decoded, is UTF-8 text."""
    from urllib.parse import unquote_to_bytes

    try:
        unquote_to_bytes(query_string).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class Guard:
    """The outermost layer: security headers on every answer, the size of the query string,
    one access-log line per request (the path as sent, the names of the parameters, their
    values masked, no control character), and a plain 500 for anything unexpected, without a
    stack trace."""

    def __init__(self, app: ASGIApp, max_query_string: int) -> None:
        self.app = app
        self.max_query_string = max_query_string

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [0]
        size = [0]

        async def send_guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                for name, value in SECURITY_HEADERS:
                    if name not in names:
                        headers.append((name, value))
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body":
                size[0] += len(message.get("body", b""))
            await send(message)

        try:
            if len(scope.get("query_string", b"")) > self.max_query_string:
                response: Response = error_response(
                    HttpError(
                        414,
                        "the query string is over the server's limit of "
                        f"{self.max_query_string} characters",
                    )
                )
                await response(scope, receive, send_guarded)
            elif not _utf8(scope.get("query_string", b"")):
                # Decoded, its bytes that are not UTF-8 would become U+FFFD, silently.
                await error_response(HttpError(400, "the query string is not UTF-8 text"))(
                    scope, receive, send_guarded
                )
            else:
                await self.app(scope, receive, send_guarded)
        except Exception as error:  # the last resort: never a stack trace to the client
            error_log.error("internal error on %s: %s", _logged_path(scope), type(error).__name__)
            if status[0] == 0:
                await error_response(HttpError(500, "internal error"))(scope, receive, send_guarded)
        finally:
            query = scope.get("query_string", b"").decode("latin-1")
            target = _logged_path(scope) + (f"?{query}" if query else "")
            client = scope.get("client") or ("-", 0)
            access_log.info(
                '%s "%s %s" %d %d %.1fms',
                client[0],
                scope.get("method", "-"),
                _CONTROL.sub(_percent, redact_url(target)[:300]),
                status[0],
                size[0],
                (time.perf_counter() - started) * 1000,
            )


def create_app(service: Service, yasgui: Path | None = None) -> Starlette:
    """The application serving ``service``; with the SPARQL page's editor when ``yasgui``
    is the directory of YASGUI's files (see :mod:`.yasgui`)."""
    editor = []
    if yasgui is not None:
        editor = [
            Mount("/static/yasgui", StaticFiles(directory=str(yasgui)), name="yasgui"),
            Mount("/static/editor", StaticFiles(directory=str(_STATIC)), name="editor"),
        ]
    routes = [
        Route("/sparql", sparql_endpoint, methods=["GET", "POST"]),
        Route("/api/", api_index, methods=["GET"]),
        Route("/api/openapi.json", api_openapi, methods=["GET"]),
        Route("/api/docs", views.api_docs, methods=["GET"]),
        Route("/api/{name}", api_query, methods=["GET"]),
        *editor,
        Mount("/static", StaticFiles(directory=str(TEMPLATES.parent / "static")), name="static"),
        *views.routes(),
    ]
    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        HttpError: _http_error,
        404: _not_found,
        405: _method,
    }
    app = Starlette(
        routes=routes,
        exception_handlers=handlers,
        middleware=[
            Middleware(Guard, max_query_string=service.limits.max_query_string),
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type"],
                max_age=86400,
            ),
        ],
    )
    app.state.service = service
    app.state.yasgui = yasgui is not None
    return app

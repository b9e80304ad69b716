"""The OpenAPI 3 description of the saved-query Web API, generated from the queries' ``#+``
headers (as grlc does): one ``GET /api/NAME`` operation per query, its summary, description
and tags, one query parameter per query parameter (required or not, with its default and
example), and the media types it answers in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import __version__
from ..query.catalogue import Parameter, SavedQuery
from ..rdf.vocab import XSD
from .negotiation import GRAPH_MEDIA, TABLE_MEDIA

__all__ = ["openapi", "parameter_schema"]

_FORMATS = {"date": "date", "gYear": None, "integer": None, "decimal": None, "boolean": None}


def parameter_schema(parameter: Parameter) -> dict[str, Any]:
    """The JSON schema of a parameter's value (always a string on the wire)."""
    schema: dict[str, Any] = {"type": "string"}
    if parameter.kind == "typed" and parameter.datatype:
        local = parameter.datatype.removeprefix(XSD)
        if _FORMATS.get(local):
            schema["format"] = _FORMATS[local]
        patterns = {
            "gYear": "^[0-9]{4}$",
            "date": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "integer": "^[+-]?[0-9]+$",
            "boolean": "^(true|false|1|0)$",
        }
        if local in patterns:
            schema["pattern"] = patterns[local]
    if parameter.default is not None:
        schema["default"] = parameter.default
    return schema


def _operation(query: SavedQuery) -> dict[str, Any]:
    media = GRAPH_MEDIA if query.form in ("CONSTRUCT", "DESCRIBE") else TABLE_MEDIA
    parameters = []
    for parameter in query.parameters:
        entry: dict[str, Any] = {
            "name": parameter.name,
            "in": "query",
            "required": parameter.required,
            "description": parameter.expected[:1].upper() + parameter.expected[1:] + ".",
            "schema": parameter_schema(parameter),
        }
        if parameter.example is not None:
            entry["example"] = parameter.example
        parameters.append(entry)
    return {
        "operationId": query.name,
        "summary": query.summary,
        "description": query.description,
        "tags": list(query.tags),
        "parameters": parameters,
        "responses": {
            "200": {
                "description": "The query's result.",
                "content": {name: {} for name in media},
            },
            "400": {"description": "A missing, unknown or invalid parameter (one line of text)."},
            "406": {"description": "None of the media types asked for is available."},
            "503": {"description": "The server is busy, or the query ran over the time limit."},
        },
    }


def openapi(queries: Sequence[SavedQuery], server_url: str = "/") -> dict[str, Any]:
    """The OpenAPI 3.0 document of the API serving ``queries`` (the ``#+`` headers' fields)."""
    paths: dict[str, Any] = {f"/api/{query.name}": {"get": _operation(query)} for query in queries}
    tags = sorted({tag for query in queries for tag in query.tags})
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "ASEAN Customs Knowledge Graph: saved queries",
            "version": __version__,
            "description": "Each saved SPARQL query of the project as a GET operation. Parameter "
            "values are bound as RDF terms; results by Accept header or by suffix "
            "(/api/NAME.csv).",
            "license": {"name": "MIT"},
        },
        "servers": [{"url": server_url}],
        "tags": [{"name": tag} for tag in tags],
        "paths": paths,
    }

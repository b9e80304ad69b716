"""ASEAN Customs Knowledge Graph: the ontology, data and saved queries, and tools to use them.

The public API is listed in ``__all__``: running saved and ad-hoc queries, loading the graph,
the backends a query runs on, the result type, and the errors. Each name is imported on first
use, so ``import asean_customs_kg`` loads no RDF library (the cold saved-query path counts on
it); the subpackages hold the rest (see the README's Layout section).
"""

from __future__ import annotations

# ``typing`` is not imported at run time (the cold saved-query path would pay for it).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .backends.embedded import Backend as Backend
    from .backends.embedded import EmbeddedBackend as EmbeddedBackend
    from .backends.embedded import load_graph as load_graph
    from .backends.stores import EndpointBackend as EndpointBackend
    from .backends.stores import StoreBackend as StoreBackend
    from .errors import AckgError as AckgError
    from .errors import DataError as DataError
    from .errors import EnvError as EnvError
    from .errors import ExtensionRefused as ExtensionRefused
    from .errors import LoadInterrupted as LoadInterrupted
    from .errors import QuerySyntaxError as QuerySyntaxError
    from .errors import ShapesError as ShapesError
    from .errors import UsageError as UsageError
    from .query.catalogue import SavedQuery as SavedQuery
    from .query.catalogue import get_query as get_query
    from .query.catalogue import list_queries as list_queries
    from .query.queries import run_query as run_query
    from .query.queries import sparql as sparql
    from .rdf.results import Result as Result
    from .rdf.results import to_python as to_python

__version__ = "0.1.0"

#: Each public name and the module that defines it, imported on first use.
_PUBLIC = {
    # saved and ad-hoc queries
    "SavedQuery": "query.catalogue",
    "get_query": "query.catalogue",
    "list_queries": "query.catalogue",
    "run_query": "query.queries",
    "sparql": "query.queries",
    "load_graph": "backends.embedded",
    # the backends a query runs on
    "Backend": "backends.embedded",
    "EmbeddedBackend": "backends.embedded",
    "StoreBackend": "backends.stores",
    "EndpointBackend": "backends.stores",
    # results
    "Result": "rdf.results",
    "to_python": "rdf.results",
    # errors
    "AckgError": "errors",
    "DataError": "errors",
    "EnvError": "errors",
    "ExtensionRefused": "errors",
    "LoadInterrupted": "errors",
    "QuerySyntaxError": "errors",
    "ShapesError": "errors",
    "UsageError": "errors",
}


def __getattr__(name: str) -> Any:
    """Imports the library's public names on first use, so ``import asean_customs_kg`` is cheap."""
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f".{module}", __name__), name)


__all__ = ["__version__", *_PUBLIC]

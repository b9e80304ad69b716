"""ASEAN Customs Knowledge Graph: the ontology, data and saved queries, and tools to use them.

Importing this package is cheap: it loads no RDF library. Submodules import what they need.
"""

from __future__ import annotations

# ``typing`` is not imported at run time (the cold saved-query path would pay for it).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"

# --- the saved-query library (issue 3), imported on first use ---

_LAZY = {
    "Backend": "query.queries",
    "EmbeddedBackend": "query.queries",
    "SavedQuery": "query.queries",
    "get_query": "query.queries",
    "list_queries": "query.queries",
    "load_graph": "query.queries",
    "run_query": "query.queries",
    "sparql": "query.queries",
    "Result": "rdf.results",
    "to_python": "rdf.results",
}

if TYPE_CHECKING:
    from .query.queries import Backend as Backend
    from .query.queries import EmbeddedBackend as EmbeddedBackend
    from .query.queries import SavedQuery as SavedQuery
    from .query.queries import get_query as get_query
    from .query.queries import list_queries as list_queries
    from .query.queries import load_graph as load_graph
    from .query.queries import run_query as run_query
    from .query.queries import sparql as sparql
    from .rdf.results import Result as Result
    from .rdf.results import to_python as to_python


def __getattr__(name: str) -> Any:
    """Imports the library's public names on first use, so ``import asean_customs_kg`` is cheap."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f".{module}", __name__), name)


__all__ = ["__version__", *_LAZY]

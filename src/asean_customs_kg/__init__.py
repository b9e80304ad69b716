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
    "Backend": "queries",
    "EmbeddedBackend": "queries",
    "SavedQuery": "queries",
    "get_query": "queries",
    "list_queries": "queries",
    "load_graph": "queries",
    "run_query": "queries",
    "sparql": "queries",
    "Result": "results",
    "to_python": "results",
}

if TYPE_CHECKING:
    from .queries import (
        Backend as Backend,
    )
    from .queries import (
        EmbeddedBackend as EmbeddedBackend,
    )
    from .queries import (
        SavedQuery as SavedQuery,
    )
    from .queries import (
        get_query as get_query,
    )
    from .queries import (
        list_queries as list_queries,
    )
    from .queries import (
        load_graph as load_graph,
    )
    from .queries import (
        run_query as run_query,
    )
    from .queries import (
        sparql as sparql,
    )
    from .results import Result as Result
    from .results import to_python as to_python


def __getattr__(name: str) -> Any:
    """Imports the library's public names on first use, so ``import asean_customs_kg`` is cheap."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f".{module}", __name__), name)


__all__ = ["__version__", *_LAZY]

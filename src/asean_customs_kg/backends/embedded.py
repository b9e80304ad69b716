"""The embedded backend: the project's ontology and data (or given Turtle files) in an in-memory
pyoxigraph store, and :class:`Backend`, the protocol every backend follows (this one, an on-disk
store and a SPARQL endpoint, :mod:`asean_customs_kg.backends.stores`).

On the cold saved-query path: it imports neither rdflib nor ``typing`` nor :mod:`pathlib` at
run time.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

import pyoxigraph

from .. import resources
from ..errors import QuerySyntaxError, UsageError
from ..interrupts import run_interruptibly
from ..rdf.results import Result
from ..rdf.sparqltext import BindableTerm, bind_values

# ``typing`` is not imported at run time: it would cost the cold saved-query path (mypy reads
# this block; the names below are plain at run time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Protocol

__all__ = ["Backend", "EmbeddedBackend", "default_backend", "load_graph"]

if not TYPE_CHECKING:  # a plain base class at run time; a protocol for the type checker
    Protocol = object

# pyoxigraph's query errors read "error at LINE:COLUMN: message" (or a range).
_ENGINE_POSITION = r"(?s)error at (\d+):(\d+)(?:-\d+:\d+)?:\s*(.*)"


class Backend(Protocol):
    """Something that runs read-only SPARQL: the embedded store, an on-disk store, an endpoint.

    ``query`` runs ``sparql`` with ``bindings`` (variable name without ``?`` → IRI or literal)
    and returns a :class:`~asean_customs_kg.rdf.results.Result`. A backend that sends text
    elsewhere binds with :func:`asean_customs_kg.rdf.sparqltext.bind_values`. It raises
    :class:`~asean_customs_kg.errors.UsageError` for a query the engine rejects (with
    ``.line``/``.column`` attributes when known) and
    :class:`~asean_customs_kg.errors.EnvError` when the engine cannot be reached.
    """

    def query(self, sparql: str, bindings: Mapping[str, BindableTerm] | None = None) -> Result:
        """Runs ``sparql`` with ``bindings`` and returns its result."""
        ...


class EmbeddedBackend:
    """The project's files (ontology and data, or the given Turtle files) in an in-memory
    pyoxigraph store, loaded on first use."""

    def __init__(
        self,
        paths: Iterable[str | os.PathLike[str]] | None = None,
        store: pyoxigraph.Store | None = None,
        *,
        root: resources.RootLike = None,
    ) -> None:
        self._paths = list(paths) if paths is not None else None
        self._store = store
        self._root = root

    @property
    def store(self) -> pyoxigraph.Store:
        """The pyoxigraph store, loaded from the files the first time it is needed."""
        if self._store is None:
            from ..rdf.graph import load_oxigraph

            paths = self._paths
            self._store = load_oxigraph(
                paths if paths is not None else resources.graph_file_names(self._root)
            )
        return self._store

    def query(self, sparql: str, bindings: Mapping[str, BindableTerm] | None = None) -> Result:
        """Runs ``sparql`` on the store, with ``bindings`` bound by a VALUES block."""
        text = bind_values(sparql, bindings or {})
        store = self.store
        try:
            # In a worker thread, so that Ctrl-C stops a long aggregate or sort at once.
            return run_interruptibly(lambda: Result.from_oxigraph(store.query(text)))
        except SyntaxError as error:
            message = error.msg or str(error)
            line, column = error.lineno, error.offset
            where = re.match(_ENGINE_POSITION, message)
            if where is not None:
                line, column, message = int(where[1]), int(where[2]), where[3]
            raise QuerySyntaxError(f"invalid SPARQL: {message}", line, column) from error
        except (RuntimeError, OSError, ValueError) as error:
            raise UsageError(f"the query failed: {error}") from error


_DEFAULT: dict[str, EmbeddedBackend] = {}


def default_backend(root: resources.RootLike = None) -> EmbeddedBackend:
    """The embedded backend over the files of the project at ``root`` (default: the one found
    from the working directory, see :mod:`asean_customs_kg.resources`), created once per project
    and process."""
    found = resources.resolve_root(root)
    directory = os.fspath(found)
    backend = _DEFAULT.get(directory)
    if backend is None:
        backend = _DEFAULT[directory] = EmbeddedBackend(root=found)
    return backend


def load_graph(root: resources.RootLike = None) -> pyoxigraph.Store:
    """The project's ontology and data in a pyoxigraph store (the default backend's store)."""
    return default_backend(root).store

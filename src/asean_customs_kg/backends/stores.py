"""Running queries on the stores a load wrote: an on-disk Oxigraph store (:class:`StoreBackend`)
and a SPARQL 1.1 server (:class:`EndpointBackend`), both with the
:class:`~asean_customs_kg.query.queries.Backend` protocol.

Each runs a query with the ontology and data graphs as its default graph and every graph of the
release as named graphs, so that queries without ``GRAPH`` clauses see what the embedded engine
sees and nothing else (Virtuoso's system triples, other datasets on the same server). This
module does not import rdflib.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph

from ..errors import EnvError, QuerySyntaxError, UsageError
from ..interrupts import run_interruptibly
from ..rdf.results import Result
from ..rdf.sparqltext import BindableTerm, bind_values, check_read_only
from ..rdf.vocab import GRAPHS, QUERY_GRAPHS
from . import storedir
from .endpoints import DEFAULT_TIMEOUT, Credentials, Endpoint

__all__ = ["EndpointBackend", "StoreBackend", "open_store"]


def open_store(path: Path, *, create: bool) -> pyoxigraph.Store:
    """Opens the store for reading (``create=False``: a load killed in the middle of its swap
    is read from the previous store it set aside) or for writing."""
    if not create:
        readable = storedir.readable(path)
        if not storedir.is_store(readable):
            raise EnvError(
                f"{path}: no Oxigraph store there; create one with 'ackg load --store {path}'"
            )
        try:
            return pyoxigraph.Store.read_only(str(readable))
        except OSError as error:
            text = str(error).splitlines()[0][:200]
            raise EnvError(f"{path}: cannot open the store: {text}") from None
    return storedir.open_store(path, path)


class StoreBackend:
    """Runs queries on an on-disk store written by :func:`load_store` (opened read-only, so an
    Oxigraph server may hold it for writing at the same time)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._store: pyoxigraph.Store | None = None

    def __repr__(self) -> str:
        return f"<StoreBackend {self.path}>"

    @property
    def store(self) -> pyoxigraph.Store:
        """The store, opened on first use."""
        if self._store is None:
            self._store = open_store(self.path, create=False)
        return self._store

    def query(self, sparql: str, bindings: Mapping[str, BindableTerm] | None = None) -> Result:
        """Runs ``sparql`` with ``bindings`` on the project's graphs of the store."""
        text = bind_values(sparql, bindings or {})
        store = self.store
        try:
            # In a worker thread, so that Ctrl-C stops a long aggregate or sort at once.
            return run_interruptibly(
                lambda: Result.from_oxigraph(
                    store.query(
                        text,
                        default_graph=[pyoxigraph.NamedNode(graph) for graph in QUERY_GRAPHS],
                        named_graphs=[pyoxigraph.NamedNode(graph) for graph in GRAPHS],
                    )
                )
            )
        except SyntaxError as error:
            message = re.sub(r"^(?:error|Parser error)[^:]*:\s*", "", error.msg or str(error))
            raise QuerySyntaxError(
                f"invalid SPARQL: {message}", error.lineno, error.offset
            ) from error
        except (RuntimeError, OSError, ValueError) as error:
            raise UsageError(f"the query failed: {error}") from error


class EndpointBackend:
    """Runs queries on a SPARQL 1.1 server's query endpoint, on the graphs a load wrote there.

    Whatever calls it, it sends only read-only SPARQL 1.1: updates are refused, and so are
    ``SERVICE`` and ``FROM`` unless ``allow_network`` is true, and extension functions (such as
    Virtuoso's ``bif:http_get``) unless ``allow_extensions`` is true
    (:func:`~asean_customs_kg.rdf.sparqltext.check_read_only`), before anything reaches the server.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        credentials: Credentials | None = None,
        allow_network: bool = False,
        allow_extensions: bool = False,
    ) -> None:
        self.endpoint = Endpoint(url, timeout=timeout, credentials=credentials)
        self.allow_network = allow_network
        self.allow_extensions = allow_extensions

    def __repr__(self) -> str:
        return f"<EndpointBackend {self.endpoint.display_url}>"

    def permitting(
        self, *, allow_network: bool = False, allow_extensions: bool = False
    ) -> EndpointBackend:
        """This backend, allowing also what ``allow_network`` and ``allow_extensions`` allow
        (what :func:`~asean_customs_kg.query.queries.sparql` uses when the caller opted in)."""
        if not (allow_network and not self.allow_network) and not (
            allow_extensions and not self.allow_extensions
        ):
            return self
        widened = copy.copy(self)
        widened.allow_network = self.allow_network or allow_network
        widened.allow_extensions = self.allow_extensions or allow_extensions
        return widened

    def query(self, sparql: str, bindings: Mapping[str, BindableTerm] | None = None) -> Result:
        """Sends ``sparql`` with ``bindings`` bound by a VALUES block, once it is checked."""
        text = bind_values(sparql, bindings or {})
        check_read_only(
            text, allow_network=self.allow_network, allow_extensions=self.allow_extensions
        )
        return self.endpoint.query(
            text,
            default_graphs=QUERY_GRAPHS,
            named_graphs=GRAPHS,
        )

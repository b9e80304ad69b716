"""What the server serves, independent of HTTP: the graph (a backend), the saved queries, the
limits, and the answers, computed once where the graph cannot change.

A :class:`Service` runs queries through the library's public functions (``run_query``, ``sparql``,
:func:`~asean_customs_kg.publish.pages.describe`) as *jobs* (:meth:`Service.job`) within its
:class:`~.limits.Limits`: in query processes that can be killed (:mod:`.workers`) for the project's
files and an on-disk store, in worker threads for an endpoint. It turns the library's errors into
:class:`~.limits.HttpError` (400 for a bad request, 404 for an unknown query, 502 for a server that
fails, 500 for a broken saved query, with the file's name but not where it lives).
"""

from __future__ import annotations

import re
import shutil
import sys
from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..backends.embedded import Backend, EmbeddedBackend
from ..backends.stores import StoreBackend
from ..errors import AckgError, DataError, EnvError, UsageError
from ..publish.pages import Description, describe
from ..query.catalogue import SavedQuery, list_queries
from ..query.queries import run_query, sparql
from ..rdf.results import ROW_LIMIT, Result, TooManyRows
from ..resources import Root
from .limits import HttpError, Limits, QueryRunner
from .negotiation import write_result
from .workers import Pool, ProcessDied

if TYPE_CHECKING:
    from ..choices import DiagramFormat, DiagramKind


__all__ = ["Service"]

#: The cache of answers holds at most this many characters in all...
CACHE_CHARACTERS = 64 * 1024 * 1024
#: ... and no answer longer than this.
CACHE_ENTRY_CHARACTERS = 4 * 1024 * 1024
#: The largest graph that the home page draws when the graph is not the project's files.
MAX_DRAWN_TRIPLES = 200_000


#: What the library's messages tell a user of ``ackg`` to do, with a command or an option that
#: the server's clients cannot give, and what they are told instead.
_WEB_ADVICE = (
    (
        re.compile(r"; pass --allow-(?:network|extensions) \(\w+=True\) if that is intended$"),
        "; this server does not run such queries",
    ),
    (re.compile(r", e\.g\. --param (\S+)$"), r", e.g. ?\1"),
    (re.compile(r"; try again later or raise --timeout$"), "; try again later"),
    (
        re.compile(r" \(run 'ackg query ([\w-]+)' to list the (\w+)\)$"),
        r" (GET /api/\1 lists the \2)",
    ),
)


def _for_the_web(message: str) -> str:
    for advice, instead in _WEB_ADVICE:
        message = advice.sub(instead, message)
    return message


def http_error(error: AckgError) -> HttpError:
    """The HTTP answer to one of the library's errors (its advice to pass a command-line
    option replaced by what a client of the server can do)."""
    if isinstance(error, UsageError | EnvError):
        answer = _http_error(error)
        answer.message = _for_the_web(answer.message)
        return answer
    return _http_error(error)


def _http_error(error: AckgError) -> HttpError:
    if isinstance(error, DataError):
        where = error.path.name if error.path is not None else ""
        if where and error.line is not None:
            where += f":{error.line}" + (f":{error.column}" if error.column is not None else "")
        message = " ".join(error.message.split())
        return HttpError(500, f"{where}: {message}" if where else message)
    if isinstance(error, EnvError):
        return HttpError(502, str(error))
    if isinstance(error, UsageError) and str(error).startswith("unknown query "):
        return HttpError(404, str(error))
    return HttpError(400, str(error))


def _no_cache(cache_control: str | None) -> bool:
    """Whether a ``Cache-Control`` request header holds the ``no-cache`` directive."""
    if not cache_control:
        return False
    return any(
        part.split("=")[0].strip().lower() == "no-cache" for part in cache_control.split(",")
    )


class Service:
    """The graph behind the server: ``backend``, the project at ``root`` (its saved queries),
    and the ``limits``. Answers are cached when the graph cannot change while the server
    runs: the project's files, held in memory, and an on-disk store, which is opened
    read-only and so read as it was when the server started; not for an endpoint."""

    def __init__(self, backend: Backend, root: Root, limits: Limits, *, where: str) -> None:
        self.backend = backend
        self.root = root
        self.limits = limits
        self.where = where
        # The engine's queries cannot be stopped: where the graph is in this process (files,
        # store), they run in query processes that can be killed; an endpoint's, in threads.
        # (On Linux, whose socket pairs can pass a socket to another process with message
        # boundaries kept; elsewhere, in threads too.)
        self.pool = (
            Pool(limits.concurrent, self.job, self._in_query_process)
            if isinstance(backend, EmbeddedBackend | StoreBackend)
            and sys.platform.startswith("linux")
            else None
        )
        self.runner = QueryRunner(limits, self.job, self.pool)
        self.queries: dict[str, SavedQuery] = {query.name: query for query in list_queries(root)}
        self.cacheable = isinstance(backend, EmbeddedBackend | StoreBackend)
        self._cache: OrderedDict[Any, str] = OrderedDict()
        self._cached_characters = 0
        self._diagrams: dict[str, tuple[str, str]] = {}

    def cached(self, key: Any, cache_control: str | None = None) -> str | None:
        """A cached answer, or None: always None for a request whose ``Cache-Control`` header
        (``cache_control``) says ``no-cache`` (its answer is computed again, and kept)."""
        if not self.cacheable or _no_cache(cache_control):
            return None
        found = self._cache.get(key)
        if found is not None:
            self._cache.move_to_end(key)
        return found

    def remember(self, key: Any, text: str) -> str:
        """Caches the answer ``text`` under ``key`` (when answers may be cached and it is not
        over :data:`CACHE_ENTRY_CHARACTERS`), dropping the least recently used answers to stay
        within :data:`CACHE_CHARACTERS`; returns it."""
        if self.cacheable and len(text) <= CACHE_ENTRY_CHARACTERS and key not in self._cache:
            self._cache[key] = text
            self._cached_characters += len(text)
            while self._cached_characters > CACHE_CHARACTERS:
                _, dropped = self._cache.popitem(last=False)
                self._cached_characters -= len(dropped)
        return text

    def start(self) -> None:
        """Reads (or reaches) the graph, so that its errors are the command's, and starts the
        query processes. The project's files are loaded here, before the processes are
        forked, which share them; an on-disk store is opened only in the query processes."""
        if self.pool is None or isinstance(self.backend, EmbeddedBackend):
            self.backend.query("ASK { ?s ?p ?o }")
        if self.pool is None:
            return
        self.pool.start()
        try:
            if isinstance(self.backend, StoreBackend):
                self.pool.call_now(("check", ()))
        except ProcessDied:
            self.stop()
            raise EnvError("the query process could not open the store") from None
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Ends the query processes."""
        if self.pool is not None:
            self.pool.close()

    def _in_query_process(self) -> None:
        """Readies a query process: its queries run in its only thread (nothing there waits
        for Ctrl-C), and it opens the on-disk store for itself."""
        from ..interrupts import IN_CALLER

        IN_CALLER.set(True)
        if isinstance(self.backend, StoreBackend):
            self.backend = StoreBackend(self.backend.path)
            _ = self.backend.store

    def job(self, kind: str, args: tuple[Any, ...]) -> Any:
        """Runs the job ``kind`` with ``args`` (in a query process, or a worker thread): the
        work behind each route, reading at most the row limit from the engine for those that
        return rows (see :data:`~asean_customs_kg.rdf.results.ROW_LIMIT`: a result over it is
        refused without being read whole)."""
        backend = self.backend
        if kind in ("saved", "saved_text", "sparql"):
            ROW_LIMIT.set(self.limits.max_rows)
            if kind == "sparql":
                return sparql(args[0], backend=backend)
            query = self.queries[args[0]]
            result = run_query(query, args[1], backend=backend)
            if kind == "saved":
                return result
            self.runner.check_size(len(result))
            return write_result(result, args[2], query.prefixes)
        if kind == "describe":
            for iri in args[0]:
                found = describe(backend, iri)
                if found is not None:
                    return found
            return None
        if kind == "draw":
            return self._draw(*args)
        if kind == "check":
            backend.query("ASK { ?s ?p ?o }")
            return None
        raise ValueError(f"unknown job {kind!r}")

    async def _run(self, kind: str, *args: Any) -> Any:
        try:
            return await self.runner.run(kind, args)
        except AckgError as error:
            raise http_error(error) from None
        except TooManyRows:
            raise HttpError(
                400,
                f"the result has more than {self.limits.max_rows} rows, the server's limit; "
                "add a LIMIT or narrow the query",
            ) from None

    def query(self, name: str) -> SavedQuery:
        """The saved query ``name``; 404 when there is none."""
        query = self.queries.get(name)
        if query is None:
            import difflib

            close = difflib.get_close_matches(name, list(self.queries), n=3, cutoff=0.5)
            hint = f"did you mean {', '.join(close)}? " if close else ""
            raise HttpError(404, f"unknown query {name[:60]!r}; {hint}GET /api/ lists them")
        return query

    async def run_saved(self, query: SavedQuery, params: Mapping[str, str]) -> Result:
        """Runs a saved query with ``params``, as ``ackg query`` does."""
        result: Result = await self._run("saved", query.name, dict(params))
        self.runner.check_size(len(result))
        return result

    async def saved_text(self, query: SavedQuery, params: Mapping[str, str], fmt: str) -> str:
        """Runs a saved query with ``params`` and writes its result in ``fmt``, both in the
        query process (only the text then comes back to the server, not every term)."""
        text: str = await self._run("saved_text", query.name, dict(params), fmt)
        return text

    async def run_sparql(self, text: str) -> Result:
        """Runs an ad-hoc query with the refusals of ``ackg sparql`` (no update, no
        ``SERVICE`` or ``FROM``, no extension function)."""
        result: Result = await self._run("sparql", text)
        self.runner.check_size(len(result))
        return result

    async def describe(self, iris: list[str]) -> Description | None:
        """The description of the first of ``iris`` that the graph describes."""
        found: Description | None = await self._run("describe", list(iris))
        return found

    async def diagram(self, kind: str) -> tuple[str, str]:
        """The diagram ``kind`` (``structure`` or ``timeline``) as ``(media type, text)``:
        SVG when Graphviz's ``dot`` is installed, else Mermaid text. Drawn once per run."""
        if kind in self._diagrams:
            return self._diagrams[kind]
        fmt = "svg" if shutil.which("dot") else "mermaid"
        drawn: tuple[str, str] = await self._run("draw", kind, fmt)
        self._diagrams[kind] = drawn
        return drawn

    def _draw(self, kind: str, fmt: str) -> tuple[str, str]:
        from typing import cast

        import pyoxigraph

        from ..publish import diagram

        backend = self.backend
        if isinstance(backend, EmbeddedBackend):
            store = backend.store
        else:
            count = backend.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows()
            if not count or int(count[0][0] or 0) > MAX_DRAWN_TRIPLES:
                raise HttpError(
                    404, f"the graph has more than {MAX_DRAWN_TRIPLES} triples to draw from"
                )
            store = pyoxigraph.Store()
            triples = backend.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").triples
            store.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in triples)
        picture = diagram.diagram(
            cast("DiagramKind", kind), cast("DiagramFormat", fmt), store=store
        )
        text = picture.decode("utf-8") if isinstance(picture, bytes) else picture
        return ("image/svg+xml" if fmt == "svg" else "text/plain", text)

"""Loading a release into an on-disk store or a SPARQL 1.1 server (queries on them run through
:mod:`asean_customs_kg.backends.stores`).

An on-disk store (:func:`load_store_files`, :func:`load_store`) is replaced whole: the files
(or a built release) are bulk-loaded into a new store in a directory next to it, the triple
count of each graph is read back from disk, and the new directory is renamed into place
(:mod:`asean_customs_kg.backends.storedir` says what a crash at each step leaves and how the
next load puts it right).
One write of every statement, straight from the parser into the indexes, in bounded memory.

A SPARQL 1.1 server (:func:`load_endpoint`) is loaded in five steps:

1. drop the temporary graphs that interrupted earlier loads left (recognised by their names;
   nothing else under ``.../graph/loading/`` is touched), but only those started more than
   :data:`LEFTOVER_AGE` ago: a load running meanwhile keeps its own (on Virtuoso, its final
   ``MOVE`` from a dropped graph would empty the target graph);
2. send every named graph of the release, in chunks, to a temporary graph of this load's own
   (``.../graph/loading/<start>-<id>/<name>``, ``<start>`` the load's start in seconds since
   1970 UTC and ``<id>`` random, so that two loads never fill the same graphs), reporting
   progress after each chunk; the statements that
   share a blank node go in the same chunk, since a blank node means one node only within
   one request. Each chunk is an ``INSERT { GRAPH <tmp> { ... } } WHERE {}``, where the blank
   nodes of the template are new nodes (Virtuoso refuses blank nodes in ``INSERT DATA``);
3. read back the number of triples in each temporary graph and stop, with the targets untouched,
   if any differs from what was sent (a load that took longer than :data:`LEFTOVER_AGE`
   and lost them to another load before this check stops here);
4. replace every target graph by its temporary graph in ONE update request (``DROP SILENT
   GRAPH <g>; MOVE <tmp> TO <g>``...), which Oxigraph applies as one transaction; Virtuoso
   applies the operations of a request one after the other (a failure leaves the earlier ones
   done), so a failure during this request may leave some graphs replaced there;
5. read back the number of triples in each target graph and fail if it differs.

So, for both targets, a failure before the final step (server down, dropped connection, HTTP
error, timeout, Ctrl-C, a killed process) leaves the previous contents as they were, and
loading the same release twice gives the same graphs.

This module does not import rdflib.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import pyoxigraph

from ..backends import storedir
from ..backends.endpoints import DEFAULT_TIMEOUT, Credentials, Endpoint
from ..errors import DataError, EnvError, LoadInterrupted, UsageError
from ..rdf.results import Result
from ..rdf.vocab import BASE, GRAPHS, VOID_TRIPLES
from ..resources import RootLike
from .export import Release

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "LEFTOVER_AGE",
    "TEMPORARY_GRAPH_BASE",
    "LoadReport",
    "Progress",
    "chunks",
    "load_endpoint",
    "load_store",
    "load_store_files",
    "query_url_for",
    "temporary_graph",
]

#: Triples sent per request (or per store transaction) while loading. Virtuoso 7.2 refuses an
#: INSERT template of more than about 1,500 triples (the SQL it compiles to grows too long).
DEFAULT_CHUNK_SIZE = 1000
#: Where the temporary graphs of a load live.
TEMPORARY_GRAPH_BASE = BASE + "graph/loading/"
#: Seconds after its start when a load's temporary graphs count as left behind (by a killed
#: load) and the next load drops them: a day, far beyond any load (each request is bounded by
#: the timeout) and any difference between the clocks of two computers loading one server.
LEFTOVER_AGE = 24 * 3600

#: Called after each chunk with the number of triples sent so far and the total.
Progress = Callable[[int, int], None]

_COUNT = "SELECT ?graph (COUNT(*) AS ?triples) WHERE {{ VALUES ?graph {{ {graphs} }} GRAPH ?graph {{ ?s ?p ?o }} }} GROUP BY ?graph"  # noqa: E501


def temporary_graph(graph: str, load: str = "") -> str:
    """The temporary graph that the load ``load`` (its ``<start>-<id>``) fills before it
    replaces ``graph``: ``.../graph/loading/<load>/<name>``."""
    name = graph.rstrip("/").rsplit("/", 1)[-1]
    return TEMPORARY_GRAPH_BASE + (f"{load}/" if load else "") + name


def _load_id(start: float) -> str:
    return f"{int(start)}-{secrets.token_hex(4)}"


# The temporary graphs of a load (its start in seconds, a random id of 8 hex digits, then a
# graph's name), or of a load of earlier versions (the random id or nothing, then the name;
# undated, so dropped at once): nothing else under the base is a load's.
_TEMPORARY = re.compile(
    re.escape(TEMPORARY_GRAPH_BASE)
    + r"(?:(?:(?P<start>[0-9]{1,12})-)?[0-9a-f]{8}/)?(?:"
    + "|".join(re.escape(temporary_graph(graph)[len(TEMPORARY_GRAPH_BASE) :]) for graph in GRAPHS)
    + ")"
)
# (An empty GRAPH pattern would be cheaper, but Virtuoso 7.2 matches no graph with it.)
_LEFTOVERS = (
    "SELECT DISTINCT ?graph WHERE {{ GRAPH ?graph {{ ?s ?p ?o }} "
    'FILTER (STRSTARTS(STR(?graph), "{base}")) }}'
)


class LoadReport:
    """What a load did: the target (a path or a URL), the number of triples read back from each
    graph (equal to what was sent), and the number of chunks sent."""

    __slots__ = ("chunks", "counts", "target")

    def __init__(self, target: str, counts: Mapping[str, int], chunks: int) -> None:
        self.target = target
        self.counts = dict(counts)
        self.chunks = chunks

    def __repr__(self) -> str:
        return f"<LoadReport {self.total} triples into {self.target}>"

    @property
    def total(self) -> int:
        """The number of triples in all the graphs."""
        return sum(self.counts.values())


def chunks(
    triples: Sequence[pyoxigraph.Triple], size: int = DEFAULT_CHUNK_SIZE
) -> Iterator[list[pyoxigraph.Triple]]:
    """``triples`` in chunks of about ``size``, in order, keeping the triples that share a blank
    node (directly or through other blank nodes) in one chunk. A group larger than ``size``
    makes a chunk of its own."""
    if size < 1:
        raise UsageError(f"the chunk size must be at least 1, got {size}")
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for triple in triples:
        nodes = [
            term.value
            for term in (triple.subject, triple.object)
            if isinstance(term, pyoxigraph.BlankNode)
        ]
        for other in nodes[1:]:
            parent[find(other)] = find(nodes[0])
    groups: dict[str, list[pyoxigraph.Triple]] = {}
    order: list[str | pyoxigraph.Triple] = []
    for triple in triples:
        node = next(
            (
                term.value
                for term in (triple.subject, triple.object)
                if isinstance(term, pyoxigraph.BlankNode)
            ),
            None,
        )
        if node is None:
            order.append(triple)
            continue
        root = find(node)
        if root not in groups:
            groups[root] = []
            order.append(root)
        groups[root].append(triple)
    chunk: list[pyoxigraph.Triple] = []
    for item in order:
        group = groups[item] if isinstance(item, str) else [item]
        if chunk and len(chunk) + len(group) > size:
            yield chunk
            chunk = []
        chunk.extend(group)
    if chunk:
        yield chunk


def _iri_list(graphs: Iterable[str]) -> str:
    return " ".join(f"<{graph}>" for graph in graphs)


def _counts(result: Result, graphs: Iterable[str]) -> dict[str, int]:
    counts = dict.fromkeys(graphs, 0)
    for graph, number in result.solutions:
        if graph is not None and number is not None and graph.value in counts:
            counts[graph.value] = int(number.value)
    return counts


def _swap(counts: Mapping[str, int], load: str) -> str:
    """One update replacing each graph by its temporary graph (an empty one: dropped)."""
    operations = []
    for graph, triples in counts.items():
        operations.append(f"DROP SILENT GRAPH <{graph}>")
        if triples:
            operations.append(f"MOVE <{temporary_graph(graph, load)}> TO <{graph}>")
    return " ;\n".join(operations)


def _check(what: str, sent: Mapping[str, int], found: Mapping[str, int], after: str) -> None:
    for graph, expected in sent.items():
        if found.get(graph, 0) != expected:
            raise EnvError(
                f"{what} holds {found.get(graph, 0)} triples in <{graph}> {after}, but "
                f"{expected} were sent"
            )


# --- the embedded, on-disk store ---


def _store_counts(store: pyoxigraph.Store, graphs: Sequence[str]) -> dict[str, int]:
    counts = {}
    for graph in graphs:  # one query per graph: a VALUES block over them is slower
        answer = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        assert isinstance(answer, pyoxigraph.QuerySolutions)
        (row,) = answer
        number = row["n"]
        counts[graph] = int(number.value) if isinstance(number, pyoxigraph.Literal) else 0
    return counts


#: Fills a new store and returns the number of triples it should then hold in each graph.
_Fill = Callable[[pyoxigraph.Store], Mapping[str, int]]


def _replace_store(path: str | os.PathLike[str], fill: _Fill, steps: int) -> LoadReport:
    """Fills a new store next to ``path`` with ``fill``, reads its counts back from disk, and
    swaps it in place of the store at ``path`` (see :mod:`asean_customs_kg.backends.storedir`)."""
    shown = str(path)
    paths = storedir.StorePaths(path)
    intact = "the previous contents of the store are intact"
    storedir.check_in_the_way(paths, shown)
    with storedir.locked(paths, shown):
        work: storedir.Work | None = None
        try:
            storedir.recover(paths, shown)
            storedir.check_target(paths, shown)
            work = storedir.start(paths)
            store = storedir.open_store(work.new, work.new)
            try:
                expected = dict(fill(store))
                store.flush()
                # A bulk load leaves many overlapping files; compacting them once (1.7 s at
                # 10^6 triples) makes every later look-up of a query about twice as fast.
                store.optimize()
            except BaseException as error:
                # The traceback's frames hold the store open: let go of it before deleting.
                traceback.clear_frames(error.__traceback__)
                raise
            finally:
                del store
            # Read back from disk, as a server would find it.
            written = pyoxigraph.Store.read_only(str(work.new))
            try:
                found = _store_counts(written, list(expected))
            finally:
                del written
            _check(f"the new store {work.new}", expected, found, "after loading")
            storedir.check_target(paths, shown)  # no server started on it meanwhile
        except KeyboardInterrupt:
            _drop(work)
            raise LoadInterrupted(f"the load into {shown} was interrupted; {intact}") from None
        except (EnvError, DataError, UsageError) as error:
            _drop(work)
            if isinstance(error, EnvError) and "in use by another process" not in str(error):
                raise EnvError(f"the load into {shown} failed, {intact}: {error}") from None
            raise
        except OSError as error:
            _drop(work)
            raise EnvError(f"the load into {shown} failed, {intact}: {str(error)[:200]}") from None
        try:
            storedir.swap(paths, work)
        except OSError as error:
            raise EnvError(
                f"{shown}: the new store could not replace the previous one ({error}); "
                "the next load puts things right"
            ) from None
    return LoadReport(shown, found, steps)


def _drop(work: storedir.Work | None) -> None:
    """Deletes the work directory of a load that stopped before its swap."""
    if work is not None:
        storedir.finish(work)


def load_store(
    path: str | os.PathLike[str],
    release: Release,
    *,
    progress: Progress | None = None,
) -> LoadReport:
    """Loads ``release`` into the on-disk store at ``path`` (created if missing), replacing
    the whole store atomically: the release is bulk-loaded into a new store next to it, the
    count of each graph is read back from disk, and the new store is renamed into place (see
    :mod:`asean_customs_kg.backends.storedir`). ``progress`` is called after each graph. The
    directory can then be served by ``oxigraph serve --location PATH`` of the same Oxigraph version.

    Raises :class:`EnvError` when the store cannot be written (e.g. a server holds it) or a
    count read back differs, and :class:`UsageError` for a directory that is not a store.
    """

    def fill(store: pyoxigraph.Store) -> dict[str, int]:
        total, done = len(release), 0
        for name, triples in release.graphs.items():
            graph = pyoxigraph.NamedNode(name)
            store.bulk_extend(
                pyoxigraph.Quad(t.subject, t.predicate, t.object, graph) for t in triples
            )
            done += len(triples)
            if progress is not None:
                progress(done, total)
        return release.counts()

    return _replace_store(path, fill, len(release.graphs))


def load_store_files(
    path: str | os.PathLike[str],
    *,
    ontology: Sequence[Path] | None = None,
    shapes: Sequence[Path] | None = None,
    data: Sequence[Path] | None = None,
    progress: Progress | None = None,
    root: RootLike = None,
) -> LoadReport:
    """Loads the project's files (or the given ones) into the on-disk store at ``path`` as
    :func:`load_store` loads their release: the same named graphs and description, without
    building the release in memory. Each file is bulk-loaded into its graph, straight from the
    parser into the store's indexes; the description is then read from the store
    (:func:`~asean_customs_kg.release.export.describe_store`). ``progress`` is called after each
    file with the bytes read so far and the total. ``LoadReport.chunks`` is the number of files.

    Raises :class:`DataError` (file, line, column) for a syntax error, and as
    :func:`load_store` does.
    """
    from .export import DESCRIPTION_GRAPH, describe_store, source_files

    groups = source_files(ontology, shapes, data, root)
    files = [(name, file) for name, paths in groups.items() for file in paths]

    def fill(store: pyoxigraph.Store) -> dict[str, int]:
        sizes = [_size(file) for _, file in files]
        total, done = sum(sizes), 0
        for (name, file), size in zip(files, sizes, strict=True):
            try:
                store.bulk_load(
                    path=file,
                    format=pyoxigraph.RdfFormat.TURTLE,
                    to_graph=pyoxigraph.NamedNode(name),
                )
            except SyntaxError as error:
                raise DataError(
                    f"Turtle syntax error: {_POSITION.sub('', error.msg or str(error))}",
                    file,
                    error.lineno,
                    error.offset,
                ) from None
            except MemoryError as error:  # a term longer than the parser's buffer
                from ..rdf.graph import too_large_error

                raise too_large_error(file, error) from None
            done += size
            if progress is not None:
                progress(done, total)
        description = describe_store(store)
        graph = pyoxigraph.NamedNode(DESCRIPTION_GRAPH)
        store.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object, graph) for t in description)
        counts = {name: 0 for name in GRAPHS}
        for triple in description:  # the description states the count of every graph
            subject, count = triple.subject, triple.object
            if (
                triple.predicate.value == VOID_TRIPLES
                and isinstance(subject, pyoxigraph.NamedNode)
                and isinstance(count, pyoxigraph.Literal)
                and subject.value in counts
            ):
                counts[subject.value] = int(count.value)
        return counts

    return _replace_store(path, fill, len(files))


# pyoxigraph's messages start with the position, which DataError already shows.
_POSITION = re.compile(r"^Parser error (?:at|between) [^:]*:\s*")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError as error:
        raise EnvError(f"{path}: cannot read the file: {error.strerror or error}") from None


# --- SPARQL 1.1 servers ---


def query_url_for(update_url: str) -> str:
    """The query endpoint that usually goes with an update endpoint: ``.../update`` →
    ``.../query`` (Oxigraph, Fuseki), ``.../statements`` → ``...`` (GraphDB, RDF4J), else the
    same URL (Virtuoso's ``/sparql``, Fuseki's dataset URL)."""
    base, _, query = update_url.partition("?")
    if base.endswith("/update"):
        base = base[: -len("update")] + "query"
    elif base.endswith("/statements"):
        base = base[: -len("/statements")]
    return base + ("?" + query if query else "")


def _endpoint_counts(endpoint: Endpoint, graphs: Sequence[str]) -> dict[str, int]:
    return _counts(endpoint.query(_COUNT.format(graphs=_iri_list(graphs))), graphs)


def _insert(graph: str, triples: Sequence[pyoxigraph.Triple]) -> str:
    body = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert body is not None
    return f"INSERT {{ GRAPH <{graph}> {{\n{body.decode('utf-8')}}} }} WHERE {{}}"


def load_endpoint(
    update_url: str,
    release: Release,
    *,
    query_url: str | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    timeout: float = DEFAULT_TIMEOUT,
    credentials: Credentials | None = None,
    progress: Progress | None = None,
) -> LoadReport:
    """Loads ``release`` into a SPARQL 1.1 server through its update endpoint, replacing its
    graphs atomically (see the module doc); counts are read back from ``query_url`` (default:
    :func:`query_url_for`). Credentials default to the environment's.

    Raises :class:`EnvError` saying what happened (server down, HTTP error, timeout, count
    mismatch) and whether the previous contents are intact.
    """
    credentials = credentials or Credentials.from_environment(update_url)
    update = Endpoint(update_url, timeout=timeout, credentials=credentials)
    reader = Endpoint(
        query_url or query_url_for(update_url), timeout=timeout, credentials=credentials
    )
    sent = release.counts()
    start = time.time()
    load = _load_id(start)
    temporaries = [temporary_graph(name, load) for name in sent]
    cleanup = _drop_graphs(temporaries)
    intact = "the previous contents of the graphs are intact"
    try:
        leftovers = _leftovers(reader, start)
        if leftovers:
            update.update(_drop_graphs(leftovers))
        total, done, number = len(release), 0, 0
        for name, triples in release.graphs.items():
            for chunk in chunks(triples, chunk_size):
                update.update(_insert(temporary_graph(name, load), chunk))
                done, number = done + len(chunk), number + 1
                if progress is not None:
                    progress(done, total)
        expected = {temporary_graph(name, load): count for name, count in sent.items()}
        _check(
            f"the endpoint {reader.display_url}",
            expected,
            _endpoint_counts(reader, temporaries),
            "after loading",
        )
    except EnvError as error:
        _drop_quietly(update, cleanup)
        raise EnvError(f"the load failed, {intact}: {error}") from None
    except KeyboardInterrupt:
        _drop_quietly(update, cleanup)
        raise LoadInterrupted(f"the load was interrupted; {intact}") from None
    try:
        update.update(_swap(sent, load))
    except EnvError as error:
        raise EnvError(
            f"the final replacing request failed ({error}); a server that applies a request "
            "as one transaction (Oxigraph) kept the previous graphs, others (Virtuoso) may "
            "have replaced some of them: run the load again"
        ) from None
    found = _endpoint_counts(reader, list(sent))
    _check(f"the endpoint {reader.display_url}", sent, found, "after the load")
    return LoadReport(update.display_url, found, number)


def _drop_graphs(graphs: Iterable[str]) -> str:
    return " ;\n".join(f"DROP SILENT GRAPH <{graph}>" for graph in graphs)


def _leftovers(reader: Endpoint, now: float) -> list[str]:
    """The temporary graphs that earlier loads left (killed, or cut off from the server), as
    their names tell: nothing else under the base is a load's, and a load that started less
    than :data:`LEFTOVER_AGE` before ``now`` may still be running. Best effort: none when the
    server cannot list them (the load itself then says what is wrong with the server)."""
    quick = Endpoint(reader.url, timeout=min(reader.timeout, 10.0), credentials=reader.credentials)
    try:
        result = quick.query(_LEFTOVERS.format(base=TEMPORARY_GRAPH_BASE))
    except (EnvError, UsageError):
        return []
    found = set()
    for (graph,) in result.solutions:
        if not isinstance(graph, pyoxigraph.NamedNode):
            continue
        match = _TEMPORARY.fullmatch(graph.value)
        if match is not None and (
            match["start"] is None or int(match["start"]) < now - LEFTOVER_AGE
        ):
            found.add(graph.value)
    return sorted(found)


def _drop_quietly(endpoint: Endpoint, update: str) -> None:
    """Best effort: removes the temporary graphs after a failed load."""
    quick = Endpoint(
        endpoint.url, timeout=min(endpoint.timeout, 5.0), credentials=endpoint.credentials
    )
    with contextlib.suppress(EnvError):
        quick.update(update)

"""The resource pages of the site: each resource's description read and written in HTML,
Turtle, JSON-LD and N-Triples, by the shared renderer (:mod:`asean_customs_kg.publish.pages`).

Most of a build's time goes here (see benchmarks/README.md), so a large graph's
resources are shared out between worker processes: each reads the same statements (the
release's N-Triples lines, so the same blank-node labels) into a store of its own, and writes
the pages of every n-th resource. Every page depends only on the graph, never on which worker
wrote it, so the site has the same bytes however many workers there are.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pyoxigraph

from ...backends.embedded import Backend
from ...errors import UsageError
from ...rdf.results import Result
from ...rdf.sparqltext import BindableTerm, bind_values
from ..pages import BASE, RDF_FORMATS, Description, describe, render_html, render_rdf
from . import indexes
from .links import SiteLinker, page_path

__all__ = [
    "PARALLEL_FROM",
    "SITE_NAME",
    "TEMPLATES",
    "StoreBackend",
    "Summary",
    "Writer",
    "described_iris",
    "nav",
    "store_from_lines",
    "write_resources",
]

SITE_NAME = "ASEAN Customs Knowledge Graph"
#: The site's own templates (searched before the shared ones).
TEMPLATES = str(Path(__file__).resolve().parent / "templates")
#: From this many resources on, the pages are written by worker processes.
PARALLEL_FROM = 2000
_ONTOLOGY = BASE + "ontology"
_TERM = _ONTOLOGY + "#"

#: What an index page shows of a resource: its title and its types, as text.
Summary = tuple[str, str]


class Writer:
    """Writes the site's files under ``root``, counting them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.count = 0
        self._made: set[Path] = set()

    def write(self, path: str, data: str | bytes) -> None:
        target = self.root / path
        folder = target.parent
        if folder not in self._made:
            folder.mkdir(parents=True, exist_ok=True)
            self._made.add(folder)
        if isinstance(data, str):
            data = data.encode("utf-8")
        target.write_bytes(data)
        self.count += 1


def nav(linker: SiteLinker) -> list[tuple[str, str]]:
    """The header's links, relative to the page."""
    links = [(linker.to("index.html"), "Home")]
    links += [(linker.to(index.name + ".html"), index.title) for index in indexes.INDEXES]
    links += [
        (linker.to("ontology.html"), "Ontology"),
        (linker.to("queries/index.html"), "Saved queries"),
        (linker.to("docs/index.html"), "Reference"),
        (linker.to("release/index.html"), "Release"),
    ]
    return links


class StoreBackend:
    """Runs the pages' queries on an in-memory store in the calling thread. The embedded
    backend runs each query in a worker thread, so that Ctrl-C stops a long one at once; for
    the few-microsecond queries of a page (four a resource) the thread cost more than the
    query. Ctrl-C still stops the build between two queries."""

    def __init__(self, store: pyoxigraph.Store) -> None:
        self.store = store

    def query(self, sparql: str, bindings: Mapping[str, BindableTerm] | None = None) -> Result:
        """Runs ``sparql`` with ``bindings`` bound by a VALUES block."""
        text = bind_values(sparql, bindings or {})
        try:
            return Result.from_oxigraph(self.store.query(text))
        except SyntaxError as error:
            raise UsageError(f"invalid SPARQL: {error.msg or error}") from error


def store_from_lines(lines: bytes) -> pyoxigraph.Store:
    """A store whose default graph holds the N-Triples ``lines``, with their blank-node labels
    (``Store.load`` would give blank nodes new random labels, and the pages other bytes)."""
    store = pyoxigraph.Store()
    store.bulk_extend(pyoxigraph.parse(lines, format=pyoxigraph.RdfFormat.N_TRIPLES))
    return store


def described_iris(backend: Backend) -> list[str]:
    """Every IRI of the namespace that a statement of the graph has as its subject or object
    (so the graph describes it) and that can have a page, sorted."""
    result = backend.query(
        "SELECT DISTINCT ?x WHERE { { ?x ?p ?o } UNION { ?s ?p ?x } "
        f'FILTER (isIRI(?x) && STRSTARTS(STR(?x), "{BASE}")) }}'
    )
    found = {row[0].value for row in result.solutions if row[0] is not None}
    return sorted(iri for iri in found if page_path(iri) is not None)


def _write_resource(
    writer: Writer, description: Description, described: Collection[str], terms: Sequence[str]
) -> None:
    path = page_path(description.iri)
    assert path is not None
    linker = SiteLinker(path + ".html", described)
    extra: dict[str, Any] = {}
    template = "resource.html"
    if description.iri == _ONTOLOGY:
        template = "ontology.html"
        extra["terms"] = [
            (iri[len(_TERM) :], linker.href(iri), iri[len(_TERM) :])
            for iri in terms
            if linker.href(iri) is not None
        ]
    html = render_html(
        description,
        linker,
        nav=nav(linker),
        site_name=SITE_NAME,
        extra=extra,
        template=template,
        templates=(TEMPLATES,),
    )
    writer.write(path + ".html", html)
    for fmt in RDF_FORMATS:
        writer.write(f"{path}.{fmt}", render_rdf(description, fmt))


def _share(
    out: Path,
    shares: Sequence[tuple[Backend, Sequence[str]]],
    described: Collection[str],
    terms: Sequence[str],
) -> tuple[dict[str, Summary], int]:
    """Writes the pages of the IRIs of each ``(backend, iris)``; returns their summaries and
    the number of files written."""
    writer = Writer(out)
    summaries: dict[str, Summary] = {}
    for backend, iris in shares:
        for iri in iris:
            description = describe(backend, iri)
            if description is None:
                continue
            _write_resource(writer, description, described, terms)
            kinds = ", ".join(value.text for value in description.types)
            summaries[iri] = (description.title, kinds)
    return summaries, writer.count


def _worker(
    out: str,
    graphs: Sequence[tuple[bytes, Sequence[str]]],
    described: frozenset[str],
    terms: Sequence[str],
) -> tuple[dict[str, Summary], int]:
    """One worker process's share: its stores read from the N-Triples lines, then its pages."""
    shares = [(StoreBackend(store_from_lines(lines)), iris) for lines, iris in graphs]
    return _share(Path(out), shares, described, terms)


def write_resources(
    out: Path, graphs: Sequence[tuple[bytes, Backend, Sequence[str]]], workers: int | None = None
) -> tuple[dict[str, Summary], int]:
    """Writes the pages of the IRIs of each ``(N-Triples lines, backend over them, iris)``
    (the first graph's IRIs first); returns the summary of each resource written and the
    number of files. ``workers`` processes write them (default: up to 2, for a graph of
    :data:`PARALLEL_FROM` resources or more; 1 writes them here)."""
    described = frozenset(iri for _, _, iris in graphs for iri in iris)
    terms = sorted(
        iri for iri in described if iri.startswith(_TERM) and "/" not in iri[len(_TERM) :]
    )
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if len(described) >= PARALLEL_FROM else 1
    if workers <= 1:
        return _share(out, [(backend, iris) for _, backend, iris in graphs], described, terms)
    summaries: dict[str, Summary] = {}
    files = 0
    context = get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [
            pool.submit(
                _worker,
                str(out),
                [(lines, list(iris[n::workers])) for lines, _, iris in graphs],
                described,
                terms,
            )
            for n in range(workers)
        ]
        for future in futures:
            found, count = future.result()
            summaries.update(found)
            files += count
    return summaries, files

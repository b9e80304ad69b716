"""Building the static Linked Data site: ``ackg site -o DIR``.

The site is made from the project's files alone, and the same files give the same bytes:

* a page per resource of the project's namespace and per ontology term, written by the
  resource-page renderer that ``ackg serve`` uses (:mod:`asean_customs_kg.publish.pages`), as HTML
  (``id/body/cptfwg.html``) and as Turtle, JSON-LD and N-Triples (``.ttl``, ``.jsonld``,
  ``.nt``); the ontology's page lists its terms, each with an anchor named like the term, so
  that a hash IRI (``ontology#Term``) lands on its entry;
* index pages by type (:data:`~.indexes.INDEXES`), the home page with the org chart and the
  timeline, the saved queries with their results at build time, the reference documentation
  of ``ackg docs``, and the release files of ``ackg export`` with their VoID/DCAT description;
* the redirect rules for w3id.org (:mod:`.redirects`), when the site's address is known.

The pages are read from the release's graphs (their blank nodes canonically labelled), not
from a fresh parse of the files, so that nothing depends on the order of parsing. Links
between pages are relative (:mod:`.links`).
"""

from __future__ import annotations

import atexit
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph

from ... import resources
from ...backends.embedded import EmbeddedBackend
from ...errors import EnvError, UsageError
from ...release import export
from ..pages import BASE
from ..pages.render import TEMPLATES as PAGE_TEMPLATES
from ..pages.render import environment
from . import indexes
from .links import SiteLinker, page_path
from .redirects import htaccess
from .resource_pages import (
    SITE_NAME,
    TEMPLATES,
    StoreBackend,
    Writer,
    described_iris,
    nav,
    store_from_lines,
    write_resources,
)

if TYPE_CHECKING:
    import click

    from ...choices import ExportFormat

__all__ = ["MARKER", "SITE_NAME", "Built", "build_site"]

#: The file that marks a directory as a site (GitHub Pages: publish the files as they are).
MARKER = ".nojekyll"
_STATIC = PAGE_TEMPLATES.parent / "static"
_ONTOLOGY = BASE + "ontology"
_TERM = _ONTOLOGY + "#"

Runner = Callable[[Sequence[str]], int]


@dataclass
class Built:
    """What a build wrote: the number of files and of resources with pages."""

    directory: Path
    files: int = 0
    resources: int = 0
    redirects: bool = False
    notes: list[str] = field(default_factory=list)


def _page(template: str, path: str, described: set[str], **context: Any) -> str:
    linker = SiteLinker(path, described)
    env = environment(TEMPLATES)
    return env.get_template(template).render(
        linker=linker, nav=nav(linker), site_name=SITE_NAME, **context
    )


def _check_target(directory: Path) -> None:
    """Refuses a directory that holds files but is not a site written before."""
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory}: not a directory")
    if directory.is_dir() and any(directory.iterdir()) and not (directory / MARKER).exists():
        raise UsageError(
            f"{directory}: the directory is not empty and holds no site written by ackg site "
            f"(no {MARKER}); choose an empty or new directory"
        )


def build_site(
    directory: str | Path,
    *,
    root: resources.RootLike = None,
    site_url: str | None = None,
    group: click.Group | None = None,
    run: Runner | None = None,
    workers: int | None = None,
) -> Built:
    """Writes the site of the project at ``root`` into ``directory``, replacing a site written
    there before (a directory holding other files is refused). ``site_url`` is the address the
    site is published at, which the redirect rules for w3id.org point to (none are written
    without it); ``group`` and ``run`` are the command line, for the reference documentation
    (see :func:`asean_customs_kg.publish.docs.build`); ``workers`` is the number of processes that
    write the resource pages (default: see :func:`.resource_pages.write_resources`).

    Raises :class:`~asean_customs_kg.errors.DataError` for a file that does not parse,
    :class:`~asean_customs_kg.errors.UsageError` for a directory it may not replace and
    :class:`~asean_customs_kg.errors.EnvError` when it cannot write.
    """
    target = Path(directory)
    _check_target(target)
    project = resources.resolve_root(root)
    # Written beside the target, then swapped in: an interrupted or failed build leaves the
    # previous site as it was, and its partial copy is removed (at exit too, which is what
    # the command's Ctrl-C watchdog runs when it ends the process).
    partial = target.with_name(f".{target.name}.partial")
    previous = target.with_name(f".{target.name}.previous")

    def remove_partial() -> None:
        shutil.rmtree(partial, ignore_errors=True)

    atexit.register(remove_partial)
    try:
        remove_partial()
        built = _build(partial, project, site_url, group, run, workers)
        if target.exists():
            shutil.rmtree(previous, ignore_errors=True)
            target.replace(previous)
        partial.replace(target)
        shutil.rmtree(previous, ignore_errors=True)
    except OSError as error:
        remove_partial()
        where = error.filename or target
        raise EnvError(f"{where}: cannot write the site: {error.strerror or error}") from error
    except BaseException:
        remove_partial()
        raise
    finally:
        atexit.unregister(remove_partial)
    built.directory = target
    return built


def _build(
    out: Path,
    project: resources.Root,
    site_url: str | None,
    group: click.Group | None,
    run: Runner | None,
    workers: int | None,
) -> Built:
    writer = Writer(out)
    built = Built(out)
    release = export.build_release(root=project)
    lines = release.lines()
    main_lines = b"".join(line + b"\n" for name in export.QUERY_GRAPHS for line in lines[name])
    about_lines = b"".join(line + b"\n" for line in lines[export.DESCRIPTION_GRAPH])
    store = store_from_lines(main_lines)
    backend = EmbeddedBackend(store=store)
    pages = StoreBackend(store)
    about = StoreBackend(store_from_lines(about_lines))

    # The resources of the graph, then those only the release's description names.
    main_iris = described_iris(pages)
    taken = set(main_iris)
    extra_iris = [iri for iri in described_iris(about) if iri not in taken]
    summaries, files = write_resources(
        out, [(main_lines, pages, main_iris), (about_lines, about, extra_iris)], workers
    )
    writer.count += files
    described = set(summaries)
    terms = [iri for iri in described if iri.startswith(_TERM) and "/" not in iri[len(_TERM) :]]
    built.resources = len(summaries)

    found = indexes.write_indexes(writer.write, _page, pages, summaries)
    diagrams = indexes.write_diagrams(writer.write, backend.store, built.notes)
    counted = indexes.write_queries(writer.write, _page, backend, project, described)
    _write_release(writer, release, described)
    _write_docs(writer, project, group, run)
    writer.write(
        "index.html",
        _page(
            "home.html",
            "index.html",
            described,
            title="Home",
            indexes=found,
            terms=len(terms),
            queries=counted,
            diagrams=diagrams,
        ),
    )
    for asset in sorted(_STATIC.iterdir()):
        if asset.is_file():
            writer.write("static/" + asset.name, asset.read_bytes())
    if site_url is not None:
        writer.write(".htaccess", htaccess(site_url))
        built.redirects = True
    writer.write(MARKER, "")
    built.files = writer.count
    return built


_RELEASE_FORMATS: tuple[tuple[ExportFormat, str], ...] = (
    ("trig", "TriG: the named graphs"),
    ("nq", "N-Quads: the named graphs"),
    ("jsonld", "JSON-LD: the named graphs"),
    ("ttl", "Turtle: one graph"),
    ("nt", "N-Triples: one graph"),
)


def _write_release(writer: Writer, release: export.Release, described: set[str]) -> None:
    """``release/``: the release in every format of ``ackg export``, the description graph
    alone (``void.ttl``), the ontology and the shapes alone (for the redirect rules of their
    hash IRIs), and a page that lists them."""
    files = []
    for fmt, what in _RELEASE_FORMATS:
        name = f"asean-customs-kg.{fmt}"
        data = export.serialize(release, fmt)
        writer.write("release/" + name, data)
        files.append((name, what, len(data)))
    prefixes = release.prefixes
    parts = {
        "void": export.DESCRIPTION_GRAPH,
        "ontology": export.ONTOLOGY_GRAPH,
        "shapes": export.SHAPES_GRAPH,
    }
    for stem, graph in parts.items():
        triples = release.graphs[graph]
        for fmt, rdf_format in (
            ("ttl", pyoxigraph.RdfFormat.TURTLE),
            ("jsonld", pyoxigraph.RdfFormat.JSON_LD),
            ("nt", pyoxigraph.RdfFormat.N_TRIPLES),
        ):
            output = pyoxigraph.serialize(
                triples, format=rdf_format, prefixes=prefixes if fmt == "ttl" else None
            )
            writer.write(f"release/{stem}.{fmt}", output or b"")
    dataset = page_path(export.DATASET)
    writer.write(
        "release/index.html",
        _page(
            "release.html",
            "release/index.html",
            described,
            title="Release files",
            files=files,
            counts=sorted(release.counts().items()),
            dataset=f"{dataset}.html" if dataset and export.DATASET in described else "index.html",
        ),
    )


def _write_docs(
    writer: Writer, project: resources.Root, group: click.Group | None, run: Runner | None
) -> None:
    """``docs/``: the reference documentation, as ``ackg docs`` writes it."""
    from .. import docs, document

    for page in docs.build(group, run, project):
        writer.write(f"docs/{page.name}.html", document.render_html(page))
        writer.write(f"docs/{page.name}.md", document.render_markdown(page))

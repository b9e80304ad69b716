"""Building the static Linked Data site: ``ackg site -o DIR``.

The site is made from the project's files alone, and the same files give the same bytes:

* a page per resource of the project's namespace and per ontology term, written by the
  resource-page renderer that ``ackg serve`` uses (:mod:`asean_customs_kg.pages`), as HTML
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

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph

from .. import export, resources
from ..errors import EnvError, UsageError
from ..pages import BASE, RDF_FORMATS, Description, describe, render_html, render_rdf
from ..pages.render import TEMPLATES as PAGE_TEMPLATES
from ..pages.render import environment
from ..queries import EmbeddedBackend
from . import indexes
from .links import SiteLinker, page_path
from .redirects import htaccess

if TYPE_CHECKING:
    import click

__all__ = ["MARKER", "SITE_NAME", "Built", "build_site"]

SITE_NAME = "ASEAN Customs Knowledge Graph"
#: The file that marks a directory as a site (GitHub Pages: publish the files as they are).
MARKER = ".nojekyll"
_TEMPLATES = str(Path(__file__).resolve().parent / "templates")
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


class _Writer:
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


def _nav(linker: SiteLinker) -> list[tuple[str, str]]:
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


def _page(template: str, path: str, described: set[str], **context: Any) -> str:
    linker = SiteLinker(path, described)
    env = environment(_TEMPLATES)
    return env.get_template(template).render(
        linker=linker, nav=_nav(linker), site_name=SITE_NAME, **context
    )


def _store(release: export.Release, graphs: Sequence[str]) -> pyoxigraph.Store:
    """The triples of ``graphs`` of the release in the default graph of a new store."""
    store = pyoxigraph.Store()
    store.bulk_extend(
        pyoxigraph.Quad(t.subject, t.predicate, t.object)
        for name in graphs
        for t in release.graphs[name]
    )
    return store


def _namespace_iris(backend: EmbeddedBackend) -> list[str]:
    """Every IRI of the namespace that the graph uses, in any position, that can have a
    page, sorted."""
    result = backend.query(
        "SELECT DISTINCT ?x WHERE { { ?x ?p ?o } UNION { ?s ?x ?o } UNION { ?s ?p ?x } "
        f'FILTER (isIRI(?x) && STRSTARTS(STR(?x), "{BASE}")) }}'
    )
    found = {row[0].value for row in result.solutions if row[0] is not None}
    return sorted(iri for iri in found if page_path(iri) is not None)


def _write_resource(
    writer: _Writer, description: Description, described: set[str], terms: list[str]
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
        nav=_nav(linker),
        site_name=SITE_NAME,
        extra=extra,
        template=template,
        templates=(_TEMPLATES,),
    )
    writer.write(path + ".html", html)
    for fmt in RDF_FORMATS:
        writer.write(f"{path}.{fmt}", render_rdf(description, fmt))


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
) -> Built:
    """Writes the site of the project at ``root`` into ``directory``, replacing a site written
    there before (a directory holding other files is refused). ``site_url`` is the address the
    site is published at, which the redirect rules for w3id.org point to (none are written
    without it); ``group`` and ``run`` are the command line, for the reference documentation
    (see :func:`asean_customs_kg.docs.build`).

    Raises :class:`~asean_customs_kg.errors.DataError` for a file that does not parse,
    :class:`~asean_customs_kg.errors.UsageError` for a directory it may not replace and
    :class:`~asean_customs_kg.errors.EnvError` when it cannot write.
    """
    target = Path(directory)
    _check_target(target)
    project = resources.resolve_root(root)
    partial = target.with_name(f".{target.name}.partial")
    try:
        shutil.rmtree(partial, ignore_errors=True)
        built = _build(partial, project, site_url, group, run)
        if target.exists():
            shutil.rmtree(target)
        partial.replace(target)
    except OSError as error:
        shutil.rmtree(partial, ignore_errors=True)
        where = error.filename or target
        raise EnvError(f"{where}: cannot write the site: {error.strerror or error}") from error
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    built.directory = target
    return built


def _build(
    out: Path,
    project: resources.Root,
    site_url: str | None,
    group: click.Group | None,
    run: Runner | None,
) -> Built:
    writer = _Writer(out)
    built = Built(out)
    release = export.build_release(root=project)
    backend = EmbeddedBackend(store=_store(release, export.QUERY_GRAPHS))
    about = EmbeddedBackend(store=_store(release, (export.DESCRIPTION_GRAPH,)))

    # The resources of the graph, then those only the release's description names.
    main_iris = _namespace_iris(backend)
    extra_iris = [iri for iri in _namespace_iris(about) if iri not in set(main_iris)]
    descriptions: dict[str, Description] = {}
    for source, iris in ((backend, main_iris), (about, extra_iris)):
        for iri in iris:
            description = describe(source, iri)
            if description is not None:
                descriptions[iri] = description
    described = set(descriptions)
    terms = sorted(
        iri for iri in described if iri.startswith(_TERM) and "/" not in iri[len(_TERM) :]
    )
    for iri in sorted(descriptions):
        _write_resource(writer, descriptions[iri], described, terms)
    built.resources = len(descriptions)

    found = indexes.write_indexes(writer.write, _page, backend, descriptions)
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


_RELEASE_FORMATS: tuple[tuple[export.ExportFormat, str], ...] = (
    ("trig", "TriG: the named graphs"),
    ("nq", "N-Quads: the named graphs"),
    ("jsonld", "JSON-LD: the named graphs"),
    ("ttl", "Turtle: one graph"),
    ("nt", "N-Triples: one graph"),
)


def _write_release(writer: _Writer, release: export.Release, described: set[str]) -> None:
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
    writer: _Writer, project: resources.Root, group: click.Group | None, run: Runner | None
) -> None:
    """``docs/``: the reference documentation, as ``ackg docs`` writes it."""
    from .. import docs

    for page in docs.build(group, run, project):
        writer.write(f"docs/{page.name}.html", docs.render_html(page))
        writer.write(f"docs/{page.name}.md", docs.render_markdown(page))

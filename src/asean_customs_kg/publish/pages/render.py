"""Writing a resource's description: an HTML page for people, Turtle, JSON-LD or N-Triples for
programs.

The HTML comes from Jinja2 templates with autoescaping on, so every value from the data is
escaped; a link is made only to a page the :class:`Linker` knows or to an ``http(s)`` IRI, so a
``javascript:`` IRI in the data is shown as text, never followed. The page embeds its JSON-LD
(as a data block, with ``<`` escaped) and links its alternates (``<link rel="alternate">``).
Pages load only the stylesheet the linker names: no script, nothing from another site.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeAlias

import pyoxigraph

from .describe import BASE, PREFIXES, Description, Value, compact

if TYPE_CHECKING:
    import jinja2

__all__ = [
    "RDF_FORMATS",
    "RDF_MEDIA_TYPES",
    "TEMPLATES",
    "Linker",
    "PathLinker",
    "RdfFormat",
    "environment",
    "external_href",
    "render_html",
    "render_rdf",
]

RdfFormat: TypeAlias = Literal["ttl", "jsonld", "nt"]
#: The RDF formats of a resource, by suffix.
RDF_FORMATS: tuple[RdfFormat, ...] = ("ttl", "jsonld", "nt")
#: Their media types.
RDF_MEDIA_TYPES: Mapping[RdfFormat, str] = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
}
_OXIGRAPH_FORMATS = {
    "ttl": pyoxigraph.RdfFormat.TURTLE,
    "jsonld": pyoxigraph.RdfFormat.JSON_LD,
    "nt": pyoxigraph.RdfFormat.N_TRIPLES,
}
#: The directory of the page templates (``base.html``, ``resource.html``).
TEMPLATES = Path(__file__).resolve().parent / "templates"


class Linker(Protocol):
    """Where the links of a page point: each publisher (a live server, a static site) has its
    own."""

    def href(self, iri: str) -> str | None:
        """The link for a page about ``iri``, or None when it has none."""
        ...

    def alternate(self, iri: str, fmt: RdfFormat) -> str:
        """The link to the description of ``iri`` in the RDF format ``fmt``."""
        ...

    def asset(self, name: str) -> str:
        """The link to a file shipped with the pages (``style.css``)."""
        ...


def external_href(iri: str) -> str | None:
    """``iri`` when a browser may follow it (``http`` or ``https``), else None."""
    scheme = iri.split(":", 1)[0].lower()
    return iri if scheme in ("http", "https") and "://" in iri else None


class PathLinker:
    """Links for a server that answers each resource of :data:`~.describe.BASE` at its own path
    under ``prefix`` (``/id/body/ccc``); an ontology term ``ontology#Term`` at
    ``/ontology/Term``. Other ``http(s)`` IRIs link to themselves."""

    def __init__(self, prefix: str = "/", assets: str = "/static/") -> None:
        self.prefix = prefix if prefix.endswith("/") else prefix + "/"
        self.assets = assets if assets.endswith("/") else assets + "/"

    def path(self, iri: str) -> str | None:
        """The path of the page about ``iri`` (without the prefix), or None when ``iri`` is
        not in the project's namespace."""
        if not iri.startswith(BASE) or len(iri) == len(BASE):
            return None
        rest = iri[len(BASE) :]
        document, hash_, term = rest.partition("#")
        if hash_:
            return f"{document}/{term}" if term and "/" not in term else None
        return rest

    def iris(self, path: str) -> list[str]:
        """The IRIs a page path may stand for, most likely first: the IRI of that path, then
        the term of a hash namespace (``ontology/Term`` → ``ontology#Term``)."""
        path = path.lstrip("/")
        found = [BASE + path] if path else []
        head, slash, tail = path.rpartition("/")
        if slash and head and tail:
            found.append(f"{BASE}{head}#{tail}")
        return found

    def href(self, iri: str) -> str | None:
        """The page's link for a namespace IRI, the IRI itself for another web IRI."""
        path = self.path(iri)
        if path is not None:
            return self.prefix + path
        return external_href(iri)

    def alternate(self, iri: str, fmt: RdfFormat) -> str:
        """The page's link with the format's suffix (``/id/body/ccc.ttl``)."""
        path = self.path(iri)
        return f"{self.prefix}{path}.{fmt}" if path is not None else iri

    def asset(self, name: str) -> str:
        """``/static/NAME``."""
        return self.assets + name


def render_rdf(description: Description, fmt: RdfFormat) -> str:
    """The statements of ``description`` (about the resource, and pointing at it) as Turtle
    (with the common prefixes), JSON-LD or N-Triples, in a stable order."""
    triples = sorted(description.triples, key=str)
    output = pyoxigraph.serialize(
        triples,
        format=_OXIGRAPH_FORMATS[fmt],
        prefixes=dict(PREFIXES) if fmt == "ttl" else None,
    )
    text = output.decode("utf-8") if output is not None else ""
    return text if text.endswith("\n") or not text else text + "\n"


def _script_json(text: str) -> str:
    """JSON made safe inside ``<script type="application/ld+json">``: ``<``, ``>`` and ``&``
    written as JSON escapes, which leave the data unchanged."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@lru_cache(maxsize=8)
def environment(*directories: str) -> jinja2.Environment:
    """A Jinja2 environment over ``directories`` (searched first) and :data:`TEMPLATES`, with
    autoescaping on for every template."""
    import jinja2

    loader = jinja2.FileSystemLoader([*directories, str(TEMPLATES)])
    env = jinja2.Environment(
        loader=loader, autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True
    )
    env.globals["compact"] = compact
    env.globals["external_href"] = external_href
    return env


def render_html(
    description: Description,
    linker: Linker,
    *,
    nav: Sequence[tuple[str, str]] = (),
    site_name: str = "ASEAN Customs Knowledge Graph",
    extra: Mapping[str, Any] | None = None,
    template: str = "resource.html",
    templates: Sequence[str] = (),
) -> str:
    """The HTML page of ``description``: its label, IRI, types, statements (linked by their
    labels), the statements pointing at it, its sources (with what the graph records of the
    cited passage) and its derivation notes. ``nav`` is the header's ``(href, text)`` links.

    A publisher may render its own ``template`` (which may extend ``resource.html``) from its
    own ``templates`` directories, searched before :data:`TEMPLATES`; ``extra`` is passed to
    it."""
    jsonld = _script_json(render_rdf(description, "jsonld"))
    alternates = [
        (RDF_MEDIA_TYPES[fmt], linker.alternate(description.iri, fmt), fmt) for fmt in RDF_FORMATS
    ]

    def link(value: Value) -> str | None:
        if isinstance(value.term, pyoxigraph.NamedNode):
            return linker.href(value.term.value)
        return None

    page = environment(*templates).get_template(template)
    return page.render(
        d=description,
        linker=linker,
        link=link,
        nav=list(nav),
        site_name=site_name,
        title=description.title,
        jsonld=jsonld,
        alternates=alternates,
        grouped=_grouped(description),
        **(extra or {}),
    )


def _grouped(description: Description) -> list[tuple[Value, list[Value]]]:
    """The statements grouped by property, in the order of the sorted statements."""
    groups: dict[str, tuple[Value, list[Value]]] = {}
    for statement in description.statements:
        key = str(statement.predicate.term)
        groups.setdefault(key, (statement.predicate, []))[1].append(statement.value)
    return list(groups.values())

"""Where a resource's page lies in the static site, and links between pages that are relative,
so that the site works under any base path (a GitHub Pages project site lives under
``/REPOSITORY/``) and from the file system.

A resource ``BASE + "id/body/ccc"`` has its pages at ``id/body/ccc.html`` (and ``.ttl``,
``.jsonld``, ``.nt``); an ontology term ``BASE + "ontology#Term"`` at ``ontology/Term.html``,
the path that :class:`~asean_customs_kg.publish.pages.PathLinker` gives it. A link is made only to a
page the site has: other IRIs of the namespace are shown as text, never as a broken link.
"""

from __future__ import annotations

from collections.abc import Collection

from ..pages import BASE, PathLinker
from ..pages.render import RdfFormat, external_href

__all__ = ["SiteLinker", "page_path", "relative"]

_PATHS = PathLinker()


def page_path(iri: str) -> str | None:
    """The path of the pages about ``iri`` in the site, without a suffix (``id/body/ccc``),
    or None when ``iri`` is not one the namespace can give a page."""
    if not iri.startswith(BASE):
        return None
    path = _PATHS.path(iri)
    if path is None or not path or path.endswith("/") or "//" in path:
        return None
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return path


def relative(target: str, page: str) -> str:
    """The link from the page at ``page`` to the file at ``target`` (both paths in the site,
    with ``/`` between their parts): ``../`` for each folder of ``page``, then ``target``."""
    depth = page.count("/")
    return "../" * depth + target


class SiteLinker:
    """The links of the page at ``page`` (a path in the site, ``id/body/ccc.html``): to the
    pages of the IRIs in ``described`` (those that have one), to their RDF files, and to the
    files of ``static/``."""

    def __init__(self, page: str, described: Collection[str]) -> None:
        self.page = page
        self.described = described

    def to(self, target: str) -> str:
        """The link from this page to the file at ``target``."""
        return relative(target, self.page)

    def href(self, iri: str) -> str | None:
        """The link to the page about ``iri`` when the site has one; the IRI itself for a web
        IRI outside the namespace; else None."""
        if iri in self.described:
            path = page_path(iri)
            if path is not None:
                return self.to(path + ".html")
        if iri.startswith(BASE):
            return None
        return external_href(iri)

    def alternate(self, iri: str, fmt: RdfFormat) -> str:
        """The link to the description of ``iri`` in ``fmt`` (``../body/ccc.ttl``)."""
        path = page_path(iri)
        return self.to(f"{path}.{fmt}") if path is not None else iri

    def asset(self, name: str) -> str:
        """The link to ``static/NAME``."""
        return self.to("static/" + name)

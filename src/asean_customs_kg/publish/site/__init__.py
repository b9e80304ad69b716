"""Publishing the graph as a static Linked Data site, so that every IRI resolves: ``ackg site``.

:func:`build_site` writes the site (every resource's page in HTML, Turtle, JSON-LD and
N-Triples, from the renderer of :mod:`asean_customs_kg.publish.pages`; index pages, diagrams, saved
queries with their results, the reference documentation and the release files);
:func:`htaccess` writes the redirect rules that send each IRI of
``https://w3id.org/asean-customs-kg/`` to its page. The HTML needs Jinja2 (the ``web`` extra).
"""

from __future__ import annotations

from .build import MARKER, Built, build_site
from .links import SiteLinker, page_path
from .redirects import check_site_url, htaccess

__all__ = ["MARKER", "Built", "SiteLinker", "build_site", "check_site_url", "htaccess", "page_path"]

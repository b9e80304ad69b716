"""Resource pages: what the graph says about one resource, for people and for programs.

One renderer serves every place a resource is shown: :func:`describe` reads a resource's
description from any backend (the project's files, an on-disk store, a SPARQL server), and
:func:`render_html` / :func:`render_rdf` write it as an HTML page or as Turtle, JSON-LD or
N-Triples. ``ackg serve`` answers with these pages live; a static site writes the same pages
to files. Neither the reading nor the writing knows about HTTP: where a link points is asked of
a :class:`Linker`, which each publisher supplies.

This subpackage needs Jinja2 (the ``web`` extra) for HTML only, imported when a page is
rendered; reading a description and writing RDF need nothing beyond pyoxigraph.
"""

from __future__ import annotations

from .describe import BASE, PREFIXES, Description, Source, Statement, Value, compact, describe
from .render import RDF_FORMATS, RDF_MEDIA_TYPES, Linker, PathLinker, render_html, render_rdf

__all__ = [
    "BASE",
    "PREFIXES",
    "RDF_FORMATS",
    "RDF_MEDIA_TYPES",
    "Description",
    "Linker",
    "PathLinker",
    "Source",
    "Statement",
    "Value",
    "compact",
    "describe",
    "render_html",
    "render_rdf",
]

"""The redirect rules for w3id.org: an Apache ``.htaccess`` for the directory
``asean-customs-kg/`` of the w3id.org repository, in that service's convention (mod_rewrite,
one file per project).

Each IRI is sent with a ``303 See Other`` to the site's page about it, in the format that the
request's ``Accept`` header asks for: HTML for a browser (which names ``text/html``), Turtle,
JSON-LD or N-Triples for a program that names one of them, HTML otherwise. A request for a
page by name (``id/body/ccc.ttl``) goes to that file.

The ontology's terms are hash IRIs (``ontology#Term``): a client never sends the part after
``#``, so ``ontology`` is asked for; a browser is sent to the ontology's page, which keeps the
``#Term`` and has an anchor for each term, and a program to the whole ontology in its format
(the document that describes every term). The shapes likewise. The home of the namespace goes
to the site's home page.
"""

from __future__ import annotations

import re

from ...errors import UsageError

__all__ = ["MEDIA", "check_site_url", "htaccess"]

#: The formats of a page by the media type that asks for it, in the order the rules test them.
MEDIA: tuple[tuple[str, str], ...] = (
    ("text/html", "html"),
    ("text/turtle", "ttl"),
    ("application/ld+json", "jsonld"),
    ("application/n-triples", "nt"),
)
_SAFE_URL = re.compile(r"https?://[A-Za-z0-9.\-]+(:[0-9]+)?(/[A-Za-z0-9._~\-/]*)?")


def check_site_url(url: str) -> str:
    """``url`` ending with ``/``, when it is a plain ``http(s)`` address (host, port and path
    of letters, digits and ``.-_~/``); else a :class:`UsageError`."""
    if _SAFE_URL.fullmatch(url) is None:
        raise UsageError(
            f"--site-url {url[:80]!r} is not a plain http(s) address "
            "(e.g. https://OWNER.github.io/REPOSITORY/)"
        )
    return url if url.endswith("/") else url + "/"


def _negotiated(pattern: str, site: str, targets: dict[str, str]) -> list[str]:
    """The rules that send ``pattern`` to ``targets[fmt]`` by the Accept header."""
    lines = []
    for media, fmt in MEDIA:
        escaped = media.replace("+", r"\+").replace(".", r"\.")
        lines.append(f"RewriteCond %{{HTTP_ACCEPT}} {escaped}")
        lines.append(f"RewriteRule {pattern} {site}{targets[fmt]} [R=303,L]")
    lines.append(f"RewriteRule {pattern} {site}{targets['html']} [R=303,L]")
    return lines


def htaccess(site_url: str) -> str:
    """The ``.htaccess`` that sends the namespace's IRIs to the site at ``site_url``."""
    site = check_site_url(site_url)
    suffixes = "|".join(fmt for _, fmt in MEDIA)
    lines = [
        "# Redirects for https://w3id.org/asean-customs-kg/ to the site of the ASEAN Customs",
        "# Knowledge Graph, written by `ackg site --site-url URL`; it belongs in the directory",
        "# asean-customs-kg/ of the w3id.org repository.",
        "Header always set Access-Control-Allow-Origin *",
        "Options +FollowSymLinks",
        "RewriteEngine on",
        "",
        "# A page asked by name: that file.",
        f"RewriteRule ^((id|dataset|graph)(/.*)?\\.({suffixes}))$ {site}$1 [R=303,L]",
        "",
        "# A resource (id/...), the dataset and its named graphs: 303 See Other to its page in",
        "# the format that Accept asks for; HTML for a browser and by default.",
    ]
    pattern = "^((id/.+)|dataset|(graph/.+))$"
    lines += _negotiated(pattern, site, {fmt: f"$1.{fmt}" for _, fmt in MEDIA})
    for document, page in (("ontology", "ontology.html"), ("shapes", "docs/shapes.html")):
        lines += [
            "",
            f"# The {document} (hash IRIs: {document}#Term arrives as {document}): its page for",
            "# a browser, the whole document for a program.",
        ]
        targets = {fmt: f"release/{document}.{fmt}" for _, fmt in MEDIA}
        targets["html"] = page
        lines += _negotiated(f"^{document}$", site, targets)
    lines += [
        "",
        "# The namespace itself: the home page.",
        f"RewriteRule ^$ {site} [R=303,L]",
        "",
    ]
    return "\n".join(lines)

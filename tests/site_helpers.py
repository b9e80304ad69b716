"""The static site's checks that more than one test file uses: building it once per test run,
and a link checker."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from click.testing import CliRunner

from asean_customs_kg.cli.main import main

#: The address the test site is built for (only the redirect rules name it).
SITE_URL = "https://example.org/asean-customs-kg/"


def build(directory: Path, site_url: str = SITE_URL) -> str:
    """Runs ``ackg site -o DIRECTORY --site-url SITE_URL`` in-process; returns its stderr."""
    result = CliRunner().invoke(main, ["site", "-o", str(directory), "--site-url", site_url])
    assert result.exit_code == 0, result.output
    return result.stderr


class _Links(HTMLParser):
    """The links (``href``, ``src``) and the element ids of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src"):
                self.links.append(value)
            elif name == "id":
                self.ids.add(value)


def page_links(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def broken_links(site: Path) -> list[str]:
    """Every link of every HTML page of ``site`` that leads nowhere: a relative link to a file
    that is not there (or to an anchor the page lacks), a link that leaves the site by an
    absolute path, or one that is neither relative nor ``http(s)``."""
    broken: list[str] = []
    ids: dict[Path, set[str]] = {}
    pages = sorted(site.rglob("*.html"))
    found = {page.resolve(): page_links(page) for page in pages}
    for page in pages:
        for link in found[page.resolve()].links:
            parts = urlsplit(link)
            where = f"{page.relative_to(site)}: {link}"
            if parts.scheme in ("http", "https") and parts.netloc:
                continue
            if parts.scheme or parts.netloc or link.startswith("/"):
                broken.append(where)
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
            if site.resolve() not in target.parents or not target.is_file():
                broken.append(where)
                continue
            if parts.fragment and target.suffix == ".html":
                if target not in ids:
                    ids[target] = (found.get(target) or page_links(target)).ids
                if parts.fragment not in ids[target]:
                    broken.append(where)
    return broken

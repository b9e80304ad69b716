"""The small document model of the reference pages (:class:`Page`: headings, paragraphs, tables,
code) and its two renderings, HTML and Markdown; every piece of text is escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

from .. import __version__

__all__ = [
    "PAGES",
    "Block",
    "Code",
    "CodeBlock",
    "Heading",
    "Inline",
    "Link",
    "Page",
    "Para",
    "Table",
    "Text",
    "inlines",
    "md_escape",
    "render_html",
    "render_markdown",
]


@dataclass(frozen=True)
class Code:
    """Inline code."""

    text: str


@dataclass(frozen=True)
class Link:
    """A link: ``#anchor`` within the page, ``page.html#anchor`` or an absolute address."""

    text: str
    href: str


Inline: TypeAlias = "str | Code | Link"


Text: TypeAlias = "Inline | Sequence[Inline]"


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str | None


@dataclass(frozen=True)
class Para:
    text: list[Inline]


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[Text]]


@dataclass(frozen=True)
class CodeBlock:
    text: str


Block: TypeAlias = "Heading | Para | Table | CodeBlock"


@dataclass
class Page:
    """A page: a title and blocks (headings, paragraphs, tables, code blocks), in order."""

    name: str
    title: str
    blocks: list[Block] = field(default_factory=list)

    def heading(self, level: int, text: str, anchor: str | None = None) -> None:
        self.blocks.append(Heading(level, text, anchor))

    def para(self, *text: Inline) -> None:
        self.blocks.append(Para(list(text)))

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[Text]]) -> None:
        self.blocks.append(Table(list(headers), [list(row) for row in rows]))

    def code(self, text: str) -> None:
        self.blocks.append(CodeBlock(text))


def inlines(text: Text) -> list[Inline]:
    if isinstance(text, (str, Code, Link)):
        return [text]
    return list(text)


def _html_inline(text: Text) -> str:
    out: list[str] = []
    for item in inlines(text):
        if isinstance(item, Code):
            out.append(f"<code>{html.escape(item.text)}</code>")
        elif isinstance(item, Link):
            out.append(f'<a href="{html.escape(item.href)}">{html.escape(item.text)}</a>')
        else:
            out.append(html.escape(re.sub(r"\s+", " ", item)))
    return "".join(out)


def md_escape(text: str) -> str:
    text = re.sub(r"([\\`*_\[\]<>|])", r"\\\1", text)
    return re.sub(r"\s+", " ", text)


def _md_inline(text: Text, *, in_table: bool = False) -> str:
    out: list[str] = []
    for item in inlines(text):
        if isinstance(item, Code):
            body = item.text.replace("|", "\\|") if in_table else item.text
            fence = "``" if "`" in body else "`"
            out.append(f"{fence}{body}{fence}" if "`" not in body else f"{fence} {body} {fence}")
        elif isinstance(item, Link):
            href = item.href.replace(".html", ".md") if "://" not in item.href else item.href
            out.append(f"[{md_escape(item.text)}]({href})")
        else:
            out.append(md_escape(item))
    return "".join(out)


_CSS = """
body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem;
  color: #1f2933; line-height: 1.45; }
nav a { margin-right: 1rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #cbd2d9; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f0f4f8; }
code { background: #f0f4f8; padding: 0 0.2rem; }
pre { background: #f0f4f8; padding: 0.6rem; overflow-x: auto; }
h2 { border-bottom: 1px solid #cbd2d9; margin-top: 2rem; }
"""


PAGES = (
    ("index", "Reference"),
    ("ontology", "Ontology"),
    ("queries", "Saved queries"),
    ("shapes", "Shapes"),
    ("cli", "Command line"),
)


def render_html(page: Page) -> str:
    """The page as a standalone HTML document."""
    nav = " ".join(f'<a href="{name}.html">{html.escape(title)}</a>' for name, title in PAGES)
    body: list[str] = []
    for block in page.blocks:
        if isinstance(block, Heading):
            ident = f' id="{html.escape(block.anchor)}"' if block.anchor else ""
            body.append(f"<h{block.level}{ident}>{html.escape(block.text)}</h{block.level}>")
        elif isinstance(block, Para):
            body.append(f"<p>{_html_inline(block.text)}</p>")
        elif isinstance(block, CodeBlock):
            body.append(f"<pre><code>{html.escape(block.text)}</code></pre>")
        else:
            head = "".join(f"<th>{html.escape(h)}</th>" for h in block.headers)
            lines = [f"<table>\n<tr>{head}</tr>" if any(block.headers) else "<table>"]
            for row in block.rows:
                cells = "".join(f"<td>{_html_inline(cell)}</td>" for cell in row)
                lines.append(f"<tr>{cells}</tr>")
            lines.append("</table>")
            body.append("\n".join(lines))
    title = html.escape(f"{page.title}: ASEAN Customs Knowledge Graph {__version__}")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<nav>{nav}</nav>\n<h1>{html.escape(page.title)}</h1>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def render_markdown(page: Page) -> str:
    """The page as Markdown (GitHub flavour: pipe tables, fenced code)."""
    out = [f"# {page.title}", ""]
    for block in page.blocks:
        if isinstance(block, Heading):
            if block.anchor:
                out += [f'<a id="{html.escape(block.anchor)}"></a>', ""]
            out += [f"{'#' * block.level} {md_escape(block.text)}", ""]
        elif isinstance(block, Para):
            out += [_md_inline(block.text), ""]
        elif isinstance(block, CodeBlock):
            fence = "````" if "```" in block.text else "```"
            out += [fence, block.text.rstrip("\n"), fence, ""]
        else:
            out.append("| " + " | ".join(md_escape(h) for h in block.headers) + " |")
            out.append("|" + "---|" * len(block.headers))
            for row in block.rows:
                out.append("| " + " | ".join(_md_inline(c, in_table=True) for c in row) + " |")
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"

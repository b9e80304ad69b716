"""Reading a shapes graph for :mod:`.core`: single values, counts, lists, IRIs,
severities, messages, the parameters of constraint components declared in the shapes graph,
and the regular expressions of ``sh:pattern`` that the compiled path may run.

Whatever cannot be compiled exactly raises :class:`Unsupported`, and the shape goes to pySHACL.

pySHACL applies ``sh:pattern`` with Python's ``re``; the compiled path with Oxigraph's regular
expressions. :func:`plain_pattern` accepts only what both read alike, :func:`probe_pattern`
checks that both compile it; anything else leaves the constraint to pySHACL (see
:mod:`.core`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pyoxigraph

from ...rdf.vocab import SH, XSD, XSD_INTEGERS

if TYPE_CHECKING:
    import rdflib
    from rdflib.term import Node

__all__: list[str] = []


class Unsupported(Exception):
    """A shape, or a part of it, that is left to pySHACL."""


def sh_term(name: str) -> rdflib.URIRef:
    from rdflib import URIRef

    return URIRef(SH + name)


def sh_predicates(shapes: rdflib.Graph, node: Node) -> set[str]:
    return {str(p).removeprefix(SH) for p in shapes.predicates(node, None) if str(p).startswith(SH)}


def single_value(shapes: rdflib.Graph, node: Node, name: str) -> Node | None:
    values = list(shapes.objects(node, sh_term(name)))
    if len(values) > 1:
        raise Unsupported(f"several sh:{name}")
    return values[0] if values else None


def count_value(shapes: rdflib.Graph, node: Node, name: str) -> int | None:
    from rdflib import Literal

    value = single_value(shapes, node, name)
    if value is None:
        return None
    if (
        not isinstance(value, Literal)
        or str(value.datatype) not in XSD_INTEGERS
        or not isinstance(value.value, int)
        or value.value < 0
    ):
        raise Unsupported(f"sh:{name} is not a non-negative integer")
    return int(value.value)


def is_deactivated(shapes: rdflib.Graph, node: Node) -> bool:
    from rdflib import Literal

    value = single_value(shapes, node, "deactivated")
    if value is None:
        return False
    if not isinstance(value, Literal) or str(value.datatype) != XSD + "boolean":
        raise Unsupported("sh:deactivated is not a boolean")
    return bool(value.value)


def shape_severity(shapes: rdflib.Graph, node: Node) -> str:
    """The IRI of the shape's severity."""
    from rdflib import URIRef

    value = single_value(shapes, node, "severity")
    if value is not None and not isinstance(value, URIRef):
        raise Unsupported("sh:severity is not an IRI")
    return SH + "Violation" if value is None else str(value)


def shape_messages(shapes: rdflib.Graph, node: Node, force: bool) -> tuple[rdflib.Literal, ...]:
    """The shape's messages; without one, pySHACL writes its own text, which only the forced
    mode (``force``) does not try to match."""
    from rdflib import Literal

    messages = tuple(
        sorted(
            (m for m in shapes.objects(node, sh_term("message")) if isinstance(m, Literal)), key=str
        )
    )
    if not messages and not force:
        raise Unsupported("no sh:message: pySHACL writes its own")
    return messages


def first_message(messages: Sequence[rdflib.Literal]) -> str:
    english = [m for m in messages if m.language in (None, "en")]
    chosen = english or list(messages)
    return str(chosen[0]) if chosen else ""


def iri_text(value: Node | None) -> str:
    from rdflib import URIRef

    if not isinstance(value, URIRef) or any(c in str(value) for c in '<>"{}|^`\\ '):
        raise Unsupported("not an IRI")
    return str(value)


def list_items(shapes: rdflib.Graph, head: Node) -> list[Node]:
    from rdflib import RDF

    items: list[Node] = []
    seen: set[Node] = set()
    while str(head) != str(RDF.nil):
        if head in seen or len(list(shapes.objects(head, RDF.first))) != 1:
            raise Unsupported("not a well-formed list")
        seen.add(head)
        items.append(shapes.value(head, RDF.first))  # type: ignore[arg-type]
        rest = list(shapes.objects(head, RDF.rest))
        if len(rest) != 1:
            raise Unsupported("not a well-formed list")
        head = rest[0]
    return items


def custom_parameters(shapes: rdflib.Graph, shape: Node) -> set[Node]:
    """The predicates of ``shape`` that are parameters of a constraint component declared in
    the shapes graph (``sh:parameter [ sh:path ... ]``): such a shape goes to pySHACL whole."""
    parameters = {
        path
        for declaration in shapes.objects(None, sh_term("parameter"))
        for path in shapes.objects(declaration, sh_term("path"))
    }
    return set(shapes.predicates(shape, None)) & parameters


def plain_pattern(pattern: str) -> tuple[str, bool]:
    """``pattern`` if it is made only of what Python's ``re`` (pySHACL) and Oxigraph's regular
    expressions read alike, with whether it ends in ``$``; raises :class:`Unsupported`
    otherwise.

    Allowed: characters that are not special, ``\\`` before a character that is neither a letter
    nor a digit, ``\\n \\r \\t``, ``.``, ``^``, ``|``, groups ``( )`` and ``(?: )``, the
    quantifiers ``* + ?`` and ``{n}``, ``{n,}``, ``{n,m}`` (each maybe lazy), and character classes
    of such characters and ranges, maybe negated. ``$`` only as the last character: before a
    final newline Python's ``$`` also matches, which ``run._Renderer.passes`` reproduces by
    trying the value without it. Anything else (``\\w``, ``\\s``, ``\\b``, ``\\d``, look-around,
    back-references, inline flags, ``[[:alpha:]]``, class set operations...) is left to pySHACL.
    """
    import re

    token = re.compile(
        r"""\\[^A-Za-z0-9]|\\[nrt]|[^\\\[\]{}()*+?.^$|]|[.^|)*+?]|\((?:\?:)?|\{[0-9]+(?:,[0-9]*)?\}"""
        r"""|\[\^?(?:\\[^A-Za-z0-9]|\\[nrt]|[^\\\[\]^&~-]|-(?!-))+\]"""
    )
    body, ends = (
        (pattern[:-1], True)
        if pattern.endswith("$") and not _escaped(pattern)
        else (
            pattern,
            False,
        )
    )
    position, previous = 0, "("
    while position < len(body):
        found = token.match(body, position)
        # A quantifier right after "(" would make "(?=", "(?i)"...: not allowed.
        if found is None or (previous == "(" and found.group()[0] in "*+?{"):
            raise Unsupported("a regular expression Python and Oxigraph may read differently")
        position, previous = found.end(), found.group()
    return pattern, ends


def _escaped(pattern: str) -> bool:
    """Whether the last character of ``pattern`` follows an odd number of backslashes."""
    body = pattern[:-1]
    return (len(body) - len(body.rstrip("\\"))) % 2 == 1


def probe_pattern(pattern: str, flags: str) -> None:
    """Raises :class:`Unsupported` unless both Python and Oxigraph compile ``pattern``."""
    import re

    try:
        re.compile(pattern, (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0))
    except re.error as error:
        raise Unsupported("a regular expression Python cannot read") from error
    probe = pyoxigraph.Store().query(
        f'SELECT (REGEX("", {sparql_string(pattern)}, {sparql_string(flags)}) AS ?ok) {{}}'
    )
    assert isinstance(probe, pyoxigraph.QuerySolutions)
    if next(iter(probe))["ok"] is None:
        raise Unsupported("a regular expression Oxigraph cannot read")


def sparql_string(text: str) -> str:
    """A SPARQL string literal."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'

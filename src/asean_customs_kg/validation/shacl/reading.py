"""Reading a shapes graph for :mod:`.core`: single values, counts, lists, IRIs,
severities, messages, the parameters of constraint components declared in the shapes graph,
and the regular expressions of ``sh:pattern`` that the compiled path may run.

Whatever cannot be compiled exactly raises :class:`_Unsupported`, and the shape goes to pySHACL.

pySHACL applies ``sh:pattern`` with Python's ``re``; the compiled path with Oxigraph's regular
expressions. :func:`_plain_pattern` accepts only what both read alike, :func:`_probe_pattern`
checks that both compile it; anything else leaves the constraint to pySHACL (see
:mod:`.core`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pyoxigraph

if TYPE_CHECKING:
    import rdflib
    from rdflib.term import Node

__all__: list[str] = []

_SH = "http://www.w3.org/ns/shacl#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {
    _XSD + name
    for name in [
        "integer",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
}


class _Unsupported(Exception):
    """A shape, or a part of it, that is left to pySHACL."""


def _sh(name: str) -> rdflib.URIRef:
    from rdflib import URIRef

    return URIRef(_SH + name)


def _sh_predicates(shapes: rdflib.Graph, node: Node) -> set[str]:
    return {
        str(p).removeprefix(_SH) for p in shapes.predicates(node, None) if str(p).startswith(_SH)
    }


def _only(shapes: rdflib.Graph, node: Node, name: str) -> Node | None:
    values = list(shapes.objects(node, _sh(name)))
    if len(values) > 1:
        raise _Unsupported(f"several sh:{name}")
    return values[0] if values else None


def _count(shapes: rdflib.Graph, node: Node, name: str) -> int | None:
    from rdflib import Literal

    value = _only(shapes, node, name)
    if value is None:
        return None
    if (
        not isinstance(value, Literal)
        or str(value.datatype) not in _INTEGERS
        or not isinstance(value.value, int)
        or value.value < 0
    ):
        raise _Unsupported(f"sh:{name} is not a non-negative integer")
    return int(value.value)


def _deactivated(shapes: rdflib.Graph, node: Node) -> bool:
    from rdflib import Literal

    value = _only(shapes, node, "deactivated")
    if value is None:
        return False
    if not isinstance(value, Literal) or str(value.datatype) != _XSD + "boolean":
        raise _Unsupported("sh:deactivated is not a boolean")
    return bool(value.value)


def _severity(shapes: rdflib.Graph, node: Node) -> str:
    """The IRI of the shape's severity."""
    from rdflib import URIRef

    value = _only(shapes, node, "severity")
    if value is not None and not isinstance(value, URIRef):
        raise _Unsupported("sh:severity is not an IRI")
    return _SH + "Violation" if value is None else str(value)


def _messages(shapes: rdflib.Graph, node: Node, force: bool) -> tuple[rdflib.Literal, ...]:
    """The shape's messages; without one, pySHACL writes its own text, which only the forced
    mode (``force``) does not try to match."""
    from rdflib import Literal

    messages = tuple(
        sorted((m for m in shapes.objects(node, _sh("message")) if isinstance(m, Literal)), key=str)
    )
    if not messages and not force:
        raise _Unsupported("no sh:message: pySHACL writes its own")
    return messages


def _message(messages: Sequence[rdflib.Literal]) -> str:
    english = [m for m in messages if m.language in (None, "en")]
    chosen = english or list(messages)
    return str(chosen[0]) if chosen else ""


def _iri(value: Node | None) -> str:
    from rdflib import URIRef

    if not isinstance(value, URIRef) or any(c in str(value) for c in '<>"{}|^`\\ '):
        raise _Unsupported("not an IRI")
    return str(value)


def _items(shapes: rdflib.Graph, head: Node) -> list[Node]:
    from rdflib import RDF

    items: list[Node] = []
    seen: set[Node] = set()
    while str(head) != str(RDF.nil):
        if head in seen or len(list(shapes.objects(head, RDF.first))) != 1:
            raise _Unsupported("not a well-formed list")
        seen.add(head)
        items.append(shapes.value(head, RDF.first))  # type: ignore[arg-type]
        rest = list(shapes.objects(head, RDF.rest))
        if len(rest) != 1:
            raise _Unsupported("not a well-formed list")
        head = rest[0]
    return items


def _custom_parameters(shapes: rdflib.Graph, shape: Node) -> set[Node]:
    """The predicates of ``shape`` that are parameters of a constraint component declared in
    the shapes graph (``sh:parameter [ sh:path ... ]``): such a shape goes to pySHACL whole."""
    parameters = {
        path
        for declaration in shapes.objects(None, _sh("parameter"))
        for path in shapes.objects(declaration, _sh("path"))
    }
    return set(shapes.predicates(shape, None)) & parameters


def _plain_pattern(pattern: str) -> tuple[str, bool]:
    """``pattern`` if it is made only of what Python's ``re`` (pySHACL) and Oxigraph's regular
    expressions read alike, with whether it ends in ``$``; raises :class:`_Unsupported`
    otherwise.

    Allowed: characters that are not special, ``\\`` before a character that is neither a letter
    nor a digit, ``\\n \\r \\t``, ``.``, ``^``, ``|``, groups ``( )`` and ``(?: )``, the
    quantifiers ``* + ?`` and ``{n}``, ``{n,}``, ``{n,m}`` (each maybe lazy), and character classes
    of such characters and ranges, maybe negated. ``$`` only as the last character: before a
    final newline Python's ``$`` also matches, which ``shacl_run._Renderer.passes`` reproduces by
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
            raise _Unsupported("a regular expression Python and Oxigraph may read differently")
        position, previous = found.end(), found.group()
    return pattern, ends


def _escaped(pattern: str) -> bool:
    """Whether the last character of ``pattern`` follows an odd number of backslashes."""
    body = pattern[:-1]
    return (len(body) - len(body.rstrip("\\"))) % 2 == 1


def _probe_pattern(pattern: str, flags: str) -> None:
    """Raises :class:`_Unsupported` unless both Python and Oxigraph compile ``pattern``."""
    import re

    try:
        re.compile(pattern, (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0))
    except re.error as error:
        raise _Unsupported("a regular expression Python cannot read") from error
    probe = pyoxigraph.Store().query(
        f'SELECT (REGEX("", {_string(pattern)}, {_string(flags)}) AS ?ok) {{}}'
    )
    assert isinstance(probe, pyoxigraph.QuerySolutions)
    if next(iter(probe))["ok"] is None:
        raise _Unsupported("a regular expression Oxigraph cannot read")


def _string(text: str) -> str:
    """A SPARQL string literal."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'

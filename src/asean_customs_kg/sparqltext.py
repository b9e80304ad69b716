"""Reading SPARQL text without a SPARQL parser: tokens, the query form, prefixes, safety checks,
and binding parameter values into the text as a ``VALUES`` block.

The saved-query path must start fast and must not import rdflib, and pyoxigraph exposes no
query algebra, so this module reads queries with a small tokenizer that knows where strings,
comments, IRIs, variables and prefixed names begin and end. That is enough to find keywords
reliably (``SERVICE`` inside a string or an IRI is not a keyword), to find the outermost
``WHERE`` group, and to list the variables a query uses.

Binding values into text is what an HTTP endpoint needs (it cannot take pyoxigraph's
substitutions), and the embedded engine uses it too, so that every engine sees the same query.
Values are pyoxigraph terms, serialised here from their parts and validated; user text is never
spliced into a query.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import NamedTuple, TypeAlias

import pyoxigraph

from .errors import UsageError

__all__ = [
    "BindableTerm",
    "Token",
    "bind_values",
    "check_read_only",
    "prefixes_of",
    "query_form",
    "sparql_term",
    "tokens",
    "variables_of",
]

BindableTerm: TypeAlias = pyoxigraph.NamedNode | pyoxigraph.Literal

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
             | '''(?:[^'\\]|\\.|'(?!''))*'''
             | "(?:[^"\\\n\r]|\\.)*"
             | '(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][^\W][\w\u00b7]*)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>(?:[^\W\d][\w.-]*)?:(?:[\w:%]|\\.|\.(?=[\w:%]))*)
  | (?P<word>[^\W\d][\w]*)
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_UPDATES = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
_NETWORK = frozenset({"SERVICE", "FROM"})
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LANGUAGE = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_IRI_FORBIDDEN = re.compile(r'[<>"{}|^`\\\x00-\x20]')


class Token(NamedTuple):
    """A token of SPARQL text: its kind (``word``, ``var``, ``iri``, ``string``, ``pname``,
    ``lang``, ``comment``, ``space`` or ``other``), its text and its offset in the query."""

    kind: str
    text: str
    start: int


def tokens(text: str, *, skip_space: bool = True) -> Iterator[Token]:
    """The tokens of ``text`` in order; comments and white space are skipped by default."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if skip_space and kind in ("space", "comment"):
            continue
        yield Token(kind, match.group(), match.start())


def query_form(text: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``: the first query keyword of ``text``.

    Raises :class:`UsageError` when there is none (an update, or not SPARQL at all).
    """
    for token in tokens(text):
        if token.kind == "word":
            word = token.text.upper()
            if word in _FORMS:
                return word
            if word in _UPDATES:
                break
    raise UsageError(
        "not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE "
        "(updates are not run on the read-only path)"
    )


def prefixes_of(text: str) -> dict[str, str]:
    """The ``PREFIX name: <iri>`` declarations of ``text``, as ``{"name": "iri"}``."""
    found: dict[str, str] = {}
    items = list(tokens(text))
    for index, token in enumerate(items[:-2]):
        if token.kind == "word" and token.text.upper() == "PREFIX":
            name, iri = items[index + 1], items[index + 2]
            if name.kind == "pname" and name.text.endswith(":") and iri.kind == "iri":
                found[name.text[:-1]] = iri.text[1:-1]
    return found


def variables_of(text: str) -> list[str]:
    """The names of the variables that ``text`` uses, without ``?``/``$``, in order of first use."""
    seen: dict[str, None] = {}
    for token in tokens(text):
        if token.kind == "var":
            seen.setdefault(token.text[1:], None)
    return list(seen)


def check_read_only(text: str, *, allow_network: bool = False) -> None:
    """Refuses what the read-only query path must not run.

    Updates (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, ``DROP``...) are always refused.
    ``SERVICE`` and ``FROM`` / ``FROM NAMED`` (which some engines dereference over the network)
    are refused unless ``allow_network`` is true. Raises :class:`UsageError`.
    """
    for token in tokens(text):
        if token.kind != "word":
            continue
        word = token.text.upper()
        if word in _UPDATES:
            raise UsageError(
                f"SPARQL updates are not allowed here ({word} found); "
                "the query commands only read the graph"
            )
        if word in _NETWORK and not allow_network:
            raise UsageError(
                f"the query uses {word}, which can reach the network or other datasets; "
                "pass --allow-network (allow_network=True) if that is intended"
            )


def _escape_string(value: str) -> str:
    if re.search(r"\\[uU]", value):
        raise UsageError(
            "a parameter value may not contain a backslash followed by 'u' or 'U' "
            "(SPARQL engines may read it as an escape sequence)"
        )
    escaped = (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"'


def _iri(value: str) -> str:
    if not value or _IRI_FORBIDDEN.search(value):
        raise UsageError(f"cannot bind the IRI {value[:60]!r}: it has characters IRIs may not have")
    return f"<{value}>"


def sparql_term(term: BindableTerm) -> str:
    """``term`` written in SPARQL syntax (as in N-Triples), from its validated parts.

    Raises :class:`UsageError` for a blank node (which cannot be bound by value), an IRI or a
    language tag with characters that are not allowed, or a string holding ``\\u``.
    """
    if isinstance(term, pyoxigraph.NamedNode):
        return _iri(term.value)
    if isinstance(term, pyoxigraph.Literal):
        text = _escape_string(term.value)
        if term.language:
            if not _LANGUAGE.fullmatch(term.language):
                raise UsageError(f"cannot bind the language tag {term.language[:20]!r}")
            return f"{text}@{term.language}"
        datatype = term.datatype.value
        return text if datatype == _XSD_STRING else f"{text}^^{_iri(datatype)}"
    raise UsageError(f"cannot bind {type(term).__name__} values; bind an IRI or a literal")


def _where_brace(text: str) -> int:
    """The offset just after the ``{`` that opens the query's outermost WHERE group."""
    form = ""
    depth = 0
    groups = 0
    after_where = False
    for token in tokens(text):
        if token.kind == "word" and depth == 0:
            word = token.text.upper()
            if not form and word in _FORMS:
                form = word
            elif word == "WHERE":
                after_where = True
        elif token.kind == "other" and token.text == "{":
            if depth == 0 and form:
                groups += 1
                # CONSTRUCT { template } { pattern }: without WHERE, the pattern is the 2nd group.
                if after_where or form != "CONSTRUCT" or groups == 2:
                    return token.start + 1
            depth += 1
        elif token.kind == "other" and token.text == "}":
            depth -= 1
    raise UsageError("cannot bind parameters: the query has no WHERE group")


def bind_values(text: str, bindings: Mapping[str, BindableTerm]) -> str:
    """``text`` with ``bindings`` (variable name → term) bound by a ``VALUES`` block.

    The block is inserted at the start of the outermost WHERE group, on the same line as its
    ``{`` (so line numbers in error messages still match the file). It constrains every use of
    the variables in that group, including FILTERs and EXISTS; a variable used only inside a
    nested sub-SELECT that does not project it is not reached (saved queries project it).
    This is what the project sends to every engine, embedded or remote. Raises
    :class:`UsageError` for a variable name or a term that cannot be written safely.
    """
    if not bindings:
        return text
    names = []
    values = []
    for name, term in bindings.items():
        if not _VARIABLE_NAME.fullmatch(name):
            raise UsageError(f"cannot bind the variable name {name[:40]!r}")
        names.append(f"?{name}")
        values.append(sparql_term(term))
    block = f" VALUES ({' '.join(names)}) {{ ({' '.join(values)}) }} "
    offset = _where_brace(text)
    return text[:offset] + block + text[offset:]

"""Reading SPARQL text without a SPARQL parser: tokens, the query form, prefixes, safety checks,
and binding parameter values into the text as a ``VALUES`` block.

The saved-query path must start fast and must not import rdflib, and pyoxigraph exposes no
query parser or algebra, so this module reads queries with a small tokenizer that knows where
strings, comments, IRIs, numbers, variables and prefixed names begin and end. That is enough to
find keywords reliably (``SERVICE`` inside a string or an IRI is not a keyword), to find the
outermost ``WHERE`` group, to list the variables a query uses, and to find the functions it
calls (:func:`check_extensions`: engines' extension functions, such as Virtuoso's ``bif:`` and
``sql:`` ones, can fetch URLs, run commands or write, so the read-only path refuses them).

Binding values into text is what an HTTP endpoint needs (it cannot take pyoxigraph's
substitutions), and the embedded engine uses it too, so that every engine sees the same query.
Values are pyoxigraph terms, serialised here from their parts and validated; user text is never
spliced into a query.
"""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Iterator, Mapping

import pyoxigraph

from ..errors import ExtensionRefused, UsageError
from .vocab import XSD, XSD_STRING

__all__ = [
    "BindableTerm",
    "Token",
    "bind_values",
    "check_extensions",
    "check_read_only",
    "prefixes_of",
    "query_form",
    "sparql_term",
    "tokens",
    "variables_of",
]

# ``typing`` is not imported at run time: it would cost the cold saved-query path (mypy reads
# this block; the names below are plain at run time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NamedTuple, TypeAlias

    class Token(NamedTuple):
        """A token of SPARQL text: its kind, its text and its offset in the query."""

        kind: str
        text: str
        start: int

else:
    Token = namedtuple("Token", ["kind", "text", "start"])
    Token.__doc__ = """A token of SPARQL text: its kind (``word``, ``var``, ``iri``, ``string``,
    ``pname``, ``lang``, ``number``, ``comment``, ``space`` or ``other``), its text and its
    offset in the query."""


BindableTerm: TypeAlias = pyoxigraph.NamedNode | pyoxigraph.Literal


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
  | (?P<number>[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.?[0-9]+[eE][+-]?[0-9]+|[0-9]*\.[0-9]+|[0-9]+)
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
_VARIABLE_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_LANGUAGE = r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*"
_IRI_FORBIDDEN = r'[<>"{}|^`\\\x00-\x20]'


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


def check_read_only(
    text: str, *, allow_network: bool = False, allow_extensions: bool = False
) -> None:
    """Refuses what the read-only query path must not run.

    Updates (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, ``DROP``...) are always refused.
    ``SERVICE`` and ``FROM`` / ``FROM NAMED`` (which some engines dereference over the network)
    are refused unless ``allow_network`` is true; what is not SPARQL 1.1 (extension functions,
    vendor keywords: :func:`check_extensions`) unless ``allow_extensions`` is true. Raises
    :class:`UsageError`.
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
    if not allow_extensions:
        check_extensions(text)


def _escape_string(value: str) -> str:
    if "\\" in value and re.search(r"\\[uU]", value):
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
    if not value or re.search(_IRI_FORBIDDEN, value):
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
            if not re.fullmatch(_LANGUAGE, term.language):
                raise UsageError(f"cannot bind the language tag {term.language[:20]!r}")
            return f"{text}@{term.language}"
        datatype = term.datatype.value
        return text if datatype == XSD_STRING else f"{text}^^{_iri(datatype)}"
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
        if not re.fullmatch(_VARIABLE_NAME, name):
            raise UsageError(f"cannot bind the variable name {name[:40]!r}")
        names.append(f"?{name}")
        values.append(sparql_term(term))
    block = f" VALUES ({' '.join(names)}) {{ ({' '.join(values)}) }} "
    offset = _where_brace(text)
    return text[:offset] + block + text[offset:]


# --- extension functions and other syntax that is not SPARQL 1.1 ---


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: The keywords of the SPARQL 1.1 query and update grammars (upper case).
_KEYWORDS = _words(
    "BASE PREFIX SELECT DISTINCT REDUCED AS CONSTRUCT WHERE DESCRIBE ASK FROM NAMED GROUP "
    "BY HAVING ORDER ASC DESC LIMIT OFFSET VALUES LOAD SILENT INTO CLEAR DROP CREATE ADD "
    "MOVE COPY TO INSERT DATA DELETE WITH USING DEFAULT GRAPH ALL OPTIONAL SERVICE BIND "
    "UNDEF MINUS UNION FILTER A TRUE FALSE NOT IN EXISTS SEPARATOR"
)
#: The built-in functions of SPARQL 1.1 (section 17.4) and its aggregates (upper case).
_BUILT_INS = _words(
    "STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT "
    "STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR "
    "MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 "
    "SHA512 COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC "
    "REGEX SUBSTR REPLACE COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT"
)
#: The XSD datatypes a value may be cast to by calling the datatype's IRI as a function.
_XSD_CASTS = _words(
    "string boolean decimal integer double float date time dateTime dateTimeStamp duration "
    "dayTimeDuration yearMonthDuration gYear gYearMonth gMonth gMonthDay gDay long int "
    "short byte nonNegativeInteger positiveInteger nonPositiveInteger negativeInteger "
    "unsignedLong unsignedInt unsignedShort unsignedByte normalizedString token language "
    "Name NCName NMTOKEN anyURI base64Binary hexBinary"
)
#: The characters that SPARQL 1.1 uses outside strings, IRIs, comments and names.
_PUNCTUATION = frozenset("{}()[];,.=!<>&|+-*/^?$@\"'")
#: Tokens after which ``<`` in an expression is the less-than operator, not an IRI.
_OPERANDS = frozenset({"var", "string", "number", "iri", "pname", "lang"})
#: The clause keywords after which, outside brackets, an expression may follow.
_EXPRESSION_CLAUSES = frozenset({"SELECT", "DISTINCT", "REDUCED", "BY", "HAVING", "ASC", "DESC"})
_OPT_IN = (
    "engine extensions can reach the network or change data; "
    "pass --allow-extensions (allow_extensions=True) if that is intended"
)


def _declarations(text: str) -> dict[str, set[str]]:
    """Every IRI that each prefix of ``text`` is declared as (a prefix may be declared twice)."""
    found: dict[str, set[str]] = {}
    items = list(tokens(text))
    for index, token in enumerate(items[:-2]):
        if token.kind == "word" and token.text.upper() == "PREFIX":
            name, iri = items[index + 1], items[index + 2]
            if name.kind == "pname" and name.text.endswith(":") and iri.kind == "iri":
                found.setdefault(name.text[:-1], set()).add(iri.text[1:-1])
    return found


def _is_cast(name: Token, declared: Mapping[str, set[str]]) -> bool:
    """Whether calling ``name`` (an IRI or a prefixed name) is a cast to an XSD datatype. An
    undeclared ``xsd:`` is taken as the XSD namespace, as the engines that predefine it do."""
    if name.kind == "iri":
        iri = name.text[1:-1]
    else:
        prefix, _, local = name.text.partition(":")
        namespaces = declared.get(prefix, {XSD} if prefix == "xsd" else set())
        if len(namespaces) != 1 or "\\" in local:
            return False
        iri = next(iter(namespaces)) + local
    return iri.startswith(XSD) and iri[len(XSD) :] in _XSD_CASTS


def _next_code(text: str, position: int) -> str:
    """The next token of ``text`` from ``position`` that is neither space nor a comment."""
    while position < len(text):
        match = _TOKEN.match(text, position)
        assert match is not None  # the pattern matches any character
        if match.lastgroup not in ("space", "comment"):
            return match.group()
        position = match.end()
    return ""


def check_extensions(text: str, *, hint: str = _OPT_IN) -> None:
    """Refuses what is not SPARQL 1.1 in ``text`` before any engine sees it: a call of a
    function that is neither a SPARQL 1.1 built-in nor a cast to an XSD datatype (Virtuoso's
    ``bif:http_get(...)``, ``sql:...``, any ``<iri>(...)`` or ``prefix:name(...)``), a word
    that is no SPARQL 1.1 keyword (Virtuoso's ``DEFINE`` pragmas, ``OPTION (...)``, a bare
    vendor function), and a character SPARQL does not use (Virtuoso's back-quoted expressions).

    The text is read as tokens, so strings, comments and IRIs cannot hide or fake a call. A
    name followed by ``(`` is a call where an expression stands: in ``FILTER``, ``BIND``,
    ``HAVING``, ``ORDER BY``, ``GROUP BY``, the ``SELECT`` list and any parenthesis inside them;
    in a triple pattern, ``<iri> (`` opens a collection or a path, not a call. In an
    expression, ``<`` after an operand may be the less-than operator where the text after it
    also reads as an IRI (``?a<bif:f(?x)&&?b>?c``; Virtuoso reads an IRI, others may not), so
    that text is checked both ways. Neither pyoxigraph (no parser of its own exposed) nor rdflib
    (too slow to import on the query path, and it rejects the vendor syntax it would have to
    name) can do this. Raises :class:`ExtensionRefused` naming the first such function, word
    or character, followed by ``hint``.
    """
    declared = _declarations(text)
    # Each open bracket's context: "clause" (outside any group, or a sub-SELECT's clauses),
    # "pattern" (a group graph pattern, a collection, a path), "expr", or "data" (VALUES).
    stack = ["clause"]
    previous: Token | None = None
    constraint = False  # after FILTER: the next call or parenthesis is an expression
    values = False  # after VALUES: the next brackets hold data
    clause = ""  # the last keyword read outside brackets (PREFIX, SELECT, BY...)
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        assert match is not None
        kind, value = match.lastgroup or "other", match.group()
        context = stack[-1]
        expression = context in ("expr", "clause") or constraint
        if (
            kind == "iri"
            and (
                context == "expr"
                or constraint
                or (context == "clause" and clause in _EXPRESSION_CLAUSES)
            )
            and previous is not None
            and (
                previous.kind in _OPERANDS
                or previous.text in (")", "]")
                or previous.text.upper() in ("TRUE", "FALSE")
            )
        ):
            # '<' may be less-than here (engines differ: Virtuoso reads an IRI): the text up
            # to '>' must be harmless read as code too.
            try:
                check_extensions(value[1:-1], hint=hint)
            except ExtensionRefused as error:
                raise ExtensionRefused(error.message, position + 1 + error.offset) from None
        token = Token(kind, value, position)
        position += len(value)
        if kind in ("space", "comment"):
            continue
        if kind == "word":
            word = value.upper()
            if word not in _KEYWORDS and word not in _BUILT_INS:
                if _next_code(text, position) == "(":
                    raise ExtensionRefused(
                        f"the query calls {value}(), which is neither a SPARQL 1.1 built-in "
                        f"function nor an XSD cast; {hint}",
                        token.start,
                    )
                raise ExtensionRefused(
                    f"the query uses {value}, which is not a SPARQL 1.1 keyword; {hint}",
                    token.start,
                )
            if (context == "clause" or word == "SELECT") and word not in _BUILT_INS:
                clause = word
            if word == "SELECT" and context == "pattern":
                stack[-1] = "clause"  # a sub-SELECT: its clauses, then its WHERE group
            elif word == "FILTER":
                constraint = True
            elif word == "VALUES":
                values = True
        elif kind == "other" and value not in _PUNCTUATION:
            raise ExtensionRefused(
                f"the query holds {value!r}, which SPARQL 1.1 does not use outside strings, "
                f"IRIs and comments; {hint}",
                token.start,
            )
        elif value == "(":
            name = previous
            if (
                expression
                and name is not None
                and name.kind in ("iri", "pname")
                and not _is_cast(name, declared)
            ):
                raise ExtensionRefused(
                    f"the query calls the function {name.text}, which is neither a SPARQL 1.1 "
                    f"built-in nor an XSD cast; {hint}",
                    name.start,
                )
            if values or context == "data":
                stack.append("data")
            elif expression or (previous is not None and previous.text.upper() == "BIND"):
                stack.append("expr")
            else:
                stack.append("pattern")
        elif value in ("{", "["):
            stack.append("data" if values or context == "data" else "pattern")
            values = False
        elif value in (")", "}", "]") and len(stack) > 1:
            stack.pop()
        if kind not in ("word", "iri", "pname"):
            constraint = False
        previous = token

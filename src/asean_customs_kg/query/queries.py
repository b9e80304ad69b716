"""Running saved and ad-hoc queries: binding parameter values and running on a backend.

A saved query is ``queries/<name>.rq``: portable SPARQL 1.1 with a header of ``#+`` comment
lines in the grlc convention. The header is read with a small YAML subset (no YAML library):

* ``#+ key: value`` -- a string (``summary``, ``description``, ``method``...); surrounding
  quotes are removed;
* ``#+ key:`` followed by ``#+   - item`` lines -- a list of strings (``tags``, ``enumerate``);
* ``#+ key:`` followed by ``#+   - name: value`` lines -- a mapping (``defaults``, ``examples``).

Parameters are the query's variables that start with ``_`` (grlc's naming):

* ``?_name_iri`` -- an IRI. The value may be an acronym (``skos:notation``), a name
  (``skos:prefLabel`` / ``skos:altLabel``) or an identifier (``org:identifier``), matched without
  regard to case, or a prefixed name using the query's own prefixes (``ovw:p3``), or an IRI.
* ``?_name_xsd_type`` -- a literal typed ``xsd:type``; the value's form is checked for
  ``integer``, ``decimal``, ``boolean``, ``date``, ``gYear`` and ``gYearMonth``.
* ``?_name`` -- a plain string.

A name starting with two underscores (``?__name_iri``) is optional: left unbound when not
given. ``defaults`` gives values used when a parameter is not given; a parameter with no
default is required, and ``examples`` gives the value shown in help.

Values are bound as RDF terms by a ``VALUES`` block (see :mod:`asean_customs_kg.rdf.sparqltext`),
the same text for every engine. pyoxigraph's own ``substitutions=`` is not used: in pyoxigraph 0.5
it only accepts variables that the SELECT clause projects, and it does not exist for remote
endpoints.

The catalogue (reading the files and headers) is :mod:`asean_customs_kg.query.catalogue`; a
backend (:mod:`asean_customs_kg.backends.embedded`, the default, or an on-disk store or an
endpoint) runs the SPARQL text with its bindings. This module does not import rdflib, pyshacl or
owlrl.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping

import pyoxigraph

from ..backends.embedded import Backend, default_backend
from ..errors import DataError, EnvError, ExtensionRefused, QuerySyntaxError, UsageError
from ..rdf.results import Result
from ..rdf.sparqltext import (
    BindableTerm,
    check_extensions,
    check_read_only,
    query_form,
    sparql_term,
)
from ..rdf.vocab import ORG, SKOS, XSD
from .catalogue import LEXICAL_FORMS, Parameter, SavedQuery, get_query

# ``typing`` is not imported at run time: it would cost the cold saved-query path (mypy reads
# this block; the names below are plain at run time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO

__all__ = [
    "MAX_VALUE_LENGTH",
    "read_sparql_argument",
    "resolve_iri",
    "run_query",
    "sparql",
]

#: The longest parameter value accepted, in characters.
MAX_VALUE_LENGTH = 1000

_SCHEME = r"[A-Za-z][A-Za-z0-9+.-]*:"
# Code points that no RDF term may hold: lone surrogates (what Python makes of bytes that are
# not UTF-8 on the command line) and the control characters that XML 1.0, and so xsd:string,
# excludes (tab, line feed and carriage return are allowed).
_SURROGATE = "[\ud800-\udfff]"
_CONTROL = "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"

# The properties that name a resource, ranked: 1 acronyms, 2 names, 3 identifiers.
_NAMING = (
    (1, f"<{SKOS}notation>"),
    (2, f"<{SKOS}prefLabel>"),
    (2, f"<{SKOS}altLabel>"),
    (3, f"<{ORG}identifier>"),
)
# Exact spellings: one VALUES block of (rank, property, literal) rows, filled in by
# _exact_lookup, so that each row is a lookup in the store's predicate-object index and the
# cost does not grow with the graph (Oxigraph does not join two VALUES blocks first).
_EXACT = """SELECT DISTINCT ?rank ?resource WHERE {
  VALUES (?rank ?property ?key) { %s }
  ?resource ?property ?key .
} ORDER BY ?rank ?resource"""
# Case-insensitive comparison with every name of the graph: linear, the last resort.
_LOOKUP = f"""SELECT DISTINCT ?rank ?resource WHERE {{
  VALUES (?rank ?property) {{ {" ".join(f"({r} {p})" for r, p in _NAMING)} }}
  ?resource ?property ?key .
  FILTER (LCASE(STR(?key)) = ?_wanted)
}} ORDER BY ?rank ?resource"""
_DESCRIBED = "ASK { ?_resource ?predicate ?object }"
# The language tags tried for an exact name, besides the plain string.
_LANGUAGES = ("en",)
_ACRONYMS = f"SELECT DISTINCT ?acronym WHERE {{ ?resource <{SKOS}notation> ?acronym }}"


def _show(value: str) -> str:
    text = value if len(value) <= 40 else value[:37] + "..."
    return repr(text)


def resolve_iri(
    backend: Backend, value: str, prefixes: Mapping[str, str] | None = None, what: str = "value"
) -> pyoxigraph.NamedNode:
    """The IRI that ``value`` names: an acronym, a name or an identifier (case-insensitive),
    a prefixed name using ``prefixes``, or an IRI, in that order of preference.

    The lookup uses the store's indexes and stays fast on a large graph: first the names
    spelt exactly as given (or in upper, lower, capitalised or title case; a plain string or
    English), then the IRI when the graph describes it, and only when neither matches, a
    case-insensitive comparison with every name of the graph (linear in its size).

    Raises :class:`UsageError` when nothing matches (suggesting the closest acronyms), when a
    name matches several resources, or when an IRI is malformed.
    """
    best = _best(backend.query(_exact_lookup(value)))
    iri = _iri_of(value, prefixes)
    if not best and iri is not None:
        try:
            term = pyoxigraph.NamedNode(iri)
        except ValueError:
            pass
        else:
            if backend.query(_DESCRIBED, {"_resource": term}).boolean:
                return term
    if not best:
        best = _best(backend.query(_LOOKUP, {"_wanted": pyoxigraph.Literal(value.lower())}))
    if len(best) == 1:
        return pyoxigraph.NamedNode(best[0])
    if len(best) > 1:
        shown = ", ".join(f"<{iri}>" for iri in best[:3])
        raise UsageError(
            f"{what} {_show(value)} is ambiguous: it names {len(best)} resources ({shown}); "
            "give the IRI instead"
        )
    if iri is not None:
        try:
            return pyoxigraph.NamedNode(iri)
        except ValueError as error:
            raise UsageError(f"{what} {_show(value)} is not a valid IRI: {error}") from error
    raise UsageError(_unknown(backend, value, what))


def _exact_lookup(value: str) -> str:
    """The query that finds ``value`` spelt exactly, or in upper, lower, capitalised or title
    case, as a plain string or in each of :data:`_LANGUAGES`."""
    spellings = dict.fromkeys(
        (value, value.upper(), value.lower(), value.capitalize(), value.title())
    )
    terms = [
        sparql_term(
            pyoxigraph.Literal(text, language=language) if language else pyoxigraph.Literal(text)
        )
        for text in spellings
        for language in (None, *_LANGUAGES)
    ]
    return _EXACT % " ".join(
        f"({rank} {property} {term})" for rank, property in _NAMING for term in terms
    )


def _best(found: Result) -> list[str]:
    """The resources of the best rank in a lookup's answer (``?rank ?resource`` rows)."""
    best: list[str] = []
    for rank, resource in found.solutions:
        if isinstance(resource, pyoxigraph.NamedNode) and rank is not None:
            if best and rank != found.solutions[0][0]:
                break
            best.append(resource.value)
    return best


def _iri_of(value: str, prefixes: Mapping[str, str] | None) -> str | None:
    """The IRI that ``value`` writes, as a prefixed name using ``prefixes`` or in full; None
    when it is neither (the IRI is not checked here)."""
    prefix, colon, local = value.partition(":")
    if colon and prefixes and prefix in prefixes:
        return prefixes[prefix] + local
    if re.match(_SCHEME, value):
        return value
    return None


def _unknown(backend: Backend, value: str, what: str) -> str:
    import difflib

    acronyms = sorted(
        term.value
        for (term,) in backend.query(_ACRONYMS).solutions
        if isinstance(term, pyoxigraph.Literal)
    )
    by_upper = {acronym.upper(): acronym for acronym in acronyms}
    close = difflib.get_close_matches(value.upper(), list(by_upper), n=3, cutoff=0.6)
    hint = (
        f"did you mean {', '.join(by_upper[c] for c in close)}?"
        if close
        else "known acronyms include " + ", ".join(acronyms[:8]) + "."
    )
    return (
        f"unknown {what} {_show(value)}: no acronym, name or IRI matches; {hint} "
        "(run 'ackg query bodies' to list the bodies)"
    )


def _check_text(parameter: Parameter, value: str) -> None:
    """Refuses a value that is too long, not UTF-8 text, or holds a control character."""
    if len(value) > MAX_VALUE_LENGTH:
        raise UsageError(
            f"the value of parameter '{parameter.name}' is {len(value)} characters long; "
            f"at most {MAX_VALUE_LENGTH} are accepted"
        )
    # The checks that need a pattern run only when a quick test finds a candidate (a value that
    # is not ASCII, or not printable), so that a plain value compiles none of them.
    if not value.isascii() and re.search(_SURROGATE, value):
        raise UsageError(
            f"the value of parameter '{parameter.name}' is not valid UTF-8 text; give it in UTF-8"
        )
    control = None if value.isprintable() else re.search(_CONTROL, value)
    if control is not None:
        raise UsageError(
            f"the value of parameter '{parameter.name}' holds the control character "
            f"U+{ord(control.group()):04X}, which no value may hold"
        )


def _value(parameter: Parameter, value: str, backend: Backend, query: SavedQuery) -> BindableTerm:
    _check_text(parameter, value)
    if parameter.kind == "iri":
        return resolve_iri(backend, value.strip(), query.prefixes, parameter.name)
    if parameter.kind == "typed" and parameter.datatype is not None:
        local = parameter.datatype.removeprefix(XSD)
        check = LEXICAL_FORMS.get(local)
        if check is not None and not re.fullmatch(check[0], value):
            raise UsageError(
                f"invalid value {_show(value)} for parameter '{parameter.name}': "
                f"expected {check[1]}"
            )
        if local == "date":
            import datetime

            try:
                datetime.date.fromisoformat(value)
            except ValueError as error:
                raise UsageError(
                    f"invalid value {_show(value)} for parameter '{parameter.name}': "
                    f"expected {check[1] if check else 'a date'}"
                ) from error
        if check is None and parameter.datatype.startswith(XSD) and not _well_formed(value, local):
            raise UsageError(
                f"invalid value {_show(value)} for parameter '{parameter.name}': "
                f"expected {parameter.expected}"
            )
        return pyoxigraph.Literal(value, datatype=pyoxigraph.NamedNode(parameter.datatype))
    return pyoxigraph.Literal(value)


# XSD types whose values may be written in any script; every other XSD type is written in ASCII.
_UNICODE_TYPES = frozenset(
    ("string", "normalizedString", "token", "language", "Name", "NCName", "NMTOKEN", "anyURI")
)


def _well_formed(value: str, local: str) -> bool:
    """Whether ``value`` is a lexical form of ``xsd:<local>``, a type without a pattern in
    :data:`LEXICAL_FORMS`: the integer types by the integer pattern, the others by pyoxigraph's
    cast to the type where it has one (a query on an empty store), else by being ASCII."""
    if local.endswith(("Integer", "long", "int", "short", "byte", "Long", "Int", "Short", "Byte")):
        return re.fullmatch(LEXICAL_FORMS["integer"][0], value) is not None
    if local in _UNICODE_TYPES:
        return True
    cast = f"SELECT (<{XSD}{local}>({sparql_term(pyoxigraph.Literal(value))}) AS ?v) WHERE {{}}"
    try:
        answer = pyoxigraph.Store().query(cast)
    except (SyntaxError, RuntimeError, OSError, ValueError):
        return value.isascii()  # no cast to this type: XSD writes it in ASCII
    return any(solution[0] is not None for solution in answer)  # type: ignore[union-attr]


def bindings_for(
    query: SavedQuery, params: Mapping[str, str | BindableTerm], backend: Backend
) -> dict[str, BindableTerm]:
    """The terms to bind for ``params`` (name → value; a pyoxigraph term is used as it is),
    after defaults. Raises :class:`UsageError` for an unknown or missing parameter or a bad
    value."""
    for name in params:
        query.parameter(name)
    bindings: dict[str, BindableTerm] = {}
    for parameter in query.parameters:
        value = params.get(parameter.name, parameter.default)
        if value is None:
            if parameter.required:
                example = f"{parameter.name}={parameter.example or '...'}"
                raise UsageError(
                    f"query '{query.name}' needs the parameter '{parameter.name}' "
                    f"({parameter.expected}), e.g. --param {example}"
                )
            continue
        if isinstance(value, pyoxigraph.NamedNode | pyoxigraph.Literal):
            bindings[parameter.variable] = value
        else:
            bindings[parameter.variable] = _value(parameter, str(value), backend, query)
    return bindings


def run_query(
    name: str | SavedQuery,
    params: Mapping[str, str | BindableTerm] | None = None,
    *,
    backend: Backend | None = None,
    **keyword_params: str | BindableTerm,
) -> Result:
    """Runs a saved query and returns its :class:`Result`.

    ``run_query("reports-to", body="CPTFWG")`` or ``run_query("reports-to", {"body": "CPTFWG"})``.
    ``backend`` defaults to the embedded store of the project's files. Raises
    :class:`UsageError` for an unknown query or a missing or bad parameter, and
    :class:`DataError` (with the file's line and column) when the saved query itself is broken.
    """
    query = name if isinstance(name, SavedQuery) else get_query(name)
    engine = backend if backend is not None else default_backend()
    bindings = bindings_for(query, {**(params or {}), **keyword_params}, engine)
    try:
        check_read_only(query.text, allow_extensions=True)
        check_extensions(query.text, hint="a saved query must be portable SPARQL 1.1")
        return engine.query(query.text, bindings)
    except QuerySyntaxError as error:
        raise DataError(str(error), query.path, error.line, error.column) from error
    except ExtensionRefused as error:
        line = query.text.count("\n", 0, error.offset) + 1
        column = error.offset - query.text.rfind("\n", 0, error.offset)
        raise DataError(str(error), query.path, line, column) from None


def _is_file(argument: str) -> bool:
    """Whether ``argument`` names a file; :class:`EnvError` when that cannot be known (a
    directory on the way that may not be searched)."""
    from pathlib import Path  # not on the saved-query path, which has no use for it

    try:
        return Path(argument).is_file()
    except OSError as error:
        raise EnvError(f"{argument}: cannot read the query file: {error.strerror}") from error


def read_sparql_argument(argument: str, stdin: IO[str] | None = None) -> str:
    """The query text that a command-line argument gives: ``-`` reads ``stdin``; an existing
    file is read; anything else is the text itself; a leading byte order mark is dropped.
    Raises :class:`EnvError` for a file that cannot be read and :class:`UsageError` for empty
    text."""
    if argument == "-":
        text = (stdin or sys.stdin).read()
    elif "\n" not in argument and "{" not in argument and _is_file(argument):
        try:
            with open(argument, encoding="utf-8") as file:
                text = file.read()
        except (OSError, UnicodeDecodeError) as error:
            raise EnvError(f"{argument}: cannot read the query file: {error}") from error
    elif re.fullmatch(r"[^\s{}]+\.(rq|sparql)", argument):
        raise EnvError(f"{argument}: no such query file")
    else:
        text = argument
    text = text.removeprefix("\ufeff")  # a byte order mark, which editors may write first
    if not text.strip():
        raise UsageError("the query is empty; give SPARQL text, a file, or - for stdin")
    return text


def sparql(
    text: str,
    *,
    backend: Backend | None = None,
    allow_network: bool = False,
    allow_extensions: bool = False,
    bindings: Mapping[str, BindableTerm] | None = None,
) -> Result:
    """Runs an ad-hoc read-only query. Updates are refused; so are ``SERVICE`` and ``FROM``
    unless ``allow_network`` is true, and calls of functions that are neither SPARQL 1.1
    built-ins nor XSD casts (an engine's extensions, such as Virtuoso's ``bif:`` functions) and
    other syntax that is not SPARQL 1.1 unless ``allow_extensions`` is true; nothing is sent to
    the engine then. Raises :class:`UsageError` for a refused or invalid query."""
    if re.search(_SURROGATE, text):  # bytes that are not UTF-8, from the command line or stdin
        raise UsageError("the query is not valid UTF-8 text; give it in UTF-8")
    query_form(text)
    check_read_only(text, allow_network=allow_network, allow_extensions=allow_extensions)
    engine = backend if backend is not None else default_backend()
    permitting = getattr(engine, "permitting", None)
    if permitting is not None:  # a backend that checks on its own (EndpointBackend)
        engine = permitting(allow_network=allow_network, allow_extensions=allow_extensions)
    return engine.query(text, bindings)

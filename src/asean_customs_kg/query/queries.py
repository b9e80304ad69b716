"""The saved queries: the catalogue, their parameters, and running them on a backend.

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

A :class:`Backend` runs SPARQL text with bindings; :class:`EmbeddedBackend` (the default) holds
the project's ontology and data in an in-memory pyoxigraph store. This module does not import
rdflib, pyshacl or owlrl.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pyoxigraph

from .. import resources
from ..errors import DataError, EnvError, ExtensionRefused, QuerySyntaxError, UsageError
from ..interrupts import run_interruptibly
from ..rdf.results import Result
from ..rdf.sparqltext import (
    BindableTerm,
    bind_values,
    check_extensions,
    check_read_only,
    prefixes_of,
    query_form,
    sparql_term,
    variables_of,
)
from ..rdf.vocab import ORG, SKOS, XSD

# ``typing`` is not imported at run time: it would cost the cold saved-query path (mypy reads
# this block; the names below are plain at run time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import IO, Protocol

__all__ = [
    "MAX_VALUE_LENGTH",
    "Backend",
    "EmbeddedBackend",
    "Parameter",
    "SavedQuery",
    "default_backend",
    "get_query",
    "list_queries",
    "load_graph",
    "parse_header",
    "read_query",
    "read_sparql_argument",
    "resolve_iri",
    "run_query",
    "sparql",
]

#: The longest parameter value accepted, in characters.
MAX_VALUE_LENGTH = 1000

_NAME = r"[a-z0-9][a-z0-9-]*"
_HEADER_LINE = r"#\+ ?(.*)"
_KEY_VALUE = r"([A-Za-z_][\w-]*)\s*:\s*(.*)"
_ITEM = r"\s+-\s*(.*)"
# pyoxigraph's query errors read "error at LINE:COLUMN: message" (or a range).
_ENGINE_POSITION = r"(?s)error at (\d+):(\d+)(?:-\d+:\d+)?:\s*(.*)"
_SCHEME = r"[A-Za-z][A-Za-z0-9+.-]*:"
# XSD's lexical forms are written in ASCII digits: [0-9], never \d, which also matches the
# digits of other scripts (full-width, Arabic-Indic, Thai...) that no engine reads as a number.
_LEXICAL: dict[str, tuple[str, str]] = {
    "integer": (r"[+-]?[0-9]+", "an integer such as 3"),
    "decimal": (r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", "a decimal number such as 2.5"),
    "boolean": (r"true|false|1|0", "true or false"),
    "date": (r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "a date such as 2015-01-01"),
    "gYear": (r"[0-9]{4}", "a year such as 2023"),
    "gYearMonth": (r"[0-9]{4}-(0[1-9]|1[0-2])", "a month such as 2019-12"),
}
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


if not TYPE_CHECKING:  # a plain base class at run time; a protocol for the type checker
    Protocol = object


class Backend(Protocol):
    """Something that runs read-only SPARQL: the embedded store, an on-disk store, an endpoint.

    ``query`` runs ``sparql`` with ``bindings`` (variable name without ``?`` → IRI or literal)
    and returns a :class:`~asean_customs_kg.rdf.results.Result`. A backend that sends text
    elsewhere binds with :func:`asean_customs_kg.rdf.sparqltext.bind_values`. It raises
    :class:`~asean_customs_kg.errors.UsageError` for a query the engine rejects (with
    ``.line``/``.column`` attributes when known) and
    :class:`~asean_customs_kg.errors.EnvError` when the engine cannot be reached.
    """

    def query(self, sparql: str, bindings: Mapping[str, BindableTerm] | None = None) -> Result:
        """Runs ``sparql`` with ``bindings`` and returns its result."""
        ...


class EmbeddedBackend:
    """The project's files (ontology and data, or the given Turtle files) in an in-memory
    pyoxigraph store, loaded on first use."""

    def __init__(
        self,
        paths: Iterable[Path] | None = None,
        store: pyoxigraph.Store | None = None,
        *,
        root: resources.RootLike = None,
    ) -> None:
        self._paths = list(paths) if paths is not None else None
        self._store = store
        self._root = root

    @property
    def store(self) -> pyoxigraph.Store:
        """The pyoxigraph store, loaded from the files the first time it is needed."""
        if self._store is None:
            from ..rdf.graph import load_oxigraph

            paths = self._paths
            if paths is None:
                root = resources.resolve_root(self._root)
                paths = [*resources.ontology_files(root), *resources.data_files(root)]
            self._store = load_oxigraph(paths)
        return self._store

    def query(self, sparql: str, bindings: Mapping[str, BindableTerm] | None = None) -> Result:
        """Runs ``sparql`` on the store, with ``bindings`` bound by a VALUES block."""
        text = bind_values(sparql, bindings or {})
        store = self.store
        try:
            # In a worker thread, so that Ctrl-C stops a long aggregate or sort at once.
            return run_interruptibly(lambda: Result.from_oxigraph(store.query(text)))
        except SyntaxError as error:
            message = error.msg or str(error)
            line, column = error.lineno, error.offset
            where = re.match(_ENGINE_POSITION, message)
            if where is not None:
                line, column, message = int(where[1]), int(where[2]), where[3]
            raise QuerySyntaxError(f"invalid SPARQL: {message}", line, column) from error
        except (RuntimeError, OSError, ValueError) as error:
            raise UsageError(f"the query failed: {error}") from error


_DEFAULT: dict[Path, EmbeddedBackend] = {}


def default_backend(root: resources.RootLike = None) -> EmbeddedBackend:
    """The embedded backend over the files of the project at ``root`` (default: the one found
    from the working directory, see :mod:`asean_customs_kg.resources`), created once per project
    and process."""
    found = resources.resolve_root(root)
    backend = _DEFAULT.get(found.path)
    if backend is None:
        backend = _DEFAULT[found.path] = EmbeddedBackend(root=found)
    return backend


def load_graph(root: resources.RootLike = None) -> pyoxigraph.Store:
    """The project's ontology and data in a pyoxigraph store (the default backend's store)."""
    return default_backend(root).store


class Parameter:
    """A parameter of a saved query, read from a ``?_name...`` variable and the header.

    ``kind`` is ``"iri"``, ``"literal"`` or ``"typed"`` (with the full ``datatype`` IRI).
    A plain class rather than a dataclass: the dataclass machinery (and the ``inspect`` module
    it imports) would cost the cold saved-query path more than the query itself.
    """

    __slots__ = ("datatype", "default", "example", "kind", "name", "required", "variable")

    def __init__(
        self,
        name: str,
        variable: str,
        kind: str,
        datatype: str | None = None,
        required: bool = True,
        default: str | None = None,
        example: str | None = None,
    ) -> None:
        self.name = name
        self.variable = variable
        self.kind = kind
        self.datatype = datatype
        self.required = required
        self.default = default
        self.example = example

    def __repr__(self) -> str:
        return f"<Parameter {self.describe()}>"

    @property
    def expected(self) -> str:
        """What a value looks like, in words."""
        if self.kind == "iri":
            return "an acronym, a name or an IRI"
        if self.kind == "typed" and self.datatype is not None:
            local = self.datatype.removeprefix(XSD)
            return _LEXICAL[local][1] if local in _LEXICAL else f"a value of type xsd:{local}"
        return "a text value"

    def describe(self) -> str:
        """``name=value`` with the default or example, as shown in listings and help."""
        if self.default is not None:
            return f"{self.name}={self.default} (default)"
        if self.example is not None:
            return f"{self.name}={self.example}" + ("" if self.required else " (optional)")
        return self.name + ("" if self.required else " (optional)")


class SavedQuery:
    """A query of the catalogue: its name, file, text, form (``SELECT``...), header fields,
    parameters and ``PREFIX`` declarations."""

    __slots__ = (
        "description",
        "form",
        "name",
        "parameters",
        "path",
        "prefixes",
        "summary",
        "tags",
        "text",
    )

    def __init__(
        self,
        name: str,
        path: Path,
        text: str,
        form: str,
        summary: str = "",
        description: str = "",
        tags: tuple[str, ...] = (),
        parameters: tuple[Parameter, ...] = (),
        prefixes: Mapping[str, str] | None = None,
    ) -> None:
        self.name = name
        self.path = path
        self.text = text
        self.form = form
        self.summary = summary
        self.description = description
        self.tags = tags
        self.parameters = parameters
        self.prefixes: Mapping[str, str] = prefixes if prefixes is not None else {}

    def __repr__(self) -> str:
        return f"<SavedQuery {self.name}>"

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name``; :class:`UsageError` naming the known ones if none."""
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise UsageError(
            f"query '{self.name}' has no parameter {name[:40]!r}; its parameters: {known}"
        )


def _scalar(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def parse_header(
    text: str, path: Path | None = None
) -> dict[str, str | list[str] | dict[str, str]]:
    """The ``#+`` header of a query (see the module doc for the subset of YAML it reads).

    Raises :class:`DataError` with the file, line and column for a line it cannot read.
    """
    header: dict[str, str | list[str] | dict[str, str]] = {}
    key: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(_HEADER_LINE, line)
        if match is None:
            continue
        body = match.group(1)
        item = re.match(_ITEM, body)
        if item is not None and key is not None:
            current = header[key]
            pair = re.fullmatch(_KEY_VALUE, item.group(1).strip())
            if pair is not None and not isinstance(current, list):
                assert isinstance(current, dict)
                current[pair.group(1)] = _scalar(pair.group(2))
                continue
            if pair is None and isinstance(current, list):
                current.append(_scalar(item.group(1)))
                continue
            if isinstance(current, dict) and not current and pair is None:
                header[key] = [_scalar(item.group(1))]
                continue
            raise DataError("mixed list items and 'name: value' items in the header", path, number)
        pair = re.fullmatch(_KEY_VALUE, body.strip())
        if pair is None or body[:1].isspace():
            raise DataError(
                "expected '#+ key: value', '#+ key:' or '#+   - item' in the header",
                path,
                number,
                3,
            )
        key = pair.group(1)
        value = pair.group(2).strip()
        header[key] = _scalar(value) if value else {}
    return header


def _mapping(header: Mapping[str, object], key: str) -> dict[str, str]:
    value = header.get(key, {})
    return dict(value) if isinstance(value, dict) else {}


def _parameters(variables: Sequence[str], header: Mapping[str, object]) -> tuple[Parameter, ...]:
    defaults = _mapping(header, "defaults")
    examples = _mapping(header, "examples")
    found: list[Parameter] = []
    for variable in variables:
        if not variable.startswith("_"):
            continue
        optional = variable.startswith("__")
        stem = variable.lstrip("_")
        kind, datatype = "literal", None
        if stem.endswith("_iri"):
            kind, stem = "iri", stem[: -len("_iri")]
        elif "_xsd_" in stem:
            stem, local = stem.split("_xsd_", 1)
            kind, datatype = "typed", XSD + local
        default = defaults.get(stem)
        found.append(
            Parameter(
                name=stem,
                variable=variable,
                kind=kind,
                datatype=datatype,
                required=default is None and not optional,
                default=default,
                example=examples.get(stem, default),
            )
        )
    return tuple(found)


def read_query(path: Path) -> SavedQuery:
    """Reads one saved query file. Raises :class:`DataError` for a header it cannot read."""
    name = path.stem
    text = path.read_text(encoding="utf-8-sig")  # without the byte order mark editors may add
    header = parse_header(text, path)
    try:
        form = query_form(text)
    except UsageError as error:
        raise DataError(str(error), path) from error
    tags = header.get("tags", [])
    return SavedQuery(
        name=name,
        path=path,
        text=text,
        form=form,
        summary=str(header.get("summary", "")),
        description=str(header.get("description", "")),
        tags=tuple(tags) if isinstance(tags, list) else (),
        parameters=_parameters(variables_of(text), header),
        prefixes=prefixes_of(text),
    )


def list_queries(root: resources.RootLike = None) -> list[SavedQuery]:
    """Every saved query of the project (at ``root``, see :mod:`asean_customs_kg.resources`),
    sorted by name."""
    return [read_query(path) for path in resources.query_files(root)]


def get_query(name: str, root: resources.RootLike = None) -> SavedQuery:
    """The saved query called ``name``; :class:`UsageError` suggesting close names if none."""
    root = resources.resolve_root(root)
    directory = resources.project_dir("queries", root)
    if re.fullmatch(_NAME, name):
        path = directory / f"{name}.rq"
        if path.is_file():
            return read_query(path)
    import difflib

    names = [path.stem for path in resources.query_files(root)]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}? " if close else ""
    raise UsageError(
        f"unknown query {name[:60]!r}; {hint}run 'ackg queries' to list the saved queries"
    )


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
        check = _LEXICAL.get(local)
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
    :data:`_LEXICAL`: the integer types by the integer pattern, the others by pyoxigraph's
    cast to the type where it has one (a query on an empty store), else by being ASCII."""
    if local.endswith(("Integer", "long", "int", "short", "byte", "Long", "Int", "Short", "Byte")):
        return re.fullmatch(_LEXICAL["integer"][0], value) is not None
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
            text = Path(argument).read_text(encoding="utf-8")
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

"""The catalogue of saved queries: reading ``queries/<name>.rq`` files, their ``#+`` headers and
their parameters (see :mod:`asean_customs_kg.query.queries` for the header's syntax and how values
are bound).

On the cold saved-query path: no dataclass, no ``typing`` and no :mod:`pathlib` at run time (a
query's file is a string inside, a ``Path`` when read).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence

from .. import resources
from ..errors import DataError, UsageError
from ..rdf.sparqltext import prefixes_of, query_form, variables_of
from ..rdf.vocab import XSD

# For mypy only: pathlib is imported where a ``Path`` is made (see the module doc), and
# ``typing``, for ``TYPE_CHECKING``, not at all: both would cost the cold saved-query path.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "LEXICAL_FORMS",
    "Parameter",
    "SavedQuery",
    "get_query",
    "list_queries",
    "parse_header",
    "read_query",
]

_NAME = r"[a-z0-9][a-z0-9-]*"


_HEADER_LINE = r"#\+ ?(.*)"


_KEY_VALUE = r"([A-Za-z_][\w-]*)\s*:\s*(.*)"


_ITEM = r"\s+-\s*(.*)"


# XSD's lexical forms are written in ASCII digits: [0-9], never \d, which also matches the
# digits of other scripts (full-width, Arabic-Indic, Thai...) that no engine reads as a number.
LEXICAL_FORMS: dict[str, tuple[str, str]] = {
    "integer": (r"[+-]?[0-9]+", "an integer such as 3"),
    "decimal": (r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", "a decimal number such as 2.5"),
    "boolean": (r"true|false|1|0", "true or false"),
    "date": (r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "a date such as 2015-01-01"),
    "gYear": (r"[0-9]{4}", "a year such as 2023"),
    "gYearMonth": (r"[0-9]{4}-(0[1-9]|1[0-2])", "a month such as 2019-12"),
}


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
            return (
                LEXICAL_FORMS[local][1]
                if local in LEXICAL_FORMS
                else f"a value of type xsd:{local}"
            )
        return "a text value"

    def describe(self) -> str:
        """``name=value`` with the default or example, as shown in listings and help."""
        if self.default is not None:
            return f"{self.name}={self.default} (default)"
        if self.example is not None:
            return f"{self.name}={self.example}" + ("" if self.required else " (optional)")
        return self.name + ("" if self.required else " (optional)")


class SavedQuery:
    """A query of the catalogue: its name, file (``path``, a :class:`pathlib.Path`), text, form
    (``SELECT``...), header fields, parameters and ``PREFIX`` declarations."""

    __slots__ = (
        "_file",
        "description",
        "form",
        "name",
        "parameters",
        "prefixes",
        "summary",
        "tags",
        "text",
    )

    def __init__(
        self,
        name: str,
        path: str | os.PathLike[str],
        text: str,
        form: str,
        summary: str = "",
        description: str = "",
        tags: tuple[str, ...] = (),
        parameters: tuple[Parameter, ...] = (),
        prefixes: Mapping[str, str] | None = None,
    ) -> None:
        self.name = name
        self._file = os.fspath(path)
        self.text = text
        self.form = form
        self.summary = summary
        self.description = description
        self.tags = tags
        self.parameters = parameters
        self.prefixes: Mapping[str, str] = prefixes if prefixes is not None else {}

    def __repr__(self) -> str:
        return f"<SavedQuery {self.name}>"

    @property
    def path(self) -> Path:
        """The query's file."""
        from pathlib import Path  # not before it is asked for (see the module doc)

        return Path(self._file)

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
    text: str, path: str | os.PathLike[str] | None = None
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


def read_query(path: str | os.PathLike[str]) -> SavedQuery:
    """Reads one saved query file. Raises :class:`DataError` for a header it cannot read."""
    name = os.path.splitext(os.path.basename(path))[0]
    with open(path, encoding="utf-8-sig") as file:  # without the byte order mark editors may add
        text = file.read()
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
    if re.fullmatch(_NAME, name):
        path = os.path.join(resources.project_dir_name("queries", root), f"{name}.rq")
        try:
            return read_query(path)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            pass  # no such query (an error such as a directory that may not be read is raised)
    import difflib

    names = [path.stem for path in resources.query_files(root)]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}? " if close else ""
    raise UsageError(
        f"unknown query {name[:60]!r}; {hint}run 'ackg queries' to list the saved queries"
    )

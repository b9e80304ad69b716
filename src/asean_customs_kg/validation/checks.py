"""The quality checks: ``queries/checks/<what>-violation.rq``, SPARQL that finds what is wrong.

A check is a SELECT query that returns no row on good data and one row per problem otherwise.
It runs on pyoxigraph over the ontology and the data, and has a ``#+`` header (read like the
saved queries' headers):

* ``summary`` -- what the check looks for, in a line;
* ``description`` -- why, and what counts;
* ``message`` -- the message of one problem, with ``{?var}`` standing for a value of the row;
* ``severity`` -- ``error`` (the default) or ``warning``.

A row's ``?this`` is the resource at fault (its description is where the problem is reported);
``?path`` the property concerned and ``?value`` the offending value, when they apply. Other
variables may appear in the message, and any IRI a row binds helps to place the problem when
``?this`` is described nowhere (a misspelt IRI is placed where it is used).

This module imports no rdflib.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph

from .. import resources
from ..errors import DataError
from ..query.catalogue import parse_header
from ..rdf.vocab import XSD_STRING
from .problems import Finding, Severity

__all__ = ["Check", "load_checks", "read_check", "run_checks"]

_PLACEHOLDER = re.compile(r"\{[?$](\w+)\}")
_SUFFIX = "-violation"


@dataclass(frozen=True)
class Check:
    """One quality check: its name (the file name without ``-violation.rq``) and text."""

    name: str
    path: Path
    text: str
    summary: str
    message: str
    severity: Severity


def read_check(path: Path) -> Check:
    """Reads a check file; raises :class:`DataError` when its header lacks a message."""
    text = path.read_text(encoding="utf-8")
    header = parse_header(text, path)
    message = header.get("message")
    summary = header.get("summary")
    severity = header.get("severity", "error")
    if not isinstance(message, str) or not message:
        raise DataError("a check needs a '#+ message: ...' header line", path, 1)
    if severity not in ("error", "warning"):
        raise DataError("'#+ severity:' is 'error' or 'warning'", path, 1)
    name = path.stem.removesuffix(_SUFFIX)
    return Check(
        name,
        path,
        text,
        summary if isinstance(summary, str) else name,
        message,
        "error" if severity == "error" else "warning",
    )


def load_checks(
    paths: Iterable[Path] | None = None, root: resources.RootLike = None
) -> list[Check]:
    """The project's checks (``queries/checks/*-violation.rq``), or those at ``paths``."""
    found = resources.check_files(root) if paths is None else paths
    return [read_check(path) for path in found]


def _text(term: object) -> str:
    if isinstance(term, pyoxigraph.NamedNode):
        return term.value
    if isinstance(term, pyoxigraph.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, pyoxigraph.Literal):
        if term.language is None and term.datatype.value == XSD_STRING:
            return term.value  # plain text, such as a message part the check binds
        return f'"{term.value}"'
    return str(term)


def _fill(template: str, row: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda match: row.get(match.group(1), match.group(0)), template)


def run_check(check: Check, store: pyoxigraph.Store) -> list[Finding]:
    """Runs one check; one finding per row."""
    try:
        solutions = store.query(check.text, use_default_graph_as_union=True)
    except SyntaxError as error:
        raise DataError(f"invalid SPARQL in the check: {error.msg}", check.path) from error
    if not isinstance(solutions, pyoxigraph.QuerySolutions):
        raise DataError("a check is a SELECT query", check.path, 1)
    variables = [variable.value for variable in solutions.variables]
    findings: list[Finding] = []
    for solution in solutions:
        row: dict[str, str] = {}
        iris: list[str] = []
        for name in variables:
            term = solution[name]
            if term is None:
                continue
            row[name] = _text(term)
            if isinstance(term, pyoxigraph.NamedNode):
                iris.append(term.value)
        findings.append(
            Finding(
                "check",
                check.severity,
                check.name,
                _fill(check.message, row),
                focus=row.get("this"),
                predicate=row.get("path"),
                value=row.get("value"),
                related=tuple(iris),
            )
        )
    return findings


def run_checks(checks: Sequence[Check], store: pyoxigraph.Store) -> list[Finding]:
    """Runs every check on ``store``: ontology plus data, in its default graph or in named graphs
    (the query's default graph is the union of all the store's graphs)."""
    return [finding for check in checks for finding in run_check(check, store)]

"""Which saved queries answer differently on two versions of the graph, and how.

Each saved query runs on both sides of an ``ackg diff`` (see :mod:`.diff`): once with its
defaults (when every required parameter has one) and once with its example values (when the
header gives any), the values that ``ackg docs`` shows. A side runs its own version of a query
(a revision or project directory has its ``queries/``); a release file, which has none, runs
the other side's, or the current project's. The answers are compared as sets of rows (a
CONSTRUCT's triples are rows of three; an ASK's answer one row); an error, such as an example
value that names a body the side does not describe, is an answer too. A blank node in a row
keeps the label by content that :mod:`.diff` gave it, so it matches on the two sides.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph

from .. import resources
from ..errors import AckgError
from .diff import MERGED, Side

__all__ = ["QueryDiff", "diff_queries", "side_backend"]

Row = tuple[str, ...]


@dataclass
class QueryDiff:
    """A saved query, with the parameters it ran with, whose rows differ between the sides."""

    name: str
    params: dict[str, str]
    variables: list[str]
    added: list[Row]
    removed: list[Row]


def side_backend(side: Side) -> object:
    """An embedded backend over the side's ontology and data (what ``ackg query`` reads)."""
    from ..backends.embedded import EmbeddedBackend
    from .export import DATA_GRAPH, ONTOLOGY_GRAPH

    graphs = [MERGED] if MERGED in side.graphs else [ONTOLOGY_GRAPH, DATA_GRAPH]
    store = pyoxigraph.Store()
    text = b"\n".join(side.lines(graphs))
    if text:
        # Parsed, then added: bulk_load would give the blank nodes fresh labels, and a row
        # holding one would differ between two sides that state the same graph.
        store.bulk_extend(pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.N_TRIPLES))
    return EmbeddedBackend(paths=[], store=store)


def _query_files(side: Side) -> dict[str, Path]:
    if side.directory is None:
        return {}
    return {
        path.stem: path for path in resources.query_files(resources.Root(side.directory, "given"))
    }


def _text(term: object) -> str:
    if term is None:
        return ""
    return str(term)


def _answer(query: object, params: dict[str, str], backend: object) -> tuple[list[str], set[Row]]:
    from ..query.queries import run_query

    try:
        result = run_query(query, params, backend=backend)  # type: ignore[arg-type]
    except AckgError as error:
        return ["error"], {(f"error: {error}",)}
    if result.form == "ask":
        return ["answer"], {("true" if result.boolean else "false",)}
    variables = ["subject", "predicate", "object"] if result.form == "graph" else result.variables
    return variables, {tuple(_text(term) for term in row) for row in result}


def _param_sets(query: object) -> list[dict[str, str]]:
    parameters = getattr(query, "parameters", ())
    sets: list[dict[str, str]] = []
    if all(p.default is not None or not p.required for p in parameters):
        sets.append({})
    example = {p.name: p.example for p in parameters if p.example is not None}
    if example:
        sets.append(example)
    return sets


def diff_queries(old: Side, new: Side, root: resources.RootLike = None) -> list[QueryDiff]:
    """The saved queries whose answers differ between ``old`` and ``new`` (see the module
    doc), by name, then defaults before examples."""
    from ..query.catalogue import SavedQuery, read_query

    current = {path.stem: path for path in resources.query_files(root)}
    old_files, new_files = _query_files(old), _query_files(new)
    names = sorted(set(old_files) | set(new_files) or set(current))
    backends = (side_backend(old), side_backend(new))
    found: list[QueryDiff] = []
    for name in names:
        paths = (
            old_files.get(name) or new_files.get(name) or current.get(name),
            new_files.get(name) or old_files.get(name) or current.get(name),
        )
        queries: list[SavedQuery | None] = []
        for path in paths:
            assert path is not None
            try:
                queries.append(read_query(path))
            except AckgError:
                queries.append(None)
        base = queries[1] or queries[0]
        if base is None:
            continue
        for params in _param_sets(base):
            answers: list[tuple[list[str], set[Row]]] = []
            for query, backend in zip(queries, backends, strict=True):
                if query is None:
                    answers.append((["error"], {("error: the query does not parse",)}))
                else:
                    answers.append(_answer(query, params, backend))
            (_, before), (variables, after) = answers
            if before != after:
                found.append(
                    QueryDiff(
                        name, params, variables, sorted(after - before), sorted(before - after)
                    )
                )
    return found

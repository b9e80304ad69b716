"""Every Turtle and SPARQL file of the project parses, with rdflib and with pyoxigraph."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from rdflib.plugins.sparql import prepareQuery

from asean_customs_kg import resources

ROOT = resources.project_root()

TURTLE = sorted({*resources.ontology_files(), *resources.shapes_files(), *resources.data_files()})
SPARQL = [*resources.query_files(), *resources.check_files()]


def _params(paths: list[Path]) -> list[object]:
    return [pytest.param(path, id=path.relative_to(ROOT).as_posix()) for path in paths]


@pytest.mark.parametrize("path", _params(TURTLE))
def test_turtle_parses_with_rdflib(path: Path) -> None:
    graph = rdflib.Graph()
    graph.parse(source=path, format="turtle")
    assert len(graph) > 0, f"{path.name} has no triples"


@pytest.mark.parametrize("path", _params(TURTLE))
def test_turtle_parses_with_pyoxigraph(path: Path) -> None:
    quads = list(pyoxigraph.parse(path=path, format=pyoxigraph.RdfFormat.TURTLE))
    assert quads, f"{path.name} has no triples"


@pytest.mark.parametrize("path", _params(SPARQL))
def test_query_parses_with_rdflib(path: Path) -> None:
    prepareQuery(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", _params(SPARQL))
def test_query_parses_with_pyoxigraph(path: Path) -> None:
    # Parsing happens in query(); evaluating on an empty store also catches evaluation errors.
    result = pyoxigraph.Store().query(path.read_text(encoding="utf-8"))
    if isinstance(result, pyoxigraph.QueryBoolean):
        bool(result)
    else:
        list(result)


def test_no_file_escapes_the_conventions() -> None:
    """Every .ttl and .rq below the project's directories is one of the files tested above."""
    patterns: list[tuple[resources.Kind, str]] = [
        ("ontology", "*.ttl"),
        ("data", "*.ttl"),
        ("queries", "*.rq"),
    ]
    on_disk = {
        path for kind, pattern in patterns for path in resources.project_dir(kind).rglob(pattern)
    }
    stray = sorted(path.relative_to(ROOT).as_posix() for path in on_disk - {*TURTLE, *SPARQL})
    assert stray == [], (
        "files outside the layout's conventions (data/*.ttl, queries/*.rq, "
        "queries/checks/*-violation.rq) would be neither tested nor shipped"
    )

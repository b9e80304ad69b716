"""Syntax errors name the file, line and column, from both loaders; the error classes."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest

from asean_customs_kg.errors import AckgError, DataError, EnvError, UsageError
from asean_customs_kg.rdf.graph import Engine, check_syntax, load_oxigraph, load_rdflib
from helpers import FIXTURES, REPO

BROKEN = FIXTURES / "syntax" / "broken.ttl"
UNDECLARED = FIXTURES / "syntax" / "undeclared-prefix.ttl"

GOOD = """\
@prefix ex: <http://example.org/> .
ex:a ex:p ex:b .
_:x ex:p "shared label" .
"""


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.ttl"
    path.write_text(GOOD, encoding="utf-8")
    return path


@pytest.fixture
def good_too(tmp_path: Path) -> Path:
    path = tmp_path / "good-too.ttl"
    path.write_text(GOOD.replace("ex:b", "ex:c"), encoding="utf-8")
    return path


# Each loader's first error: (path, line, column, words of the message).
EXPECTED = {
    "oxigraph": (BROKEN, 5, 15, "A dot is expected at the end of statements"),
    "rdflib": (BROKEN, 5, 15, "expected '.' or '}' or ']' at end of statement"),
}


def _load(engine: str, paths: list[Path]) -> None:
    if engine == "oxigraph":
        load_oxigraph(paths)
    else:
        load_rdflib(paths)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_loader_reports_path_line_column(
    engine: str, good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    with pytest.raises(DataError) as caught:
        _load(engine, [good, BROKEN, UNDECLARED])
    path, line, column, words = EXPECTED[engine]
    error = caught.value
    assert (error.path, error.line, error.column) == (path, line, column)
    assert str(error) == f"tests/fixtures/syntax/broken.ttl:5:15: Turtle syntax error: {words}"
    assert error.exit_code == 1


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_check_syntax_reports_every_broken_file(
    engine: Engine, good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    errors = check_syntax([BROKEN, good, UNDECLARED], engine=engine)
    assert [(e.path, e.line, e.column) for e in errors] == [(BROKEN, 5, 15), (UNDECLARED, 4, 11)]
    assert str(errors[1]).startswith(
        "tests/fixtures/syntax/undeclared-prefix.ttl:4:11: Turtle syntax error: "
    )
    assert "undeclared:" in str(errors[1])


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_check_syntax_accepts_good_files(engine: Engine, good: Path, good_too: Path) -> None:
    assert check_syntax([good, good_too], engine=engine) == []


def test_check_syntax_rejects_unknown_engine(good: Path) -> None:
    with pytest.raises(ValueError, match="unknown engine 'jena'"):
        check_syntax([good], engine="jena")  # type: ignore[arg-type]


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_missing_file_is_an_environment_error(engine: str, tmp_path: Path) -> None:
    missing = tmp_path / "missing.ttl"
    with pytest.raises(EnvError, match=r"missing\.ttl: cannot read the file") as caught:
        _load(engine, [missing])
    assert caught.value.exit_code == 2


def test_loaders_merge_files_and_keep_blank_nodes_apart(good: Path, good_too: Path) -> None:
    graph = load_rdflib([good, good_too])
    store = load_oxigraph([good, good_too])
    # ex:a ex:p ex:b, ex:a ex:p ex:c, and one blank node per file.
    assert len(graph) == 4
    assert len(store) == 4
    assert all(quad.graph_name == pyoxigraph.DefaultGraph() for quad in store)


def test_data_error_formats() -> None:
    assert str(DataError("bad", "x.ttl", 3, 7)) == "x.ttl:3:7: bad"
    assert str(DataError("bad", "x.ttl", 3)) == "x.ttl:3: bad"
    assert str(DataError("bad", "x.ttl")) == "x.ttl: bad"
    assert str(DataError("bad")) == "bad"
    assert str(DataError("two\nlines", "x.ttl", 1, 1)) == "x.ttl:1:1: two lines"


def test_data_error_shows_paths_below_the_current_directory_relative(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert str(DataError("bad", tmp_path / "d" / "x.ttl", 2, 1)) == "d/x.ttl:2:1: bad"
    elsewhere = Path("/nonexistent-root/x.ttl")
    assert str(DataError("bad", elsewhere, 2, 1)) == f"{elsewhere}:2:1: bad"


def test_exit_codes_and_hierarchy() -> None:
    assert DataError.exit_code == 1
    assert UsageError.exit_code == 2
    assert EnvError.exit_code == 2
    for cls in (DataError, UsageError, EnvError):
        assert issubclass(cls, AckgError)
    assert str(UsageError("unknown query\n'x'")) == "unknown query 'x'"

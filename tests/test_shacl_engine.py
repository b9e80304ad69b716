"""The SHACL stage on the project's own fixtures (``tests/fixtures/shacl/``), one per class of
fault: the network, silent passes, shapes SHACL forbids, the report, crashes, relative IRIs.

Each fixture holds its shapes and its data (as the W3C tests do) and says in its header what it
must give. The engine is run directly, and ``ackg validate`` in-process on a project made of
the fixture (its ontology a single statement, the fixture as shapes and as data).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from asean_customs_kg.cli.main import main
from asean_customs_kg.errors import ShapesError
from asean_customs_kg.validation.shacl.results import ShaclResult
from helpers import FIXTURES
from recording_server import POLL
from w3c_shacl import _parse

SHACL = FIXTURES / "shacl"
EX = "https://w3id.org/asean-customs-kg/id/test/"
SH = "http://www.w3.org/ns/shacl#"


def _engine(path: Path, *, force: bool = False) -> list[ShaclResult]:
    """The fixture validated against itself by the project's SHACL stage."""
    from asean_customs_kg.rdf.graph import to_rdflib_graph
    from asean_customs_kg.validation.shacl.engine import shacl_results
    from asean_customs_kg.validation.validate import union_store

    triples = {path: _parse(path)}
    shapes = to_rdflib_graph(triples)
    return shacl_results(
        union_store(triples),
        triples.values(),
        shapes,
        lambda: to_rdflib_graph(triples),
        force=force,
    )


def _project(root: Path, fixture: Path | str) -> Path:
    """A project whose shapes and data are the fixture."""
    text = fixture.read_text(encoding="utf-8") if isinstance(fixture, Path) else fixture
    (root / "ontology").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "ontology" / "ontology.ttl").write_text(
        "<https://w3id.org/asean-customs-kg/id/test/ontology> "
        "a <http://www.w3.org/2002/07/owl#Ontology> .\n",
        encoding="utf-8",
    )
    (root / "ontology" / "shapes.ttl").write_text(text, encoding="utf-8")
    (root / "data" / "data.ttl").write_text(text, encoding="utf-8")
    return root


def _validate(root: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", "--root", str(root), *options])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def _problems(root: Path) -> list[dict[str, object]]:
    code, output = _validate(root, "--format", "json")
    assert code in (0, 1), output
    return [p for p in json.loads(output)["problems"] if p["stage"] == "shacl"]


# --- the network ---


class _Recorder(BaseHTTPRequestHandler):
    received: ClassVar[list[str]]

    def _record(self) -> None:
        type(self).received.append(f"{self.command} {self.path}")
        self.send_response(500)
        self.end_headers()

    do_GET = do_POST = _record

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that records every request it receives."""
    received: list[str] = []
    handler = type("Handler", (_Recorder,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(POLL,), daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.mark.parametrize(
    ("fixture", "word"), [("network-service.ttl", "SERVICE"), ("network-from.ttl", "FROM")]
)
def test_a_query_that_reaches_out_is_refused_and_nothing_is_sent(
    recorder: tuple[str, list[str]], tmp_path: Path, fixture: str, word: str
) -> None:
    address, received = recorder
    path = tmp_path / fixture
    path.write_text(
        (SHACL / fixture).read_text(encoding="utf-8").replace("127.0.0.1:1", address),
        encoding="utf-8",
    )
    with pytest.raises(ShapesError, match=word):
        _engine(path)
    code, output = _validate(_project(tmp_path / "project", path))
    assert code == 2
    assert word in output
    assert received == []


# --- silent passes ---


def test_this_used_only_in_a_filter_is_pre_bound() -> None:
    results = _engine(SHACL / "prebinding-filter.ttl")
    assert [str(r.focus) for r in results] == [EX + "bad"]
    assert results[0].component == SH + "SPARQLConstraintComponent"


@pytest.mark.parametrize("force", [False, True])
def test_a_custom_constraint_component_is_checked(force: bool) -> None:
    results = _engine(SHACL / "custom-component.ttl", force=force)
    assert [(str(r.focus), str(r.value)) for r in results] == [
        (EX + "wordy", "A name of four words")
    ]
    assert results[0].component == EX + "MaxWordsComponent"


def test_a_custom_constraint_component_is_named_by_its_iri(tmp_path: Path) -> None:
    problems = _problems(_project(tmp_path, SHACL / "custom-component.ttl"))
    assert [(p["focus"], p["rule"], p["message"]) for p in problems] == [
        ("ex:wordy", "ex:ShortNameShape (ex:MaxWordsComponent)", "A name has at most three words.")
    ]


def test_shapes_graph_is_refused_rather_than_left_unbound() -> None:
    with pytest.raises(ShapesError) as raised:
        _engine(SHACL / "shapes-graph.ttl")
    assert str(raised.value) == (
        f"<{EX}ShapesGraphShape>: the sh:select query of a blank-node shape uses $shapesGraph, "
        "which this validator does not support: it is refused"
    )


# --- shapes SHACL forbids ---


@pytest.mark.parametrize(
    ("fixture", "rule"),
    [
        ("forbidden-minus.ttl", "uses MINUS, which SHACL does not allow"),
        ("forbidden-values.ttl", "uses VALUES, which SHACL does not allow"),
        ("forbidden-subselect.ttl", "has a sub-SELECT that does not return the pre-bound variable"),
        ("forbidden-as-this.ttl", "binds the pre-bound variable $this with AS"),
    ],
)
def test_a_query_shacl_forbids_is_an_error_in_the_shapes(
    tmp_path: Path, fixture: str, rule: str
) -> None:
    with pytest.raises(ShapesError, match=r"^<"):
        _engine(SHACL / fixture)
    code, output = _validate(_project(tmp_path, SHACL / fixture))
    assert code == 2
    assert output.startswith(
        f"ackg: error: <{EX}ForbiddenShape>: the sh:select query of "
        f"<{EX}ForbiddenConstraint> {rule}"
    )
    assert output.count("\n") == 1


# --- the report ---


def test_nested_results_stay_under_their_result(tmp_path: Path) -> None:
    problems = _problems(_project(tmp_path, SHACL / "report-details.ttl"))
    assert [(p["focus"], p["rule"], p["value"]) for p in problems] == [
        ("ex:org", "ex:OrgShape (sh:node)", "ex:nobody")
    ]
    assert problems[0]["details"] == [
        "ex:nobody: [ex:PersonShape (sh:minCount)] A person has a name. (property ex:name)"
    ]


def test_equal_results_are_not_collapsed(tmp_path: Path) -> None:
    problems = _problems(_project(tmp_path, SHACL / "report-equal.ttl"))
    assert len(problems) == 2
    assert problems[0] == problems[1]


def test_paths_literals_and_info_are_kept(tmp_path: Path) -> None:
    problems = _problems(_project(tmp_path, SHACL / "report-terms.ttl"))
    found = {(p["severity"], p["property"], p["value"]) for p in problems}
    assert found == {
        ("error", "^ex:part", None),
        ("error", "ex:size", '"5.0"^^xsd:decimal'),
        ("info", "ex:label", '"Chose"@fr'),
    }
    code, output = _validate(tmp_path)
    assert code == 1
    assert (
        "invalid: 2 errors, 0 warnings, 1 info in 1 file; 1 data file checked "
        "(syntax, shacl, logic, check); project "
    ) in output


def test_an_info_is_reported_and_never_fails(tmp_path: Path) -> None:
    root = _project(tmp_path, SHACL / "report-info.ttl")
    code, output = _validate(root, "--strict")
    assert code == 0
    assert "  info     [shacl: ex:LabelShape (sh:languageIn)]  Labels are in English." in output
    assert "valid: 0 errors, 0 warnings, 1 info; 1 data file checked" in output


def test_junit_shows_the_nested_results(tmp_path: Path) -> None:
    root = _project(tmp_path, SHACL / "report-details.ttl")
    code, output = _validate(root, "--format", "junit")
    assert code == 1
    assert "detail: ex:nobody: [ex:PersonShape (sh:minCount)] A person has a name." in output


# --- crashes ---


@pytest.mark.parametrize("fixture", ["prefixes-imports.ttl", "prefixes-imports-pyshacl.ttl"])
def test_prefixes_through_owl_imports_of_the_shapes_graph(fixture: str) -> None:
    results = _engine(SHACL / fixture)
    assert [str(r.focus) for r in results] == [EX + "thing"]


def test_a_failure_reported_by_pyshacl_is_an_error_in_the_shapes(tmp_path: Path) -> None:
    with pytest.raises(ShapesError, match=r"^pySHACL cannot validate with these shapes: "):
        _engine(SHACL / "pyshacl-failure.ttl")
    code, output = _validate(_project(tmp_path, SHACL / "pyshacl-failure.ttl"))
    assert code == 2
    assert output == (
        "ackg: error: pySHACL cannot validate with these shapes: "
        "Validation Failure generated by SPARQLConstraint.\n"
    )


def test_a_failure_reported_by_a_query_run_once_is_an_error_in_the_shapes() -> None:
    with pytest.raises(ShapesError) as raised:
        _engine(SHACL / "sparql-failure.ttl")
    assert str(raised.value) == (
        f"<{EX}FailingShape>: the sh:select query of <{EX}FailingConstraint> reports a failure "
        "(?failure is true)"
    )


# --- relative IRIs ---


def test_a_relative_iri_is_said_to_need_a_base(tmp_path: Path) -> None:
    code, output = _validate(_project(tmp_path, SHACL / "relative-iri.ttl"))
    assert code == 1
    assert (
        "error    [syntax: turtle]  Turtle syntax error: a relative IRI needs a base: write the "
        "IRI in full, or declare @base (or BASE) before it in the file"
    ) in output


@pytest.mark.parametrize(
    ("query", "once"),
    [
        ("SELECT $this WHERE { $this ?p ?o FILTER (?o != $this) }", True),
        ("SELECT $this ?o WHERE { $this ?p ?o BIND (STR(?o) AS ?s) }", True),
        ("SELECT $this WHERE { $this ?p ?o FILTER NOT EXISTS { ?o ?q $this } }", True),
        ("SELECT ?o $this WHERE { ?o ?p $this OPTIONAL { $this ?q ?z } }", True),
        ("SELECT $this WHERE { FILTER ($this = <urn:x:a>) }", False),
        ("SELECT $this WHERE { BIND ($this AS ?that) ?that ?p ?o }", False),
        ("SELECT $this WHERE { ?s ?p ?o OPTIONAL { $this ?q ?s } }", False),
        ("SELECT $this WHERE { { $this ?p ?o } UNION { ?s ?p ?o } }", False),
        ("SELECT $this WHERE { $this ?p ?o } LIMIT 1", False),
        ("SELECT $this WHERE { $this ?p ?o FILTER ($currentShape = ?o) }", False),
        ("SELECT $this (COUNT(?o) AS ?n) WHERE { $this ?p ?o } GROUP BY $this", False),
    ],
)
def test_which_queries_run_once_with_this_free(query: str, once: bool) -> None:
    from asean_customs_kg.validation.shacl.shape_queries import runs_once

    assert runs_once(query) is once


def test_range_and_length_constraints_compile_and_follow_shacl() -> None:
    """Each value that breaks a bound or a length is a result; a value that cannot be compared
    with the bound too (SHACL). pySHACL agrees but on the date under sh:maxExclusive 1.5, which
    it passes: rdflib orders literals of incomparable types by their datatype IRIs."""
    from rdflib import BNode

    from asean_customs_kg.rdf.graph import to_rdflib_graph
    from asean_customs_kg.validation.shacl.core import compile_shapes
    from asean_customs_kg.validation.shacl.reference import shacl_results as pyshacl_results

    path = SHACL / "ranges.ttl"
    graph = to_rdflib_graph({path: _parse(path)})
    rules = sorted({c.rule.rsplit(" ", 1)[-1] for c in compile_shapes(graph).constraints})
    assert rules == [
        "(sh:maxExclusive)",
        "(sh:maxInclusive)",
        "(sh:maxLength)",
        "(sh:minExclusive)",
    ]

    def key(result: ShaclResult) -> tuple[str, str]:
        value = "a blank node" if isinstance(result.value, BNode) else str(result.value)
        return str(result.component).removeprefix(SH), value

    ours = sorted(map(key, _engine(path)))
    assert ours == [
        ("MaxExclusiveConstraintComponent", "1.5"),
        ("MaxExclusiveConstraintComponent", "2"),
        ("MaxExclusiveConstraintComponent", "2020-01-01"),
        ("MaxInclusiveConstraintComponent", "11"),
        ("MaxInclusiveConstraintComponent", "big"),
        ("MaxLengthConstraintComponent", "ABCD"),
        ("MaxLengthConstraintComponent", "a blank node"),
        ("MaxLengthConstraintComponent", EX + "x"),
        ("MinExclusiveConstraintComponent", "0"),
        ("MinExclusiveConstraintComponent", "big"),
    ]
    reference = sorted(map(key, pyshacl_results(graph, graph)))
    assert set(ours) - set(reference) == {("MaxExclusiveConstraintComponent", "2020-01-01")}
    assert set(reference) <= set(ours)

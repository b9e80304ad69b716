"""The scale benchmarks' synthetic graph: deterministic, of the asked size, valid, and of the same
shape as the project's data (every saved query finds rows in it). No timing is asserted here."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from asean_customs_kg.rdf.graph import load_rdflib
from helpers import REPO

pytestmark = pytest.mark.slow  # the benchmark scripts and pySHACL and owlrl over a synthetic graph

BENCHMARKS = REPO / "benchmarks"


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"ackg_bench_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@cache
def _generate() -> ModuleType:
    return _module("generate")


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((directory / "data").glob("*.ttl"))}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    directory = tmp_path_factory.mktemp("bench") / "3000"
    manifest: dict[str, Any] = _generate().generate(directory, 3000, seed=7)
    return directory, manifest


def test_same_seed_same_bytes_other_seed_other_graph(tmp_path: Path) -> None:
    generate = _generate().generate
    generate(tmp_path / "a", 2000, seed=3)
    generate(tmp_path / "b", 2000, seed=3)
    generate(tmp_path / "c", 2000, seed=4)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a") != _files(tmp_path / "c")


def test_size_is_the_count_of_distinct_triples(small: tuple[Path, dict[str, Any]]) -> None:
    directory, manifest = small
    graph = load_rdflib(sorted((directory / "data").glob("*.ttl")))
    assert len(graph) == manifest["triples"]
    assert 3000 <= manifest["triples"] < 3000 * 1.5
    assert manifest["communities"] >= 2
    on_disk = json.loads((directory / "benchmark.json").read_text(encoding="utf-8"))
    assert on_disk == manifest


def test_the_directory_works_as_a_project_home(small: tuple[Path, dict[str, Any]]) -> None:
    directory, _ = small
    assert (directory / "ontology" / "shapes.ttl").is_file()
    assert sorted(p.name for p in (directory / "queries").glob("*.rq")) == sorted(
        p.name for p in (REPO / "queries").glob("*.rq")
    )


#: A body added to the synthetic graph with the acronym of another: a fault the shapes must
#: catch, and the one thing they may report.
PLANTED = "https://w3id.org/asean-customs-kg/id/test/planted"


@pytest.fixture(scope="module")
def planted_results(small: tuple[Path, dict[str, Any]]) -> list[tuple[str, str, str]]:
    """pySHACL's results (focus node, message, severity) on the synthetic graph plus a working
    group (typed as the graph's c2-wg1) that takes the acronym of another body: one run serves
    both tests below."""
    import pyshacl
    from rdflib import RDF, Literal, Namespace, URIRef

    directory, _ = small
    data = load_rdflib(sorted((directory / "data").glob("*.ttl")))
    skos_notation = URIRef("http://www.w3.org/2004/02/skos/core#notation")
    wg = URIRef("https://w3id.org/asean-customs-kg/id/body/c2-wg1")
    planted = URIRef(PLANTED)
    for kind in data.objects(wg, RDF.type):
        data.add((planted, RDF.type, kind))
    data.add((planted, skos_notation, Literal("CCC-C1")))
    ontology = load_rdflib([REPO / "ontology" / "ontology.ttl", REPO / "ontology" / "imports.ttl"])
    shapes = load_rdflib([REPO / "ontology" / "shapes.ttl"])
    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=True
    )
    sh = Namespace("http://www.w3.org/ns/shacl#")
    return [
        (
            str(report.value(result, sh.focusNode)),
            str(report.value(result, sh.resultMessage)),
            str(report.value(result, sh.resultSeverity)),
        )
        for result in report.subjects(sh.resultSeverity, None)
    ]


def test_conforms_to_the_shapes_without_warnings(
    planted_results: list[tuple[str, str, str]],
) -> None:
    """Nothing is reported but what names the planted body: no violation, no warning."""
    assert [r for r in planted_results if PLANTED not in r[0] + r[1]] == []


def test_a_broken_copy_does_not_conform(planted_results: list[tuple[str, str, str]]) -> None:
    """Negative control: the validation above can fail on this graph."""
    assert any("share the acronym" in message for _, message, _ in planted_results)


def test_consistent_under_owl_rl(small: tuple[Path, dict[str, Any]]) -> None:
    """As tests/test_ontology.py does for the project's data (owl:hasKey left out there too)."""
    import owlrl
    from rdflib import OWL, Namespace

    directory, _ = small
    graph = load_rdflib(
        [
            REPO / "ontology" / "ontology.ttl",
            REPO / "ontology" / "imports.ttl",
            *sorted((directory / "data").glob("*.ttl")),
        ]
    )
    graph.remove((None, OWL.hasKey, None))
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(graph)
    errors = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")
    assert list(graph.objects(None, errors.error)) == []
    assert [s for s in graph.subjects(None, OWL.Nothing) if s != OWL.Nothing] == []


def test_every_saved_query_finds_rows(small: tuple[Path, dict[str, Any]]) -> None:
    """The graph has the shape the saved queries ask about, and the manifest's parameters name
    resources of it."""
    from asean_customs_kg.backends.embedded import EmbeddedBackend
    from asean_customs_kg.query.catalogue import list_queries
    from asean_customs_kg.query.queries import run_query

    directory, manifest = small
    paths = [
        REPO / "ontology" / "ontology.ttl",
        REPO / "ontology" / "imports.ttl",
        *sorted((directory / "data").glob("*.ttl")),
    ]
    backend = EmbeddedBackend(paths)
    empty = []
    for query in list_queries():
        result = run_query(query, manifest["params"].get(query.name, {}), backend=backend)
        if not (result.solutions or result.triples):
            empty.append(query.name)
    assert empty == []


def test_run_quick_measures_every_step_and_agrees_with_rdflib(tmp_path: Path) -> None:
    """The benchmark script's smoke test: every step and saved query gets a row, the rdflib
    baseline finds as many rows as the library for each query. No time is asserted."""
    import subprocess

    from asean_customs_kg.query.catalogue import list_queries

    results = tmp_path / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "run.py"),
            "--quick",
            "--out",
            str(tmp_path / "bench"),
            "--json",
            str(results),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = json.loads(results.read_text(encoding="utf-8"))["rows"]
    steps = [row["step"] for row in rows]
    expected = ["load", *(f"query {q.name}" for q in list_queries()), "load + all queries"]
    assert steps[: len(expected)] == expected
    assert "validate" in steps and "export" in steps
    memory = ["load (in memory)", *(f"query {q.name} (in memory)" for q in list_queries())]
    start = steps.index("load (in memory)")
    assert steps[start : start + len(memory)] == memory
    assert "load + all queries (in memory)" in steps
    for row in rows:
        if row["step"].startswith("query "):
            assert row["ackg_s"] is not None and row["base_s"] is not None, row
            assert "ROWS DIFFER" not in row["note"], row
    assert "load" in done.stdout and "machine:" in done.stdout


def test_the_diff_benchmark_finds_exactly_the_statements_it_added(tmp_path: Path) -> None:
    """bench_diff.py on a small graph: it runs, and the diff it measures is right (the
    reordered file shows nothing, every added statement shows). Its times are not judged."""
    import subprocess

    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "bench_diff.py"), "--triples", "3000", "--changes", "25"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "WRONG" not in done.stdout, done.stdout
    assert done.stdout.splitlines()[0].endswith("triples, 25 added; " + f"{os.cpu_count()} CPUs")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_site_benchmark_finds_every_resource_s_four_files() -> None:
    """bench_site.py on a small graph: it runs, and every resource got its pages. Its times
    are not judged."""
    import subprocess

    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "bench_site.py"), "--triples", "3000"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "WRONG" not in done.stdout, done.stdout
    assert done.stdout.splitlines()[0].endswith(f"triples; {os.cpu_count()} CPUs")
    assert "ackg site" in done.stdout
    assert done.returncode == 0, done.stdout + done.stderr

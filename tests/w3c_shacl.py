"""The W3C SHACL test suite (``core`` and ``sparql``), read from pySHACL's source distribution.

pySHACL ships the W3C suite in its sdist under ``test/resources/sht_tests``. The sdist of the
pinned version is downloaded once with pip into ``.cache/`` (git-ignored) and unpacked there;
when it cannot be had (no network, no pip), :func:`suite_dir` skips saying why.

Each ``sht:Validate`` entry of the manifests is run through the project's SHACL stage
(:func:`asean_customs_kg.validation.shacl.engine.shacl_results`) and, for reference, through
pySHACL. Its outcome is right when the test expects ``sht:Failure`` and validation stopped with an
error in the shapes, or when the report built from the results is isomorphic to the expected one.
The
comparison is the one the W3C manifest defines and pySHACL's runner applies: the report node
with ``sh:conforms`` and its results, every blank node followed to its description (a blank-node
shape, a path, a value), ``sh:resultMessage`` compared only when the expected results carry
messages, ``sh:detail`` only when they carry details.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph
import pytest

from helpers import REPO

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

    from asean_customs_kg.validation.shacl.results import PathExpr, ShaclResult

PYSHACL_VERSION = "0.40.1"
CACHE = REPO / ".cache" / "w3c-shacl"
_SUITE = "test/resources/sht_tests"
SH = "http://www.w3.org/ns/shacl#"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def suite_dir() -> Path:
    """The unpacked ``sht_tests`` directory of the pinned pySHACL sdist (downloaded once)."""
    root = CACHE / f"pyshacl-{PYSHACL_VERSION}"
    suite = root / "sht_tests"
    if (suite / "manifest.ttl").is_file():
        return suite
    archive = CACHE / f"pyshacl-{PYSHACL_VERSION}.tar.gz"
    if not archive.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-binary",
            ":all:",
            "--no-deps",
            f"pyshacl=={PYSHACL_VERSION}",
            "-d",
            str(CACHE),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=600)
        except (OSError, subprocess.TimeoutExpired) as error:
            pytest.skip(
                f"the pySHACL {PYSHACL_VERSION} sdist (the W3C suite) cannot be had: {error}"
            )
        if done.returncode != 0 or not archive.is_file():
            reason = (done.stderr.strip().splitlines() or ["pip download failed"])[-1]
            pytest.skip(
                f"the pySHACL {PYSHACL_VERSION} sdist (the W3C suite) cannot be had: {reason}"
            )
    prefix = f"pyshacl-{PYSHACL_VERSION}/{_SUITE}/"
    partial = root.with_suffix(".partial")
    # What an interrupted run left is unpacked again.
    shutil.rmtree(partial, ignore_errors=True)
    shutil.rmtree(root, ignore_errors=True)
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            name = member.name
            if not name.startswith(prefix) or not member.isfile() or ".." in name.split("/"):
                continue
            target = partial / "sht_tests" / name[len(prefix) :]
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            assert source is not None
            target.write_bytes(source.read())
    partial.rename(root)
    return suite


@dataclass(frozen=True)
class Case:
    """One ``sht:Validate`` entry."""

    name: str  # the manifest's path below the suite, and the entry's local name
    data: Path
    shapes: Path
    manifest: Path
    result: str  # the IRI or blank node id of mf:result in the manifest


def _path(iri: str) -> Path:
    from urllib.parse import unquote, urlparse

    return Path(unquote(urlparse(iri).path))


def cases(suite: Path) -> list[Case]:
    """Every ``sht:Validate`` entry of the manifests below ``suite``, in order."""
    from rdflib import Graph, URIRef

    found: list[Case] = []
    todo = [suite / "manifest.ttl"]
    while todo:
        manifest = todo.pop(0)
        graph = Graph().parse(manifest, format="turtle", publicID=manifest.resolve().as_uri())
        for include in graph.objects(None, URIRef(MF + "include")):
            path = _path(str(include))
            # A test file includes itself in its directory's manifest: read each file once.
            if path not in todo and path.is_file():
                todo.append(path)
        for head in graph.objects(None, URIRef(MF + "entries")):
            for entry in graph.items(head):
                if (entry, URIRef(RDF + "type"), URIRef(SHT + "Validate")) not in graph:
                    continue
                action = graph.value(entry, URIRef(MF + "action"))
                result = graph.value(entry, URIRef(MF + "result"))
                data = graph.value(action, URIRef(SHT + "dataGraph"))
                shapes = graph.value(action, URIRef(SHT + "shapesGraph"))
                relative = manifest.parent.relative_to(suite)
                name = f"{relative}/{str(entry).rsplit('/', 1)[-1]}"
                found.append(
                    Case(name, _path(str(data)), _path(str(shapes)), manifest, str(result))
                )
    return sorted(found, key=lambda case: case.name)


def _parse(path: Path) -> list[pyoxigraph.Triple]:
    return list(
        pyoxigraph.parse(
            path=path,
            format=pyoxigraph.RdfFormat.TURTLE,
            base_iri=path.resolve().as_uri(),
            rename_blank_nodes=True,
        )
    )


@dataclass
class Outcome:
    """What an engine made of a case: its results, or the error that stopped it."""

    results: list[ShaclResult] | None
    error: str | None
    graphs: Graph  # the data and shapes graphs, where blank nodes are described


def run_ackg(case: Case, force: bool) -> Outcome:
    """The case through the project's SHACL stage."""
    from asean_customs_kg.errors import ShapesError
    from asean_customs_kg.rdf.graph import to_rdflib_graph
    from asean_customs_kg.validation.shacl.engine import shacl_results
    from asean_customs_kg.validation.validate import union_store

    data = {case.data: _parse(case.data)}
    shape_triples = data if case.shapes == case.data else {case.shapes: _parse(case.shapes)}
    shapes = to_rdflib_graph(shape_triples)
    graphs = to_rdflib_graph({**data, **shape_triples})
    try:
        results = shacl_results(
            union_store(data), data.values(), shapes, lambda: to_rdflib_graph(data), force=force
        )
    except ShapesError as error:
        return Outcome(None, str(error), graphs)
    return Outcome(results, None, graphs)


def run_pyshacl(case: Case) -> Outcome:
    """The case through pySHACL alone (inference none, as the project runs it)."""
    from asean_customs_kg.errors import ShapesError
    from asean_customs_kg.rdf.graph import to_rdflib_graph
    from asean_customs_kg.validation.shacl.reference import shacl_results

    data = {case.data: _parse(case.data)}
    shape_triples = data if case.shapes == case.data else {case.shapes: _parse(case.shapes)}
    graphs = to_rdflib_graph({**data, **shape_triples})
    try:
        results = shacl_results(to_rdflib_graph(data), to_rdflib_graph(shape_triples))
    except ShapesError as error:
        return Outcome(None, str(error), graphs)
    return Outcome(results, None, graphs)


def _closure(graph: Graph, start: Node, into: Graph, skip: set[str]) -> None:
    """``start``'s statements, and those of every blank node they reach, copied ``into``."""
    from rdflib import BNode

    todo, seen = [start], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for predicate, value in graph.predicate_objects(node):
            if str(predicate) in skip:
                continue
            into.add((node, predicate, value))
            if isinstance(value, BNode):
                todo.append(value)


def _add_path(graph: Graph, path: PathExpr) -> Node:
    from rdflib import BNode, URIRef
    from rdflib.collection import Collection

    if isinstance(path, str):
        return URIRef(path)
    kind, *operands = path
    nodes = [_add_path(graph, p) for p in operands]  # type: ignore[arg-type]
    head = BNode()
    if kind == "sequence":
        Collection(graph, head, nodes)
        return head
    if kind == "alternative":
        items = BNode()
        Collection(graph, items, nodes)
        graph.add((head, URIRef(SH + "alternativePath"), items))
        return head
    graph.add((head, URIRef(f"{SH}{kind}Path"), nodes[0]))
    return head


def _add_result(graph: Graph, result: ShaclResult) -> Node:
    from rdflib import BNode, URIRef

    node = BNode()

    def add(name: str, value: Node | None) -> None:
        if value is not None:
            graph.add((node, URIRef(SH + name), value))

    graph.add((node, URIRef(RDF + "type"), URIRef(SH + "ValidationResult")))
    add("focusNode", result.focus)
    add("resultSeverity", URIRef(result.severity))
    add("sourceConstraintComponent", URIRef(result.component) if result.component else None)
    add("sourceShape", result.shape)
    add("resultPath", None if result.path is None else _add_path(graph, result.path))
    add("value", result.value)
    add("sourceConstraint", result.constraint)
    for message in result.messages:
        add("resultMessage", message)
    for detail in result.details:
        add("detail", _add_result(graph, detail))
    return node


def right(case: Case, outcome: Outcome) -> bool:
    """Whether ``outcome`` is what the case expects; see the module doc."""
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.compare import isomorphic

    from asean_customs_kg.rdf.graph import to_rdflib_graph

    if case.result == SHT + "Failure":
        return outcome.results is None
    if outcome.results is None:
        return False
    manifest = to_rdflib_graph({case.manifest: _parse(case.manifest)})
    entry_name = case.name.rsplit("/", 1)[-1]
    entry = next(
        e
        for e in manifest.subjects(URIRef(RDF + "type"), URIRef(SHT + "Validate"))
        if str(e).rsplit("/", 1)[-1] == entry_name
    )
    expected_node = manifest.value(entry, URIRef(MF + "result"))
    assert expected_node is not None
    expected_results = list(manifest.objects(expected_node, URIRef(SH + "result")))
    skip = set()
    if not any((r, URIRef(SH + "resultMessage"), None) in manifest for r in expected_results):
        skip.add(SH + "resultMessage")
    if not any((r, URIRef(SH + "detail"), None) in manifest for r in expected_results):
        skip.add(SH + "detail")
    expected = Graph()
    _closure(manifest, expected_node, expected, skip)

    report = Graph()
    root = BNode()
    report.add((root, URIRef(RDF + "type"), URIRef(SH + "ValidationReport")))
    report.add((root, URIRef(SH + "conforms"), Literal(not outcome.results)))
    for result in outcome.results:
        report.add((root, URIRef(SH + "result"), _add_result(report, result)))
    everything = report + outcome.graphs
    actual = Graph()
    _closure(everything, root, actual, skip)
    return isomorphic(actual, expected)

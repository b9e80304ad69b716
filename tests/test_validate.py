"""Validation: the project's data passes, and every kind of problem is caught and placed.

Each file in ``tests/fixtures/invalid/`` breaks the graph in one way on purpose. Its header says
which stage must catch it (``# expect-stage:``), the rule (the check's name, the shape and
constraint, or the OWL RL rule: ``# expect-rule:``, a prefix), the line (and, optionally, the
column) of the statement at fault in the fixture (else where the resource at fault is
described), and a part of the message. Each fixture is validated together with the project's
ontology, shapes and data, as ``ackg validate FILE`` does; one marked ``# expect-as: project
data`` is put among the data of a copy of the project, which is validated whole, as
``ackg validate`` does in a checkout with a new data file.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pytest

from asean_customs_kg import resources
from asean_customs_kg.rdf.graph import load_oxigraph, load_rdflib
from asean_customs_kg.validation.checks import load_checks, run_checks
from asean_customs_kg.validation.logic.reasoning import key_findings, owlrl_findings
from asean_customs_kg.validation.logic.stage import logic_findings
from asean_customs_kg.validation.problems import Finding, Problem, Stage
from asean_customs_kg.validation.validate import Report, validate
from helpers import FIXTURES
from oracles import ShaclOracle

if TYPE_CHECKING:
    from rdflib import Graph

INVALID = FIXTURES / "invalid"
FIXTURE_FILES = sorted(INVALID.glob("*.ttl"))
ID = "https://w3id.org/asean-customs-kg/id/"


def _header(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    pairs = (line[2:].split(": ", 1) for line in lines if line.startswith("# expect-"))
    return {key.removeprefix("expect-"): value for key, value in pairs}


@cache
def _project_report() -> Report:
    return validate()


@cache
def _project_graph() -> Graph:
    return load_rdflib([*resources.ontology_files(), *resources.data_files()])


def test_project_data_is_valid_with_every_stage_run() -> None:
    report = _project_report()
    assert report.problems == []
    assert report.stages_run == ["syntax", "shacl", "logic", "check"]
    assert report.files == resources.data_files()


def _as_project_data(path: Path, directory: Path, stage: Stage) -> tuple[Report, Path]:
    """Validates a copy of the project with ``path`` among its data files."""
    import shutil

    for name in resources.MARKER:
        shutil.copytree(resources.project_root() / name, directory / name)
    target = directory / "data" / path.name
    shutil.copyfile(path, target)
    return validate(stages=("syntax", stage), root=directory), target


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=[p.stem for p in FIXTURE_FILES])
def test_fixture_fails_with_expected_file_line_and_message(path: Path, tmp_path: Path) -> None:
    expected = _header(path)
    stage = cast(Stage, expected["stage"])
    if expected.get("as") == "project data":
        report, path = _as_project_data(path, tmp_path, stage)
    else:
        report = validate([path], stages=("syntax", stage))
    matching = [
        problem
        for problem in report.problems
        if problem.stage == stage
        and problem.path is not None
        and problem.path.resolve() == path.resolve()
        and problem.line == int(expected["line"])
        and problem.rule.startswith(expected["rule"])
        and expected["message"] in problem.message
    ]
    assert matching, f"expected {expected} in {report.problems}"
    if "column" in expected:
        assert [p.column for p in matching] == [int(expected["column"])]
    severity = "warning" if path.stem.startswith("warning-") else "error"
    assert {p.severity for p in matching} == {severity}


def test_every_check_has_a_fixture_and_passes_on_the_project() -> None:
    checks = load_checks()
    covered = {_header(path)["rule"] for path in FIXTURE_FILES if _header(path)["stage"] == "check"}
    assert sorted(check.name for check in checks) == sorted(covered)
    store = load_oxigraph([*resources.ontology_files(), *resources.data_files()])
    assert run_checks(checks, store) == []


def test_the_issue_s_checks_are_there() -> None:
    names = {check.name for check in load_checks()}
    assert {
        "ontology-term-undocumented",
        "duplicate-label",
        "missing-source",
        "reporting-cycle",
        "undescribed-iri",
        "overlapping-plan-periods",
        "ontology-metadata",
        "place-as-agent",
        "date-too-precise",
        "ended-role",
        "place-and-its-country",
    } <= names


def test_every_broken_file_is_reported_and_later_stages_do_not_run() -> None:
    broken = [INVALID / "syntax-missing-dot.ttl", INVALID / "syntax-undeclared-prefix.ttl"]
    report = validate(broken)
    assert [(p.path, p.line, p.column) for p in report.problems] == [
        (broken[0], 9, 1),
        (broken[1], 7, 11),
    ]
    assert report.stages_run == ["syntax"]
    assert not report.valid()


def test_a_warning_fails_only_when_strict() -> None:
    report = validate([INVALID / "warning-made-up-day.ttl"], stages=("syntax", "shacl"))
    assert [p.severity for p in report.problems] == ["warning"]
    assert report.valid()
    assert not report.valid(strict=True)


def test_without_project_data_references_are_dangling() -> None:
    path = INVALID / "shacl-body-without-name.ttl"
    alone = validate([path], with_project_data=False, stages=("syntax", "check"))
    assert ("undescribed-iri", "body:ccc") in {(p.rule, p.focus) for p in alone.problems}
    assert alone.files == [path]
    together = validate([path], stages=("syntax", "check"))
    assert together.problems == []
    assert together.files[0] == path and len(together.files) == 1 + len(resources.data_files())


def test_a_project_file_given_as_path_is_not_loaded_twice() -> None:
    bodies = resources.data_files()[0]
    report = validate([bodies], stages=("syntax", "check"))
    assert report.files == [bodies, *[p for p in resources.data_files() if p != bodies]]
    assert report.problems == []


def test_unknown_stage_is_a_usage_error() -> None:
    from asean_customs_kg.errors import UsageError

    with pytest.raises(UsageError, match="unknown stage 'speed'"):
        validate(stages=("speed",))  # type: ignore[arg-type]


def test_missing_file_is_an_environment_error() -> None:
    from asean_customs_kg.errors import EnvError

    with pytest.raises(EnvError, match=r"^nope\.ttl: no such file; give a Turtle file"):
        validate(["nope.ttl"])


# --- OWL RL: owlrl's prp-key bug and the workaround ---


_TWO_BODIES = """
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix body: <https://w3id.org/asean-customs-kg/id/body/> .
org:Organization owl:hasKey ( org:identifier ) .
body:ccc a org:Organization ; org:identifier "ccc" .
body:cptfwg a org:Organization ; org:identifier "cptfwg" .
"""


def test_owlrl_own_haskey_rule_would_merge_any_two_organisations() -> None:
    """The reason for the workaround in validation/logic/reasoning.py: with ORG's one-property key,
    owlrl 7.6's prp-key makes organisations with *different* identifiers owl:sameAs. When this test
    fails, owlrl is fixed: let it apply owl:hasKey again and retire reasoning.key_findings."""
    import owlrl
    from rdflib import OWL, Graph, URIRef

    ccc, cptfwg = URIRef(ID + "body/ccc"), URIRef(ID + "body/cptfwg")
    closed = Graph().parse(data=_TWO_BODIES, format="turtle")
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(closed)
    assert (ccc, OWL.sameAs, cptfwg) in closed
    # The project's paths (fast, and owlrl with the workaround) neither merge them nor report
    # anything, on the same graph.
    graph = Graph().parse(data=_TWO_BODIES, format="turtle")
    assert logic_findings(graph, {str(ccc), str(cptfwg)}) == []
    assert owlrl_findings(graph, {str(ccc), str(cptfwg)}) == []


def test_logic_leaves_the_graph_unchanged() -> None:
    graph = _project_graph()
    before = len(graph)
    logic_findings(graph)
    assert len(graph) == before


def _key_graph(second_q: str) -> Graph:
    from rdflib import Graph

    return Graph().parse(
        data=f"""
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix ex: <http://example.org/> .
        ex:C owl:hasKey ( ex:p ex:q ) .
        ex:a a ex:C ; ex:p "1" ; ex:q "x" .
        ex:b a ex:C ; ex:p "1" ; ex:q "{second_q}" .
        ex:c a ex:C ; ex:p "2" .
        """,
        format="turtle",
    )


def test_a_two_property_key_needs_every_value_shared() -> None:
    assert key_findings(_key_graph("y")) == []
    findings = key_findings(_key_graph("x"))
    assert sorted(f.focus or "" for f in findings) == [
        "http://example.org/a",
        "http://example.org/b",
    ]
    assert all(f.rule == "owl:hasKey" and '"1", "x"' in f.message for f in findings)


# --- duplicate labels: the same name in two countries is not a duplicate ---

_MINISTRIES = """
@prefix ack: <https://w3id.org/asean-customs-kg/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix state: <https://w3id.org/asean-customs-kg/id/state/> .
@prefix ovw: <https://w3id.org/asean-customs-kg/id/source/asean-customs-overview/> .
@prefix ex: <https://w3id.org/asean-customs-kg/id/test/> .
ex:m1 a ack:Ministry ; skos:prefLabel "Ministry of Testing"@en ;
    org:identifier "test-m1"^^ack:Slug ;
    ack:ofState state:indonesia ; dct:source ovw:p1 .
ex:m2 a ack:Ministry ; skos:prefLabel "Ministry of Testing"@en ;
    org:identifier "test-m2"^^ack:Slug ;
    ack:ofState state:{country} ; dct:source ovw:p1 .
"""


@pytest.mark.parametrize(
    ("country", "flagged"), [("lao-pdr", []), ("indonesia", ["ex:m1", "ex:m2"])]
)
def test_same_name_in_another_country_is_not_a_duplicate(
    tmp_path: Path, country: str, flagged: list[str]
) -> None:
    path = tmp_path / "ministries.ttl"
    path.write_text(_MINISTRIES.replace("{country}", country), encoding="utf-8")
    report = validate([path], stages=("syntax", "check"))
    assert sorted(p.focus or "" for p in report.problems if p.rule == "duplicate-label") == flagged


def test_problems_are_sorted_by_file_and_line() -> None:
    report = validate([INVALID / "check-reporting-cycle.ttl"], stages=("syntax", "check"))
    keys = [problem.sort_key for problem in report.problems]
    assert keys == sorted(keys)
    assert len(report.problems) == 2
    assert all(isinstance(p, Problem) and p.path is not None for p in report.problems)


# --- the speed-ups change nothing ---


def _split_and_whole(
    oracle: ShaclOracle, paths: list[Path]
) -> tuple[set[Finding], set[Finding], int]:
    """SHACL findings on ``paths`` (with the ontology): the SPARQL constraints on pyoxigraph
    plus pySHACL on the rest, and pySHACL on all the shapes (the run's oracle); and how many
    constraints moved."""
    from asean_customs_kg.rdf.graph import to_rdflib_graph
    from asean_customs_kg.validation.shacl.reference import shacl_findings
    from asean_customs_kg.validation.shacl.sparql import sparql_findings, split_shapes
    from asean_customs_kg.validation.validate import union_store

    case = oracle(paths)
    shapes = oracle.shapes
    core, constraints = split_shapes(shapes)
    split = set(sparql_findings(union_store(case.triples), shapes, constraints))
    split |= set(shacl_findings(to_rdflib_graph(case.triples), core))
    return split, set(case.reference), len(constraints)


def test_sparql_constraints_once_give_pyshacl_s_own_results(shacl_oracle: ShaclOracle) -> None:
    """Every shapes fixture at once: the constraints run once over the graph on pyoxigraph find
    what pySHACL finds running them node by node (same focus, message, severity, rule)."""
    from rdflib import URIRef

    fixtures = sorted((FIXTURES / "shapes").glob("*.ttl"))
    split, whole, moved = _split_and_whole(shacl_oracle, fixtures)
    shapes = load_rdflib(resources.shapes_files())
    sparql = URIRef("http://www.w3.org/ns/shacl#sparql")
    assert moved == len(set(shapes.objects(None, sparql))) > 0
    assert len(whole) > len(fixtures)
    assert {f.rule for f in whole if f.rule.endswith("(sh:sparql)")}
    assert split == whole


@pytest.mark.slow
def test_sparql_constraints_once_on_the_invalid_fixtures_and_the_project(
    shacl_oracle: ShaclOracle,
) -> None:
    invalid = [
        path for path in sorted(INVALID.glob("*.ttl")) if not path.name.startswith("syntax-")
    ]
    split, whole, _ = _split_and_whole(shacl_oracle, [*invalid, *resources.data_files()])
    assert split == whole


def test_pyoxigraph_reading_matches_rdflib_s() -> None:
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from asean_customs_kg.rdf.graph import to_rdflib_graph
    from asean_customs_kg.validation.validate import parse_files

    paths = [*resources.ontology_files(), *resources.shapes_files(), *resources.data_files()]
    triples, problems = parse_files(paths)
    assert problems == []
    for path in paths:
        graph = to_rdflib_graph({path: triples[path]})
        assert isomorphic(graph, Graph().parse(path, format="turtle")), path


def test_reasoning_in_the_caller_gives_the_same_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    path = INVALID / "logic-functional-property.ttl"
    forked = validate([path], stages=("syntax", "logic"))
    monkeypatch.setattr("os.cpu_count", lambda: 1)  # BackgroundRun then runs in this process
    inline = validate([path], stages=("syntax", "logic"))
    assert forked.problems == inline.problems
    assert any(p.rule == "owl:sameAs" for p in inline.problems)


def test_blank_node_labels_are_local_to_their_file(tmp_path: Path) -> None:
    """`_:n` in two files names two blank nodes (Turtle scopes labels to a document), so the
    statements of one file's node are never judged as another file's."""
    from asean_customs_kg.validation.validate import parse_files, union_store

    text = '@prefix ex: <https://example.org/> .\nex:{0} ex:p _:n .\n_:n ex:q "{0}" .\n'
    first, second = tmp_path / "a.ttl", tmp_path / "b.ttl"
    first.write_text(text.format("a"), encoding="utf-8")
    second.write_text(text.format("b"), encoding="utf-8")
    triples, problems = parse_files([first, second])
    assert problems == []
    store = union_store(triples)
    rows = list(
        store.query(
            "SELECT DISTINCT ?n WHERE { ?n <https://example.org/q> ?v }",
            use_default_graph_as_union=True,
        )
    )
    assert len(rows) == 2

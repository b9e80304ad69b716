"""The SHACL shapes: the project's data conforms, and every constraint catches its invalid fixture.

Each file in ``tests/fixtures/shapes/`` is a small graph that breaks one constraint on purpose. Its
header names the focus node that must be reported (``# expect-focus:``) and the constraint's message
as written in ``ontology/shapes.ttl`` (``# expect-message:``; ``{?var}`` placeholders stand for the
values pySHACL fills in).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from asean_customs_kg import resources
from asean_customs_kg.rdf.graph import load_rdflib
from helpers import FIXTURES
from oracles import ShaclOracle

if TYPE_CHECKING:
    from rdflib import Graph

SHAPE_FIXTURES = sorted((FIXTURES / "shapes").glob("*.ttl"))
TEST_NS = "https://w3id.org/asean-customs-kg/id/test/"
SH = "http://www.w3.org/ns/shacl#"


@cache
def _ontology() -> Graph:
    return load_rdflib(resources.ontology_files())


@cache
def _shapes() -> Graph:
    return load_rdflib(resources.shapes_files())


def _validate(data: Graph) -> list[tuple[str, str, str]]:
    """Runs pySHACL; returns (focus node, message, severity) for every result."""
    import pyshacl
    from rdflib import Namespace

    sh = Namespace(SH)
    _conforms, report, _ = pyshacl.validate(
        data, shacl_graph=_shapes(), ont_graph=_ontology(), inference="none", allow_warnings=True
    )
    results = []
    for result in report.subjects(sh.resultSeverity, None):
        focus = report.value(result, sh.focusNode)
        message = report.value(result, sh.resultMessage)
        severity = report.value(result, sh.resultSeverity)
        results.append((str(focus), str(message), str(severity).removeprefix(SH)))
    return results


def _expectation(path: Path) -> tuple[str, str]:
    header = dict(
        line[2:].split(": ", 1)
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("# expect-")
    )
    focus = header["expect-focus"].replace("ex:", TEST_NS)
    return focus, header["expect-message"]


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{[$?]\w+\}", template)
    return re.compile(".+?".join(re.escape(part) for part in parts) + r"\Z", re.DOTALL)


@pytest.mark.slow
def test_project_data_conforms(shacl_oracle: ShaclOracle) -> None:
    """pySHACL's run on the project (the run's oracle, which other modules compare with)."""
    results = shacl_oracle(resources.data_files()).reference
    assert [r for r in results if r.severity == "error"] == []
    assert results == frozenset()  # no warnings either


@pytest.mark.parametrize("path", SHAPE_FIXTURES, ids=[p.stem for p in SHAPE_FIXTURES])
def test_fixture_fails_with_expected_message(path: Path) -> None:
    focus, template = _expectation(path)
    results = _validate(load_rdflib([path]))
    pattern = _template_regex(template)
    matching = [r for r in results if r[0] == focus and pattern.match(r[1])]
    assert matching, f"expected {template!r} on {focus}; got {results}"


def test_every_constraint_message_has_a_fixture() -> None:
    from rdflib import Namespace

    sh = Namespace(SH)
    messages = {str(m) for m in _shapes().objects(None, sh.message)}
    covered = {_expectation(path)[1] for path in SHAPE_FIXTURES}
    assert sorted(messages - covered) == []
    assert sorted(covered - messages) == []


def test_fixture_for_a_warning_is_only_a_warning() -> None:
    results = _validate(load_rdflib([FIXTURES / "shapes" / "date-made-up-day.ttl"]))
    assert {severity for _, _, severity in results} == {"Warning"}

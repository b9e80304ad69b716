"""Every problem on the line that holds the statement at fault, in each file that states it
(the pull-request scenario is in test_pull_request.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from asean_customs_kg import resources
from asean_customs_kg.rdf.locate import Location, Locator
from asean_customs_kg.validation.validate import validate
from helpers import REPO

PREFIXES = (
    "@prefix org: <http://www.w3.org/ns/org#> .\n"
    "@prefix dct: <http://purl.org/dc/terms/> .\n"
    "@prefix ack: <https://w3id.org/asean-customs-kg/ontology#> .\n"
    "@prefix body: <https://w3id.org/asean-customs-kg/id/body/> .\n"
    "@prefix ovw: <https://w3id.org/asean-customs-kg/id/source/asean-customs-overview/> .\n"
)


def _copy(directory: Path) -> Path:
    for name in resources.MARKER:
        shutil.copytree(REPO / name, directory / name)
    return directory


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_a_cycle_closed_by_a_new_file_is_shown_in_that_file(tmp_path: Path) -> None:
    project = _copy(tmp_path)
    new = project / "data" / "new.ttl"
    new.write_text(PREFIXES + "\nbody:ccc org:reportsTo body:swg-acts .\n", encoding="utf-8")
    bodies = project / "data" / "bodies.ttl"
    described = _line_of(bodies, "body:ccc a ack:CoordinatingCommittee")
    report = validate(root=project)
    about_ccc = [p for p in report.problems if p.focus == "body:ccc"]
    assert about_ccc
    # Each problem about the new statement is on its line; the one over two statements
    # (two superiors, sh:maxCount) is on each.
    assert {(p.path, p.line, p.rule) for p in about_ccc} == {
        (new, 7, "acksh:OrganizationShape (sh:sparql)"),
        (new, 7, "acksh:SectoralBodyShape (sh:maxCount)"),
        (new, 7, "reporting-cycle"),
        (
            bodies,
            _line_of(bodies, "org:reportsTo body:asean-dgs-of-customs"),
            "acksh:SectoralBodyShape (sh:maxCount)",
        ),
    }
    assert all(p.line != described for p in report.problems if p.path == bodies)
    # The other statements of the cycle are where they are stated.
    assert {(p.path, p.line) for p in report.problems if p.focus == "body:cptfwg"} == {
        (bodies, _line_of(bodies, "org:reportsTo body:ccc"))
    }


def test_locator_places_statements_by_object_then_property(tmp_path: Path) -> None:
    path = tmp_path / "a.ttl"
    path.write_text(
        "@prefix ex: <http://example.org/> .\nex:a\n    ex:p ex:b,\n        ex:c ;\n"
        '    ex:q "x\\"y" .\n',
        encoding="utf-8",
    )
    locator = Locator([path])
    ex = "http://example.org/"
    assert locator.statement(path, ex + "a", ex + "p", ex + "c") == Location(path, 4, 9)
    assert locator.statement(path, ex + "a", ex + "p", ex + "nowhere") == Location(path, 3, 5)
    assert locator.statement(path, ex + "a", ex + "q", '"x"y"') == Location(path, 5, 10)
    assert locator.statement(path, ex + "a", ex + "r") is None
    assert locator.statement(tmp_path / "other.ttl", ex + "a", ex + "p") is None


def test_statements_of_bracketed_blank_nodes_are_on_their_own_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.ttl"
    path.write_text(
        "@prefix ex: <http://example.org/> .\n"
        "ex:a ex:p [\n"
        "        ex:q ex:b ;\n"
        '        ex:r [ ex:s "deep" ]\n'
        "    ] ;\n"
        "    ex:list ( [ ex:q ex:c ] ) ;\n"
        "    ex:t ex:d .\n"
        "[ ex:q ex:e ] ex:p ex:f .\n",
        encoding="utf-8",
    )
    locator = Locator([path])
    ex = "http://example.org/"
    nested = locator.nested_statement
    assert nested(path, ex + "a", (ex + "p",), ex + "q", ex + "b") == Location(path, 3, 14)
    assert nested(path, ex + "a", (ex + "p", ex + "r"), ex + "s", '"deep"') == Location(path, 4, 21)
    assert nested(path, ex + "a", (ex + "p",), ex + "r") == Location(path, 4, 9)
    # Inside a collection, and under a blank subject, statements are not followed...
    assert nested(path, ex + "a", (ex + "list",), ex + "q") is None
    assert locator.statement(path, ex + "e", ex + "q") is None
    # ... and the top-level statements around them still are.
    assert locator.statement(path, ex + "a", ex + "t", ex + "d") == Location(path, 7, 10)
    assert locator.statement(path, ex + "a", ex + "list") == Location(path, 6, 5)


def test_an_iri_described_nowhere_is_shown_where_each_file_uses_it(tmp_path: Path) -> None:
    first, second = tmp_path / "first.ttl", tmp_path / "second.ttl"
    first.write_text(
        PREFIXES + "\nbody:cecwg\n    ack:establishedUnder body:cptfwgg .\n", encoding="utf-8"
    )
    second.write_text(
        PREFIXES + "\n\n\nbody:ccbwg ack:establishedUnder body:cptfwgg .\n", encoding="utf-8"
    )
    report = validate([first, second], stages=("syntax", "check"))
    assert {(p.path, p.line, p.column) for p in report.problems} == {
        (first, 8, 26),
        (second, 9, 33),
    }
    assert {p.rule for p in report.problems} == {"undescribed-iri"}


def test_a_shape_made_to_apply_by_a_new_file_is_shown_on_its_type_statement(
    tmp_path: Path,
) -> None:
    """A new file types a body that data/bodies.ttl describes as an event (a subclass of
    ack:Event): the event shape's problems without a statement of their own (no date, no
    period) go on the type statement that made the shape apply, not where the body is
    described first."""
    project = _copy(tmp_path)
    new = project / "data" / "new.ttl"
    new.write_text(PREFIXES + "\nbody:cecwg\n    a ack:Meeting .\n", encoding="utf-8")
    report = validate(root=project, stages=("syntax", "shacl"))
    event = [p for p in report.problems if p.rule == "acksh:EventShape (sh:or)"]
    assert [(p.path, p.line, p.column, p.focus) for p in event] == [(new, 8, 7, "body:cecwg")]

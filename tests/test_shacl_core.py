"""The core SHACL constraints compiled to SPARQL find exactly what pySHACL finds.

pySHACL on the whole shapes graph is the reference. The compiled path is what ``ackg validate``
runs: the ``sh:sparql`` constraints and the compiled core constraints on pyoxigraph, and pySHACL
on the residual shapes (if any are left). Both must give the same set of findings on every shapes
fixture, every invalid fixture, the project's data, a synthetic graph, and graphs broken on purpose
in the ways where SHACL engines tend to differ (each with only the source documents it cites, so
that pySHACL's run is short). pySHACL's answers on the project's files come from the run's
``shacl_oracle`` (see ``conftest.py``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from asean_customs_kg import resources
from asean_customs_kg.validation.problems import Finding
from helpers import FIXTURES, REPO
from oracles import ShaclOracle

if TYPE_CHECKING:
    from rdflib import Graph

    from asean_customs_kg.validation.shacl.core import CompiledShapes

SH = "http://www.w3.org/ns/shacl#"
#: The source documents and passages the graphs below cite (``ovw:p1``).
SOURCES = REPO / "data" / "sources.ttl"
PREFIXES = """
@prefix ack: <https://w3id.org/asean-customs-kg/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ovw: <https://w3id.org/asean-customs-kg/id/source/asean-customs-overview/> .
@prefix body: <https://w3id.org/asean-customs-kg/id/body/> .
@prefix ex: <https://w3id.org/asean-customs-kg/id/test/> .
"""


def _ours(triples: dict[Path, list[Any]], shapes: Graph) -> tuple[set[Finding], CompiledShapes]:
    """The compiled path's findings on ``triples``, and the compilation."""
    from asean_customs_kg.rdf.graph import to_rdflib_graph
    from asean_customs_kg.validation.shacl.core import compile_shapes
    from asean_customs_kg.validation.shacl.reference import shacl_findings
    from asean_customs_kg.validation.shacl.run import core_findings, rewritten_predicates
    from asean_customs_kg.validation.shacl.sparql import sparql_findings, split_shapes
    from asean_customs_kg.validation.validate import union_store

    store = union_store(triples)
    core, constraints = split_shapes(shapes)
    compiled = compile_shapes(core, rewritten_predicates(triples.values()))
    ours = set(sparql_findings(store, shapes, constraints)) | set(core_findings(store, compiled))
    if compiled.has_residual_shapes:
        ours |= set(shacl_findings(to_rdflib_graph(triples), compiled.residual))
    return ours, compiled


def _compare(
    oracle: ShaclOracle, paths: list[Path]
) -> tuple[set[Finding], set[Finding], CompiledShapes]:
    """(compiled path, pySHACL on all the shapes, the compilation) on ontology plus ``paths``,
    with the project's shapes."""
    case = oracle(paths)
    ours, compiled = _ours(case.triples, oracle.shapes)
    return ours, set(case.reference), compiled


def _compare_with(
    shapes: Graph, paths: list[Path]
) -> tuple[set[Finding], set[Finding], CompiledShapes]:
    """As :func:`_compare`, with other shapes than the project's."""
    from asean_customs_kg.rdf.graph import to_rdflib_graph
    from asean_customs_kg.validation.shacl.reference import shacl_findings
    from asean_customs_kg.validation.validate import parse_files

    triples, problems = parse_files([*resources.ontology_files(), *paths])
    assert problems == []
    ours, compiled = _ours(triples, shapes)
    return ours, set(shacl_findings(to_rdflib_graph(triples), shapes)), compiled


def _core_rules(findings: set[Finding]) -> set[str]:
    return {f.rule for f in findings if not f.rule.endswith("(sh:sparql)")}


def test_same_findings_on_every_shapes_fixture(shacl_oracle: ShaclOracle) -> None:
    fixtures = sorted((FIXTURES / "shapes").glob("*.ttl"))
    ours, reference, compiled = _compare(shacl_oracle, fixtures)
    assert not compiled.has_residual_shapes
    assert len(_core_rules(reference)) > 20  # the fixtures break many core constraints
    assert ours == reference


@pytest.mark.slow
def test_same_findings_on_the_invalid_fixtures_and_the_project_data(
    shacl_oracle: ShaclOracle,
) -> None:
    invalid = sorted(p for p in (FIXTURES / "invalid").glob("*.ttl") if "syntax-" not in p.name)
    ours, reference, _ = _compare(shacl_oracle, [*invalid, *resources.data_files()])
    assert _core_rules(reference)
    assert ours == reference
    ours, reference, _ = _compare(shacl_oracle, resources.data_files())
    assert ours == reference == set()


_BROKEN = (
    PREFIXES
    + """
ex:doc a ack:SourceDocument ; skos:prefLabel "A test document"@en ; dct:source ovw:p1 ;
    foaf:page [ ] , <ftp://example.org/x> , "https://example.org/literal" .
ex:passage a ack:SourcePassage ; skos:prefLabel "A passage"@en ; dct:source ovw:p1 ;
    dct:isPartOf ex:doc , ex:doc2 ; ack:paragraph 0 , "2020-01-01"^^xsd:date , true , "x" , 1.5 ,
    "abc"^^xsd:integer , 3 .
ex:doc2 a ack:SourceDocument ; skos:prefLabel "Another document"@en ; dct:source ovw:p1 ;
    foaf:page <https://example.org/fine> .
ex:wg a ack:WorkingGroup ; skos:prefLabel "Test working group"@en ; dct:source ovw:p1 ;
    org:identifier "test-wg" ; skos:notation "TWG" ; org:reportsTo body:ccc .
ex:swg a ack:SubWorkingGroup ; skos:prefLabel "Test sub-working group"@en ; dct:source ovw:p1 ;
    org:identifier "test-swg" , "test-swg-2" ; skos:notation "tswg" , [ ] ;
    org:reportsTo ex:wg , "CCC" ; ack:inOperationSince "2020"^^xsd:gYear , "2020" , ex:wg ,
    "2020-13-45"^^xsd:date , "2021-02"^^xsd:gYearMonth ;
    skos:altLabel "plain" , "Tagged"@en ;
    ack:derivation "Too short"@en , "A long enough but untagged derivation sentence." .
ex:place a ack:Place ; skos:prefLabel "Lieu"@fr , "P"@en-GB ; dct:source ovw:p1 .
ex:place2 a ack:Place ; skos:prefLabel "Place two"@EN-us ; dct:source ovw:p1 .
ex:meeting a ack:Meeting ; skos:prefLabel "A test meeting"@en ; dct:source ovw:p1 ;
    ack:sequenceNumber "3" ; dct:date "2020"^^xsd:gYear , 2020 .
ex:event a ack:Event ; skos:prefLabel "An event in no time"@en ; dct:source ovw:p1 .
ex:partnership a ack:Partnership ; skos:prefLabel "A partnership"@en ; dct:source ovw:p1 ;
    ack:partner body:ccc , body:ccc .
"""
)


def test_same_findings_on_graphs_broken_on_purpose(
    shacl_oracle: ShaclOracle, tmp_path: Path
) -> None:
    """A wrong datatype, ill-typed literals, too many values, a value of a sub-class, blank nodes
    under sh:pattern and sh:minLength, values sh:minInclusive cannot compare, languages not in
    the list, an sh:or no member of which holds, on the focus node and on values."""
    path = tmp_path / "broken.ttl"
    path.write_text(_BROKEN, encoding="utf-8")
    ours, reference, _ = _compare(shacl_oracle, [path, SOURCES])
    rules = {(f.focus or "").rsplit("/", 1)[-1] + " " + f.rule.rsplit("#", 1)[-1] for f in ours}
    for expected in (
        "doc SourceDocumentShape (sh:nodeKind)",
        "doc SourceDocumentShape (sh:pattern)",
        "passage SourcePassageShape (sh:minInclusive)",
        "passage SourcePassageShape (sh:datatype)",
        "passage SourcePassageShape (sh:maxCount)",
        "swg OrganizationShape (sh:or)",
        "swg NamedResourceShape (sh:pattern)",
        "swg SectoralBodyShape (sh:class)",
        "place NamedResourceShape (sh:languageIn)",
        "meeting DatedShape (sh:or)",
        "event EventShape (sh:or)",
    ):
        assert expected in rules, expected
    values = {f.value for f in ours if f.rule.endswith("SourcePassageShape (sh:minInclusive)")}
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert values == {
        f'"0"^^<{xsd}integer>',
        f'"2020-01-01"^^<{xsd}date>',
        f'"true"^^<{xsd}boolean>',
        '"x"',
        f'"abc"^^<{xsd}integer>',
    }
    assert ours == reference


@pytest.mark.slow
def test_same_findings_on_a_synthetic_graph(
    shacl_oracle: ShaclOracle, synthetic_data: list[Path], tmp_path: Path
) -> None:
    data = synthetic_data
    ours, reference, _ = _compare(shacl_oracle, data)
    assert ours == reference == set()
    broken = tmp_path / "broken.ttl"
    broken.write_text(_BROKEN, encoding="utf-8")
    ours, reference, _ = _compare(shacl_oracle, [*data, broken])
    assert _core_rules(reference)
    assert ours == reference


def test_every_constraint_of_the_project_shapes_is_compiled(shacl_oracle: ShaclOracle) -> None:
    """Nothing is left for pySHACL: a shape feature the compiler does not know fails here."""
    from rdflib import URIRef

    from asean_customs_kg.validation.shacl.core import compile_shapes
    from asean_customs_kg.validation.shacl.results import shape_name
    from asean_customs_kg.validation.shacl.sparql import split_shapes

    shapes = shacl_oracle.shapes
    core, _ = split_shapes(shapes)
    compiled = compile_shapes(core)
    assert not compiled.has_residual_shapes
    assert not set(compiled.residual.subjects(URIRef(SH + "path"), None))
    components = [
        "minCount",
        "maxCount",
        "class",
        "datatype",
        "or",
        "minInclusive",
        "minLength",
        "pattern",
        "nodeKind",
        "languageIn",
    ]
    expected = set()
    for _shape, prop in shapes.subject_objects(URIRef(SH + "property")):
        for name in components:
            if (prop, URIRef(SH + name), None) in shapes:
                expected.add(f"{shape_name(shapes, prop)} (sh:{name})")
    for name in components:
        for shape in shapes.subjects(URIRef(SH + name), None):
            if (shape, URIRef(SH + "targetClass"), None) in shapes:
                expected.add(f"{shape} (sh:{name})")
    assert {c.rule for c in compiled.constraints} == expected


def test_validate_does_not_import_pyshacl_when_nothing_is_left() -> None:
    code = (
        "import sys\n"
        "from asean_customs_kg.validation.validate import validate\n"
        "report = validate([sys.argv[1]], stages=('syntax', 'shacl'))\n"
        "assert report.problems and 'pyshacl' not in sys.modules, sys.modules.keys()\n"
    )
    fixture = FIXTURES / "shapes" / "missing-label.ttl"
    result = subprocess.run(
        [sys.executable, "-c", code, str(fixture)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


_OTHER_SHAPES = (
    PREFIXES
    + """
ex:ValueShape a sh:NodeShape ; sh:targetClass ack:Place ;
    sh:property [ sh:path dct:source ; sh:hasValue ovw:p7 ; sh:message "Cites paragraph 7."@en ] ;
    sh:property [ sh:path skos:prefLabel ; sh:node ex:Short ; sh:message "A short label."@en ] ;
    sh:property [ sh:path skos:prefLabel ; sh:minLength 200 ] ;
    sh:property [ sh:path skos:prefLabel ; sh:maxCount 0 ; sh:message "No label."@en ] ;
    sh:property [ sh:path [ sh:inversePath ack:heldIn ] ; sh:minCount 1 ;
        sh:message "Something is held in it."@en ] .
ex:Short a sh:NodeShape ; sh:maxLength 3 .
ex:Deactivated a sh:NodeShape ; sh:targetClass ack:Place ; sh:deactivated true ;
    sh:property [ sh:path dct:source ; sh:maxCount 0 ; sh:message "Never reported."@en ] .
ex:Either a sh:NodeShape ; sh:targetSubjectsOf skos:prefLabel ; sh:severity sh:Warning ;
    sh:or ( [ sh:path skos:altLabel ; sh:minCount 2 ] [ sh:nodeKind sh:BlankNode ]
            [ sh:property [ sh:path skos:notation ; sh:minCount 1 ; sh:maxCount 1 ;
                            sh:pattern "^c" ; sh:flags "i" ] ] ) ;
    sh:message "Two alternative names, or one acronym starting with C."@en .
"""
)


def test_unsupported_constraints_go_to_pyshacl_and_are_still_reported() -> None:
    """sh:hasValue, sh:node and a shape without sh:message are left in the residual shapes;
    the rest (an inverse path, a count of zero, an sh:or of a count, a node kind and a nested
    property shape, a warning, a deactivated shape) is compiled; both find what pySHACL finds."""
    from rdflib import Graph

    shapes = Graph().parse(data=_OTHER_SHAPES, format="turtle")
    places = REPO / "data" / "places.ttl"
    ours, reference, compiled = _compare_with(shapes, [places, REPO / "data" / "events.ttl"])
    assert compiled.has_residual_shapes
    left = {
        str(p).removeprefix(SH) for p in compiled.residual.predicates() if str(p).startswith(SH)
    }
    assert {"hasValue", "node", "minLength"} <= left
    assert not {"inversePath", "or", "maxCount", "deactivated"} & left
    rules = {f.rule.rsplit("/", 1)[-1] for f in ours}
    assert {
        "ValueShape (sh:hasValue)",
        "ValueShape (sh:node)",
        "ValueShape (sh:minLength)",
        "ValueShape (sh:maxCount)",
        "ValueShape (sh:minCount)",
        "Either (sh:or)",
    } <= rules
    assert {f.severity for f in ours if f.rule.endswith("(sh:or)")} == {"warning"}
    assert not [f for f in ours if f.message == "Never reported."]
    assert ours == reference


@pytest.mark.parametrize(
    ("literal", "ill_typed"),
    [("3", False), ('"abc"^^xsd:integer', True), ('"1.0"^^xsd:integer', True), ('"3"', True)],
)
def test_an_ill_typed_or_mistyped_number_fails_sh_datatype(
    shacl_oracle: ShaclOracle, tmp_path: Path, literal: str, ill_typed: bool
) -> None:
    path = tmp_path / "meeting.ttl"
    path.write_text(
        PREFIXES + f'ex:m a ack:Meeting ; skos:prefLabel "M"@en ; dct:source ovw:p1 ; '
        f"ack:sequenceNumber {literal} .\n",
        encoding="utf-8",
    )
    ours, reference, _ = _compare(shacl_oracle, [path, SOURCES])
    assert ours == reference
    assert any(f.rule.endswith("MeetingShape (sh:datatype)") for f in ours) is ill_typed


_EX_PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
"""


def _on_property(constraint: str) -> str:
    return (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
        f'sh:property [ sh:path ex:p ; {constraint} ; sh:message "m" ] .'
    )


@pytest.mark.parametrize(
    ("shapes", "data", "compiled_count"),
    [
        # Literals a pyoxigraph store does not keep as written: such values go to pySHACL.
        (
            _on_property("sh:datatype xsd:integer"),
            'ex:x a ex:C ; ex:p "5"^^xsd:nonNegativeInteger .',
            0,
        ),
        (_on_property("sh:maxCount 1"), 'ex:x a ex:C ; ex:p "5"^^xsd:int, 5 .', 0),
        (_on_property('sh:pattern "^1\\\\.50$"'), "ex:x a ex:C ; ex:p 1.50 .", 0),
        (
            _on_property("sh:datatype xsd:dateTimeStamp"),
            'ex:x a ex:C ; ex:p "2020-01-01T00:00:00Z"^^xsd:dateTimeStamp .',
            0,
        ),
        # An owl:Class that is a shape targets its instances.
        (
            "ex:C a owl:Class, sh:NodeShape ; "
            'sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message "m" ] .',
            "ex:x a ex:C .",
            1,
        ),
        # Regular expressions Oxigraph cannot read, or reads unlike Python.
        (_on_property('sh:pattern "^a(?=b)"'), 'ex:x a ex:C ; ex:p "ab", "ac" .', 0),
        (_on_property('sh:pattern "^(a)\\\\1$"'), 'ex:x a ex:C ; ex:p "aa", "ab" .', 0),
        (_on_property('sh:pattern "^a\\\\Z"'), 'ex:x a ex:C ; ex:p "a", "ab" .', 0),
        (_on_property('sh:pattern "\\\\w$"'), 'ex:x a ex:C ; ex:p "a\\u0301", "\\u00b2" .', 0),
        (_on_property('sh:pattern "^[[:alpha:]]+$"'), 'ex:x a ex:C ; ex:p "abc", "a:" .', 0),
        (_on_property('sh:pattern "^a$"'), 'ex:x a ex:C ; ex:p "a\\n", "a\\n\\n", "b\\n" .', 1),
        # Blank-node sub-classes: of the sh:class, and of the target class.
        (
            _on_property("sh:class ex:D"),
            "ex:x a ex:C ; ex:p ex:y . ex:y a _:E . _:E rdfs:subClassOf ex:D .",
            1,
        ),
        (
            _on_property("sh:minCount 1"),
            "ex:x a _:E . _:E rdfs:subClassOf ex:C . ex:z a ex:C ; ex:p 1 .",
            1,
        ),
        # sh:minLength 0 passes a blank node in pySHACL too.
        (_on_property("sh:minLength 0"), "ex:x a ex:C ; ex:p [ ] .", 1),
    ],
)
def test_same_findings_where_the_store_or_the_regex_engine_differ(
    tmp_path: Path, shapes: str, data: str, compiled_count: int
) -> None:
    """Each case made the compiled path disagree with pySHACL before it was fixed."""
    from rdflib import Graph

    path = tmp_path / "data.ttl"
    path.write_text(_EX_PREFIXES + data, encoding="utf-8")
    graph = Graph().parse(data=_EX_PREFIXES + shapes, format="turtle")
    ours, reference, compiled = _compare_with(graph, [path])
    assert len(compiled.constraints) == compiled_count
    assert compiled.has_residual_shapes is (compiled_count == 0)
    assert ours == reference  # a finding, or (where the old path found a false one) none


def test_a_shape_is_either_compiled_or_left_to_pyshacl() -> None:
    """Every node shape ends up compiled or in the residual, and a residual with any shape is
    given to pySHACL, even one the compiler does not see as a shape."""
    from rdflib import Graph, URIRef

    from asean_customs_kg.validation.shacl.core import compile_shapes

    shapes = Graph().parse(
        data=_EX_PREFIXES
        + """
ex:Compiled a sh:NodeShape ; sh:targetClass ex:C ;
    sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message "m" ] .
ex:Left a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true .
ex:Kind a rdfs:Class . ex:Odd a ex:Kind, sh:NodeShape ;
    sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message "m" ] .
ex:OwlClass a owl:Class, sh:NodeShape ;
    sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message "m" ] .
""",
        format="turtle",
    )
    compiled = compile_shapes(shapes)
    left = set(compiled.residual.subjects())
    rules = {c.rule.split(" ")[0] for c in compiled.constraints}
    for shape in shapes.subjects(URIRef(SH + "property"), None):
        assert (shape in left) is not any(rule.startswith(str(shape)) for rule in rules), shape
    assert URIRef("http://example.org/Left") in left
    assert compiled.has_residual_shapes
    nothing_left = compile_shapes(
        Graph().parse(data=_EX_PREFIXES + _on_property("sh:minCount 1"), format="turtle")
    )
    assert not nothing_left.has_residual_shapes

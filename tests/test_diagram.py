"""The diagrams: the org chart and the timeline, from the graph, in Mermaid, DOT, SVG and PNG."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph
import pytest
from click.testing import CliRunner

from asean_customs_kg import resources
from asean_customs_kg.cli.main import main
from asean_customs_kg.errors import DataError, EnvError
from asean_customs_kg.publish import diagram

if TYPE_CHECKING:
    from asean_customs_kg.choices import DiagramKind
from helpers import REPO

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None,
    reason="Graphviz's dot is not installed (apt-get install graphviz); SVG/PNG are not tested",
)

PREFIXES = """
@prefix ack:  <https://w3id.org/asean-customs-kg/ontology#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct:  <http://purl.org/dc/terms/> .
@prefix org:  <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix ex:   <https://example.org/> .
"""

# A small structure: a top body under the purview of a ministerial meeting, a committee with a
# stated line, a working group with a derived line, and a name that needs escaping.
SMALL = (
    PREFIXES
    + """
ex:top a ack:DirectorsGeneralMeeting ; skos:prefLabel "Top Meeting"@en ; org:identifier "top" ;
    ack:underPurviewOf ex:ministers .
ex:ministers a ack:MinisterialMeeting ; skos:prefLabel "Ministers"@en ; skos:notation "MIN" ;
    org:identifier "ministers" .
ex:committee a ack:CoordinatingCommittee ; skos:prefLabel "A \\"quoted\\" <committee> & co"@en ;
    skos:notation "COM" ; org:identifier "end" ; org:reportsTo ex:top .
ex:group a ack:WorkingGroup ; skos:prefLabel "Group"@en ; skos:notation "GRP" ;
    org:identifier "grp" ; ack:establishedUnder ex:committee ; org:reportsTo ex:committee .
ex:line a ack:ReportingLine ; ack:subordinate ex:group ; ack:superior ex:committee ;
    ack:derivation "Derived from the group being established under the committee."@en .
ex:unrelated a ack:WorkingGroup ; skos:prefLabel "Not drawn"@en ; org:identifier "unrelated" .

ex:founding a ack:Establishment ; skos:prefLabel "Founding of the top"@en ;
    org:resultingOrganization ex:top ; dct:date "1995"^^xsd:gYear .
ex:meeting-2 a ack:Meeting ; skos:prefLabel "2nd Top Meeting"@en ; dct:temporal ex:p2 .
ex:p2 a dct:PeriodOfTime ; dcat:startDate "1995-03-01"^^xsd:date ;
    dcat:endDate "1995-03-02"^^xsd:date .
ex:summit a ack:Summit ; skos:prefLabel "A summit: the first"@en ; dct:date "1994-12-31"^^xsd:date .
ex:plan a ack:StrategicPlan ; skos:prefLabel "Plan 1995-2000"@en ; dct:temporal ex:pp .
ex:pp a dct:PeriodOfTime ; dcat:startDate "1995"^^xsd:gYear ; dcat:endDate "2000"^^xsd:gYear .
ex:undated a ack:Meeting ; skos:prefLabel "Undated meeting"@en .
ex:launch a ack:Launch ; skos:prefLabel "A launch, not drawn"@en ; dct:date "1996"^^xsd:gYear .
"""
)


def store_of(turtle: str) -> pyoxigraph.Store:
    """The project's ontology plus the given data."""
    store = pyoxigraph.Store()
    for path in resources.ontology_files():
        store.load(path=path, format=pyoxigraph.RdfFormat.TURTLE)
    store.load(input=turtle, format=pyoxigraph.RdfFormat.TURTLE)
    return store


@pytest.fixture(scope="module")
def project_store() -> pyoxigraph.Store:
    return diagram.load_store()


# --- the org chart -------------------------------------------------------------------------------


def test_structure_reads_bodies_lines_and_their_kinds() -> None:
    structure = diagram.read_structure(store_of(SMALL))
    names = {node.key: node for node in structure.nodes}
    # Keys come from org:identifier; "end" is a Mermaid keyword, so it gets a generated key.
    assert set(names) >= {"top", "ministers", "grp"}
    assert "end" not in names
    assert "Not drawn" not in {node.name for node in structure.nodes}
    assert [node.level for node in structure.nodes] == [0, 1, 2, 3]
    assert structure.nodes[0].acronym == "MIN"
    assert structure.nodes[0].customs_body is False
    assert all(node.customs_body for node in structure.nodes[1:])
    assert names["top"].acronym is None
    assert names["grp"].kind == "working group"
    lines = {(edge.source, edge.target): edge for edge in structure.edges}
    committee = structure.nodes[2].key
    assert lines["top", "ministers"].reporting == "none"
    assert lines["top", "ministers"].labels == ("under the purview of",)
    assert lines[committee, "top"].reporting == "stated"
    assert lines[committee, "top"].labels == ("reports to",)
    assert lines["grp", committee].reporting == "derived"
    assert lines["grp", committee].labels == ("reports to (derived)", "established under")


def test_structure_mermaid_draws_the_three_kinds_of_line_differently() -> None:
    text = diagram.structure_mermaid(diagram.read_structure(store_of(SMALL)))
    assert text.startswith("flowchart BT\n")
    assert '    ministers["<b>MIN</b><br/>Ministers"]\n' in text
    # Quotes and markup in a name are escaped, never passed through.
    assert "A #quot;quoted#quot; &lt;committee&gt; &amp; co" in text
    assert "<committee>" not in text
    edges = [line.strip() for line in text.splitlines() if "->" in line]
    assert edges[0] == 'top -.->|"under the purview of"| ministers'
    assert re.fullmatch(r"n\d+ --> top", edges[1])
    assert re.fullmatch(r'grp -\.->\|"reports to \(derived\), established under"\| n\d+', edges[2])
    assert "    linkStyle 2 stroke:#2f5d8a,stroke-dasharray:7 4\n" in text
    assert "    linkStyle 0 stroke:#8a8a8a,stroke-dasharray:2 4\n" in text
    assert "    class ministers other\n" in text


def test_structure_dot_styles_and_escapes() -> None:
    text = diagram.structure_dot(diagram.read_structure(store_of(SMALL)))
    assert text.startswith("digraph structure {\n") and text.endswith("}\n")
    assert "rankdir=BT" in text
    assert (
        '    top -> ministers [style=dotted, color="#8a8a8a", label="under the purview of"];'
        in text
    )
    assert re.search(r"\n    n\d+ -> top;\n", text)
    assert re.search(r'\n    grp -> n\d+ \[style=dashed, label="reports to \(derived\),\\n', text)
    assert "A &quot;quoted&quot; &lt;committee&gt; &amp; co" in text


def test_every_reporting_line_of_the_data_is_drawn(project_store: pyoxigraph.Store) -> None:
    structure = diagram.read_structure(project_store)
    by_key = {node.key: node for node in structure.nodes}
    drawn = {(by_key[e.source].name, by_key[e.target].name) for e in structure.edges}
    query = """
        PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX ack: <https://w3id.org/asean-customs-kg/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?a ?b WHERE {
          ?x org:reportsTo|ack:underPurviewOf|ack:establishedUnder ?y .
          ?x skos:prefLabel ?a . ?y skos:prefLabel ?b .
        }"""
    expected = {(row["a"].value, row["b"].value) for row in project_store.query(query)}  # type: ignore[union-attr]
    assert expected
    assert drawn == expected
    # The top of the chart is the body nothing else is above, and it is not a customs body.
    assert structure.nodes[0].level == 0 and not structure.nodes[0].customs_body


def test_a_graph_without_lines_is_a_data_error() -> None:
    with pytest.raises(DataError) as caught:
        diagram.read_structure(store_of(PREFIXES))
    assert str(caught.value) == (
        "the graph has no reporting lines (org:reportsTo, ack:underPurviewOf or "
        "ack:establishedUnder) to draw; check that data/bodies.ttl is loaded"
    )


def test_the_readme_embeds_the_current_org_chart() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(
        r"<!-- org-chart:begin[^\n]*-->\n```mermaid\n(.*?)```\n<!-- org-chart:end -->",
        readme,
        re.DOTALL,
    )
    assert found, "README.md has no org-chart:begin/end block with a mermaid chart"
    current = diagram.diagram("structure", "mermaid")
    assert found.group(1) == current, (
        "README.md's org chart is stale: replace the block with the output of `ackg diagram`"
    )


# --- the timeline --------------------------------------------------------------------------------


def test_timeline_keeps_the_precision_of_the_data_and_sorts_by_time() -> None:
    moments = diagram.read_timeline(store_of(SMALL))
    assert [(m.when, m.label, m.kind) for m in moments] == [
        ("1994-12-31", "A summit: the first", "summit"),
        ("1995", "Founding of the top", "establishment"),
        ("1995 to 2000", "Plan 1995-2000", "strategic plan"),
        ("1995-03-01 to 1995-03-02", "2nd Top Meeting", "meeting"),
    ]


def test_timeline_mermaid_groups_a_time_and_escapes_colons() -> None:
    text = diagram.timeline_mermaid(diagram.read_timeline(store_of(SMALL)))
    lines = text.splitlines()
    assert lines[0] == "timeline"
    assert lines[2] == "    1994-12-31 : A summit - the first (summit)"
    assert lines[3] == "    1995 : Founding of the top (establishment)"
    assert len(lines) == 6


def test_timeline_of_the_data_has_every_dated_establishment(
    project_store: pyoxigraph.Store,
) -> None:
    moments = diagram.read_timeline(project_store)
    query = """
        PREFIX ack: <https://w3id.org/asean-customs-kg/ontology#>
        PREFIX dct: <http://purl.org/dc/terms/>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?label ?date WHERE {
          ?e a ack:Establishment ; skos:prefLabel ?label ; dct:date ?date
        }"""
    expected = {(r["label"].value, r["date"].value) for r in project_store.query(query)}  # type: ignore[union-attr]
    assert expected
    assert expected <= {(m.label, m.when) for m in moments}
    text = diagram.timeline_dot(moments)
    assert text.count("rank=same") == len({m.when for m in moments})


def test_an_empty_timeline_is_a_data_error() -> None:
    with pytest.raises(DataError, match="no dated establishments, meetings or plans"):
        diagram.diagram("timeline", "mermaid", store_of(SMALL.split("ex:founding")[0]))


# --- rendering -----------------------------------------------------------------------------------


@needs_dot
@pytest.mark.parametrize("kind", ["structure", "timeline"])
def test_svg_and_png_are_rendered_with_the_labels(
    kind: DiagramKind, project_store: pyoxigraph.Store
) -> None:
    svg = diagram.diagram(kind, "svg", project_store)
    assert isinstance(svg, bytes)
    text = svg.decode("utf-8")
    assert "<svg" in text
    assert "CPTFWG" in text if kind == "structure" else "2005 to 2010" in text
    png = diagram.diagram(kind, "png", project_store)
    assert isinstance(png, bytes) and png.startswith(b"\x89PNG\r\n\x1a\n")


def test_a_missing_dot_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(EnvError) as caught:
        diagram.render("digraph { a }", "png")
    assert str(caught.value) == (
        "Graphviz's dot program is needed for --format png but was not found on PATH; install "
        "Graphviz (apt-get install graphviz, brew install graphviz or "
        "https://graphviz.org/download/) or use --format mermaid or --format dot"
    )


@needs_dot
def test_a_failing_dot_is_an_environment_error() -> None:
    with pytest.raises(EnvError, match=r"^Graphviz dot failed: .*syntax error"):
        diagram.render("digraph { a -> }", "svg")


# --- the command ---------------------------------------------------------------------------------


def test_command_prints_the_mermaid_org_chart() -> None:
    result = CliRunner().invoke(main, ["diagram"])
    assert result.exit_code == 0, result.output
    assert result.stdout == diagram.diagram("structure", "mermaid")


def test_command_writes_dot_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "timeline.gv"
    result = CliRunner().invoke(main, ["diagram", "--kind", "timeline", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8").startswith("digraph timeline {")


@needs_dot
def test_command_takes_the_format_from_the_suffix(tmp_path: Path) -> None:
    out = tmp_path / "chart.png"
    result = CliRunner().invoke(main, ["diagram", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\x89PNG")


def test_command_without_dot_fails_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    result = CliRunner().invoke(main, ["diagram", "--format", "svg"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(
        "ackg: error: Graphviz's dot program is needed for --format svg"
    )
    assert result.stderr.count("\n") == 1


def test_command_rejects_an_unknown_kind() -> None:
    result = CliRunner().invoke(main, ["diagram", "--kind", "gantt"])
    assert result.exit_code == 2
    assert "'gantt' is not one of 'structure', 'timeline'" in result.stderr


def test_command_reports_an_unwritable_file(tmp_path: Path) -> None:
    out = tmp_path / "missing-dir" / "chart.mmd"
    result = CliRunner().invoke(main, ["diagram", "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.startswith("ackg: error: ")
    assert "cannot write the file" in result.stderr


def test_mermaid_diagrams_import_no_rdflib() -> None:
    code = (
        "import sys\n"
        "from asean_customs_kg.publish import diagram\n"
        "diagram.diagram('structure'); diagram.diagram('timeline')\n"
        "bad = sorted(m for m in ('rdflib', 'pyshacl', 'owlrl') if m in sys.modules)\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)

"""The reference docs: ontology, saved queries with their output, shapes, and the command line."""

from __future__ import annotations

import html
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import click
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from asean_customs_kg import __version__, resources
from asean_customs_kg.cli.main import main, run
from asean_customs_kg.errors import EnvError
from asean_customs_kg.publish import docs, document
from helpers import REPO

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The docs of the project, written by the command, by file name."""
    out = tmp_path_factory.mktemp("docs")
    result = CliRunner().invoke(main, ["docs", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote 10 files to {out}\n"
    return {path.name: path.read_text(encoding="utf-8") for path in out.iterdir()}


def _commands(group: click.Group, prefix: str = "ackg") -> list[str]:
    names: list[str] = []
    for name, command in group.commands.items():
        names.append(f"{prefix} {name}")
        if isinstance(command, click.Group):
            names += _commands(command, f"{prefix} {name}")
    return names


def test_every_page_is_written_as_html_and_markdown(written: dict[str, str]) -> None:
    pages = ["index", "ontology", "queries", "shapes", "cli"]
    assert sorted(written) == sorted(f"{p}{s}" for p in pages for s in (".html", ".md"))
    for page in pages:
        assert written[f"{page}.html"].startswith("<!DOCTYPE html>")
        assert written[f"{page}.md"].startswith("# ")


def test_every_saved_query_is_in_the_docs(written: dict[str, str]) -> None:
    queries = resources.query_files()
    for path in queries:
        for page in ("queries.html", "queries.md"):
            assert f'id="{path.stem}"' in written[page], (path.stem, page)
            assert f"ackg query {path.stem}" in written[page], (path.stem, page)


def test_every_command_is_in_the_docs(written: dict[str, str]) -> None:
    commands = _commands(main)
    assert {"ackg diagram", "ackg diff", "ackg docs"} <= set(commands)
    for command in commands:
        assert (
            f'<h2 id="command-{command.split(" ", 1)[1].replace(" ", "-")}">{command}</h2>'
            in (written["cli.html"])
        )
        assert f"## {command}\n" in written["cli.md"]


def test_the_examples_ran_when_the_query_command_exists(written: dict[str, str]) -> None:
    outputs = written["queries.md"].count("\nOutput")
    assert outputs == len(resources.query_files())
    if "query" in main.commands:
        assert "Output (exit code" not in written["queries.md"]


def test_every_term_is_documented_with_its_label_and_definition(written: dict[str, str]) -> None:
    graph = rdflib.Graph()
    for path in resources.ontology_files():
        graph.parse(path)
    ontology = rdflib.URIRef("https://w3id.org/asean-customs-kg/ontology")
    terms = set(graph.subjects(RDFS.isDefinedBy, ontology))
    assert len(terms) > 50
    page = written["ontology.html"]
    for term in terms:
        assert f"<code>{term}</code>" in page, term
        for predicate in (RDFS.label, SKOS.definition):
            value = graph.value(term, predicate)
            assert value is not None, (term, predicate)
            assert html.escape(str(value)) in page, (term, predicate)
    # A domain and a range, linked to their class.
    assert '<a href="#ack-ReportingLine">ack:ReportingLine</a>' in page
    # The reused vocabularies and a restated axiom.
    assert "<code>http://www.w3.org/ns/org#</code>" in page
    assert "<code>owl:hasKey ( org:identifier )</code>" in page


def test_every_shape_and_message_is_in_the_data_dictionary(written: dict[str, str]) -> None:
    graph = rdflib.Graph()
    for path in resources.shapes_files():
        graph.parse(path)
    shapes = set(graph.subjects(RDF.type, SH.NodeShape))
    assert shapes
    markdown = written["shapes.md"]
    for shape in shapes:
        qname = graph.namespace_manager.normalizeUri(shape)  # type: ignore[arg-type]
        assert f"`{qname}`" in markdown
    for message in set(graph.objects(None, SH.message)):
        assert html.escape(str(message)) in written["shapes.html"], message


def test_queries_page_shows_parameters_and_the_real_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "sample.rq").write_text(
        "#+ summary: A <sample> | query\n"
        "#+ defaults:\n"
        "#+   - body: CCC\n"
        "SELECT ?x WHERE { ?x ?p ?_body_iri . OPTIONAL { ?x ?q ?__year_xsd_gYear } }\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("ACKG_HOME", str(tmp_path))
    calls: list[list[str]] = []

    def fake(args: Sequence[str]) -> int:
        calls.append(list(args))
        print("x\n<row>")
        return 0

    page = docs.queries_page(fake)
    assert calls == [["query", "sample", "--param", "body=CCC"]]
    text = document.render_html(page)
    markdown = document.render_markdown(page)
    assert "<pre><code>ackg query sample --param body=CCC</code></pre>" in text
    assert "<pre><code>x\n&lt;row&gt;\n</code></pre>" in text
    assert "A &lt;sample&gt; | query" in text
    assert "<code>body</code>: an acronym, a name or an IRI; default CCC" in text
    assert "<code>year</code>: a year such as 2023; optional" in text
    assert "| [sample](#sample) | A \\<sample\\> \\| query |" in markdown


def test_a_failing_example_is_shown_with_its_exit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "broken.rq").write_text("SELECT * WHERE { ?s ?p ?o }\n")
    monkeypatch.setenv("ACKG_HOME", str(tmp_path))

    def fails(args: Sequence[str]) -> int:
        print("ackg: error: no", file=sys.stderr)
        return 2

    markdown = document.render_markdown(docs.queries_page(fails))
    assert "Output (exit code 2):\n\n```\nackg: error: no\n```" in markdown


def test_html_escapes_everything() -> None:
    evil = '<x a="1">&'
    page = document.Page("t", evil)
    page.heading(2, evil, evil)
    page.para(evil, document.Code(evil), document.Link(evil, evil))
    page.table([evil], [[evil]])
    page.code(evil)
    text = document.render_html(page)
    assert "<x" not in text
    # title, h1, h2 and its id, the paragraph's text, code, link text and address, th, td, pre
    assert text.count("&lt;x a=&quot;1&quot;&gt;&amp;") == 11


def test_an_unwritable_directory_is_an_environment_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(EnvError, match=r"cannot write the documentation"):
        docs.write([document.Page("x", "X")], blocker / "docs")
    result = CliRunner().invoke(main, ["docs", "-o", str(blocker / "docs")])
    assert result.exit_code == 2
    assert result.stderr.startswith("ackg: error: ")
    assert result.stderr.count("\n") == 1


def test_importing_docs_imports_no_rdflib() -> None:
    code = "import sys\nimport asean_customs_kg.publish.docs\nassert 'rdflib' not in sys.modules\n"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_run_is_the_clis_runner() -> None:
    # The docs command passes the CLI's own runner, so examples run exactly as users type them.
    assert docs.capture(run, ["--version"])[0:2] == (0, f"ackg {__version__}\n")


def test_owl_classes_counted(written: dict[str, str]) -> None:
    graph = rdflib.Graph()
    for path in resources.ontology_files():
        graph.parse(path)
    ontology = rdflib.URIRef("https://w3id.org/asean-customs-kg/ontology")
    classes = {
        c for c in graph.subjects(RDF.type, OWL.Class) if (c, RDFS.isDefinedBy, ontology) in graph
    }
    assert f"Classes ({len(classes)})" in written["ontology.html"]

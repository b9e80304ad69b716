"""ackg export: the release in named graphs, its VoID/DCAT description, five formats, and
byte-identical output for the same input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from click.testing import CliRunner

from asean_customs_kg import __version__, resources
from asean_customs_kg.choices import EXPORT_FORMATS
from asean_customs_kg.cli.main import main
from asean_customs_kg.errors import DataError
from asean_customs_kg.release import export
from helpers import FIXTURES

XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
PROJECT_GRAPHS = {
    export.ONTOLOGY_GRAPH: resources.ontology_files,
    export.SHAPES_GRAPH: resources.shapes_files,
    export.DATA_GRAPH: resources.data_files,
}


@pytest.fixture(scope="module")
def release() -> export.Release:
    return export.build_release()


@pytest.fixture(scope="module")
def dataset(release: export.Release) -> pyoxigraph.Store:
    """The TriG export read back into a store, graphs and all."""
    store = pyoxigraph.Store()
    store.load(export.serialize(release, "trig"), format=pyoxigraph.RdfFormat.TRIG)
    return store


def _rdflib_triples(paths: list[Path]) -> int:
    graph = rdflib.Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return len(graph)


def _select(store: pyoxigraph.Store, query: str) -> list[tuple[str, ...]]:
    answer = store.query(query, use_default_graph_as_union=True)
    assert isinstance(answer, pyoxigraph.QuerySolutions)
    names = [variable.value for variable in answer.variables]
    return [tuple(row[name].value for name in names) for row in answer]


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_the_same_files_give_the_same_bytes(release: export.Release, fmt: str) -> None:
    again = export.build_release()
    assert export.serialize(release, fmt) == export.serialize(again, fmt)  # type: ignore[arg-type]


def test_another_process_writes_the_same_bytes(release: export.Release, tmp_path: Path) -> None:
    # Hash seeds and blank-node labels differ between processes; the output must not.
    target = tmp_path / "release.trig"
    environment = {**os.environ, "PYTHONHASHSEED": "12345"}
    code = (
        "import sys; from asean_customs_kg.release import export; "
        "export.write(export.build_release(), 'trig', sys.argv[1])"
    )
    subprocess.run([sys.executable, "-c", code, str(target)], check=True, env=environment)
    assert target.read_bytes() == export.serialize(release, "trig")


def test_each_part_is_in_its_named_graph(dataset: pyoxigraph.Store) -> None:
    assert {graph.value for graph in dataset.named_graphs()} == set(export.GRAPHS)
    assert len(list(dataset.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()))) == 0
    for name, files in PROJECT_GRAPHS.items():
        graph = pyoxigraph.NamedNode(name)
        found = len(list(dataset.quads_for_pattern(None, None, None, graph)))
        # Counted independently, by rdflib, from the files themselves.
        assert found == _rdflib_triples(files()) > 0, name


def test_the_description_counts_every_graph(dataset: pyoxigraph.Store) -> None:
    rows = _select(
        dataset,
        "PREFIX void: <http://rdfs.org/ns/void#> "
        f"SELECT ?graph ?triples WHERE {{ <{export.DATASET}> void:subset ?graph . "
        "?graph void:triples ?triples }",
    )
    counted = {graph: int(triples) for graph, triples in rows}
    assert set(counted) == set(export.GRAPHS)
    for name, number in counted.items():
        graph = pyoxigraph.NamedNode(name)
        assert number == len(list(dataset.quads_for_pattern(None, None, None, graph))), name
    ((total,),) = _select(
        dataset,
        f"SELECT ?n WHERE {{ <{export.DATASET}> <http://rdfs.org/ns/void#triples> ?n }}",
    )
    assert int(total) == sum(counted.values()) == len(dataset)


def test_the_description_says_what_the_dataset_is(dataset: pyoxigraph.Store) -> None:
    rows = _select(
        dataset,
        "PREFIX dct: <http://purl.org/dc/terms/> PREFIX dcat: <http://www.w3.org/ns/dcat#> "
        f"SELECT ?title ?description ?version ?license WHERE {{ <{export.DATASET}> a "
        "dcat:Dataset ; dct:title ?title ; dct:description ?description ; "
        "dcat:version ?version ; dct:license ?license }",
    )
    assert len(rows) == 1
    title, description, version, license_ = rows[0]
    assert title == "ASEAN Customs Knowledge Graph"
    assert "ASEAN Customs" in description
    assert version == __version__
    assert license_ == "https://creativecommons.org/licenses/by/4.0/"
    cited = {
        row[0]
        for row in _select(
            dataset,
            f"SELECT ?s WHERE {{ <{export.DATASET}> <http://purl.org/dc/terms/source> ?s }}",
        )
    }
    documents = {
        row[0]
        for row in _select(
            dataset,
            "SELECT ?d WHERE { ?d a <https://w3id.org/asean-customs-kg/ontology#SourceDocument> }",
        )
    }
    assert cited == documents and len(cited) > 1


def test_blank_nodes_have_canonical_labels(release: export.Release) -> None:
    text = export.serialize(release, "nq").decode()
    labels = {word for word in text.split() if word.startswith("_:")}
    assert labels, "the ontology's lists and the shapes have blank nodes"
    assert all(label.startswith("_:c14n") for label in labels)


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"),
    [("trig", "trig"), ("nq", "nquads"), ("jsonld", "json-ld"), ("ttl", "turtle"), ("nt", "nt")],
)
def test_rdflib_reads_every_format(release: export.Release, fmt: str, rdflib_format: str) -> None:
    output = export.serialize(release, fmt)  # type: ignore[arg-type]
    graph = rdflib.Dataset()
    graph.parse(data=output, format=rdflib_format)
    contexts = {str(context.identifier) for context in graph.graphs() if len(context)}
    if fmt in ("trig", "nq", "jsonld"):
        assert set(export.GRAPHS) <= contexts
        assert sum(len(graph.graph(name)) for name in export.GRAPHS) == len(release)
    else:
        merged = {triple for triples in release.graphs.values() for triple in triples}
        assert len(graph) == len(merged)


def test_a_syntax_error_names_the_file() -> None:
    with pytest.raises(DataError) as caught:
        export.build_release(data=[FIXTURES / "syntax" / "broken.ttl"])
    assert caught.value.path == FIXTURES / "syntax" / "broken.ttl"
    assert caught.value.line is not None
    assert str(caught.value).startswith(caught.value.location + ": Turtle syntax error")


def test_other_data_gives_another_release(release: export.Release) -> None:
    smaller = export.build_release(data=resources.data_files()[:1])
    assert export.serialize(smaller, "trig") != export.serialize(release, "trig")
    assert len(smaller.graphs[export.DATA_GRAPH]) < len(release.graphs[export.DATA_GRAPH])


def test_cli_export_to_stdout(release: export.Release) -> None:
    result = CliRunner().invoke(main, ["export", "--format", "nt"])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == export.serialize(release, "nt")


def test_cli_export_format_from_the_suffix(release: export.Release, tmp_path: Path) -> None:
    target = tmp_path / "release.nq"
    result = CliRunner().invoke(main, ["export", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == export.serialize(release, "nq")
    assert result.stderr.startswith(f"wrote {len(release)} triples in 4 graphs to {target} (nq,")


def test_cli_export_unwritable_file(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "release.trig"
    result = CliRunner().invoke(main, ["export", "-o", str(target)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"ackg: error: {target}: cannot write the file: No such file or directory\n"
    )


def _reference(release: export.Release, fmt: str) -> bytes:
    """The general path: every statement through pyoxigraph's serializer, sorted by term."""
    if fmt == "nq":
        output = pyoxigraph.serialize(list(release.quads()), format=pyoxigraph.RdfFormat.N_QUADS)
    else:
        merged = {t for triples in release.graphs.values() for t in triples}
        ordered = sorted(merged, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        output = pyoxigraph.serialize(ordered, format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert output is not None
    return output


@pytest.mark.parametrize("fmt", ["nt", "nq"])
def test_line_exports_match_the_general_serializer(fmt: str) -> None:
    """N-Triples and N-Quads are written from sorted lines; sorting lines must order the
    statements as sorting their terms does, even for terms that are prefixes of each other."""
    release = export.build_release(data=[FIXTURES / "export" / "awkward.ttl"])
    assert export.serialize(release, fmt) == _reference(release, fmt)  # type: ignore[arg-type]
    graphs = release.graphs  # parsed back from the lines
    for triples in graphs.values():
        assert triples == sorted(
            triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object))
        )
    # A release made from those triples writes the same bytes.
    again = export.Release(graphs, release.prefixes)
    assert export.serialize(again, fmt) == export.serialize(release, fmt)  # type: ignore[arg-type]


def test_blank_nodes_get_the_labels_of_the_whole_dataset() -> None:
    """Only the statements with a blank node are canonicalized; their labels must be those that
    RDFC-1.0 gives when the whole dataset is canonicalized."""
    release = export.build_release(data=[FIXTURES / "export" / "awkward.ttl"])
    whole = pyoxigraph.Dataset(release.quads())
    before = {str(quad) for quad in whole}
    whole.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    assert {str(quad) for quad in whole} == before
    labels = {q.subject.value for q in whole if isinstance(q.subject, pyoxigraph.BlankNode)}
    assert len(labels) >= 8 and all(label.startswith("c14n") for label in labels)

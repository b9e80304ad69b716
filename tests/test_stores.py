"""ackg load --store: the on-disk store, its atomic and idempotent loads, queries on it, and the
Oxigraph server reading the same directory."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner

from asean_customs_kg import export, stores
from asean_customs_kg.cli import main
from asean_customs_kg.errors import EnvError, UsageError
from asean_customs_kg.queries import SavedQuery, list_queries, run_query
from oxigraph_server import OxigraphServer
from store_helpers import HAS_EXTRA, examples, normalised, with_extra


@pytest.fixture(scope="module")
def release() -> export.Release:
    return export.build_release()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, release: export.Release) -> Path:
    """A store the tests only read."""
    path = tmp_path_factory.mktemp("stores") / "store"
    stores.load_store(path, release, chunk_size=400)
    return path


def graph_counts(path: Path) -> dict[str, int]:
    store = pyoxigraph.Store.read_only(str(path))
    counts = {
        graph.value: len(list(store.quads_for_pattern(None, None, None, graph)))
        for graph in store.named_graphs()
        if isinstance(graph, pyoxigraph.NamedNode)
    }
    del store
    return counts


def test_chunks_keep_blank_node_groups_together(release: export.Release) -> None:
    shapes = release.graphs[export.SHAPES_GRAPH]
    parts = list(stores.chunks(shapes, 25))
    assert sum(len(part) for part in parts) == len(shapes) and len(parts) > 1
    owner: dict[str, int] = {}
    for index, part in enumerate(parts):
        for triple in part:
            for node in (triple.subject, triple.object):
                if isinstance(node, pyoxigraph.BlankNode):
                    assert owner.setdefault(node.value, index) == index
    # A chunk holds one group at most beyond the size: no chunk of two groups passes it.
    assert max(len(part) for part in parts) < len(shapes)


def test_chunk_size_must_be_positive(release: export.Release) -> None:
    with pytest.raises(UsageError, match="the chunk size must be at least 1, got 0"):
        list(stores.chunks(release.graphs[export.DATA_GRAPH], 0))


def test_the_load_reports_what_it_read_back(loaded: Path, release: export.Release) -> None:
    assert graph_counts(loaded) == release.counts()


@pytest.mark.parametrize("query", [pytest.param(q, id=q.name) for q in list_queries()])
def test_the_store_gives_the_embedded_answer(loaded: Path, query: SavedQuery) -> None:
    backend = stores.StoreBackend(loaded)
    expected = run_query(query, examples(query))
    assert len(expected) > 0
    assert normalised(run_query(query, examples(query), backend=backend)) == normalised(expected)


def test_loading_twice_gives_the_same_state(tmp_path: Path, release: export.Release) -> None:
    path = tmp_path / "store"
    first = stores.load_store(path, release)
    dump = canonical_dump(path)
    second = stores.load_store(path, release, chunk_size=100)
    assert first.counts == second.counts == release.counts()
    assert second.chunks > first.chunks
    assert canonical_dump(path) == dump


def canonical_dump(path: Path) -> list[str]:
    store = pyoxigraph.Store.read_only(str(path))
    dataset = pyoxigraph.Dataset(store)
    del store
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(str(quad) for quad in dataset)


def test_a_new_release_replaces_the_graphs(tmp_path: Path, release: export.Release) -> None:
    path = tmp_path / "store"
    stores.load_store(path, with_extra(release))
    assert stores.StoreBackend(path).query(HAS_EXTRA).boolean is True
    stores.load_store(path, release)
    assert stores.StoreBackend(path).query(HAS_EXTRA).boolean is False
    assert graph_counts(path) == release.counts()


KILLED_LOAD = """
import sys, time
import pyoxigraph
from asean_customs_kg import export, stores
release = export.build_release()
graphs = dict(release.graphs)
extra = pyoxigraph.Triple(
    pyoxigraph.NamedNode("https://example.org/new"),
    pyoxigraph.NamedNode("https://example.org/p"),
    pyoxigraph.Literal("only in the second release"),
)
graphs[export.DATA_GRAPH] = [extra, *graphs[export.DATA_GRAPH]]
def progress(done, total):
    if done >= total - 300:
        print("loading the data graph", flush=True)
        time.sleep(600)
stores.load_store(sys.argv[1], export.Release(graphs, release.prefixes), chunk_size=100,
                  progress=progress)
"""


def test_a_store_killed_mid_load_keeps_its_previous_contents(
    tmp_path: Path, release: export.Release
) -> None:
    path = tmp_path / "store"
    stores.load_store(path, release)
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_LOAD, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == "loading the data graph\n"
    finally:
        process.kill()
        process.wait()
    counts = graph_counts(path)
    # The kill came mid-load: the new data sits half-sent in its temporary graph...
    temporary = stores.temporary_graph(export.DATA_GRAPH)
    assert 0 < counts[temporary] < len(release.graphs[export.DATA_GRAPH]) + 1
    # ...and the graphs themselves are the previous release's.
    assert {graph: counts[graph] for graph in export.GRAPHS} == release.counts()
    assert stores.StoreBackend(path).query(HAS_EXTRA).boolean is False
    # The next load clears the leftovers.
    stores.load_store(path, release)
    assert graph_counts(path) == release.counts()


def test_a_directory_that_is_not_a_store_is_refused(
    tmp_path: Path, release: export.Release
) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(UsageError) as caught:
        stores.load_store(tmp_path, release)
    assert str(caught.value) == (
        f"{tmp_path}: the directory is not empty and holds no Oxigraph store; "
        "give a new or empty directory, or an existing store"
    )
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]


def test_querying_a_missing_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["query", "bodies", "--store", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert result.stderr == (
        f"ackg: error: {tmp_path / 'none'}: no Oxigraph store there; create one with "
        f"'ackg load --store {tmp_path / 'none'}'\n"
    )


def test_the_oxigraph_server_serves_the_store(loaded: Path, tmp_path: Path) -> None:
    with OxigraphServer(loaded) as server:
        backend = stores.EndpointBackend(server.query_url)
        for query in list_queries():
            expected = run_query(query, examples(query))
            answer = run_query(query, examples(query), backend=backend)
            assert normalised(answer) == normalised(expected), query.name
        # The browser UI is at the root.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(server.base + "/", timeout=10) as response:
            assert response.headers.get_content_type() == "text/html"
        # The store can still be read, but not loaded, while the server holds it.
        assert len(run_query("bodies", backend=stores.StoreBackend(loaded))) > 0
        with pytest.raises(EnvError) as caught:
            stores.load_store(loaded, export.build_release())
        assert str(caught.value) == (
            f"{loaded}: the store is in use by another process (an Oxigraph server?); "
            "stop it and try again"
        )


def test_cli_load_and_query_a_store(tmp_path: Path, release: export.Release) -> None:
    runner = CliRunner()
    path = tmp_path / "store"
    loaded = runner.invoke(main, ["load", "--store", str(path), "--chunk-size", "2000"])
    assert loaded.exit_code == 0, loaded.output
    lines = loaded.stdout.splitlines()
    assert [line.split() for line in lines[:4]] == [
        [str(count), graph] for graph, count in release.counts().items()
    ]
    assert lines[4] == (
        f"loaded {len(release)} triples into {path} in 4 chunks; "
        "the counts were read back and match"
    )
    for args in (
        ["query", "reports-to", "--param", "body=CPTFWG"],
        ["query", "plan-in-force", "--param", "year=2023", "--format", "json"],
        ["sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv"],
    ):
        embedded = runner.invoke(main, args)
        on_store = runner.invoke(main, [*args, "--store", str(path)])
        assert on_store.exit_code == embedded.exit_code == 0, on_store.output
        assert on_store.stdout == embedded.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["load"], "give --store PATH or --endpoint URL (one of them)"),
        (
            ["load", "--store", "s", "--endpoint", "http://127.0.0.1:1/update"],
            "give --store PATH or --endpoint URL (one of them)",
        ),
        (
            ["load", "--store", "s", "--query-endpoint", "http://127.0.0.1:1/query"],
            "--query-endpoint applies to --endpoint only",
        ),
        (
            ["query", "bodies", "--store", "s", "--endpoint", "http://127.0.0.1:1/query"],
            "give --store PATH or --endpoint URL, not both",
        ),
        (["query", "bodies", "--timeout", "3"], "--timeout applies to --endpoint only"),
    ],
)
def test_cli_option_mistakes(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert result.stderr == f"ackg: error: {message}\n"


def test_progress_is_shown_on_a_terminal(tmp_path: Path) -> None:
    pty = pytest.importorskip("pty")
    import os

    script = Path(sys.executable).parent / "ackg"
    terminal, attached = pty.openpty()
    command = [str(script), "load", "--store", str(tmp_path / "store"), "--chunk-size", "300"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=attached)
    os.close(attached)
    assert process.stdout is not None
    stdout = process.stdout.read().decode()
    assert process.wait() == 0
    shown = b""
    while True:
        try:
            data = os.read(terminal, 65536)
        except OSError:  # the other end is closed
            break
        if not data:
            break
        shown += data
    os.close(terminal)
    assert b"loading  [" in shown and b"100%" in shown
    assert stdout.endswith("in 11 chunks; the counts were read back and match\n")

"""ackg load --store: the on-disk store, its atomic and idempotent loads, queries on it, and the
Oxigraph server reading the same directory."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest
from click.testing import CliRunner

from asean_customs_kg import resources
from asean_customs_kg.backends import storedir, stores
from asean_customs_kg.cli.main import main
from asean_customs_kg.errors import DataError, EnvError, LoadInterrupted, UsageError
from asean_customs_kg.query.catalogue import SavedQuery, list_queries
from asean_customs_kg.query.queries import run_query
from asean_customs_kg.release import export, loading
from oxigraph_server import OxigraphServer
from store_helpers import HAS_EXTRA, examples, normalised, with_extra


@pytest.fixture(scope="module")
def release() -> export.Release:
    return export.build_release()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store the tests only read, loaded from the project's files as the CLI does."""
    path = tmp_path_factory.mktemp("stores") / "store"
    loading.load_store_files(path)
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


def siblings(path: Path) -> list[str]:
    """What is in the store's parent directory: the store and nothing a load left (the random
    id of a load's work directory shown as ``*``)."""
    return sorted(
        re.sub(r"\.ackg-load-[0-9a-f]{8}$", ".ackg-load-*", entry.name)
        for entry in path.parent.iterdir()
    )


def test_chunks_keep_blank_node_groups_together(release: export.Release) -> None:
    shapes = release.graphs[export.SHAPES_GRAPH]
    parts = list(loading.chunks(shapes, 25))
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
        list(loading.chunks(release.graphs[export.DATA_GRAPH], 0))


def test_the_load_reports_what_it_read_back(loaded: Path, release: export.Release) -> None:
    assert graph_counts(loaded) == release.counts()
    assert siblings(loaded) == ["store"]


def test_loading_the_files_gives_the_release(
    loaded: Path, tmp_path: Path, release: export.Release
) -> None:
    """The bulk load of the files and the load of the built release give the same dataset,
    description included (blank nodes aside, which canonicalization labels alike)."""
    report = loading.load_store(tmp_path / "store", release)
    assert report.counts == release.counts() and report.chunks == len(release.graphs)
    assert canonical_dump(loaded) == canonical_dump(tmp_path / "store")


@pytest.mark.parametrize("query", [pytest.param(q, id=q.name) for q in list_queries()])
def test_the_store_gives_the_embedded_answer(loaded: Path, query: SavedQuery) -> None:
    backend = stores.StoreBackend(loaded)
    expected = run_query(query, examples(query))
    assert len(expected) > 0
    assert normalised(run_query(query, examples(query), backend=backend)) == normalised(expected)


def test_loading_twice_gives_the_same_state(tmp_path: Path, release: export.Release) -> None:
    path = tmp_path / "store"
    first = loading.load_store_files(path)
    dump = canonical_dump(path)
    second = loading.load_store_files(path)
    assert first.counts == second.counts == release.counts()
    assert canonical_dump(path) == dump
    loading.load_store(path, release)
    assert canonical_dump(path) == dump
    assert siblings(path) == ["store"]


def canonical_dump(path: Path) -> list[str]:
    store = pyoxigraph.Store.read_only(str(path))
    dataset = pyoxigraph.Dataset(store)
    del store
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(str(quad) for quad in dataset)


def test_a_new_release_replaces_the_graphs(tmp_path: Path, release: export.Release) -> None:
    path = tmp_path / "store"
    loading.load_store(path, with_extra(release))
    assert stores.StoreBackend(path).query(HAS_EXTRA).boolean is True
    loading.load_store_files(path)
    assert stores.StoreBackend(path).query(HAS_EXTRA).boolean is False
    assert graph_counts(path) == release.counts()


def test_a_symbolic_link_to_a_store_is_kept(tmp_path: Path, release: export.Release) -> None:
    real = tmp_path / "real"
    loading.load_store(real, with_extra(release))
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    loading.load_store_files(link)
    assert link.is_symlink() and graph_counts(real) == release.counts()
    assert siblings(real) == ["link", "real"]


KILLED_LOAD = """
import sys, time
from asean_customs_kg.backends import stores
from asean_customs_kg.release import loading
from store_helpers import with_extra
from asean_customs_kg.release import export
def progress(done, total):
    print("loading", flush=True)
    time.sleep(600)
loading.load_store(sys.argv[1], with_extra(export.build_release()), progress=progress)
"""


def run_killed(script: str, path: Path, *, signal_line: str) -> None:
    """Runs ``script`` on ``path`` until it prints ``signal_line`` or dies, then kills it."""
    tests = str(Path(__file__).parent)
    process = subprocess.Popen(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {tests!r})\n" + script, str(path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == signal_line
    finally:
        process.kill()
        process.wait()


def test_a_store_killed_mid_load_keeps_its_previous_contents(
    tmp_path: Path, release: export.Release
) -> None:
    path = tmp_path / "store"
    loading.load_store_files(path)
    run_killed(KILLED_LOAD, path, signal_line="loading\n")
    # The kill came mid-load: the new store sits half-written in the load's work directory...
    (work,) = storedir.StorePaths(path).works()
    assert work.new.is_dir() and not work.old.exists()
    # ...and the store is the previous release's.
    assert graph_counts(path) == release.counts()
    assert stores.StoreBackend(path).query(HAS_EXTRA).boolean is False
    # The next load clears the leftovers.
    loading.load_store(path, with_extra(release))
    assert stores.StoreBackend(path).query(HAS_EXTRA).boolean is True
    assert siblings(path) == ["store"]


# A load of a second release killed (SIGKILL) at one point of the swap (see storedir's doc).
CRASH_IN_SWAP = """
import os, signal, sys
from asean_customs_kg.release import export, loading; from asean_customs_kg.backends import storedir
from store_helpers import with_extra
point = sys.argv[2]
renames = []
real_rename, real_remove = os.rename, storedir.remove
def crash():
    print("crashing", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
def rename(source, target):
    if point == "before the swap" and not renames:
        crash()
    real_rename(source, target)
    renames.append(target)
    if point == f"after rename {len(renames)}":
        crash()
def remove(path):
    if point == "while deleting the previous store" and path.name == "old":
        files = sorted(p for p in path.iterdir() if p.is_file())
        for part in files[: len(files) // 2]:
            part.unlink()
        crash()
    real_remove(path)
os.rename = rename
storedir.remove = remove
loading.load_store(sys.argv[1], with_extra(export.build_release()))
"""


@pytest.mark.parametrize(
    ("point", "new", "left"),
    [
        ("before the swap", False, ["store", "store.ackg-load-*"]),
        ("after rename 1", False, ["store.ackg-load-*"]),
        ("after rename 2", True, ["store", "store.ackg-load-*"]),
        ("while deleting the previous store", True, ["store", "store.ackg-load-*"]),
    ],
)
def test_a_load_killed_in_its_swap_leaves_one_whole_store(
    tmp_path: Path, release: export.Release, point: str, new: bool, left: list[str]
) -> None:
    path = tmp_path / "store"
    loading.load_store(path, release)
    script = CRASH_IN_SWAP.replace("sys.argv[2]", repr(point))
    run_killed(script, path, signal_line="crashing\n")
    # (The lock file stays too, unlocked: the kernel let go of the lock with the process.)
    assert siblings(path) == [".store.lock", *left]
    # Queries read one whole store: the previous one until the new one is in place.
    backend = stores.StoreBackend(path)
    assert backend.query(HAS_EXTRA).boolean is new
    assert len(run_query("bodies", backend=backend)) > 0
    del backend
    # The next load puts things right: the previous store back, or the rest deleted.
    loading.load_store(path, release)
    assert siblings(path) == ["store"]
    assert graph_counts(path) == release.counts()


def test_an_empty_store_created_mid_swap_gives_way_to_the_previous_one(
    tmp_path: Path, release: export.Release
) -> None:
    """An Oxigraph server started on the missing directory between the two renames."""
    path = tmp_path / "store"
    paths = storedir.StorePaths(path)
    work = storedir.start(paths)
    loading.load_store(work.old, with_extra(release))  # the previous store, set aside
    del_store = pyoxigraph.Store(str(path))  # an empty store
    del del_store
    storedir.recover(paths, str(path))
    assert siblings(path) == ["store"]
    assert stores.StoreBackend(path).query(HAS_EXTRA).boolean is True


def test_a_failed_rename_puts_the_previous_store_back(
    tmp_path: Path, release: export.Release, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store"
    loading.load_store(path, release)
    real_rename = os.rename

    def rename(source: Any, target: Any) -> None:
        if Path(source).name == "new":
            raise OSError(5, "Input/output error")
        real_rename(source, target)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(EnvError) as caught:
        loading.load_store(path, with_extra(release))
    assert str(caught.value).startswith(
        f"{path}: the new store could not replace the previous one ("
    )
    monkeypatch.undo()
    assert graph_counts(path) == release.counts()
    assert stores.StoreBackend(path).query(HAS_EXTRA).boolean is False


class Miscounted(export.Release):
    """A release that claims one more data triple than it holds."""

    def counts(self) -> dict[str, int]:
        counts = super().counts()
        counts[export.DATA_GRAPH] += 1
        return counts


def test_a_count_that_differs_keeps_the_previous_store(
    tmp_path: Path, release: export.Release
) -> None:
    path = tmp_path / "store"
    loading.load_store(path, with_extra(release))
    held = len(release.graphs[export.DATA_GRAPH])
    with pytest.raises(EnvError) as caught:
        loading.load_store(path, Miscounted(release.graphs, release.prefixes))
    assert re.fullmatch(
        re.escape(
            f"the load into {path} failed, the previous contents of the store are intact: "
            f"the new store {tmp_path / 'store.ackg-load-'}"
        )
        + "[0-9a-f]{8}"
        + re.escape(
            f"/new holds {held} triples in <{export.DATA_GRAPH}> after loading, but "
            f"{held + 1} were sent"
        ),
        str(caught.value),
    )
    assert siblings(path) == ["store"]
    assert stores.StoreBackend(path).query(HAS_EXTRA).boolean is True


def test_a_syntax_error_keeps_the_previous_store(tmp_path: Path, release: export.Release) -> None:
    path = tmp_path / "store"
    loading.load_store(path, release)
    broken = tmp_path / "broken.ttl"
    broken.write_text('@prefix ex: <https://example.org/> .\nex:a ex:b "open\n')
    with pytest.raises(DataError) as caught:
        loading.load_store_files(path, data=[*resources.data_files(), broken])
    assert caught.value.path == broken and caught.value.line == 2
    assert str(caught.value).startswith(f"{broken}:2:")
    assert siblings(path) == ["broken.ttl", "store"]
    assert graph_counts(path) == release.counts()


def test_ctrl_c_keeps_the_previous_store(tmp_path: Path, release: export.Release) -> None:
    path = tmp_path / "store"
    loading.load_store(path, release)

    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(LoadInterrupted) as caught:
        loading.load_store_files(path, progress=interrupt)
    assert caught.value.exit_code == 130
    assert str(caught.value) == (
        f"the load into {path} was interrupted; the previous contents of the store are intact"
    )
    assert siblings(path) == ["store"] and graph_counts(path) == release.counts()


def test_a_load_is_refused_while_another_holds_the_lock(
    tmp_path: Path, release: export.Release
) -> None:
    path = tmp_path / "store"
    loading.load_store(path, release)
    paths = storedir.StorePaths(path)
    with storedir.locked(paths, str(path)), pytest.raises(EnvError) as caught:
        loading.load_store_files(path)
    assert str(caught.value) == (
        f"{path}: another load into this store is running; wait for it to finish"
    )
    assert siblings(path) == ["store"]
    loading.load_store_files(path)  # the lock was let go


def test_a_directory_that_is_not_a_store_is_refused(
    tmp_path: Path, release: export.Release
) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(UsageError) as caught:
        loading.load_store(tmp_path, release)
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
            loading.load_store(loaded, export.build_release())
        assert str(caught.value) == (
            f"{loaded}: the store is in use by another process (an Oxigraph server?); "
            "stop it and try again"
        )


def test_cli_load_and_query_a_store(tmp_path: Path, release: export.Release) -> None:
    runner = CliRunner()
    path = tmp_path / "store"
    loaded = runner.invoke(main, ["load", "--store", str(path)])
    assert loaded.exit_code == 0, loaded.output
    lines = loaded.stdout.splitlines()
    assert [line.split() for line in lines[:4]] == [
        [str(count), graph] for graph, count in release.counts().items()
    ]
    files = sum(len(paths) for paths in export.source_files().values())
    assert lines[4] == (
        f"loaded {len(release)} triples into {path} from {files} files; "
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
        (["load", "--store", "s", "--chunk-size", "10"], "--chunk-size applies to --endpoint only"),
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
    command = [str(script), "load", "--store", str(tmp_path / "store")]
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
    files = sum(len(paths) for paths in export.source_files().values())
    assert stdout.endswith(f"from {files} files; the counts were read back and match\n")

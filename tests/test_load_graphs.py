"""ackg load --endpoint touches only the temporary graphs it made: each load fills graphs of its
own (``.../graph/loading/<start>-<id>/<name>``), so a load running meanwhile never puts a
partial graph in place nor takes the graphs that another load fills; the temporary graphs
that killed loads left are dropped by the first load that starts a day after them, and
nothing else under the temporary base is. Against a real Oxigraph server."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from asean_customs_kg.backends.endpoints import Endpoint
from asean_customs_kg.release import export, loading
from oxigraph_server import OxigraphServer
from store_helpers import load_with_a_load_meanwhile, with_extra

ALL_QUADS = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("ACKG_ENDPOINT_TOKEN", "ACKG_ENDPOINT_USER", "ACKG_ENDPOINT_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


@pytest.fixture(scope="module")
def release() -> export.Release:
    return export.build_release()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[OxigraphServer]:
    with OxigraphServer(tmp_path / "location") as started:
        yield started


def counts(server: OxigraphServer) -> dict[str, int]:
    found: dict[str, int] = {}
    for graph, _, _, _ in Endpoint(server.query_url).query(ALL_QUADS).solutions:
        assert graph is not None
        found[graph.value] = found.get(graph.value, 0) + 1
    return found


def insert(server: OxigraphServer, graphs: list[str]) -> None:
    body = " ".join(f"GRAPH <{graph}> {{ <urn:s> <urn:p> 1 }}" for graph in graphs)
    Endpoint(server.update_url).update(f"INSERT DATA {{ {body} }}")


def test_each_load_fills_temporary_graphs_of_its_own() -> None:
    graph = loading.temporary_graph(export.DATA_GRAPH, "1796000000-0123abcd")
    assert graph == "https://w3id.org/asean-customs-kg/graph/loading/1796000000-0123abcd/data"


def test_what_killed_loads_left_is_dropped_and_nothing_else(
    server: OxigraphServer, release: export.Release
) -> None:
    now = int(time.time())
    old = now - loading.LEFTOVER_AGE - 60  # started more than a day ago
    left = [
        loading.temporary_graph(export.DATA_GRAPH, f"{old}-0123abcd"),
        loading.temporary_graph(export.SHAPES_GRAPH, "1000000000-89abcdef"),
        loading.temporary_graph(export.DATA_GRAPH, "0123abcd"),  # as earlier versions named it
        loading.temporary_graph(export.DATA_GRAPH),  # and before that
    ]
    base = loading.TEMPORARY_GRAPH_BASE
    others = [base + "mine/data", base + "data-notes", base + "0123abcd/notes", base + "X/data"]
    # A load started less than a day ago may still be running: its graphs are its own.
    running = [
        loading.temporary_graph(export.DATA_GRAPH, f"{now - 3600}-0123abcd"),
        loading.temporary_graph(export.ONTOLOGY_GRAPH, f"{now + 600}-89abcdef"),  # a fast clock
    ]
    insert(server, left + others + running)
    loading.load_endpoint(server.update_url, release)
    assert counts(server) == {**release.counts(), **dict.fromkeys(others + running, 1)}


def test_a_load_running_meanwhile_never_leaves_a_partial_graph(
    server: OxigraphServer, release: export.Release, monkeypatch: pytest.MonkeyPatch
) -> None:
    loading.load_endpoint(server.update_url, release)
    last = len(list(release.graphs.values())[-1])  # the number of triples of the last graph
    real_update = Endpoint.update
    second: list[str] = []

    def killed_in_the_last_graph(done: int, total: int) -> None:
        if done > total - last:  # a chunk of the last graph sent: killed
            raise SystemExit

    def update(self: Endpoint, sparql: str) -> None:
        if "MOVE" in sparql and not second:
            # Just before the first load's final request, a second load starts and is
            # killed (no clean-up) with three graphs filled and the last one in part.
            second.append("started")
            with pytest.raises(SystemExit):
                loading.load_endpoint(
                    server.update_url,
                    release,
                    chunk_size=20,
                    progress=killed_in_the_last_graph,
                )
        real_update(self, sparql)

    monkeypatch.setattr(Endpoint, "update", update)
    loading.load_endpoint(server.update_url, with_extra(release))
    monkeypatch.undo()
    # (Once, both loads filled the same temporary graphs, and the first moved the second's
    # partial data graph into place.) The graphs are the first load's, each whole; the killed
    # load's temporary graphs stay, less than a day old, and the next load leaves them alone.
    found = counts(server)
    assert {graph: found.get(graph, 0) for graph in export.GRAPHS} == with_extra(release).counts()
    loading.load_endpoint(server.update_url, release)
    found = counts(server)
    assert {graph: found.get(graph, 0) for graph in export.GRAPHS} == release.counts()
    left = sorted(set(found) - set(export.GRAPHS))
    assert len(left) == len(export.GRAPHS)
    assert all(graph.startswith(loading.TEMPORARY_GRAPH_BASE) for graph in left)


def test_a_load_meanwhile_never_empties_the_graphs(
    server: OxigraphServer, release: export.Release
) -> None:
    # A second load runs whole between the first one's filling and its final request. (Its
    # start once dropped the first one's temporary graphs, and the first load then failed;
    # on Virtuoso, which moves a missing graph as an empty one, it emptied the graphs.)
    report = load_with_a_load_meanwhile(server.update_url, with_extra(release), release)
    assert report.counts == with_extra(release).counts() == counts(server)
    load_with_a_load_meanwhile(server.update_url, release, with_extra(release))
    assert counts(server) == release.counts()

"""ackg load --endpoint into a real Virtuoso server, with the guarantees it has on Oxigraph:
the counts read back, the graphs equal to the release, reloads that change nothing, the
previous graphs kept when a load fails or is interrupted before its final request, and
Virtuoso's Digest-authenticated ``/sparql-auth`` endpoint."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner

from asean_customs_kg.backends import stores
from asean_customs_kg.backends.endpoints import Endpoint
from asean_customs_kg.cli.main import main
from asean_customs_kg.errors import EnvError, LoadInterrupted
from asean_customs_kg.release import export, loading
from store_helpers import HAS_EXTRA, load_with_a_load_meanwhile, with_extra
from virtuoso_server import LOADER, VirtuosoServer

pytestmark = pytest.mark.slow  # a real Virtuoso server

GRAPH_VALUES = " ".join(f"<{graph}>" for graph in export.GRAPHS)
RELEASE_QUADS = (
    f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {GRAPH_VALUES} }} GRAPH ?g {{ ?s ?p ?o }} }}"
)


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Neither the environment's credentials nor the user's netrc file reach these tests."""
    for name in ("ACKG_ENDPOINT_TOKEN", "ACKG_ENDPOINT_USER", "ACKG_ENDPOINT_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


@pytest.fixture(scope="module")
def release() -> export.Release:
    return export.build_release()


@pytest.fixture
def server(virtuoso: VirtuosoServer, release: export.Release) -> Iterator[VirtuosoServer]:
    """The session's server; put back as a load of the release leaves it, after the test."""
    yield virtuoso
    loading.load_endpoint(virtuoso.sparql_url, release)


def _term(term: pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | None) -> str:
    return "_:" if isinstance(term, pyoxigraph.BlankNode) else str(term)


def quads(server: VirtuosoServer) -> list[str]:
    """The four graphs' statements (blank nodes unlabelled), sorted."""
    answer = Endpoint(server.sparql_url).query(RELEASE_QUADS)
    return sorted(" ".join(map(_term, row)) for row in answer.solutions)


def release_quads(release: export.Release) -> list[str]:
    return sorted(
        " ".join([f"<{graph}>", *(_term(term) for term in triple)])
        for graph, triples in release.graphs.items()
        for triple in triples
    )


def counts(server: VirtuosoServer) -> dict[str, int]:
    found = dict.fromkeys(export.GRAPHS, 0)
    for graph, *_ in Endpoint(server.sparql_url).query(RELEASE_QUADS).solutions:
        assert graph is not None
        found[graph.value] += 1
    return {graph: count for graph, count in found.items() if count}


def has_extra(server: VirtuosoServer) -> bool | None:
    return stores.EndpointBackend(server.sparql_url).query(HAS_EXTRA).boolean


def test_the_load_leaves_exactly_the_release(
    server: VirtuosoServer, release: export.Release
) -> None:
    report = loading.load_endpoint(server.sparql_url, release)
    assert report.counts == release.counts() == counts(server)
    assert quads(server) == release_quads(release)
    # MOVE emptied the temporary graphs (Virtuoso has no empty graphs: none is left).
    left = Endpoint(server.sparql_url).query(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER (STRSTARTS(STR(?g), "{loading.TEMPORARY_GRAPH_BASE}")) }}'
    )
    assert left.solutions == []


def test_loading_twice_gives_the_same_state(
    server: VirtuosoServer, release: export.Release
) -> None:
    first = loading.load_endpoint(server.sparql_url, release, chunk_size=1000)
    state = quads(server)
    second = loading.load_endpoint(server.sparql_url, release, chunk_size=300)
    assert first.counts == second.counts == release.counts() == counts(server)
    assert second.chunks > first.chunks
    assert quads(server) == state


def test_a_new_release_replaces_the_old(server: VirtuosoServer, release: export.Release) -> None:
    loading.load_endpoint(server.sparql_url, with_extra(release))
    assert has_extra(server) is True
    loading.load_endpoint(server.sparql_url, release)
    assert has_extra(server) is False
    assert counts(server) == release.counts()


def test_a_load_meanwhile_never_empties_the_graphs(
    server: VirtuosoServer, release: export.Release
) -> None:
    # A second load runs whole between the first one's filling and its final request. Its
    # start once dropped the first one's temporary graphs, and the first one's MOVE from a
    # missing graph then emptied every target graph here (Oxigraph refuses it).
    report = load_with_a_load_meanwhile(server.sparql_url, with_extra(release), release)
    assert report.counts == with_extra(release).counts() == counts(server)
    assert has_extra(server) is True
    load_with_a_load_meanwhile(server.sparql_url, release, with_extra(release))
    assert quads(server) == release_quads(release)


def test_an_interrupted_load_keeps_the_previous_graphs(
    server: VirtuosoServer, release: export.Release
) -> None:
    loading.load_endpoint(server.sparql_url, release)

    def interrupt_after_two_chunks(done: int, total: int) -> None:
        if done > 400:
            raise KeyboardInterrupt

    with pytest.raises(LoadInterrupted):
        loading.load_endpoint(
            server.sparql_url,
            with_extra(release),
            chunk_size=200,
            progress=interrupt_after_two_chunks,
        )
    assert counts(server) == release.counts()
    assert has_extra(server) is False


def test_a_count_that_does_not_match_keeps_the_previous_graphs(
    server: VirtuosoServer, release: export.Release
) -> None:
    loading.load_endpoint(server.sparql_url, release)
    graphs = dict(release.graphs)
    data = graphs[export.DATA_GRAPH]
    graphs[export.DATA_GRAPH] = [*data, data[0]]  # the server keeps one copy of a triple
    with pytest.raises(EnvError) as caught:
        loading.load_endpoint(server.sparql_url, export.Release(graphs, release.prefixes))
    temporary = loading.temporary_graph(export.DATA_GRAPH, "LOAD")
    assert re.fullmatch(
        re.escape(
            "the load failed, the previous contents of the graphs are intact: the endpoint "
            f"{server.sparql_url} holds {len(data)} triples in <{temporary}> after loading, "
            f"but {len(data) + 1} were sent"
        ).replace("LOAD", "[0-9]+-[0-9a-f]{8}"),
        str(caught.value),
    )
    assert quads(server) == release_quads(release)


def test_a_server_stopped_during_the_load_keeps_the_previous_graphs(
    tmp_path: Path, release: export.Release
) -> None:
    with VirtuosoServer(tmp_path) as own:
        loading.load_endpoint(own.sparql_url, release)
        sent: list[int] = []

        def stop_after_two_chunks(done: int, total: int) -> None:
            sent.append(done)
            if len(sent) == 2:
                own.stop()

        with pytest.raises(EnvError) as caught:
            loading.load_endpoint(
                own.sparql_url,
                with_extra(release),
                chunk_size=200,
                progress=stop_after_two_chunks,
            )
        assert str(caught.value).startswith(
            "the load failed, the previous contents of the graphs are intact: cannot reach "
            f"the SPARQL endpoint {own.sparql_url}: "
        )
    with own:  # started again on its database
        assert quads(own) == release_quads(release)
        loading.load_endpoint(own.sparql_url, release)  # clears what the failed load left
        assert counts(own) == release.counts()


def test_the_digest_endpoint_with_credentials_from_the_environment(
    server: VirtuosoServer, release: export.Release, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACKG_ENDPOINT_USER", LOADER)
    monkeypatch.setenv("ACKG_ENDPOINT_PASSWORD", server.password)
    runner = CliRunner()
    loaded = runner.invoke(main, ["load", "--endpoint", server.auth_url])
    assert loaded.exit_code == 0, loaded.output
    assert loaded.stdout.splitlines()[-1].startswith(
        f"loaded {len(release)} triples into {server.auth_url} in "
    )
    args = ["query", "reports-to", "--param", "body=CPTFWG"]
    remote = runner.invoke(main, [*args, "--endpoint", server.auth_url])
    assert remote.exit_code == 0, remote.output
    assert remote.stdout == runner.invoke(main, args).stdout
    assert server.password not in loaded.output + remote.output


def test_the_digest_endpoint_with_credentials_from_netrc(
    server: VirtuosoServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login {LOADER} password {server.password}\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    answer = stores.EndpointBackend(server.auth_url).query(HAS_EXTRA)
    assert answer.boolean is False


def test_wrong_digest_credentials_are_refused_and_never_shown(
    server: VirtuosoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACKG_ENDPOINT_USER", LOADER)
    monkeypatch.setenv("ACKG_ENDPOINT_PASSWORD", "not-" + server.password)
    result = CliRunner().invoke(main, ["load", "--endpoint", server.auth_url])
    assert result.exit_code == 2
    assert result.stderr == (
        "ackg: error: the load failed, the previous contents of the graphs are intact: the "
        f"SPARQL endpoint {server.auth_url} refused access (HTTP 401 digest auth failed); "
        "check the credentials from ACKG_ENDPOINT_USER/ACKG_ENDPOINT_PASSWORD\n"
    )
    assert server.password not in result.output


def test_no_credentials_for_the_digest_endpoint(server: VirtuosoServer) -> None:
    result = CliRunner().invoke(main, ["query", "bodies", "--endpoint", server.auth_url])
    assert result.exit_code == 2
    assert result.stderr == (
        f"ackg: error: the SPARQL endpoint {server.auth_url} refused access (HTTP 401 "
        "Unauthorized); set ACKG_ENDPOINT_USER and ACKG_ENDPOINT_PASSWORD, or "
        "ACKG_ENDPOINT_TOKEN\n"
    )


def test_virtuoso_applies_the_operations_of_a_request_one_by_one(
    virtuoso: VirtuosoServer,
) -> None:
    # Unlike Oxigraph, Virtuoso keeps what the first operations of a failing request did:
    # the final replacing request of a load is not one transaction there (README, servers).
    endpoint = Endpoint(virtuoso.sparql_url)
    kept, existing = "https://example.org/kept", "https://example.org/existing"
    endpoint.update(f"INSERT DATA {{ GRAPH <{existing}> {{ <urn:s> <urn:p> 1 }} }}")
    with pytest.raises(EnvError, match=r"SPARUL_CREATE\(\) failed"):
        endpoint.update(
            f"INSERT DATA {{ GRAPH <{kept}> {{ <urn:s> <urn:p> 1 }} }} ; CREATE GRAPH <{existing}>"
        )
    answer = endpoint.query(f"ASK {{ GRAPH <{kept}> {{ ?s ?p ?o }} }}")
    endpoint.update(f"DROP SILENT GRAPH <{kept}> ; DROP SILENT GRAPH <{existing}>")
    assert answer.boolean is True


def test_without_the_update_role_the_load_is_refused(
    server: VirtuosoServer, release: export.Release
) -> None:
    loading.load_endpoint(server.sparql_url, release)
    server.sql('REVOKE SPARQL_UPDATE FROM "SPARQL";')
    try:
        result = CliRunner().invoke(main, ["load", "--endpoint", server.sparql_url])
    finally:
        server.sql('GRANT SPARQL_UPDATE TO "SPARQL";')
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "ackg: error: the load failed, the previous contents of the graphs are intact: the "
        f"SPARQL endpoint {server.sparql_url} failed (HTTP 500 SPARQL Request Failed): "
        "Virtuoso 42000 Error SR186:SECURITY: No permission to execute procedure "
    )
    assert result.stderr.count("\n") == 1
    assert quads(server) == release_quads(release)


@pytest.mark.parametrize(
    "query",
    [
        "ASK { ?body <http://www.w3.org/2004/02/skos/core#notation> 'CPTFWG' }",
        "ASK { ?body <http://www.w3.org/2004/02/skos/core#notation> 'NO-SUCH-BODY' }",
        "SELECT ?node WHERE { GRAPH ?g { ?s ?p ?node FILTER isBlank(?node) } } LIMIT 1",
    ],
)
def test_ask_and_blank_nodes_read_as_the_embedded_engine_gives_them(
    server: VirtuosoServer, query: str
) -> None:
    # Virtuoso answers ASK as a SELECT of one integer and labels blank nodes nodeID://...
    runner = CliRunner()
    remote = runner.invoke(
        main, ["sparql", query, "--endpoint", server.sparql_url, "--format", "json"]
    )
    embedded = runner.invoke(main, ["sparql", query, "--format", "json"])
    assert remote.exit_code == embedded.exit_code == 0, remote.output
    if "ASK" in query:
        assert remote.stdout == embedded.stdout
    else:
        assert '"type": "bnode"' in remote.stdout.replace('":"', '": "')

"""ackg load --endpoint and --endpoint on the query commands, against a real Oxigraph server on
127.0.0.1 (load then query, idempotent reloads, the server stopped before and during a load, a
count that does not match, Ctrl-C) and a small local HTTP server for what Oxigraph does not do
(authentication, HTTP errors, timeouts, dropped connections, redirects)."""

from __future__ import annotations

import base64
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pyoxigraph
import pytest
from click.testing import CliRunner

from asean_customs_kg.backends import stores
from asean_customs_kg.backends.endpoints import Credentials, Endpoint
from asean_customs_kg.cli.main import main
from asean_customs_kg.errors import EnvError, LoadInterrupted, UsageError
from asean_customs_kg.query.catalogue import SavedQuery, list_queries
from asean_customs_kg.query.queries import run_query
from asean_customs_kg.release import export, loading
from oxigraph_server import OxigraphServer
from recording_server import POLL
from store_helpers import HAS_EXTRA, examples, normalised, with_extra

ALL_QUADS = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Neither the environment's credentials nor the user's netrc file reach these tests."""
    for name in ("ACKG_ENDPOINT_TOKEN", "ACKG_ENDPOINT_USER", "ACKG_ENDPOINT_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


@pytest.fixture(scope="module")
def release() -> export.Release:
    return export.build_release()


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, release: export.Release
) -> Iterator[OxigraphServer]:
    """A server loaded once, for the tests that only read it."""
    with OxigraphServer(tmp_path_factory.mktemp("served")) as server:
        loading.load_endpoint(server.update_url, release, chunk_size=700)
        yield server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[OxigraphServer]:
    """A fresh server of the test's own, which the test may stop."""
    with OxigraphServer(tmp_path / "location") as started:
        yield started


def counts(server: OxigraphServer) -> dict[str, int]:
    found: dict[str, int] = {}
    for graph, _, _, _ in Endpoint(server.query_url).query(ALL_QUADS).solutions:
        assert graph is not None
        found[graph.value] = found.get(graph.value, 0) + 1
    return found


def quads(server: OxigraphServer) -> list[str]:
    return sorted(map(str, normalised(Endpoint(server.query_url).query(ALL_QUADS))[3]))


@pytest.mark.parametrize("query", [pytest.param(q, id=q.name) for q in list_queries()])
def test_the_endpoint_gives_the_embedded_answer(served: OxigraphServer, query: SavedQuery) -> None:
    backend = stores.EndpointBackend(served.query_url)
    expected = run_query(query, examples(query))
    assert len(expected) > 0
    assert normalised(run_query(query, examples(query), backend=backend)) == normalised(expected)


def test_the_load_leaves_exactly_the_release(
    served: OxigraphServer, release: export.Release
) -> None:
    assert counts(served) == release.counts()


def test_loading_twice_gives_the_same_state(
    server: OxigraphServer, release: export.Release
) -> None:
    first = loading.load_endpoint(server.update_url, release, chunk_size=1000)
    state = quads(server)
    second = loading.load_endpoint(server.update_url, release, chunk_size=300)
    assert first.counts == second.counts == release.counts() == counts(server)
    assert second.chunks > first.chunks
    assert quads(server) == state


def test_a_new_release_replaces_the_old(server: OxigraphServer, release: export.Release) -> None:
    loading.load_endpoint(server.update_url, with_extra(release))
    assert stores.EndpointBackend(server.query_url).query(HAS_EXTRA).boolean is True
    loading.load_endpoint(server.update_url, release)
    assert stores.EndpointBackend(server.query_url).query(HAS_EXTRA).boolean is False
    assert counts(server) == release.counts()


def test_server_stopped_before_the_load(
    server: OxigraphServer, release: export.Release, tmp_path: Path
) -> None:
    loading.load_endpoint(server.update_url, release)
    server.stop()
    with pytest.raises(EnvError) as caught:
        loading.load_endpoint(server.update_url, with_extra(release))
    assert str(caught.value) == (
        "the load failed, the previous contents of the graphs are intact: cannot reach the "
        f"SPARQL endpoint {server.update_url}: connection refused; is the server running?"
    )
    with OxigraphServer(server.location) as again:
        assert counts(again) == release.counts()


def test_server_stopped_during_the_load(server: OxigraphServer, release: export.Release) -> None:
    loading.load_endpoint(server.update_url, release)
    sent: list[int] = []

    def stop_after_two_chunks(done: int, total: int) -> None:
        sent.append(done)
        if len(sent) == 2:
            server.stop()

    with pytest.raises(EnvError) as caught:
        loading.load_endpoint(
            server.update_url,
            with_extra(release),
            chunk_size=200,
            progress=stop_after_two_chunks,
        )
    assert str(caught.value).startswith(
        "the load failed, the previous contents of the graphs are intact: cannot reach the "
        f"SPARQL endpoint {server.update_url}: "
    )
    assert len(sent) == 2
    with OxigraphServer(server.location) as again:
        found = counts(again)
        # Two chunks reached a temporary graph; the graphs are the previous release's.
        assert sum(n for graph, n in found.items() if graph not in export.GRAPHS) > 0
        assert {graph: found[graph] for graph in export.GRAPHS} == release.counts()
        assert stores.EndpointBackend(again.query_url).query(HAS_EXTRA).boolean is False
        # The next load leaves what the interrupted one left (less than a day old, it may be
        # a load still running); the first load a day later drops it.
        loading.load_endpoint(again.update_url, release)
        assert counts(again) == found


def test_interrupted_load(server: OxigraphServer, release: export.Release) -> None:
    loading.load_endpoint(server.update_url, release)

    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(LoadInterrupted) as caught:
        loading.load_endpoint(server.update_url, with_extra(release), progress=interrupt)
    assert caught.value.exit_code == 130
    assert str(caught.value) == (
        "the load was interrupted; the previous contents of the graphs are intact"
    )
    assert counts(server) == release.counts()


def test_a_count_that_does_not_match_stops_the_load(
    server: OxigraphServer, release: export.Release
) -> None:
    loading.load_endpoint(server.update_url, release)
    graphs = dict(release.graphs)
    data = graphs[export.DATA_GRAPH]
    graphs[export.DATA_GRAPH] = [*data, data[0]]  # the server keeps one copy of a triple
    with pytest.raises(EnvError) as caught:
        loading.load_endpoint(server.update_url, export.Release(graphs, release.prefixes))
    temporary = loading.temporary_graph(export.DATA_GRAPH, "LOAD")
    assert re.fullmatch(
        re.escape(
            "the load failed, the previous contents of the graphs are intact: the endpoint "
            f"{server.query_url} holds {len(data)} triples in <{temporary}> after loading, but "
            f"{len(data) + 1} were sent"
        ).replace("LOAD", "[0-9]+-[0-9a-f]{8}"),
        str(caught.value),
    )
    assert counts(server) == release.counts()


def test_the_query_endpoint_of_an_update_endpoint() -> None:
    assert loading.query_url_for("http://h:7878/update") == "http://h:7878/query"
    assert loading.query_url_for("http://h:3030/ds/update") == "http://h:3030/ds/query"
    assert loading.query_url_for("http://h:7200/repositories/kg/statements") == (
        "http://h:7200/repositories/kg"
    )
    assert loading.query_url_for("http://h:8890/sparql") == "http://h:8890/sparql"


def test_cli_load_then_query_the_endpoint(server: OxigraphServer, release: export.Release) -> None:
    runner = CliRunner()
    sent = sum(len(list(loading.chunks(triples))) for triples in release.graphs.values())
    loaded = runner.invoke(main, ["load", "--endpoint", server.update_url])
    assert loaded.exit_code == 0, loaded.output
    assert loaded.stdout.splitlines()[-1] == (
        f"loaded {len(release)} triples into {server.update_url} in {sent} chunks; "
        "the counts were read back and match"
    )
    assert loaded.stderr == ""  # no progress bar when standard error is not a terminal
    for args in (
        ["query", "reports-to", "--param", "body=CPTFWG"],
        ["query", "reporting-chain", "--param", "body=swg-acts", "--format", "csv"],
        ["query", "resource-description", "--param", "resource=CCC", "--format", "nt"],
        ["sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "json"],
    ):
        embedded = runner.invoke(main, args)
        remote = runner.invoke(main, [*args, "--endpoint", server.query_url, "--timeout", "20"])
        assert remote.exit_code == embedded.exit_code == 0, remote.output
        if "nt" in args:  # the engines may give a graph's triples in another order
            assert sorted(remote.stdout.splitlines()) == sorted(embedded.stdout.splitlines())
        else:
            assert remote.stdout == embedded.stdout


def test_cli_an_invalid_query_rejected_by_the_server(served: OxigraphServer) -> None:
    result = CliRunner().invoke(
        main, ["sparql", "SELECT * WHERE { ?s ?p }", "--endpoint", served.query_url]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"ackg: error: the SPARQL endpoint {served.query_url} rejected the query "
        "(HTTP 400 Bad Request): "
    )
    assert result.stderr.count("\n") == 1


# --- a small HTTP server for authentication and failures ---


class Handler(http.server.BaseHTTPRequestHandler):
    """Answers by path: /auth/... demands credentials; /fail, /slow, /drop, /redirect and
    /garbage fail in their own way; anything else answers ASK with true."""

    expected: ClassVar[set[str]] = set()
    seen: ClassVar[list[str | None]] = []
    release: ClassVar[threading.Event] = threading.Event()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def _answer(self, code: int, body: bytes, content_type: str = "text/plain") -> None:
        self.send_response(code)
        if code == 401:  # as HTTP demands of a 401: the scheme the server asks for
            scheme = "Bearer" if self.path.startswith("/bearer/") else "Basic"
            self.send_header("WWW-Authenticate", f'{scheme} realm="test"')
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        header = self.headers.get("Authorization")
        Handler.seen.append(header)
        if self.path.startswith(("/auth/", "/bearer/")) and header not in Handler.expected:
            self._answer(401, b"Unauthorized")
        elif self.path.startswith("/fail"):
            self._answer(500, f"storage failure; header was {header}\nmore".encode())
        elif self.path.startswith("/slow"):
            Handler.release.wait(30)
            self._answer(200, b'{"head":{},"boolean":true}', "application/sparql-results+json")
        elif self.path.startswith("/drop"):
            self.close_connection = True
        elif self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path.startswith("/garbage"):
            self._answer(200, b"{not json", "application/sparql-results+json")
        else:
            self._answer(200, b'{"head":{},"boolean":true}', "application/sparql-results+json")


@pytest.fixture
def fake() -> Iterator[str]:
    Handler.expected = {
        "Basic " + base64.b64encode(b"reader:right-password").decode(),
        "Bearer right-token",
    }
    Handler.seen = []
    Handler.release = threading.Event()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(POLL,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        Handler.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(10)


def ask(url: str, timeout: float = 10) -> bool | None:
    return stores.EndpointBackend(url, timeout=timeout).query("ASK { ?s ?p ?o }").boolean


def test_basic_credentials_from_the_environment(fake: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACKG_ENDPOINT_USER", "reader")
    monkeypatch.setenv("ACKG_ENDPOINT_PASSWORD", "right-password")
    assert ask(fake + "/auth/query") is True
    # The password is sent only when the server asks for it, in the scheme it asks for.
    assert Handler.seen == [None, "Basic " + base64.b64encode(b"reader:right-password").decode()]


def test_a_user_and_password_for_a_server_that_asks_for_a_token(
    fake: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACKG_ENDPOINT_USER", "reader")
    monkeypatch.setenv("ACKG_ENDPOINT_PASSWORD", "right-password")
    with pytest.raises(EnvError) as caught:
        ask(fake + "/bearer/query")
    assert str(caught.value) == (
        f"the SPARQL endpoint {fake}/bearer/query refused access (HTTP 401 Unauthorized); "
        "check the credentials from ACKG_ENDPOINT_USER/ACKG_ENDPOINT_PASSWORD"
    )
    assert Handler.seen == [None]


def test_a_bearer_token_from_the_environment(fake: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACKG_ENDPOINT_TOKEN", "right-token")
    assert ask(fake + "/auth/query") is True
    assert Handler.seen == ["Bearer right-token"]


def test_credentials_from_netrc(fake: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login reader password right-password\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    assert ask(fake + "/auth/query") is True


def test_wrong_credentials_are_refused_and_never_shown(
    fake: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACKG_ENDPOINT_USER", "reader")
    monkeypatch.setenv("ACKG_ENDPOINT_PASSWORD", "wrong-password")
    result = CliRunner().invoke(main, ["query", "bodies", "--endpoint", fake + "/auth/query"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"ackg: error: the SPARQL endpoint {fake}/auth/query refused access (HTTP 401 "
        "Unauthorized); check the credentials from ACKG_ENDPOINT_USER/ACKG_ENDPOINT_PASSWORD\n"
    )
    assert "wrong-password" not in result.output


def test_no_credentials_says_how_to_give_them(fake: str) -> None:
    with pytest.raises(EnvError) as caught:
        ask(fake + "/auth/query")
    assert str(caught.value) == (
        f"the SPARQL endpoint {fake}/auth/query refused access (HTTP 401 Unauthorized); "
        "set ACKG_ENDPOINT_USER and ACKG_ENDPOINT_PASSWORD, or ACKG_ENDPOINT_TOKEN"
    )


def test_a_server_error_never_echoes_the_secret(
    fake: str, monkeypatch: pytest.MonkeyPatch, release: export.Release
) -> None:
    monkeypatch.setenv("ACKG_ENDPOINT_TOKEN", "right-token")
    result = CliRunner().invoke(main, ["load", "--endpoint", fake + "/fail/update"])
    assert result.exit_code == 2
    assert result.stderr == (
        "ackg: error: the load failed, the previous contents of the graphs are intact: the "
        f"SPARQL endpoint {fake}/fail/update failed (HTTP 500 Internal Server Error): "
        "storage failure; header was Bearer ***\n"
    )
    assert "right-token" not in result.output


def test_half_given_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACKG_ENDPOINT_USER", "reader")
    with pytest.raises(UsageError) as caught:
        Credentials.from_environment("http://127.0.0.1:1/query")
    assert str(caught.value) == (
        "ACKG_ENDPOINT_USER is set but ACKG_ENDPOINT_PASSWORD is not; set both, "
        "or ACKG_ENDPOINT_TOKEN"
    )


def test_credentials_in_the_url_are_refused() -> None:
    result = CliRunner().invoke(
        main, ["load", "--endpoint", "http://reader:pass-in-url@127.0.0.1:1/update"]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "ackg: error: the endpoint URL must not hold credentials (http://***@127.0.0.1:1/update); "
        "set ACKG_ENDPOINT_USER and ACKG_ENDPOINT_PASSWORD, or ACKG_ENDPOINT_TOKEN, in the "
        "environment instead\n"
    )
    assert "pass-in-url" not in result.output


def test_a_timeout(fake: str) -> None:
    with pytest.raises(EnvError) as caught:
        ask(fake + "/slow/query", timeout=0.3)
    assert str(caught.value) == (
        f"the SPARQL endpoint {fake}/slow/query did not answer within 0.3 s; "
        "try again later or raise --timeout"
    )


def test_a_dropped_connection(fake: str) -> None:
    with pytest.raises(EnvError) as caught:
        ask(fake + "/drop/query")
    assert str(caught.value) == (
        f"cannot reach the SPARQL endpoint {fake}/drop/query: the connection was dropped "
        "(RemoteDisconnected)"
    )


def test_a_redirect_is_not_followed(fake: str) -> None:
    with pytest.raises(EnvError) as caught:
        ask(fake + "/redirect/query")
    assert str(caught.value) == (
        f"the SPARQL endpoint {fake}/redirect/query answered with a redirect (HTTP 302 "
        "redirect to http://127.0.0.1:9/elsewhere); give the final URL instead"
    )
    assert len(Handler.seen) == 1


def test_an_unreadable_answer(fake: str) -> None:
    with pytest.raises(EnvError) as caught:
        ask(fake + "/garbage/query")
    assert str(caught.value).startswith(
        f"the SPARQL endpoint {fake}/garbage/query sent an answer that cannot be read "
        "(application/sparql-results+json): "
    )


def test_a_load_failing_mid_way_removes_its_temporary_graphs(
    fake: str, release: export.Release
) -> None:
    with pytest.raises(EnvError):
        loading.load_endpoint(fake + "/fail/update", release)
    # The look for leftovers failed (quietly), then the first chunk; the clean-up was still
    # attempted.
    assert len(Handler.seen) == 3


def test_bad_urls() -> None:
    for url, message in (
        ("ftp://127.0.0.1/x", "invalid endpoint URL 'ftp://127.0.0.1/x'"),
        ("127.0.0.1:7878/query", "invalid endpoint URL '127.0.0.1:7878/query'"),
    ):
        with pytest.raises(UsageError) as caught:
            Endpoint(url)
        assert str(caught.value) == (f"{message}: expected http://HOST[:PORT]/PATH or https://...")


def test_the_results_are_pyoxigraph_terms(served: OxigraphServer) -> None:
    answer = stores.EndpointBackend(served.query_url).query(
        "SELECT ?body WHERE { ?body <http://www.w3.org/2004/02/skos/core#notation> 'CPTFWG' }"
    )
    assert answer.solutions == [
        (pyoxigraph.NamedNode("https://w3id.org/asean-customs-kg/id/body/cptfwg"),)
    ]


def test_oxigraph_applies_an_update_request_whole_or_not_at_all(server: OxigraphServer) -> None:
    # What the final replacing request of a load relies on.
    endpoint = Endpoint(server.update_url)
    with pytest.raises(EnvError, match=r"failed \(HTTP 500"):
        endpoint.update(
            "INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/s> "
            "<https://example.org/p> 1 } } ; MOVE <https://example.org/missing> TO "
            "<https://example.org/g>"
        )
    assert counts(server) == {}

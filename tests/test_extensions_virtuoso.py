"""On a real Virtuoso: an extension function is what makes a read-only query fetch a URL
(``bif:http_get``), so ``ackg sparql`` refuses it before anything is sent, and only
``--allow-extensions`` lets Virtuoso run it. A recording HTTP server on 127.0.0.1 stands for
the URL fetched: nothing reaches it unless the user opted in."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from asean_customs_kg.cli.main import main
from recording_server import Answer, RecordingServer, Request
from virtuoso_server import VirtuosoServer

pytestmark = pytest.mark.slow  # a real Virtuoso server


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("ACKG_ENDPOINT_TOKEN", "ACKG_ENDPOINT_USER", "ACKG_ENDPOINT_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


def page(request: Request) -> Answer:
    return Answer(200, b"fetched", {"Content-Type": "text/plain"})


@pytest.mark.parametrize(
    "query",
    [
        'SELECT (bif:http_get("{url}") AS ?x) WHERE {{}}',
        'SELECT * WHERE {{ ?s ?p ?o }} LIMIT bif:http_get("{url}")',  # an expression as LIMIT
    ],
)
def test_virtuoso_fetches_a_url_only_when_the_user_allows_it(
    virtuoso: VirtuosoServer, query: str
) -> None:
    with RecordingServer(page) as target:
        text = query.format(url=target.url + "/fetched")
        refused = CliRunner().invoke(main, ["sparql", text, "--endpoint", virtuoso.sparql_url])
        assert refused.exit_code == 2
        assert refused.stderr == (
            "ackg: error: the query calls the function bif:http_get, which is neither a SPARQL "
            "1.1 built-in nor an XSD cast; engine extensions can reach the network or change "
            "data; pass --allow-extensions (allow_extensions=True) if that is intended\n"
        )
        assert target.requests == []
        allowed = CliRunner().invoke(
            main,
            ["sparql", text, "--endpoint", virtuoso.sparql_url, "--allow-extensions"],
        )
        assert allowed.exit_code == 0, allowed.output
        # What the refusal prevents: Virtuoso fetched the URL for a read-only query.
        assert [request.path for request in target.requests] == ["/fetched"]

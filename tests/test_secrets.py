"""No secret in any message, whatever its source: the user information of a URL (with or
without a scheme), a token in a URL's query string, a malformed netrc file, the environment's
credentials, and a server's answer that echoes the request, however long it is. Each case runs
against a small recording HTTP server on 127.0.0.1 (or a port where nothing listens)."""

from __future__ import annotations

import base64
import urllib.parse
from pathlib import Path

import pytest
from click.testing import CliRunner

from asean_customs_kg.backends import stores
from asean_customs_kg.backends.endpoints import Credentials
from asean_customs_kg.backends.redact import Scrubber, redact_url
from asean_customs_kg.cli.main import main
from asean_customs_kg.errors import EnvError, UsageError
from asean_customs_kg.release import export, loading
from oxigraph_server import free_port
from recording_server import Answer, RecordingServer, Request

PASSWORD = "s3cret/pa55+word"
TOKEN = "tok-0123456789-abcdef"
PADDING = "x" * 170


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Neither the environment's credentials nor the user's netrc file reach these tests."""
    for name in ("ACKG_ENDPOINT_TOKEN", "ACKG_ENDPOINT_USER", "ACKG_ENDPOINT_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


def echo(request: Request) -> Answer:
    """A failing server that echoes the request's Authorization header after 188 characters,
    so that a cut at 200 characters falls inside the secret, then the request line. Under
    /basic/ and /digest/, it first asks for credentials in that scheme."""
    header = request.headers.get("Authorization", "")
    if not header and request.path.startswith("/basic/"):
        return Answer(401, b"", {"WWW-Authenticate": 'Basic realm="r"'})
    if not header and request.path.startswith("/digest/"):
        challenge = 'Digest realm="r", nonce="0123456789abcdef", qop="auth", algorithm=MD5'
        return Answer(401, b"", {"WWW-Authenticate": challenge})
    body = f"{PADDING} header was {header} path was {request.path}\nsecond line"
    return Answer(500, body.encode(), {"Content-Type": "text/plain"})


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stderr


def test_a_malformed_netrc_line_never_shows_its_password(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The 'password' keyword is missing: Python's netrc says "bad follower token '<secret>'".
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login reader {PASSWORD}\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    with RecordingServer() as server:
        code, stderr = run("query", "bodies", "--endpoint", server.url + "/query")
        assert server.requests == []
    assert code == 2
    assert stderr == (
        f"ackg: error: cannot read the netrc file {netrc}: it is malformed near line 2 "
        "(each entry reads 'machine HOST login USER password SECRET')\n"
    )


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("reader:pw-no-scheme@127.0.0.1:1/query", "***@127.0.0.1:1/query"),
        ("http://reader:pw/with-slash@127.0.0.1:1/query", "http://***@127.0.0.1:1/query"),
        ("http://reader:pw#with-hash@127.0.0.1:1/query", "http://***@127.0.0.1:1/query"),
        ("http://reader:pw?with-mark@127.0.0.1:1/query", "http://***@127.0.0.1:1/query"),
    ],
)
def test_an_invalid_url_is_never_echoed_with_its_password(url: str, shown: str) -> None:
    code, stderr = run("sparql", "ASK {}", "--endpoint", url)
    assert code == 2
    assert stderr == (
        f"ackg: error: invalid endpoint URL '{shown}': expected http://HOST[:PORT]/PATH or "
        "https://...\n"
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            f"http://127.0.0.1:1/query?token={TOKEN}é",
            "invalid endpoint URL 'http://127.0.0.1:1/query?token=***': it holds a space, a "
            "control character or a character that is not ASCII; percent-encode it (%20, "
            "%C3%A9...)",
        ),
        (
            f"http://reader:{PASSWORD}@[::1/query",
            "invalid endpoint URL 'http://***@[::1/query': expected http://HOST[:PORT]/PATH or "
            "https://...",
        ),
    ],
)
def test_a_malformed_url_is_one_line_without_its_secrets(url: str, message: str) -> None:
    # Both ended in a traceback (UnicodeEncodeError, ValueError: Invalid IPv6 URL).
    assert run("sparql", "ASK {}", "--endpoint", url) == (2, f"ackg: error: {message}\n")


def test_a_token_in_the_query_string_is_not_shown_on_a_connection_error() -> None:
    port = free_port()
    code, stderr = run(
        "sparql", "ASK {}", "--endpoint", f"http://127.0.0.1:{port}/query?access_token={TOKEN}"
    )
    assert code == 2
    assert stderr == (
        f"ackg: error: cannot reach the SPARQL endpoint http://127.0.0.1:{port}/query?"
        "access_token=***: connection refused; is the server running?\n"
    )


def test_a_server_echoing_a_basic_header_past_the_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACKG_ENDPOINT_USER", "reader")
    monkeypatch.setenv("ACKG_ENDPOINT_PASSWORD", PASSWORD)
    basic = base64.b64encode(f"reader:{PASSWORD}".encode()).decode()
    with RecordingServer(echo) as server:
        code, stderr = run("sparql", "ASK {}", "--endpoint", server.url + "/basic/query")
        assert server.requests[-1].headers["Authorization"] == f"Basic {basic}"
    assert code == 2
    # The first line of the body, scrubbed, then cut to 200 characters.
    assert stderr == (
        f"ackg: error: the SPARQL endpoint {server.url}/basic/query failed (HTTP 500 Internal "
        f"Server Error): {PADDING} header was Basic *** path was\n"
    )
    assert basic[:8] not in stderr


def test_a_server_echoing_a_digest_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACKG_ENDPOINT_USER", "reader")
    monkeypatch.setenv("ACKG_ENDPOINT_PASSWORD", PASSWORD)
    with RecordingServer(echo) as server:
        code, stderr = run("sparql", "ASK {}", "--endpoint", server.url + "/digest/query")
        assert server.requests[-1].headers["Authorization"].startswith('Digest username="reader"')
    assert (code, stderr) == (
        2,
        f"ackg: error: the SPARQL endpoint {server.url}/digest/query failed (HTTP 500 Internal "
        f"Server Error): {PADDING} header was Digest ***\n",
    )


def test_a_server_echoing_a_token_and_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACKG_ENDPOINT_TOKEN", TOKEN)
    with RecordingServer(echo) as server:
        url = f"{server.url}/query?key={PASSWORD}"
        with pytest.raises(EnvError) as caught:
            stores.EndpointBackend(url).query("ASK {}")
    # The Bearer token is masked; so is the URL's query value in the echoed request line.
    assert str(caught.value) == (
        f"the SPARQL endpoint {server.url}/query?key=*** failed (HTTP 500 Internal Server "
        f"Error): {PADDING} header was Bearer *** path wa"
    )


def test_a_load_never_shows_the_netrc_password(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login loader password {PASSWORD}\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))

    def leak(request: Request) -> Answer:
        # A server that echoes the password itself, percent-encoded and plain.
        body = f"denied: {urllib.parse.quote(PASSWORD, safe='')} / {PASSWORD}"
        return Answer(500, body.encode(), {})

    with RecordingServer(leak) as server, pytest.raises(EnvError) as caught:
        loading.load_endpoint(server.url + "/update", export.Release({}, {}))
    assert PASSWORD not in str(caught.value)
    assert str(caught.value).endswith("failed (HTTP 500 Internal Server Error): denied: *** / ***")


def test_a_redirect_to_a_url_with_a_token_is_shown_redacted() -> None:
    def redirect(request: Request) -> Answer:
        return Answer(302, b"", {"Location": f"http://user:{PASSWORD}@127.0.0.1:9/x?t={TOKEN}"})

    with RecordingServer(redirect) as server, pytest.raises(EnvError) as caught:
        stores.EndpointBackend(server.url + "/query").query("ASK {}")
    assert str(caught.value) == (
        f"the SPARQL endpoint {server.url}/query answered with a redirect (HTTP 302 redirect "
        "to http://***@127.0.0.1:9/x?t=***); give the final URL instead"
    )


def test_redact_url_and_the_scrubber() -> None:
    assert redact_url("https://h/sparql?format=json&apikey=k#frag") == (
        "https://h/sparql?format=***&apikey=***#***"
    )
    assert redact_url("http://127.0.0.1:7878/query") == "http://127.0.0.1:7878/query"
    scrub = Scrubber([PASSWORD])
    assert scrub(f"a {PASSWORD} b", 6) == "a *** "
    assert scrub('Proxy-Authorization: Digest username="u", response="r"\nnext') == (
        "Proxy-Authorization: ***\nnext"
    )
    assert scrub('header Digest username="u", nonce="n"\nDigest authentication failed') == (
        "header Digest ***\nDigest authentication failed"
    )
    assert repr(Credentials.bearer(TOKEN, "test")) == "<Credentials from test>"


def test_half_given_credentials_show_no_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACKG_ENDPOINT_PASSWORD", PASSWORD)
    with pytest.raises(UsageError) as caught:
        Credentials.from_environment("http://127.0.0.1:1/query")
    assert PASSWORD not in str(caught.value)


@pytest.mark.parametrize("token", [f"{TOKEN}\nX-Injected: 1", f"{TOKEN}€", f"{TOKEN} {TOKEN}"])
def test_a_token_that_cannot_travel_in_a_header_is_refused_unseen(
    token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A newline ended in "ValueError: Invalid header value b'Bearer <token>...'".
    monkeypatch.setenv("ACKG_ENDPOINT_TOKEN", token)
    with RecordingServer() as server:
        code, stderr = run("sparql", "ASK {}", "--endpoint", server.url + "/query")
        assert server.requests == []
    assert (code, stderr) == (
        2,
        "ackg: error: the bearer token from ACKG_ENDPOINT_TOKEN holds white space, a control "
        "character or a character that is not ASCII; check its value\n",
    )

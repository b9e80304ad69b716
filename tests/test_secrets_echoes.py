"""No secret in any message, in whatever form a failing server echoes it: JSON-escaped (``\\/``,
``\\u00e9``), percent-encoded in lower case or with ``/`` kept, base64 of the secret alone or
URL-safe without padding, hexadecimal; a session token in a path segment's parameters; and a
netrc file that is not UTF-8 text. Each server is a recording HTTP server on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from asean_customs_kg.backends.redact import redact_url
from asean_customs_kg.cli.main import main
from oxigraph_server import free_port
from recording_server import Answer, RecordingServer, Request

PASSWORD = "s3cret/pa55+wörd"
TOKEN = "tok/0123456789+abcdef=="

FORMS: dict[str, Callable[[str], str]] = {
    "json, slash escaped": lambda secret: json.dumps(secret).replace("/", "\\/")[1:-1],
    "json, upper-case \\u": lambda secret: json.dumps(secret)[1:-1].replace("\\u00f6", "\\u00F6"),
    "json, not ASCII": lambda secret: json.dumps(secret, ensure_ascii=False)[1:-1],
    "percent, lower case": lambda secret: urllib.parse.quote(secret, safe="").lower(),
    "percent, slash kept": lambda secret: urllib.parse.quote(secret),
    "base64": lambda secret: base64.b64encode(secret.encode()).decode(),
    "url-safe base64 unpadded": lambda secret: (
        base64.urlsafe_b64encode(secret.encode()).decode().rstrip("=")
    ),
    "hexadecimal, upper case": lambda secret: secret.encode().hex().upper(),
}


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("ACKG_ENDPOINT_TOKEN", "ACKG_ENDPOINT_USER", "ACKG_ENDPOINT_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


def echoing(secret: str, form: Callable[[str], str]) -> Callable[[Request], Answer]:
    def answer(request: Request) -> Answer:
        if not request.headers.get("Authorization"):
            return Answer(401, b"", {"WWW-Authenticate": 'Basic realm="r"'})
        body = '{"error": "bad secret ' + form(secret) + '"}'
        return Answer(500, body.encode(), {"Content-Type": "application/json"})

    return answer


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stderr


@pytest.mark.parametrize("name", sorted(FORMS))
@pytest.mark.parametrize("source", ["password", "token"])
def test_an_echoed_secret_is_masked_in_every_form(
    monkeypatch: pytest.MonkeyPatch, source: str, name: str
) -> None:
    if source == "password":
        monkeypatch.setenv("ACKG_ENDPOINT_USER", "reader")
        monkeypatch.setenv("ACKG_ENDPOINT_PASSWORD", PASSWORD)
        secret = PASSWORD
    else:
        monkeypatch.setenv("ACKG_ENDPOINT_TOKEN", TOKEN)
        secret = TOKEN
    with RecordingServer(echoing(secret, FORMS[name])) as server:
        code, stderr = run("sparql", "ASK {}", "--endpoint", server.url + "/query")
        assert server.requests
    assert FORMS[name](secret) not in stderr
    assert (code, stderr) == (
        2,
        f"ackg: error: the SPARQL endpoint {server.url}/query failed (HTTP 500 Internal "
        'Server Error): {"error": "bad secret ***"}\n',
    )


def test_a_session_token_in_a_path_parameter_is_not_shown() -> None:
    port = free_port()
    code, stderr = run(
        "sparql", "ASK {}", "--endpoint", f"http://127.0.0.1:{port}/sparql;jsessionid=AB12CD34EF"
    )
    assert (code, stderr) == (
        2,
        f"ackg: error: cannot reach the SPARQL endpoint http://127.0.0.1:{port}/sparql;"
        "jsessionid=***: connection refused; is the server running?\n",
    )
    assert redact_url("http://h/a;b/c;k=v?q=1") == "http://h/a;b/c;k=***?q=***"


def test_a_netrc_file_that_is_not_utf8_is_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # It ended in a UnicodeDecodeError traceback, with exit 1.
    netrc = tmp_path / "netrc"
    netrc.write_bytes(b"machine 127.0.0.1 login reader password s3cret\xffpw\n")
    monkeypatch.setenv("NETRC", str(netrc))
    with RecordingServer() as server:
        code, stderr = run("sparql", "ASK {}", "--endpoint", server.url + "/query")
        assert server.requests == []
    assert (code, stderr) == (
        2,
        f"ackg: error: cannot read the netrc file {netrc}: it is not UTF-8 text; save it as "
        "UTF-8\n",
    )

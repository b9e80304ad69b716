"""The formats for people (``table``, ``md``) show a value's control characters as ``\\xNN``:
a value from a hostile server cannot set the terminal's title (``ESC ]0;... BEL``), colour or
clear it (``ESC [``, the C1 ``CSI``) or rewrite the line. The data formats (``csv``, ``tsv``,
``json``) keep the value as it is. The server is a recording HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from asean_customs_kg.cli.main import main
from recording_server import Answer, RecordingServer, Request

VALUE = "a\x1b]0;pwned\x07\x1b[31mred\x08\x7f\tz\x9b2J"


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("ACKG_ENDPOINT_TOKEN", "ACKG_ENDPOINT_USER", "ACKG_ENDPOINT_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


def hostile(request: Request) -> Answer:
    body = {
        "head": {"vars": ["x"]},
        "results": {"bindings": [{"x": {"type": "literal", "value": VALUE}}]},
    }
    return Answer(
        200, json.dumps(body).encode(), {"Content-Type": "application/sparql-results+json"}
    )


def run(fmt: str) -> str:
    with RecordingServer(hostile) as server:
        result = CliRunner().invoke(
            main, ["sparql", "SELECT ?x {}", "--endpoint", server.url + "/q", "--format", fmt]
        )
    assert result.exit_code == 0, result.stderr
    return result.stdout


SHOWN = "a\\x1b]0;pwned\\x07\\x1b[31mred\\x08\\x7f\\x09z\\x9b2J"


def test_the_table_shows_control_characters_as_escapes() -> None:
    assert run("table") == f"x\n{'-' * len(SHOWN)}\n{SHOWN}\n"


def test_markdown_shows_control_characters_as_escapes() -> None:
    assert run("md") == f"| x |\n| --- |\n| {SHOWN} |\n"


def test_the_data_formats_keep_the_value() -> None:
    answer = json.loads(run("json"))
    assert answer["results"]["bindings"][0]["x"]["value"] == VALUE

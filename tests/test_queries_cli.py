"""The query commands: ackg queries, ackg query, ackg sparql, and the script's fast path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from asean_customs_kg.cli import launcher
from asean_customs_kg.cli.main import main


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_the_quick_start_query(runner: CliRunner) -> None:
    result = runner.invoke(main, ["query", "reports-to", "--param", "body=CPTFWG"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["acronym", "name", "body"]
    assert [line.split()[0] for line in lines[2:]] == ["SWG-AAMRA", "SWG-ACTS", "TSWGC"]


def test_query_formats(runner: CliRunner) -> None:
    csv = runner.invoke(main, ["query", "reports-to", "-p", "body=cptfwg", "--format", "csv"])
    # click's Result.stdout turns CRLF into LF; the bytes keep the CSV standard's CRLF.
    assert csv.stdout_bytes.startswith(b"acronym,name,body\r\nSWG-AAMRA,")
    document = json.loads(runner.invoke(main, ["query", "reports-to", "--format", "json"]).stdout)
    assert document["head"]["vars"] == ["acronym", "name", "body"]
    ttl = runner.invoke(main, ["query", "resource-description", "-p", "resource=CCC"])
    assert ttl.exit_code == 0 and "@prefix skos:" in ttl.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "nope"], "unknown query 'nope'; run 'ackg queries' to list the saved queries"),
        (
            ["query", "reporting-chain"],
            "query 'reporting-chain' needs the parameter 'body' (an acronym, a name or an IRI), "
            "e.g. --param body=SWG-ACTS",
        ),
        (
            ["query", "reports-to", "-p", "body=CPTFW"],
            "unknown body 'CPTFW': no acronym, name or IRI matches; did you mean CPTFWG? "
            "(run 'ackg query bodies' to list the bodies)",
        ),
        (["query", "reports-to", "-p", "body"], "--param expects KEY=VALUE, got 'body'"),
        (
            ["query", "reports-to", "--format", "nt"],
            "this query returns a table, which cannot be written as nt; "
            "use --format table, csv, tsv, json, md",
        ),
        (
            ["sparql", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"],
            "not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE "
            "(updates are not run on the read-only path)",
        ),
        (
            ["sparql", "SELECT * WHERE { SERVICE <http://example.org/q> { ?s ?p ?o } }"],
            "the query uses SERVICE, which can reach the network or other datasets; "
            "pass --allow-network (allow_network=True) if that is intended",
        ),
        (["sparql", "missing.rq"], "missing.rq: no such query file"),
        (["sparql", "  "], "the query is empty; give SPARQL text, a file, or - for stdin"),
    ],
)
def test_errors_are_one_line_with_exit_code_2(
    runner: CliRunner, args: list[str], message: str
) -> None:
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"ackg: error: {message}\n"


def test_queries_lists_every_query(runner: CliRunner) -> None:
    result = runner.invoke(main, ["queries", "--format", "json"])
    listed = {entry["name"]: entry for entry in json.loads(result.stdout)}
    assert len(listed) >= 18
    assert listed["reports-to"]["parameters"] == "body=CPTFWG (default)"
    assert listed["reporting-chain"]["summary"].startswith("What is a body's whole reporting chain")


def test_sparql_text_file_and_stdin(runner: CliRunner, tmp_path: Path) -> None:
    skos = "http://www.w3.org/2004/02/skos/core#"
    text = f'SELECT ?name WHERE {{ ?b <{skos}notation> "CCC" ; <{skos}prefLabel> ?name }}'
    expected = "name\nCoordinating Committee on Customs\n"
    assert runner.invoke(main, ["sparql", text, "--format", "csv"]).stdout == expected
    path = tmp_path / "q.rq"
    path.write_text(text, encoding="utf-8")
    assert runner.invoke(main, ["sparql", str(path), "--format", "csv"]).stdout == expected
    piped = runner.invoke(main, ["sparql", "-", "--format", "csv"], input=text)
    assert piped.stdout == expected
    ask = runner.invoke(main, ["sparql", "ASK { ?s ?p ?o }", "--format", "json"])
    assert json.loads(ask.stdout)["boolean"] is True


def test_a_syntax_error_in_ad_hoc_sparql(runner: CliRunner) -> None:
    result = runner.invoke(main, ["sparql", "SELECT * WHERE { ?s ?p }"])
    assert result.exit_code == 2
    assert result.stderr.startswith("ackg: error: invalid SPARQL: ")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("command", ["queries", "query", "sparql"])
def test_every_query_command_has_help_with_an_example(runner: CliRunner, command: str) -> None:
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.stdout
    assert f"ackg {command}" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["query", "reports-to", "--param", "body=CPTFWG"],
        ["query", "reports-to", "-p", "body=ccc", "--format", "md"],
        ["query", "plan-in-force", "--param=year=2026", "--format=json"],
        ["query", "resource-description", "-p", "resource=TSWGC", "--format", "nt"],
        ["query", "reporting-chain"],
        ["query", "nope"],
        ["query", "reports-to", "-p", "body=nowhere"],
        ["query", "reports-to", "-p", "=x"],
        ["query", "reports-to", "--format", "ttl"],
    ],
)
def test_the_fast_path_prints_what_the_click_command_prints(
    runner: CliRunner, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    expected = runner.invoke(main, args)
    with pytest.raises(SystemExit) as done:
        launcher.main(args)
    out, err = capsys.readouterr()
    assert (done.value.code, out, err) == (expected.exit_code, expected.stdout, expected.stderr)


@pytest.mark.parametrize(
    "args",
    [
        ["query", "--help"],
        ["query", "reports-to", "--help"],
        ["query", "reports-to", "--format", "xml"],
        ["query", "reports-to", "--param"],
        ["queries"],
        ["query", "reports-to", "-p", "body=CCC", "extra"],
    ],
)
def test_anything_else_goes_to_the_click_command(args: list[str]) -> None:
    assert launcher.fast_query_arguments(args) is None


# The console script with an exit handler registered first: the fast path ends the process
# without the interpreter's tear-down (the handler does not run), everything else exits normally.
SCRIPT = (
    "import atexit, sys\n"
    "atexit.register(lambda: sys.stderr.write('torn down\\n'))\n"
    "from asean_customs_kg.cli.launcher import script\n"
    "script()\n"
)
MAIN = "from asean_customs_kg.cli.launcher import main\nmain()\n"


def _run(code: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, check=False)


def test_the_console_script_ends_a_saved_query_without_tear_down() -> None:
    args = ("query", "bodies", "--format", "csv")
    done, reference = _run(SCRIPT, *args), _run(MAIN, *args)
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout == reference.stdout and done.stdout.count(b"\r\n") > 5

    unknown = _run(SCRIPT, "query", "reports-to", "--param", "body=NOPE")
    assert unknown.returncode == 2
    assert unknown.stderr.decode().startswith("ackg: error: unknown body 'NOPE': ")
    assert b"torn down" not in unknown.stderr and unknown.stderr.count(b"\n") == 1


def test_the_console_script_exits_normally_off_the_fast_path() -> None:
    done = _run(SCRIPT, "queries")
    assert done.returncode == 0 and b"reports-to" in done.stdout
    assert done.stderr == b"torn down\n"

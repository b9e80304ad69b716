"""The ackg command, run in-process: version, help, and one-line errors with exit codes."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from asean_customs_kg import __version__
from asean_customs_kg.cli.main import main, run
from asean_customs_kg.errors import DataError, EnvError, UsageError


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _assert_one_line_usage_error(stderr: str, words: str) -> None:
    # click's own wording differs a little between its versions; the frame is ours.
    assert stderr.count("\n") == 1
    assert stderr.startswith("ackg: error: ")
    assert words in stderr
    assert stderr.endswith(" Try 'ackg --help'.\n")


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"ackg {__version__}\n"


def test_help_lists_the_exit_codes_and_an_example(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "ackg query reports-to --param body=CPTFWG" in result.stdout
    assert "0  success; the data conforms" in result.stdout
    assert "1  the data is invalid" in result.stdout
    assert "2  usage or environment error" in result.stdout


def test_unknown_command_is_a_one_line_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["frobnicate"])
    assert result.exit_code == 2
    assert result.stdout == ""
    _assert_one_line_usage_error(result.stderr, "No such command 'frobnicate'")


def test_unknown_option_is_a_one_line_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--frobnicate"])
    assert result.exit_code == 2
    assert result.stdout == ""
    _assert_one_line_usage_error(result.stderr, "--frobnicate")


def test_no_command_shows_help_and_exits_2(runner: CliRunner) -> None:
    result = runner.invoke(main, [])
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: ackg [OPTIONS] COMMAND [ARGS]...")


@pytest.fixture
def failing() -> Iterator[click.Group]:
    """The real group with extra commands that fail in each way; removed afterwards."""

    @main.command("fail-data")
    def fail_data() -> None:
        raise DataError("A dot is expected", "data/bodies.ttl", 12, 3)

    @main.command("fail-usage")
    def fail_usage() -> None:
        raise UsageError("unknown query 'nope'; run 'ackg query --list'")

    @main.command("fail-env")
    def fail_env() -> None:
        raise EnvError("cannot reach http://localhost:7878/query:\nconnection refused")

    @main.command("interrupt")
    def interrupt() -> None:
        raise KeyboardInterrupt

    @main.command("nonconforming")
    def nonconforming() -> int:
        return 1

    yield main
    for name in ("fail-data", "fail-usage", "fail-env", "interrupt", "nonconforming"):
        main.commands.pop(name)


@pytest.mark.parametrize(
    ("command", "code", "message"),
    [
        ("fail-data", 1, "ackg: error: data/bodies.ttl:12:3: A dot is expected\n"),
        ("fail-usage", 2, "ackg: error: unknown query 'nope'; run 'ackg query --list'\n"),
        (
            "fail-env",
            2,
            "ackg: error: cannot reach http://localhost:7878/query: connection refused\n",
        ),
        ("interrupt", 130, "ackg: error: interrupted\n"),
    ],
)
def test_errors_become_one_line_and_an_exit_code(
    runner: CliRunner, failing: click.Group, command: str, code: int, message: str
) -> None:
    result = runner.invoke(failing, [command])
    assert result.exit_code == code
    assert result.stderr.endswith(message)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_command_may_return_its_exit_code(runner: CliRunner, failing: click.Group) -> None:
    result = runner.invoke(failing, ["nonconforming"])
    assert result.exit_code == 1
    assert result.stderr == ""


def test_run_returns_the_code_instead_of_exiting(
    failing: click.Group, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["fail-data"]) == 1
    assert run(["--version"]) == 0
    assert capsys.readouterr().out == f"ackg {__version__}\n"

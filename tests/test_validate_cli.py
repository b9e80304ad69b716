"""``ackg validate`` run in-process: exit codes, formats, --strict, -o, and usage errors."""

from __future__ import annotations

import json
import os
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from asean_customs_kg.cli.main import main
from helpers import FIXTURES, REPO

TYPO = "tests/fixtures/invalid/check-undescribed-iri.ttl"
WARNING = "tests/fixtures/invalid/warning-made-up-day.ttl"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(REPO)  # the paths in the reports are relative to the current directory
    return CliRunner()


def test_the_project_is_valid(runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "valid: 0 errors, 0 warnings; 9 data files checked (syntax, shacl, logic, check); "
        "project . (found from the working directory)\n"
    )


def test_a_typo_fails_with_a_github_annotation_at_its_line(runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate", "--format", "github", TYPO])
    assert result.exit_code == 1
    annotations = [line for line in result.stdout.splitlines() if "check%3A" in line]
    assert annotations == [
        f"::error file={TYPO},line=25,col=9,title=check%3A undescribed-iri::body:cptfwgg is used "
        "(by ex:swg) but described nowhere: correct the misspelt IRI or describe the resource."
    ]


def test_text_names_the_file_and_line(runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate", TYPO])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == TYPO
    assert any(line.startswith("     25:9  error    [check: undescribed-iri]") for line in lines)
    assert lines[-1].startswith("invalid: 5 errors, 0 warnings in 1 file;")


def test_json_and_junit_to_a_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["validate", "--format", "json", TYPO])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["valid"] is False
    assert {(p["file"], p["line"], p["rule"]) for p in document["problems"]} >= {
        (TYPO, 25, "undescribed-iri")
    }
    output = tmp_path / "validation.xml"
    result = runner.invoke(main, ["validate", "--format", "junit", "-o", str(output), TYPO])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("invalid: 5 errors")
    root = ElementTree.parse(output).getroot()
    assert root.get("failures") == "5"


def test_warnings_fail_only_with_strict(runner: CliRunner) -> None:
    assert runner.invoke(main, ["validate", WARNING]).exit_code == 0
    strict = runner.invoke(main, ["validate", "--strict", WARNING])
    assert strict.exit_code == 1
    assert "warning  [shacl: acksh:DatePrecisionShape (sh:sparql)]" in strict.stdout


def test_syntax_errors_in_every_file(runner: CliRunner) -> None:
    broken = sorted(str(p.relative_to(REPO)) for p in (FIXTURES / "invalid").glob("syntax-*"))
    result = runner.invoke(main, ["validate", "--format", "github", *broken])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == [
        f"::error file={broken[0]},line=9,col=1,title=syntax%3A turtle::Turtle syntax error: "
        "A dot is expected at the end of statements",
        f"::error file={broken[1]},line=7,col=11,title=syntax%3A turtle::Turtle syntax error: "
        "The prefix bdy: has not been declared",
    ]


def test_missing_file_is_exit_2(runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate", "nope.ttl"])
    assert result.exit_code == 2
    assert result.stderr == (
        "ackg: error: nope.ttl: no such file; give a Turtle file or a directory\n"
    )


def test_unknown_format_is_exit_2(runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate", "--format", "xml"])
    assert result.exit_code == 2
    assert result.stderr.startswith("ackg: error: ")
    assert "'xml'" in result.stderr


def test_unwritable_output_is_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "missing-dir" / "out.xml"
    result = runner.invoke(main, ["validate", "-o", str(target), WARNING])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"ackg: error: {target}: cannot write the file:")


def test_help_names_the_formats_and_exit_codes(runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate", "--help"])
    assert result.exit_code == 0
    for word in ("--format", "junit", "github", "--strict", "Exits 0 when valid, 1 when invalid"):
        assert word in result.stdout


def _ackg_commands(path: Path, key: str) -> list[list[str]]:
    """The ``ackg ...`` commands of a YAML file's ``key:`` lines (shell syntax after ``||``
    dropped)."""
    import shlex

    commands = []
    for line in path.read_text(encoding="utf-8").splitlines():
        _, found, value = line.strip().lstrip("- ").partition(f"{key}: ")
        if found and value.startswith("ackg "):
            commands.append(shlex.split(value.split("||")[0])[1:])
    return commands


@pytest.mark.parametrize(
    ("path", "key"),
    [(".github/workflows/validate.yml", "run"), (".pre-commit-hooks.yaml", "entry")],
)
def test_ci_workflow_and_pre_commit_hook_commands_pass_on_the_project(
    runner: CliRunner, tmp_path: Path, path: str, key: str
) -> None:
    commands = _ackg_commands(REPO / path, key)
    assert commands and all(command[0] == "validate" for command in commands)
    for command in commands:
        command = [str(tmp_path / arg) if arg.endswith(".xml") else arg for arg in command]
        result = runner.invoke(main, command)
        assert result.exit_code == 0, (command, result.output)


def test_pre_commit_hook_runs_on_the_graph_s_files() -> None:
    import re

    text = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    match = re.search(r"^\s*files: (.+)$", text, re.MULTILINE)
    assert match is not None
    pattern = re.compile(match.group(1))
    assert pattern.search("data/bodies.ttl") and pattern.search("ontology/shapes.ttl")
    assert pattern.search("queries/checks/reporting-cycle-violation.rq")
    assert not pattern.search("README.md") and not pattern.search(
        "src/asean_customs_kg/cli/main.py"
    )


def test_root_without_an_ontology_is_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    before = os.environ.get("ACKG_HOME")
    result = runner.invoke(main, ["validate", "--root", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"ackg: error: --root {tmp_path}: not a project (it holds none of ontology/, data/ and "
        "queries/); give the project's directory\n"
    )
    (tmp_path / "data").mkdir()
    result = runner.invoke(main, ["validate", "--root", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"ackg: error: no ontology files under {tmp_path / 'ontology'}; run ackg in a project "
        "directory (with ontology/, data/ and queries/) or give --root DIR\n"
    )
    assert os.environ.get("ACKG_HOME") == before  # --root applies to the one command only

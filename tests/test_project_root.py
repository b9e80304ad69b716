"""Every command works on the project it stands in: ``--root``, else ``ACKG_HOME``, else the
nearest project at or above the working directory, else the installed copy; the validation
report says which one was read."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from asean_customs_kg.cli.main import main
from helpers import REPO

ACKG = Path(sys.executable).with_name("ackg")
RENAMED = "Coordinating Committee on Customs Renamedcopy"


@pytest.fixture
def copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project whose CCC has another name, and ACKG_HOME unset."""
    monkeypatch.delenv("ACKG_HOME", raising=False)
    target = tmp_path / "fork"
    for name in ("ontology", "data", "queries"):
        shutil.copytree(REPO / name, target / name)
    bodies = target / "data" / "bodies.ttl"
    text = bodies.read_text(encoding="utf-8")
    bodies.write_text(
        text.replace('"Coordinating Committee on Customs"@en', f'"{RENAMED}"@en'), encoding="utf-8"
    )
    return target


def _break(project: Path) -> Path:
    """Adds a file whose reference is misspelt; returns it."""
    new = project / "data" / "new.ttl"
    new.write_text(
        "@prefix org: <http://www.w3.org/ns/org#> .\n"
        "@prefix body: <https://w3id.org/asean-customs-kg/id/body/> .\n"
        "\n"
        "body:ccc org:reportsTo body:cptfwgg .\n",
        encoding="utf-8",
    )
    return new


def test_validate_reads_the_project_under_the_working_directory(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _break(copy)
    monkeypatch.chdir(copy / "data")
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 1, result.output
    assert "new.ttl" in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1].endswith(
        f"; project {copy} (found from the working directory)"
    )
    document = json.loads(CliRunner().invoke(main, ["validate", "--format", "json"]).stdout)
    assert document["project"] == {"root": str(copy), "found_by": "cwd"}
    assert document["valid"] is False


def test_root_option_and_ackg_home(copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _break(copy)
    monkeypatch.chdir(REPO)
    for args in (["--root", str(copy), "validate"], ["validate", "--root", str(copy)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1, (args, result.output)
        assert result.stdout.splitlines()[-1].endswith(f"; project {copy} (given with --root)")
    monkeypatch.setenv("ACKG_HOME", str(copy))
    result = CliRunner().invoke(main, ["validate", "--format", "json"])
    assert json.loads(result.stdout)["project"] == {"root": str(copy), "found_by": "env"}
    assert os.environ["ACKG_HOME"] == str(copy)


def test_query_commands_read_the_project_under_the_working_directory(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["query", "reports-to", "--param", "body=asean-dgs-of-customs", "--format", "csv"]
    monkeypatch.chdir(copy / "queries")
    assert RENAMED in CliRunner().invoke(main, args).stdout
    monkeypatch.chdir(REPO)
    assert RENAMED not in CliRunner().invoke(main, args).stdout
    assert RENAMED in CliRunner().invoke(main, ["--root", str(copy), *args]).stdout
    sparql = "SELECT ?n WHERE { ?b <http://www.w3.org/2004/02/skos/core#notation> 'CCC' ; "
    sparql += "<http://www.w3.org/2004/02/skos/core#prefLabel> ?n }"
    assert RENAMED in CliRunner().invoke(main, ["--root", str(copy), "sparql", sparql]).stdout
    # The console script's fast path for saved queries finds the project the same way.
    done = subprocess.run(
        [str(ACKG), *args], cwd=copy / "data", capture_output=True, text=True, check=True
    )
    assert RENAMED in done.stdout


def test_export_and_diagram_read_the_project_under_the_working_directory(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(copy)
    assert RENAMED in CliRunner().invoke(main, ["export", "--format", "nt"]).stdout
    assert "Renamedcopy" in CliRunner().invoke(main, ["diagram"]).stdout
    monkeypatch.chdir(REPO)
    assert "Renamedcopy" not in CliRunner().invoke(main, ["diagram"]).stdout


def test_an_unknown_root_is_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--root", str(tmp_path / "nope"), "queries"])
    assert result.exit_code == 2
    assert result.stderr.startswith("ackg: error: Invalid value for '--root': Directory ")


def test_load_and_docs_read_the_project_under_the_working_directory(
    copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(copy)
    store = tmp_path / "store"
    result = CliRunner().invoke(main, ["load", "--store", str(store)])
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(REPO)
    args = ["query", "reports-to", "--param", "body=asean-dgs-of-customs", "--store", str(store)]
    assert RENAMED in CliRunner().invoke(main, args).stdout
    monkeypatch.chdir(copy)
    docs = tmp_path / "docs"
    assert CliRunner().invoke(main, ["docs", "-o", str(docs)]).exit_code == 0
    # The catalogue's example outputs are the copy's answers.
    assert "Renamedcopy" in (docs / "queries.md").read_text(encoding="utf-8")


def test_a_directory_with_one_of_the_three_missing_is_named_on_standard_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without queries/, a copy is not a project: the installed copy is read, and the command
    says why rather than pass silently on other files than those under the working directory."""
    monkeypatch.delenv("ACKG_HOME", raising=False)
    for name in ("ontology", "data"):
        shutil.copytree(REPO / name, tmp_path / "half" / name)
    monkeypatch.chdir(tmp_path / "half" / "data")
    result = CliRunner().invoke(main, ["queries"])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"ackg: warning: {tmp_path / 'half'} has no queries/ directory, so it is not a "
        f"project; reading {REPO} (the copy installed with the package) instead\n"
    )
    # The console script's fast path for saved queries says the same.
    env = {k: v for k, v in os.environ.items() if k != "ACKG_HOME"}
    done = subprocess.run(
        [str(ACKG), "query", "bodies"],
        cwd=tmp_path / "half",
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == result.stderr

"""The wheel ships the ontology, data and queries, and an installed copy finds them."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from asean_customs_kg import resources
from helpers import REPO

RESOURCES = "asean_customs_kg/_resources"


def _project_files() -> list[str]:
    """The checkout's files, relative to its root, as resources.py lists them."""
    root = resources.project_root()
    paths = [
        *resources.ontology_files(),
        *resources.shapes_files(),
        *resources.data_files(),
        *resources.query_files(),
        *resources.check_files(),
    ]
    return sorted(path.relative_to(root).as_posix() for path in paths)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Builds the wheel once, offline: hatchling comes from the test extra."""
    out = tmp_path_factory.mktemp("wheel")
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    command += ["--no-index", "--quiet", "--wheel-dir", str(out), str(REPO)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    assert done.returncode == 0, f"building the wheel failed:\n{done.stdout}{done.stderr}"
    (built,) = out.glob("asean_customs_kg-*.whl")
    return built


@pytest.fixture
def checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(resources.ENV_HOME, raising=False)


@pytest.mark.usefixtures("checkout")
def test_wheel_holds_the_package_and_every_project_file(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for module in (
        "__init__.py",
        "py.typed",
        "cli/launcher.py",
        "errors.py",
        "rdf/graph.py",
        "resources.py",
        "publish/pages/templates/base.html",
        "publish/site/templates/home.html",
    ):
        assert f"asean_customs_kg/{module}" in names
    shipped = sorted(name.removeprefix(f"{RESOURCES}/") for name in names if RESOURCES in name)
    expected = _project_files()
    assert [name for name in expected if name not in shipped] == []
    assert [name for name in shipped if name.endswith((".ttl", ".rq"))] == expected


def test_wheel_declares_the_console_script(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        (entry_points,) = [n for n in archive.namelist() if n.endswith("/entry_points.txt")]
        text = archive.read(entry_points).decode("utf-8")
    assert "ackg = asean_customs_kg.cli.launcher:script" in text


@pytest.mark.usefixtures("checkout")
def test_installed_copy_reads_its_own_resources(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    code = (
        "import asean_customs_kg\n"
        "from asean_customs_kg import resources as r\n"
        "print(asean_customs_kg.__file__)\n"
        "print(r.project_root())\n"
        "for p in (*r.ontology_files(), *r.shapes_files(), *r.data_files(),\n"
        "          *r.query_files(), *r.check_files()):\n"
        "    print(p.relative_to(r.project_root()).as_posix())\n"
    )
    env = {key: value for key, value in os.environ.items() if key != resources.ENV_HOME}
    env["PYTHONPATH"] = str(site)
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    module, root, *files = done.stdout.splitlines()
    assert Path(module).parent == site / "asean_customs_kg"
    assert Path(root) == site / "asean_customs_kg" / "_resources"
    assert sorted(files) == _project_files()

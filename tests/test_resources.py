"""resources.py finds the project (given, ACKG_HOME, the working directory, the installed copy)
and lists its files, sorted and filtered."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from asean_customs_kg import resources
from asean_customs_kg.errors import EnvError
from helpers import REPO


def _touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# empty\n", encoding="utf-8")


def _project(root: Path) -> Path:
    for name in resources.MARKER:
        (root / name).mkdir(parents=True)
    return root


def test_outside_any_project_the_installed_copy_is_the_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(resources.ENV_HOME, raising=False)
    monkeypatch.chdir(tmp_path)
    assert resources.find_root() == resources.Root(REPO, "installed")  # the editable checkout
    assert resources.project_dir("data") == REPO / "data"


def test_the_nearest_project_at_or_above_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(resources.ENV_HOME, raising=False)
    outer = _project(tmp_path / "outer")
    inner = _project(outer / "data" / "inner")
    (inner / "data" / "deep" / "er").mkdir(parents=True)
    monkeypatch.chdir(inner / "data" / "deep" / "er")
    assert resources.find_root() == resources.Root(inner, "cwd")
    monkeypatch.chdir(outer / "data")
    assert resources.find_root() == resources.Root(outer, "cwd")
    assert resources.project_root() == outer
    assert resources.find_root(cwd=inner) == resources.Root(inner, "cwd")
    # Two of the three directories are not a project.
    (tmp_path / "half" / "data").mkdir(parents=True)
    (tmp_path / "half" / "queries").mkdir()
    assert not resources.is_project(tmp_path / "half")
    assert resources.find_root(cwd=tmp_path / "half").found_by == "installed"


def test_given_beats_ackg_home_which_beats_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here, home, given = (_project(tmp_path / name) for name in ("here", "home", "given"))
    monkeypatch.chdir(here)
    monkeypatch.setenv(resources.ENV_HOME, str(home))
    assert resources.find_root() == resources.Root(home, "env")
    assert resources.find_root(given) == resources.Root(given, "given")
    assert resources.data_files(given) == []
    assert resources.project_dir("queries", resources.Root(given, "given")) == given / "queries"
    assert os.environ[resources.ENV_HOME] == str(home)  # passed explicitly, never set


def test_given_root_must_be_a_directory(tmp_path: Path) -> None:
    with pytest.raises(EnvError) as caught:
        resources.find_root(tmp_path / "nowhere")
    assert str(caught.value) == (
        f"--root {tmp_path / 'nowhere'}: not a directory; give the project's directory"
    )
    assert caught.value.exit_code == 2


def test_ackg_home_lists_each_kind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _touch(
        tmp_path,
        "ontology/zeta.ttl",
        "ontology/core/alpha.ttl",
        "ontology/shapes.ttl",
        "ontology/shapes/bodies.ttl",
        "ontology/README.md",
        "data/members.ttl",
        "data/bodies.ttl",
        "data/nested/ignored.ttl",
        "queries/reports-to.rq",
        "queries/bodies.rq",
        "queries/checks/no-label-violation.rq",
        "queries/checks/helper.rq",
    )
    monkeypatch.setenv(resources.ENV_HOME, str(tmp_path))
    root = tmp_path.resolve()

    def names(paths: list[Path]) -> list[str]:
        assert all(path.is_absolute() for path in paths)
        return [path.relative_to(root).as_posix() for path in paths]

    assert resources.project_root() == root
    assert names(resources.ontology_files()) == ["ontology/core/alpha.ttl", "ontology/zeta.ttl"]
    # Sorted as paths (part by part), so a directory sorts before a same-named file.
    assert names(resources.shapes_files()) == ["ontology/shapes/bodies.ttl", "ontology/shapes.ttl"]
    assert names(resources.data_files()) == ["data/bodies.ttl", "data/members.ttl"]
    assert names(resources.query_files()) == ["queries/bodies.rq", "queries/reports-to.rq"]
    assert names(resources.check_files()) == ["queries/checks/no-label-violation.rq"]


def test_paths_are_handed_out_as_path_objects_and_strings_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Strings inside, for the saved-query path (which does not import pathlib); Path objects
    from every public function and attribute, naming the same files."""
    _touch(tmp_path, "ontology/b.ttl", "ontology/a/c.ttl", "ontology/shapes.ttl", "data/d.ttl")
    (tmp_path / "queries").mkdir()
    monkeypatch.setenv(resources.ENV_HOME, str(tmp_path))
    root = resources.find_root()
    assert type(root.path) is type(tmp_path) and root.path == tmp_path.resolve()
    assert os.fspath(root) == str(tmp_path.resolve())
    assert resources.project_dir_name("data") == str(tmp_path.resolve() / "data")
    assert type(resources.project_dir("data")) is type(tmp_path)
    files = [*resources.ontology_files(), *resources.data_files()]
    assert all(type(path) is type(tmp_path) for path in files)
    assert resources.graph_file_names() == [str(path) for path in files]
    assert [p.relative_to(root.path).as_posix() for p in files] == [
        "ontology/a/c.ttl",
        "ontology/b.ttl",
        "data/d.ttl",
    ]
    near = tmp_path / "near"
    for name in ("data", "queries"):
        (near / name).mkdir(parents=True)
    assert resources.near_miss(near / "data") == near
    assert resources.near_miss(tmp_path) is None


def test_missing_directories_give_no_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "queries").mkdir()  # a part of a project: the others are missing
    monkeypatch.setenv(resources.ENV_HOME, str(tmp_path))
    assert resources.ontology_files() == []
    assert resources.shapes_files() == []
    assert resources.data_files() == []
    assert resources.query_files() == []
    assert resources.check_files() == []


def test_ackg_home_must_be_a_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(resources.ENV_HOME, str(tmp_path / "nowhere"))
    with pytest.raises(EnvError, match=r"^ACKG_HOME=.*nowhere is not a directory") as caught:
        resources.data_files()
    assert caught.value.exit_code == 2


def test_unknown_kind_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown kind 'shapes'"):
        resources.project_dir("shapes")  # type: ignore[arg-type]


def test_light_modules_do_not_import_rdf_libraries() -> None:
    """The package, the CLI, resources and graph load no rdflib, pyshacl or owlrl."""
    code = (
        "import sys\n"
        "import asean_customs_kg, asean_customs_kg.cli.main, asean_customs_kg.resources\n"
        "import asean_customs_kg.rdf.graph\n"
        "heavy = sorted(m for m in ('rdflib', 'pyshacl', 'owlrl') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert done.stdout.strip() == ""


def test_finding_the_project_costs_a_few_stat_calls_per_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No listing, no reading: at most one check of each marker directory per level."""
    monkeypatch.delenv(resources.ENV_HOME, raising=False)
    deep = _project(tmp_path / "p") / "data" / "a" / "b" / "c"
    deep.mkdir(parents=True)
    calls: list[str] = []
    real = os.path.isdir

    def counted(path: str | os.PathLike[str]) -> bool:
        calls.append(os.fspath(path))
        return real(path)

    monkeypatch.setattr(os.path, "isdir", counted)
    assert resources.find_root(cwd=deep) == resources.Root(tmp_path / "p", "cwd")
    levels = 5  # c, b, a, data, p
    assert len(calls) <= len(resources.MARKER) * levels


def test_a_root_or_ackg_home_with_none_of_the_directories_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unrelated directory is not read as an empty project (ackg load would empty a store
    with it); one with only some of the three directories is a part of a project."""
    unrelated = tmp_path / "unrelated"
    unrelated.mkdir()
    with pytest.raises(EnvError) as caught:
        resources.find_root(unrelated)
    assert str(caught.value) == (
        f"--root {unrelated}: not a project (it holds none of ontology/, data/ and queries/); "
        "give the project's directory"
    )
    monkeypatch.setenv(resources.ENV_HOME, str(unrelated))
    with pytest.raises(EnvError) as caught:
        resources.data_files()
    assert str(caught.value) == (
        f"ACKG_HOME={unrelated}: not a project (it holds none of ontology/, data/ and "
        "queries/); unset it or point it at the project"
    )
    assert caught.value.exit_code == 2
    (unrelated / "data").mkdir()
    assert resources.find_root() == resources.Root(unrelated, "env")

"""The package's layout: the import contracts of pyproject.toml (layers, no cycle), no private
name used outside its module, one home for the vocabulary and the errors, and the public API.

Each check runs on the repository and on a small invalid fixture, to show that it can fail.
"""

from __future__ import annotations

import ast
import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import asean_customs_kg
from asean_customs_kg.errors import AckgError
from asean_customs_kg.rdf import vocab

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "src" / "asean_customs_kg"
LINT_IMPORTS = "from importlinter.cli import lint_imports_command; lint_imports_command()"


def _lint_imports(cwd: Path, *, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [sys.executable, "-c", LINT_IMPORTS, "--no-cache", "--no-logo"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_import_contracts_hold() -> None:
    done = _lint_imports(REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 2 kept, 0 broken." in done.stdout


def test_an_upward_import_inside_a_function_and_a_cycle_break_the_contracts(
    tmp_path: Path,
) -> None:
    package = tmp_path / "layered"
    (package / "low").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "high.py").write_text("from .low import a\n")
    (package / "low" / "__init__.py").write_text("")
    # An import made inside a function counts as much as one at the top.
    (package / "low" / "a.py").write_text("def f():\n    from .. import high\n")
    (package / "low" / "b.py").write_text("from . import c\n")
    (package / "low" / "c.py").write_text("from . import b\n")
    (tmp_path / ".importlinter").write_text(
        "[importlinter]\nroot_package = layered\n\n"
        "[importlinter:contract:layers]\nname = Layers\ntype = layers\n"
        "containers = layered\nlayers =\n    high\n    low\n\n"
        "[importlinter:contract:acyclic]\nname = No cycle\ntype = acyclic_siblings\n"
        "ancestors = layered\n"
    )
    done = _lint_imports(tmp_path, pythonpath=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Contracts: 0 kept, 2 broken." in done.stdout
    assert "layered.low.a -> layered.high" in done.stdout
    assert "No cycles are allowed in layered.low" in done.stdout


# --- private names ---------------------------------------------------------------------------


def _module_of(path: Path, root: Path, package: str) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([package, *parts])


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_uses(path: Path, module: str | None, package: str) -> list[str]:
    """Where the file at ``path`` (the module ``module`` of ``package``, or a file outside it)
    uses a private name (``_x``) of another module of ``package``: ``from M import _x``, or
    ``M._x`` where ``M`` names a module of the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    current = module.rsplit(".", 1)[0] if module else None
    if module and path.name == "__init__.py":
        current = module
    found: list[str] = []
    module_names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                assert current is not None
                base = current.split(".")[: len(current.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target != package and not target.startswith(package + "."):
                continue
            for alias in node.names:
                if _is_private(alias.name) and target != module:
                    found.append(f"{path.name}:{node.lineno}: from {target} import {alias.name}")
                else:
                    module_names.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(package):
                    module_names.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and _is_private(node.attr)
            and isinstance(node.value, ast.Name)
            and node.value.id in module_names
        ):
            found.append(f"{path.name}:{node.lineno}: {node.value.id}.{node.attr}")
    return found


def test_no_private_name_is_used_outside_its_module() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        found += private_uses(
            path, _module_of(path, PACKAGE, "asean_customs_kg"), "asean_customs_kg"
        )
    for path in sorted([*(REPO / "tests").glob("*.py"), *(REPO / "benchmarks").glob("*.py")]):
        found += private_uses(path, None, "asean_customs_kg")
    assert found == []


def test_the_private_name_check_finds_a_borrowed_name(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("_secret = 1\n")
    borrower = package / "b.py"
    borrower.write_text("from . import a\nfrom .a import _secret\nprint(a._secret)\n")
    assert private_uses(borrower, "pkg.b", "pkg") == [
        "b.py:2: from pkg.a import _secret",
        "b.py:3: a._secret",
    ]
    test = tmp_path / "test_b.py"
    test.write_text("from pkg.a import _secret\n")
    assert private_uses(test, None, "pkg") == ["test_b.py:1: from pkg.a import _secret"]


# --- one home for the vocabulary and the errors -------------------------------------------------

NAMESPACES = {
    value
    for name in vocab.__all__
    if isinstance(value := getattr(vocab, name), str) and value.endswith(("#", "/"))
}


def namespace_constants(path: Path) -> list[str]:
    """The top-level constants of the file at ``path`` whose value is a namespace of
    :mod:`asean_customs_kg.rdf.vocab` (written again instead of imported)."""
    found = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        if isinstance(value, ast.Constant) and value.value in NAMESPACES:
            found.append(f"{path.name}:{node.lineno}")
    return found


def test_every_namespace_is_declared_in_the_vocabulary_only(tmp_path: Path) -> None:
    found = [
        place
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "vocab.py" or path.parent.name != "rdf"
        for place in namespace_constants(path)
    ]
    assert found == []
    copy = tmp_path / "copy.py"
    copy.write_text('_XSD = "http://www.w3.org/2001/XMLSchema#"\n')
    assert namespace_constants(copy) == ["copy.py:1"]


def _every_module() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.walk_packages(asean_customs_kg.__path__, "asean_customs_kg.")
        if not info.name.endswith("__main__")
    )


def error_classes_outside(module_names: list[str], home: str) -> list[str]:
    """The :class:`AckgError` subclasses defined in ``module_names`` outside ``home``."""
    found = []
    for name in module_names:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, AckgError)
                and value.__module__ == name
                and name != home
            ):
                found.append(f"{name}.{value.__name__}")
    return found


def exit_code_constants(path: Path) -> list[str]:
    """The top-level ``EXIT_*`` integers (exit codes) the file at ``path`` defines."""
    found = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and type(node.value.value) is int
        ):
            found += [
                f"{path.name}:{node.lineno}: {target.id}"
                for target in node.targets
                if isinstance(target, ast.Name) and target.id.startswith("EXIT_")
            ]
    return found


def test_every_error_class_and_exit_code_lives_in_errors(tmp_path: Path) -> None:
    assert error_classes_outside(_every_module(), "asean_customs_kg.errors") == []
    # The check sees an error class where it is defined.
    assert error_classes_outside(["asean_customs_kg.errors"], "elsewhere") != []
    found = [
        place
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != PACKAGE / "errors.py"
        for place in exit_code_constants(path)
    ]
    assert found == []
    assert len(exit_code_constants(PACKAGE / "errors.py")) == 4
    copy = tmp_path / "copy.py"
    copy.write_text("EXIT_INTERRUPTED = 130\n")
    assert exit_code_constants(copy) == ["copy.py:1: EXIT_INTERRUPTED"]


def long_modules(paths: list[Path], limit: int = 600) -> list[str]:
    """The modules among ``paths`` longer than ``limit`` lines."""
    return [
        f"{path.name}: {count}"
        for path in paths
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > limit
    ]


def test_no_module_is_over_600_lines(tmp_path: Path) -> None:
    assert long_modules(sorted(PACKAGE.rglob("*.py"))) == []
    long = tmp_path / "long.py"
    long.write_text("pass\n" * 601)
    assert long_modules([long]) == ["long.py: 601"]


# --- the public API -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", asean_customs_kg.__all__)
def test_each_public_name_imports(name: str) -> None:
    value = getattr(asean_customs_kg, name)
    assert value is not None
    if name != "__version__":
        assert getattr(value, "__module__", "").startswith("asean_customs_kg.")


def test_an_unknown_public_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'nonesuch'"):
        _ = asean_customs_kg.nonesuch


def test_importing_the_package_loads_no_engine() -> None:
    code = (
        "import sys, asean_customs_kg\n"
        "print(sorted(m for m in sys.modules if m.startswith('asean_customs_kg') "
        "or m.split('.')[0] in ('pyoxigraph', 'rdflib', 'pyshacl', 'owlrl', 'click')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['asean_customs_kg']"

"""Where the project's own files are: the ontology, the shapes, the data and the saved queries.

The project root is the first of:

1. the directory named by the ``ACKG_HOME`` environment variable, when set (a fork of the data,
   or a test's temporary copy); it holds ``ontology/``, ``data/`` and ``queries/``;
2. the source checkout this package runs from (an editable install: ``src/asean_customs_kg``
   two levels below a directory with ``pyproject.toml``);
3. the copy shipped inside the installed package, ``asean_customs_kg/_resources/``.

Every function returns absolute :class:`pathlib.Path` objects in sorted, deterministic order; a
directory that does not exist yields no files. This module imports no RDF library.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from .errors import EnvError

__all__ = [
    "ENV_HOME",
    "Kind",
    "check_files",
    "data_files",
    "ontology_files",
    "project_dir",
    "project_root",
    "query_files",
    "shapes_files",
]

#: Environment variable naming another project root.
ENV_HOME = "ACKG_HOME"

Kind = Literal["ontology", "data", "queries"]
_KINDS: tuple[str, ...] = ("ontology", "data", "queries")

_PACKAGE_DIR = Path(__file__).resolve().parent


def _checkout_root() -> Path | None:
    """The source checkout's root when this package runs from ``<root>/src/``, else None."""
    if _PACKAGE_DIR.parent.name != "src":
        return None
    root = _PACKAGE_DIR.parent.parent
    return root if (root / "pyproject.toml").is_file() else None


def project_root() -> Path:
    """The directory holding ``ontology/``, ``data/`` and ``queries/`` (see the module doc).

    Raises :class:`EnvError` when ``ACKG_HOME`` is set but is not a directory.
    """
    home = os.environ.get(ENV_HOME)
    if home:
        root = Path(home).expanduser()
        if not root.is_dir():
            raise EnvError(f"{ENV_HOME}={home} is not a directory; unset it or point it at one")
        return root.resolve()
    checkout = _checkout_root()
    if checkout is not None:
        return checkout
    return _PACKAGE_DIR / "_resources"


def project_dir(kind: Kind) -> Path:
    """The ``ontology``, ``data`` or ``queries`` directory (which may not exist)."""
    if kind not in _KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(_KINDS)}")
    return project_root() / kind


def _files(directory: Path, pattern: str) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(path for path in directory.glob(pattern) if path.is_file())


def shapes_files() -> list[Path]:
    """The SHACL shapes: ``ontology/shapes.ttl`` and ``ontology/shapes/**/*.ttl``."""
    ontology = project_dir("ontology")
    single = ontology / "shapes.ttl"
    return sorted(([single] if single.is_file() else []) + _files(ontology / "shapes", "**/*.ttl"))


def ontology_files() -> list[Path]:
    """The OWL ontology: every ``ontology/**/*.ttl`` except the shapes."""
    shapes = set(shapes_files())
    return [path for path in _files(project_dir("ontology"), "**/*.ttl") if path not in shapes]


def data_files() -> list[Path]:
    """The instance data: ``data/*.ttl``."""
    return _files(project_dir("data"), "*.ttl")


def query_files() -> list[Path]:
    """The saved queries: ``queries/*.rq`` (the checks below ``queries/checks/`` excluded)."""
    return _files(project_dir("queries"), "*.rq")


def check_files() -> list[Path]:
    """The quality checks: ``queries/checks/*-violation.rq``."""
    return _files(project_dir("queries") / "checks", "*-violation.rq")

"""Where the project's own files are: the ontology, the shapes, the data and the saved queries.

The project a command works on is found as git, ruff or pytest find theirs, the first of:

1. a directory given explicitly (``ackg --root DIR``, or ``root=`` in the library);
2. the directory named by the ``ACKG_HOME`` environment variable, when set (a directory given
   these two ways may hold only some of the marker's directories below, never none of them);
3. the nearest directory at or above the working directory that is a project: one that holds
   the three directories ``ontology/``, ``data/`` and ``queries/`` (the *marker*; a checkout, a
   fork or a clone of the data qualifies, with or without ``pyproject.toml``);
4. the copy installed with the package: the source checkout it runs from (an editable
   install: ``src/asean_customs_kg`` two levels below a directory with ``pyproject.toml``), else
   ``asean_customs_kg/_resources/`` shipped inside the wheel.

:func:`find_root` returns a :class:`Root`, which says which rule found it; the library's
functions take it (or a plain directory) as ``root=`` and never read or change the environment
to pass it on. Without ``root=``, they find the project themselves, by the same rules. Finding
it costs a few ``stat`` calls per directory above the working directory.

Every function returns absolute :class:`pathlib.Path` objects in sorted, deterministic order; a
directory that does not exist yields no files. This module imports no RDF library.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import EnvError

__all__ = [
    "ENV_HOME",
    "MARKER",
    "FoundBy",
    "Kind",
    "Root",
    "RootLike",
    "check_files",
    "data_files",
    "find_root",
    "is_project",
    "near_miss",
    "near_miss_warning",
    "ontology_files",
    "project_dir",
    "project_root",
    "query_files",
    "resolve_root",
    "shapes_files",
]

#: Environment variable naming another project root.
ENV_HOME = "ACKG_HOME"

#: The directories that together make a directory a project.
MARKER: tuple[str, ...] = ("ontology", "data", "queries")

# ``typing`` is not imported at run time: it would cost the cold saved-query path (mypy reads
# this block; the names below are plain at run time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal, TypeAlias

    Kind: TypeAlias = Literal["ontology", "data", "queries"]
    #: Which rule found the root: given explicitly, ``ACKG_HOME``, the working directory, or
    #: the copy installed with the package.
    FoundBy: TypeAlias = Literal["given", "env", "cwd", "installed"]
else:
    Kind = FoundBy = str
_KINDS: tuple[str, ...] = ("ontology", "data", "queries")

_PACKAGE_DIR = Path(__file__).resolve().parent

_HOW = {
    "given": "given with --root",
    "env": f"from {ENV_HOME}",
    "cwd": "found from the working directory",
    "installed": "the copy installed with the package",
}


class Root:
    """A project directory and the rule that found it (see the module doc). Immutable, compared
    and hashed by its two fields; a plain class rather than a frozen dataclass, whose machinery
    (and the ``inspect`` module it imports) would cost the cold saved-query path."""

    __slots__ = ("found_by", "path")
    path: Path
    found_by: FoundBy

    def __init__(self, path: Path, found_by: FoundBy) -> None:
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "found_by", found_by)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Root)
        return (self.path, self.found_by) == (other.path, other.found_by)

    def __hash__(self) -> int:
        return hash((self.path, self.found_by))

    def __repr__(self) -> str:
        return f"Root(path={self.path!r}, found_by={self.found_by!r})"

    def describe(self) -> str:
        """How it was found, in words: ``found from the working directory``..."""
        return _HOW[self.found_by]


#: What the library's functions accept as ``root=``: a :class:`Root`, a directory, or None
#: (find it by the rules of the module doc).
RootLike: TypeAlias = "Root | str | os.PathLike[str] | None"


def is_project(directory: str | os.PathLike[str]) -> bool:
    """Whether ``directory`` holds ``ontology/``, ``data/`` and ``queries/`` (the marker)."""
    return all(os.path.isdir(os.path.join(directory, name)) for name in MARKER)


_NONE_OF = "not a project (it holds none of ontology/, data/ and queries/)"


def _has_any_marker(directory: Path) -> bool:
    """Whether ``directory`` holds at least one of the marker's directories: a directory given
    explicitly may be a part of a project (its data alone), never an unrelated directory, which
    would read as an empty graph (and ``ackg load`` would empty a store with it)."""
    return any((directory / name).is_dir() for name in MARKER)


def _checkout_root() -> Path | None:
    """The source checkout's root when this package runs from ``<root>/src/``, else None."""
    if _PACKAGE_DIR.parent.name != "src":
        return None
    root = _PACKAGE_DIR.parent.parent
    return root if (root / "pyproject.toml").is_file() else None


def _installed() -> Path:
    return _checkout_root() or _PACKAGE_DIR / "_resources"


def find_root(
    explicit: str | os.PathLike[str] | None = None, cwd: str | os.PathLike[str] | None = None
) -> Root:
    """The project root by the rules of the module doc; ``cwd`` defaults to the working directory.

    Raises :class:`EnvError` when ``explicit`` or ``ACKG_HOME`` is not a directory, or holds
    none of ``ontology/``, ``data/`` and ``queries/``.
    """
    if explicit is not None:
        path = Path(explicit).expanduser()
        if not path.is_dir():
            raise EnvError(f"--root {explicit}: not a directory; give the project's directory")
        if not _has_any_marker(path):
            raise EnvError(f"--root {explicit}: {_NONE_OF}; give the project's directory")
        return Root(path.resolve(), "given")
    home = os.environ.get(ENV_HOME)
    if home:
        path = Path(home).expanduser()
        if not path.is_dir():
            raise EnvError(f"{ENV_HOME}={home} is not a directory; unset it or point it at one")
        if not _has_any_marker(path):
            raise EnvError(f"{ENV_HOME}={home}: {_NONE_OF}; unset it or point it at the project")
        return Root(path.resolve(), "env")
    try:
        start = Path(cwd) if cwd is not None else Path.cwd()
    except OSError:  # the working directory was removed
        return Root(_installed(), "installed")
    for directory in (start, *start.parents):
        if is_project(directory):
            return Root(directory.absolute(), "cwd")
    return Root(_installed(), "installed")


def near_miss(cwd: str | os.PathLike[str] | None = None) -> Path | None:
    """The nearest directory at or above ``cwd`` (default: the working directory) that holds
    two of the marker's three directories: a project with one missing, which :func:`find_root`
    passes over for the installed copy (a command says so, lest it read the wrong graph)."""
    try:
        start = Path(cwd) if cwd is not None else Path.cwd()
    except OSError:
        return None
    for directory in (start, *start.parents):
        if sum(os.path.isdir(os.path.join(directory, name)) for name in MARKER) == 2:
            return directory.absolute()
    return None


def near_miss_warning(found: Root) -> str | None:
    """What to tell the user when the installed copy was ``found`` while a directory at or
    above the working directory lacks one of the marker's three directories (see
    :func:`near_miss`); None otherwise."""
    near = near_miss() if found.found_by == "installed" else None
    if near is None:
        return None
    missing = next(name for name in MARKER if not (near / name).is_dir())
    return (
        f"{near} has no {missing}/ directory, so it is not a project; reading {found.path} "
        f"({found.describe()}) instead"
    )


def resolve_root(root: RootLike = None) -> Root:
    """``root`` as a :class:`Root`: itself, a directory given explicitly, or the one found."""
    if isinstance(root, Root):
        return root
    return find_root(root)


def project_root(root: RootLike = None) -> Path:
    """The directory holding ``ontology/``, ``data/`` and ``queries/`` (see the module doc)."""
    return resolve_root(root).path


def project_dir(kind: Kind, root: RootLike = None) -> Path:
    """The ``ontology``, ``data`` or ``queries`` directory (which may not exist)."""
    if kind not in _KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(_KINDS)}")
    return project_root(root) / kind


def _files(directory: Path, pattern: str) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(path for path in directory.glob(pattern) if path.is_file())


def shapes_files(root: RootLike = None) -> list[Path]:
    """The SHACL shapes: ``ontology/shapes.ttl`` and ``ontology/shapes/**/*.ttl``."""
    ontology = project_dir("ontology", root)
    single = ontology / "shapes.ttl"
    return sorted(([single] if single.is_file() else []) + _files(ontology / "shapes", "**/*.ttl"))


def ontology_files(root: RootLike = None) -> list[Path]:
    """The OWL ontology: every ``ontology/**/*.ttl`` except the shapes."""
    found = resolve_root(root)
    shapes = set(shapes_files(found))
    return [
        path for path in _files(project_dir("ontology", found), "**/*.ttl") if path not in shapes
    ]


def data_files(root: RootLike = None) -> list[Path]:
    """The instance data: ``data/*.ttl``."""
    return _files(project_dir("data", root), "*.ttl")


def query_files(root: RootLike = None) -> list[Path]:
    """The saved queries: ``queries/*.rq`` (the checks below ``queries/checks/`` excluded)."""
    return _files(project_dir("queries", root), "*.rq")


def check_files(root: RootLike = None) -> list[Path]:
    """The quality checks: ``queries/checks/*-violation.rq``."""
    return _files(project_dir("queries", root) / "checks", "*-violation.rq")

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

The functions return absolute :class:`pathlib.Path` objects, lists of them in sorted,
deterministic order; a directory that does not exist yields no files. Inside, paths are strings
handled with :mod:`os.path`, and :mod:`pathlib` is imported only when a ``Path`` is handed out:
importing it (with the ``urllib.parse``, ``ipaddress`` and ``fnmatch`` it imports) would cost the
cold saved-query path more than finding the project. That path uses the strings instead:
:func:`project_dir_name`, :func:`graph_file_names` and ``os.fspath(root)`` of a :class:`Root`.
This module imports no RDF library.
"""

from __future__ import annotations

import os

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
    "graph_file_names",
    "is_project",
    "near_miss",
    "near_miss_warning",
    "ontology_files",
    "project_dir",
    "project_dir_name",
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
    from pathlib import Path
    from typing import Literal, TypeAlias

    Kind: TypeAlias = Literal["ontology", "data", "queries"]
    #: Which rule found the root: given explicitly, ``ACKG_HOME``, the working directory, or
    #: the copy installed with the package.
    FoundBy: TypeAlias = Literal["given", "env", "cwd", "installed"]
else:
    Kind = FoundBy = str
_KINDS: tuple[str, ...] = ("ontology", "data", "queries")

_PACKAGE_DIR = os.path.dirname(os.path.realpath(__file__))

_HOW = {
    "given": "given with --root",
    "env": f"from {ENV_HOME}",
    "cwd": "found from the working directory",
    "installed": "the copy installed with the package",
}


def _as_path(name: str) -> Path:
    """``name`` as a :class:`pathlib.Path`, the type the public functions return; pathlib is
    imported on the first call (see the module doc)."""
    from pathlib import Path

    return Path(name)


class Root:
    """A project directory and the rule that found it (see the module doc). Immutable, compared
    and hashed by its two fields; a plain class rather than a frozen dataclass, whose machinery
    (and the ``inspect`` module it imports) would cost the cold saved-query path.

    ``path`` is the directory as a :class:`pathlib.Path`; a root is also a path-like object
    (``os.fspath(root)`` is the directory as a string, which the saved-query path uses)."""

    __slots__ = ("_directory", "found_by")
    _directory: str
    found_by: FoundBy

    def __init__(self, path: str | os.PathLike[str], found_by: FoundBy) -> None:
        object.__setattr__(self, "_directory", os.fspath(path))
        object.__setattr__(self, "found_by", found_by)

    @property
    def path(self) -> Path:
        """The project directory."""
        return _as_path(self._directory)

    def __fspath__(self) -> str:
        return self._directory

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


def _has_any_marker(directory: str) -> bool:
    """Whether ``directory`` holds at least one of the marker's directories: a directory given
    explicitly may be a part of a project (its data alone), never an unrelated directory, which
    would read as an empty graph (and ``ackg load`` would empty a store with it)."""
    return any(os.path.isdir(os.path.join(directory, name)) for name in MARKER)


def _checkout_root() -> str | None:
    """The source checkout's root when this package runs from ``<root>/src/``, else None."""
    source = os.path.dirname(_PACKAGE_DIR)
    if os.path.basename(source) != "src":
        return None
    root = os.path.dirname(source)
    return root if os.path.isfile(os.path.join(root, "pyproject.toml")) else None


def _installed() -> str:
    return _checkout_root() or os.path.join(_PACKAGE_DIR, "_resources")


def _upwards(cwd: str | os.PathLike[str] | None) -> list[str]:
    """``cwd`` (default: the working directory), made absolute, and each directory above it,
    nearest first. Raises :class:`OSError` when the working directory was removed."""
    directory = os.path.abspath(cwd) if cwd is not None else os.getcwd()
    found = [directory]
    while (parent := os.path.dirname(directory)) != directory:
        found.append(parent)
        directory = parent
    return found


def find_root(
    explicit: str | os.PathLike[str] | None = None, cwd: str | os.PathLike[str] | None = None
) -> Root:
    """The project root by the rules of the module doc; ``cwd`` defaults to the working directory.

    Raises :class:`EnvError` when ``explicit`` or ``ACKG_HOME`` is not a directory, or holds
    none of ``ontology/``, ``data/`` and ``queries/``.
    """
    if explicit is not None:
        path = os.path.expanduser(explicit)
        if not os.path.isdir(path):
            raise EnvError(f"--root {explicit}: not a directory; give the project's directory")
        if not _has_any_marker(path):
            raise EnvError(f"--root {explicit}: {_NONE_OF}; give the project's directory")
        return Root(os.path.realpath(path), "given")
    home = os.environ.get(ENV_HOME)
    if home:
        path = os.path.expanduser(home)
        if not os.path.isdir(path):
            raise EnvError(f"{ENV_HOME}={home} is not a directory; unset it or point it at one")
        if not _has_any_marker(path):
            raise EnvError(f"{ENV_HOME}={home}: {_NONE_OF}; unset it or point it at the project")
        return Root(os.path.realpath(path), "env")
    try:
        directories = _upwards(cwd)
    except OSError:  # the working directory was removed
        return Root(_installed(), "installed")
    for directory in directories:
        if is_project(directory):
            return Root(directory, "cwd")
    return Root(_installed(), "installed")


def _near_miss(cwd: str | os.PathLike[str] | None) -> str | None:
    try:
        directories = _upwards(cwd)
    except OSError:
        return None
    for directory in directories:
        if sum(os.path.isdir(os.path.join(directory, name)) for name in MARKER) == 2:
            return directory
    return None


def near_miss(cwd: str | os.PathLike[str] | None = None) -> Path | None:
    """The nearest directory at or above ``cwd`` (default: the working directory) that holds
    two of the marker's three directories: a project with one missing, which :func:`find_root`
    passes over for the installed copy (a command says so, lest it read the wrong graph)."""
    near = _near_miss(cwd)
    return _as_path(near) if near is not None else None


def near_miss_warning(found: Root) -> str | None:
    """What to tell the user when the installed copy was ``found`` while a directory at or
    above the working directory lacks one of the marker's three directories (see
    :func:`near_miss`); None otherwise."""
    near = _near_miss(None) if found.found_by == "installed" else None
    if near is None:
        return None
    missing = next(name for name in MARKER if not os.path.isdir(os.path.join(near, name)))
    return (
        f"{near} has no {missing}/ directory, so it is not a project; reading "
        f"{os.fspath(found)} ({found.describe()}) instead"
    )


def resolve_root(root: RootLike = None) -> Root:
    """``root`` as a :class:`Root`: itself, a directory given explicitly, or the one found."""
    if isinstance(root, Root):
        return root
    return find_root(root)


def project_root(root: RootLike = None) -> Path:
    """The directory holding ``ontology/``, ``data/`` and ``queries/`` (see the module doc)."""
    return resolve_root(root).path


def project_dir_name(kind: Kind, root: RootLike = None) -> str:
    """The ``ontology``, ``data`` or ``queries`` directory (which may not exist), as a string."""
    if kind not in _KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(_KINDS)}")
    return os.path.join(resolve_root(root), kind)


def project_dir(kind: Kind, root: RootLike = None) -> Path:
    """The ``ontology``, ``data`` or ``queries`` directory (which may not exist)."""
    return _as_path(project_dir_name(kind, root))


def _names(directory: str, suffix: str, *, below: bool = False) -> list[str]:
    """The files in ``directory`` (and, with ``below``, in the directories below it, symbolic
    links to directories not followed) whose names end with ``suffix``, sorted as paths are:
    part by part, so that a directory sorts before a file named as it with a suffix. A
    directory that does not exist, or may not be read, holds none."""
    found: list[str] = []
    for parent, _, files in os.walk(directory):
        found.extend(
            path
            for path in (os.path.join(parent, name) for name in files if name.endswith(suffix))
            if os.path.isfile(path)
        )
        if not below:
            break
    return sorted(found, key=lambda path: path.split(os.sep))


def _shapes_names(root: Root) -> list[str]:
    ontology = project_dir_name("ontology", root)
    single = os.path.join(ontology, "shapes.ttl")
    below = _names(os.path.join(ontology, "shapes"), ".ttl", below=True)
    return sorted(
        ([single] if os.path.isfile(single) else []) + below, key=lambda path: path.split(os.sep)
    )


def _ontology_names(root: Root) -> list[str]:
    shapes = set(_shapes_names(root))
    every = _names(project_dir_name("ontology", root), ".ttl", below=True)
    return [path for path in every if path not in shapes]


def graph_file_names(root: RootLike = None) -> list[str]:
    """The files of the graph, as strings, in the order a store loads them:
    :func:`ontology_files`, then :func:`data_files`."""
    found = resolve_root(root)
    return [*_ontology_names(found), *_names(project_dir_name("data", found), ".ttl")]


def shapes_files(root: RootLike = None) -> list[Path]:
    """The SHACL shapes: ``ontology/shapes.ttl`` and ``ontology/shapes/**/*.ttl``."""
    return [_as_path(name) for name in _shapes_names(resolve_root(root))]


def ontology_files(root: RootLike = None) -> list[Path]:
    """The OWL ontology: every ``ontology/**/*.ttl`` except the shapes."""
    return [_as_path(name) for name in _ontology_names(resolve_root(root))]


def data_files(root: RootLike = None) -> list[Path]:
    """The instance data: ``data/*.ttl``."""
    return [_as_path(name) for name in _names(project_dir_name("data", root), ".ttl")]


def query_files(root: RootLike = None) -> list[Path]:
    """The saved queries: ``queries/*.rq`` (the checks below ``queries/checks/`` excluded)."""
    return [_as_path(name) for name in _names(project_dir_name("queries", root), ".rq")]


def check_files(root: RootLike = None) -> list[Path]:
    """The quality checks: ``queries/checks/*-violation.rq``."""
    checks = os.path.join(project_dir_name("queries", root), "checks")
    return [_as_path(name) for name in _names(checks, "-violation.rq")]

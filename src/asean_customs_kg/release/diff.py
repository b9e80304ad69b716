"""What a change means: the statements two versions of the graph add and remove, by resource.

A side of the comparison is one of

* a project directory (holding ``ontology/``, ``data/`` and ``queries/``), read as
  ``ackg export`` would release it;
* a release file written by ``ackg export`` (TriG, N-Quads or JSON-LD keep the named graphs;
  Turtle and N-Triples merge them, and the other side is then merged too);
* a git revision of the project (``HEAD``, ``main``, ``HEAD~1``...), read from the repository
  that holds the project with ``git archive`` into a temporary directory (nothing is fetched).

The statements are compared as N-Triples lines, graph by graph. Blank nodes are matched by
their content, not their labels: each gets a label made from a hash of what it states (its
properties and values, recursively through the blank nodes it points to), so reordering a file
or relabelling its blank nodes changes nothing, and a changed period or list shows as the
statement that points to it, removed with the old content and added with the new. The release
already gives them canonical labels (RDFC-1.0), which make the statements comparable; the
hash makes them independent of the other blank nodes of the graph. The release's description
of the dataset (its graphs, sources and triple counts) is left out: it follows from the rest.
This module imports no rdflib.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph

from .. import resources
from ..errors import DataError, EnvError

__all__ = ["MERGED", "GraphDiff", "Side", "diff_sides", "labels_and_sources", "open_side"]

_LABELS = (
    b"<http://www.w3.org/2004/02/skos/core#notation>",
    b"<http://www.w3.org/2004/02/skos/core#prefLabel>",
    b"<http://www.w3.org/2000/01/rdf-schema#label>",
    b"<http://purl.org/dc/terms/source>",
)
#: The graph name of a release that merges its graphs (Turtle, N-Triples).
MERGED = ""


@dataclass
class Side:
    """One version of the graph: each named graph's N-Triples lines (blank nodes labelled by
    content), the prefixes its files declare, and the project directory it came from (None for
    a release file)."""

    name: str
    graphs: dict[str, set[bytes]]
    prefixes: dict[str, str] = field(default_factory=dict)
    directory: Path | None = None

    def merged(self) -> Side:
        """The same statements in one graph (as a Turtle or N-Triples release has them)."""
        if set(self.graphs) == {MERGED}:
            return self
        lines: set[bytes] = set().union(*self.graphs.values()) if self.graphs else set()
        return Side(self.name, {MERGED: lines}, self.prefixes, self.directory)

    def lines(self, graphs: Iterable[str] | None = None) -> Iterator[bytes]:
        """Every line of the given graphs (default: all)."""
        for name in self.graphs if graphs is None else graphs:
            yield from self.graphs.get(name, ())


@dataclass
class GraphDiff:
    """The statements of one graph that the new side adds and the old side had."""

    graph: str
    added: list[pyoxigraph.Triple]
    removed: list[pyoxigraph.Triple]


def _hash_blank_nodes(triples: list[pyoxigraph.Triple]) -> dict[str, str]:
    """A label for each blank node from a hash of what it states, recursively."""
    out: dict[str, list[pyoxigraph.Triple]] = {}
    for triple in triples:
        if isinstance(triple.subject, pyoxigraph.BlankNode):
            out.setdefault(triple.subject.value, []).append(triple)
    labels: dict[str, str] = {}

    def label(node: str, seen: frozenset[str]) -> str:
        if node in labels:
            return labels[node]
        if node in seen:  # a cycle of blank nodes: its members are told apart by their place
            return "cycle"
        parts = []
        for triple in out.get(node, []):
            obj = triple.object
            text = (
                "_:" + label(obj.value, seen | {node})
                if isinstance(obj, pyoxigraph.BlankNode)
                else str(obj)
            )
            parts.append(f"{triple.predicate} {text}")
        digest = hashlib.sha256("\n".join(sorted(parts)).encode("utf-8")).hexdigest()[:20]
        labels[node] = "b" + digest
        return labels[node]

    for triple in triples:
        for term in (triple.subject, triple.object):
            if isinstance(term, pyoxigraph.BlankNode):
                label(term.value, frozenset())
    return labels


def _term(term: object, labels: dict[str, str]) -> str:
    if isinstance(term, pyoxigraph.BlankNode):
        return "_:" + labels[term.value]
    return str(term)


def _stable(lines: Iterable[bytes]) -> set[bytes]:
    """The lines, those with a blank node relabelled by content (see the module doc)."""
    ground: set[bytes] = set()
    blank: list[bytes] = []
    for line in lines:
        if not line:
            continue
        if b"_:" in line:
            blank.append(line)
        else:
            ground.add(line)
    if not blank:
        return ground
    triples = [
        quad.triple
        for quad in pyoxigraph.parse(b"\n".join(blank), format=pyoxigraph.RdfFormat.N_TRIPLES)
    ]
    labels = _hash_blank_nodes(triples)
    for triple in triples:
        text = (
            f"{_term(triple.subject, labels)} {triple.predicate} {_term(triple.object, labels)} ."
        )
        ground.add(text.encode("utf-8"))
    return ground


def _described(graphs: dict[str, set[bytes]]) -> dict[str, set[bytes]]:
    """The graphs without the release's description of the dataset (see the module doc)."""
    from .export import DATASET, DESCRIPTION_GRAPH, GRAPHS

    kept = {name: lines for name, lines in graphs.items() if name != DESCRIPTION_GRAPH}
    if MERGED in kept:
        subjects = tuple(f"<{iri}> ".encode() for iri in (DATASET, *GRAPHS))
        kept[MERGED] = {line for line in kept[MERGED] if not line.startswith(subjects)}
    return kept


def _from_project(directory: Path, name: str) -> Side:
    from .export import build_release

    try:
        release = build_release(root=resources.Root(directory, "given"))
    except DataError as error:
        where = f"{name}: " if not str(error).startswith(name) else ""
        message = str(error).replace(f"{directory}{os.sep}", f"{name}:")
        raise EnvError(f"cannot read {where}{message}") from None
    graphs = {graph: _stable(lines) for graph, lines in release.lines().items()}
    return Side(name, _described(graphs), dict(release.prefixes), directory)


_FORMATS = {
    ".trig": pyoxigraph.RdfFormat.TRIG,
    ".nq": pyoxigraph.RdfFormat.N_QUADS,
    ".jsonld": pyoxigraph.RdfFormat.JSON_LD,
    ".json": pyoxigraph.RdfFormat.JSON_LD,
    ".ttl": pyoxigraph.RdfFormat.TURTLE,
    ".nt": pyoxigraph.RdfFormat.N_TRIPLES,
}


def _from_release(path: Path, name: str) -> Side:
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise EnvError(
            f"{path}: not a release file (expected .trig, .nq, .jsonld, .ttl or .nt from "
            "'ackg export')"
        )
    store = pyoxigraph.Store()
    try:
        store.bulk_load(path=path, format=fmt)
    except SyntaxError as error:
        raise EnvError(f"{path}: cannot read the release: {error.msg or error}") from None
    except (OSError, ValueError) as error:
        raise EnvError(f"{path}: cannot read the release: {error}") from None
    graphs: dict[str, set[bytes]] = {}
    targets: list[tuple[str, pyoxigraph.NamedNode | pyoxigraph.DefaultGraph]] = [
        (MERGED, pyoxigraph.DefaultGraph())
    ]
    targets += [
        (graph.value, graph)
        for graph in store.named_graphs()
        if isinstance(graph, pyoxigraph.NamedNode)
    ]
    for graph_name, graph in targets:
        dumped = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=graph)
        lines = _stable((dumped or b"").split(b"\n"))
        if lines:
            graphs[graph_name] = lines
    return Side(name, _described(graphs), _declared_prefixes(path))


_PREFIX = re.compile(rb"\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)


def _declared_prefixes(path: Path) -> dict[str, str]:
    """The prefixes declared at the head of a Turtle or TriG file (none in other formats)."""
    found: dict[str, str] = {}
    try:
        with path.open("rb") as stream:
            for number, line in enumerate(stream):
                match = _PREFIX.match(line)
                if match:
                    found[(match[1] or b"").decode()] = match[2].decode()
                elif number > 200 and line.strip() and not line.startswith(b"#"):
                    break
    except OSError:
        return {}
    return found


def _git(repository: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", *args], cwd=repository, capture_output=True, stdin=subprocess.DEVNULL
        )
    except OSError as error:
        raise EnvError(f"cannot run git: {error.strerror or error}") from None


@contextlib.contextmanager
def _from_revision(revision: str, root: Path) -> Iterator[Side]:
    """The project as the git revision has it, read into a temporary directory."""
    top = _git(root, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise EnvError(
            f"{revision!r} is not a file, a project directory or a revision: the project "
            f"{root} is not in a git repository"
        )
    repository = Path(top.stdout.decode().strip())
    commit = _git(repository, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if commit.returncode != 0 or revision.startswith("-"):
        raise EnvError(
            f"unknown revision {revision!r}: give a commit, branch or tag of {repository}, "
            "a project directory or a release file"
        )
    prefix = root.resolve().relative_to(repository.resolve()).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    sha = commit.stdout.decode().strip()
    wanted = [f"{prefix}{name}" for name in resources.MARKER]
    listed = _git(repository, "ls-tree", "--name-only", sha, *wanted)
    present = [name for name in listed.stdout.decode().split("\n") if name]
    with tempfile.TemporaryDirectory(prefix="ackg-diff-") as scratch:
        target = Path(scratch)
        if present:
            archive = _git(repository, "archive", "--format=tar", sha, "--", *present)
            if archive.returncode != 0:
                detail = archive.stderr.decode(errors="replace").strip().splitlines()
                raise EnvError(f"git archive {revision} failed: {detail[-1] if detail else ''}")
            _extract(archive.stdout, target)
        directory = target / prefix if prefix else target
        for name in resources.MARKER:
            (directory / name).mkdir(parents=True, exist_ok=True)
        yield _from_project(directory, revision)


def _extract(archive: bytes, target: Path) -> None:
    """Writes the regular files of a tar archive (from git) under ``target``."""
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            name = Path(member.name)
            if not member.isfile() or name.is_absolute() or ".." in name.parts:
                continue
            source = tar.extractfile(member)
            if source is None:
                continue
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(source.read())


@contextlib.contextmanager
def open_side(spec: str | None, root: resources.RootLike = None) -> Iterator[Side]:
    """The side that ``spec`` names (see the module doc); None is the working tree of the
    project at ``root``. A revision's temporary files last while the context is open.

    Raises :class:`EnvError` (exit code 2) for an unknown revision or an unreadable side.
    """
    found = resources.resolve_root(root)
    if spec is None:
        yield _from_project(found.path, "working tree")
        return
    path = Path(spec)
    if path.is_file():
        side = _from_release(path, spec)
        # An N-Quads release declares no prefixes: those of the project name its terms.
        files = [*resources.ontology_files(found), *resources.data_files(found)]
        known = {k: v for file in files for k, v in _declared_prefixes(file).items()}
        side.prefixes = {**known, **side.prefixes}
        yield side
    elif path.is_dir():
        if not resources.is_project(path):
            raise EnvError(
                f"{spec}: not a project directory (it needs ontology/, data/ and queries/)"
            )
        yield _from_project(path.resolve(), spec)
    else:
        with _from_revision(spec, found.path) as side:
            yield side


def _triples(lines: Iterable[bytes]) -> list[pyoxigraph.Triple]:
    text = b"\n".join(sorted(lines))
    if not text:
        return []
    return [quad.triple for quad in pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.N_TRIPLES)]


def diff_sides(old: Side, new: Side) -> list[GraphDiff]:
    """The statements added and removed, graph by graph (graphs in name order); both sides
    merged into one graph when either is a merged release."""
    if set(old.graphs) == {MERGED} or set(new.graphs) == {MERGED}:
        old, new = old.merged(), new.merged()
    found = []
    for graph in sorted(set(old.graphs) | set(new.graphs)):
        before, after = old.graphs.get(graph, set()), new.graphs.get(graph, set())
        added, removed = after - before, before - after
        if added or removed:
            found.append(GraphDiff(graph, _triples(added), _triples(removed)))
    return found


def _about(sides: Sequence[Side], iris: Iterable[str]) -> Iterator[list[bytes]]:
    """For each side, its statements about ``iris`` that name or cite (see ``_LABELS``)."""
    subjects = {f"<{iri}>".encode() for iri in iris}
    for side in sides:
        yield [
            line
            for line in side.lines()
            if line[: line.find(b" ")] in subjects and any(key in line for key in _LABELS)
        ]


def labels_and_sources(
    sides: Sequence[Side], iris: Iterable[str]
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The display name of each of ``iris`` and of the sources they cite (its
    ``skos:notation``, else English ``skos:prefLabel``, else ``rdfs:label``), and the sources
    each of ``iris`` cites (``dct:source``), read from the sides (the first side that has
    one wins)."""
    names: dict[str, tuple[int, str]] = {}
    sources: dict[str, list[str]] = {}
    for lines in _about(sides, iris):
        _read_names(lines, names, sources)
    cited = {source for values in sources.values() for source in values} - set(names)
    for lines in _about(sides, cited):
        _read_names(lines, names, {})
    return {iri: name for iri, (_, name) in names.items()}, sources


def _read_names(
    wanted: list[bytes], names: dict[str, tuple[int, str]], sources: dict[str, list[str]]
) -> None:
    """Reads names and cited sources from ``wanted`` (see labels_and_sources)."""
    cited: dict[str, list[str]] = {}
    for triple in _triples(wanted):
        if not isinstance(triple.subject, pyoxigraph.NamedNode):
            continue
        subject, predicate, obj = triple.subject.value, triple.predicate.value, triple.object
        if predicate.endswith("/source"):
            if isinstance(obj, pyoxigraph.NamedNode):
                cited.setdefault(subject, []).append(obj.value)
            continue
        if not isinstance(obj, pyoxigraph.Literal):
            continue
        rank = 0 if predicate.endswith("#notation") else 2 if predicate.endswith("#label") else 1
        if obj.language not in (None, "en"):
            rank += 3
        if subject not in names or rank < names[subject][0]:
            names[subject] = (rank, obj.value)
    for subject, values in cited.items():
        sources.setdefault(subject, sorted(values))

"""The release of the graph: the ontology, the shapes and the data in named graphs, with a
VoID/DCAT description of the dataset, written deterministically in one of five RDF formats.

The release is a dataset of four named graphs (:data:`GRAPHS`): the OWL ontology, the SHACL
shapes, the instance data, and a description of the dataset (title, description, version,
licence, the source documents, the named graphs and the number of triples in each). Quad
formats (``nq``, ``trig``, ``jsonld``) keep the graphs apart; triple formats (``ttl``, ``nt``)
merge them into one graph.

Output is deterministic: the same files give byte-identical output. Blank nodes get canonical
labels (W3C RDF Dataset Canonicalization, RDFC-1.0, as implemented by pyoxigraph), the
statements are sorted, and nothing depends on the time or the machine. This module imports no
rdflib.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph

from .. import __version__, resources
from ..choices import EXPORT_FORMATS, EXPORT_SUFFIXES
from ..errors import EnvError, UsageError
from ..rdf.vocab import (
    ACK,
    BASE,
    DATA_GRAPH,
    DATASET,
    DCAT,
    DCT,
    DESCRIPTION_GRAPH,
    GRAPHS,
    ONTOLOGY_GRAPH,
    OWL,
    QUERY_GRAPHS,
    RDF,
    SD,
    SHAPES_GRAPH,
    VOID,
    XSD,
)

if TYPE_CHECKING:
    from ..choices import ExportFormat


__all__ = [
    "DATASET",
    "DATA_GRAPH",
    "DESCRIPTION_GRAPH",
    "GRAPHS",
    "ONTOLOGY_GRAPH",
    "QUERY_GRAPHS",
    "SHAPES_GRAPH",
    "Release",
    "build_release",
    "describe",
    "describe_store",
    "format_from_suffix",
    "serialize",
    "source_files",
    "write",
]


_RDF_FORMATS: dict[str, pyoxigraph.RdfFormat] = {
    "ttl": pyoxigraph.RdfFormat.TURTLE,
    "nt": pyoxigraph.RdfFormat.N_TRIPLES,
    "nq": pyoxigraph.RdfFormat.N_QUADS,
    "trig": pyoxigraph.RdfFormat.TRIG,
    "jsonld": pyoxigraph.RdfFormat.JSON_LD,
}
_QUAD_FORMATS = frozenset({"nq", "trig", "jsonld"})

_TITLES = {
    ONTOLOGY_GRAPH: "The OWL ontology",
    SHAPES_GRAPH: "The SHACL shapes",
    DATA_GRAPH: "The instance data",
    DESCRIPTION_GRAPH: "This description of the dataset",
}

_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
_CREATOR = "ASEAN Customs Knowledge Graph contributors"
_TITLE = "ASEAN Customs Knowledge Graph"
_DESCRIPTION = (
    "A knowledge graph of ASEAN Customs: its sectoral bodies and their reporting lines, the "
    "meetings and decisions that created them, its Strategic Plans of Customs Development and "
    "its partnerships, with the OWL ontology and the SHACL shapes that describe it. Every fact "
    "names its source document."
)
_EXTRA_PREFIXES = {"void": VOID, "sd": SD, "dcat": DCAT, "dct": DCT}


def _iri(value: str) -> pyoxigraph.NamedNode:
    return pyoxigraph.NamedNode(value)


class Release:
    """The graph as released: for each named graph of :data:`GRAPHS`, its triples, sorted, with
    canonical blank-node labels; and the prefixes of the source files (for Turtle and TriG).

    :func:`build_release` keeps each graph as its sorted N-Triples lines, which the N-Triples
    and N-Quads exports write as they are; :attr:`graphs` parses them into triples when first
    asked. A release made from triples keeps them in the order given.
    """

    __slots__ = ("_graphs", "_lines", "_prefixes")

    def __init__(
        self,
        graphs: Mapping[str, Sequence[pyoxigraph.Triple]],
        prefixes: Mapping[str, str] | Callable[[], Mapping[str, str]],
    ) -> None:
        self._graphs: dict[str, list[pyoxigraph.Triple]] | None = {
            name: list(triples) for name, triples in graphs.items()
        }
        self._lines: dict[str, list[bytes]] | None = None
        self._prefixes = prefixes

    @classmethod
    def _from_lines(
        cls, lines: dict[str, list[bytes]], prefixes: Callable[[], Mapping[str, str]]
    ) -> Release:
        release = cls({}, prefixes)
        release._graphs, release._lines = None, lines
        return release

    def __repr__(self) -> str:
        return f"<Release {len(self)} triples in {len(self.counts())} graphs>"

    def __len__(self) -> int:
        """The number of triples in all the graphs."""
        return sum(self.counts().values())

    @property
    def graphs(self) -> dict[str, list[pyoxigraph.Triple]]:
        """The triples of each named graph, in order."""
        if self._graphs is None:
            assert self._lines is not None
            self._graphs = {
                name: [
                    quad.triple
                    for quad in pyoxigraph.parse(
                        b"\n".join(lines), format=pyoxigraph.RdfFormat.N_TRIPLES
                    )
                ]
                for name, lines in self._lines.items()
            }
        return self._graphs

    @property
    def prefixes(self) -> dict[str, str]:
        """The prefixes of the source files, for Turtle and TriG."""
        if callable(self._prefixes):
            self._prefixes = dict(self._prefixes())
        return dict(self._prefixes)

    def lines(self) -> dict[str, list[bytes]]:
        """Each named graph as N-Triples lines (without the line ends), in order."""
        if self._lines is None:
            assert self._graphs is not None
            self._lines = {name: _nt_lines(triples) for name, triples in self._graphs.items()}
        return self._lines

    def counts(self) -> dict[str, int]:
        """The number of triples in each named graph."""
        found = self._graphs if self._graphs is not None else self._lines
        assert found is not None
        return {name: len(statements) for name, statements in found.items()}

    def quads(self) -> Iterator[pyoxigraph.Quad]:
        """Every statement as a quad in its named graph, graph by graph."""
        for name, triples in self.graphs.items():
            graph = _iri(name)
            for triple in triples:
                yield pyoxigraph.Quad(triple.subject, triple.predicate, triple.object, graph)


def _nt_lines(triples: Iterable[pyoxigraph.Triple]) -> list[bytes]:
    """The N-Triples line of each triple, in order, without the line ends."""
    output = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert output is not None
    lines = output.split(b"\n")
    lines.pop()  # after the last line end
    return lines


def _prefixes(paths: Iterable[Path]) -> dict[str, str]:
    """The ``@prefix`` declarations of the files; a name declared differently twice is dropped."""
    found: dict[str, str] = {}
    clashes: set[str] = set()
    for path in paths:
        parser = pyoxigraph.parse(path=path, format=pyoxigraph.RdfFormat.TURTLE)
        for _ in parser:
            pass
        for name, iri in parser.prefixes.items():
            if found.setdefault(name, iri) != iri:
                clashes.add(name)
    return {name: iri for name, iri in sorted(found.items()) if name not in clashes}


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def describe(
    counts: Mapping[str, int], sources: Sequence[str], vocabularies: Sequence[str]
) -> list[pyoxigraph.Triple]:
    """The VoID/DCAT description of a release whose other graphs hold ``counts`` triples.

    The description counts its own triples too: the count is one statement whatever its value.
    """
    dataset = _iri(DATASET)
    description: list[pyoxigraph.Triple] = []

    def say(subject: pyoxigraph.NamedNode, predicate: str, obj: pyoxigraph.NamedNode) -> None:
        description.append(pyoxigraph.Triple(subject, _iri(predicate), obj))

    def text(subject: pyoxigraph.NamedNode, predicate: str, value: str) -> None:
        literal = pyoxigraph.Literal(value, language="en")
        description.append(pyoxigraph.Triple(subject, _iri(predicate), literal))

    def number(subject: pyoxigraph.NamedNode, predicate: str, value: int) -> None:
        literal = pyoxigraph.Literal(str(value), datatype=_iri(XSD + "integer"))
        description.append(pyoxigraph.Triple(subject, _iri(predicate), literal))

    say(dataset, RDF + "type", _iri(DCAT + "Dataset"))
    say(dataset, RDF + "type", _iri(VOID + "Dataset"))
    text(dataset, DCT + "title", _TITLE)
    text(dataset, DCT + "description", _DESCRIPTION)
    description.append(
        pyoxigraph.Triple(dataset, _iri(DCAT + "version"), pyoxigraph.Literal(__version__))
    )
    description.append(
        pyoxigraph.Triple(dataset, _iri(OWL + "versionInfo"), pyoxigraph.Literal(__version__))
    )
    description.append(
        pyoxigraph.Triple(dataset, _iri(DCT + "creator"), pyoxigraph.Literal(_CREATOR))
    )
    say(dataset, DCT + "license", _iri(_LICENSE))
    description.append(
        pyoxigraph.Triple(dataset, _iri(VOID + "uriSpace"), pyoxigraph.Literal(BASE + "id/"))
    )
    for source in sources:
        say(dataset, DCT + "source", _iri(source))
    for vocabulary in vocabularies:
        say(dataset, VOID + "vocabulary", _iri(vocabulary))
    for name in GRAPHS:
        graph = _iri(name)
        say(dataset, VOID + "subset", graph)
        say(graph, RDF + "type", _iri(VOID + "Dataset"))
        say(graph, RDF + "type", _iri(SD + "NamedGraph"))
        say(graph, SD + "name", graph)
        text(graph, DCT + "title", _TITLES[name])
        if name != DESCRIPTION_GRAPH:
            number(graph, VOID + "triples", counts.get(name, 0))
    own = len(description) + 2  # and the two void:triples statements added below
    number(_iri(DESCRIPTION_GRAPH), VOID + "triples", own)
    number(dataset, VOID + "triples", sum(counts.values()) + own)
    return description


def describe_store(store: pyoxigraph.Store) -> list[pyoxigraph.Triple]:
    """The description of the release held in ``store``'s ontology, shapes and data graphs: the
    same triples as :func:`build_release` gives for the files that filled them, read from the
    store's indexes (one pass over the data graph) instead of from every statement in Python."""
    data = f"GRAPH <{DATA_GRAPH}>"

    def select(query: str) -> list[pyoxigraph.QuerySolution]:
        answer = store.query(query)
        assert isinstance(answer, pyoxigraph.QuerySolutions)
        return list(answer)

    counts: dict[str, int] = {}
    vocabularies: set[str] = set()
    for row in select(f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {data} {{ ?s ?p ?o }} }} GROUP BY ?p"):
        vocabularies.add(_namespace(row["p"].value))
        counts[DATA_GRAPH] = counts.get(DATA_GRAPH, 0) + int(row["n"].value)
    # (No FILTER in these: it would keep the engine from reading the type index.)
    for row in select(f"SELECT DISTINCT ?c WHERE {{ {data} {{ ?s a ?c }} }}"):
        if isinstance(row["c"], pyoxigraph.NamedNode):
            vocabularies.add(_namespace(row["c"].value))
    for name in (ONTOLOGY_GRAPH, SHAPES_GRAPH):
        (row,) = select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")
        counts[name] = int(row["n"].value)
    sources = sorted(
        row["d"].value
        for row in select(f"SELECT DISTINCT ?d WHERE {{ {data} {{ ?d a <{ACK}SourceDocument> }} }}")
        if isinstance(row["d"], pyoxigraph.NamedNode)
    )
    return describe(counts, sources, sorted(vocabularies))


def source_files(
    ontology: Sequence[Path] | None = None,
    shapes: Sequence[Path] | None = None,
    data: Sequence[Path] | None = None,
    root: resources.RootLike = None,
) -> dict[str, list[Path]]:
    """The files of each named graph but the description: those of the project at ``root``
    (see :mod:`asean_customs_kg.resources`), or the given ones."""
    found = resources.resolve_root(root)
    return {
        ONTOLOGY_GRAPH: list(resources.ontology_files(found) if ontology is None else ontology),
        SHAPES_GRAPH: list(resources.shapes_files(found) if shapes is None else shapes),
        DATA_GRAPH: list(resources.data_files(found) if data is None else data),
    }


def _load(store: pyoxigraph.Store, path: Path, graph: str) -> None:
    from ..rdf.graph import oxigraph_syntax_error, too_large_error, unreadable_error

    try:
        store.load(path=path, format=pyoxigraph.RdfFormat.TURTLE, to_graph=_iri(graph))
    except SyntaxError as error:
        raise oxigraph_syntax_error(path, error) from error
    except OSError as error:
        raise unreadable_error(path, error) from error
    except MemoryError as error:  # a term longer than the parser's buffer
        raise too_large_error(path, error) from error


def _canonicalize_blank_nodes(store: pyoxigraph.Store) -> None:
    """Gives the store's blank nodes their canonical labels (RDFC-1.0).

    Only the statements that have a blank node are canonicalized: the algorithm labels each
    blank node from the statements it occurs in (and, to break ties, from the blank nodes it is
    linked to), so the others play no part, and the labels are those of the whole dataset.
    """
    answer = store.query(
        "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o FILTER (isBlank(?s) || isBlank(?o)) } }"
    )
    assert isinstance(answer, pyoxigraph.QuerySolutions)
    quads = [pyoxigraph.Quad(row["s"], row["p"], row["o"], row["g"]) for row in answer]
    if not quads:
        return
    dataset = pyoxigraph.Dataset(quads)
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    for quad in quads:
        store.remove(quad)
    store.extend(dataset)


def build_release(
    ontology: Sequence[Path] | None = None,
    shapes: Sequence[Path] | None = None,
    data: Sequence[Path] | None = None,
    root: resources.RootLike = None,
) -> Release:
    """Reads the project's files (or the given ones) into a :class:`Release`.

    The files are parsed into an in-memory store, each group into its named graph; the
    description is read from the store's indexes; the blank nodes get their canonical labels;
    and each graph is written out as N-Triples lines and sorted. Only the few statements with
    a blank node and the sort cross into Python statement by statement, so the cost grows
    about linearly with the size of the graph.

    Raises :class:`~asean_customs_kg.errors.DataError` (with file, line and column) for a
    syntax error and :class:`~asean_customs_kg.errors.EnvError` for an unreadable file.
    """
    groups = source_files(ontology, shapes, data, root)
    store = pyoxigraph.Store()
    for name, paths in groups.items():
        for path in paths:
            _load(store, path, name)
    description = describe_store(store)
    _canonicalize_blank_nodes(store)
    lines: dict[str, list[bytes]] = {}
    for name in GRAPHS:
        if name == DESCRIPTION_GRAPH:
            found = _nt_lines(description)
        else:
            output = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=_iri(name))
            assert output is not None
            found = output.split(b"\n")
            found.pop()  # after the last line end
        # Sorting the lines orders the statements as their terms would (subject, predicate,
        # object): a term ends where a space follows, and a space sorts before any character
        # that can continue a term.
        found.sort()
        lines[name] = found
    paths = [path for paths in groups.values() for path in paths]

    def prefixes() -> dict[str, str]:
        found = _prefixes(paths)
        for name, iri in _EXTRA_PREFIXES.items():
            if found.get(name, iri) == iri:
                found[name] = iri
        return dict(sorted(found.items()))

    return Release._from_lines(lines, prefixes)


def _sort_key(triple: pyoxigraph.Triple) -> tuple[str, str, str]:
    return (str(triple.subject), str(triple.predicate), str(triple.object))


def format_from_suffix(path: str | Path) -> ExportFormat | None:
    """The export format that a file name's suffix implies, if any."""
    return EXPORT_SUFFIXES.get(Path(path).suffix.lower())


def serialize(release: Release, fmt: ExportFormat = "trig") -> bytes:
    """The release in ``fmt``: ``trig``, ``nq`` or ``jsonld`` keep the named graphs; ``ttl`` and
    ``nt`` merge them into one graph. The same release always gives the same bytes."""
    if fmt not in _RDF_FORMATS:
        raise UsageError(
            f"unknown export format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}"
        )
    rdf_format = _RDF_FORMATS[fmt]
    prefixes = release.prefixes if fmt in ("ttl", "trig") else None
    if fmt == "nt":
        # The graphs' sorted lines merged (a sort of sorted runs takes linear time), each once.
        merged = sorted(line for lines in release.lines().values() for line in lines)
        return b"".join(line + b"\n" for line in dict.fromkeys(merged))
    if fmt == "nq":
        # Each graph's lines, its name written before the final dot.
        return b"".join(
            line[:-1] + b"<" + name.encode() + b"> .\n"
            for name, lines in release.lines().items()
            for line in lines
        )
    statements: list[pyoxigraph.Quad] | list[pyoxigraph.Triple]
    if fmt in _QUAD_FORMATS:
        statements = list(release.quads())
    else:
        merged_triples = {triple for triples in release.graphs.values() for triple in triples}
        statements = sorted(merged_triples, key=_sort_key)
    output = pyoxigraph.serialize(statements, format=rdf_format, prefixes=prefixes)
    assert output is not None
    if fmt == "jsonld":
        # pyoxigraph writes one line; indent it so that diffs of releases are readable.
        output = (json.dumps(json.loads(output), indent=2, ensure_ascii=False) + "\n").encode()
    return output


def write(release: Release, fmt: ExportFormat, path: str | Path) -> int:
    """Writes the release to ``path`` (replacing the file whole: a failure leaves no partial
    file); returns the number of bytes written. Raises :class:`EnvError` when it cannot."""
    target = Path(path)
    output = serialize(release, fmt)
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_bytes(output)
        partial.replace(target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise EnvError(f"{path}: cannot write the file: {error.strerror or error}") from error
    return len(output)

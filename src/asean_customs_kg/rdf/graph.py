"""Loading the project's Turtle files into rdflib or pyoxigraph.

Each file is parsed on its own, so a syntax error names the file, line and column where it
happened (a :class:`~asean_customs_kg.errors.DataError`). A file that cannot be read at all is an
:class:`~asean_customs_kg.errors.EnvError`. All triples go to the default graph.

pyoxigraph's terms become rdflib's (:func:`to_rdflib_term`, :func:`to_rdflib_graph`) as rdflib's
own parser would make them, for the reference engines of validation (pySHACL, owlrl).

rdflib is imported only inside the functions that need it, so that the query path, which uses
pyoxigraph, never pays for it; so is :mod:`pathlib`, which :func:`load_oxigraph` needs only to
word an error.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence

import pyoxigraph

from ..errors import DataError, EnvError
from .vocab import XSD_STRING

# ``typing`` is not imported at run time: it would cost the cold saved-query path (mypy reads
# this block; the names below are plain at run time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, Literal, TypeAlias

    import rdflib
    from rdflib.term import Node

    Engine: TypeAlias = Literal["oxigraph", "rdflib"]
else:
    Engine = str

__all__ = [
    "Engine",
    "check_syntax",
    "load_oxigraph",
    "load_rdflib",
    "oxigraph_syntax_error",
    "to_rdflib_graph",
    "to_rdflib_term",
    "too_large_error",
    "unreadable_error",
]

StrPath: TypeAlias = str | os.PathLike[str]

# pyoxigraph's messages start with the position, which DataError already shows.
_OXIGRAPH_POSITION = r"^Parser error (?:at|between) [^:]*:\s*"
# pyoxigraph's message when a term overflows its parser's buffer.
_BUFFER_LIMIT = r"buffer maximal size of (\d+)"


def unreadable_error(path: Path, error: OSError) -> EnvError:
    """The one-line error for a file that cannot be read at all."""
    reason = error.strerror or str(error)
    return EnvError(f"{path}: cannot read the file: {reason}")


def too_large_error(path: Path, error: MemoryError) -> DataError | EnvError:
    """pyoxigraph's parser holds one term at a time in a buffer of bounded size (16 MiB in
    0.5): a longer literal or IRI ends the parse with a MemoryError naming that size. Any
    other MemoryError is the machine's."""
    limit = re.search(_BUFFER_LIMIT, str(error))
    if limit is None:
        return EnvError(f"{path}: not enough memory to read the file")
    return DataError(
        f"a literal or IRI is longer than {int(limit[1]):,} bytes, the most the Turtle "
        "parser reads as one term; shorten it or move the text to a file of its own",
        path,
    )


def oxigraph_syntax_error(path: Path, error: SyntaxError) -> DataError:
    """pyoxigraph's syntax error in the file at ``path`` as a :class:`DataError` with the file,
    line and column, worded for a person editing Turtle."""
    message = re.sub(_OXIGRAPH_POSITION, "", error.msg or str(error))
    if message.startswith("\ufeff"):
        # What some editors write first when saving as "UTF-8"; the Turtle grammar has no
        # place for it, and pyoxigraph reports it as a bad subject.
        message = (
            "the file starts with a byte order mark (U+FEFF), which the Turtle grammar does "
            "not allow; save it as UTF-8 without a BOM"
        )
    if message.startswith("No scheme found in an absolute IRI"):
        # An IRI such as <thing>: relative, and the file declares no @base to resolve it.
        message = (
            "a relative IRI needs a base: write the IRI in full, or declare @base "
            "(or BASE) before it in the file"
        )
    return DataError(f"Turtle syntax error: {message}", path, error.lineno, error.offset)


def _from_rdflib(path: Path, error: Exception) -> DataError:
    """Converts an rdflib parser error; its ``BadSyntax`` knows the offset in the document."""
    text = getattr(error, "_str", None)
    index = getattr(error, "_i", None)
    reason = getattr(error, "_why", None) or str(error)
    line: int | None = None
    column: int | None = None
    if isinstance(text, bytes) and isinstance(index, int):
        document = text.decode("utf-8", errors="replace")
        line = document.count("\n", 0, index) + 1
        column = index - document.rfind("\n", 0, index)
    elif isinstance(getattr(error, "lines", None), int):
        line = error.lines + 1  # type: ignore[attr-defined]
    return DataError(f"Turtle syntax error: {reason}", path, line, column)


def _parse_rdflib(graph: rdflib.Graph, path: Path) -> None:
    from rdflib.exceptions import ParserError

    try:
        graph.parse(source=path, format="turtle")
    except OSError as error:
        raise unreadable_error(path, error) from error
    except (SyntaxError, ParserError, ValueError) as error:
        raise _from_rdflib(path, error) from error


def _oxigraph_error(
    raw: StrPath, error: SyntaxError | OSError | MemoryError
) -> DataError | EnvError:
    """The error to raise for what pyoxigraph's parser raised on the file at ``raw``."""
    from pathlib import Path

    path = Path(raw)
    if isinstance(error, SyntaxError):
        return oxigraph_syntax_error(path, error)
    if isinstance(error, MemoryError):
        return too_large_error(path, error)
    return unreadable_error(path, error)


def _parse_oxigraph(path: Path) -> None:
    try:
        for _ in pyoxigraph.parse(path=path, format=pyoxigraph.RdfFormat.TURTLE):
            pass
    except (SyntaxError, OSError, MemoryError) as error:
        raise _oxigraph_error(path, error) from error


def load_rdflib(paths: Iterable[StrPath]) -> rdflib.Graph:
    """Parses the Turtle files, in order, into one new :class:`rdflib.Graph`.

    Raises :class:`DataError` (with path, line and column) at the first syntax error and
    :class:`EnvError` when a file cannot be read.
    """
    from pathlib import Path

    import rdflib

    graph = rdflib.Graph()
    for path in paths:
        _parse_rdflib(graph, Path(path))
    return graph


def load_oxigraph(paths: Iterable[StrPath]) -> pyoxigraph.Store:
    """Loads the Turtle files, in order, into the default graph of a new in-memory store.

    Blank nodes of different files stay distinct. Raises :class:`DataError` (with path, line and
    column) at the first syntax error and :class:`EnvError` when a file cannot be read.
    """
    store = pyoxigraph.Store()
    for path in paths:
        try:
            store.load(
                path=path,
                format=pyoxigraph.RdfFormat.TURTLE,
                to_graph=pyoxigraph.DefaultGraph(),
            )
        except (SyntaxError, OSError, MemoryError) as error:
            raise _oxigraph_error(path, error) from error
    return store


def check_syntax(paths: Iterable[StrPath], engine: Engine = "oxigraph") -> list[DataError]:
    """Parses every file and returns one :class:`DataError` per broken file, in order.

    Unlike the loaders it does not stop at the first broken file. ``engine`` picks the parser:
    ``"oxigraph"`` (fast, the default) or ``"rdflib"`` (the one validation uses). A file that
    cannot be read still raises :class:`EnvError`.
    """
    from pathlib import Path

    if engine == "rdflib":
        import rdflib

        def parse(path: Path) -> None:
            _parse_rdflib(rdflib.Graph(), path)

    elif engine == "oxigraph":
        parse = _parse_oxigraph
    else:
        raise ValueError(f"unknown engine {engine!r}; expected 'oxigraph' or 'rdflib'")
    errors: list[DataError] = []
    for path in paths:
        try:
            parse(Path(path))
        except DataError as error:
            errors.append(error)
    return errors


def to_rdflib_term(term: object) -> Node:
    """The rdflib term that rdflib's own parser would have made of a pyoxigraph term (the one
    pySHACL would have seen)."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if isinstance(term, pyoxigraph.Literal):
        if term.language is not None:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unexpected term {term!r}")


def to_rdflib_graph(triples: Mapping[Path, Sequence[Any]]) -> rdflib.Graph:
    """The triples pyoxigraph read from the files, as one rdflib graph.

    pyoxigraph's parser is the one the query path uses, stricter than rdflib's and several
    times faster; each term is converted as rdflib's own parser would make it (a plain string
    without a datatype). Blank nodes keep pyoxigraph's labels, so that the graph and the
    pyoxigraph store built from the same triples name them alike.
    """
    import pyoxigraph
    from rdflib import BNode, Graph, Literal, URIRef

    terms: dict[object, Node] = {}

    def convert(term: object, path: Path) -> Node:
        known = terms.get(term)
        if known is not None:
            return known
        node: Node
        if isinstance(term, pyoxigraph.NamedNode):
            node = URIRef(term.value)
        elif isinstance(term, pyoxigraph.BlankNode):
            node = BNode(term.value)
        elif isinstance(term, pyoxigraph.Literal):
            datatype = term.datatype.value
            if term.language is not None:
                node = Literal(term.value, lang=term.language)
            elif datatype == XSD_STRING:
                node = Literal(term.value)
            else:
                node = Literal(term.value, datatype=URIRef(datatype))
        else:  # a quoted triple: Turtle 1.1 files have none
            raise DataError("RDF-star is not supported", path)
        terms[term] = node
        return node

    graph = Graph()
    for path, chunk in triples.items():
        for t in chunk:
            graph.add(
                (convert(t.subject, path), convert(t.predicate, path), convert(t.object, path))
            )
    return graph

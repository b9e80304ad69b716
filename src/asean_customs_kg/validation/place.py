"""Placing validation findings: the file, line and column of the statement at fault.

A contributor reads a problem where it points, and a pull request shows an annotation only on
the lines the change touched; so a finding goes to the statement that is wrong, in the file
that states it, not to wherever its resource happens to be described first. In order:

1. a finding that names a statement (focus, property and value) is placed at the line of that
   statement, once in *each* file that states it (a cycle closed by a new file is shown in the
   new file; a statement made twice is shown twice);
2. one that names a resource and a property (a ``sh:maxCount`` over two files) is placed at
   each file's statement of that property; one that names a resource and a value but no
   property, at each statement from the one to the other;
3. a statement of a blank node written in brackets (``dct:temporal [ dcat:startDate ... ]``)
   is placed on its own line within the brackets; a blank node otherwise at the statement that
   refers to it from its nearest named ancestor;
4. an IRI described nowhere (a misspelt reference) at each file's first statement that uses
   it;
5. a SHACL finding about a resource of a shape's target class (``sh:targetClass``), such as a
   missing value or an ``sh:or`` not met, at each file's statement that gives it that class
   or a subclass (a file that makes a body described elsewhere an event is shown the event
   shape's problems);
6. otherwise, where the resource is described (as a subject), in the first of the files in
   the order given (the files named on the command line come first), then the other
   resources the finding involves.

Who states what is read from the validation store, which holds each file in a named graph of
its own; where in the file, from :class:`~asean_customs_kg.rdf.locate.Locator`'s scan of the text.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..rdf.locate import Location, Locator
from ..rdf.vocab import RDF_TYPE, SH_TARGET_CLASS, XSD_STRING
from .problems import Finding, Problem

if TYPE_CHECKING:
    from ..rdf.prefixes import Shortener

__all__ = ["Placer", "graph_name"]


def graph_name(path: Path) -> Any:
    """The named graph of the validation store that holds ``path``'s statements."""
    import pyoxigraph

    return pyoxigraph.NamedNode(path.resolve().as_uri())


def _node(text: str) -> Any:
    """A finding's focus as a store term: ``_:id`` a blank node, else an IRI."""
    import pyoxigraph

    if text.startswith("_:"):
        return pyoxigraph.BlankNode(text[2:])
    return pyoxigraph.NamedNode(text)


def _object_key(term: Any) -> str | None:
    """The object as :class:`~asean_customs_kg.rdf.locate.Locator` keys it: an IRI, or a
    literal's lexical form in double quotes; None for a blank node."""
    import pyoxigraph

    if isinstance(term, pyoxigraph.NamedNode):
        return str(term.value)
    if isinstance(term, pyoxigraph.Literal):
        return f'"{term.value}"'
    return None


def _matches(term: Any, value: str) -> bool:
    """Whether the store's ``term`` is the finding's ``value`` (an IRI, ``_:id`` or
    ``"lexical"``)."""
    import pyoxigraph

    if isinstance(term, pyoxigraph.NamedNode):
        return bool(term.value == value)
    if isinstance(term, pyoxigraph.BlankNode):
        return f"_:{term.value}" == value
    if isinstance(term, pyoxigraph.Literal):
        return f'"{term.value}"' == value or _literal_text(term) == value
    return False


def _literal_text(term: Any) -> str:
    """A literal as a SHACL finding writes its value: in N-Triples form, a plain string
    without its datatype (see :func:`~asean_customs_kg.validation.shacl.results.term_text`)."""
    text = term.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if term.language:
        return f'"{text}"@{term.language}'
    if term.datatype.value != XSD_STRING:
        return f'"{text}"^^<{term.datatype.value}>'
    return f'"{text}"'


def _is_path(predicate: str | None) -> bool:
    """Whether a finding's property is a SHACL path other than one IRI (``^<p>``, ``(<a> /
    <b>)``...), written in SPARQL: it names no statement."""
    return predicate is not None and predicate.startswith(("<", "(", "^"))


class Placer:
    """Turns findings into problems placed at the statements at fault, with short names.

    ``files`` are the files validated, in order of preference (given files first, then the
    project's data, then the ontology); ``store`` holds each in its named graph.
    """

    def __init__(
        self, locator: Locator, files: Sequence[Path], store: Any, shortener: Shortener
    ) -> None:
        self.locator = locator
        self.files = list(files)
        self.store = store
        self.short = shortener
        self._by_graph = {graph_name(path).value: path for path in self.files}
        self._targets: dict[str, list[str]] | None = None

    def _quads(self, subject: Any, predicate: Any, obj: Any) -> Iterator[tuple[Path, Any]]:
        """``(file, quad)`` for each statement matching the pattern, files in their order."""
        found = []
        for quad in self.store.quads_for_pattern(subject, predicate, obj, None):
            path = self._by_graph.get(quad.graph_name.value)
            if path is not None:
                found.append((self.files.index(path), path, quad))
        for _, path, quad in sorted(found, key=lambda item: item[0]):
            yield path, quad

    def _statement_places(self, quads: Iterator[tuple[Path, Any]]) -> list[Location]:
        """The place of each statement, one per file (the first statement in each)."""
        import pyoxigraph

        places: dict[Path, Location] = {}
        for path, quad in quads:
            if path in places:
                continue
            subject = quad.subject
            if isinstance(subject, pyoxigraph.BlankNode):
                place = self._nested_place(path, quad) or self._blank_place(subject, path)
            else:
                place = self.locator.statement(
                    path, subject.value, quad.predicate.value, _object_key(quad.object)
                )
            if place is not None:
                places[path] = place
        return list(places.values())

    def _nested_place(self, path: Path, quad: Any) -> Location | None:
        """Where ``path`` states ``quad`` of a blank node written in brackets under a named
        resource (the properties from the resource to the node name it)."""
        import pyoxigraph

        graph = graph_name(path)
        node = quad.subject
        properties: list[str] = []
        for _ in range(10):
            parent = next(self.store.quads_for_pattern(None, None, node, graph), None)
            if parent is None:
                return None
            properties.insert(0, str(parent.predicate.value))
            if isinstance(parent.subject, pyoxigraph.NamedNode):
                return self.locator.nested_statement(
                    path,
                    parent.subject.value,
                    tuple(properties),
                    quad.predicate.value,
                    _object_key(quad.object),
                )
            node = parent.subject
        return None

    def _blank_place(self, node: Any, path: Path | None = None) -> Location | None:
        """Where a blank node is referred to from its nearest named ancestor (in ``path``, or
        in the first file that does)."""
        import pyoxigraph

        graph = graph_name(path) if path is not None else None
        for _ in range(10):
            quad = next(self.store.quads_for_pattern(None, None, node, graph), None)
            if quad is None:
                return None
            if isinstance(quad.subject, pyoxigraph.NamedNode):
                where = self._by_graph.get(quad.graph_name.value)
                if where is None:
                    return None
                found = self.locator.statement(where, quad.subject.value, quad.predicate.value)
                return found or self.locator.locate(quad.subject.value, where)
            node = quad.subject
        return None

    def _target_places(self, finding: Finding) -> list[Location]:
        """Each file's statement typing the focus with its shape's target class or a subclass
        (rule 5 of the module doc); the shape is the first part of a SHACL finding's rule."""
        import pyoxigraph

        if finding.stage != "shacl" or not finding.focus or finding.focus.startswith("_:"):
            return []
        if self._targets is None:
            self._targets = self.locator.objects(SH_TARGET_CLASS)
        shape = finding.rule.split(" (", 1)[0]
        # The IRIs (not literals) that can be written between < > in a query.
        classes = [c for c in self._targets.get(shape, []) if not set(c) & set('<>"{}|^`\\ ')]
        if not classes:
            return []
        values = " ".join(f"<{c}>" for c in classes)
        found = self.store.query(
            "SELECT DISTINCT ?class WHERE { VALUES ?target { "
            + values
            + " } ?class <http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?target }",
            use_default_graph_as_union=True,
        )
        subclasses = {solution["class"] for solution in found}
        focus = pyoxigraph.NamedNode(finding.focus)
        quads = [
            (path, quad)
            for path, quad in self._quads(focus, pyoxigraph.NamedNode(RDF_TYPE), None)
            if quad.object in subclasses
        ]
        return self._statement_places(iter(quads))

    def _places(self, finding: Finding) -> list[Location]:
        import pyoxigraph

        if finding.focus:
            focus = _node(finding.focus)
            if finding.predicate is not None and not _is_path(finding.predicate):
                predicate = pyoxigraph.NamedNode(finding.predicate)
                quads = list(self._quads(focus, predicate, None))
                if finding.value is not None:
                    chosen = [(p, q) for p, q in quads if _matches(q.object, finding.value)]
                    quads = chosen or quads
                places = self._statement_places(iter(quads))
                if places:
                    return places
            elif (
                finding.value is not None
                and not finding.value.startswith('"')
                and not _is_path(finding.predicate)
            ):
                quads = list(self._quads(focus, None, _node(finding.value)))
                places = self._statement_places(iter(quads))
                if places:
                    return places
            if isinstance(focus, pyoxigraph.BlankNode):
                place = self._blank_place(focus)
                if place is not None:
                    return [place]
            elif not self.locator.described_in(finding.focus):
                # Described nowhere (a misspelt reference): at each file's statement using it.
                places = self._statement_places(self._quads(None, None, focus))
                if places:
                    return places
            places = self._target_places(finding)
            if places:
                return places
        for candidate in [finding.focus] if finding.focus else []:
            if candidate.startswith("_:"):
                continue
            found = self.locator.locate(candidate)
            if found is not None:
                return [found]
        for candidate in finding.related:
            if candidate.startswith("_:"):
                place = self._blank_place(_node(candidate))
            else:
                place = self.locator.locate(candidate)
            if place is not None:
                return [place]
        return []

    def _property(self, predicate: str | None) -> str | None:
        """A property's IRI shortened, or a path with the IRIs in it shortened."""
        if predicate is not None and _is_path(predicate):
            return self.short.message(predicate)
        return self.short.value(predicate)

    def place(self, finding: Finding) -> list[Problem]:
        """The finding as problems: one per place (see the module doc), or one without a
        place when none is found."""
        places: list[Location | None] = list(self._places(finding)) or [None]
        return [
            Problem(
                finding.stage,
                finding.severity,
                self.short.message(finding.rule) if "://" in finding.rule else finding.rule,
                self.short.message(finding.message),
                path=location.path if location else None,
                line=location.line if location else None,
                column=location.column if location else None,
                focus=self.short.value(finding.focus),
                predicate=self._property(finding.predicate),
                value=self.short.message(finding.value) if finding.value else None,
                details=tuple(self.short.message(line) for line in finding.details),
            )
            for location in places
        ]

"""Reference documentation generated from the project's own files: ``ackg docs -o DIR``.

Four pages, each written as HTML and as Markdown:

* ``ontology``: every class and property of the project's ontology (label, definition, comment,
  super-classes, domain and range, characteristics) and the reused vocabularies, with the axioms
  of theirs that ``ontology/imports.ttl`` restates;
* ``queries``: the saved-query catalogue, from each query's ``#+`` header (summary, description,
  tags, parameters and their defaults), with an example command and the real output of running it;
* ``shapes``: a data dictionary of the SHACL shapes (targets, property constraints, messages);
* ``cli``: every ``ackg`` command with its usage, help and options.

The pages are built as a small document model (:mod:`.document`) and rendered twice; every piece
of text from the files is escaped. pyLODE was considered for the ontology page, but its current
release (3.4.1) fails on import when installed from a wheel and would add seven dependencies,
an HTTP client among them; the generator here is small and fetches nothing.

rdflib is imported inside the functions that need it.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

import click

from .. import __version__, resources
from ..errors import EnvError
from ..rdf.vocab import SH
from .document import (
    Code,
    Inline,
    Link,
    Page,
    Text,
    render_html,
    render_markdown,
)

if TYPE_CHECKING:
    import rdflib

    from ..query.catalogue import SavedQuery

__all__ = [
    "build",
    "capture",
    "cli_page",
    "example_command",
    "ontology_page",
    "queries_page",
    "shapes_page",
    "write",
]

# --- the document model --------------------------------------------------------------------------


# --- RDF helpers ---------------------------------------------------------------------------------


def _load(paths: Iterable[Path]) -> rdflib.Graph:
    from ..rdf.graph import load_rdflib

    return load_rdflib(paths)


def _anchor(qname: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", qname)


class _Names:
    """Prefixed names and links for IRIs, from the prefixes the project's files declare."""

    def __init__(self, graph: rdflib.Graph, own: set[str], page: str = "ontology.html") -> None:
        self.graph = graph
        self.own = own
        self.page = page

    def qname(self, term: object) -> str:
        from rdflib import BNode, URIRef

        if isinstance(term, URIRef):
            try:
                return self.graph.namespace_manager.normalizeUri(term)
            except Exception:  # pragma: no cover - rdflib raises several kinds here
                return f"<{term}>"
        if isinstance(term, BNode):
            return self.describe_bnode(term)
        return str(term)

    def describe_bnode(self, node: object) -> str:
        """A list or a restriction written out briefly."""
        from rdflib import RDF
        from rdflib.collection import Collection

        if (node, RDF.first, None) in self.graph:  # type: ignore[operator]
            items = Collection(self.graph, node)  # type: ignore[arg-type]
            return "( " + " ".join(self.qname(item) for item in items) + " )"
        parts = [
            f"{self.qname(p)} {self.qname(o)}"
            for p, o in sorted(self.graph.predicate_objects(node))  # type: ignore[arg-type]
            if p != RDF.type
        ]
        return "[ " + " ; ".join(parts) + " ]"

    def link(self, term: object, prefix: str = "") -> Inline:
        name = self.qname(term)
        if str(term) in self.own:
            return Link(name, f"{prefix}#{_anchor(name)}")
        return Code(name)


def _first(graph: rdflib.Graph, subject: object, *predicates: object) -> str | None:
    for predicate in predicates:
        for value in graph.objects(subject, predicate):  # type: ignore[arg-type]
            language = getattr(value, "language", None)
            if language in (None, "en"):
                return str(value)
    return None


def _join(items: Sequence[Inline]) -> list[Inline]:
    out: list[Inline] = []
    for index, item in enumerate(items):
        if index:
            out.append(", ")
        out.append(item)
    return out


# --- the ontology --------------------------------------------------------------------------------


def ontology_page(root: resources.RootLike = None) -> Page:
    """The ontology reference: metadata, classes, properties and the reused vocabularies."""
    from rdflib import DCTERMS, OWL, RDF, RDFS, URIRef
    from rdflib.namespace import SKOS

    files = resources.ontology_files(root)
    graph = _load(files)
    ontologies = sorted(graph.subjects(RDF.type, OWL.Ontology), key=str)
    main = next((o for o in ontologies if (o, OWL.imports, None) in graph), None)
    defined = set(graph.subjects(RDFS.isDefinedBy, main)) if main is not None else set()
    own = {str(term) for term in defined}
    names = _Names(graph, own)
    page = Page("ontology", "Ontology reference")
    if main is not None:
        page.para(_first(graph, main, DCTERMS.description) or "")
        page.table(
            ["", ""],
            [
                ["title", _first(graph, main, DCTERMS.title) or ""],
                ["IRI", Code(str(main))],
                ["version", _first(graph, main, OWL.versionInfo) or ""],
                ["license", Code(_first(graph, main, DCTERMS.license) or "")],
                [
                    "files",
                    _join([Code(f"ontology/{path.name}") for path in files]),
                ],
            ],
        )
    kinds = [
        ("Classes", "classes", {OWL.Class}),
        ("Object properties", "object-properties", {OWL.ObjectProperty}),
        ("Datatype properties", "datatype-properties", {OWL.DatatypeProperty}),
        ("Annotation properties", "annotation-properties", {OWL.AnnotationProperty}),
        ("Datatypes", "datatypes", {RDFS.Datatype}),
    ]
    characteristics = [
        OWL.FunctionalProperty,
        OWL.InverseFunctionalProperty,
        OWL.TransitiveProperty,
        OWL.SymmetricProperty,
        OWL.AsymmetricProperty,
        OWL.ReflexiveProperty,
        OWL.IrreflexiveProperty,
    ]
    for title, anchor, types in kinds:
        terms = sorted(
            (
                t
                for t in defined
                if isinstance(t, URIRef) and set(graph.objects(t, RDF.type)) & types
            ),
            key=lambda t: names.qname(t).lower(),
        )
        if not terms:
            continue
        page.heading(2, f"{title} ({len(terms)})", anchor)
        page.para(*_join([names.link(term) for term in terms]))
        for term in terms:
            qname = names.qname(term)
            page.heading(3, qname, _anchor(qname))
            rows: list[list[Text]] = [
                ["IRI", Code(str(term))],
                ["label", _first(graph, term, RDFS.label) or ""],
                ["definition", _first(graph, term, SKOS.definition) or ""],
            ]
            comment = _first(graph, term, RDFS.comment)
            if comment:
                rows.append(["comment", comment])
            relations = [
                ("subclass of", RDFS.subClassOf),
                ("disjoint with", OWL.disjointWith),
                ("subproperty of", RDFS.subPropertyOf),
                ("inverse of", OWL.inverseOf),
                ("domain", RDFS.domain),
                ("range", RDFS.range),
            ]
            for label, predicate in relations:
                values = sorted(graph.objects(term, predicate), key=names.qname)
                if values:
                    rows.append([label, _join([names.link(v) for v in values])])
            if OWL.Class in types:
                subclasses = sorted(graph.subjects(RDFS.subClassOf, term), key=names.qname)
                if subclasses:
                    rows.append(["subclasses", _join([names.link(v) for v in subclasses])])
                used = sorted(graph.subjects(RDFS.domain, term), key=names.qname)
                if used:
                    rows.append(
                        ["properties with this domain", _join([names.link(v) for v in used])]
                    )
            else:
                marks = [names.qname(c) for c in characteristics if (term, RDF.type, c) in graph]
                if marks:
                    rows.append(["characteristics", _join([Code(m) for m in marks])])
            page.table(["", ""], rows)
    _reused_vocabularies(page, graph, names, own)
    return page


def _reused_vocabularies(page: Page, graph: rdflib.Graph, names: _Names, own: set[str]) -> None:
    from rdflib import OWL, RDF, RDFS, URIRef

    page.heading(2, "Reused vocabularies", "reused-vocabularies")
    page.para(
        "Terms of other vocabularies that the ontology builds on. ",
        Code("ontology/imports.ttl"),
        " restates the few axioms of theirs that the project relies on, so that nothing is "
        "fetched; the table lists each vocabulary's terms that the ontology files mention.",
    )
    by_namespace: dict[str, set[URIRef]] = {}
    prefixes = {str(ns): prefix for prefix, ns in graph.namespaces()}
    for triple in graph:
        for term in triple:
            if not isinstance(term, URIRef) or str(term) in own:
                continue
            text = str(term)
            namespace = max((ns for ns in prefixes if text.startswith(ns)), key=len, default=None)
            if namespace is None or prefixes[namespace] in ("", "ack", "owl", "rdf", "rdfs", "xsd"):
                continue
            if text == namespace:
                continue
            by_namespace.setdefault(namespace, set()).add(term)
    rows: list[list[Text]] = []
    for namespace in sorted(by_namespace, key=lambda ns: prefixes[ns]):
        terms = sorted(by_namespace[namespace], key=names.qname)
        rows.append(
            [
                Code(prefixes[namespace]),
                Code(namespace),
                _join([Code(names.qname(t)) for t in terms]),
            ]
        )
    page.table(["prefix", "namespace", "terms used"], rows)
    page.heading(3, "Axioms restated from the reused vocabularies", "restated-axioms")
    restated: list[list[Text]] = []
    for term in sorted(
        {
            s
            for s in graph.subjects(RDFS.isDefinedBy, None)
            if str(s) not in own and isinstance(s, URIRef)
        },
        key=names.qname,
    ):
        axioms: list[Inline] = []
        for predicate in (
            RDF.type,
            RDFS.subClassOf,
            RDFS.subPropertyOf,
            OWL.inverseOf,
            RDFS.domain,
            RDFS.range,
            OWL.hasKey,
            OWL.disjointWith,
        ):
            for value in sorted(graph.objects(term, predicate), key=names.qname):
                axioms.append(Code(f"{names.qname(predicate)} {names.qname(value)}"))
        restated.append(
            [Code(names.qname(term)), _first(graph, term, RDFS.label) or "", _join(axioms)]
        )
    page.table(["term", "label", "axioms"], restated)


# --- the shapes ----------------------------------------------------------------------------------

_SHAPE_SKIP = {"path", "name", "message", "description", "sparql", "property"}


_NODE_SKIP = {"targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "severity"}


def _constraints(graph: rdflib.Graph, names: _Names, node: object, skip: set[str]) -> list[Inline]:
    """The SHACL constraints on a shape, as ``sh:minCount 1`` codes (lists written out)."""
    return [
        Code(f"{names.qname(p)} {names.qname(o)}")
        for p, o in sorted(
            graph.predicate_objects(node),  # type: ignore[arg-type]
            key=lambda po: names.qname(po[0]),
        )
        if str(p).startswith(SH) and str(p)[len(SH) :] not in skip
    ]


def shapes_page(root: resources.RootLike = None) -> Page:
    """The data dictionary: one section per SHACL node shape."""
    from rdflib import RDF, RDFS, Namespace

    sh = Namespace(SH)
    files = resources.shapes_files(root)
    graph = _load(files)
    names = _Names(graph, set())
    page = Page("shapes", "Data dictionary (SHACL shapes)")
    page.para(
        "What well-formed data looks like: each shape, the resources it applies to, and the "
        "constraints on their properties, with the message a violation reports. Files: ",
        *_join([Code(f"ontology/{path.name}") for path in files]),
        ".",
    )
    shapes = sorted(graph.subjects(RDF.type, sh.NodeShape), key=names.qname)
    page.para(*_join([Link(names.qname(s), f"#{_anchor(names.qname(s))}") for s in shapes]))
    targets = [sh.targetClass, sh.targetNode, sh.targetSubjectsOf, sh.targetObjectsOf]
    for shape in shapes:
        qname = names.qname(shape)
        page.heading(2, _first(graph, shape, RDFS.label, sh.name) or qname, _anchor(qname))
        intro: list[Inline] = [Code(qname)]
        comment = _first(graph, shape, RDFS.comment, sh.description)
        if comment:
            intro.append(f": {comment}")
        page.para(*intro)
        target_rows: list[list[Text]] = []
        for predicate in targets:
            values = sorted(graph.objects(shape, predicate), key=names.qname)
            if values:
                target_rows.append(
                    [Code(names.qname(predicate)), _join([Code(names.qname(v)) for v in values])]
                )
        severity = graph.value(shape, sh.severity)
        if severity is not None:
            target_rows.append([Code("sh:severity"), Code(names.qname(severity))])
        if target_rows:
            page.table(["applies to", ""], target_rows)
        rows: list[list[Text]] = []
        own = _constraints(graph, names, shape, _SHAPE_SKIP | _NODE_SKIP)
        message = _first(graph, shape, sh.message)
        if own or message:
            rows.append(["(the resource itself)", "", _join(own), message or ""])
        for prop in sorted(
            graph.objects(shape, sh.property), key=lambda p: names.qname(graph.value(p, sh.path))
        ):
            constraints = _constraints(graph, names, prop, _SHAPE_SKIP)
            rows.append(
                [
                    Code(names.qname(graph.value(prop, sh.path))),
                    _first(graph, prop, sh.name) or "",
                    _join(constraints),
                    _first(graph, prop, sh.message) or "",
                ]
            )
        for constraint in graph.objects(shape, sh.sparql):
            rows.append(
                [
                    "(SPARQL)",
                    "",
                    Code("sh:select"),
                    _first(graph, constraint, sh.message) or "",
                ]
            )
        if rows:
            page.table(["property", "name", "constraints", "message"], rows)
    return page


# --- the saved queries ---------------------------------------------------------------------------

Runner: TypeAlias = Callable[[Sequence[str]], int]


def example_command(query: SavedQuery) -> list[str]:
    """The example's arguments after ``ackg``: the query with each parameter's example value
    (or default), as the header gives them."""
    args = ["query", query.name]
    for parameter in query.parameters:
        value = parameter.example if parameter.example is not None else parameter.default
        if value is not None:
            args += ["--param", f"{parameter.name}={value}"]
    return args


def capture(run: Runner, args: Sequence[str]) -> tuple[int, str, str]:
    """``run`` (the CLI's runner) on ``args``: its exit code and what it printed on standard
    output and standard error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(list(args))
    return code, out.getvalue(), err.getvalue()


def queries_page(run: Runner | None = None, root: resources.RootLike = None) -> Page:
    """The saved-query catalogue; with ``run`` (e.g. :func:`asean_customs_kg.cli.main.run`), each
    query's example command is run and its real output shown."""
    from ..query.catalogue import list_queries

    queries = list_queries(root)
    page = Page("queries", "Saved queries")
    page.para(
        f"{len(queries)} saved queries, one per file in ",
        Code("queries/"),
        ". Run one with ",
        Code("ackg query NAME --param KEY=VALUE"),
        "; the outputs below were produced by running each example when these pages were made.",
    )
    page.table(
        ["query", "summary"],
        ([Link(q.name, f"#{_anchor(q.name)}"), q.summary] for q in queries),
    )
    for query in queries:
        page.heading(2, query.name, _anchor(query.name))
        if query.summary:
            page.para(query.summary)
        if query.description:
            page.para(query.description)
        rows: list[list[Text]] = [
            ["file", Code(f"queries/{query.path.name}")],
            ["form", query.form],
        ]
        if query.tags:
            rows.append(["tags", _join([Code(tag) for tag in query.tags])])
        for parameter in query.parameters:
            notes = [parameter.expected]
            if parameter.default is not None:
                notes.append(f"default {parameter.default}")
            elif not parameter.required:
                notes.append("optional")
            if parameter.example is not None and parameter.example != parameter.default:
                notes.append(f"e.g. {parameter.example}")
            rows.append(["parameter", [Code(parameter.name), f": {'; '.join(notes)}"]])
        page.table(["", ""], rows)
        page.para("Example:")
        page.code("ackg " + shlex.join(example_command(query)))
        if run is not None:
            code, out, err = capture(run, example_command(query))
            page.para("Output:" if code == 0 else f"Output (exit code {code}):")
            page.code(out + err if out or err else "(no output)")
        page.para("The query:")
        page.code(query.text)
    return page


# --- the command line ----------------------------------------------------------------------------


def _commands(group: click.Group, context: click.Context) -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    for name in sorted(group.list_commands(context)):
        command = group.get_command(context, name)
        if command is None or command.hidden:
            continue
        found.append((f"{context.command_path} {name}", command))
        if isinstance(command, click.Group):
            found += _commands(command, click.Context(command, info_name=name, parent=context))
    return found


def cli_page(group: click.Group, prog: str = "ackg") -> Page:
    """Every command of ``group`` (the ``ackg`` CLI): usage, help and options."""
    page = Page("cli", "Command line")
    root = click.Context(group, info_name=prog)
    commands = _commands(group, root)
    page.para(
        f"{len(commands)} commands. Exit codes: 0 success (the data conforms), 1 the data is "
        "invalid, 2 a usage or environment error. ",
        Code(f"{prog} COMMAND --help"),
        " prints the same text.",
    )
    page.code(group.get_help(root))
    for path, command in commands:
        name = path.split(" ", 1)[1]
        page.heading(2, path, _anchor(f"command-{name}"))
        context = click.Context(command, info_name=path)
        page.code(command.get_help(context))
    return page


# --- building the pages --------------------------------------------------------------------------


_CONTENTS = {
    "ontology": "every class and property, and the reused vocabularies",
    "queries": "every saved query: summary, parameters, an example and its output",
    "shapes": "every SHACL shape: what it applies to, its constraints and messages",
    "cli": "every ackg command: usage, options and help",
}


def index_page(pages: Sequence[Page]) -> Page:
    page = Page("index", "Reference")
    page.para(
        "Reference documentation of the ASEAN Customs Knowledge Graph, version ",
        __version__,
        ", generated from the repository's files by ",
        Code("ackg docs"),
        ". Each page is also available as Markdown.",
    )
    page.table(
        ["page", "what it holds", "Markdown"],
        (
            [Link(p.title, f"{p.name}.html"), _CONTENTS.get(p.name, ""), Code(f"{p.name}.md")]
            for p in pages
        ),
    )
    return page


def build(
    group: click.Group | None = None, run: Runner | None = None, root: resources.RootLike = None
) -> list[Page]:
    """All pages: ontology, queries, shapes, and the command line when ``group`` is given;
    of the project at ``root`` (see :mod:`asean_customs_kg.resources`)."""
    found = resources.resolve_root(root)
    pages = [ontology_page(found), queries_page(run, found), shapes_page(found)]
    if group is not None:
        pages.append(cli_page(group))
    return [index_page(pages), *pages]


def write(pages: Sequence[Page], directory: str | Path) -> list[Path]:
    """Writes each page as ``NAME.html`` and ``NAME.md`` into ``directory``; returns the paths."""
    target = Path(directory)
    written: list[Path] = []
    try:
        target.mkdir(parents=True, exist_ok=True)
        for page in pages:
            for suffix, text in ((".html", render_html(page)), (".md", render_markdown(page))):
                path = target / f"{page.name}{suffix}"
                path.write_text(text, encoding="utf-8")
                written.append(path)
    except OSError as error:
        where = error.filename or target
        raise EnvError(
            f"{where}: cannot write the documentation: {error.strerror or error}"
        ) from error
    return written

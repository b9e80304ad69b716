"""Running the SHACL core constraints that :mod:`.core` compiled: each once over all its
focus nodes on the validator's pyoxigraph store, its rows made into the findings pySHACL would
give (see :mod:`.core` for the design), and the check that finds the predicates whose
literals the store does not keep as written.

rdflib is imported inside the functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

import pyoxigraph

from ...rdf.graph import to_rdflib_term
from ...rdf.vocab import RDF_TYPE, RDFS_SUBCLASS_OF, SH, XSD, XSD_STRING
from ..problems import Finding
from .core import (
    NODE_KINDS,
    UNCHECKED_DATATYPES,
    CompiledShapes,
    CoreConstraint,
    Focus,
    Member,
    PropertyMember,
    ShapePath,
    Test,
)
from .reading import sparql_string
from .results import PathExpr, ShaclResult, to_finding

if TYPE_CHECKING:
    import rdflib

__all__ = ["core_findings", "core_results", "rewritten_predicates"]

_COMPARISONS = {
    "minInclusive": ">=",
    "maxInclusive": "<=",
    "minExclusive": ">",
    "maxExclusive": "<",
}


class _Renderer:
    """Writes tests as SPARQL expressions, with fresh variables and the ill-typed literals."""

    def __init__(
        self,
        ill_typed: dict[str, list[str]],
        subclasses: dict[str, list[str]],
        blank: frozenset[str] = frozenset(),
    ) -> None:
        self.ill_typed = ill_typed
        self.subclasses = subclasses
        self.blank = blank  # classes with a blank-node sub-class
        self.counter = 0

    def fresh(self) -> str:
        self.counter += 1
        return f"?v{self.counter}"

    def passes(self, test: Test, x: str) -> str:
        """An expression that is true when ``x`` passes ``test``, and never an error."""
        arg = test.argument
        kind = test.component
        if kind == "class":
            # A type of x among the class and its sub-classes (rdf:type/rdfs:subClassOf*).
            t = self.fresh()
            classes = ", ".join(f"<{c}>" for c in self.subclasses.get(str(arg), [str(arg)]))
            expr = (
                f"!isLiteral({x}) && EXISTS {{ {x} <{RDF_TYPE}> {t} FILTER ({t} IN ({classes})) }}"
            )
            if str(arg) in self.blank:
                # A blank node cannot be named in the list: the path finds it.
                path = f"<{RDF_TYPE}>/<{RDFS_SUBCLASS_OF}>*"
                expr = f"!isLiteral({x}) && EXISTS {{ {x} {path} <{arg}> }}"
        elif kind == "datatype":
            assert isinstance(arg, str)
            expr = f"isLiteral({x}) && DATATYPE({x}) = <{arg}>"
            expr += "".join(f" && !sameTerm({x}, {bad})" for bad in self.ill_typed.get(arg, []))
        elif kind == "nodeKind":
            expr = NODE_KINDS[str(arg)].format(x=x)
        elif kind == "minLength":
            expr = "true" if arg == 0 else f"!isBlank({x}) && STRLEN(STR({x})) >= {arg}"
        elif kind == "pattern":
            assert isinstance(arg, tuple)
            pattern, flags, ends = arg
            regex = f"REGEX(STR({x}), {sparql_string(pattern)}, {sparql_string(flags)})"
            if ends:
                # Python's "$" also matches before a final newline.
                regex += (
                    f' || (STRENDS(STR({x}), "\\n") && REGEX(SUBSTR(STR({x}), 1, '
                    f"STRLEN(STR({x})) - 1), {sparql_string(pattern)}, {sparql_string(flags)}))"
                )
            expr = f"!isBlank({x}) && ({regex})"
        elif kind == "languageIn":
            assert isinstance(arg, tuple)
            ranges = " || ".join(f"LANGMATCHES(LANG({x}), {sparql_string(r)})" for r in arg)
            expr = f'isLiteral({x}) && LANG({x}) != "" && ({ranges or "false"})'
        elif kind == "maxLength":
            expr = f"!isBlank({x}) && STRLEN(STR({x})) <= {arg}"
        elif kind in _COMPARISONS:
            expr = f"isLiteral({x}) && {x} {_COMPARISONS[kind]} {arg}"
        else:  # or
            assert isinstance(arg, tuple)
            expr = " || ".join(f"({self.conforms(m, x)})" for m in arg) or "false"
        return f"COALESCE({expr}, false)"

    def conforms(self, member: Member, x: str) -> str:
        if isinstance(member, PropertyMember):
            return self._property(member, x)
        parts = [self.passes(t, x) for t in member.tests]
        parts += [self._property(p, x) for p in member.properties]
        return " && ".join(parts) or "true"

    def _distinct(self, x: str, path: ShapePath, n: int) -> str:
        """A group pattern that finds ``n`` distinct values of ``path`` from ``x``."""
        names = [self.fresh() for _ in range(n)]
        patterns = " . ".join(f"{x} {path.sparql()} {v}" for v in names)
        pairs = [f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1 :]]
        return f"{{ {patterns} FILTER ({' && '.join(pairs)}) }}" if pairs else f"{{ {patterns} }}"

    def _property(self, member: PropertyMember, x: str) -> str:
        parts: list[str] = []
        if member.min_count:
            parts.append(f"EXISTS {self._distinct(x, member.path, member.min_count)}")
        if member.max_count is not None:
            parts.append(f"NOT EXISTS {self._distinct(x, member.path, member.max_count + 1)}")
        if member.tests:
            w = self.fresh()
            ok = " && ".join(self.passes(t, w) for t in member.tests)
            parts.append(f"NOT EXISTS {{ {x} {member.path.sparql()} {w} FILTER (!({ok})) }}")
        return " && ".join(parts) or "true"


def _walk(test: Test, path: ShapePath | None) -> Iterator[tuple[str, ShapePath | None]]:
    """``(datatype, path)`` for every sh:datatype in ``test``, with the path of its values."""
    if test.component == "datatype":
        yield str(test.argument), path
    elif test.component == "or":
        assert isinstance(test.argument, tuple)
        for member in test.argument:
            if isinstance(member, PropertyMember):
                for inner in member.tests:
                    yield from _walk(inner, member.path)
            else:
                for inner in member.tests:
                    yield from _walk(inner, path)
                for prop in member.properties:
                    for inner in prop.tests:
                        yield from _walk(inner, prop.path)


def _ill_typed(
    store: pyoxigraph.Store, constraints: Sequence[CoreConstraint]
) -> dict[str, list[str]]:
    """For each checked datatype, the literals of it on the constrained paths that rdflib reads
    as ill-typed (as SPARQL terms)."""
    from rdflib import Literal, URIRef

    datatypes: set[str] = set()
    predicates: set[str] = set()
    for item in constraints:
        if item.test is None:
            continue
        for datatype, path in _walk(item.test, item.path):
            if datatype not in UNCHECKED_DATATYPES and path is not None and not path.inverse:
                datatypes.add(datatype)
                predicates.add(path.iri)
    if not datatypes:
        return {}
    query = (
        "SELECT DISTINCT ?v WHERE { VALUES ?p { "
        + " ".join(f"<{p}>" for p in sorted(predicates))
        + " } ?s ?p ?v FILTER (isLiteral(?v) && DATATYPE(?v) IN ("
        + ", ".join(f"<{d}>" for d in sorted(datatypes))
        + ")) }"
    )
    bad: dict[str, list[str]] = {}
    solutions = store.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    for row in solutions:
        term = row["v"]
        assert isinstance(term, pyoxigraph.Literal)
        datatype = term.datatype.value
        if not _well_typed(Literal(term.value, datatype=URIRef(datatype)), datatype):
            bad.setdefault(datatype, []).append(f"{sparql_string(term.value)}^^<{datatype}>")
    return bad


def _well_typed(literal: rdflib.Literal, datatype: str) -> bool:
    """pySHACL's reading: rdflib could read the literal, as a Python value of the right kind."""
    from datetime import date, datetime, time
    from decimal import Decimal

    if getattr(literal, "ill_typed", None) is True:
        return False
    kinds: dict[str, type | tuple[type, ...]] = {
        XSD + "integer": int,
        XSD + "float": float,
        XSD + "decimal": Decimal,
        XSD + "boolean": bool,
        XSD + "date": date,
        XSD + "time": time,
        XSD + "dateTime": datetime,
    }
    kind = kinds.get(datatype)
    return kind is None or isinstance(literal.value, kind)


def _focus_query(
    focus: Focus, subclasses: dict[str, list[str]], blank: frozenset[str] = frozenset()
) -> str:
    branches: list[str] = []
    classes = sorted({c for target in focus.classes for c in subclasses.get(target, [target])})
    if classes:
        values = " ".join(f"<{c}>" for c in classes)
        branches.append(f"VALUES ?class {{ {values} }} ?this <{RDF_TYPE}> ?class .")
    # An instance of a blank-node sub-class, which cannot be named in the list.
    branches += [
        f"?this <{RDF_TYPE}>/<{RDFS_SUBCLASS_OF}>* <{c}> ."
        for c in sorted(set(focus.classes) & blank)
    ]
    branches += [f"?this <{p}> [] ." for p in focus.subjects_of]
    branches += [f"[] <{p}> ?this ." for p in focus.objects_of]
    if focus.nodes:
        branches.append("VALUES ?this { " + " ".join(f"<{n}>" for n in focus.nodes) + " }")
    union = " UNION ".join(f"{{ {b} }}" for b in branches)
    return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"


def _query(item: CoreConstraint, focus: str, renderer: _Renderer) -> str:
    path = item.path.sparql() if item.path else None
    if item.kind == "min" and item.count == 1:
        return f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} ?value }} }}"
    if item.kind == "min":
        return (
            f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?value }} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {item.count})"
        )
    if item.kind == "max":
        return (
            f"SELECT ?this WHERE {{ {focus} ?this {path} ?value }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {item.count})"
        )
    assert item.test is not None
    if path is None:
        ok = renderer.passes(item.test, "?this")
        return f"SELECT ?this WHERE {{ {focus} FILTER (!({ok})) }}"
    ok = renderer.passes(item.test, "?value")
    return f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {path} ?value FILTER (!({ok})) }}"


def _classes(test: Test) -> Iterator[str]:
    """The classes of every sh:class in ``test``, members of sh:or included."""
    if test.component == "class":
        yield str(test.argument)
    elif test.component == "or":
        assert isinstance(test.argument, tuple)
        for member in test.argument:
            props = [member] if isinstance(member, PropertyMember) else list(member.properties)
            tests = [] if isinstance(member, PropertyMember) else list(member.tests)
            for inner in [*tests, *(t for p in props for t in p.tests)]:
                yield from _classes(inner)


def _subclasses(
    store: pyoxigraph.Store, constraints: Sequence[CoreConstraint]
) -> tuple[dict[str, list[str]], frozenset[str]]:
    """Each target class and each class of an sh:class with its named sub-classes
    (``rdfs:subClassOf*`` in the data graph), and those of them that have a blank-node
    sub-class."""
    targets = sorted(
        {c for item in constraints for c in item.focus.classes}
        | {c for item in constraints if item.test for c in _classes(item.test)}
    )
    if not targets:
        return {}, frozenset()
    values = " ".join(f"<{c}>" for c in targets)
    solutions = store.query(
        f"SELECT DISTINCT ?target ?class WHERE {{ VALUES ?target {{ {values} }} "
        f"?class <{RDFS_SUBCLASS_OF}>* ?target }}",
        use_default_graph_as_union=True,
    )
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    found: dict[str, list[str]] = {}
    blank: set[str] = set()
    for row in solutions:
        target, cls = row["target"], row["class"]
        if isinstance(cls, pyoxigraph.NamedNode) and target is not None:
            found.setdefault(target.value, []).append(cls.value)
        elif isinstance(cls, pyoxigraph.BlankNode) and target is not None:
            blank.add(target.value)
    return found, frozenset(blank)


def rewritten_predicates(chunks: Iterable[Sequence[pyoxigraph.Triple]]) -> frozenset[str]:
    """The predicates of the literals in ``chunks`` that a pyoxigraph store does not keep as
    written (it stores ``"1.50"^^xsd:decimal`` as ``"1.5"``, ``xsd:int`` as ``xsd:integer``...).

    The distinct typed literals (other than strings) go through a small scratch store; those
    that do not come back unchanged are looked for again to find their predicates. ``chunks``
    is read twice.

    The other way round too: a literal that is not a lexical form of its datatype, which the
    store keeps as written, but which rdflib (and so pySHACL) reads as a value and writes anew
    (``"๑๒"^^xsd:integer``, Thai digits, is 12 to Python; ``"1_000"`` is 1000). Only a form
    that is not ASCII or holds white space or ``_`` can be one, so only those are read by rdflib.
    """
    chunks = list(chunks)
    objects = {t.object for chunk in chunks for t in chunk}
    literals = {
        o
        for o in objects
        if isinstance(o, pyoxigraph.Literal)
        and o.language is None
        and o.datatype.value != XSD_STRING
    }
    if not literals:
        return frozenset()
    scratch = pyoxigraph.Store()
    node = pyoxigraph.NamedNode("urn:x-ackg:literal")
    scratch.bulk_extend(pyoxigraph.Quad(node, node, literal) for literal in literals)
    changed = literals - {quad.object for quad in scratch}
    changed |= {o for o in literals - changed if _read_otherwise(o)}
    if not changed:
        return frozenset()
    return frozenset(t.predicate.value for chunk in chunks for t in chunk if t.object in changed)


def _read_otherwise(literal: pyoxigraph.Literal) -> bool:
    """Whether rdflib writes ``literal`` otherwise than as it is written (see
    :func:`rewritten_predicates`)."""
    text = literal.value
    if text.isascii() and not any(c.isspace() or c == "_" for c in text):
        return False
    from rdflib import Literal, URIRef

    return str(Literal(text, datatype=URIRef(literal.datatype.value))) != text


def _batch_query(batch: Sequence[CoreConstraint], focus: str, renderer: _Renderer) -> str:
    """One query for several value tests on the same focus nodes and path: each value is read
    once, and ``?ok0``, ``?ok1``... say which tests it passes."""
    path = batch[0].path
    assert path is not None
    oks = " ".join(f"?ok{i}" for i in range(len(batch)))
    binds = " ".join(
        f"BIND ({renderer.passes(item.test, '?value')} AS ?ok{i})"
        for i, item in enumerate(batch)
        if item.test is not None
    )
    fails = " || ".join(f"!?ok{i}" for i in range(len(batch)))
    return (
        f"SELECT DISTINCT ?this ?value {oks} WHERE {{ {focus} ?this {path.sparql()} ?value "
        f"{binds} FILTER ({fails}) }}"
    )


def _component(name: str) -> str:
    return f"{SH}{name[:1].upper()}{name[1:]}ConstraintComponent"


def _path_expr(path: ShapePath | None) -> PathExpr | None:
    if path is None:
        return None
    return ("inverse", path.iri) if path.inverse else path.iri


def core_results(store: pyoxigraph.Store, compiled: CompiledShapes) -> list[ShaclResult]:
    """Runs the compiled constraints on ``store`` (ontology plus data, in the union of its
    graphs), each once over all focus nodes (the value tests on the same focus nodes and path
    share one query); one result per focus node (count constraints) or per focus and value."""
    constraints = compiled.constraints
    if not constraints:
        return []
    subclasses, blank = _subclasses(store, constraints)
    renderer = _Renderer(_ill_typed(store, constraints), subclasses, blank)
    batches: dict[object, list[CoreConstraint]] = {}
    for item in constraints:
        key = (item.focus, item.path) if item.kind == "test" and item.path else id(item)
        batches.setdefault(key, []).append(item)
    focus_queries: dict[Focus, str] = {}
    results: list[ShaclResult] = []
    for batch in batches.values():
        first = batch[0]
        focus = focus_queries.get(first.focus)
        if focus is None:
            focus = focus_queries[first.focus] = _focus_query(first.focus, subclasses, blank)
        query = (
            _query(first, focus, renderer)
            if len(batch) == 1
            else _batch_query(batch, focus, renderer)
        )
        solutions = store.query(query, use_default_graph_as_union=True)
        assert isinstance(solutions, pyoxigraph.QuerySolutions)
        with_value = first.kind == "test" and first.path is not None
        for row in solutions:
            this = to_rdflib_term(row["this"])
            # A value-type test on the focus node itself has the focus node as its value.
            value = to_rdflib_term(row["value"]) if with_value else None
            if first.kind == "test" and first.path is None:
                value = this
            for i, item in enumerate(batch):
                if len(batch) > 1:
                    ok = row[f"ok{i}"]
                    if isinstance(ok, pyoxigraph.Literal) and ok.value == "true":
                        continue
                component = item.test.component if item.test else f"{item.kind}Count"
                results.append(
                    ShaclResult(
                        focus=this,
                        severity=item.level,
                        component=_component(component),
                        shape=item.shape,  # type: ignore[arg-type]
                        path=_path_expr(item.path),
                        value=value,
                        messages=item.messages,  # type: ignore[arg-type]
                    )
                )
    return results


def core_findings(store: pyoxigraph.Store, compiled: CompiledShapes) -> list[Finding]:
    """:func:`core_results` as findings."""
    assert compiled.shapes is not None
    return [to_finding(r, compiled.shapes) for r in core_results(store, compiled)]

"""The SPARQL queries of a shapes graph: what SHACL forbids in them, what must never run, and
which ones can be run once over the whole graph.

SHACL-SPARQL (SHACL 1.0, section 5.2.1) evaluates a query with its variables ``$this``,
``$shapesGraph``, ``$currentShape`` (and, in constraint components, ``$value`` and the
parameters) *pre-bound*, and forbids what makes pre-binding ill-defined: ``MINUS``, ``VALUES``,
federated queries (``SERVICE``), a sub-``SELECT`` that does not return the pre-bound variables,
and ``AS`` binding one of them. :func:`check_queries` reads every ``sh:select``, ``sh:ask`` and
``sh:construct`` of the shapes graph and raises :class:`~asean_customs_kg.errors.ShapesError`
(exit 2), naming the shape and the rule, for any of these; for ``FROM``/``FROM NAMED``, whose
graphs an engine may load from the network (rdflib's, pySHACL's, does so when its
``SPARQL_LOAD_GRAPHS`` setting is on); and for ``$shapesGraph``, which no
engine here evaluates (pySHACL treats it as unbound, so the constraint would pass silently).
So validation never reaches the network, whatever the shapes say.

:func:`runs_once` says whether a node shape's ``SELECT`` gives the same rows when run once with
``$this`` free (joined with the focus nodes) as when run for each focus node with ``$this``
pre-bound, as :mod:`.sparql` runs it. It reads the query's algebra (rdflib's parser):
every part that mentions ``$this`` must bind it itself, by a triple pattern, before a
``FILTER``, ``BIND`` or ``OPTIONAL`` uses it; a ``UNION`` binds it in both branches or in
neither; a group, aggregate or ``LIMIT`` must not mention it. A query that uses ``$this``
only in a ``FILTER`` (SHACL's pre-binding tests 001 to 007), or ``$currentShape``, is left to
pySHACL, which pre-binds. Most queries are recognised as safe from their tokens
(:func:`_plainly_once`), without parsing them.

rdflib is imported inside the functions.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...errors import ShapesError
from ...rdf.sparqltext import tokens
from ...rdf.vocab import OWL_IMPORTS, SH

if TYPE_CHECKING:
    import rdflib
    from rdflib.term import Node

__all__ = ["check_queries", "name", "prefixes", "query_text", "runs_once"]

_PREBOUND = {"this", "shapesGraph", "currentShape"}
_FORBIDDEN = {
    "MINUS": "MINUS",
    "VALUES": "VALUES",
    "SERVICE": "a federated query (SERVICE)",
}


def prefixes(shapes: rdflib.Graph, holder: Node) -> str:
    """``PREFIX`` lines for the ``sh:prefixes`` declarations of ``holder``: each node's
    ``sh:declare``, and those of the nodes it ``owl:imports`` when they are described in the
    shapes graph (an import is never fetched)."""
    from rdflib import URIRef

    lines: set[str] = set()
    for start in shapes.objects(holder, URIRef(SH + "prefixes")):
        todo, seen = [start], set()
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for declaration in shapes.objects(node, URIRef(SH + "declare")):
                prefix = shapes.value(declaration, URIRef(SH + "prefix"))
                namespace = shapes.value(declaration, URIRef(SH + "namespace"))
                if prefix is not None and namespace is not None:
                    lines.add(f"PREFIX {prefix}: <{namespace}>")
            todo.extend(shapes.objects(node, URIRef(OWL_IMPORTS)))
    return "\n".join(sorted(lines))


def query_text(shapes: rdflib.Graph, holder: Node, query: Node) -> str:
    """The query with its ``PREFIX`` lines."""
    return f"{prefixes(shapes, holder)}\n{query}"


def name(node: Node | None) -> str:
    """A shape or constraint as error messages name it."""
    from rdflib import BNode

    if node is None:
        return "a shape"
    return "a blank-node shape" if isinstance(node, BNode) else f"<{node}>"


def _owner(shapes: rdflib.Graph, holder: Node) -> Node | None:
    """The shape (``sh:sparql``) or constraint component (``sh:validator``...) of a query."""
    from rdflib import URIRef

    for link in ("sparql", "validator", "nodeValidator", "propertyValidator", "target"):
        owner = next(iter(shapes.subjects(URIRef(SH + link), holder)), None)
        if owner is not None:
            return owner
    return None


def _queries(shapes: rdflib.Graph) -> Iterator[tuple[Node, str, str]]:
    """``(holder, kind, text)`` for each SPARQL query of the shapes graph."""
    from rdflib import URIRef

    for kind in ("select", "ask", "construct"):
        for holder, query in shapes.subject_objects(URIRef(SH + kind)):
            yield holder, kind, query_text(shapes, holder, query)


def _parameters(shapes: rdflib.Graph, holder: Node) -> set[str]:
    """The local names of the parameters of the component a validator belongs to."""
    from rdflib import URIRef

    owner = _owner(shapes, holder)
    if owner is None:
        return set()
    names = set()
    for parameter in shapes.objects(owner, URIRef(SH + "parameter")):
        for path in shapes.objects(parameter, URIRef(SH + "path")):
            names.add(str(path).rsplit("#", 1)[-1].rsplit("/", 1)[-1])
    return names


def check_queries(shapes: rdflib.Graph) -> None:
    """Raises :class:`ShapesError` for a query that SHACL forbids, that could reach the
    network, or that uses ``$shapesGraph``; see the module doc."""
    for holder, kind, text in _queries(shapes):
        owner = _owner(shapes, holder)
        where = f"{name(owner)}: the sh:{kind} query of {name(holder)}"
        prebound = _PREBOUND | _parameters(shapes, holder)
        if kind == "ask":
            prebound.add("value")
        problem = _problem(text, prebound)
        if problem:
            raise ShapesError(f"{where} {problem}")


def _problem(text: str, prebound: set[str]) -> str | None:
    items = [t for t in tokens(text)]
    words = [t.text.upper() if t.kind == "word" else "" for t in items]
    for index, token in enumerate(items):
        word = words[index]
        if word in _FORBIDDEN:
            return (
                f"uses {_FORBIDDEN[word]}, which SHACL does not allow in a query with "
                "pre-bound variables (SHACL 1.0, 5.2.1)"
            )
        if word == "FROM":
            return "uses FROM, which may load a graph from the network: it is not run"
        if token.kind == "var" and token.text[1:] == "shapesGraph":
            return "uses $shapesGraph, which this validator does not support: it is refused"
        if word == "AS" and index + 1 < len(items):
            following = items[index + 1]
            if following.kind == "var" and following.text[1:] in prebound:
                return (
                    f"binds the pre-bound variable {following.text} with AS, which SHACL "
                    "does not allow (SHACL 1.0, 5.2.1)"
                )
    mentions = {t.text[1:] for t in items if t.kind == "var"} & prebound
    for index, word in enumerate(words):
        if word != "SELECT" or not any(w == "SELECT" for w in words[:index]):
            continue
        projected: set[str] = set()
        for token in items[index + 1 :]:
            if (token.kind == "word" and token.text.upper() == "WHERE") or token.text == "{":
                break
            if token.text == "*":
                projected = set(mentions)
                break
            if token.kind == "var":
                projected.add(token.text[1:])
        missing = sorted((mentions - projected) - {"shapesGraph", "currentShape"})
        if missing:
            return (
                f"has a sub-SELECT that does not return the pre-bound variable ${missing[0]}, "
                "which SHACL does not allow (SHACL 1.0, 5.2.1)"
            )
    return None


# --- whether a SELECT can run once with $this free ---


def _mentions(node: object) -> bool:
    from rdflib import Variable
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, Variable):
        return str(node) in _PREBOUND
    if isinstance(node, CompValue):
        return any(_mentions(v) for k, v in node.items() if k != "_vars")
    if isinstance(node, (list, tuple, set)):
        return any(_mentions(v) for v in node)
    return False


def _analyse(node: object) -> tuple[bool, bool]:
    """``(safe, binds)``: whether ``node`` evaluated with ``$this`` free gives, restricted to
    each focus node, what it gives with ``$this`` pre-bound; and whether every solution binds
    ``$this``. ``$currentShape`` and ``$shapesGraph`` count as mentions of ``$this``."""
    from rdflib import Variable
    from rdflib.plugins.sparql.parserutils import CompValue

    this = Variable("this")
    if not isinstance(node, CompValue):
        return not _mentions(node), False
    name = node.name
    if name == "BGP":
        names = {str(term) for triple in node["triples"] for term in triple}
        return not names & {"shapesGraph", "currentShape"}, "this" in names
    if name == "Project":
        safe, binds = _analyse(node["p"])
        return safe, binds and this in node["PV"]
    if name in ("Distinct", "Reduced", "ToMultiSet", "SelectQuery"):
        return _analyse(node["p"])
    if name in ("Filter", "Extend", "OrderBy"):
        safe, binds = _analyse(node["p"])
        rest = [v for k, v in node.items() if k not in ("p", "_vars")]
        return safe and (binds or not _mentions(rest)), binds
    if name == "Join":
        (s1, b1), (s2, b2) = _analyse(node["p1"]), _analyse(node["p2"])
        own = (b1 or not _mentions(node["p1"])) and (b2 or not _mentions(node["p2"]))
        return s1 and s2 and own, b1 or b2
    if name == "LeftJoin":
        (s1, b1), (s2, b2) = _analyse(node["p1"]), _analyse(node["p2"])
        safe = (
            s1
            and s2
            and (b1 or not _mentions(node["p1"]))
            and (not _mentions(node["p2"]) or (b1 and b2))
            and (b1 or not _mentions(node.get("expr")))
        )
        return safe, b1
    if name == "Union":
        (s1, b1), (s2, b2) = _analyse(node["p1"]), _analyse(node["p2"])
        neither = not _mentions(node["p1"]) and not _mentions(node["p2"])
        return s1 and s2 and ((b1 and b2) or neither), b1 and b2
    return not _mentions(node), False


_PLAIN_WORDS = {"FILTER", "BIND", "AS", "NOT", "EXISTS", "IN", "A", "TRUE", "FALSE"}


def _plainly_once(text: str) -> bool:
    """A quick sufficient test, which spares parsing the query: the WHERE group starts with a
    triple pattern whose subject is ``$this``, and holds only triple patterns, ``FILTER``,
    ``BIND`` and ``(NOT) EXISTS`` groups; the projection is plain variables, ``$this`` among
    them, and nothing follows the group."""
    items = list(tokens(text))
    words = [t.text.upper() if t.kind == "word" else "" for t in items]
    if "SELECT" not in words:
        return False
    start = words.index("SELECT") + 1
    index = start
    while index < len(items) and words[index] != "WHERE" and items[index].text != "{":
        if items[index].kind != "var" and words[index] not in ("DISTINCT", "REDUCED"):
            return False
        index += 1
    if index >= len(items) or not any(t.text[1:] == "this" for t in items[start:index]):
        return False
    index += 1 if words[index] == "WHERE" else 0
    if items[index].text != "{" or index + 1 >= len(items) or items[index + 1].text[1:] != "this":
        return False
    depth = 0
    for position in range(index, len(items)):
        token, word = items[position], words[position]
        if token.text == "{":
            if depth and words[position - 1] != "EXISTS":
                return False
            depth += 1
        elif token.text == "}":
            depth -= 1
            if depth == 0:
                return position == len(items) - 1
        elif token.kind == "word" and word not in _PLAIN_WORDS:
            following = items[position + 1].text if position + 1 < len(items) else ""
            if following != "(":  # a function call such as STR( or LCASE(
                return False
        elif token.kind == "var" and token.text[1:] in ("shapesGraph", "currentShape"):
            return False
    return False


def runs_once(text: str) -> bool:
    """Whether the ``SELECT`` query ``text`` (with its prefixes) may run once with ``$this``
    free; see the module doc. A query rdflib cannot parse is not run once."""
    if any(t.kind == "var" and t.text[1:] in ("shapesGraph", "currentShape") for t in tokens(text)):
        return False  # pySHACL binds $currentShape, per focus node
    if _plainly_once(text):
        return True
    from rdflib.plugins.sparql import prepareQuery

    try:
        algebra = prepareQuery(text).algebra
    except Exception:
        return False
    safe, binds = _analyse(algebra)
    return safe and binds

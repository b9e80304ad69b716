"""The SHACL stage of validation: which engine checks which constraint, and nothing skipped.

:func:`shacl_results` validates the graph held by a pyoxigraph store (ontology plus data, one
named graph per file, queried as their union) against a shapes graph:

1. every SPARQL query of the shapes is checked first (:func:`.shape_queries.check_queries`):
   a query SHACL forbids, one that could reach the network, or one using ``$shapesGraph``
   stops validation with a :class:`~asean_customs_kg.errors.ShapesError` (exit 2);
2. the ``sh:sparql`` constraints of node shapes that give the same rows run once over the whole
   graph (:mod:`.sparql`);
3. the core constraints that compile run as SPARQL, each once over all its focus nodes
   (:mod:`.core`, :mod:`.run`);
4. pySHACL checks the residual: every shape, or part of one, that neither compiled (a
   constraint component of the shapes graph, pre-binding that a single run cannot give,
   ``$currentShape``, a complex path, ``sh:node``...); the prefix declarations that
   ``sh:prefixes`` reaches through ``owl:imports`` inside the shapes graph are given to it
   directly, since it does not follow them.

``force`` also compiles the shapes without ``sh:message`` (whose default texts are not
pySHACL's); the W3C test suite runs in both modes, so that the compiler itself is measured.

rdflib and pyshacl are imported inside the functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from ...rdf.vocab import SH

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib

    from ..problems import Finding
    from .results import ShaclResult

__all__ = ["shacl_results", "shacl_stage"]


def shacl_results(
    store: pyoxigraph.Store,
    triples: Iterable[Sequence[pyoxigraph.Triple]],
    shapes: rdflib.Graph,
    data: Callable[[], rdflib.Graph],
    *,
    force: bool = False,
) -> list[ShaclResult]:
    """The results of validating the store's graph against ``shapes``; see the module doc.

    ``triples`` are the store's triples, file by file (to find the literals it rewrites);
    ``data`` builds the same graph as rdflib's, called only when pySHACL has work to do.
    """
    from .core import compile_shapes
    from .run import core_results, rewritten_predicates
    from .shape_queries import check_queries
    from .sparql import sparql_results, split_shapes

    check_queries(shapes)
    core, constraints = split_shapes(shapes)
    compiled = compile_shapes(core, rewritten_predicates(triples), force=force)
    results = sparql_results(store, shapes, constraints)
    results += core_results(store, compiled)
    if compiled.has_residual_shapes:
        from .reference import shacl_results as pyshacl_results

        results += pyshacl_results(data(), _with_imported_prefixes(compiled.residual))
    return results


def _with_imported_prefixes(shapes: rdflib.Graph) -> rdflib.Graph:
    """``shapes`` where each node named by ``sh:prefixes`` also declares what the nodes it
    ``owl:imports`` (described in the graph, never fetched) declare, which pySHACL does not
    follow."""
    from rdflib import OWL, URIRef

    declare = URIRef(SH + "declare")
    prefixes = URIRef(SH + "prefixes")
    for holder in set(shapes.objects(None, prefixes)):
        todo, seen = list(shapes.objects(holder, OWL.imports)), {holder}
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for declaration in list(shapes.objects(node, declare)):
                shapes.add((holder, declare, declaration))
            todo.extend(shapes.objects(node, OWL.imports))
    return shapes


def shacl_stage(
    store: pyoxigraph.Store,
    triples: Iterable[Sequence[pyoxigraph.Triple]],
    shapes: rdflib.Graph,
    data: Callable[[], rdflib.Graph],
) -> list[Finding]:
    """:func:`shacl_results` as findings, one per top-level result."""
    from .results import to_finding

    return [to_finding(r, shapes) for r in shacl_results(store, triples, shapes, data)]

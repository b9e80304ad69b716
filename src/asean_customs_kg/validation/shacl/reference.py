"""SHACL validation with pySHACL, as findings.

:func:`shacl_findings` validates a graph that already holds the ontology and the data (the same
union pySHACL builds when it is given ``ont_graph``) against the shapes, and turns each result of
the report into a :class:`~asean_customs_kg.validation.problems.Finding`: focus node, property
(the result path), value, message and the shape and constraint that produced it.

The ``sh:sparql`` constraints of node shapes are not given to pySHACL by
:mod:`asean_customs_kg.validation.validate`: pySHACL runs them once per focus node, :mod:`.sparql`
once over the whole graph.

rdflib and pyshacl are imported inside the functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import ShapesError
from ..problems import Finding, Severity

if TYPE_CHECKING:
    import rdflib
    from rdflib.term import Node

    from .results import ShaclResult

__all__ = ["shacl_findings", "shacl_results"]


def _severity(value: Node | None) -> Severity:
    from .results import severity_of

    return "error" if value is None else severity_of(str(value))


def shacl_results(graph: rdflib.Graph, shapes: rdflib.Graph) -> list[ShaclResult]:
    """Validates ``graph`` (ontology plus data) against ``shapes`` with pySHACL; its top-level
    results, each with its nested ones. Raises :class:`ShapesError` when pySHACL cannot
    validate (it reports a failure, or cannot load a shape)."""
    import pyshacl
    from pyshacl.errors import ReportableRuntimeError
    from rdflib import Graph

    from .results import results_of_report

    try:
        _conforms, report, text = pyshacl.validate(
            graph,
            shacl_graph=shapes,
            inference="none",
            allow_warnings=True,
            allow_infos=True,
            do_owl_imports=False,
        )
    except (ReportableRuntimeError, NotImplementedError) as error:
        reason = getattr(error, "message", None) or str(error)
        raise ShapesError(f"pySHACL cannot validate with these shapes: {reason}") from error
    except Exception as error:  # pySHACL raises plain exceptions for some bad shapes
        raise ShapesError(f"pySHACL cannot validate with these shapes: {error}") from error
    if not isinstance(report, Graph):
        reason = getattr(report, "message", None) or text or str(report)
        raise ShapesError(f"pySHACL cannot validate with these shapes: {reason}")
    return results_of_report(report)


def shacl_findings(graph: rdflib.Graph, shapes: rdflib.Graph) -> list[Finding]:
    """Validates ``graph`` (ontology plus data) against ``shapes``; one finding per result."""
    from .results import to_finding

    return [to_finding(result, shapes) for result in shacl_results(graph, shapes)]

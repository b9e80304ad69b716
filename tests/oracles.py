"""The reference tools' answers on the project's graphs, computed once per test run.

pySHACL on the whole shapes graph is the reference the compiled SHACL path and the split
``sh:sparql`` path are compared with; running it over the project's data takes seconds, and
several test modules compare against the same input. :class:`ShaclOracle` parses each set of
files once and validates it once; the ``shacl_oracle`` fixture of ``conftest.py`` shares one
oracle across the run (one per worker process when the tests run in parallel).

The triples are kept with the answer: pyoxigraph names blank nodes afresh at every parse, so a
test compares the reference with findings computed from the very same triples.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rdflib import Graph

    from asean_customs_kg.validation.problems import Finding


@dataclass(frozen=True)
class ShaclCase:
    """The ontology plus some files: their triples (per file, as the validator reads them)
    and pySHACL's findings with the project's shapes."""

    triples: dict[Path, list[Any]]
    reference: frozenset[Finding]


class ShaclOracle:
    """pySHACL with the project's shapes over the ontology plus the given files, each distinct
    list of files parsed and validated once."""

    def __init__(self) -> None:
        self._cases: dict[tuple[Path, ...], ShaclCase] = {}

    @cached_property
    def shapes(self) -> Graph:
        """The project's shapes graph (read once; a test must not change it)."""
        from asean_customs_kg import resources
        from asean_customs_kg.rdf.graph import load_rdflib

        return load_rdflib(resources.shapes_files())

    def __call__(self, paths: Sequence[Path]) -> ShaclCase:
        key = tuple(paths)
        if key not in self._cases:
            from asean_customs_kg import resources
            from asean_customs_kg.rdf.graph import to_rdflib_graph
            from asean_customs_kg.validation.shacl.reference import shacl_findings
            from asean_customs_kg.validation.validate import parse_files

            triples, problems = parse_files([*resources.ontology_files(), *paths])
            assert problems == []
            reference = frozenset(shacl_findings(to_rdflib_graph(triples), self.shapes))
            self._cases[key] = ShaclCase(triples, reference)
        return self._cases[key]

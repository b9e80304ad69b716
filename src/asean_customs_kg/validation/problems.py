"""What validation finds: a :class:`Finding` (about resources, not yet placed in a file) and a
:class:`Problem` (a finding with the file, line and column where its resource is described).

The validation stages (SHACL, OWL RL reasoning, the SPARQL checks) produce findings; the
``validate`` module places them with :mod:`asean_customs_kg.rdf.locate` and the ``report`` module
formats the problems. This module imports no RDF library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeAlias

__all__ = ["STAGES", "Finding", "Problem", "Severity", "Stage"]

#: The stages of validation, in the order they run and are reported.
Stage: TypeAlias = Literal["syntax", "shacl", "logic", "check"]
STAGES: tuple[Stage, ...] = ("syntax", "shacl", "logic", "check")

#: An error fails validation; a warning fails it only with ``--strict``; an info (SHACL's
#: ``sh:Info``) never does.
Severity: TypeAlias = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Finding:
    """A problem about resources, before it is placed in a file.

    ``focus`` is the IRI (or blank node id, prefixed ``_:``) of the resource at fault; ``related``
    are other IRIs the problem involves (another body sharing a label, the other end of a cycle),
    used to place it when the focus itself is described nowhere. ``rule`` names what found it: a
    SHACL shape, a check, an OWL RL rule. ``message`` is plain language, with IRIs written in full
    (the report shortens them). ``details`` are the nested results of a SHACL result
    (``sh:detail``), one line each, kept under the finding rather than reported on their own.
    """

    stage: Stage
    severity: Severity
    rule: str
    message: str
    focus: str | None = None
    predicate: str | None = None
    value: str | None = None
    related: tuple[str, ...] = field(default=())
    details: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Problem:
    """A finding placed in a file (``path`` is None when no file describes its resource)."""

    stage: Stage
    severity: Severity
    rule: str
    message: str
    path: Path | None = None
    line: int | None = None
    column: int | None = None
    focus: str | None = None
    predicate: str | None = None
    value: str | None = None
    details: tuple[str, ...] = ()

    @property
    def sort_key(self) -> tuple[str, int, int, int, str, str]:
        """Orders problems by file, line, column, stage, then rule and message."""
        return (
            str(self.path) if self.path is not None else "\uffff",
            self.line or 0,
            self.column or 0,
            STAGES.index(self.stage),
            self.rule,
            self.message,
        )

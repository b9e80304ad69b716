"""Writing a validation :class:`~asean_customs_kg.validation.validate.Report` for people and for CI.

* ``text`` -- for people: problems grouped by file, each ``line:column``, severity, stage and
  rule, the message, and the property and value concerned; then a one-line summary.
* ``json`` -- the same facts as data: ``{"valid", "errors", "warnings", "files", "problems"}``,
  and ``"project"``: the root whose files were read and how it was found.
* ``junit`` -- JUnit XML, which CI systems display as test results: one test suite per stage,
  one test case per file that passed the stage and one failing test case per problem.
* ``github`` -- GitHub Actions workflow commands (``::error file=...,line=...::message``) that
  annotate the pull request's diff at the offending lines, each file named from the top of
  its git repository (as GitHub names it, whatever the working directory); then the summary
  line.

Warnings are reported in every format and count as failures only with ``strict``; infos
(SHACL's ``sh:Info``) are reported and never fail. The nested results of a SHACL result
(``sh:detail``) are shown under it: indented lines in ``text``, ``details`` in ``json``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from ..choices import REPORT_FORMATS
from ..query.formats import visible
from .problems import STAGES, Problem

if TYPE_CHECKING:
    from ..choices import ReportFormat
    from .validate import Report

__all__ = ["format_report", "summary"]


def _display(path: Path | None) -> str:
    """The path relative to the current directory when below it (as errors show paths)."""
    if path is None:
        return ""
    if path.is_absolute():
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)
    return str(path)


def _repository_path(path: Path) -> str:
    """The path from the top of the git repository that holds it (GitHub matches an
    annotation's file against the repository's paths, whatever directory the step ran in);
    outside a repository, as :func:`_display` writes it."""
    absolute = path if path.is_absolute() else Path.cwd() / path
    for directory in absolute.parents:
        if (directory / ".git").exists():
            return absolute.relative_to(directory).as_posix()
    return _display(path)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _project(report: Report) -> str:
    """``; project DIR (how it was found)``, or nothing when the report does not say."""
    if report.root is None:
        return ""
    return f"; project {_display(report.root.path) or '.'} ({report.root.describe()})"


def summary(report: Report, strict: bool = False) -> str:
    """One line: valid or not, how many errors and warnings, in how many files."""
    files = len({p.path for p in report.problems if p.path is not None})
    counts = f"{_plural(len(report.errors), 'error')}, {_plural(len(report.warnings), 'warning')}"
    if report.infos:
        counts += f", {_plural(len(report.infos), 'info')}"
    checked = f"{_plural(len(report.files), 'data file')} checked ({', '.join(report.stages_run)})"
    if report.valid(strict):
        verdict = "valid" if not report.warnings else "valid, with warnings"
        return f"{verdict}: {counts}; {checked}{_project(report)}"
    skipped = [s for s in STAGES if s not in report.stages_run]
    note = (
        f"; not run because of syntax errors: {', '.join(skipped)}"
        if skipped and any(p.stage == "syntax" for p in report.problems)
        else ""
    )
    where = f" in {_plural(files, 'file')}" if files else ""
    return f"invalid: {counts}{where}; {checked}{note}{_project(report)}"


def _details(problem: Problem) -> str:
    parts = []
    if problem.predicate:
        parts.append(f"property {problem.predicate}")
    if problem.value:
        parts.append(f"value {problem.value}")
    return f" ({'; '.join(parts)})" if parts else ""


def _text(report: Report, strict: bool) -> str:
    lines: list[str] = []
    current: object = object()
    for problem in report.problems:
        if problem.path != current:
            current = problem.path
            if lines:
                lines.append("")
            lines.append(visible(_display(problem.path)) or "(no file)")
        where = f"{problem.line or 0}:{problem.column or 0}"
        lines.append(
            f"  {where:>7}  {problem.severity:<7}  [{problem.stage}: {problem.rule}]  "
            + visible(f"{problem.message}{_details(problem)}")
        )
        lines.extend(
            f"           detail: {visible(line)}" for d in problem.details for line in d.split("\n")
        )
    if lines:
        lines.append("")
    lines.append(summary(report, strict))
    return "\n".join(lines) + "\n"


def _record(problem: Problem) -> dict[str, object]:
    return {
        "file": _display(problem.path) or None,
        "line": problem.line,
        "column": problem.column,
        "severity": problem.severity,
        "stage": problem.stage,
        "rule": problem.rule,
        "focus": problem.focus,
        "property": problem.predicate,
        "value": problem.value,
        "message": problem.message,
        "details": list(problem.details),
    }


def _json(report: Report, strict: bool) -> str:
    document = {
        "valid": report.valid(strict),
        "strict": strict,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "stages": list(report.stages_run),
        "files": [_display(path) for path in report.files],
        "project": None
        if report.root is None
        else {"root": str(report.root.path), "found_by": report.root.found_by},
        "problems": [_record(problem) for problem in report.problems],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# What XML 1.0 may not hold, even escaped: most C0 control characters, lone surrogates (a file
# name that is not UTF-8), U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """``text`` with each character that XML cannot hold written as ``\\xNN``/``\\uNNNN``."""
    return _NOT_XML.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _junit(report: Report, strict: bool) -> str:
    root = ElementTree.Element("testsuites", name="ackg validate")
    total = failures = 0
    for stage in report.stages_run:
        problems = [p for p in report.problems if p.stage == stage]
        suite = ElementTree.SubElement(root, "testsuite", name=stage)
        cases = failed = 0
        files_with_problems = {p.path for p in problems}
        for path in report.files:
            if path not in files_with_problems:
                ElementTree.SubElement(
                    suite, "testcase", classname=stage, name=_display(path), file=_display(path)
                )
                cases += 1
        for problem in problems:
            place = _display(problem.path) or "(no file)"
            name = f"{place}:{problem.line or 0} {problem.rule}"
            case = ElementTree.SubElement(suite, "testcase", classname=stage, name=name)
            if problem.path is not None:
                case.set("file", place)
                case.set("line", str(problem.line or 0))
            text = f"{place}:{problem.line or 0}:{problem.column or 0}: {problem.message}"
            text += _details(problem) + "".join(f"\ndetail: {d}" for d in problem.details)
            cases += 1
            if problem.severity == "error" or (strict and problem.severity == "warning"):
                failure = ElementTree.SubElement(
                    case, "failure", message=problem.message, type=problem.severity
                )
                failure.text = text
                failed += 1
            else:
                ElementTree.SubElement(case, "system-out").text = f"{problem.severity}: {text}"
        suite.set("tests", str(cases))
        suite.set("failures", str(failed))
        suite.set("errors", "0")
        total += cases
        failures += failed
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    for element in root.iter():
        element.text = _xml_text(element.text) if element.text else element.text
        for key, value in element.attrib.items():
            element.set(key, _xml_text(value))
    ElementTree.indent(root)
    body = ElementTree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(report: Report, strict: bool) -> str:
    lines: list[str] = []
    for problem in report.problems:
        command = "error" if problem.severity == "error" or strict else "warning"
        command = "notice" if problem.severity == "info" else command
        properties = []
        if problem.path is not None:
            properties.append(f"file={_escape_property(_repository_path(problem.path))}")
            if problem.line is not None:
                properties.append(f"line={problem.line}")
            if problem.column is not None:
                properties.append(f"col={problem.column}")
        properties.append(f"title={_escape_property(f'{problem.stage}: {problem.rule}')}")
        # A CI log shows colours and the like from escape sequences: none from the data.
        message = _escape_data(visible(problem.message + _details(problem)))
        lines.append(f"::{command} {','.join(properties)}::{message}")
    lines.append(summary(report, strict))
    return "\n".join(lines) + "\n"


_FORMATTERS: dict[str, Callable[[Report, bool], str]] = {
    "text": _text,
    "json": _json,
    "junit": _junit,
    "github": _github,
}


def format_report(report: Report, fmt: ReportFormat = "text", strict: bool = False) -> str:
    """The report in ``fmt`` (one of :data:`REPORT_FORMATS`), ending with a newline."""
    try:
        formatter = _FORMATTERS[fmt]
    except KeyError:
        raise ValueError(
            f"unknown format {fmt!r}; expected one of {', '.join(REPORT_FORMATS)}"
        ) from None
    return formatter(report, strict)

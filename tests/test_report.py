"""The validation report's formats: text, JSON, JUnit XML and GitHub annotations."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest

from asean_customs_kg.validation.problems import Problem
from asean_customs_kg.validation.report import format_report, summary
from asean_customs_kg.validation.validate import Report

A = Path("data/a.ttl")
B = Path("data/b.ttl")
C = Path("data/c.ttl")

ERROR = Problem(
    "check",
    "error",
    "undescribed-iri",
    "body:x is used (by ex:y) but described nowhere: 50% sure, a typo",
    path=A,
    line=3,
    column=9,
    focus="body:x",
)
WARNING = Problem(
    "shacl",
    "warning",
    "acksh:DatePrecisionShape (sh:sparql)",
    "The date falls on 1 January",
    path=B,
    line=7,
    column=1,
    focus="ex:e",
    predicate="dct:date",
    value='"2005-01-01"',
)
STAGES = ["syntax", "shacl", "logic", "check"]


def _report(*problems: Problem) -> Report:
    return Report(list(problems), [A, B, C], list(STAGES))  # type: ignore[arg-type]


def test_text_groups_by_file_and_ends_with_the_summary() -> None:
    text = format_report(_report(ERROR, WARNING), "text")
    assert text.splitlines() == [
        "data/a.ttl",
        "      3:9  error    [check: undescribed-iri]  " + ERROR.message,
        "",
        "data/b.ttl",
        "      7:1  warning  [shacl: acksh:DatePrecisionShape (sh:sparql)]  The date falls on "
        '1 January (property dct:date; value "2005-01-01")',
        "",
        "invalid: 1 error, 1 warning in 2 files; 3 data files checked "
        "(syntax, shacl, logic, check)",
    ]


def test_summary_of_a_valid_report() -> None:
    assert summary(_report()) == (
        "valid: 0 errors, 0 warnings; 3 data files checked (syntax, shacl, logic, check)"
    )
    assert summary(_report(WARNING)).startswith("valid, with warnings: 0 errors, 1 warning;")
    assert summary(_report(WARNING), strict=True).startswith("invalid: 0 errors, 1 warning in 1 ")


def test_json_has_every_field() -> None:
    document = json.loads(format_report(_report(ERROR, WARNING), "json"))
    assert document["valid"] is False
    assert (document["errors"], document["warnings"]) == (1, 1)
    assert document["files"] == ["data/a.ttl", "data/b.ttl", "data/c.ttl"]
    assert document["problems"][1] == {
        "file": "data/b.ttl",
        "line": 7,
        "column": 1,
        "severity": "warning",
        "stage": "shacl",
        "rule": "acksh:DatePrecisionShape (sh:sparql)",
        "focus": "ex:e",
        "property": "dct:date",
        "value": '"2005-01-01"',
        "message": "The date falls on 1 January",
        "details": [],
    }


@pytest.mark.parametrize(("strict", "failures"), [(False, 1), (True, 2)])
def test_junit_has_a_suite_per_stage_and_a_failure_per_problem(strict: bool, failures: int) -> None:
    root = ElementTree.fromstring(format_report(_report(ERROR, WARNING), "junit", strict))
    assert root.tag == "testsuites"
    assert [suite.get("name") for suite in root] == STAGES
    assert root.get("failures") == str(failures)
    check = root.find("testsuite[@name='check']")
    assert check is not None
    names = [case.get("name") for case in check]
    assert names == ["data/b.ttl", "data/c.ttl", "data/a.ttl:3 undescribed-iri"]
    failure = check.find("testcase/failure")
    assert failure is not None and failure.get("message") == ERROR.message
    assert failure.text == f"data/a.ttl:3:9: {ERROR.message}"
    shacl = root.find("testsuite[@name='shacl']")
    assert shacl is not None
    assert (shacl.find("testcase/failure") is not None) is strict


def test_github_annotations_are_escaped() -> None:
    lines = format_report(_report(ERROR, WARNING), "github").splitlines()
    assert lines[0] == (
        "::error file=data/a.ttl,line=3,col=9,title=check%3A undescribed-iri::body:x is used "
        "(by ex:y) but described nowhere: 50%25 sure, a typo"
    )
    assert lines[1].startswith(
        "::warning file=data/b.ttl,line=7,col=1,title=shacl%3A acksh%3ADatePrecisionShape "
        "(sh%3Asparql)::The date"
    )
    assert lines[2].startswith("invalid: 1 error, 1 warning")
    strict = format_report(_report(WARNING), "github", strict=True).splitlines()
    assert strict[0].startswith("::error ")


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        format_report(_report(), "xml")  # type: ignore[arg-type]


# A value from a contributor's file: an escape sequence that sets the terminal's title, a
# carriage return that rewrites the line, a bidirectional override that reorders it.
HOSTILE = Problem(
    "logic",
    "error",
    "XSD lexical form",
    'ex:e has dct:date "2003\x1b]0;pwned\x07\r\u202eZ", which is not a valid xsd:date',
    path=A,
    line=4,
    column=2,
    predicate="dct:date",
    value='"2003\x1b]0;pwned\x07\r\u202eZ"',
    details=("first\x1b[2J\nsecond\u2066",),
)
SHOWN = '"2003\\x1b]0;pwned\\x07\\x0d\\u202eZ"'


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_what_the_data_holds_reaches_no_terminal_as_a_control(fmt: str) -> None:
    written = format_report(_report(HOSTILE), fmt)  # type: ignore[arg-type]
    assert not {"\x1b", "\x07", "\r", "\u202e", "\u2066"} & set(written)
    assert f"has dct:date {SHOWN}, which is not a valid xsd:date" in written
    assert f"value {SHOWN})" in written
    if fmt == "text":
        assert "detail: first\\x1b[2J\n" in written and "detail: second\\u2066\n" in written


def test_an_error_message_shows_the_controls_a_command_line_holds() -> None:
    from click.testing import CliRunner

    from asean_customs_kg.cli.main import main

    result = CliRunner().invoke(main, ["validate", "missing\x1b]0;x\x07\u202e.ttl"], color=True)
    assert result.exit_code == 2
    assert result.stderr == (
        "ackg: error: missing\\x1b]0;x\\x07\\u202e.ttl: no such file; "
        "give a Turtle file or a directory\n"
    )


def test_the_saved_query_fast_path_shows_them_too(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    home = f"{tmp_path}/p\x1b[2Jq"
    launcher = "from asean_customs_kg.cli.launcher import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", launcher, "query", "reports-to", "-p", "body=CCC"],
        capture_output=True,
        env={**os.environ, "ACKG_HOME": home},
    )
    assert (done.returncode, done.stderr.decode()) == (
        2,
        f"ackg: error: ACKG_HOME={tmp_path}/p\\x1b[2Jq is not a directory; "
        "unset it or point it at one\n",
    )

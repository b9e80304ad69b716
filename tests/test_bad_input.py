"""Bad input ends in a one-line error and a documented exit code, never a traceback.

Parameter values in other scripts' digits, text that is not UTF-8 or holds control characters;
files that cannot be read or that hold a term longer than the parser's buffer; ill-typed
literals (rdflib's warnings about them, and digits outside ASCII); values that XML cannot hold
in a JUnit report. The command-line cases run a real ``ackg`` process where the bytes of its
arguments matter.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from asean_customs_kg.cli.main import main
from asean_customs_kg.errors import UsageError
from asean_customs_kg.query.catalogue import read_query
from asean_customs_kg.query.queries import run_query
from asean_customs_kg.validation.problems import Problem
from asean_customs_kg.validation.report import format_report
from asean_customs_kg.validation.validate import Report, validate
from helpers import FIXTURES, REPO

ACKG = [sys.executable, "-c", "from asean_customs_kg.cli.launcher import main; main()"]

# The digit zero of scripts whose digits Python's int() and str.isdigit() accept: full-width,
# Arabic-Indic, Extended Arabic-Indic, Devanagari, Thai, Lao, Myanmar, Khmer.
ZEROS = "\uff10\u0660\u06f0\u0966\u0e50\u0ed0\u1040\u17e0"


def _in_script(ascii_digits: str, zero: str) -> str:
    return "".join(chr(ord(zero) + int(c)) if c.isdigit() else c for c in ascii_digits)


def _ackg(*args: str | bytes, **options: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*ACKG, *args], capture_output=True, check=False, **options)  # type: ignore[call-overload, no-any-return]


# --- parameter values ---


@pytest.mark.parametrize("zero", ZEROS)
@pytest.mark.parametrize(
    ("query", "name", "value", "expected"),
    [
        ("plan-in-force", "year", "2023", "a year such as 2023"),
        ("bodies-existing-on", "date", "2015-01-01", "a date such as 2015-01-01"),
        ("bodies-established-between", "from", "2005", "a year such as 2023"),
    ],
)
def test_digits_of_other_scripts_are_refused(
    zero: str, query: str, name: str, value: str, expected: str
) -> None:
    foreign = _in_script(value, zero)
    assert foreign != value and int(foreign[:4]) == int(value[:4])  # what Python would accept
    with pytest.raises(UsageError) as caught:
        run_query(query, {name: foreign})
    assert str(caught.value) == (
        f"invalid value {foreign!r} for parameter '{name}': expected {expected}"
    )


@pytest.fixture(scope="module")
def text_query(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A saved query with a plain-text parameter (the project's queries have none)."""
    path = tmp_path_factory.mktemp("queries") / "echo.rq"
    path.write_text("#+ summary: The text given.\nSELECT ?text WHERE { BIND (?_text AS ?text) }\n")
    return path


@pytest.mark.parametrize(
    ("parameter", "value", "message"),
    [
        (
            "text",
            "a\udcffb",
            "the value of parameter 'text' is not valid UTF-8 text; give it in UTF-8",
        ),
        (
            "text",
            "\ud800",
            "the value of parameter 'text' is not valid UTF-8 text; give it in UTF-8",
        ),
        (
            "text",
            "bell\x07",
            "the value of parameter 'text' holds the control character U+0007, "
            "which no value may hold",
        ),
        (
            "text",
            "nul\x00",
            "the value of parameter 'text' holds the control character U+0000, "
            "which no value may hold",
        ),
        (
            "text",
            "\ufffe",
            "the value of parameter 'text' holds the control character U+FFFE, "
            "which no value may hold",
        ),
    ],
)
def test_text_values_must_be_utf8_without_control_characters(
    text_query: Path, parameter: str, value: str, message: str
) -> None:
    with pytest.raises(UsageError) as caught:
        run_query(read_query(text_query), {parameter: value})
    assert str(caught.value) == message


@pytest.fixture(scope="module")
def typed_query(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A saved query with optional parameters of XSD types that have no pattern of their own."""
    path = tmp_path_factory.mktemp("queries") / "typed.rq"
    names = ("long", "dateTime", "double", "hexBinary", "anyURI")
    variables = ", ".join(f"?__{name.lower()}_xsd_{name}" for name in names)
    path.write_text(f"#+ summary: t\nSELECT ?v WHERE {{ BIND (COALESCE({variables}) AS ?v) }}\n")
    return path


@pytest.mark.parametrize(
    ("name", "value", "accepted"),
    [
        ("long", "12", True),
        ("long", "\uff11\uff12", False),
        ("long", "1.5", False),
        ("datetime", "2015-01-01T10:00:00", True),
        ("datetime", "2015-02-30T00:00:00", False),
        ("datetime", "\u0662015-01-01T10:00:00", False),
        ("double", "1e3", True),
        ("double", "\u0e51e3", False),
        ("hexbinary", "0F", True),
        ("hexbinary", "\uff10F", False),
        ("anyuri", "https://example.org/\u00fc", True),
    ],
)
def test_values_of_other_xsd_types_must_be_well_formed(
    typed_query: Path, name: str, value: str, accepted: bool
) -> None:
    query = read_query(typed_query)
    datatype = query.parameter(name).datatype
    assert datatype is not None
    if accepted:
        (row,) = run_query(query, {name: value}).solutions
        assert row[0] is not None
        return
    with pytest.raises(UsageError) as caught:
        run_query(query, {name: value})
    local = datatype.removeprefix("http://www.w3.org/2001/XMLSchema#")
    assert str(caught.value) == (
        f"invalid value {value!r} for parameter '{name}': expected a value of type xsd:{local}"
    )


def test_tabs_and_line_breaks_are_still_text(text_query: Path) -> None:
    result = run_query(read_query(text_query), {"text": "a\tb\nc\r"})
    assert [term.value for (term,) in result.solutions] == ["a\tb\nc\r"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "argument", "message"),
    [
        ("reports-to", b"body=\xff\xfe", "the value of parameter 'body' is not valid UTF-8 text"),
        ("plan-in-force", b"year=\xe9", "the value of parameter 'year' is not valid UTF-8 text"),
        (
            "bodies-existing-on",
            b"date=\xc3",
            "the value of parameter 'date' is not valid UTF-8 text",
        ),
        (
            "plan-in-force",
            "year=\uff12\uff10\uff12\uff13".encode(),
            "invalid value '\uff12\uff10\uff12\uff13' for parameter 'year'",
        ),
    ],
)
@pytest.mark.parametrize("extra", [[], ["--store", "no-such-store"]], ids=["fast", "click"])
def test_bytes_on_the_command_line_end_in_one_line(
    name: str, argument: bytes, message: str, extra: list[str]
) -> None:
    done = _ackg("query", name, "--param", argument, *extra)
    assert done.returncode == 2
    assert done.stdout == b""
    assert done.stderr.decode().startswith(f"ackg: error: {message}")
    assert done.stderr.count(b"\n") == 1


def test_a_query_that_is_not_utf8_is_one_line() -> None:
    done = _ackg("sparql", b'SELECT * WHERE { ?s ?p "\xff" }')
    assert done.returncode == 2
    assert done.stderr == b"ackg: error: the query is not valid UTF-8 text; give it in UTF-8\n"


# --- validate ---


def test_a_term_longer_than_the_parser_s_buffer_is_a_data_error(tmp_path: Path) -> None:
    big = tmp_path / "big.ttl"
    with big.open("w", encoding="utf-8") as out:
        out.write('@prefix ex: <https://example.org/> .\nex:a ex:b "')
        out.write("x" * (17 * 1024 * 1024))
        out.write('" .\n')
    result = CliRunner().invoke(main, ["validate", "--without-project-data", str(big)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert (
        "      0:0  error    [syntax: turtle]  a literal or IRI is longer than 16,777,216 "
        "bytes, the most the Turtle parser reads as one term; shorten it or move the text to a "
        "file of its own"
    ) in result.stdout.splitlines()


@pytest.fixture(scope="module")
def project_with_a_long_literal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("long-literal")
    for name in ("ontology", "data", "queries"):
        (root / name).mkdir()
    for path in (REPO / "ontology").glob("*.ttl"):
        (root / "ontology" / path.name).write_bytes(path.read_bytes())
    (root / "queries" / "count.rq").write_text(
        "#+ summary: Count.\nSELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }\n"
    )
    with (root / "data" / "long.ttl").open("w", encoding="utf-8") as out:
        out.write('<https://example.org/a> <https://example.org/b> "')
        out.write("x" * (17 * 1024 * 1024))
        out.write('" .\n')
    return root


@pytest.mark.parametrize(
    "command",
    [["query", "count"], ["export", "--format", "nt"], ["load", "--store", "STORE"]],
    ids=["query", "export", "load"],
)
def test_every_command_reading_a_long_literal_says_so_in_one_line(
    project_with_a_long_literal: Path, command: list[str], tmp_path: Path
) -> None:
    store = tmp_path / "store"
    arguments = [str(store) if a == "STORE" else a for a in command]
    environment = {**os.environ, "ACKG_HOME": str(project_with_a_long_literal)}
    done = _ackg(*arguments, env=environment, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.decode() == (
        f"ackg: error: {project_with_a_long_literal / 'data' / 'long.ttl'}: a literal or IRI is "
        "longer than 16,777,216 bytes, the most the Turtle parser reads as one term; shorten it "
        "or move the text to a file of its own\n"
    )
    assert not store.exists()


def _without_file_access_override() -> None:
    """In the child, before exec: drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the
    capability bounding set, so that root obeys file permissions after exec."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def _ackg_obeying_permissions(
    *args: str, cwd: Path, locked: Path
) -> subprocess.CompletedProcess[bytes]:
    """``ackg ARGS`` in a process that file permissions bind, with ``locked`` made a directory
    that may not be searched. Root reads any file: as root, the child gives up the
    capabilities that let it (or the test is skipped, saying why)."""
    environment = {k: v for k, v in os.environ.items() if k != "ACKG_HOME"}
    locked.chmod(0)
    try:
        if os.geteuid() != 0:
            return _ackg(*args, cwd=cwd, env=environment)
        try:
            probe = subprocess.run(
                [sys.executable, "-c", f"import os; os.listdir({str(locked)!r})"],
                preexec_fn=_without_file_access_override,
                capture_output=True,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as error:
            pytest.skip(f"running as root, and cannot give up the override of permissions: {error}")
        if probe.returncode == 0:
            pytest.skip(
                "running as root with permission checks overridden (no capabilities to drop)"
            )
        return _ackg(*args, cwd=cwd, env=environment, preexec_fn=_without_file_access_override)
    finally:
        locked.chmod(0o755)


@pytest.fixture
def locked(tmp_path: Path) -> Path:
    """``tmp_path/locked``, holding a Turtle file, a query file and a project."""
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "data.ttl").write_text("<urn:a> <urn:b> <urn:c> .\n")
    (locked / "query.rq").write_text("SELECT * WHERE { ?s ?p ?o }\n")
    for name in ("ontology", "data", "queries"):
        (locked / "project" / name).mkdir(parents=True)
    return locked


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", "locked/data.ttl"], "locked/data.ttl: cannot read: Permission denied"),
        (["validate", "locked"], "locked: cannot read: Permission denied"),
        (
            ["sparql", "locked/query.rq"],
            "locked/query.rq: cannot read the query file: Permission denied",
        ),
        (["export", "-o", "locked/out.trig"], "locked/.out.trig.partial: Permission denied"),
    ],
)
def test_a_path_that_may_not_be_searched_is_an_environment_error(
    tmp_path: Path, locked: Path, args: list[str], message: str
) -> None:
    done = _ackg_obeying_permissions(*args, cwd=tmp_path, locked=locked)
    assert done.returncode == 2
    assert done.stderr.decode() == f"ackg: error: {message}\n"


ILL_TYPED = FIXTURES / "invalid" / "logic-dt-not-type.ttl"


def test_ill_typed_literals_are_reported_without_rdflib_s_warnings() -> None:
    done = _ackg("validate", str(ILL_TYPED), "--format", "json")
    assert done.returncode == 1
    assert b'"rule": "OWL 2 RL dt-not-type"' in done.stdout
    assert done.stderr == b""


def test_rdflib_warnings_outside_validation_still_show(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from rdflib import XSD, Literal

    validate([ILL_TYPED], stages=("syntax", "logic"))
    logging.getLogger("rdflib.term").warning("something else")
    Literal("twelve", datatype=XSD.integer)  # rdflib warns, as it does outside validation
    assert [r.getMessage()[:45] for r in caplog.records if r.name == "rdflib.term"] == [
        "something else",
        "Failed to convert Literal lexical form to val",
    ]


# --- JUnit XML ---

CONTROL = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r") + "\ufffe\uffff\udcff"


def test_junit_is_well_formed_whatever_the_values_hold() -> None:
    problem = Problem(
        "shacl",
        "error",
        f"rule{CONTROL}",
        f"message{CONTROL}",
        path=Path(f"data/file{CONTROL}.ttl"),
        line=3,
        column=1,
        focus=f"ex:{CONTROL}",
        predicate="skos:notation",
        value=f'"{CONTROL}"',
    )
    warning = Problem("check", "warning", "w", f"warn{CONTROL}", path=Path("data/a.ttl"), line=1)
    report = Report(
        [problem, warning], [Path("data/a.ttl"), Path(f"x{CONTROL}.ttl")], ["shacl", "check"]
    )
    for strict in (False, True):
        text = format_report(report, "junit", strict)
        root = ElementTree.fromstring(text.encode("utf-8"))
        failure = root.find("testsuite/testcase/failure")
        assert failure is not None
        escaped = "".join(f"\\x{c:02x}" for c in range(32) if chr(c) not in "\t\n\r")
        assert failure.get("message") == f"message{escaped}\\ufffe\\uffff\\udcff"


def test_junit_file_of_a_value_with_a_control_character_parses(tmp_path: Path) -> None:
    data = tmp_path / "bell.ttl"
    source = (FIXTURES / "shapes" / "bad-acronym.ttl").read_text(encoding="utf-8")
    data.write_text(source.replace('"wg 1"', '"wg\\u0007 1"'), encoding="utf-8")
    output = tmp_path / "report.xml"
    result = CliRunner().invoke(
        main, ["validate", "--format", "junit", "-o", str(output), str(data)]
    )
    assert result.exit_code == 1, result.output
    root = ElementTree.parse(output).getroot()
    messages = [f.text or "" for f in root.iter("failure")]
    assert any('value "wg\\x07 1"' in message for message in messages), messages


def test_a_turtle_file_with_a_byte_order_mark_is_told_so(tmp_path: Path) -> None:
    data = tmp_path / "bom.ttl"
    data.write_bytes(b"\xef\xbb\xbf<urn:a> <urn:b> <urn:c> .\n")
    (problem,) = validate([data], with_project_data=False).problems
    assert (problem.line, problem.column) == (1, 1)
    assert problem.message == (
        "Turtle syntax error: the file starts with a byte order mark (U+FEFF), which the "
        "Turtle grammar does not allow; save it as UTF-8 without a BOM"
    )

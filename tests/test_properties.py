"""Property-based tests (Hypothesis): whatever a user gives, the answer is exit code 0, 1 or 2
and never a traceback, and a parameter value is bound as one well-formed RDF term or refused.

Two batteries:

* **parameter values** for each kind of parameter (a year, a date, an IRI, plain text, and
  other XSD types: dateTime, double, gYearMonth, integer, boolean): any
  Unicode text, text from bytes that are not UTF-8 (as the command line decodes them), and
  digits of every script. A value that is accepted must give a ``VALUES`` block that the
  engine parses and that binds exactly one term, equal to the one resolved, and a typed
  literal must be well-formed (pyoxigraph's cast to its datatype accepts its text). Then the
  same values on the command line, through the click command and the script's fast path.
* **small Turtle documents** given to ``ackg validate``: made of the project's vocabulary,
  IRIs, blank nodes and literals of every kind (digits of other scripts, control characters,
  wrong datatypes), and some of them cut or spliced with random text.

The runs are reproducible (``derandomize``: the same examples on every run, no example
database) and bounded (a fixed number of examples, no deadline: the machine may be shared).
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asean_customs_kg.backends.embedded import default_backend
from asean_customs_kg.cli import launcher
from asean_customs_kg.cli.main import main
from asean_customs_kg.errors import UsageError
from asean_customs_kg.query.catalogue import SavedQuery, get_query, read_query
from asean_customs_kg.query.queries import bindings_for
from asean_customs_kg.rdf.sparqltext import BindableTerm, bind_values

PARAMETERS = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
COMMANDS = settings(PARAMETERS, max_examples=40)
DOCUMENTS = settings(PARAMETERS, max_examples=60)

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
EXIT_CODES = {0, 1, 2}

# --- parameter values ---

#: Digits of any script: what Python's int() and str.isdigit() read as numbers.
DIGITS = st.characters(categories=["Nd"])
#: Text from bytes that are not UTF-8, as Python decodes the command line (surrogateescape).
UNDECODED = st.binary(max_size=12).map(lambda b: b.decode("utf-8", "surrogateescape"))
VALUES = st.one_of(
    st.text(max_size=30),
    st.text(st.characters() | st.characters(categories=["Cs"]), max_size=12),
    UNDECODED,
    st.text(DIGITS, min_size=1, max_size=8),
    st.builds(
        lambda y, m, d: f"{y}-{m}-{d}",
        st.text(DIGITS, min_size=4, max_size=4),
        st.text(DIGITS, min_size=2, max_size=2),
        st.text(DIGITS, min_size=2, max_size=2),
    ),
    st.sampled_from(["2023", "2015-01-01", "CPTFWG", "cptfwg", "ovw:p3", "x" * 1001, " 2023"]),
    st.sampled_from(["2015-01-01T10:00:00", "1e3", "NaN", "2019-12", "true", "1", "-0"]),
    st.from_regex(r"https?://[a-z.]{1,8}/[^\s]{0,8}", fullmatch=True),
)


def _text_query(directory: Path) -> SavedQuery:
    path = directory / "echo.rq"
    path.write_text("#+ summary: The text given.\nSELECT ?text WHERE { BIND (?_text AS ?text) }\n")
    return read_query(path)


def _typed_query(directory: Path) -> SavedQuery:
    """Optional parameters of XSD types that pyoxigraph casts (so the check can judge them)."""
    path = directory / "typed.rq"
    path.write_text(
        "#+ summary: Typed values.\nSELECT ?v WHERE { BIND (COALESCE(?__t_xsd_dateTime, "
        "?__d_xsd_double, ?__m_xsd_gYearMonth, ?__i_xsd_integer, ?__b_xsd_boolean) AS ?v) }\n"
    )
    return read_query(path)


def _kinds(directory: Path) -> list[tuple[SavedQuery, str]]:
    typed = _typed_query(directory)
    return [
        (get_query("plan-in-force"), "year"),
        (get_query("bodies-existing-on"), "date"),
        (get_query("reports-to"), "body"),
        (_text_query(directory), "text"),
        *((typed, name) for name in ("t", "d", "m", "i", "b")),
    ]


_ECHO = "SELECT ?_v WHERE { }"


def _check_bound(term: BindableTerm) -> None:
    """The VALUES text of ``term`` parses and binds exactly one term: ``term`` itself or, for a
    typed literal, the same value (pyoxigraph writes "0"^^xsd:boolean as "false"), and a typed
    literal is well-formed (its text cast to its datatype gives that value)."""
    datatype = term.datatype.value if isinstance(term, pyoxigraph.Literal) else None
    if datatype is None or datatype in (XSD + "string", RDF_LANG_STRING):
        text = bind_values(_ECHO, {"_v": term})
        rows = list(pyoxigraph.Store().query(text))  # type: ignore[arg-type]
        assert len(rows) == 1 and len(rows[0]) == 1, text
        assert rows[0][0] == term, text
        return
    cast = f"SELECT ?_v (<{datatype}>(STR(?_v)) AS ?c) WHERE {{ }}"
    text = bind_values(cast, {"_v": term})
    rows = list(pyoxigraph.Store().query(text))  # type: ignore[arg-type]
    assert len(rows) == 1, text
    bound, canonical = rows[0][0], rows[0][1]
    assert canonical is not None, f"{term} is not a well-formed {datatype}"
    assert bound == canonical, text


@given(value=VALUES)
@PARAMETERS
def test_a_value_is_refused_or_bound_as_one_well_formed_term(
    value: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    directory = tmp_path_factory.mktemp("echo")
    for query, name in _kinds(directory):
        try:
            bindings = bindings_for(query, {name: value}, default_backend())
        except UsageError:
            continue  # a one-line error, exit code 2
        (term,) = bindings.values()
        _check_bound(term)


@given(value=VALUES)
@COMMANDS
def test_any_value_on_the_command_line_exits_0_1_or_2(value: str) -> None:
    runner = CliRunner()
    for query, name in (("plan-in-force", "year"), ("reports-to", "body")):
        argument = f"{name}={value}"
        result = runner.invoke(main, ["query", query, "--param", argument, "--format", "csv"])
        assert result.exit_code in EXIT_CODES, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(
            result.exception
        )
        assert "Traceback" not in result.output
        if result.exit_code:
            assert result.stderr.count("\n") <= 2 and "ackg: error: " in result.stderr
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = launcher.run_fast(query, [argument], "csv")
        assert code in EXIT_CODES
        assert code == result.exit_code
        assert out.getvalue() == (result.stdout_bytes.decode() if code == 0 else "")
        assert err.getvalue() == ("" if code == 0 else result.stderr.lstrip("\n"))


# --- small Turtle documents ---

PREFIXES = """@prefix ack: <https://w3id.org/asean-customs-kg/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://w3id.org/asean-customs-kg/id/test/> .
@prefix body: <https://w3id.org/asean-customs-kg/id/body/> .
"""
SUBJECTS = st.one_of(
    st.sampled_from(["ex:a", "ex:b", "body:cptfwg", "_:x", "_:y", "[]", "<urn:x>"]),
    st.from_regex(r"ex:[a-z][a-z0-9-]{0,6}", fullmatch=True),
)
PREDICATES = st.sampled_from(
    [
        "a",
        "skos:prefLabel",
        "skos:notation",
        "org:reportsTo",
        "org:identifier",
        "dct:date",
        "dct:source",
        "dcat:startDate",
        "ack:sequenceNumber",
        "owl:sameAs",
        "owl:differentFrom",
        "rdfs:subClassOf",
        "ex:p",
    ]
)
CLASSES = st.sampled_from(
    ["ack:Meeting", "ack:WorkingGroup", "org:Organization", "owl:Nothing", "dct:PeriodOfTime"]
)
DATATYPES = st.sampled_from(
    ["integer", "decimal", "date", "gYear", "boolean", "string", "dateTime", "double", "foo"]
)


def _escape(text: str) -> str:
    """Text as a Turtle string's content: quotes, backslashes and line breaks escaped, and
    other characters Turtle's short strings allow written as themselves."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


LEXICAL = st.one_of(
    st.text(max_size=12),
    st.text(DIGITS, min_size=1, max_size=6),
    st.sampled_from(["2023", "2015-02-30", "twelve", "", "1.5", "true", "-0", "2015-01-01"]),
)
OBJECTS = st.one_of(
    SUBJECTS,
    CLASSES,
    st.builds(lambda t: f'"{_escape(t)}"', LEXICAL),
    st.builds(lambda t, lang: f'"{_escape(t)}"@{lang}', LEXICAL, st.sampled_from(["en", "th"])),
    st.builds(lambda t, d: f'"{_escape(t)}"^^xsd:{d}', LEXICAL, DATATYPES),
    st.builds(
        lambda t: f'"\\u{t:04X}"',
        st.integers(0, 0x10FFFF).filter(lambda c: c < 0xD800 or c > 0xDFFF),
    ),
    st.integers(-5, 10**20).map(str),
)
STATEMENTS = st.lists(
    st.builds(lambda s, p, o: f"{s} {p} {o} .", SUBJECTS, PREDICATES, OBJECTS),
    min_size=1,
    max_size=6,
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    text = PREFIXES + "\n".join(draw(STATEMENTS)) + "\n"
    damage = draw(st.sampled_from(["none", "none", "cut", "splice"]))
    if damage == "cut":
        text = text[: draw(st.integers(0, len(text)))]
    elif damage == "splice":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.text(max_size=5)) + text[at:]
    return text


@pytest.mark.slow
@given(document=documents())
@DOCUMENTS
def test_validate_of_any_small_document_exits_0_1_or_2(
    document: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("doc") / "doc.ttl"
    path.write_text(document, encoding="utf-8", errors="surrogateescape")
    result = CliRunner().invoke(main, ["validate", "--without-project-data", str(path)])
    assert result.exit_code in EXIT_CODES, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    assert result.stdout.endswith("\n")
    if result.exit_code == 2:  # one line saying why
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("ackg: error: ")
    else:  # the report on stdout, and nothing else (no warning of a library)
        assert result.stderr == ""

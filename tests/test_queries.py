"""The catalogue, parameters and their resolution, safe binding, and the read-only checks."""

from __future__ import annotations

import datetime
import decimal
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest
import rdflib

import asean_customs_kg
from asean_customs_kg.backends.embedded import EmbeddedBackend, default_backend
from asean_customs_kg.errors import DataError, UsageError
from asean_customs_kg.query.catalogue import get_query, list_queries, parse_header, read_query
from asean_customs_kg.query.queries import resolve_iri, run_query, sparql
from asean_customs_kg.rdf.results import Result, to_python
from asean_customs_kg.rdf.sparqltext import bind_values, check_read_only, sparql_term

ID = "https://w3id.org/asean-customs-kg/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGER = pyoxigraph.NamedNode(XSD + "integer")


# --- the catalogue ------------------------------------------------------------------------------


def test_the_catalogue_has_at_least_18_documented_queries() -> None:
    queries = list_queries()
    assert len(queries) >= 18
    for query in queries:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", query.name)
        assert query.summary and query.description and query.tags, query.name
        for parameter in query.parameters:
            assert parameter.example is not None, f"{query.name}: {parameter.name} has no example"
        check_read_only(query.text)


def test_header_subset() -> None:
    header = parse_header(
        "#+ summary: 'Quoted: yes'\n#+ tags:\n#+   - a\n#+   - b\n"
        "#+ defaults:\n#+   - body: CPTFWG\nSELECT * {}\n"
    )
    assert header == {"summary": "Quoted: yes", "tags": ["a", "b"], "defaults": {"body": "CPTFWG"}}


def test_a_broken_header_line_is_a_data_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.rq"
    path.write_text("#+ summary: fine\n#+ this line has no key\nSELECT * {}\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_query(path)
    assert caught.value.line == 2
    assert "expected '#+ key: value'" in str(caught.value)


def test_parameters_follow_the_grlc_names() -> None:
    (body,) = get_query("reports-to").parameters
    assert (body.name, body.variable, body.kind, body.default, body.required) == (
        "body",
        "_body_iri",
        "iri",
        "CPTFWG",
        False,
    )
    year = get_query("plan-in-force").parameter("year")
    assert (year.kind, year.datatype, year.required) == ("typed", XSD + "gYear", True)


def test_unknown_query_suggests_close_names() -> None:
    with pytest.raises(UsageError) as caught:
        get_query("report-to")
    assert str(caught.value) == (
        "unknown query 'report-to'; did you mean reports-to, reporting-chain, reporting-structure? "
        "run 'ackg queries' to list the saved queries"
    )


def test_a_saved_query_names_its_file_as_a_path(tmp_path: Path) -> None:
    query = get_query("reports-to")
    assert isinstance(query.path, Path) and query.path.is_file()
    assert query.path.name == "reports-to.rq" and query.path.parent.name == "queries"
    # A directory named as a query file is no query.
    (tmp_path / "queries" / "reports-to.rq").mkdir(parents=True)
    with pytest.raises(UsageError, match=r"^unknown query 'reports-to'; run 'ackg queries'"):
        get_query("reports-to", root=tmp_path)


@pytest.mark.parametrize("name", ["../data/bodies", "reports-to.rq", "REPORTS-TO", ""])
def test_query_names_are_not_paths(name: str) -> None:
    with pytest.raises(UsageError, match="unknown query"):
        get_query(name)


# --- parameters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "CPTFWG",
        "cptfwg",
        " CptFwg ",
        "Customs Procedures and Trade Facilitation Working Group",
        "customs procedures and trade facilitation working group",
        ID + "body/cptfwg",
    ],
)
def test_a_body_is_named_by_acronym_name_or_iri(value: str) -> None:
    assert run_query("reports-to", body=value).rows() == run_query("reports-to").rows()


class _Recording:
    """A backend that records the query texts it runs."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def query(self, sparql: str, bindings: object = None) -> Result:
        self.texts.append(sparql)
        return default_backend().query(sparql, bindings)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "scans"),
    [
        ("CPTFWG", False),
        ("cptfwg", False),
        ("Customs Procedures and Trade Facilitation Working Group", False),
        (ID + "body/cptfwg", False),
        # No exact spelling (upper, lower, capitalised, title case) matches: the last resort.
        ("customs PROCEDURES and trade facilitation working group", True),
    ],
)
def test_names_spelt_exactly_are_found_without_comparing_every_name(
    value: str, scans: bool
) -> None:
    backend = _Recording()
    assert resolve_iri(backend, value) == pyoxigraph.NamedNode(ID + "body/cptfwg")
    assert any("LCASE" in text for text in backend.texts) is scans


@pytest.mark.parametrize(
    ("query", "name", "value"),
    [
        ("spcd-series", "series", ID + "plan/spcd"),
        ("spcd-series", "series", "Strategic Plans of Customs Development"),
        ("member-states", "organization", "asean"),
        ("member-states", "organization", ID + "organization/asean"),
    ],
)
def test_the_series_and_the_organisation_are_parameters(query: str, name: str, value: str) -> None:
    rows = run_query(query).rows()
    assert rows
    assert run_query(query, {name: value}).rows() == rows


def test_a_prefixed_name_uses_the_querys_prefixes() -> None:
    iri = resolve_iri(default_backend(), "ovw:p2", {"ovw": ID + "source/asean-customs-overview/"})
    assert iri == pyoxigraph.NamedNode(ID + "source/asean-customs-overview/p2")


def test_an_unknown_body_suggests_the_closest_acronyms() -> None:
    with pytest.raises(UsageError) as caught:
        run_query("reports-to", body="CPTFW")
    assert str(caught.value) == (
        "unknown body 'CPTFW': no acronym, name or IRI matches; did you mean CPTFWG? "
        "(run 'ackg query bodies' to list the bodies)"
    )


def test_an_ambiguous_name_asks_for_the_iri() -> None:
    with pytest.raises(UsageError, match=r"^resource 'Ministry of Finance' is ambiguous: it names"):
        run_query("sources-of", resource="Ministry of Finance")


def test_a_missing_parameter_says_what_is_expected() -> None:
    with pytest.raises(UsageError) as caught:
        run_query("reporting-chain")
    assert str(caught.value) == (
        "query 'reporting-chain' needs the parameter 'body' (an acronym, a name or an IRI), "
        "e.g. --param body=SWG-ACTS"
    )


def test_an_unknown_parameter_names_the_known_ones() -> None:
    with pytest.raises(UsageError) as caught:
        run_query("reports-to", bodee="CCC")
    assert str(caught.value) == "query 'reports-to' has no parameter 'bodee'; its parameters: body"


@pytest.mark.parametrize(
    ("query", "name", "value", "expected"),
    [
        ("plan-in-force", "year", "twenty", "a year such as 2023"),
        ("plan-in-force", "year", "2023-01-01", "a year such as 2023"),
        ("bodies-existing-on", "date", "2015-02-30", "a date such as 2015-01-01"),
        ("bodies-existing-on", "date", "1/1/2015", "a date such as 2015-01-01"),
    ],
)
def test_typed_values_are_checked(query: str, name: str, value: str, expected: str) -> None:
    with pytest.raises(UsageError) as caught:
        run_query(query, {name: value})
    assert (
        str(caught.value) == f"invalid value {value!r} for parameter '{name}': expected {expected}"
    )


HOSTILE = [
    'CPTFWG" }',
    "CPTFWG' }",
    "} ; DROP ALL ; SELECT * WHERE {",
    "}} INSERT DATA { <urn:x> <urn:y> <urn:z> }",
    "CPTFWG\nDELETE WHERE { ?s ?p ?o }",
    "http://example.org/has space",
    "<https://w3id.org/asean-customs-kg/id/body/cptfwg>",
    "x" * 5000,
    "\\u0022 } #",
    "ovw:p2> } #",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_body_values_are_rejected_and_change_nothing(value: str) -> None:
    store = default_backend().store
    before = len(store)
    with pytest.raises(UsageError):
        run_query("reports-to", body=value)
    assert len(store) == before


@pytest.mark.parametrize("value", [v for v in HOSTILE if len(v) < 1000 and "\\u" not in v])
def test_hostile_literals_are_bound_as_plain_values_on_both_engines(value: str) -> None:
    text = bind_values(
        "SELECT ?v WHERE { BIND (STRLEN(?_v) AS ?n) }", {"_v": pyoxigraph.Literal(value)}
    )
    text = text.replace("SELECT ?v", "SELECT ?_v ?n")
    (row,) = default_backend().query(text).solutions
    assert row == (pyoxigraph.Literal(value), pyoxigraph.Literal(str(len(value)), datatype=INTEGER))
    rdflib_rows = [tuple(map(str, r)) for r in rdflib.Graph().query(text)]  # type: ignore[arg-type]
    assert rdflib_rows == [(value, str(len(value)))]


def test_a_long_value_is_refused_with_a_limit() -> None:
    with pytest.raises(UsageError) as caught:
        run_query("plan-aims", plan="x" * 5000)
    assert str(caught.value) == (
        "the value of parameter 'plan' is 5000 characters long; at most 1000 are accepted"
    )


@pytest.mark.parametrize(
    "term",
    [
        pyoxigraph.BlankNode("b"),
        pyoxigraph.Literal("a \\u0022 b"),
        pyoxigraph.Literal("x", datatype=pyoxigraph.NamedNode("urn:ok")),
    ],
)
def test_sparql_term_refuses_what_it_cannot_write_safely(term: object) -> None:
    if isinstance(term, pyoxigraph.Literal) and term.datatype.value == "urn:ok":
        assert sparql_term(term) == '"x"^^<urn:ok>'
        return
    with pytest.raises(UsageError):
        sparql_term(term)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT * WHERE { VALUES"),
        ("SELECT * { ?s ?p ?o }", "SELECT * { VALUES"),
        ('SELECT * # { comment\nWHERE { ?s ?p "{" }', "WHERE { VALUES"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "} WHERE { VALUES"),
        ("CONSTRUCT { ?s ?p ?o } { ?s ?p ?o }", "} { VALUES"),
        ('PREFIX a: <urn:x> ASK { ?s ?p "{" }', "ASK { VALUES"),
    ],
)
def test_values_go_into_the_outermost_where_group(text: str, expected: str) -> None:
    bound = bind_values(text, {"s": pyoxigraph.NamedNode("urn:s")})
    assert expected in bound
    assert "VALUES (?s) { (<urn:s>) }" in bound
    pyoxigraph.Store().query(bound)


# --- read-only checks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }", "FROM"),
        ("SELECT * FROM NAMED <http://example.org/g> WHERE { ?s ?p ?o }", "FROM"),
        ("select * where { service <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
    ],
)
def test_network_access_is_refused_unless_allowed(text: str, word: str) -> None:
    with pytest.raises(UsageError) as caught:
        sparql(text)
    assert str(caught.value) == (
        f"the query uses {word}, which can reach the network or other datasets; "
        "pass --allow-network (allow_network=True) if that is intended"
    )
    check_read_only(text, allow_network=True)


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "LOAD <http://example.org/data.ttl>",
        "DROP ALL",
        "DELETE WHERE { ?s ?p ?o }",
        "SELECT * WHERE { ?s ?p ?o } ; CLEAR ALL",
    ],
)
def test_updates_are_always_refused(text: str) -> None:
    store = default_backend().store
    before = len(store)
    with pytest.raises(UsageError, match=r"updates are not|not a SPARQL query"):
        sparql(text, allow_network=True)
    assert len(store) == before


@pytest.mark.parametrize(
    "text",
    [
        'SELECT ?s WHERE { ?s ?p "SERVICE FROM INSERT" }',
        "SELECT ?service ?from WHERE { ?service <urn:from> ?from } # SERVICE",
        "PREFIX service: <urn:x#> SELECT * WHERE { ?s service:from ?o }",
        "SELECT * WHERE { ?s <http://example.org/service/delete> ?o }",
    ],
)
def test_keywords_inside_strings_iris_names_and_comments_are_not_keywords(text: str) -> None:
    check_read_only(text)
    assert sparql(text).form == "select"


def test_a_syntax_error_in_an_ad_hoc_query_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"^invalid SPARQL: "):
        sparql("SELECT ?s WHERE { ?s ?p }")


def test_a_broken_saved_query_is_a_data_error_with_its_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.rq"
    path.write_text("#+ summary: broken\nSELECT ?s WHERE {\n  ?s ?p\n}\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        run_query(read_query(path))
    assert caught.value.path == path
    assert caught.value.line is not None and caught.value.line >= 3
    assert str(caught.value).startswith(f"{path}:{caught.value.line}:")


# --- results and the library --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "value"),
    [
        (pyoxigraph.NamedNode("urn:x"), "urn:x"),
        (pyoxigraph.Literal("3", datatype=pyoxigraph.NamedNode(XSD + "integer")), 3),
        (
            pyoxigraph.Literal("2.5", datatype=pyoxigraph.NamedNode(XSD + "decimal")),
            decimal.Decimal("2.5"),
        ),
        (pyoxigraph.Literal("true", datatype=pyoxigraph.NamedNode(XSD + "boolean")), True),
        (
            pyoxigraph.Literal("2006-06-06", datatype=pyoxigraph.NamedNode(XSD + "date")),
            datetime.date(2006, 6, 6),
        ),
        (pyoxigraph.Literal("2010", datatype=pyoxigraph.NamedNode(XSD + "gYear")), 2010),
        (
            pyoxigraph.Literal("2019-12", datatype=pyoxigraph.NamedNode(XSD + "gYearMonth")),
            "2019-12",
        ),
        (pyoxigraph.Literal("CCC", language="en"), "CCC"),
        (
            pyoxigraph.Literal("not a date", datatype=pyoxigraph.NamedNode(XSD + "date")),
            "not a date",
        ),
        (None, None),
    ],
)
def test_to_python(term: pyoxigraph.NamedNode | pyoxigraph.Literal | None, value: object) -> None:
    assert to_python(term) == value
    assert type(to_python(term)) is type(value)


def test_the_package_exposes_the_library_lazily() -> None:
    result = asean_customs_kg.run_query("reports-to", body="CPTFWG")
    assert isinstance(result, asean_customs_kg.Result)
    records = result.to_python()
    assert isinstance(records, list)
    assert [record["acronym"] for record in records] == ["SWG-AAMRA", "SWG-ACTS", "TSWGC"]  # type: ignore[call-overload]
    names = [query.name for query in asean_customs_kg.list_queries()]
    assert "reports-to" in names
    assert asean_customs_kg.sparql("ASK { ?s ?p ?o }").boolean is True
    assert len(asean_customs_kg.load_graph()) > 1000


def test_an_embedded_backend_over_other_files(tmp_path: Path) -> None:
    data = tmp_path / "one.ttl"
    data.write_text("<urn:a> <http://www.w3.org/ns/org#reportsTo> <urn:b> .\n", encoding="utf-8")
    result = run_query("reports-to", body="urn:b", backend=EmbeddedBackend([data]))
    assert isinstance(result, Result) and result.rows() == []


# What the cold saved-query path must not import: the RDF libraries and the full command line,
# and the standard modules whose import costs a cold query more than its own work, pathlib
# and what it brings among them (benchmarks/bench_query.py holds the allow-list of what it may
# import, and times it). Only what the path imports counts, not what Python's start imports.
HEAVY_FOR_THE_QUERY_PATH = (
    "rdflib",
    "pyshacl",
    "owlrl",
    "click",
    "typing",
    "dataclasses",
    "inspect",
    "ast",
    "threading",
    "asyncio",
    "json",
    "importlib.metadata",
    "signal",
    "pathlib",
    "urllib.parse",
    "ipaddress",
    "fnmatch",
)


def test_the_query_path_imports_no_heavy_module() -> None:
    code = (
        "import sys\n"
        "started = set(sys.modules)\n"
        "import asean_customs_kg\n"
        "from asean_customs_kg.cli import launcher\n"
        "sys.argv = ['ackg', 'query', 'reports-to', '--param', 'body=CPTFWG']\n"
        "try:\n    launcher.main()\nexcept SystemExit as done:\n    assert done.code == 0\n"
        f"print(sorted(m for m in {HEAVY_FOR_THE_QUERY_PATH!r} "
        "if m in sys.modules and m not in started), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "SWG-ACTS" in done.stdout
    assert done.stderr.strip() == "[]"

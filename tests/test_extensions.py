"""Read-only means read-only on every engine: calls of extension functions (Virtuoso's
``bif:http_get`` fetches a URL, ``bif:exec`` runs SQL that can write), vendor keywords and
syntax that is not SPARQL 1.1 are refused before anything is sent, unless the user opts in with
``--allow-extensions`` (``allow_extensions=True``). A recording HTTP server on 127.0.0.1 checks
that nothing arrives; strings, comments and IRIs that merely look like calls do not count."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from asean_customs_kg.backends.stores import EndpointBackend
from asean_customs_kg.cli.main import main
from asean_customs_kg.errors import DataError, UsageError
from asean_customs_kg.query.catalogue import SavedQuery, list_queries, read_query
from asean_customs_kg.query.queries import run_query, sparql
from asean_customs_kg.rdf.sparqltext import check_extensions, sparql_term
from recording_server import RecordingServer

OPT_IN = (
    "engine extensions can reach the network or change data; pass --allow-extensions "
    "(allow_extensions=True) if that is intended"
)
BIF = "http://www.openlinksw.com/schemas/bif#"
# The XSD datatypes (XML Schema 1.1 Part 2, section 3) a value may be cast to.
XSD_CASTS = set(
    str.split(
        "string boolean decimal integer double float date time dateTime dateTimeStamp duration "
        "dayTimeDuration yearMonthDuration gYear gYearMonth gMonth gMonthDay gDay long int short "
        "byte nonNegativeInteger positiveInteger nonPositiveInteger negativeInteger unsignedLong "
        "unsignedInt unsignedShort unsignedByte normalizedString token language Name NCName "
        "NMTOKEN anyURI base64Binary hexBinary"
    )
)


def calls(name: str) -> str:
    return (
        f"the query calls the function {name}, which is neither a SPARQL 1.1 built-in nor an "
        f"XSD cast; {OPT_IN}"
    )


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("ACKG_ENDPOINT_TOKEN", "ACKG_ENDPOINT_USER", "ACKG_ENDPOINT_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


REFUSED = [
    # The examples of Virtuoso: fetch a URL, run SQL (which can write and delete graphs).
    ('ASK { BIND (bif:http_get("http://127.0.0.1:9/") AS ?x) }', calls("bif:http_get")),
    ('SELECT (bif:http_get("http://127.0.0.1:9/") AS ?x) WHERE {}', calls("bif:http_get")),
    ('ASK { FILTER bif:exec("SPARQL CLEAR GRAPH <urn:g>") }', calls("bif:exec")),
    ("ASK { ?s ?p ?o FILTER (sql:anything(?o)) }", calls("sql:anything")),
    (f'ASK {{ FILTER (<{BIF}exec>("x")) }}', calls(f"<{BIF}exec>")),
    ("PREFIX ex: <https://example.org/> ASK { FILTER (ex:f(1)) }", calls("ex:f")),
    # Where an expression stands outside FILTER and BIND, nested, or in a sub-SELECT.
    ("SELECT ?s bif:exec('x') WHERE { ?s ?p ?o }", calls("bif:exec")),
    ("SELECT ?o WHERE { ?s ?p ?o } ORDER BY DESC(ex:f(?o))", calls("ex:f")),
    ("SELECT ?o WHERE { ?s ?p ?o } GROUP BY ex:f(?o)", calls("ex:f")),
    # Virtuoso 7.2 evaluates an expression after LIMIT (it fetched the URL).
    (
        'SELECT * WHERE { ?s ?p ?o } LIMIT bif:http_get("http://127.0.0.1:9/")',
        calls("bif:http_get"),
    ),
    ("SELECT ?o WHERE { ?s ?p ?o } GROUP BY ?o HAVING (COUNT(*) > ex:f(1))", calls("ex:f")),
    ("ASK { ?s ?p ?o FILTER (?o IN (1, STR(ex:f(2)))) }", calls("ex:f")),
    ("ASK { ?s ?p ?o FILTER NOT EXISTS { ?s ?q ?r FILTER (ex:f(?r)) } }", calls("ex:f")),
    ("SELECT * WHERE { { SELECT (ex:f(1) AS ?x) WHERE {} } }", calls("ex:f")),
    # A comment between the name and its parenthesis does not hide the call.
    ('ASK { FILTER bif:exec # a comment\n ("x") }', calls("bif:exec")),
    # '<' after an operand may be less-than, though the text after it reads as an IRI: both.
    ("ASK { ?s ?p ?a FILTER (?a<bif:exec(?a)&&?a>?a) }", calls("bif:exec")),
    ("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s <urn:f>(?o)", calls("<urn:f>")),
    ("SELECT ?s WHERE { ?s ?p ?o } GROUP BY ?s <bif:exec>('x')", calls("<bif:exec>")),
    # An XSD cast only where the prefix is XSD's.
    ('PREFIX xsd: <bif:> ASK { FILTER (xsd:integer("1")) }', calls("xsd:integer")),
    # Vendor keywords and syntax.
    (
        'DEFINE input:grab-all "yes" SELECT * WHERE { ?s ?p ?o }',
        f"the query uses DEFINE, which is not a SPARQL 1.1 keyword; {OPT_IN}",
    ),
    (
        "SELECT * WHERE { ?s ?p ?o } OPTION (QUIETCAST)",
        "the query calls OPTION(), which is neither a SPARQL 1.1 built-in function nor an XSD "
        f"cast; {OPT_IN}",
    ),
    (
        'SELECT (exec("x") AS ?x) WHERE {}',
        "the query calls exec(), which is neither a SPARQL 1.1 built-in function nor an XSD "
        f"cast; {OPT_IN}",
    ),
    (
        'SELECT * WHERE { ?s ?p `bif:exec("x")` }',
        "the query holds '`', which SPARQL 1.1 does not use outside strings, IRIs and comments; "
        f"{OPT_IN}",
    ),
]


@pytest.mark.parametrize(("query", "message"), REFUSED)
def test_refused_before_anything_is_sent(query: str, message: str) -> None:
    with RecordingServer() as server:
        result = CliRunner().invoke(main, ["sparql", query, "--endpoint", server.url + "/sparql"])
        assert server.requests == []
    assert (result.exit_code, result.stderr) == (2, f"ackg: error: {message}\n")


@pytest.mark.parametrize(("query", "message"), REFUSED[:3])
def test_refused_by_the_library_and_on_the_embedded_engine(query: str, message: str) -> None:
    with RecordingServer() as server:
        backend = EndpointBackend(server.url + "/sparql")
        with pytest.raises(UsageError) as through_sparql:
            sparql(query, backend=backend)
        with pytest.raises(UsageError) as by_the_backend:
            backend.query(query)  # the backend checks on its own, too
        with pytest.raises(UsageError) as embedded:
            sparql(query)
        for caught in (through_sparql, by_the_backend, embedded):
            assert str(caught.value) == message
        assert server.requests == []


def test_an_update_is_never_sent_through_the_query_backend() -> None:
    with RecordingServer() as server:
        with pytest.raises(UsageError) as caught:
            EndpointBackend(server.url + "/sparql").query("CLEAR GRAPH <urn:g>")
        assert server.requests == []
    assert str(caught.value) == (
        "SPARQL updates are not allowed here (CLEAR found); the query commands only read the graph"
    )


def test_allow_extensions_sends_the_query() -> None:
    query = 'ASK { FILTER bif:exec("x") }'
    with RecordingServer() as server:
        result = CliRunner().invoke(
            main, ["sparql", query, "--endpoint", server.url + "/sparql", "--allow-extensions"]
        )
        assert (result.exit_code, result.stdout) == (0, "true\n")
        assert len(server.requests) == 1
        assert EndpointBackend(server.url + "/sparql", allow_extensions=True).query(query).boolean
        assert sparql(query, backend=EndpointBackend(server.url), allow_extensions=True).boolean
        assert len(server.requests) == 3


@pytest.mark.parametrize(
    "query",
    [
        'ASK { ?s ?p "bif:exec(1)" }',
        "ASK { ?s ?p '''bif:http_get(\"x\")''' }",
        "ASK { ?s ?p ?o # FILTER bif:exec(1)\n}",
        "ASK { ?s ?p <https://dbpedia.org/resource/Mercury_(planet)> }",
        "ASK { ?s ?p ?o FILTER (?o = <urn:x:f(1)>) }",
        "PREFIX ex: <https://example.org/> ASK { ?s ex:p (1 2) . <urn:s> (ex:a/ex:b)+ ?o }",
        "ASK { ?s ?p ?a FILTER (?a<?b&&?c>?a) }",
        'ASK { FILTER (xsd:integer("1") = <http://www.w3.org/2001/XMLSchema#double>("1")) }',
        'SELECT (GROUP_CONCAT(STR(?o); SEPARATOR=", ") AS ?all) WHERE { ?s ?p ?o } LIMIT 1',
        "SELECT ?s WHERE { VALUES (?s ?n) { (<urn:a> 1.5e3) (UNDEF -2) } } ORDER BY DESC(?n)",
        "DESCRIBE <urn:a> <urn:b>",
    ],
)
def test_what_only_looks_like_a_call_is_sent(query: str) -> None:
    check_extensions(query)
    with RecordingServer() as server:
        EndpointBackend(server.url + "/sparql").query(query)
        assert len(server.requests) == 1


@pytest.mark.parametrize("query", list_queries(), ids=lambda query: query.name)
def test_the_saved_queries_use_no_extension(query: SavedQuery) -> None:
    check_extensions(query.text)


def test_a_saved_query_with_an_extension_is_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "fetch.rq"
    path.write_text(
        "#+ summary: Fetches a URL.\n"
        "SELECT ?x WHERE {\n"
        '  BIND (bif:http_get("http://127.0.0.1:9/") AS ?x)\n'
        "}\n",
        encoding="utf-8",
    )
    with RecordingServer() as server:
        with pytest.raises(DataError) as caught:
            run_query(read_query(path), backend=EndpointBackend(server.url + "/sparql"))
        assert server.requests == []
    assert (caught.value.path, caught.value.line, caught.value.column) == (path, 3, 9)
    assert caught.value.message == (
        "the query calls the function bif:http_get, which is neither a SPARQL 1.1 built-in nor "
        "an XSD cast; a saved query must be portable SPARQL 1.1"
    )


# --- properties: what strings, comments and IRIs hold never counts; a call always does ---

_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_any_text_in_a_string_or_a_comment_is_no_call(text: str) -> None:
    try:
        literal = sparql_term(pyoxigraph.Literal(text))
    except UsageError:  # a value holding \u is refused when bound: not a query
        return
    comment = text.replace("\n", " ").replace("\r", " ")
    check_extensions(f"ASK {{ ?s ?p {literal} # {comment}\n FILTER (?o = {literal}) }}")


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,8}", fullmatch=True), _TEXT)
def test_any_prefixed_name_called_is_refused_but_an_xsd_cast(local: str, text: str) -> None:
    literal = '"' + "".join(c for c in text if c.isalnum()) + '"'
    for prefix in ("bif", "sql", "ex", "xsd"):
        query = f"ASK {{ ?s ?p ?o FILTER ({prefix}:{local}({literal}) = ?o) }}"
        if prefix == "xsd" and local in XSD_CASTS:
            check_extensions(query)
            continue
        with pytest.raises(UsageError) as caught:
            check_extensions(query)
        assert str(caught.value) == calls(f"{prefix}:{local}")

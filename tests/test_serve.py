"""``ackg serve`` over HTTP: the real command on a free loopback port, every route, every
format, every error (the limits, safety and signals are in test_serve_safety.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import pyoxigraph
import pytest
from click.testing import CliRunner

from asean_customs_kg.cli.main import main
from asean_customs_kg.rdf.results import Result
from serve_helpers import Server

BODY = "https://w3id.org/asean-customs-kg/id/body/"
SELECT = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "SELECT ?n WHERE { <https://w3id.org/asean-customs-kg/id/body/ccc> skos:notation ?n }"
)
CONSTRUCT = (
    "CONSTRUCT { <https://w3id.org/asean-customs-kg/id/body/ccc> ?p ?o } "
    "WHERE { <https://w3id.org/asean-customs-kg/id/body/ccc> ?p ?o }"
)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with Server() as running:
        yield running


def _sparql(query: str) -> str:
    return "/sparql?" + urlencode({"query": query})


# --- SPARQL 1.1 Protocol ---


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (None, "application/sparql-results+json"),
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/html, */*;q=0.1", "application/sparql-results+json"),
    ],
)
def test_select_by_accept(server: Server, accept: str | None, media: str) -> None:
    answer = server.get(_sparql(SELECT), accept)
    assert answer.status == 200 and answer.media == media
    result = Result.from_response(answer.body, media) if media != "text/csv" else None
    if result is not None:
        assert result.rows() == [("CCC",)]
    else:
        assert answer.body == b"n\r\nCCC\r\n"


@pytest.mark.parametrize(
    ("accept", "media", "rdf_format"),
    [
        (None, "text/turtle", pyoxigraph.RdfFormat.TURTLE),
        ("application/n-triples", "application/n-triples", pyoxigraph.RdfFormat.N_TRIPLES),
        ("application/ld+json", "application/ld+json", pyoxigraph.RdfFormat.JSON_LD),
    ],
)
def test_construct_by_accept(
    server: Server, accept: str | None, media: str, rdf_format: pyoxigraph.RdfFormat
) -> None:
    answer = server.get(_sparql(CONSTRUCT), accept)
    assert answer.status == 200 and answer.media == media
    triples = {quad.triple for quad in pyoxigraph.parse(answer.body, format=rdf_format)}
    assert (
        pyoxigraph.Triple(
            pyoxigraph.NamedNode(BODY + "ccc"),
            pyoxigraph.NamedNode("http://www.w3.org/2004/02/skos/core#notation"),
            pyoxigraph.Literal("CCC"),
        )
        in triples
    )


def test_ask_and_post(server: Server) -> None:
    form = server.request(
        "POST",
        "/sparql",
        urlencode({"query": "ASK { ?s ?p ?o }"}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status == 200 and json.loads(form.text) == {"head": {}, "boolean": True}
    direct = server.request(
        "POST",
        "/sparql",
        SELECT.encode(),
        {"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    assert direct.status == 200 and direct.body == b"n\r\nCCC\r\n"


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        (
            "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
            400,
            "not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE "
            "(updates are not run on the read-only path)",
        ),
        (
            "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
            400,
            "SERVICE",
        ),
        ("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", 400, "FROM"),
        ("SELECT (bif:http_get('http://example.org/') AS ?x) WHERE {}", 400, "bif:http_get"),
        ("SELECT ?x WHERE { ?x ", 400, "invalid SPARQL"),
        ("   ", 400, "the query is empty"),
    ],
)
def test_the_refusals_of_ackg_sparql(server: Server, query: str, status: int, message: str) -> None:
    answer = server.get(_sparql(query))
    assert answer.status == status
    assert answer.media == "text/plain"
    assert message in answer.text and "Traceback" not in answer.text
    assert answer.text.count("\n") == 1
    cli = CliRunner().invoke(main, ["sparql", query])
    if query.strip():  # the refusal of ackg sparql, without its advice to pass an option
        refusal = answer.text.strip().removesuffix("; this server does not run such queries")
        assert refusal in cli.stderr, cli.stderr
    assert "--" not in answer.text


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (
            _sparql("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"),
            "the query uses SERVICE, which can reach the network or other datasets; "
            "this server does not run such queries",
        ),
        (
            _sparql("SELECT (bif:http_get('http://example.org/') AS ?x) WHERE {}"),
            "the query calls the function bif:http_get, which is neither a SPARQL 1.1 built-in "
            "nor an XSD cast; engine extensions can reach the network or change data; "
            "this server does not run such queries",
        ),
        (
            "/api/reporting-chain",
            "query 'reporting-chain' needs the parameter 'body' (an acronym, a name or an IRI), "
            "e.g. ?body=SWG-ACTS",
        ),
        (
            "/api/reports-to?body=NOPE",
            "unknown body 'NOPE': no acronym, name or IRI matches; known acronyms include AAMRA, "
            "ACTS, AEC, AFMM, ASEAN, BOC, CCBWG, CCC. (GET /api/bodies lists the bodies)",
        ),
    ],
)
def test_refusals_give_no_command_line_advice(server: Server, path: str, message: str) -> None:
    # The library's messages tell a user of ackg which option or command to use; a client of
    # the server can use neither, and is told what it can do instead.
    answer = server.get(path)
    assert answer.status == 400
    assert answer.text == message + "\n"


def test_updates_are_refused(server: Server) -> None:
    answer = server.request(
        "POST",
        "/sparql",
        urlencode({"update": "DROP ALL"}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status == 403
    assert answer.text == "updates are not accepted: this endpoint only reads\n"


def test_protocol_errors(server: Server) -> None:
    not_acceptable = server.get(_sparql(SELECT), "image/png")
    assert not_acceptable.status == 406
    assert not_acceptable.text.startswith("none of the media types in Accept is available")
    unsupported = server.request("POST", "/sparql", b"x", {"Content-Type": "text/plain"})
    assert unsupported.status == 415
    assert server.get(_sparql(SELECT) + "&query=ASK%7B%7D").status == 400
    dataset = server.get(_sparql(SELECT) + "&default-graph-uri=http://example.org/g")
    assert dataset.status == 400 and "default-graph-uri" in dataset.text
    assert server.request("DELETE", "/sparql").status == 405
    assert server.request("PUT", "/api/reports-to").status == 405


def test_service_description(server: Server) -> None:
    answer = server.get("/sparql", "text/turtle")
    assert answer.status == 200 and answer.media == "text/turtle"
    graph = list(pyoxigraph.parse(answer.body, format=pyoxigraph.RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    types = {(q.subject.value, q.object.value) for q in graph if q.predicate.value.endswith("type")}
    assert (f"{server.base}/sparql", sd + "Service") in types
    page = server.get("/sparql", "text/html")
    assert page.status == 200 and "<textarea" in page.text  # followed the 303 to the page


# --- the saved-query Web API ---


def test_api_lists_the_saved_queries(server: Server) -> None:
    answer = server.get("/api/")
    listed = json.loads(answer.text)
    names = [entry["name"] for entry in listed]
    expected = sorted(path.stem for path in (Path(__file__).parent.parent / "queries").glob("*.rq"))
    assert names == expected
    reports_to = next(entry for entry in listed if entry["name"] == "reports-to")
    assert reports_to["parameters"][0]["name"] == "body"
    assert reports_to["url"] == "/api/reports-to"


@pytest.mark.parametrize(
    ("path", "accept", "media"),
    [
        ("/api/reports-to?body=CPTFWG", None, "application/sparql-results+json"),
        ("/api/reports-to?body=CPTFWG", "text/csv", "text/csv"),
        ("/api/reports-to.csv?body=CPTFWG", "application/json", "text/csv"),
        ("/api/reports-to.tsv?body=CPTFWG", None, "text/tab-separated-values"),
        ("/api/reports-to.xml?body=CPTFWG", None, "application/sparql-results+xml"),
        ("/api/reports-to.json?body=cptfwg", None, "application/sparql-results+json"),
    ],
)
def test_api_runs_a_query_like_the_cli(
    server: Server, path: str, accept: str | None, media: str
) -> None:
    answer = server.get(path, accept)
    assert answer.status == 200 and answer.media == media
    fmt = {"text/csv": "csv", "text/tab-separated-values": "tsv"}.get(media)
    if fmt is not None:
        cli = CliRunner().invoke(
            main, ["query", "reports-to", "-p", "body=CPTFWG", "--format", fmt]
        )
        assert answer.body == cli.stdout_bytes
    else:
        rows = Result.from_response(answer.body, media).rows()
        assert [row[0] for row in rows] == ["SWG-AAMRA", "SWG-ACTS", "TSWGC"]


def test_api_rdf_results(server: Server) -> None:
    answer = server.get("/api/resource-description.nt?resource=CCC")
    assert answer.status == 200 and answer.media == "application/n-triples"
    assert f"<{BODY}ccc>" in answer.text
    turtle = server.get("/api/resource-description?resource=CCC", "text/turtle")
    assert turtle.media == "text/turtle" and "@prefix skos:" in turtle.text
    wrong = server.get("/api/resource-description.csv?resource=CCC")
    assert wrong.status == 406
    assert wrong.text == (
        "this query returns RDF, which cannot be written as csv; use .jsonld, .nt, .ttl\n"
    )


@pytest.mark.parametrize(
    ("path", "status", "cli_args"),
    [
        ("/api/plan-in-force", 400, ["query", "plan-in-force"]),
        (
            "/api/plan-in-force?year=\uff12\uff10\uff12\uff13",
            400,
            ["query", "plan-in-force", "-p", "year=\uff12\uff10\uff12\uff13"],
        ),
        ("/api/reports-to?body=CPTFWGG", 400, ["query", "reports-to", "-p", "body=CPTFWGG"]),
        ("/api/reports-to?colour=red", 400, ["query", "reports-to", "-p", "colour=red"]),
        ("/api/reports-too", 404, None),
    ],
)
def test_api_errors_are_the_cli_errors(
    server: Server, path: str, status: int, cli_args: list[str] | None
) -> None:
    answer = server.get(quote(path, safe="/?=&"))
    assert answer.status == status and answer.media == "text/plain"
    if cli_args is not None:
        cli = CliRunner().invoke(main, cli_args)
        assert cli.exit_code == 2
        # The same message, but for the advice: an option on the command line, a query
        # string on the web.
        assert "--" not in answer.text
        web = answer.text.replace(", e.g. ?", ", e.g. --param ").replace(
            "(GET /api/bodies lists", "(run 'ackg query bodies' to list"
        )
        assert cli.stderr == f"ackg: error: {web}"
    else:
        assert answer.text == (
            "unknown query 'reports-too'; did you mean reports-to, reporting-chain, "
            "reporting-structure? GET /api/ lists them\n"
        )


def test_api_refuses_a_repeated_parameter(server: Server) -> None:
    answer = server.get("/api/reports-to?body=CCC&body=CPTFWG")
    assert answer.status == 400
    assert answer.text == "parameter 'body' is given more than once\n"


def test_openapi(server: Server) -> None:
    document = json.loads(server.get("/api/openapi.json").text)
    assert document["openapi"].startswith("3.")
    operation = document["paths"]["/api/reports-to"]["get"]
    assert operation["summary"] == "What reports directly to a body?"
    assert operation["parameters"] == [
        {
            "name": "body",
            "in": "query",
            "required": False,
            "description": "An acronym, a name or an IRI.",
            "schema": {"type": "string", "default": "CPTFWG"},
            "example": "CPTFWG",
        }
    ]
    year = document["paths"]["/api/plan-in-force"]["get"]["parameters"][0]
    assert year["required"] is True and year["schema"]["pattern"] == "^[0-9]{4}$"
    assert "text/csv" in operation["responses"]["200"]["content"]
    page = server.get("/api/docs", "text/html")
    assert page.status == 200 and "GET /api/reports-to" in page.text


# --- pages for people ---


def test_home_page(server: Server) -> None:
    page = server.get("/", "text/html")
    assert page.status == 200 and page.media == "text/html"
    assert 'href="/queries/reports-to"' in page.text
    if '<img src="/diagram/structure.svg"' in page.text:
        svg = server.get("/diagram/structure.svg")
        assert svg.media == "image/svg+xml" and "CPTFWG" in svg.text
    else:
        assert "flowchart" in page.text  # the Mermaid text, without Graphviz
    assert server.get("/diagram/other.svg").status == 404


def test_home_page_without_graphviz(tmp_path: Path) -> None:
    # A PATH without Graphviz's dot: the diagrams are the Mermaid text, escaped, in the page.
    env = {**os.environ, "PATH": str(tmp_path)}
    with Server(env=env) as without_dot:
        page = without_dot.get("/", "text/html")
        assert page.status == 200 and "<img" not in page.text
        assert '<pre class="diagram">flowchart BT' in page.text
        assert "ccc[&#34;&lt;b&gt;CCC&lt;/b&gt;&lt;br/&gt;Coordinating Committee on" in page.text
        missing = without_dot.get("/diagram/structure.svg")
        assert missing.status == 404
        assert missing.text == ("Graphviz's dot is not installed on the server: no SVG to serve\n")


def test_query_page(server: Server) -> None:
    form = server.get("/queries/plan-in-force", "text/html")
    assert form.status == 200 and 'name="year"' in form.text and "<table" not in form.text
    page = server.get("/queries/reports-to?body=CCC", "text/html")
    assert page.status == 200
    assert '<td><a href="/id/body/cptfwg">body:cptfwg</a></td>' in page.text
    assert 'href="/api/reports-to.csv?body=CCC"' in page.text
    bad = server.get("/queries/plan-in-force?year=20x3", "text/html")
    assert bad.status == 400
    assert "invalid value &#39;20x3&#39; for parameter &#39;year&#39;" in bad.text
    missing = server.get("/queries/nothing", "text/html")
    assert missing.status == 404 and "<h1>Error 404</h1>" in missing.text
    assert server.get("/queries/", "text/html").status == 200


def test_sparql_page(server: Server) -> None:
    page = server.get("/sparql.html?" + urlencode({"query": SELECT}), "text/html")
    assert page.status == 200 and "<td>CCC</td>" in page.text
    refused = server.get("/sparql.html?" + urlencode({"query": "DROP ALL"}), "text/html")
    assert refused.status == 400 and 'class="error"' in refused.text


def test_resource_page(server: Server) -> None:
    page = server.get("/id/body/cptfwg", "text/html")
    assert page.status == 200 and "Accept" in page.headers["vary"]
    text = page.text
    assert "<h1>Customs Procedures and Trade Facilitation Working Group</h1>" in text
    assert '<a href="/id/body/ccc"' in text  # a linked label
    assert "paragraph 2" in text and "the three working groups." in text  # a source, its passage
    assert "Derived: its reporting line to the CCC" in text  # the derivation note
    assert '<a href="/id/body/swg-acts"' in text  # an incoming link
    assert '<link rel="alternate" type="text/turtle" href="/id/body/cptfwg.ttl">' in text
    assert '<script type="application/ld+json">' in text


@pytest.mark.parametrize(
    ("path", "accept", "media", "rdf_format"),
    [
        ("/id/body/cptfwg", "text/turtle", "text/turtle", pyoxigraph.RdfFormat.TURTLE),
        ("/id/body/cptfwg.ttl", None, "text/turtle", pyoxigraph.RdfFormat.TURTLE),
        (
            "/id/body/cptfwg",
            "application/ld+json",
            "application/ld+json",
            pyoxigraph.RdfFormat.JSON_LD,
        ),
        ("/id/body/cptfwg.jsonld", None, "application/ld+json", pyoxigraph.RdfFormat.JSON_LD),
        (
            "/id/body/cptfwg",
            "application/n-triples",
            "application/n-triples",
            pyoxigraph.RdfFormat.N_TRIPLES,
        ),
        (
            "/id/body/cptfwg.nt",
            "text/html",
            "application/n-triples",
            pyoxigraph.RdfFormat.N_TRIPLES,
        ),
    ],
)
def test_resource_rdf(
    server: Server, path: str, accept: str | None, media: str, rdf_format: pyoxigraph.RdfFormat
) -> None:
    answer = server.get(path, accept)
    assert answer.status == 200 and answer.media == media
    triples = {quad.triple for quad in pyoxigraph.parse(answer.body, format=rdf_format)}
    cptfwg = pyoxigraph.NamedNode(BODY + "cptfwg")
    org = "http://www.w3.org/ns/org#"
    assert (
        pyoxigraph.Triple(
            cptfwg, pyoxigraph.NamedNode(org + "reportsTo"), pyoxigraph.NamedNode(BODY + "ccc")
        )
        in triples
    )
    assert (
        pyoxigraph.Triple(
            pyoxigraph.NamedNode(BODY + "swg-acts"), pyoxigraph.NamedNode(org + "reportsTo"), cptfwg
        )
        in triples
    )


def test_ontology_pages(server: Server) -> None:
    term = server.get("/ontology/WorkingGroup", "text/html")
    assert (
        term.status == 200
        and "https://w3id.org/asean-customs-kg/ontology#WorkingGroup" in term.text
    )
    ontology = server.get("/ontology", "text/turtle")
    assert ontology.status == 200 and "owl:Ontology" in ontology.text


def test_unknown_resources(server: Server) -> None:
    missing = server.get("/id/body/nothing-here")
    assert missing.status == 404
    assert missing.text == (
        "the graph says nothing about https://w3id.org/asean-customs-kg/id/body/nothing-here\n"
    )
    assert server.get("/id/body/ccc", "image/png").status == 406
    assert server.get("/static/style.css").media == "text/css"
    assert server.get("/static/nothing.css").status == 404


def test_store_and_endpoint(tmp_path: Path) -> None:
    from asean_customs_kg.release.loading import load_store_files
    from oxigraph_server import OxigraphServer

    store = tmp_path / "store"
    load_store_files(store)
    with Server("--store", str(store)) as on_store:
        rows = on_store.get("/api/reports-to.csv?body=CPTFWG").text
        assert "SWG-ACTS" in rows
        assert "Customs Procedures" in on_store.get("/id/body/cptfwg", "text/html").text
        assert on_store.get(_sparql(SELECT), "text/csv").body == b"n\r\nCCC\r\n"
    with OxigraphServer(store) as oxigraph, Server("--endpoint", oxigraph.query_url) as remote:
        assert remote.get("/api/reports-to.csv?body=CPTFWG").text == rows
        page = remote.get("/id/body/cptfwg", "text/html").text
        assert '<a href="/id/body/ccc"' in page
        assert remote.get(_sparql(SELECT), "text/csv").body == b"n\r\nCCC\r\n"
        # The server behind it stops: a 502 naming it, in one line.
        oxigraph.stop()
        failed = remote.get("/api/reports-to.csv?body=CCC")
        assert failed.status == 502 and failed.text.count("\n") == 1
        assert failed.text == (
            f"cannot reach the SPARQL endpoint {oxigraph.query_url}: connection refused; "
            "is the server running?\n"
        )


def test_the_query_path_imports_no_web_code() -> None:
    code = (
        "import sys\n"
        "from asean_customs_kg.cli import launcher\n"
        "sys.argv = ['ackg', 'query', 'reports-to', '--param', 'body=CPTFWG']\n"
        "try:\n    launcher.main()\nexcept SystemExit as done:\n    assert done.code == 0\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('starlette', 'uvicorn', 'jinja2', 'anyio', 'rdflib', 'pyshacl', 'owlrl') "
        "or m.startswith(('asean_customs_kg.web', 'asean_customs_kg.publish.pages'))), "
        "file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "SWG-ACTS" in done.stdout
    assert done.stderr.strip() == "[]"


def test_the_cache_is_bounded_and_keyed_by_format(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    csv = server.get("/api/reports-to?body=CCC", "text/csv")
    json_answer = server.get("/api/reports-to?body=CCC", "application/json")
    assert csv.media == "text/csv" and json_answer.media == "application/sparql-results+json"
    assert json.loads(json_answer.text)["head"]["vars"] == ["acronym", "name", "body"]
    from asean_customs_kg.backends.embedded import default_backend
    from asean_customs_kg.resources import find_root
    from asean_customs_kg.web import service as service_module
    from asean_customs_kg.web.limits import Limits

    monkeypatch.setattr(service_module, "CACHE_CHARACTERS", 10)
    monkeypatch.setattr(service_module, "CACHE_ENTRY_CHARACTERS", 6)
    service = service_module.Service(default_backend(), find_root(), Limits(), where="test")
    service.remember("a", "12345")
    service.remember("b", "12345")
    assert service.cached("a") == "12345" and service.cached("b") == "12345"
    service.remember("c", "123")  # over 10 characters in all: the least recently used goes
    assert service.cached("a") is None and service.cached("b") == "12345"
    assert service.remember("d", "1234567") == "1234567"  # too long to keep
    assert service.cached("d") is None


def test_an_endpoint_that_does_not_answer_gives_no_command_line_advice() -> None:
    # A server that accepts the connection and never answers (a listening socket nobody
    # reads): ackg's message says to raise --timeout, which a client of the server cannot do.
    import socket

    from asean_customs_kg.backends.stores import EndpointBackend
    from asean_customs_kg.errors import EnvError
    from asean_customs_kg.web.service import http_error

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/sparql"
        with pytest.raises(EnvError) as raised:
            EndpointBackend(url, timeout=0.2).query("ASK { ?s ?p ?o }")
    assert str(raised.value).endswith("; try again later or raise --timeout")
    answer = http_error(raised.value)
    assert (answer.status, answer.message) == (
        502,
        f"the SPARQL endpoint {url} did not answer within 0.2 s; try again later",
    )

"""Output formats, checked against their standards by reading them back.

SPARQL 1.1 Query Results JSON and TSV are read back with pyoxigraph's results parser, CSV with
Python's csv module (RFC 4180), RDF with pyoxigraph's RDF parsers; each must give back the
same terms (CSV keeps only the plain values, as the standard says).
"""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph
import pytest

from asean_customs_kg.backends.embedded import default_backend
from asean_customs_kg.errors import UsageError
from asean_customs_kg.query.catalogue import SavedQuery, list_queries
from asean_customs_kg.query.formats import format_records, format_result
from asean_customs_kg.query.queries import bindings_for, run_query
from asean_customs_kg.rdf.results import Result
from asean_customs_kg.rdf.sparqltext import bind_values
from asean_customs_kg.web.negotiation import write_result

XSD = "http://www.w3.org/2001/XMLSchema#"

# A result with every kind of term and awkward text: quotes, commas, tabs, newlines, pipes.
TRICKY = Result(
    "select",
    variables=["iri", "text", "tagged", "number", "date", "blank", "unbound"],
    solutions=[
        (
            pyoxigraph.NamedNode("https://example.org/a?b=c,d"),
            pyoxigraph.Literal('say "hi",\tthen\nleave | now \\ ok'),
            pyoxigraph.Literal("Siem Reap", language="en"),
            pyoxigraph.Literal("15", datatype=pyoxigraph.NamedNode(XSD + "integer")),
            pyoxigraph.Literal("2006-06-06", datatype=pyoxigraph.NamedNode(XSD + "date")),
            pyoxigraph.BlankNode("b0"),
            None,
        ),
        (pyoxigraph.NamedNode("urn:x"), pyoxigraph.Literal(""), None, None, None, None, None),
    ],
)


def _solutions(text: str, fmt: pyoxigraph.QueryResultsFormat) -> list[tuple[object, ...]]:
    parsed = pyoxigraph.parse_query_results(text, fmt)
    assert isinstance(parsed, pyoxigraph.QuerySolutions)
    names = [variable.value for variable in parsed.variables]
    return [tuple(solution[name] for name in names) for solution in parsed]


def test_json_is_sparql_results_json() -> None:
    text = format_result(TRICKY, "json")
    document = json.loads(text)
    assert document["head"] == {"vars": TRICKY.variables}
    first = document["results"]["bindings"][0]
    assert first["iri"] == {"type": "uri", "value": "https://example.org/a?b=c,d"}
    assert first["tagged"] == {"type": "literal", "value": "Siem Reap", "xml:lang": "en"}
    assert first["number"] == {"type": "literal", "value": "15", "datatype": XSD + "integer"}
    assert first["blank"] == {"type": "bnode", "value": "b0"}
    assert "unbound" not in first
    assert "datatype" not in first["text"]
    assert _solutions(text, pyoxigraph.QueryResultsFormat.JSON) == [
        tuple(pyoxigraph.BlankNode("b0") if isinstance(t, pyoxigraph.BlankNode) else t for t in row)
        for row in TRICKY.solutions
    ]


def test_tsv_is_sparql_results_tsv() -> None:
    text = format_result(TRICKY, "tsv")
    lines = text.split("\n")
    assert lines[0] == "?iri\t?text\t?tagged\t?number\t?date\t?blank\t?unbound"
    assert "\r" not in text
    assert lines[1].split("\t")[3] == "15"  # integers in their short form
    parsed = _solutions(text, pyoxigraph.QueryResultsFormat.TSV)
    assert [row[:5] for row in parsed] == [row[:5] for row in TRICKY.solutions]
    assert parsed[0][6] is None


def test_csv_is_sparql_results_csv() -> None:
    text = format_result(TRICKY, "csv")
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == TRICKY.variables
    assert rows[1] == [
        "https://example.org/a?b=c,d",
        'say "hi",\tthen\nleave | now \\ ok',
        "Siem Reap",
        "15",
        "2006-06-06",
        "_:b0",
        "",
    ]
    assert rows[2] == ["urn:x", "", "", "", "", "", ""]


def test_table_and_markdown_keep_one_line_per_row() -> None:
    table = format_result(TRICKY, "table").splitlines()
    assert len(table) == 4
    assert table[0].split() == TRICKY.variables
    markdown = format_result(TRICKY, "md").splitlines()
    assert len(markdown) == 4
    assert markdown[0] == "| iri | text | tagged | number | date | blank | unbound |"
    assert "leave \\| now" in markdown[2]
    assert markdown[2].count(" | ") == 6


def test_tables_shorten_iris_with_the_querys_prefixes() -> None:
    result = run_query("reports-to")
    table = format_result(result, "table", {"body": "https://w3id.org/asean-customs-kg/id/body/"})
    assert "body:swg-acts" in table
    assert "https://" not in table


def test_ask() -> None:
    yes = Result("ask", boolean=True)
    assert json.loads(format_result(yes, "json")) == {"head": {}, "boolean": True}
    assert format_result(yes, "table") == "true\n"
    assert format_result(Result("ask", boolean=False), "csv") == "false"  # as pyoxigraph writes


@pytest.mark.parametrize(
    ("fmt", "rdf_format"),
    [
        ("ttl", pyoxigraph.RdfFormat.TURTLE),
        ("nt", pyoxigraph.RdfFormat.N_TRIPLES),
        ("jsonld", pyoxigraph.RdfFormat.JSON_LD),
    ],
)
def test_graph_results_are_rdf(fmt: str, rdf_format: pyoxigraph.RdfFormat) -> None:
    result = run_query("resource-description", resource="CCC")
    text = format_result(result, fmt, {"skos": "http://www.w3.org/2004/02/skos/core#"})
    parsed = {quad.triple for quad in pyoxigraph.parse(text, format=rdf_format)}
    assert parsed == set(result.triples)
    assert len(parsed) > 5


def test_a_format_that_does_not_fit_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as caught:
        format_result(run_query("reports-to"), "ttl")
    assert str(caught.value) == (
        "this query returns a table, which cannot be written as ttl; "
        "use --format table, csv, tsv, json, md"
    )
    with pytest.raises(UsageError, match="returns RDF"):
        format_result(run_query("resource-description", resource="CCC"), "csv")


def test_records() -> None:
    rows = [["a,b", 'say "x"'], ["c", "d"]]
    assert format_records(["x", "y"], rows, "csv") == 'x,y\r\n"a,b","say ""x"""\r\nc,d\r\n'
    assert json.loads(format_records(["x", "y"], rows, "json"))[0] == {"x": "a,b", "y": 'say "x"'}
    assert format_records(["x", "y"], rows, "tsv").splitlines()[0] == "x\ty"


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        ("json", "application/sparql-results+json"),
        ("tsv", "text/tab-separated-values; charset=utf-8"),
        ("ttl", "text/turtle"),
        ("nt", "application/n-triples"),
        ("jsonld", "application/ld+json"),
    ],
)
def test_a_servers_response_reads_back_into_the_same_result(fmt: str, media_type: str) -> None:
    query = "resource-description" if fmt in ("ttl", "nt", "jsonld") else "reports-to"
    result = (
        run_query(query, resource="CCC") if query == "resource-description" else run_query(query)
    )
    back = Result.from_response(format_result(result, fmt).encode("utf-8"), media_type)
    assert back.form == result.form
    assert back.variables == result.variables
    assert back.solutions == result.solutions
    assert set(back.triples) == set(result.triples)


def test_an_unknown_response_type_is_refused() -> None:
    with pytest.raises(ValueError, match="text/html"):
        Result.from_response(b"<html/>", "text/html")


@pytest.mark.parametrize(
    ("written", "canonical"), [("1", "true"), ("0", "false"), ("true", "true"), ("false", "false")]
)
def test_a_servers_boolean_reads_back_in_its_canonical_form(written: str, canonical: str) -> None:
    # Virtuoso writes every boolean as 1 or 0: the same value as the embedded engine's true/false.
    body = json.dumps(
        {
            "head": {"vars": ["b", "n"]},
            "results": {
                "bindings": [
                    {
                        "b": {"type": "literal", "datatype": XSD + "boolean", "value": written},
                        "n": {"type": "literal", "datatype": XSD + "integer", "value": "1"},
                    }
                ]
            },
        }
    ).encode("utf-8")
    back = Result.from_response(body, "application/sparql-results+json")
    boolean = pyoxigraph.NamedNode(XSD + "boolean")
    integer = pyoxigraph.NamedNode(XSD + "integer")
    assert back.solutions == [
        (pyoxigraph.Literal(canonical, datatype=boolean), pyoxigraph.Literal("1", datatype=integer))
    ]


def test_a_servers_blank_node_labels_are_made_valid() -> None:
    # Virtuoso labels blank nodes nodeID://b..., which is not a blank node label.
    def node(label: str) -> dict[str, str]:
        return {"type": "bnode", "value": label}

    body = json.dumps(
        {
            "head": {"vars": ["a", "b"]},
            "results": {
                "bindings": [
                    {"a": node("nodeID://b10007"), "b": node("nodeID://b10008")},
                    {"a": node("nodeID://b10008")},
                ]
            },
        }
    ).encode("utf-8")
    back = Result.from_response(body, "application/sparql-results+json")
    (first, second), (third, unbound) = back.solutions
    assert isinstance(first, pyoxigraph.BlankNode)
    assert first != second == third
    assert unbound is None


def _examples(query: SavedQuery) -> dict[str, str]:
    return {p.name: p.example for p in query.parameters if p.example}


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_the_results_formats_are_pyoxigraphs_bytes_for_every_saved_query(name: str) -> None:
    # The oracle: the engine's own answer to the same bound query, serialized by pyoxigraph.
    (query,) = [q for q in list_queries() if q.name == name]
    backend = default_backend()
    bound = bind_values(query.text, bindings_for(query, _examples(query), backend))
    result = run_query(query, _examples(query))
    if result.form == "graph":
        triples = backend.store.query(bound)
        assert isinstance(triples, pyoxigraph.QueryTriples)
        expected = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES)
        assert write_result(result, "nt").encode("utf-8") == expected
        return
    for fmt, oxigraph_format in [
        ("csv", pyoxigraph.QueryResultsFormat.CSV),
        ("tsv", pyoxigraph.QueryResultsFormat.TSV),
        ("json", pyoxigraph.QueryResultsFormat.JSON),
        ("xml", pyoxigraph.QueryResultsFormat.XML),
    ]:
        answer = backend.store.query(bound)
        assert isinstance(answer, pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean)
        expected = answer.serialize(format=oxigraph_format)
        assert write_result(result, fmt).encode("utf-8") == expected, fmt


def test_csv_quotes_an_iri_with_a_comma_that_pyoxigraph_leaves_bare() -> None:
    store = pyoxigraph.Store()
    iri = pyoxigraph.NamedNode("https://example.org/a?b=c,d")
    store.add(pyoxigraph.Quad(iri, iri, pyoxigraph.Literal("x")))
    answer = store.query("SELECT ?s ?o { ?s ?p ?o }")
    assert isinstance(answer, pyoxigraph.QuerySolutions)
    bare = answer.serialize(format=pyoxigraph.QueryResultsFormat.CSV)
    assert bare == b"s,o\r\nhttps://example.org/a?b=c,d,x\r\n"  # three fields, not two
    ours = format_result(Result.from_oxigraph(store.query("SELECT ?s ?o { ?s ?p ?o }")), "csv")
    assert ours == 's,o\r\n"https://example.org/a?b=c,d",x\r\n'

"""``ackg serve`` is safe to put on a network: escaping of hostile data, the security headers,
CORS, the limits, no stack trace, access logs without secrets, loopback by default, and a
clean stop on SIGINT and SIGTERM. The real command, on free loopback ports."""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner

from asean_customs_kg.cli.main import main
from serve_helpers import Answer, Server, copy_project

FIXTURES = Path(__file__).parent / "fixtures" / "web"
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
PRODUCT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server on a copy of the project with a hostile resource and a broken saved query."""
    root = copy_project(tmp_path_factory.mktemp("hostile"))
    (root / "data" / "hostile.ttl").write_bytes((FIXTURES / "hostile.ttl").read_bytes())
    (root / "queries" / "broken.rq").write_text(
        "#+ summary: A broken query\nSELECT ?x WHERE { ?x ?y }\n", encoding="utf-8"
    )
    log = root / "serve.log"
    with Server(root=root, log=log) as running:
        yield running


class _Elements(HTMLParser):
    """The start tags of a page, with their attributes, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _no_markup_from_data(html: str) -> None:
    """No element, event handler or followable link that the hostile data could have made."""
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in ("iframe", "object", "embed"), tag
        if tag == "script":  # a data block, or one of the server's own files
            assert attrs == {"type": "application/ld+json"} or (
                list(attrs) == ["src"] and (attrs["src"] or "").startswith("/static/")
            ), attrs
        if tag == "img":
            assert (attrs.get("src") or "").startswith("/diagram/"), attrs
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), (tag, attrs)
    assert html.count("</script>") == len([tag for tag, _ in parser.tags if tag == "script"])


def test_the_hostile_resource_is_escaped(hostile: Server) -> None:
    page = hostile.get("/id/body/hostile", "text/html")
    assert page.status == 200
    _no_markup_from_data(page.text)
    assert "<h1>&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt; &#34;quoted&#34;" in page.text
    # The javascript: and data: IRIs are shown as text, never linked.
    assert '<span class="iri">javascript:alert(document.cookie)</span>' in page.text
    assert "javascript:alert(&#39;page&#39;)" in page.text
    # Its JSON-LD data block cannot close the script element.
    block = page.text.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "<" not in block and "\\u003c/script\\u003e" in block


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/id/body/ccc",  # the hostile body points here
        "/queries/reports-to?body=CCC",
        "/queries/reports-to?" + urlencode({"body": '"><script>alert(1)</script>'}),
        "/sparql.html?" + urlencode({"query": "</textarea><script>alert(1)</script>"}),
        "/sparql.html?"
        + urlencode(
            {
                "query": "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                "SELECT ?l ?n WHERE { ?b skos:prefLabel ?l ; skos:notation ?n }"
            }
        ),
        "/api/docs",
        "/id/body/%3Cscript%3Ealert(1)%3C/script%3E",
    ],
)
def test_pages_escape_every_value(hostile: Server, path: str) -> None:
    page = hostile.get(path, "text/html")
    assert page.media == "text/html"
    _no_markup_from_data(page.text)


def test_the_diagram_has_no_script(hostile: Server) -> None:
    page = hostile.get("/", "text/html").text
    if '<img src="/diagram/structure.svg"' not in page:
        assert "&lt;script&gt;" in page  # the Mermaid text, escaped
        return
    svg = hostile.get("/diagram/structure.svg").text
    assert "<script" not in svg and "&lt;script&gt;" in svg


def test_security_headers_on_every_answer(hostile: Server) -> None:
    for path, accept in [
        ("/", "text/html"),
        ("/api/reports-to", None),
        ("/id/body/ccc.ttl", None),
        ("/static/style.css", None),
        ("/nothing/here", "text/html"),
        ("/api/broken", None),
    ]:
        answer = hostile.get(path, accept)
        assert answer.headers["content-security-policy"] == CSP, path
        assert answer.headers["x-content-type-options"] == "nosniff", path


def test_cors_is_open_for_reading(hostile: Server) -> None:
    answer = hostile.get("/api/reports-to", headers={"Origin": "https://example.org"})
    assert answer.headers["access-control-allow-origin"] == "*"
    preflight = hostile.request(
        "OPTIONS",
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert preflight.status == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in preflight.headers


def test_a_broken_saved_query_is_a_500_without_a_trace(hostile: Server) -> None:
    answer = hostile.get("/api/broken")
    assert answer.status == 500
    assert answer.text == "broken.rq:3:1: invalid SPARQL: expected OPTIONAL\n"
    assert "Traceback" not in answer.text and str(hostile.root) not in answer.text


def test_access_log_has_no_secrets(hostile: Server) -> None:
    hostile.get(
        "/api/reports-to?body=CPTFWG&token=s3cret-value",
        headers={"Authorization": "Bearer s3cret-bearer"},
    )
    assert hostile.log is not None
    deadline = time.monotonic() + 5
    while "/api/reports-to?" not in hostile.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    log = hostile.log.read_text()
    assert '"GET /api/reports-to?body=***&token=***" 400' in log
    assert "s3cret" not in log and "Traceback" not in log


@pytest.mark.slow
def test_limits() -> None:
    with Server("--timeout", "1", "--max-concurrent", "1", "--max-rows", "5") as limited:
        too_many = limited.get("/api/bodies")
        assert too_many.status == 400
        assert too_many.text == (
            "the result has more than 5 rows, the server's limit; add a LIMIT or narrow the query\n"
        )
        # A cross product of 10^10 rows is refused once its 6th row is read, not read whole
        # (which filled the server's memory, on after the answer at the time limit of 1 s,
        # and answered 503 then).
        product = limited.get("/sparql?" + urlencode({"query": PRODUCT}))
        assert product.status == 400 and product.text == too_many.text
        big = limited.request(
            "POST", "/sparql", b"x" * (64 * 1024 + 1), {"Content-Type": "application/sparql-query"}
        )
        assert big.status == 413
        assert big.text == "the request body is over the server's limit of 65536 bytes\n"
        long = limited.get("/sparql?query=" + "x" * (16 * 1024 + 1))
        assert long.status == 414
        assert long.text == "the query string is over the server's limit of 16384 characters\n"
        slow = limited.get("/sparql?" + urlencode({"query": SLOW}))
        assert slow.status == 503
        assert slow.text == (
            "the query ran longer than the server's limit of 1 s; narrow it or add a LIMIT\n"
        )
        # The slow query's process was killed at the time limit: the only slot is free again
        # (test_serve_processes.py checks the processes themselves).
        assert limited.get("/api/reports-to").status == 200
        # Stopping does not wait for the engine to finish the slow query (minutes of work):
        # a server that waited would be killed after 10 s, and not end with 0.
        assert limited.stop() == 0


def _listening_addresses(port: int) -> set[str]:
    """The local addresses that listen on ``port`` (IPv4, from /proc/net/tcp)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        address, hex_port = fields[1].split(":")
        if int(hex_port, 16) == port and fields[3] == "0A":  # LISTEN
            found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 0)])
def test_binds_loopback_and_stops_cleanly(tmp_path: Path, sig: int, code: int) -> None:
    log = tmp_path / "serve.log"
    server = Server(log=log).start()
    try:
        if Path("/proc/net/tcp").exists():
            assert _listening_addresses(server.port) == {"127.0.0.1"}
        assert f"at http://127.0.0.1:{server.port}/ (Ctrl-C to stop)" in log.read_text()
        assert server.stop(sig) == code  # not killed after 10 s: no code of its own then
    finally:
        server.stop(signal.SIGKILL)
    text = log.read_text()
    assert text.rstrip().endswith("ackg serve: stopped")
    assert "Traceback" not in text


def test_a_port_in_use_is_a_usage_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"ackg: error: cannot listen on 127.0.0.1:{port}: Address already in use; "
        "choose another --port or stop what uses it\n"
    )


@pytest.mark.slow
def test_a_stop_answers_the_running_requests(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    server = Server("--timeout", "30", log=log).start()
    answers: list[object] = []

    def slow() -> None:
        answers.append(server.get("/sparql?" + urlencode({"query": SLOW})))

    client = threading.Thread(target=slow)
    try:
        client.start()
        time.sleep(0.7)
        assert server.stop(signal.SIGTERM) == 0  # before the 10 s after which it is killed
    finally:
        server.stop(signal.SIGKILL)
        client.join(30)
    (answer,) = answers
    assert isinstance(answer, Answer)
    assert answer.status == 503
    assert answer.text == "the server is stopping; try again later\n"
    text = log.read_text()
    assert "Traceback" not in text and text.rstrip().endswith("ackg serve: stopped")


@pytest.mark.parametrize("accept", [None, "text/turtle"])
def test_a_resource_in_turtle_says_its_charset(hostile: Server, accept: str | None) -> None:
    # As the API's Turtle does: without it, a browser shows a non-ASCII label garbled.
    path = "/id/body/hostile" + ("" if accept else ".ttl")
    answer = hostile.get(path, accept)
    assert answer.status == 200
    assert answer.headers["content-type"] == "text/turtle; charset=utf-8"


@pytest.mark.parametrize("field", ["default-graph-uri", "named-graph-uri"])
def test_a_dataset_in_a_posted_form_is_refused(hostile: Server, field: str) -> None:
    # As in a GET's query string: the dataset is fixed, a client must not get the whole graph
    # believing it asked for one graph.
    answer = hostile.request(
        "POST",
        "/sparql",
        urlencode({"query": "ASK { ?s ?p ?o }", field: "http://example.org/g"}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status == 400
    assert answer.text == (
        "default-graph-uri and named-graph-uri are not supported: the dataset is fixed\n"
    )


def test_an_unknown_format_is_refused_before_the_query_runs(hostile: Server) -> None:
    # A refused query shows the order: the format is checked first, so a wrong format never
    # costs a query's time (a slow query would hold a slot until the engine finished it).
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    answer = hostile.get("/sparql?" + urlencode({"query": query, "format": "html"}))
    assert answer.status == 400
    assert answer.text == (
        "unknown format 'html'; expected one of json, xml, csv, tsv, ttl, nt, jsonld\n"
    )


@pytest.mark.slow
def test_a_stop_answers_the_requests_waiting_for_a_slot(tmp_path: Path) -> None:
    # One query runs, the other waits for the only slot: at Ctrl-C both are answered 503 once
    # the grace period is over (the waiting one was a 500 with a stack trace in the log).
    log = tmp_path / "serve.log"
    server = Server("--timeout", "30", "--max-concurrent", "1", log=log).start()
    answers: list[Answer] = []

    def slow() -> None:
        answers.append(server.get("/sparql?" + urlencode({"query": SLOW})))

    clients = [threading.Thread(target=slow) for _ in range(2)]
    try:
        for client in clients:
            client.start()
        time.sleep(0.7)
        assert server.stop(signal.SIGINT) == 130
    finally:
        server.stop(signal.SIGKILL)
        for client in clients:
            client.join(30)
    assert [(answer.status, answer.text) for answer in answers] == [
        (503, "the server is stopping; try again later\n")
    ] * 2
    text = log.read_text()
    assert "Traceback" not in text and text.rstrip().endswith("ackg serve: stopped")


def test_a_query_failing_after_its_answer_logs_no_stack_trace() -> None:
    # The request is answered 503 at the time limit; the query fails later in its thread. Its
    # error must be read, not logged by asyncio with a stack trace ("Future exception was
    # never retrieved", which the access log showed for an endpoint that answered too late).
    import asyncio
    import gc

    from asean_customs_kg.web.limits import HttpError, Limits, QueryRunner

    def fails_late() -> None:
        time.sleep(0.3)
        raise ValueError("too late")

    async def run() -> list[str]:
        reported: list[str] = []
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(lambda _, context: reported.append(context["message"]))
        # Without a pool of query processes: in a worker thread, as for an endpoint.
        runner = QueryRunner(Limits(timeout=0.05), lambda kind, args: fails_late())
        try:
            await runner.run("late", ())
        except HttpError as error:
            reported.append(f"{error.status} {error.message}")
        await asyncio.sleep(0.6)
        gc.collect()
        await asyncio.sleep(0)
        return reported

    assert asyncio.run(run()) == [
        "503 the query ran longer than the server's limit of 0.05 s; narrow it or add a LIMIT"
    ]


@pytest.mark.parametrize(
    "path",
    ["/api/reports-to?body=%FF", "/sparql?query=ASK%7B%7D%C3", "/queries/reports-to?body=CCC%E9"],
)
def test_a_query_string_that_is_not_utf8_is_refused(hostile: Server, path: str) -> None:
    # Decoded, its bytes would become U+FFFD and the query run with a value nobody sent.
    answer = hostile.get(path)
    assert answer.status == 400
    assert answer.text == "the query string is not UTF-8 text\n"


def test_a_posted_form_that_is_not_utf8_is_refused(hostile: Server) -> None:
    answer = hostile.request(
        "POST",
        "/sparql",
        b"query=ASK%7B%7D%FF",
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status == 400
    assert answer.text == "the form is not UTF-8 text\n"


@pytest.mark.parametrize(
    ("path", "varies"),
    [
        ("/api/reports-to", True),
        ("/api/reports-to.csv", False),
        ("/sparql?query=ASK%7B%7D", True),
        ("/sparql?query=ASK%7B%7D&format=xml", False),
        ("/sparql", True),  # the service description, or a redirect for a browser
        ("/id/body/ccc", True),
    ],
)
def test_an_answer_chosen_by_accept_says_so(hostile: Server, path: str, varies: bool) -> None:
    # Without Vary: Accept, a shared cache (a proxy in front of the server) would answer a
    # client asking for CSV with the JSON another client asked for.
    answer = hostile.get(path, headers={"Origin": "https://example.org"})
    assert answer.status == 200
    vary = [name.strip().lower() for name in answer.headers.get("vary", "").split(",")]
    assert ("accept" in vary) == varies, answer.headers.get("vary")

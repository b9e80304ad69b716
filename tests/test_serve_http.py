"""``ackg serve`` at the level of connections: a deadline on the request head (a client that
sends nothing, or a byte now and then, does not keep its connection), a bound on open
connections, and Uvicorn's own answer to a malformed request with the security headers. The
real command on a free loopback port, spoken to through plain sockets."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from serve_helpers import Server

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
#: The server's bound on open connections (asean_customs_kg.web.server.MAX_CONNECTIONS).
MAX_CONNECTIONS = 100
#: How long a test waits for what should happen within seconds (a hang guard, not a check).
GUARD = 30


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    # A query's time limit past the deadline on a request's head, to show the two apart.
    with Server("--timeout", "3", "--request-timeout", "2") as running:
        yield running


def _connect(server: Server) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=GUARD)


def _read_all(sock: socket.socket) -> bytes:
    """What the server sends until it closes the connection."""
    received = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return received
        if not chunk:
            return received
        received += chunk


def _get(server: Server, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=GUARD)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_a_malformed_request_is_a_400_with_the_security_headers(server: Server) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GARBAGE\r\n\r\n")
        answer = _read_all(sock)
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (h.partition(":") for h in lines)}
    assert status == "HTTP/1.1 400 Bad Request"
    assert body == b"Invalid HTTP request received."
    assert headers["content-security-policy"] == CSP
    assert headers["x-content-type-options"] == "nosniff"


@pytest.mark.slow  # waits out the server's deadline on a request head
def test_a_connection_without_a_whole_request_head_is_closed(server: Server) -> None:
    # Uvicorn alone kept both open for as long as the client liked.
    trickled = threading.Event()
    with _connect(server) as silent, _connect(server) as slow:

        def trickle() -> None:
            try:
                slow.sendall(b"GET /api/ HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
                for _ in range(GUARD * 2):
                    time.sleep(0.5)
                    slow.sendall(b"a")
                slow.sendall(b"\r\n\r\n")
                trickled.set()
            except OSError:  # closed by the server
                pass

        sender = threading.Thread(target=trickle)
        sender.start()
        assert _read_all(silent) == b""  # closed without an answer
        assert _read_all(slow) == b""
        sender.join(GUARD * 2)
    assert not trickled.is_set()


@pytest.mark.slow  # requests and a query that run past the deadline, answered all the same
def test_requests_in_time_are_answered_whatever_they_take(server: Server) -> None:
    # A head sent in two parts within the deadline; a query that runs past the deadline (the
    # deadline is the head's, not the request's); two requests on one kept-alive connection,
    # the second sent with the first (pipelined).
    with _connect(server) as sock:
        sock.sendall(b"GET /api/ HTTP/1.1\r\nHost: localhost\r\n")
        time.sleep(1)
        sock.sendall(b"Connection: close\r\n\r\n")
        assert _read_all(sock).startswith(b"HTTP/1.1 200 OK\r\n")
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    status, body = _get(server, "/sparql?" + urlencode({"query": runaway}))
    assert (status, body) == (
        503,
        b"the query ran longer than the server's limit of 3 s; narrow it or add a LIMIT\n",
    )
    with _connect(server) as sock:
        request = b"GET /api/reports-to.csv?body=CPTFWG HTTP/1.1\r\nHost: localhost\r\n"
        sock.sendall(request + b"\r\n" + request + b"Connection: close\r\n\r\n")
        answers = _read_all(sock)
    assert answers.count(b"HTTP/1.1 200 OK\r\n") == 2
    assert answers.count(b"SWG-ACTS") == 2


def test_open_connections_are_bounded(server: Server) -> None:
    idle = [_connect(server) for _ in range(MAX_CONNECTIONS - 1)]
    try:
        deadline = time.monotonic() + GUARD  # until the server has accepted them all
        while (answer := _get(server, "/api/")) != (503, b"Service Unavailable"):
            assert time.monotonic() < deadline, answer[0]
            time.sleep(0.05)
    finally:
        for sock in idle:
            sock.close()
    deadline = time.monotonic() + GUARD  # until the server has seen them closed
    while (status := _get(server, "/api/")[0]) != 200:
        assert time.monotonic() < deadline, status
        time.sleep(0.05)


@pytest.mark.slow  # waits out the deadline on a request's body
def test_a_request_body_that_does_not_arrive_is_a_408(server: Server) -> None:
    with _connect(server) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/sparql-query\r\nContent-Length: 100\r\n\r\nASK {"
        )
        answer = _read_all(sock)
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert answer.endswith(b"\r\n\r\nthe request body did not arrive within 2 s\n")

"""A small HTTP server on 127.0.0.1 for the tests: it records every request that reaches it
(method, path, headers, body) and answers with what the test chose, so that a test can check
what a command sent, or that it sent nothing at all."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, NamedTuple


class Request(NamedTuple):
    """A request that reached the server."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Answer(NamedTuple):
    """What the server answers: a status, a body, and headers."""

    status: int
    body: bytes
    headers: dict[str, str]


#: How often a serving thread looks for a stop: at the standard library's default of 0.5 s, every
#: test that stops a server would wait that long for it.
POLL = 0.01

#: Chooses the answer to a request.
Responder = Callable[[Request], Answer]

ASK_TRUE = Answer(
    200, b'{"head":{},"boolean":true}', {"Content-Type": "application/sparql-results+json"}
)


class RecordingServer:
    """``with RecordingServer(responder) as server:`` serves on ``server.url`` and records the
    requests in ``server.requests``; the thread stops at the end of the block."""

    def __init__(self, responder: Responder | None = None) -> None:
        self.responder = responder or (lambda request: ASK_TRUE)
        self.requests: list[Request] = []
        recording = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(
                    self.command, self.path, dict(self.headers.items()), self.rfile.read(length)
                )
                recording.requests.append(request)
                answer = recording.responder(request)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            do_GET = do_POST = _handle

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(POLL,), daemon=True)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> RecordingServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(10)

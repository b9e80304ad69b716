"""Running the web application: the socket, Uvicorn, the logs, and stopping on a signal.

:func:`serve` loads the graph first (a broken file or an unreachable endpoint is an error
of the command, before anything listens), binds the socket itself (so that an address in use
is a one-line error, exit code 2), then runs Uvicorn until SIGINT (Ctrl-C; exit code 130) or
SIGTERM (exit code 0) stops it: it stops accepting, lets running requests end (at most
:data:`GRACE` seconds), ends its query processes (:mod:`.workers`) and exits. Queries still
running in the engine do not hold up the exit.

The access log (one line per request on standard error) shows the client, the method, the
path with every query value masked, the status, the size and the time; never a header.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import sys
from collections.abc import Iterator
from types import FrameType
from typing import IO

from ..backends.embedded import Backend
from ..errors import EXIT_INTERRUPTED, EXIT_OK, EnvError
from ..resources import Root
from .limits import Limits

__all__ = ["GRACE", "serve"]

#: Seconds that running requests are given to end after a stop signal.
GRACE = 3


def _listen(host: str, port: int) -> socket.socket:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise EnvError(f"cannot listen on {host}: {error.strerror or error}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as error:
        sock.close()
        raise EnvError(
            f"cannot listen on {host}:{port}: {error.strerror or error}; "
            "choose another --port or stop what uses it"
        ) from None
    sock.setblocking(False)
    return sock


def _server_class() -> type:
    import uvicorn

    class Server(uvicorn.Server):
        """Uvicorn's server, which records the stop signals instead of raising them again
        once it has stopped (the command returns its exit code instead)."""

        def __init__(self, config: uvicorn.Config, received: list[int]) -> None:
            super().__init__(config)
            self.received = received

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            def stop(number: int, frame: FrameType | None) -> None:
                self.received.append(number)
                self.handle_exit(number, frame)

            previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    return Server


def _protocol_class() -> type:
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    from .headers import SECURITY_HEADERS

    class Protocol(H11Protocol):
        """Uvicorn's HTTP/1.1 protocol with a deadline on the request head (Uvicorn has none:
        its keep-alive timeout is put off by every byte that arrives, and does not run before
        the first request, so a client could hold a connection by sending nothing, or a byte
        now and then), and the security headers on its own 400 for a malformed request."""

        _head_deadline: asyncio.TimerHandle | None = None
        _awaited_after: object = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._await_head()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            self._check_head()

        def on_response_complete(self) -> None:
            self._await_head()
            super().on_response_complete()  # a pipelined request may start here
            self._check_head()

        def connection_lost(self, exc: Exception | None) -> None:
            self._stop_waiting()
            super().connection_lost(exc)

        def _await_head(self) -> None:
            """A request head must now arrive within the deadline (after ``self.cycle``)."""
            self._stop_waiting()
            self._awaited_after = self.cycle
            self._head_deadline = self.loop.call_later(self.timeout_keep_alive, self._too_late)

        def _check_head(self) -> None:
            if self.cycle is not self._awaited_after:  # a request head has arrived whole
                self._stop_waiting()

        def _stop_waiting(self) -> None:
            if self._head_deadline is not None:
                self._head_deadline.cancel()
                self._head_deadline = None

        def _too_late(self) -> None:
            self._head_deadline = None
            if not self.transport.is_closing():
                self.transport.close()

        def send_400_response(self, msg: str) -> None:
            headers = [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"connection", b"close"),
                *SECURITY_HEADERS,
            ]
            for event in (
                h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
                h11.Data(data=msg.encode("ascii")),
                h11.EndOfMessage(),
            ):
                output = self.conn.send(event)
                if output:
                    self.transport.write(output)
            self.transport.close()

    return Protocol


def _logging(stream: IO[str]) -> None:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    web = logging.getLogger("asean_customs_kg.web")
    web.handlers[:] = [handler]
    web.setLevel(logging.INFO)
    web.propagate = False
    for name in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.WARNING)
        logger.propagate = False


def serve(
    backend: Backend,
    root: Root,
    *,
    where: str,
    detail: str = "",
    host: str = "127.0.0.1",
    port: int = 8000,
    limits: Limits | None = None,
    stream: IO[str] | None = None,
) -> int:
    """Serves the graph that ``backend`` queries until a signal stops it; returns the exit
    code (130 after SIGINT, 0 after SIGTERM). ``where`` says what the graph is, on the pages;
    ``detail`` where it is (a directory, a URL with its secrets masked), in the log only.
    The SPARQL page has the YASGUI editor when its files were fetched (:mod:`.yasgui`)."""
    import uvicorn

    server_class = _server_class()
    from .app import create_app
    from .service import Service

    out = stream if stream is not None else sys.stderr
    limits = limits or Limits()
    service = Service(backend, root, limits, where=where)
    from .yasgui import installed

    app = create_app(service, installed())
    # Load (or reach) the graph now: its errors are the command's, with their exit codes. The
    # query processes are started here, before any socket or Uvicorn's threads (see .workers).
    service.start()
    try:
        sock = _listen(host, port)
    except BaseException:
        service.stop()
        raise
    bound = sock.getsockname()
    shown = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
    _logging(out)
    config = uvicorn.Config(
        app,
        log_config=None,
        access_log=False,
        lifespan="off",
        server_header=False,
        timeout_graceful_shutdown=GRACE,
        http=_protocol_class(),
        timeout_keep_alive=limits.head_timeout,
        limit_concurrency=limits.connections,
        h11_max_incomplete_event_size=limits.max_query_string + 8 * 1024,
    )
    received: list[int] = []
    server = server_class(config, received)
    print(
        f"ackg serve: {where}{f' ({detail})' if detail else ''} at "
        f"http://{shown}:{bound[1]}/ (Ctrl-C to stop)",
        file=out,
        flush=True,
    )
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        received.append(signal.SIGINT)
    finally:
        sock.close()
        service.stop()
    print("ackg serve: stopped", file=out, flush=True)
    return EXIT_INTERRUPTED if signal.SIGINT in received else EXIT_OK

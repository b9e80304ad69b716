"""The limits that make the server safe to put on a network, and the errors they raise.

* At most ``concurrent`` queries run at once; a request that cannot start one within the time
  limit is answered 503.
* A query that runs longer than ``timeout`` seconds is answered 503 at that time. The engine
  cannot stop a running query: on the project's files and on an on-disk store, each query
  runs in a query process (:mod:`.workers`), which is killed at the time limit and replaced
  at once, so its slot is free again. An endpoint's queries run in worker threads (daemons,
  which never hold up the server's exit), each bounded by the endpoint's own time limit.
* A result of more than ``max_rows`` rows (or triples) is answered 400, asking for a
  ``LIMIT``; no more than that is read from the engine (see ``Service``), so a query answered
  at the time limit does not go on filling the memory.
* A request body of more than ``max_body`` bytes is answered 413, a query string longer than
  ``max_query_string`` characters 414.
* A request's head must arrive within ``head_timeout`` seconds, and then its body within as
  many (408); at most ``connections`` connections are served at once (503 beyond them).

:class:`HttpError` carries the status and a one-line message; the application turns it (and
the library's own errors) into the response, never showing a stack trace.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from .workers import Handler, Job, Pool, ProcessDied, Worker

__all__ = ["HttpError", "Limits", "QueryRunner"]

_T = TypeVar("_T")
error_log = logging.getLogger("asean_customs_kg.web")


class HttpError(Exception):
    """An answer other than 200: ``status`` and a one-line ``message`` for the client."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = " ".join(message.split())
        self.headers = headers or {}


@dataclass(frozen=True)
class Limits:
    """The server's limits (see the module doc); the defaults are those of ``ackg serve``."""

    timeout: float = 10.0
    max_rows: int = 10_000
    concurrent: int = 4
    max_body: int = 64 * 1024
    max_query_string: int = 16 * 1024
    #: Seconds a client has to send a request's head (on a new connection, and after each
    #: answer on a kept-alive one), and then its body; the connection is closed, or the
    #: request answered 408.
    head_timeout: int = 5
    #: Open connections (and running requests) beyond which Uvicorn answers a request 503
    #: and closes its connection.
    connections: int = 100


class QueryRunner:
    """Runs the jobs of ``handler`` within the :class:`Limits`: in the query processes of
    ``pool`` (see :mod:`.workers`), or, without one, in worker threads."""

    def __init__(self, limits: Limits, handler: Handler, pool: Pool | None = None) -> None:
        self.limits = limits
        self.handler = handler
        self.pool = pool
        self._slots = asyncio.Semaphore(limits.concurrent)

    async def run(self, kind: str, args: tuple[Any, ...]) -> Any:
        """The job ``kind`` with ``args``; :class:`HttpError` 503 when no slot frees up, or
        the job does not end, within the time limit."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.limits.timeout
        try:
            await asyncio.wait_for(self._slots.acquire(), self.limits.timeout)
        except asyncio.CancelledError:
            raise HttpError(503, "the server is stopping; try again later") from None
        except (asyncio.TimeoutError, TimeoutError):
            raise self._busy() from None
        if self.pool is not None:
            if loop.time() >= deadline:  # a slot came free too late for this request
                self._slots.release()
                raise self._busy()
            try:
                return await self._in_process(self.pool, (kind, args), deadline)
            finally:
                self._slots.release()
        return await self._in_thread(lambda: self.handler(kind, args), deadline)

    def _busy(self) -> HttpError:
        return HttpError(
            503,
            "the server is busy (its limit of concurrent queries, "
            f"{self.limits.concurrent}, is reached); try again later",
            {"Retry-After": "5"},
        )

    async def _in_process(self, pool: Pool, job: Job, deadline: float) -> Any:
        """``job`` in a query process, killed (and replaced) when it passes the time limit
        or its request stops waiting."""
        loop = asyncio.get_running_loop()
        try:
            worker = pool.take()
        except ProcessDied:
            raise HttpError(503, "the server cannot start a query; try again later") from None
        try:
            value = await asyncio.wait_for(pool.call(worker, job), max(0.0, deadline - loop.time()))
        except asyncio.CancelledError:
            pool.kill(worker)  # the server is stopping: no replacement
            raise HttpError(503, "the server is stopping; try again later") from None
        except (asyncio.TimeoutError, TimeoutError):
            await _replace(pool, worker)
            raise HttpError(
                503,
                f"the query ran longer than the server's limit of {self.limits.timeout:g} s; "
                "narrow it or add a LIMIT",
            ) from None
        except ProcessDied:
            await _replace(pool, worker)
            error_log.error("a query process ended without answering; it was replaced")
            raise HttpError(500, "the query stopped the engine; the server goes on") from None
        except BaseException:
            pool.give_back(worker)  # it answered: the error is the job's
            raise
        pool.give_back(worker)
        return value

    async def _in_thread(self, work: Callable[[], _T], deadline: float) -> _T:
        """``work()`` in a worker thread (for an endpoint, whose requests time out by
        themselves); the slot is held until the thread ends."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[_T] = loop.create_future()
        future.add_done_callback(lambda _: self._slots.release())
        # Read the error of a query whose request has stopped waiting (at the time limit), so
        # that asyncio does not log it with its stack trace as an error never retrieved.
        future.add_done_callback(lambda done: done.cancelled() or done.exception())

        def settle(value: _T | None, error: BaseException | None) -> None:
            if future.cancelled():
                return
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(value)  # type: ignore[arg-type]

        def worker() -> None:
            outcome: tuple[_T | None, BaseException | None]
            try:
                outcome = (work(), None)
            except BaseException as error:  # raised again in the request
                outcome = (None, error)
            with contextlib.suppress(RuntimeError):  # the server has stopped meanwhile
                loop.call_soon_threadsafe(settle, *outcome)

        # A daemon thread, so that a query that does not end never holds up the exit.
        try:
            threading.Thread(target=worker, name="ackg-query", daemon=True).start()
        except BaseException:
            future.cancel()
            raise
        try:
            return await asyncio.wait_for(asyncio.shield(future), max(0.0, deadline - loop.time()))
        except asyncio.CancelledError:
            # The server is stopping and its grace period is over: the client gets an answer
            # (the query itself goes on in its thread until the process ends).
            raise HttpError(503, "the server is stopping; try again later") from None
        except (asyncio.TimeoutError, TimeoutError):
            raise HttpError(
                503,
                f"the query ran longer than the server's limit of {self.limits.timeout:g} s; "
                "narrow it or add a LIMIT",
            ) from None

    def check_size(self, rows: int) -> None:
        """:class:`HttpError` 400 when a result of ``rows`` rows is over the limit."""
        if rows > self.limits.max_rows:
            raise HttpError(
                400,
                f"the result has {rows} rows, more than the server's limit of "
                f"{self.limits.max_rows}; add a LIMIT or narrow the query",
            )


async def _replace(pool: Pool, worker: Worker) -> None:
    """Kills ``worker`` and starts another in its place (in a thread: a fork of a large
    graph's process takes a moment), leaving a missing one to :meth:`Pool.take`."""
    with contextlib.suppress(ProcessDied):
        await asyncio.to_thread(pool.replace, worker)

"""The limits that make the server safe to put on a network, and the errors they raise.

* At most ``concurrent`` queries run at once, each in a worker thread (a daemon, which
  never holds up the server's exit); a request that cannot
  start one within the time limit is answered 503.
* A query that runs longer than ``timeout`` seconds is answered 503 at that time. The engine
  cannot stop a running query, so the worker finishes it and the slot stays taken until it
  does: a flood of slow queries fills the slots and is then refused at once, instead of
  piling up threads.
* A result of more than ``max_rows`` rows (or triples) is answered 400, asking for a
  ``LIMIT``; no more than that is read from the engine (see ``Service``), so a query answered
  at the time limit does not go on filling the memory.
* A request body of more than ``max_body`` bytes is answered 413, a query string longer than
  ``max_query_string`` characters 414.

:class:`HttpError` carries the status and a one-line message; the application turns it (and
the library's own errors) into the response, never showing a stack trace.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

__all__ = ["HttpError", "Limits", "QueryRunner"]

_T = TypeVar("_T")


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


class QueryRunner:
    """Runs blocking query work in worker threads within the :class:`Limits`."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._slots = asyncio.Semaphore(limits.concurrent)

    async def run(self, work: Callable[[], _T]) -> _T:
        """``work()`` in a worker thread; :class:`HttpError` 503 when no slot frees up, or
        the work does not end, within the time limit."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.limits.timeout
        try:
            await asyncio.wait_for(self._slots.acquire(), self.limits.timeout)
        except asyncio.CancelledError:
            raise HttpError(503, "the server is stopping; try again later") from None
        except (asyncio.TimeoutError, TimeoutError):
            raise HttpError(
                503,
                "the server is busy (its limit of concurrent queries, "
                f"{self.limits.concurrent}, is reached); try again later",
                {"Retry-After": "5"},
            ) from None
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

        # A daemon thread, so that a query the engine cannot stop never holds up the exit.
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

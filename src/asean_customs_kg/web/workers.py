"""Query processes that the server can kill: the engine cannot stop a running query, so the
queries of the project's files and of an on-disk store run in processes of their own, and a
query that passes the time limit is stopped by killing its process.

When the server starts, it forks one *template* process, before Uvicorn runs and before any
query thread (the one other thread then, the Ctrl-C watchdog, waits on a pipe and holds no
lock across the fork). The template never starts a thread; it forks each query process on
request and reaps it. The graph comes with the forks: the project's files are loaded in
memory before the template is forked and shared copy-on-write; an on-disk store is never
opened in the server or the template, and each query process opens it read-only for itself
(a store's engine keeps threads and locks that a fork would not copy whole).

A query process answers one job at a time over a socket pair: a job is a name and its
arguments, pickled; the answer is its value, or the error it raised. The server kills a query
process whose job passes the time limit and starts another at once, so that its slot is free
again; a process that dies (a fault in the engine) is replaced too, and its request answered
500.

The template and the query processes ignore SIGINT (a Ctrl-C in a terminal reaches the whole
process group; the server stops them itself). The template kills and reaps every query
process, then ends, when its control socket closes: when the server stops, or dies.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import socket
import struct
import threading
import time
from collections.abc import Callable
from typing import Any, NoReturn

__all__ = ["Handler", "Job", "Pool", "ProcessDied", "Worker"]

#: A job: its name and its arguments. The handler runs it in a query process.
Job = tuple[str, tuple[Any, ...]]
Handler = Callable[[str, tuple[Any, ...]], Any]

_SIZE = struct.Struct("!Q")
#: Seconds that :meth:`Pool.close` waits for the template to end before it kills it.
_CLOSE_WAIT = 5.0


class ProcessDied(Exception):
    """The query process ended without answering (a fault in the engine, or it was killed)."""


def _frame(value: object) -> bytes:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return _SIZE.pack(len(data)) + data


def _read_exactly(sock: socket.socket, size: int) -> bytes:
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        count = sock.recv_into(view[got:])
        if count == 0:
            raise ProcessDied
        got += count
    return bytes(buffer)


def _read_frame(sock: socket.socket) -> Any:
    (size,) = _SIZE.unpack(_read_exactly(sock, _SIZE.size))
    return pickle.loads(_read_exactly(sock, size))


def _answer(handler: Handler, job: Job) -> bytes:
    """The framed answer to ``job``: ``("ok", value)``, ``("raise", (class, args, attributes))``
    for an error (rebuilt without calling its ``__init__``, whose signature pickle does not
    know), or, for one that cannot cross to the server, ``("failed", its class name)``."""
    try:
        return _frame(("ok", handler(*job)))
    except Exception as error:
        try:
            framed = _frame(("raise", (type(error), error.args, vars(error))))
            pickle.loads(framed[_SIZE.size :])
        except Exception:
            return _frame(("failed", type(error).__name__))
        return framed


def _query_process(sock: socket.socket, handler: Handler, prepare: Callable[[], None]) -> NoReturn:
    """The loop of a query process: one job at a time until the server closes the socket."""
    try:
        with contextlib.suppress(Exception):  # an error here is the first job's to report
            prepare()
        while True:
            try:
                job = _read_frame(sock)
            except (ProcessDied, OSError):
                break
            answer = _answer(handler, job)
            try:
                sock.sendall(answer)
            except OSError:
                break
    finally:
        os._exit(0)


def _template(control: socket.socket, handler: Handler, prepare: Callable[[], None]) -> NoReturn:
    """The loop of the template: ``spawn`` (with the query process's socket) forks a query
    process and answers its PID; ``kill PID`` kills and reaps one. Ends, killing every query
    process, when the control socket closes."""
    children: set[int] = set()
    try:
        # What the template holds is never freed: kept out of the collector's sight, its pages
        # stay shared with the query processes instead of being copied when one collects.
        gc.freeze()
        while True:
            try:
                message, fds, _, _ = socket.recv_fds(control, 64, 1)
            except OSError:
                break
            if not message:
                break
            if message == b"spawn" and len(fds) == 1:
                pid = os.fork()
                if pid == 0:
                    control.close()
                    _query_process(socket.socket(fileno=fds[0]), handler, prepare)
                os.close(fds[0])
                children.add(pid)
                control.send(str(pid).encode())
            elif message.startswith(b"kill ") and int(message[5:]) in children:
                pid = int(message[5:])
                # A child not yet reaped keeps its PID: this never signals another process.
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                children.discard(pid)
            else:
                for fd in fds:
                    os.close(fd)
            for pid in list(children):  # those that ended by themselves
                with contextlib.suppress(ChildProcessError):
                    if os.waitpid(pid, os.WNOHANG)[0] == pid:
                        children.discard(pid)
    finally:
        for pid in children:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        for pid in children:
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
        os._exit(0)


class Worker:
    """A query process: its ``pid`` and the server's end of its socket (non-blocking)."""

    __slots__ = ("pid", "sock")

    def __init__(self, pid: int, sock: socket.socket) -> None:
        self.pid = pid
        self.sock = sock


class Pool:
    """``size`` query processes that run jobs with ``handler``; ``prepare`` runs once in
    each, before its first job (e.g. to open a store)."""

    def __init__(self, size: int, handler: Handler, prepare: Callable[[], None]) -> None:
        self.size = size
        self._handler = handler
        self._prepare = prepare
        self._control: socket.socket | None = None
        self._template_pid = 0
        self._lock = threading.Lock()
        self._idle: list[Worker] = []

    def start(self) -> None:
        """Forks the template and the query processes (before the server opens a socket or
        starts a thread)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid = os.fork()
        if pid == 0:  # the template
            try:
                ours.close()
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                with contextlib.suppress(ValueError, OSError):
                    signal.set_wakeup_fd(-1)
            finally:
                _template(theirs, self._handler, self._prepare)
        theirs.close()
        self._control, self._template_pid = ours, pid
        try:
            self._idle = [self.spawn() for _ in range(self.size)]
        except BaseException:
            self.close()
            raise

    def spawn(self) -> Worker:
        """A new query process; :class:`ProcessDied` when the template has ended."""
        ours, theirs = socket.socketpair()
        try:
            with self._lock:
                if self._control is None:
                    raise ProcessDied
                try:
                    socket.send_fds(self._control, [b"spawn"], [theirs.fileno()])
                    reply = self._control.recv(64)
                except OSError:
                    raise ProcessDied from None
            if not reply:
                raise ProcessDied
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        ours.setblocking(False)
        return Worker(int(reply), ours)

    def kill(self, worker: Worker) -> None:
        """Kills ``worker`` (its job, if any, is lost); the template reaps it before it
        answers the next ``spawn``."""
        worker.sock.close()
        with self._lock:
            if self._control is not None:
                with contextlib.suppress(OSError):
                    self._control.send(b"kill %d" % worker.pid)

    def replace(self, worker: Worker) -> None:
        """Kills ``worker`` and puts a new query process in its place among the idle ones."""
        self.kill(worker)
        self._idle.append(self.spawn())

    def take(self) -> Worker:
        """An idle query process (a new one if none is left, after a failed replacement)."""
        if self._idle:
            return self._idle.pop()
        return self.spawn()

    def give_back(self, worker: Worker) -> None:
        """``worker`` has answered its job: it is idle again."""
        self._idle.append(worker)

    async def call(self, worker: Worker, job: Job) -> Any:
        """Runs ``job`` on ``worker``; its value, or the error it raised; :class:`ProcessDied`
        when the process ends without answering."""
        import asyncio

        loop = asyncio.get_running_loop()
        sock = worker.sock
        try:
            await loop.sock_sendall(sock, _frame(job))
            (size,) = _SIZE.unpack(await _read_async(loop, sock, _SIZE.size))
            answer = pickle.loads(await _read_async(loop, sock, size))
        except OSError:
            raise ProcessDied from None
        return _settle(answer)

    def call_now(self, job: Job) -> Any:
        """Runs ``job`` on an idle query process and waits for it (before the server runs)."""
        worker = self.take()
        sock = worker.sock
        sock.setblocking(True)
        try:
            sock.sendall(_frame(job))
            answer = _read_frame(sock)
        except (ProcessDied, OSError):
            self.replace(worker)
            raise ProcessDied from None
        sock.setblocking(False)
        self.give_back(worker)
        return _settle(answer)

    def pids(self) -> list[int]:
        """The PIDs of the idle query processes."""
        return [worker.pid for worker in self._idle]

    def close(self) -> None:
        """Ends the query processes and the template, and waits (briefly) for the template."""
        for worker in self._idle:
            worker.sock.close()
        self._idle = []
        with self._lock:
            control, self._control = self._control, None
        if control is not None:
            control.close()
        pid, self._template_pid = self._template_pid, 0
        if not pid:
            return
        deadline = time.monotonic() + _CLOSE_WAIT
        while time.monotonic() < deadline:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
            time.sleep(0.01)
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


async def _read_async(loop: Any, sock: socket.socket, size: int) -> bytes:
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        count = await loop.sock_recv_into(sock, view[got:])
        if count == 0:
            raise ProcessDied
        got += count
    return bytes(buffer)


def _settle(answer: tuple[str, Any]) -> Any:
    status, value = answer
    if status == "ok":
        return value
    if status == "raise":
        kind, args, attributes = value
        error = kind.__new__(kind, *args)
        error.args = args
        error.__dict__.update(attributes)
        raise error
    raise RuntimeError(f"a query process failed with {value}")

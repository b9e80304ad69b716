"""Ctrl-C during work that does not come back to Python for a long time.

Python raises :class:`KeyboardInterrupt` in the main thread only when that thread runs Python
code. A pyoxigraph query is evaluated in Rust: an aggregate or an ``ORDER BY`` over a large
join may run for minutes without coming back, and Ctrl-C went unheard until it ended. The
engine releases the interpreter while it computes, so another thread can listen:

* :func:`run_interruptibly` runs a function in a worker thread and waits for it in a wait
  that a signal breaks: Ctrl-C raises :class:`KeyboardInterrupt` in the caller at once. The
  abandoned computation goes on in the worker until it ends (pyoxigraph cannot cancel a
  query); a process that exits does not wait for it. The embedded and on-disk backends run
  their queries this way, so the library is interruptible too (in a REPL, a notebook). The
  ``ackg`` script's saved-query path, which the watchdog covers, runs them in the main thread
  instead (:data:`IN_CALLER`): starting a thread would cost the cold query more than it saves.
* :class:`Watchdog` is the ``ackg`` command's guarantee for everything else (a long load,
  the checks of a large validation): it is told of each SIGINT through the signal module's
  wake-up descriptor, and when the main thread has not ended the command within
  :data:`GRACE` seconds, it stops the command's child processes, runs the exit handlers
  (which remove temporary directories) and ends the process with exit code 130. A command
  that has put a SIGINT handler of its own in place (``ackg serve``, which gives running
  requests time to end) keeps the duty to stop: the watchdog leaves it alone.

Both use the low-level ``_thread`` module rather than ``threading``, whose import would cost
the cold saved-query path more than the thread itself.
"""

from __future__ import annotations

import _thread
import contextvars
import os
import sys
from collections.abc import Callable

from .errors import EXIT_INTERRUPTED

# ``typing`` is not imported at run time: it would cost the cold saved-query path (mypy reads
# this block; the names below are plain at run time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypeVar

    _T = TypeVar("_T")

    import signal
else:  # the C module: the signal module's enums would cost the cold saved-query path
    import _signal as signal

__all__ = [
    "GRACE",
    "IN_CALLER",
    "SCRATCH",
    "HeldInterrupts",
    "Watchdog",
    "run_interruptibly",
]

#: Seconds the main thread is given to end the command after SIGINT before the watchdog does.
GRACE = 0.6
#: True while a :class:`Watchdog` covers the calling thread's command (the ``ackg`` script's
#: saved-query path sets it): :func:`run_interruptibly` then runs its function in the caller,
#: and Ctrl-C ends a long query by the watchdog, within :data:`GRACE` seconds. Starting and
#: waking a worker thread costs a cold query up to a few milliseconds on a busy machine.
IN_CALLER: contextvars.ContextVar[bool] = contextvars.ContextVar("IN_CALLER", default=False)
#: Temporary directories of the command's child processes (added and removed by their owner):
#: the watchdog removes them itself before the exit handlers, which may never end (below).
SCRATCH: set[str] = set()
#: Seconds the watchdog gives the exit handlers. A Ctrl-C that lands in one of CPython's
#: at-fork hooks is swallowed there and can leave a lock (logging's) held by the main thread,
#: which an exit handler then waits for forever: the process ends all the same.
EXIT_HANDLERS_GRACE = 2.0


def run_interruptibly(function: Callable[[], _T]) -> _T:
    """``function()``, run in a worker thread while the caller waits for it; Ctrl-C (in the
    main thread) raises :class:`KeyboardInterrupt` at once instead of when ``function`` ends.
    What ``function`` raises is raised in the caller. While :data:`IN_CALLER` is set, it runs
    in the calling thread instead."""
    if IN_CALLER.get():
        return function()
    done = _thread.allocate_lock()
    done.acquire()
    outcome: list[tuple[bool, object]] = []

    def work() -> None:
        try:
            outcome.append((True, function()))
        except BaseException as error:  # raised again in the caller
            outcome.append((False, error))
        finally:
            done.release()

    # In the caller's context, so that its settings (a server's row limit) hold in the worker.
    _thread.start_new_thread(contextvars.copy_context().run, (work,))
    done.acquire()  # a signal breaks this wait (POSIX), and its handler raises here
    succeeded, value = outcome[0]
    if not succeeded:
        assert isinstance(value, BaseException)
        raise value
    return value  # type: ignore[return-value]


class Watchdog:
    """Ends the process with exit code 130 when the main thread has not ended the command
    within :data:`GRACE` seconds of a SIGINT (see the module doc).

    Create it at the start of a command, in the main thread, and call :meth:`stand_down` when
    the command has ended (normally or by handling the interrupt). Outside the main thread it
    does nothing.
    """

    def __init__(self, grace: float = GRACE, prog: str = "ackg") -> None:
        self._grace = grace
        self._message = f"{prog}: error: interrupted\n".encode()
        self._active = False
        self._read, self._write = os.pipe()
        os.set_blocking(self._write, False)
        try:
            self._previous = signal.set_wakeup_fd(self._write, warn_on_full_buffer=False)
        except ValueError:  # not the main thread: signals are not delivered here anyway
            os.close(self._read)
            os.close(self._write)
            return
        self._active = True
        self._finished = _thread.allocate_lock()
        self._finished.acquire()
        _thread.start_new_thread(self._watch, ())

    def _watch(self) -> None:
        try:
            while True:
                received = os.read(self._read, 512)
                if not received:  # stand_down closed the pipe
                    return
                # A command that handles SIGINT itself (the web server stops gracefully, with
                # time for running requests) keeps that duty: only Python's default handler,
                # KeyboardInterrupt, is backed up here.
                handler = signal.getsignal(signal.SIGINT)
                if signal.SIGINT in received and (
                    handler is signal.default_int_handler or handler is _defer
                ):
                    break
        finally:
            os.close(self._read)
        if self._finished.acquire(timeout=self._grace):
            return  # the main thread ended the command itself
        _end_now(self._message)

    @property
    def active(self) -> bool:
        """Whether it watches (it was made in the main thread and has not stood down)."""
        return self._active

    def stand_down(self) -> None:
        """The command has ended: stop watching."""
        if not self._active:
            return
        self._active = False
        signal.set_wakeup_fd(self._previous)
        self._finished.release()
        os.close(self._write)


_DEFERRED: list[int] = []
_ANNOUNCED: list[bool] = []


def announced() -> None:
    """Notes that the command has told the user it was interrupted: if the watchdog has to end
    the process still, it does not say so a second time."""
    _ANNOUNCED.append(True)


def _defer(number: int, frame: object) -> None:
    """The SIGINT handler within :class:`HeldInterrupts`: it only takes note."""
    _DEFERRED.append(number)


class HeldInterrupts:
    """A ``with`` block in which Ctrl-C is held back and raised when the block ends: put a fork
    and the registration of its clean-up in one. CPython runs its at-fork hooks in Python, and a
    ``KeyboardInterrupt`` raised in one of them is swallowed there, with a traceback on stderr,
    and can leave a lock held (logging's) that the process then waits for. Outside the main
    thread the block runs as it is (SIGINT is not handled there)."""

    def __enter__(self) -> None:
        _DEFERRED.clear()
        try:
            self._previous: object = signal.signal(signal.SIGINT, _defer)
        except ValueError:  # not the main thread
            self._previous = None

    def __exit__(self, *exception: object) -> None:
        if self._previous is None:
            return
        signal.signal(signal.SIGINT, self._previous)  # type: ignore[arg-type]
        if _DEFERRED and exception[0] is None:
            _DEFERRED.clear()
            if callable(self._previous):
                self._previous(signal.SIGINT, None)  # the default one raises KeyboardInterrupt


def _end_now(message: bytes) -> None:
    """Ends the process at once with exit code 130, after stopping its child processes and
    running the exit handlers (which remove the temporary files of the child processes)."""
    try:
        if not _ANNOUNCED:
            os.write(2, message)
        # The message is the one line the user sees: nothing the clean-up says follows it.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        if "multiprocessing" in sys.modules:
            for child in sys.modules["multiprocessing"].active_children():
                child.kill()  # even a stopped or wedged child ends
        import atexit
        import shutil

        for directory in list(SCRATCH):
            shutil.rmtree(directory, ignore_errors=True)
        ended = _thread.allocate_lock()
        ended.acquire()

        def run_exit_handlers() -> None:
            try:
                atexit._run_exitfuncs()
            finally:
                ended.release()

        _thread.start_new_thread(run_exit_handlers, ())
        ended.acquire(timeout=EXIT_HANDLERS_GRACE)
    finally:
        os._exit(EXIT_INTERRUPTED)

"""The ``ackg`` console script: a fast path for running one saved query, else the click CLI.

Importing click costs more than starting Python and answering a saved query together, so the
commonest command, ``ackg query NAME [--param KEY=VALUE]... [--format FORMAT]``, is answered
here without it: when the arguments are exactly of that form, the library runs the query and
prints what ``ackg query`` prints, and an error becomes the same one-line message and exit
code. Any other argument (``--help``, another command, an unknown option, a missing value)
goes to the full command line in :mod:`asean_customs_kg.cli.main`, which remains the reference:
the tests check that both paths print the same for the same arguments.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ..choices import QUERY_FORMATS
from ..errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE

__all__ = ["fast_query_arguments", "main", "run_fast", "script"]


def fast_query_arguments(
    argv: Sequence[str],
) -> tuple[str, list[str], str | None] | None:
    """``(name, ["KEY=VALUE", ...], format)`` when ``argv`` is a plain ``query`` command that the
    fast path answers the same way as the click command; otherwise ``None``."""
    if len(argv) < 2 or argv[0] != "query" or argv[1].startswith("-"):
        return None
    name, params, fmt = argv[1], [], None
    rest = list(argv[2:])
    while rest:
        option = rest.pop(0)
        if option in ("-p", "--param") and rest:
            params.append(rest.pop(0))
        elif option.startswith("--param="):
            params.append(option[len("--param=") :])
        elif option == "--format" and rest and rest[0] in QUERY_FORMATS:
            fmt = rest.pop(0)
        elif option.startswith("--format=") and option[len("--format=") :] in QUERY_FORMATS:
            fmt = option[len("--format=") :]
        else:
            return None
    if any("=" not in param or param.startswith("-") for param in params):
        return None
    return name, params, fmt


def run_fast(name: str, params: list[str], fmt: str | None) -> int:
    """Answers ``ackg query NAME --param KEY=VALUE... [--format FMT]`` without click: prints
    what the click command prints and returns its exit code."""
    from ..errors import AckgError

    try:
        from ..backends.embedded import default_backend
        from ..query.catalogue import get_query
        from ..query.formats import format_result
        from ..query.queries import run_query
        from ..resources import find_root, near_miss_warning

        root = find_root()
        warning = near_miss_warning(root)
        if warning is not None:
            sys.stderr.write(f"ackg: warning: {warning}\n")
        query = get_query(name, root)
        values = {}
        for item in params:
            key, _, value = item.partition("=")
            values[key.strip()] = value
        result = run_query(query, values, backend=default_backend(root))
        sys.stdout.write(format_result(result, fmt, query.prefixes))
        sys.stdout.flush()
    except AckgError as error:
        from ..query.formats import visible  # as the click path writes it (cli.main._fail)

        sys.stderr.write(f"ackg: error: {visible(' '.join(str(error).split()))}\n")
        return error.exit_code
    except KeyboardInterrupt:
        from ..interrupts import announced

        sys.stderr.write("ackg: error: interrupted\n")
        announced()
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError as error:  # one that no command worded: one line, as the click path says
        from ..errors import environment_error

        sys.stderr.write(f"ackg: error: {environment_error(error)}\n")
        return EXIT_USAGE
    return EXIT_OK


def main(argv: Sequence[str] | None = None, *, end_process: bool = False) -> None:
    """Runs the command and exits with its exit code (130 within about a second of Ctrl-C,
    whatever the command is doing: see :mod:`asean_customs_kg.interrupts`).

    With ``end_process`` (the console script, :func:`script`), a saved query answered by the
    fast path ends the process at once with :func:`os._exit` once its output is flushed: the
    interpreter's tear-down (freeing every imported module and the store) is a large part of a
    cold query's time, spent for nothing: the fast path leaves no exit handler to run and no
    file to close."""
    from ..interrupts import IN_CALLER, Watchdog, announced

    args = list(sys.argv[1:] if argv is None else argv)
    watchdog = Watchdog()
    answered_fast = False
    try:
        fast = fast_query_arguments(args)
        if fast is not None and all(
            key.strip() for key, _, _ in (p.partition("=") for p in fast[1])
        ):
            # The watchdog ends a long query on Ctrl-C: no worker thread is needed to hear it.
            covered = IN_CALLER.set(watchdog.active)
            try:
                code = run_fast(*fast)
            finally:
                IN_CALLER.reset(covered)
            answered_fast = True
        else:
            from .main import main as click_main

            code = click_main.run(args, prog_name="ackg", complete_var=None)
    except KeyboardInterrupt:  # between the commands' own handlers (e.g. while importing)
        sys.stderr.write("ackg: error: interrupted\n")
        announced()
        code = EXIT_INTERRUPTED
    finally:
        watchdog.stand_down()
    if answered_fast and end_process:
        _end(code)
    sys.exit(code)


def _end(code: int) -> None:
    """Flushes the standard streams and ends the process with ``code``, skipping the tear-down
    (exit handlers included: ``atexit`` work registered by the fast path's imports, if any
    appeared, would be lost, which the test of the console script's modules guards against)."""
    import os

    for stream in (sys.stdout, sys.stderr):
        try:  # noqa: SIM105 (contextlib is not otherwise imported on this path)
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: what was to be said is lost anyway
            pass
    os._exit(code)


def script() -> None:
    """The ``ackg`` console script: :func:`main` on the command line's arguments, ending the
    process without the interpreter's tear-down after a saved query (see :func:`main`)."""
    main(end_process=True)

"""What every ``ackg`` command shares: the group class that turns errors into one-line messages
and exit codes (in one place), the project a command works on, the backend the query commands
run on, and their common options.

Keep this module cheap to import: commands import rdflib, pyshacl, owlrl or the heavier
library modules inside their own function, never at the top of this file.

Commands (in the ``*_commands`` modules) raise
:class:`~asean_customs_kg.errors.AckgError` subclasses (or click's own usage errors) and never
call ``sys.exit``; :meth:`AckgGroup.main` turns those into messages and exit codes. A command may
return an ``int`` to choose its exit code (e.g. 1 when the data does not conform).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from ..errors import EXIT_DATA, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, AckgError
from ..interrupts import announced

__all__ = [
    "ENDPOINT_AUTH",
    "FORMAT_HELP",
    "HELP",
    "PROG",
    "AckgGroup",
    "backend_for",
    "echo_result",
    "fail",
    "parse_params",
    "root_of",
    "target_options",
]

PROG = "ackg"

HELP = f"""Query, validate and load the ASEAN Customs Knowledge Graph.

\b
Example:
  {PROG} query reports-to --param body=CPTFWG

\b
The project (its ontology/, data/ and queries/) is, in order: --root DIR;
$ACKG_HOME; the nearest directory at or above the working directory that
holds ontology/, data/ and queries/; the copy installed with the package.

\b
Exit codes:
  {EXIT_OK}  success; the data conforms
  {EXIT_DATA}  the data is invalid (syntax, shapes, logic or a quality check)
  {EXIT_USAGE}  usage or environment error (unknown query, bad parameter,
     unreachable endpoint, missing program, unreadable file)
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C)
"""


def fail(message: str, code: int) -> int:
    from ..query.formats import visible  # a path or name from the command line may hold controls

    click.echo(f"{PROG}: error: {visible(' '.join(message.split()))}", err=True)
    return code


class AckgGroup(click.Group):
    """A click group whose :meth:`main` is the one place where errors become exit codes."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Runs the command line; in standalone mode (the default) exits with its code.

        :class:`AckgError` gives its own exit code, click's usage errors 2, Ctrl-C 130; each
        prints one line, ``ackg: error: ...``, on stderr and no traceback.
        """
        if not standalone_mode:
            return super().main(
                args,
                prog_name,
                complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        sys.exit(self.run(args, prog_name=prog_name, complete_var=complete_var, **extra))

    def run(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        **extra: Any,
    ) -> int:
        """Runs the command line ``args`` (default: ``sys.argv[1:]``); returns the exit code."""
        argv = list(sys.argv[1:] if args is None else args)
        if not argv:
            # No command: the help, as a usage error (the same on every click version).
            context = click.Context(self, info_name=prog_name or PROG, **self.context_settings)
            click.echo(self.get_help(context), err=True)
            return EXIT_USAGE
        try:
            result = super().main(argv, prog_name or PROG, standalone_mode=False, **extra)
        except AckgError as error:
            return fail(str(error), error.exit_code)
        except (click.exceptions.Abort, KeyboardInterrupt):
            # click turns Ctrl-C into Abort (after printing a newline); both mean "interrupted".
            code = fail("interrupted", EXIT_INTERRUPTED)
            announced()
            return code
        except click.UsageError as error:
            # A bad option, an unknown command, a missing argument.
            hint = f" Try '{error.ctx.command_path} --help'." if error.ctx is not None else ""
            return fail(f"{error.format_message()}{hint}", EXIT_USAGE)
        except click.ClickException as error:
            # Other click errors (e.g. an unreadable file argument) are environment errors.
            return fail(error.format_message(), EXIT_USAGE)
        except BrokenPipeError:
            # The reader went away (e.g. `ackg ... | head`): stop quietly, and keep Python
            # from complaining when it flushes stdout at exit.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return EXIT_OK
        except OSError as error:
            # One that no command worded (e.g. a directory it may not search): one line.
            from ..errors import environment_error

            return fail(str(environment_error(error)), EXIT_USAGE)
        if isinstance(result, int) and not isinstance(result, bool):
            return result
        return EXIT_OK


def root_of(explicit: str | None = None) -> Any:
    """The project the command works on (a :class:`~asean_customs_kg.resources.Root`):
    ``explicit`` (a command's own ``--root``), else ``ackg --root``, else found by
    :func:`~asean_customs_kg.resources.find_root`."""
    from ..resources import find_root, near_miss_warning

    if explicit is None:
        explicit = click.get_current_context().find_root().obj
    found = find_root(explicit)
    warning = near_miss_warning(found)
    if warning is not None and warning not in _WARNED:
        _WARNED.add(warning)
        click.echo(f"ackg: warning: {warning}", err=True)
    return found


#: The warnings already given (a command may ask for its project twice).
_WARNED: set[str] = set()


# --- query commands ---

FORMAT_HELP = (
    "table (default), csv, tsv, json (SPARQL 1.1 results), md; for CONSTRUCT/DESCRIBE "
    "queries ttl (default), nt or jsonld."
)


def backend_for(
    store: str | None = None,
    endpoint: str | None = None,
    timeout: float | None = None,
    *,
    allow_network: bool = False,
    allow_extensions: bool = False,
) -> Any:
    """The backend the query commands run on: the project's files, embedded, or the store or
    endpoint that ``--store`` / ``--endpoint`` name (see :func:`target_options`). An endpoint
    refuses, on its own, what ``allow_network`` and ``allow_extensions`` do not allow.

    The one place to choose another backend (an on-disk store, an endpoint) from options.
    """
    from ..errors import UsageError

    if store is not None and endpoint is not None:
        raise UsageError("give --store PATH or --endpoint URL, not both")
    if timeout is not None and endpoint is None:
        raise UsageError("--timeout applies to --endpoint only")
    if store is not None:
        from ..backends.stores import StoreBackend

        return StoreBackend(store)
    if endpoint is not None:
        from ..backends.endpoints import DEFAULT_TIMEOUT
        from ..backends.stores import EndpointBackend

        return EndpointBackend(
            endpoint,
            timeout=timeout or DEFAULT_TIMEOUT,
            allow_network=allow_network,
            allow_extensions=allow_extensions,
        )
    from ..backends.embedded import default_backend

    return default_backend(root_of())


ENDPOINT_AUTH = (
    "Credentials come from ACKG_ENDPOINT_TOKEN (bearer), or ACKG_ENDPOINT_USER and "
    "ACKG_ENDPOINT_PASSWORD (basic), or a netrc entry for the host."
)


def target_options(command: Any) -> Any:
    """Adds ``--store PATH``, ``--endpoint URL`` and ``--timeout SECONDS`` to a query command
    (owned with the export/load commands, below)."""
    command = click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=None,
        metavar="SECONDS",
        help="With --endpoint: how long to wait for the server's answer (default 60).",
    )(command)
    command = click.option(
        "--endpoint",
        metavar="URL",
        default=None,
        help="Run on a SPARQL 1.1 server that 'ackg load --endpoint' filled, through its "
        "query endpoint (Oxigraph: http://HOST:7878/query). " + ENDPOINT_AUTH,
    )(command)
    return click.option(
        "--store",
        type=click.Path(file_okay=False),
        default=None,
        metavar="PATH",
        help="Run on the on-disk store that 'ackg load --store PATH' wrote.",
    )(command)


def echo_result(result: Any, fmt: str | None, prefixes: Any) -> None:
    from ..query.formats import format_result

    click.echo(format_result(result, fmt, prefixes), nl=False)


def parse_params(values: Sequence[str]) -> dict[str, str]:
    from ..errors import UsageError

    params: dict[str, str] = {}
    for item in values:
        key, equals, value = item.partition("=")
        if not equals or not key.strip():
            raise UsageError(f"--param expects KEY=VALUE, got {item[:40]!r}")
        params[key.strip()] = value
    return params

"""The project's exceptions and exit codes, in one place.

Every error a user can cause derives from :class:`AckgError`. Each class carries the exit code
that the ``ackg`` command returns for it, so the CLI maps errors to exit codes in one place:

* 1 -- :class:`DataError`: the data is invalid (syntax, shapes, logic, checks).
* 2 -- :class:`UsageError`: the request is wrong (unknown query, bad parameter or option);
  :class:`QuerySyntaxError` (an engine rejected the query text) and :class:`ExtensionRefused`
  (a call outside SPARQL 1.1 that was not allowed) are usage errors.
* 2 -- :class:`EnvError`: the environment is wrong (unreachable endpoint, missing binary, I/O).
* 2 -- :class:`ShapesError`: the SHACL shapes are wrong (a query SHACL forbids, a shape the
  validator cannot read), so the data could not be judged.
* 130 -- :class:`LoadInterrupted`: the user interrupted a load before it replaced anything.

The lowest layer of the package: it imports nothing else of it. :mod:`pathlib` is imported
only when an error with a path is made or shown, not with this module, which the cold
saved-query path imports.
"""

from __future__ import annotations

import os

# For mypy only: pathlib is imported where a ``Path`` is made (see the module doc), and
# ``typing``, for ``TYPE_CHECKING``, not at all: both would cost the cold saved-query path.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "EXIT_DATA",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "AckgError",
    "DataError",
    "EnvError",
    "ExtensionRefused",
    "LoadInterrupted",
    "QuerySyntaxError",
    "ShapesError",
    "UsageError",
    "environment_error",
]

#: Success, or the data conforms.
EXIT_OK = 0
#: The data is invalid: syntax, shapes, logic or a quality check.
EXIT_DATA = 1
#: A usage or environment error: unknown query, bad parameter, unreachable endpoint...
EXIT_USAGE = 2
#: Interrupted by the user (Ctrl-C), as shells report SIGINT.
EXIT_INTERRUPTED = 130


def _one_line(text: str) -> str:
    """Collapses whitespace runs, newlines included, into single spaces."""
    return " ".join(text.split())


class AckgError(Exception):
    """Base class of the project's errors; ``str()`` of any of them is a single line."""

    #: The exit code of the ``ackg`` command when this error ends it.
    exit_code: int = EXIT_USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return _one_line(self.message)


class DataError(AckgError):
    """Invalid data: a syntax error, a shape violation, a logical inconsistency, a failed check.

    ``path``, ``line`` and ``column`` (1-based) locate the problem where it has a location; the
    message then reads ``path:line:column: message``, as compilers and editors expect. A path
    below the current directory is shown relative to it.
    """

    exit_code = EXIT_DATA

    def __init__(
        self,
        message: str,
        path: str | os.PathLike[str] | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        from pathlib import Path

        super().__init__(message)
        self.path = Path(path) if path is not None else None
        self.line = line
        self.column = column

    @property
    def location(self) -> str:
        """``path``, ``path:line`` or ``path:line:column``; empty without a path."""
        if self.path is None:
            return ""
        parts = [_display_path(self.path)]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        message = _one_line(self.message)
        location = self.location
        return f"{location}: {message}" if location else message


class UsageError(AckgError):
    """A wrong request: an unknown query, a missing or invalid parameter, a bad option."""

    exit_code = EXIT_USAGE


class EnvError(AckgError):
    """A problem outside the data and the request: an unreachable endpoint, a missing binary,
    an unreadable file or another I/O failure."""

    exit_code = EXIT_USAGE


class ShapesError(UsageError):
    """Shapes that cannot be used to validate: a SHACL-SPARQL query SHACL forbids (``MINUS``,
    ``VALUES``, ``SERVICE``...), a feature the validator refuses rather than skip, or a shape
    pySHACL cannot load. The message names the shape and the rule."""

    exit_code = EXIT_USAGE


class QuerySyntaxError(UsageError):
    """An engine rejected the query text; ``line`` and ``column`` locate it when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line = line
        self.column = column


class ExtensionRefused(UsageError):
    """What :func:`asean_customs_kg.rdf.sparqltext.check_extensions` raises: the message, and
    ``offset``, where in the text the refused function, word or character stands."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


class LoadInterrupted(EnvError):
    """The user interrupted a load (Ctrl-C) before it replaced anything."""

    exit_code = EXIT_INTERRUPTED


def environment_error(error: OSError) -> EnvError:
    """The one-line :class:`EnvError` for an operating-system error that no command turned
    into a message of its own (a file or directory it may not read, a full disk...):
    ``path: reason``. The last resort of the ``ackg`` command, so that such an error is never
    a traceback."""
    reason = error.strerror or str(error)
    if error.filename is None:
        return EnvError(reason)
    from pathlib import Path

    name = os.fsdecode(error.filename) if isinstance(error.filename, bytes) else error.filename
    return EnvError(f"{_display_path(Path(name))}: {reason}")


def _display_path(path: Path) -> str:
    """The path relative to the current directory when it lies below it, else as given."""
    from pathlib import Path

    if path.is_absolute():
        try:
            return str(path.relative_to(Path.cwd()))
        except (ValueError, OSError):
            return str(path)
    return str(path)

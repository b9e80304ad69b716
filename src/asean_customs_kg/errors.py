"""The project's exceptions.

Every error a user can cause derives from :class:`AckgError`. Each class carries the exit code
that the ``ackg`` command returns for it, so the CLI maps errors to exit codes in one place:

* 1 -- :class:`DataError`: the data is invalid (syntax, shapes, logic, checks).
* 2 -- :class:`UsageError`: the request is wrong (unknown query, bad parameter or option).
* 2 -- :class:`EnvError`: the environment is wrong (unreachable endpoint, missing binary, I/O).
* 2 -- :class:`ShapesError`: the SHACL shapes are wrong (a query SHACL forbids, a shape the
  validator cannot read), so the data could not be judged.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["AckgError", "DataError", "EnvError", "ShapesError", "UsageError"]


def _one_line(text: str) -> str:
    """Collapses whitespace runs, newlines included, into single spaces."""
    return " ".join(text.split())


class AckgError(Exception):
    """Base class of the project's errors; ``str()`` of any of them is a single line."""

    #: The exit code of the ``ackg`` command when this error ends it.
    exit_code: int = 2

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

    exit_code = 1

    def __init__(
        self,
        message: str,
        path: str | os.PathLike[str] | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
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

    exit_code = 2


class EnvError(AckgError):
    """A problem outside the data and the request: an unreachable endpoint, a missing binary,
    an unreadable file or another I/O failure."""

    exit_code = 2


class ShapesError(UsageError):
    """Shapes that cannot be used to validate: a SHACL-SPARQL query SHACL forbids (``MINUS``,
    ``VALUES``, ``SERVICE``...), a feature the validator refuses rather than skip, or a shape
    pySHACL cannot load. The message names the shape and the rule."""

    exit_code = 2


def environment_error(error: OSError) -> EnvError:
    """The one-line :class:`EnvError` for an operating-system error that no command turned
    into a message of its own (a file or directory it may not read, a full disk...):
    ``path: reason``. The last resort of the ``ackg`` command, so that such an error is never
    a traceback."""
    reason = error.strerror or str(error)
    if error.filename is None:
        return EnvError(reason)
    name = os.fsdecode(error.filename) if isinstance(error.filename, bytes) else error.filename
    return EnvError(f"{_display_path(Path(name))}: {reason}")


def _display_path(path: Path) -> str:
    """The path relative to the current directory when it lies below it, else as given."""
    if path.is_absolute():
        try:
            return str(path.relative_to(Path.cwd()))
        except (ValueError, OSError):
            return str(path)
    return str(path)

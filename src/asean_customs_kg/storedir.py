"""Replacing an on-disk store directory whole, so that a load is atomic for its readers.

A load never writes into the store it replaces. It fills a new store in a sibling directory,
``<store>.loading``, checks it, then swaps the directories by renaming, and deletes the old one:

1. ``<store>`` → ``<store>.replaced`` (skipped when there is no store yet);
2. ``<store>.loading`` → ``<store>``;
3. ``<store>.replaced`` is deleted.

Each rename is atomic, so ``<store>`` is at every moment the whole previous store or the whole
new one, but for the instant between the two renames, when it is missing and the previous store
lies whole beside it. What a crash (a killed process, an error, Ctrl-C) leaves at each point, and
what the next load does about it (:func:`recover`):

- while filling ``<store>.loading``, or before step 1: ``<store>`` is the previous store;
  ``<store>.loading`` is deleted;
- between steps 1 and 2: ``<store>`` is missing and ``<store>.replaced`` is the whole previous
  store; it is renamed back (:func:`readable` lets queries read it meanwhile);
- between steps 2 and 3, or during step 3: ``<store>`` is the new store; what is left of
  ``<store>.replaced`` is deleted.

If ``<store>`` and ``<store>.replaced`` both exist but ``<store>`` holds no statement (an
Oxigraph server started on the missing directory between steps 1 and 2 creates an empty
store), the previous store is put back rather than deleted.

Loads into one store take turns through a lock file, ``.<store>.lock`` next to it (removed at
the end), so that two loads never swap at the same time. A server must not hold the store
while it is replaced: the load checks that none does before it fills the new store and again
just before the swap. The parent directory is synced after the renames; that the new store's
files are on disk before a power cut is left to RocksDB and the file system. This module knows
nothing of RDF beyond opening a store to see whether a server holds it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph

from .errors import EnvError, UsageError

__all__ = ["StorePaths", "check_target", "locked", "readable", "recover", "swap"]

#: Suffix of the directory a load fills before it replaces the store.
LOADING = ".loading"
#: Suffix of the previous store between the two renames of a swap.
REPLACED = ".replaced"


class StorePaths:
    """The store directory and its siblings: the new store being filled, the previous store
    during a swap, and the lock file. ``path`` is resolved, so that a symbolic link to a
    store has the real directory replaced, and the link kept."""

    __slots__ = ("loading", "lock", "replaced", "target")

    def __init__(self, path: str | os.PathLike[str]) -> None:
        real = Path(os.path.realpath(path))
        self.target = real
        self.loading = real.with_name(real.name + LOADING)
        self.replaced = real.with_name(real.name + REPLACED)
        self.lock = real.with_name(f".{real.name}.lock")

    def __repr__(self) -> str:
        return f"<StorePaths {self.target}>"


def is_store(path: Path) -> bool:
    """Whether ``path`` is a directory holding an Oxigraph (RocksDB) store."""
    return (path / "CURRENT").is_file()


def readable(path: str | os.PathLike[str]) -> Path:
    """The directory to read the store at ``path`` from: ``path`` itself, or, when a load was
    killed between the two renames of its swap, the previous store it set aside."""
    given = Path(path)
    if not is_store(given):
        replaced = StorePaths(given).replaced
        if is_store(replaced):
            return replaced
    return given


def _in_use(path: Path) -> EnvError:
    return EnvError(
        f"{path}: the store is in use by another process (an Oxigraph server?); "
        "stop it and try again"
    )


def open_store(path: Path, shown: Path | str) -> pyoxigraph.Store:
    """Opens the store at ``path`` for writing; errors name ``shown``."""
    try:
        return pyoxigraph.Store(str(path))
    except OSError as error:
        text = str(error)
        if "lock" in text.lower():
            raise _in_use(Path(shown)) from None
        raise EnvError(f"{shown}: cannot open the store: {text.splitlines()[0][:200]}") from None


def _holds_statements(path: Path, shown: Path | str) -> bool:
    store = open_store(path, shown)
    try:
        return next(iter(store.quads_for_pattern(None, None, None, None)), None) is not None
    finally:
        del store


def check_target(paths: StorePaths, shown: str) -> None:
    """Raises :class:`UsageError` unless the target is missing, an empty directory or a store,
    and :class:`EnvError` when a process (an Oxigraph server) holds the store."""
    target = paths.target
    if target.exists() and not target.is_dir():
        raise UsageError(f"{shown}: not a directory; give a directory for the store")
    if target.is_dir() and not is_store(target) and any(target.iterdir()):
        raise UsageError(
            f"{shown}: the directory is not empty and holds no Oxigraph store; "
            "give a new or empty directory, or an existing store"
        )
    if is_store(target):
        store = open_store(target, shown)
        del store


@contextlib.contextmanager
def locked(paths: StorePaths, shown: str) -> Iterator[None]:
    """Holds the load lock of the store (POSIX ``flock`` on ``.<store>.lock``) or raises
    :class:`EnvError` at once when another load holds it. Without ``fcntl`` (Windows), loads
    are not kept apart."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    while True:
        try:
            descriptor = os.open(paths.lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise EnvError(
                f"{paths.lock}: cannot create the lock file: {error.strerror or error}"
            ) from None
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            raise EnvError(
                f"{shown}: another load into this store is running; wait for it to finish"
            ) from None
        # The holder before us removes the file when it is done: lock the file at the path.
        try:
            same = os.path.samestat(os.fstat(descriptor), os.stat(paths.lock))
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(descriptor)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            paths.lock.unlink()
        os.close(descriptor)


def remove(path: Path) -> None:
    """Deletes a directory tree if it is there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def recover(paths: StorePaths, shown: str) -> None:
    """Puts right what an interrupted earlier load left (see the module doc). Call it holding
    the lock."""
    target = paths.target
    if paths.replaced.exists():
        if not target.exists():
            os.rename(paths.replaced, target)
        elif is_store(target) and _holds_statements(target, shown):
            remove(paths.replaced)  # the swap was done
        elif is_store(target) or (target.is_dir() and not any(target.iterdir())):
            remove(target)  # created empty in the middle of the swap
            os.rename(paths.replaced, target)
        # else: a directory of someone else's; check_target refuses it, both are kept.
        _sync(target.parent)
    remove(paths.loading)


def _sync(directory: Path) -> None:
    """Makes the renames in ``directory`` durable (where the platform allows)."""
    with contextlib.suppress(OSError, AttributeError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def swap(paths: StorePaths) -> None:
    """Puts the filled ``<store>.loading`` in place of the store, then deletes the previous one.
    Call it holding the lock, with no store of the three open."""
    previous = paths.target.exists()
    if previous:
        os.rename(paths.target, paths.replaced)
    try:
        os.rename(paths.loading, paths.target)
    except BaseException:
        if previous and not paths.target.exists():
            os.rename(paths.replaced, paths.target)
        raise
    _sync(paths.target.parent)
    if previous:
        remove(paths.replaced)

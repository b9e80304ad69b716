"""Replacing an on-disk store directory whole, so that a load is atomic for its readers, while
never touching what the load did not create.

A load never writes into the store it replaces. It makes a work directory of its own next to
the store, ``<store>.ackg-load-<id>`` (``<id>``: random hex digits), and writes in it first a
marker file, ``ackg-load.json``, naming the store and the id. It fills a new store in
``<work>/new``, checks it, then swaps by renaming, and deletes the rest:

1. ``<store>`` → ``<work>/old`` (skipped when there is no store yet);
2. ``<work>/new`` → ``<store>``;
3. ``<work>`` is deleted (``old`` first, the marker last).

Each rename is atomic, so ``<store>`` is at every moment the whole previous store or the whole
new one, but for the instant between the two renames, when it is missing and the previous store
lies whole in the work directory. What a crash (a killed process, an error, Ctrl-C) leaves at
each point, and what the next load does about it (:func:`recover`):

- while filling ``<work>/new``, or before step 1: ``<store>`` is the previous store; the work
  directory is deleted;
- between steps 1 and 2: ``<store>`` is missing and ``<work>/old`` is the whole previous store;
  it is renamed back (:func:`readable` lets queries read it meanwhile);
- between steps 2 and 3, or during step 3: ``<store>`` is the new store; what is left of the
  work directory is deleted.

If ``<store>`` and ``<work>/old`` both exist but ``<store>`` holds no statement (an Oxigraph
server started on the missing directory between steps 1 and 2 creates an empty store), the
previous store is put back rather than deleted.

Only a work directory whose marker names this store and the directory's own id is taken for a
load's: anything else is left alone, whatever its name. So is one whose ``old`` or ``new``
holds a file that is not a store's (a marker copied or forged): nothing in it is renamed or
deleted. The names that earlier versions used
for their work, ``<store>.loading`` and ``<store>.replaced``, may hold a user's files or the
only copy of a store, so a load refuses to start while either exists (:func:`check_in_the_way`),
and touches nothing.

Loads into one store never run at once: a load holds a lock file, ``.<store>.lock`` next to it
(POSIX ``flock``; the file holds a line that says it is a load's, and is removed at the end),
and a second load is refused at once while the first runs, rather than kept waiting. A lock
file that is not a load's is in the way like the rest. A server must not hold the store while
it is replaced: the load checks that none does before it fills the new store and again just
before the swap. The parent directory is synced after the renames; that the new store's files
are on disk before a power cut is left to RocksDB and the file system. This module knows nothing
of RDF beyond opening a store to see whether a server holds it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph

from ..errors import EnvError, UsageError

__all__ = [
    "MARKER",
    "StorePaths",
    "Work",
    "check_in_the_way",
    "check_target",
    "locked",
    "readable",
    "recover",
    "start",
    "swap",
]

#: The file that makes a work directory recognisably a load's.
MARKER = "ackg-load.json"
#: What the marker says it is.
_KIND = "ackg load work directory"
#: The first line of a load's lock file.
_LOCK_LINE = b"ackg load lock\n"
#: The infix of a work directory's name: ``<store>.ackg-load-<id>``.
_WORK = ".ackg-load-"
#: The names that earlier versions used for a load's new store and the previous one.
_LEGACY = (".loading", ".replaced")


class Work:
    """A load's work directory: ``root`` (holding the marker), ``new`` (the store being filled)
    and ``old`` (the previous store during the swap)."""

    __slots__ = ("id", "new", "old", "root")

    def __init__(self, root: Path, id: str) -> None:
        self.root = root
        self.id = id
        self.new = root / "new"
        self.old = root / "old"

    def __repr__(self) -> str:
        return f"<Work {self.root}>"


class StorePaths:
    """The store directory and the names next to it: its lock file, its work directories and
    the names earlier versions used. ``path`` is resolved, so that a symbolic link to a store
    has the real directory replaced, and the link kept."""

    __slots__ = ("legacy", "lock", "target")

    def __init__(self, path: str | os.PathLike[str]) -> None:
        real = Path(os.path.realpath(path))
        if not real.name:  # the file system's root: nothing can stand next to it
            raise UsageError(
                f"{os.fspath(path)}: the root directory cannot be a store; "
                "give a directory for the store"
            )
        self.target = real
        self.lock = real.with_name(f".{real.name}.lock")
        self.legacy = tuple(real.with_name(real.name + suffix) for suffix in _LEGACY)

    def __repr__(self) -> str:
        return f"<StorePaths {self.target}>"

    def works(self) -> list[Work]:
        """The work directories that loads into this store left (checked by their marker),
        oldest name first; anything else next to the store is not one."""
        prefix = self.target.name + _WORK
        found = []
        with contextlib.suppress(OSError):
            for entry in sorted(self.target.parent.iterdir()):
                if entry.name.startswith(prefix):
                    work = Work(entry, entry.name[len(prefix) :])
                    if _is_ours(work, self.target.name):
                        found.append(work)
        return found


def _is_ours(work: Work, store: str) -> bool:
    """Whether ``work`` is a real directory holding the marker a load wrote for ``store``."""
    marker = work.root / MARKER
    try:
        if work.root.is_symlink() or not work.root.is_dir() or marker.is_symlink():
            return False
        written = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(written == {"kind": _KIND, "store": store, "id": work.id})


def start(paths: StorePaths) -> Work:
    """Makes a new work directory, with its marker, for a load (call it holding the lock)."""
    name = paths.target.name
    while True:
        id = secrets.token_hex(4)
        work = Work(paths.target.with_name(name + _WORK + id), id)
        try:
            work.root.mkdir()
        except FileExistsError:
            continue
        break
    text = json.dumps({"kind": _KIND, "store": name, "id": id})
    temporary = work.root / (MARKER + ".tmp")
    temporary.write_text(text + "\n", encoding="utf-8")
    os.replace(temporary, work.root / MARKER)
    return work


def is_store(path: Path) -> bool:
    """Whether ``path`` is a directory holding an Oxigraph (RocksDB) store."""
    return (path / "CURRENT").is_file()


def readable(path: str | os.PathLike[str]) -> Path:
    """The directory to read the store at ``path`` from: ``path`` itself, or, when a load was
    killed between the two renames of its swap, the previous store it set aside."""
    given = Path(path)
    if not is_store(given) and Path(os.path.realpath(given)).name:
        for work in StorePaths(given).works():
            if is_store(work.old):
                return work.old
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


def check_in_the_way(paths: StorePaths, shown: str) -> None:
    """Raises :class:`UsageError`, having touched nothing, when something that no load of this
    version made stands where a load works: ``<store>.loading`` or ``<store>.replaced``."""
    for path in paths.legacy:
        if os.path.lexists(path):
            raise UsageError(
                f"{shown}: {path} is in the way, and this load did not make it (older versions "
                "of ackg used that name for a load's work); look at it, move or remove it, "
                "then load again"
            )


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


def _lock_is_ours(descriptor: int) -> bool:
    os.lseek(descriptor, 0, os.SEEK_SET)
    return os.read(descriptor, len(_LOCK_LINE) + 1) == _LOCK_LINE


@contextlib.contextmanager
def locked(paths: StorePaths, shown: str) -> Iterator[None]:
    """Holds the load lock of the store (POSIX ``flock`` on ``.<store>.lock``), or raises
    :class:`EnvError` at once when another load holds it, and :class:`UsageError` when a file
    at that name is not a load's lock (it is left as it is). Without ``fcntl`` (Windows),
    loads are not kept apart."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    flags = os.O_RDWR | getattr(os, "O_NOFOLLOW", 0)
    not_ours = UsageError(
        f"{shown}: {paths.lock} is in the way: it is not the lock file of a load; "
        "move or remove it, then load again"
    )
    while True:
        created = True
        try:
            descriptor = os.open(paths.lock, flags | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            created = False
            try:
                descriptor = os.open(paths.lock, flags)
            except FileNotFoundError:
                continue  # removed meanwhile by the load that held it
            except OSError:  # a symbolic link, a directory...
                raise not_ours from None
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
        except OSError:
            os.close(descriptor)
            raise not_ours from None
        # The holder before us removes the file when it is done: lock the file at the path.
        try:
            same = os.path.samestat(os.fstat(descriptor), os.stat(paths.lock))
        except FileNotFoundError:
            same = False
        if not same:
            os.close(descriptor)
            continue
        if created:
            os.write(descriptor, _LOCK_LINE)
            break
        if _lock_is_ours(descriptor):
            break
        os.close(descriptor)
        raise not_ours
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            paths.lock.unlink()
        os.close(descriptor)


#: The names of the files RocksDB writes in a store's directory (a store being filled may not
#: have its ``CURRENT`` yet), and those of the tables Oxigraph's bulk loader writes there before
#: it adds them to the store (left behind when the load is interrupted).
_ROCKSDB_FILE = re.compile(
    r"(CURRENT|IDENTITY|LOCK|LOG(\.old\.\d+)?|MANIFEST-\d+|OPTIONS-\d+|\d+\.(log|sst|blob))"
    r"(\.dbtmp)?|\d+\.dbtmp|bulk-\d+\.sst"
)


def _loaders(path: Path) -> bool:
    """Whether ``path``, the ``old`` or ``new`` of a work directory, holds only what a load
    puts there: a store, or an empty directory (the previous store was one), or the files of
    a store being created; a file of anyone else's in it makes the work directory not the
    load's to rename or delete (a marker may be copied or forged)."""
    if path.is_symlink() or not path.is_dir():
        return False
    try:
        names = [entry.name for entry in path.iterdir()]
    except OSError:
        return False
    return all(_ROCKSDB_FILE.fullmatch(name) for name in names)


def remove(path: Path) -> None:
    """Deletes a directory tree if it is there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def finish(work: Work) -> None:
    """Deletes a work directory: the previous store first, the new one, then the marker last,
    so that what a crash leaves is still recognisably the load's. Anything else found in it
    is kept, with the marker."""
    for path in (work.old, work.new):
        if _loaders(path):
            remove(path)
    with contextlib.suppress(OSError):
        (work.root / (MARKER + ".tmp")).unlink()
    try:
        others = {entry.name for entry in work.root.iterdir()} - {MARKER}
    except OSError:
        return
    if not others:
        (work.root / MARKER).unlink()
        work.root.rmdir()


def recover(paths: StorePaths, shown: str) -> None:
    """Puts right what interrupted earlier loads left (see the module doc). Call it holding
    the lock."""
    target = paths.target
    for work in paths.works():
        if any(os.path.lexists(path) and not _loaders(path) for path in (work.old, work.new)):
            continue  # it holds what no load put there: both kept, and reported by nothing
        if work.old.exists():
            if not target.exists():
                os.rename(work.old, target)
            elif is_store(target) and _holds_statements(target, shown):
                pass  # the swap was done
            elif is_store(target) or (target.is_dir() and not any(target.iterdir())):
                remove(target)  # created empty in the middle of the swap
                os.rename(work.old, target)
            else:
                continue  # a directory of someone else's: check_target refuses it; both kept
            _sync(target.parent)
        finish(work)


def _sync(directory: Path) -> None:
    """Makes the renames in ``directory`` durable (where the platform allows)."""
    with contextlib.suppress(OSError, AttributeError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def swap(paths: StorePaths, work: Work) -> None:
    """Puts the filled ``<work>/new`` in place of the store, then deletes the work directory
    and the previous store in it. Call it holding the lock, with no store of the three open."""
    previous = paths.target.exists()
    if previous:
        os.rename(paths.target, work.old)
    try:
        os.rename(work.new, paths.target)
    except BaseException:
        if previous and not paths.target.exists():
            os.rename(work.old, paths.target)
        raise
    _sync(paths.target.parent)
    finish(work)

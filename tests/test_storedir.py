"""A load never touches what it did not create: a user's ``PATH.loading`` or ``PATH.replaced``
(the names older versions worked under), a directory that only looks like a load's work
directory, a file where the lock file goes. Each is a one-line refusal with exit code 2, or is
left alone, byte for byte. And a second load into a store is refused at once while one runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from asean_customs_kg.backends import storedir, stores
from asean_customs_kg.cli.main import main
from asean_customs_kg.release import export, loading
from store_helpers import HAS_EXTRA, with_extra


@pytest.fixture(scope="module")
def release() -> export.Release:
    return export.build_release()


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` with the bytes of the files (None for a directory)."""
    return {
        str(path.relative_to(root)): None if path.is_dir() else path.read_bytes()
        for path in sorted(root.rglob("*"))
    }


def load(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["load", "--store", str(path)])
    return result.exit_code, result.stderr


def in_the_way(path: Path, name: str) -> str:
    return (
        f"ackg: error: {path}: {path.parent / name} is in the way, and this load did not make it "
        "(older versions of ackg used that name for a load's work); look at it, move or remove "
        "it, then load again\n"
    )


@pytest.mark.parametrize("suffix", [".loading", ".replaced"])
@pytest.mark.parametrize("with_store", [False, True])
def test_a_users_directory_at_an_old_work_name_is_never_touched(
    tmp_path: Path, release: export.Release, suffix: str, with_store: bool
) -> None:
    path = tmp_path / "mydata"
    if with_store:
        loading.load_store(path, release)
    mine = tmp_path / f"mydata{suffix}"
    mine.mkdir()
    (mine / "thesis.txt").write_text("four years of work")
    before = snapshot(tmp_path)
    assert load(path) == (2, in_the_way(path, f"mydata{suffix}"))
    assert snapshot(tmp_path) == before  # nothing created, moved or deleted


@pytest.mark.parametrize("kind", ["file", "symlink", "store"])
def test_anything_at_an_old_work_name_is_in_the_way(
    tmp_path: Path, release: export.Release, kind: str
) -> None:
    path = tmp_path / "store"
    other = tmp_path / "store.replaced"
    if kind == "file":
        other.write_text("notes")
    elif kind == "symlink":
        (tmp_path / "elsewhere").mkdir()
        other.symlink_to(tmp_path / "elsewhere")
    else:
        # A store of the user's at PATH.replaced while PATH is missing: it is not renamed to
        # PATH, and queries do not read it.
        loading.load_store(other, with_extra(release))
    before = snapshot(tmp_path)
    assert load(path) == (2, in_the_way(path, "store.replaced"))
    assert snapshot(tmp_path) == before
    result = CliRunner().invoke(main, ["query", "bodies", "--store", str(path)])
    assert result.exit_code == 2
    assert not path.exists()


@pytest.mark.parametrize(
    "marker",
    [
        None,  # no marker at all
        "not json",
        json.dumps({"kind": "ackg load work directory", "store": "other", "id": "0123abcd"}),
        json.dumps({"kind": "ackg load work directory", "store": "store", "id": "ffffffff"}),
    ],
)
def test_a_look_alike_work_directory_is_left_alone(
    tmp_path: Path, release: export.Release, marker: str | None
) -> None:
    path = tmp_path / "store"
    look_alike = tmp_path / "store.ackg-load-0123abcd"
    look_alike.mkdir()
    loading.load_store(look_alike / "old", with_extra(release))  # a store where a load's would be
    (look_alike / "mine.txt").write_text("mine")
    if marker is not None:
        (look_alike / storedir.MARKER).write_text(marker)
    before = snapshot(look_alike)
    # Queries do not read it for the missing store; a load neither restores nor deletes it.
    assert storedir.readable(path) == path
    assert load(path)[0] == 0
    assert snapshot(look_alike) == before
    assert stores.StoreBackend(path).query(HAS_EXTRA).boolean is False


def test_a_load_cleans_only_its_own_work_directory(tmp_path: Path, release: export.Release) -> None:
    path = tmp_path / "store"
    paths = storedir.StorePaths(path)
    work = storedir.start(paths)  # as a load killed while filling its new store leaves it
    (work.new).mkdir()
    # What RocksDB had written of the new store (a file of any other name is not the load's),
    # and a file of Oxigraph's bulk loader, which writes its tables beside them before it adds
    # them to the store.
    (work.new / "000012.sst").write_text("half a store")
    (work.new / "LOG").write_text("log")
    (work.new / "bulk-27705434180432200414058107990714752901.sst").write_text("a table")
    marker = json.loads((work.root / storedir.MARKER).read_text())
    assert marker == {"kind": "ackg load work directory", "store": "store", "id": work.id}
    assert paths.works()[0].root == work.root
    assert load(path)[0] == 0
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["store"]


@pytest.mark.parametrize("kind", ["text", "empty", "symlink"])
def test_a_file_where_the_lock_goes_is_left_alone(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "store"
    lock = tmp_path / ".store.lock"
    if kind == "symlink":
        (tmp_path / "target.txt").write_text("mine")
        lock.symlink_to(tmp_path / "target.txt")
    else:
        lock.write_text("my notes" if kind == "text" else "")
    before = snapshot(tmp_path)
    assert load(path) == (
        2,
        f"ackg: error: {path}: {lock} is in the way: it is not the lock file of a load; move or "
        "remove it, then load again\n",
    )
    assert snapshot(tmp_path) == before


BLOCKED_LOAD = """
import sys, time
from asean_customs_kg.backends import stores
from asean_customs_kg.release import loading
def progress(done, total):
    print("loading", flush=True)
    time.sleep(600)
loading.load_store_files(sys.argv[1], progress=progress)
"""


def test_a_second_load_is_refused_at_once(tmp_path: Path, release: export.Release) -> None:
    path = tmp_path / "store"
    loading.load_store(path, with_extra(release))
    first = subprocess.Popen(
        [sys.executable, "-c", BLOCKED_LOAD, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert first.stdout is not None
        assert first.stdout.readline() == "loading\n"
        assert load(path) == (
            2,
            f"ackg: error: {path}: another load into this store is running; wait for it to "
            "finish\n",
        )
        # The first load's work is untouched by the refused one.
        assert len(storedir.StorePaths(path).works()) == 1
    finally:
        first.kill()
        first.wait()
    assert stores.StoreBackend(path).query(HAS_EXTRA).boolean is True
    assert load(path)[0] == 0  # the lock went with the process; its work is cleaned
    assert sorted(os.listdir(tmp_path)) == ["store"]
    assert stores.StoreBackend(path).query(HAS_EXTRA).boolean is False

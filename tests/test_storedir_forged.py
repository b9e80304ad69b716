"""A work directory whose marker is right but whose ``old`` or ``new`` holds files that are
not a store's (a marker copied or forged) is not the load's: a load neither deletes those files
nor renames them into the store's place. Before, a load deleted them, or renamed ``old`` to the
store's name when the store was missing."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from asean_customs_kg.backends import storedir
from asean_customs_kg.cli.main import main


def forged(store: Path) -> Path:
    work = store.with_name(store.name + ".ackg-load-0badc0de")
    (work / "old").mkdir(parents=True)
    (work / "new").mkdir()
    (work / "old" / "thesis.txt").write_text("chapter 1\n")
    (work / "new" / "notes.txt").write_text("notes\n")
    marker = {"kind": "ackg load work directory", "store": store.name, "id": "0badc0de"}
    (work / storedir.MARKER).write_text(json.dumps(marker))
    return work


def load(store: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["load", "--store", str(store)])
    return result.exit_code, result.stderr


def kept(work: Path) -> None:
    assert (work / "old" / "thesis.txt").read_text() == "chapter 1\n"
    assert (work / "new" / "notes.txt").read_text() == "notes\n"


def test_a_forged_work_directory_next_to_a_store_is_kept(tmp_path: Path) -> None:
    store = tmp_path / "s"
    assert load(store) == (0, "")
    work = forged(store)
    assert load(store) == (0, "")
    kept(work)


def test_a_forged_work_directory_is_not_renamed_to_a_missing_store(tmp_path: Path) -> None:
    store = tmp_path / "s"
    work = forged(store)
    assert load(store) == (0, "")
    kept(work)
    assert storedir.is_store(store)
    assert storedir.readable(store) == store

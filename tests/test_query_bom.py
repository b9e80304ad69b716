"""A query that an editor saved with a byte order mark (U+FEFF first, as Windows editors do)
runs: given as a file, on standard input, or as a saved query. It was refused as a character
that SPARQL does not use, with advice to pass --allow-extensions."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from asean_customs_kg.cli.main import main

BOM = "\ufeff"
ROOT = Path(__file__).resolve().parent.parent


def test_a_query_file_with_a_byte_order_mark_runs(tmp_path: Path) -> None:
    query = tmp_path / "ask.rq"
    query.write_text(f"{BOM}ASK {{}}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["sparql", str(query)])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "true\n", "")


def test_a_query_on_standard_input_with_a_byte_order_mark_runs() -> None:
    result = CliRunner().invoke(main, ["sparql", "-"], input=f"{BOM}ASK {{}}\n")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "true\n", "")


def test_a_saved_query_with_a_byte_order_mark_runs(tmp_path: Path) -> None:
    for part in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / part, tmp_path / part)
    saved = tmp_path / "queries" / "bodies.rq"
    saved.write_text(BOM + saved.read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(
        main, ["--root", str(tmp_path), "query", "bodies", "--format", "csv"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("acronym,")

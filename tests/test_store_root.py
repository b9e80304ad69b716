"""The file system's root given as a store: a load is refused in one line (a load works next
to the store, and nothing stands next to the root), and the query commands say there is no
store there; neither ends in a traceback (``ValueError: ... has an empty name``)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from asean_customs_kg.cli.main import main


def test_a_load_into_the_root_directory_is_refused() -> None:
    result = CliRunner().invoke(main, ["load", "--store", "/"])
    assert (result.exit_code, result.stderr) == (
        2,
        "ackg: error: /: the root directory cannot be a store; give a directory for the store\n",
    )


@pytest.mark.parametrize("command", [["query", "bodies"], ["sparql", "ASK {}"]])
def test_a_query_of_the_root_directory_finds_no_store(command: list[str]) -> None:
    result = CliRunner().invoke(main, [*command, "--store", "/"])
    assert (result.exit_code, result.stderr) == (
        2,
        "ackg: error: /: no Oxigraph store there; create one with 'ackg load --store /'\n",
    )

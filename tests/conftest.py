"""Fixtures shared by test modules, each made once per test run: one real Virtuoso server (it
takes seconds to start), skipped with the reason where Virtuoso is not installed; the reference
tools' answers on the project (:mod:`oracles`); a small synthetic graph from the benchmarks'
generator.

The tests run in parallel worker processes (pytest-xdist, ``-n auto`` in pyproject.toml): a
session fixture is made once in each worker that runs a test asking for it.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import REPO
from oracles import ShaclOracle
from virtuoso_server import VirtuosoServer


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """A Virtuoso server on 127.0.0.1 over a fresh database, shared by the session's tests.
    Tests that load into it load the whole release, so each leaves it as a load leaves it."""
    with VirtuosoServer(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@pytest.fixture(scope="session")
def shacl_oracle() -> ShaclOracle:
    """pySHACL's findings with the project's shapes, each list of files validated once."""
    return ShaclOracle()


@pytest.fixture(scope="session")
def synthetic_data(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The data files of a synthetic graph of about 1,000 triples (benchmarks/generate.py,
    seed 5), valid and consistent; a test must not change them."""
    spec = importlib.util.spec_from_file_location("ackg_bench_gen", REPO / "benchmarks/generate.py")
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = generate
    spec.loader.exec_module(generate)
    directory = tmp_path_factory.mktemp("synthetic")
    generate.generate(directory, 1000, seed=5)
    return sorted((directory / "data").glob("*.ttl"))

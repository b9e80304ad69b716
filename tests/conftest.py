"""Fixtures shared by test modules: one real Virtuoso server for the whole test session (it
takes seconds to start), skipped with the reason where Virtuoso is not installed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from virtuoso_server import VirtuosoServer


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """A Virtuoso server on 127.0.0.1 over a fresh database, shared by the session's tests.
    Tests that load into it load the whole release, so each leaves it as a load leaves it."""
    with VirtuosoServer(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server

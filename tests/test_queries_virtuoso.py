"""Every saved query gives the embedded engine's answer on a real Virtuoso server: the same
variables, the same rows in the same order, the same terms (values and datatypes).

The release is loaded with ``ackg load``'s library call into Virtuoso's ``/sparql`` endpoint,
and each query runs through :class:`~asean_customs_kg.backends.stores.EndpointBackend`, as
``ackg query --endpoint`` runs it.
"""

from __future__ import annotations

import pytest

from asean_customs_kg.backends import stores
from asean_customs_kg.query.catalogue import SavedQuery, list_queries
from asean_customs_kg.query.queries import run_query
from asean_customs_kg.release import export, loading
from store_helpers import examples, normalised
from virtuoso_server import VirtuosoServer

pytestmark = pytest.mark.slow  # a real Virtuoso server


@pytest.fixture(scope="module")
def loaded(virtuoso: VirtuosoServer) -> stores.EndpointBackend:
    loading.load_endpoint(virtuoso.sparql_url, export.build_release())
    return stores.EndpointBackend(virtuoso.sparql_url)


@pytest.mark.parametrize("query", [pytest.param(q, id=q.name) for q in list_queries()])
def test_virtuoso_gives_the_embedded_answer(
    loaded: stores.EndpointBackend, query: SavedQuery
) -> None:
    expected = run_query(query, examples(query))
    assert len(expected) > 0
    assert normalised(run_query(query, examples(query), backend=loaded)) == normalised(expected)

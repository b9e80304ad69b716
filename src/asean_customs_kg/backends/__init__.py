"""Where a query runs: the embedded engine, an on-disk store, a remote SPARQL endpoint (over
HTTP, with credentials kept out of every message), and the on-disk store directory.

Above :mod:`asean_customs_kg.rdf`; used by ``query/`` and the layers above it.
"""

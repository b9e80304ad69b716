"""Where a query runs: the embedded engine, an on-disk store, a remote SPARQL endpoint."""

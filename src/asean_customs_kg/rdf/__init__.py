"""RDF and SPARQL basics: the vocabulary, parsing files, term conversion, source positions,
SPARQL text and result tables.

The layer above the bottom modules (``errors``, ``choices``, ``resources``, ``interrupts``): it
imports nothing else of the package, and everything above may import it.
"""

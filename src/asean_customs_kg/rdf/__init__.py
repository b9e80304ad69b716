"""RDF and SPARQL basics: the vocabulary, parsing files, term conversion, source positions,
SPARQL text and result tables. The lowest layer: it imports nothing else of the package."""

"""The SHACL stage: pySHACL as the reference, compiled SPARQL as the fast path."""

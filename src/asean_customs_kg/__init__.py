"""ASEAN Customs Knowledge Graph: the ontology, data and saved queries, and tools to use them.

Importing this package is cheap: it loads no RDF library. Submodules import what they need.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]

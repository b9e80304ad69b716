"""Saved queries: the catalogue and its headers, binding parameters, running, and output formats.

Above ``backends/`` and ``rdf/``; used by validation, release, publish, web and the CLI.
"""

"""Saved queries: the catalogue and its headers, binding parameters, running, and output formats."""

"""The release of the graph and what changes between two: export, diff, loading into stores.

A feature layer beside ``validation/`` (neither imports the other), above ``query/``.
"""

"""``ackg validate``: orchestration, placing findings in files, reports; the SHACL and
logic engines and the quality checks.

A feature layer beside ``release/`` (neither imports the other), above ``query/``.
"""

"""``ackg validate``: orchestration, placing findings in files, reports; the SHACL and
logic engines and the quality checks."""

"""The README's Quick start holds two commands, and CI runs the test command verbatim."""

from __future__ import annotations

import re

from helpers import REPO


def _quick_start_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Quick start\n(.*?)(?=^## |\Z)", readme, re.MULTILINE | re.DOTALL)
    assert section, "README.md has no '## Quick start' section"
    blocks = re.findall(r"^```sh\n(.*?)^```", section.group(1), re.MULTILINE | re.DOTALL)
    assert len(blocks) == 1, "the Quick start must have exactly one ```sh block"
    return [line for line in blocks[0].splitlines() if line.strip()]


def test_quick_start_has_a_query_and_a_test_command() -> None:
    query, test = _quick_start_commands()
    assert query.endswith(".venv/bin/ackg query reports-to --param body=CPTFWG")
    assert test.endswith(".venv/bin/python -m pytest")


def test_ci_runs_the_readme_test_command() -> None:
    _, test = _quick_start_commands()
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert script.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in script
    assert test in script.splitlines()

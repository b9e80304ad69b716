"""The code passes ruff (lint and format) and strict mypy, as configured in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers import REPO

TARGETS = ["src", "tests", "hatch_build.py"]


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["ruff", "check", *TARGETS], id="ruff-check"),
        pytest.param(["ruff", "format", "--check", *TARGETS], id="ruff-format"),
        pytest.param(["mypy", *TARGETS], id="mypy"),
    ],
)
def test_tool_passes(command: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", *command],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}"

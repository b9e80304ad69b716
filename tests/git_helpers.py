"""A temporary git repository holding a copy of the project, for the tests of changes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from asean_customs_kg import resources
from helpers import REPO

PREFIXES = (
    "@prefix org: <http://www.w3.org/ns/org#> .\n"
    "@prefix dct: <http://purl.org/dc/terms/> .\n"
    "@prefix ack: <https://w3id.org/asean-customs-kg/ontology#> .\n"
    "@prefix body: <https://w3id.org/asean-customs-kg/id/body/> .\n"
    "@prefix ovw: <https://w3id.org/asean-customs-kg/id/source/asean-customs-overview/> .\n"
)


def git(repo: Path, *args: str) -> str:
    """Runs git in ``repo`` (with a fixed author) and returns its output."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
    }
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def project_repository(directory: Path) -> Path:
    """A git repository at ``directory`` whose one commit holds a copy of the project."""
    for name in resources.MARKER:
        shutil.copytree(REPO / name, directory / name)
    git(directory, "init", "-q", "-b", "main")
    commit(directory, "the project")
    return directory


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def changed_lines(repo: Path) -> set[tuple[str, int]]:
    """``(file, line)`` of every line that the last commit added or changed."""
    changed: set[tuple[str, int]] = set()
    current = ""
    for line in git(repo, "diff", "--unified=0", "HEAD~1", "HEAD").splitlines():
        if line.startswith("+++ b/"):
            current = line[len("+++ b/") :]
        hunk = re.match(r"@@ -\S+ \+(\d+)(?:,(\d+))? @@", line)
        if hunk:
            start, count = int(hunk[1]), int(hunk[2] or "1")
            changed |= {(current, n) for n in range(start, start + count)}
    return changed

"""Every problem on the line that holds the statement at fault, in each file that states it.

The scenario of a pull request: a change adds a file (or lines) to a checkout; validation runs
there with an ``ackg`` installed from elsewhere, and GitHub shows annotations only on the lines
the change touched. So every problem that a changed statement causes must be placed on it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from asean_customs_kg import resources
from asean_customs_kg.locate import Location, Locator
from asean_customs_kg.validate import validate
from helpers import REPO

ACKG = Path(sys.executable).with_name("ackg")
PREFIXES = (
    "@prefix org: <http://www.w3.org/ns/org#> .\n"
    "@prefix dct: <http://purl.org/dc/terms/> .\n"
    "@prefix ack: <https://w3id.org/asean-customs-kg/ontology#> .\n"
    "@prefix body: <https://w3id.org/asean-customs-kg/id/body/> .\n"
    "@prefix ovw: <https://w3id.org/asean-customs-kg/id/source/asean-customs-overview/> .\n"
)


def _copy(directory: Path) -> Path:
    for name in resources.MARKER:
        shutil.copytree(REPO / name, directory / name)
    return directory


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_a_cycle_closed_by_a_new_file_is_shown_in_that_file(tmp_path: Path) -> None:
    project = _copy(tmp_path)
    new = project / "data" / "new.ttl"
    new.write_text(PREFIXES + "\nbody:ccc org:reportsTo body:swg-acts .\n", encoding="utf-8")
    bodies = project / "data" / "bodies.ttl"
    described = _line_of(bodies, "body:ccc a ack:CoordinatingCommittee")
    report = validate(root=project)
    about_ccc = [p for p in report.problems if p.focus == "body:ccc"]
    assert about_ccc
    # Each problem about the new statement is on its line; the one over two statements
    # (two superiors, sh:maxCount) is on each.
    assert {(p.path, p.line, p.rule) for p in about_ccc} == {
        (new, 7, "acksh:OrganizationShape (sh:sparql)"),
        (new, 7, "acksh:SectoralBodyShape (sh:maxCount)"),
        (new, 7, "reporting-cycle"),
        (
            bodies,
            _line_of(bodies, "org:reportsTo body:asean-dgs-of-customs"),
            "acksh:SectoralBodyShape (sh:maxCount)",
        ),
    }
    assert all(p.line != described for p in report.problems if p.path == bodies)
    # The other statements of the cycle are where they are stated.
    assert {(p.path, p.line) for p in report.problems if p.focus == "body:cptfwg"} == {
        (bodies, _line_of(bodies, "org:reportsTo body:ccc"))
    }


def test_locator_places_statements_by_object_then_property(tmp_path: Path) -> None:
    path = tmp_path / "a.ttl"
    path.write_text(
        "@prefix ex: <http://example.org/> .\nex:a\n    ex:p ex:b,\n        ex:c ;\n"
        '    ex:q "x\\"y" .\n',
        encoding="utf-8",
    )
    locator = Locator([path])
    ex = "http://example.org/"
    assert locator.statement(path, ex + "a", ex + "p", ex + "c") == Location(path, 4, 9)
    assert locator.statement(path, ex + "a", ex + "p", ex + "nowhere") == Location(path, 3, 5)
    assert locator.statement(path, ex + "a", ex + "q", '"x"y"') == Location(path, 5, 10)
    assert locator.statement(path, ex + "a", ex + "r") is None
    assert locator.statement(tmp_path / "other.ttl", ex + "a", ex + "p") is None


def _git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def _changed_lines(repo: Path) -> set[tuple[str, int]]:
    """``(file, line)`` of every line that the last commit added or changed."""
    changed: set[tuple[str, int]] = set()
    current = ""
    for line in _git(repo, "diff", "--unified=0", "HEAD~1", "HEAD").splitlines():
        if line.startswith("+++ b/"):
            current = line[len("+++ b/") :]
        hunk = re.match(r"@@ -\S+ \+(\d+)(?:,(\d+))? @@", line)
        if hunk:
            start, count = int(hunk[1]), int(hunk[2] or "1")
            changed |= {(current, n) for n in range(start, start + count)}
    return changed


@pytest.fixture
def pull_request(tmp_path: Path) -> Path:
    """A git repository of the project with two commits: the second gives two bodies that
    data/bodies.ttl describes a misspelt source and a misspelt superior, in a new file."""
    repo = _copy(tmp_path / "checkout")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "the project")
    (repo / "data" / "new.ttl").write_text(
        PREFIXES
        + "\n# Two statements about bodies described in data/bodies.ttl.\n"
        + "body:swg-acts dct:source ovw:p99 .\n"
        + "body:cecwg ack:establishedUnder body:cptfwgg .\n",
        encoding="utf-8",
    )
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "a change")
    return repo


def test_pull_request_annotations_only_on_the_changed_lines(pull_request: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != resources.ENV_HOME}
    done = subprocess.run(
        [str(ACKG), "validate", "--format", "github"],
        cwd=pull_request,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    annotations = [line for line in done.stdout.splitlines() if line.startswith("::")]
    places = {
        (match[1], int(match[2]))
        for match in (re.match(r"::error file=([^,]+),line=(\d+),", a) for a in annotations)
        if match
    }
    assert len(places) == 2 and len(annotations) == 4, annotations
    assert places <= _changed_lines(pull_request) == {("data/new.ttl", n) for n in range(1, 10)}
    assert places == {("data/new.ttl", 8), ("data/new.ttl", 9)}
    assert done.stdout.splitlines()[-1].endswith("; project . (found from the working directory)")

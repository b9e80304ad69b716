"""The scenario of a pull request that edits data/: a repository with two commits, and ackg
installed elsewhere (this test run's own), run from inside the repository. The contributor
sees every problem on the lines they changed; the reviewer reads what the change means."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from asean_customs_kg import resources
from git_helpers import PREFIXES, changed_lines, commit, project_repository
from helpers import REPO

ACKG = Path(sys.executable).with_name("ackg")


@pytest.fixture
def pull_request(tmp_path: Path) -> Path:
    """The project, then a commit giving two bodies that data/bodies.ttl describes a misspelt
    source and a misspelt superior, in a new file."""
    repo = project_repository(tmp_path / "checkout")
    (repo / "data" / "new.ttl").write_text(
        PREFIXES
        + "\n# Two statements about bodies described in data/bodies.ttl.\n"
        + "body:swg-acts dct:source ovw:p99 .\n"
        + "body:cecwg ack:establishedUnder body:cptfwgg .\n",
        encoding="utf-8",
    )
    commit(repo, "a change")
    return repo


def _ackg(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != resources.ENV_HOME}
    return subprocess.run(
        [str(ACKG), *args], cwd=repo, env=env, capture_output=True, text=True, check=False
    )


def test_annotations_only_on_the_changed_lines(pull_request: Path) -> None:
    done = _ackg(pull_request, "validate", "--format", "github")
    assert done.returncode == 1, done.stdout + done.stderr
    annotations = [line for line in done.stdout.splitlines() if line.startswith("::")]
    places = {
        (match[1], int(match[2]))
        for match in (re.match(r"::error file=([^,]+),line=(\d+),", a) for a in annotations)
        if match
    }
    assert len(annotations) == 4, annotations
    assert places == {("data/new.ttl", 8), ("data/new.ttl", 9)}
    assert places <= changed_lines(pull_request)
    assert done.stdout.splitlines()[-1].endswith("; project . (found from the working directory)")


def test_the_diff_names_the_added_statements_by_their_labels(pull_request: Path) -> None:
    done = _ackg(pull_request, "diff", "HEAD~1", "HEAD", "--format", "markdown")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "## Graph changes: `HEAD~1` → `HEAD`\n\n2 statements added, 0 removed.\n\n### data\n\n"
        "**CECWG (body:cecwg)** · sources: ASEAN Customs: Overview, paragraph 2 (ovw:p2), "
        "ASEAN Customs: Overview, paragraph 4 (ovw:p4)\n\n"
        "```diff\n+ CECWG (body:cecwg) established under body:cptfwgg\n```\n\n"
        "**SWG-ACTS (body:swg-acts)** · sources: ASEAN Customs: Overview, paragraph 3 (ovw:p3), "
        "ASEAN Customs: Overview, paragraph 4 (ovw:p4), ovw:p99\n\n"
        "```diff\n+ SWG-ACTS (body:swg-acts) dct:source ovw:p99\n```\n"
    )


def test_the_workflow_writes_the_diff_to_the_job_summary(
    pull_request: Path, tmp_path: Path
) -> None:
    """The pull-request workflow's diff step, run as its shell would run it, on a merge-like
    history (the pull request's commit and its first parent)."""
    workflow = (REPO / ".github" / "workflows" / "diff.yml").read_text(encoding="utf-8")
    (step,) = [
        line.strip().removeprefix("run: ")
        for line in workflow.splitlines()
        if line.strip().startswith("run: ackg diff ")
    ]
    summary = tmp_path / "summary.md"
    env = {k: v for k, v in os.environ.items() if k != resources.ENV_HOME}
    env["GITHUB_STEP_SUMMARY"] = str(summary)
    env["PATH"] = f"{ACKG.parent}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(
        ["bash", "-c", step], cwd=pull_request, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## Graph changes: `HEAD^1` → `HEAD`\n\n2 statements added, 0 removed.")
    assert "+ CECWG (body:cecwg) established under body:cptfwgg" in text
    assert "## Saved queries" in text


def test_annotations_name_files_from_the_repository_top_in_any_directory(
    pull_request: Path,
) -> None:
    """GitHub matches an annotation's file against the repository's paths, so a step run in
    a subdirectory (``working-directory: data``) still names ``data/new.ttl``."""
    done = _ackg(pull_request / "data", "validate", "--format", "github")
    assert done.returncode == 1, done.stdout + done.stderr
    files = {
        match[1]
        for match in (re.match(r"::error file=([^,]+),", line) for line in done.stdout.splitlines())
        if match
    }
    assert files == {"data/new.ttl"}

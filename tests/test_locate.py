"""Locating resources in Turtle text: where each IRI is first described and first used."""

from __future__ import annotations

from pathlib import Path

from asean_customs_kg import resources
from asean_customs_kg.rdf.locate import Location, Locator, index_text

EX = "http://example.org/"

TEXT = """\
# A comment that mentions ex:notasubject ex:p ex:o .
@prefix ex: <http://example.org/> .
PREFIX sp: <http://example.org/sparql/>
@base <http://example.org/base/> .

ex:a ex:p ex:b ;
    ex:q \"\"\"a long string
ex:fake ex:p ex:o .
that ends here\"\"\" ;
    ex:r [ ex:s ex:inner ] , ( ex:item ) .
<relative> ex:p 'it''s' .
   sp:c ex:p "x . ex:alsofake ex:p ex:o"@en .
[ ex:p ex:anonymous ] .
ex:b ex:p ex:a .
ex:dash\\-ed ex:p 1.5 .
"""


def test_subjects_are_statement_starts_only() -> None:
    found = index_text(TEXT, Path("test.ttl"))
    assert found.subjects == {
        EX + "a": (6, 1),
        EX + "base/relative": (11, 1),
        EX + "sparql/c": (12, 4),
        EX + "b": (14, 1),
        EX + "dash-ed": (15, 1),
    }


def test_mentions_include_objects_and_skip_strings_and_comments() -> None:
    found = index_text(TEXT, Path("test.ttl"))
    assert found.mentions[EX + "b"] == (6, 11)
    assert found.mentions[EX + "inner"] == (10, 17)
    assert found.mentions[EX + "item"] == (10, 32)
    assert found.mentions[EX + "anonymous"] == (13, 8)
    for absent in ("notasubject", "fake", "alsofake"):
        assert EX + absent not in found.mentions


def test_prefixes_of_both_syntaxes() -> None:
    found = index_text(TEXT, Path("test.ttl"))
    assert found.prefixes == {"ex": EX, "sp": EX + "sparql/"}


def test_every_subject_of_the_project_files_is_found() -> None:
    from rdflib import Graph, URIRef

    for path in [*resources.ontology_files(), *resources.data_files()]:
        subjects = {str(s) for s in Graph().parse(path).subjects() if isinstance(s, URIRef)}
        found = Locator([path]).indexes[0]
        assert set(found.subjects) == subjects, path


def test_locate_prefers_the_given_file_then_the_first_description(tmp_path: Path) -> None:
    first, second = tmp_path / "first.ttl", tmp_path / "second.ttl"
    first.write_text("@prefix ex: <http://example.org/> .\n\nex:a ex:p ex:used .\n")
    second.write_text("@prefix ex: <http://example.org/> .\nex:a ex:q 1 .\n")
    locator = Locator([first, second])
    assert locator.locate(EX + "a") == Location(first, 3, 1)
    assert locator.locate(EX + "a", prefer=second) == Location(second, 2, 1)
    assert locator.locate(EX + "used") == Location(first, 3, 11)
    assert locator.locate(EX + "nowhere") is None


def test_a_base_keeps_the_hash_of_the_prefixes_after_it() -> None:
    """Under an ``@base`` of the same scheme, a namespace ending in ``#`` keeps it (urljoin
    drops an empty fragment), so the statements of its terms are found; an IRI relative to
    the base is resolved."""
    text = (
        "@base <https://example.org/id/> .\n"
        "@prefix o: <https://example.org/ontology#> .\n"
        "<body/a> o:under <./body/b> ;\n"
        "    o:other <#> .\n"
    )
    index = index_text(text, Path("base.ttl"))
    assert index.prefixes["o"] == "https://example.org/ontology#"
    a, b = "https://example.org/id/body/a", "https://example.org/id/body/b"
    assert index.statements[(a, "https://example.org/ontology#under", b)] == (3, 18)
    assert index.statements[
        (a, "https://example.org/ontology#other", "https://example.org/id/#")
    ] == (4, 13)


def test_a_namespace_is_named_by_the_prefix_most_files_give_it(tmp_path: Path) -> None:
    """A new file's own name for a namespace (``a:`` for the ontology) does not rename it in
    every message: the name most files declare wins, then the first declared."""
    files = []
    for name, prefix in (("a.ttl", "a"), ("b.ttl", "ack"), ("c.ttl", "ack"), ("d.ttl", "k")):
        path = tmp_path / name
        path.write_text(f"@prefix {prefix}: <{EX}ontology#> .\n", encoding="utf-8")
        files.append(path)
    (tmp_path / "e.ttl").write_text(f"@prefix a: <{EX}other/> .\n", encoding="utf-8")
    prefixes = Locator([*files, tmp_path / "e.ttl"]).prefixes()
    assert prefixes == {"ack": f"{EX}ontology#", "a": f"{EX}other/"}

"""Where a resource is described in the Turtle files: the file, line and column.

A validation problem is about a resource (SHACL's focus node, a check's ``?this``); a person
fixing it needs the place in the source where that resource is described, which an RDF parser
forgets. This module finds it with a light scan of the Turtle text: a tokenizer that knows where
strings, comments, IRIs and prefixed names begin and end, tracks ``@prefix``/``PREFIX`` and
``@base``/``BASE`` declarations and the nesting of ``[ ]`` and ``( )``, and records for every IRI

* the position of its first appearance as the *subject* of a top-level statement (where it is
  described), and
* the position of its first appearance anywhere (where it is used), for IRIs that are used but
  never described, such as a misspelt reference;

and for every statement of a top-level subject named by an IRI, the position of its predicate
(the first statement of that subject and property) and of its object (an IRI, or a literal's
lexical form), so that a problem about one statement is placed on the line that holds it.

Blank nodes have no stable name across parsers; callers locate them through the IRI that refers
to them (see :meth:`Locator.locate`). The scan needs a file that parses; it never raises on odd
input and simply records less. It imports no RDF library.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from .vocab import RDF_TYPE

__all__ = ["FileIndex", "Location", "Locator", "index_file", "index_text"]


@dataclass(frozen=True)
class Location:
    """A place in a file: 1-based line and column."""

    path: Path
    line: int
    column: int


@dataclass
class FileIndex:
    """The IRIs of one Turtle file: where each is first described and first used."""

    path: Path
    subjects: dict[str, tuple[int, int]] = field(default_factory=dict)
    mentions: dict[str, tuple[int, int]] = field(default_factory=dict)
    prefixes: dict[str, str] = field(default_factory=dict)
    #: ``(subject, predicate)`` -> where the first such statement's predicate is written.
    properties: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    #: ``(subject, predicate, object)`` -> where the object is written; the object is an IRI,
    #: or a literal's lexical form in double quotes (``'"CCC"'``).
    statements: dict[tuple[str, str, str], tuple[int, int]] = field(default_factory=dict)
    #: The same for the statements of a blank node written in brackets: ``(subject, path,
    #: predicate)`` and ``(subject, path, predicate, object)``, where ``path`` holds the
    #: properties that lead from the top-level subject to the blank node.
    nested_properties: dict[tuple[str, tuple[str, ...], str], tuple[int, int]] = field(
        default_factory=dict
    )
    nested: dict[tuple[str, tuple[str, ...], str, str], tuple[int, int]] = field(
        default_factory=dict
    )


_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
)
_PN_CHARS = _PN_CHARS_BASE + r"_0-9\-\u00b7\u0300-\u036f\u203f-\u2040"
_LOCAL_ESCAPE = r"\\[_~.\-!$&'()*+,;=/?#@%]|%[0-9A-Fa-f]{2}"
_PNAME = re.compile(
    rf"(?:[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)?:"
    rf"(?:(?:[{_PN_CHARS}:]|{_LOCAL_ESCAPE})(?:(?:[{_PN_CHARS}.:]|{_LOCAL_ESCAPE})*"
    rf"(?:[{_PN_CHARS}:]|{_LOCAL_ESCAPE}))?)?"
)
_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>\#[^\n]*)
    | (?P<iri><[^<>"{}|^`\\\s]*>)
    | (?P<long>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*''')
    | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    | (?P<directive>@(?:prefix|base)\b)
    | (?P<sparql>(?i:PREFIX|BASE)(?=\s))
    | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<bnode>_:[^\s.;,()\[\]]*(?:\.[^\s.;,()\[\]]+)*)
    | (?P<dtype>\^\^)
    | (?P<punct>[.;,\[\]()])
    """,
    re.VERBOSE,
)
_STRING_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_ESCAPED = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f"}
_WORD = re.compile(r"[^\s.;,()\[\]<>\"']+(?:\.[^\s.;,()\[\]<>\"']+)*")
_UNESCAPE = re.compile(r"\\(.)")


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def _resolve(base: str, reference: str) -> str:
    """``reference`` resolved against ``base``: an absolute IRI as written; a relative one with
    urljoin, keeping an empty fragment or query (``<#>``), which urljoin drops."""
    if _SCHEME.match(reference):
        return reference
    resolved = urljoin(base, reference)
    for mark in "#?":
        if reference.endswith(mark) and not resolved.endswith(mark):
            resolved += mark
    return resolved


def _tokens(text: str) -> Iterator[tuple[str, str, int, int]]:
    """Yields ``(kind, text, line, column)``; kinds as in :data:`_TOKEN`, plus ``pname``,
    ``word`` (numbers, ``a``, ``true``...) and ``other``."""
    line, line_start, index = 1, 0, 0
    while index < len(text):
        match = _TOKEN.match(text, index)
        kind: str
        if match is not None and match.lastgroup is not None:
            kind, value = match.lastgroup, match.group()
        else:
            pname = _PNAME.match(text, index)
            word = _WORD.match(text, index)
            if pname is not None and pname.group():
                kind, value = "pname", pname.group()
            elif word is not None:
                kind, value = "word", word.group()
            else:
                kind, value = "other", text[index]
        column = index - line_start + 1
        if kind not in ("space", "comment"):
            yield kind, value, line, column
        newlines = value.count("\n")
        if newlines:
            line += newlines
            line_start = index + value.rfind("\n") + 1
        index += len(value)


def _expand(pname: str, prefixes: dict[str, str]) -> str | None:
    prefix, _, local = pname.partition(":")
    namespace = prefixes.get(prefix)
    if namespace is None:
        return None
    return namespace + _UNESCAPE.sub(r"\1", local)


def _lexical(kind: str, value: str) -> str:
    """A string token's lexical form (quotes removed, escapes decoded), in double quotes."""
    quotes = 3 if kind == "long" else 1
    body = value[quotes:-quotes]

    def decode(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _ESCAPED.get(code, code)

    return f'"{_STRING_ESCAPE.sub(decode, body)}"'


@dataclass
class _Frame:
    """A statement being read: its subject (the top-level IRI), the properties that lead from
    it to this blank node (empty at the top level), what comes next, and the property."""

    subject: str | None
    path: tuple[str, ...]
    expect: str = "predicate"  # or "subject", "object", "after" (an object was read)
    predicate: str | None = None
    opaque: int = 0  # inside a collection ( ... ): nesting, statements not followed


class _Statements:
    """Follows subject, predicate and objects of the statements, top-level ones and those of
    the blank nodes written in brackets under them (see index_text)."""

    def __init__(self, result: FileIndex) -> None:
        self.result = result
        self.stack = [_Frame(None, (), "subject")]

    def token(self, kind: str, value: str, iri: str | None, where: tuple[int, int]) -> None:
        """The next token of a statement (not of a directive)."""
        frame = self.stack[-1]
        if frame.opaque:
            if value in ("[", "("):
                frame.opaque += 1
            elif value in ("]", ")"):
                frame.opaque -= 1
                if not frame.opaque:
                    frame.expect = "after"
            return
        if kind == "punct":
            self._punct(frame, value)
        elif kind in ("iri", "pname", "word", "string", "long", "bnode"):
            self._term(frame, kind, value, iri, where)

    def _punct(self, frame: _Frame, value: str) -> None:
        if value == "." and len(self.stack) == 1:
            self.stack[0] = _Frame(None, (), "subject")
        elif value == ";":
            frame.expect = "predicate"
        elif value == ",":
            frame.expect = "object"
        elif value == "(":
            frame.opaque, frame.expect = 1, "after"
        elif value == "[":
            if frame.expect == "object" and frame.predicate is not None:
                self.stack.append(_Frame(frame.subject, (*frame.path, frame.predicate)))
            else:  # a blank node as the subject, or under one: not followed
                self.stack.append(_Frame(None, ()))
            frame.expect = "after" if frame.expect == "object" else "predicate"
        elif value == "]" and len(self.stack) > 1:
            self.stack.pop()

    def _term(self, frame: _Frame, kind: str, value: str, iri: str | None, where: Any) -> None:
        if frame.expect == "subject":
            frame.subject, frame.expect = iri, "predicate"
        elif frame.expect == "predicate":
            frame.predicate = RDF_TYPE if kind == "word" and value == "a" else iri
            frame.expect = "object"
            if frame.subject is not None and frame.predicate is not None:
                if frame.path:
                    key = (frame.subject, frame.path, frame.predicate)
                    self.result.nested_properties.setdefault(key, where)
                else:
                    self.result.properties.setdefault((frame.subject, frame.predicate), where)
        elif frame.expect == "object":
            frame.expect = "after"
            obj = iri
            if kind in ("string", "long"):
                obj = _lexical(kind, value)
            elif kind == "word":
                obj = f'"{value}"'
            self._record(frame, obj, where)

    def _record(self, frame: _Frame, obj: str | None, where: Any) -> None:
        if frame.subject is None or frame.predicate is None or obj is None or where is None:
            return
        if frame.path:
            nested = (frame.subject, frame.path, frame.predicate, obj)
            self.result.nested.setdefault(nested, where)
        else:
            self.result.statements.setdefault((frame.subject, frame.predicate, obj), where)


def index_text(text: str, path: Path) -> FileIndex:
    """Indexes Turtle ``text`` (the content of ``path``); see the module doc."""
    result = FileIndex(path)
    base = path.resolve().as_uri()
    depth = 0  # nesting of [ ] and ( )
    expect_subject = True
    pending: str | None = None  # the directive whose arguments follow
    pending_prefix: str | None = None
    statements = _Statements(result)

    def resolve(kind: str, value: str) -> str | None:
        if kind == "iri":
            return _resolve(base, _UNESCAPE.sub(r"\1", value[1:-1]))
        if kind == "pname":
            return _expand(value, result.prefixes)
        return None

    for kind, value, line, column in _tokens(text):
        if pending is not None:
            if (
                pending.lstrip("@").lower() == "prefix"
                and pending_prefix is None
                and kind == "pname"
            ):
                pending_prefix = value[:-1] if value.endswith(":") else value.partition(":")[0]
                continue
            if kind == "iri":
                target = resolve(kind, value) or ""
                if pending.lower().endswith("base"):
                    base = target
                elif pending_prefix is not None:
                    result.prefixes[pending_prefix] = target
            if pending.startswith("@") and kind != "punct":
                continue  # '@prefix p: <iri> .' ends with a dot; 'PREFIX p: <iri>' does not
            pending, pending_prefix = None, None
            expect_subject = True
            statements.token("punct", ".", None, (line, column))
            continue
        if kind == "directive":
            pending = value
            continue
        if kind == "sparql" and expect_subject and depth == 0:
            pending = value.upper()
            continue
        iri = resolve(kind, value)
        if iri is not None:
            result.mentions.setdefault(iri, (line, column))
            if expect_subject and depth == 0:
                result.subjects.setdefault(iri, (line, column))
        statements.token(kind, value, iri, (line, column))
        if kind == "punct":
            if value in "[(":
                depth += 1
            elif value in "])":
                depth = max(0, depth - 1)
            elif value == "." and depth == 0:
                expect_subject = True
                continue
        if kind not in ("space", "comment"):
            expect_subject = False
    return result


def index_file(path: Path) -> FileIndex:
    """Indexes the Turtle file at ``path`` (read as UTF-8)."""
    return index_text(path.read_text(encoding="utf-8"), path)


class Locator:
    """Finds where resources are described, across a list of files (earlier files first)."""

    def __init__(self, paths: Iterable[Path]) -> None:
        self.indexes = [index_file(path) for path in paths]

    def described_in(self, iri: str) -> list[Location]:
        """Every file that describes ``iri`` (as a statement's subject), with the place."""
        return [
            Location(index.path, *index.subjects[iri])
            for index in self.indexes
            if iri in index.subjects
        ]

    def first_mention(self, iri: str) -> Location | None:
        """The first place where ``iri`` appears at all, or None."""
        for index in self.indexes:
            if iri in index.mentions:
                return Location(index.path, *index.mentions[iri])
        return None

    def locate(self, iri: str, prefer: Path | None = None) -> Location | None:
        """Where ``iri`` is described: in ``prefer`` when that file describes it, else the first
        file that does; failing that, its first mention; None when no file has it."""
        places = self.described_in(iri)
        for place in places:
            if place.path == prefer:
                return place
        if places:
            return places[0]
        return self.first_mention(iri)

    def statement(
        self, path: Path, subject: str, predicate: str, obj: str | None = None
    ) -> Location | None:
        """Where ``path`` states ``subject predicate obj`` (``obj`` an IRI or ``'"lexical"'``):
        the object's place, else the place of the subject's first statement of
        ``predicate``; None when the file has neither (or is not indexed)."""
        for index in self.indexes:
            if index.path != path:
                continue
            place = index.statements.get((subject, predicate, obj)) if obj is not None else None
            place = place or index.properties.get((subject, predicate))
            return Location(path, *place) if place is not None else None
        return None

    def nested_statement(
        self,
        path: Path,
        subject: str,
        properties: tuple[str, ...],
        predicate: str,
        obj: str | None = None,
    ) -> Location | None:
        """Where ``path`` states ``predicate obj`` of the blank node in brackets that
        ``properties`` lead to from ``subject`` (the first such); as :meth:`statement`."""
        for index in self.indexes:
            if index.path != path:
                continue
            key = (subject, properties, predicate)
            place = index.nested.get((*key, obj)) if obj is not None else None
            place = place or index.nested_properties.get(key)
            return Location(path, *place) if place is not None else None
        return None

    def objects(self, predicate: str) -> dict[str, list[str]]:
        """For each top-level subject stated with ``predicate`` (in any file), its objects (the
        IRIs and lexical forms); ``sh:targetClass`` gives each shape's target classes."""
        found: dict[str, list[str]] = {}
        for index in self.indexes:
            for subject, stated, obj in index.statements:
                if stated == predicate:
                    found.setdefault(subject, []).append(obj)
        return found

    def prefixes(self) -> dict[str, str]:
        """The prefixes declared in the files, one name per namespace: the name most files
        give it, then the first declared (so that one file's ``a:`` for the ontology does not
        rename it in every message); a name taken by an earlier namespace is left out."""
        counts: dict[tuple[str, str], int] = {}
        for index in self.indexes:
            for name, namespace in index.prefixes.items():
                counts[(name, namespace)] = counts.get((name, namespace), 0) + 1
        best: dict[str, tuple[int, str]] = {}
        for (name, namespace), count in counts.items():  # in the order first declared
            if namespace not in best or count > best[namespace][0]:
                best[namespace] = (count, name)
        merged: dict[str, str] = {}
        for namespace, (_, name) in best.items():
            merged.setdefault(name, namespace)
        return merged

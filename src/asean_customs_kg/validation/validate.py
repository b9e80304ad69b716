"""Validating the graph: syntax, SHACL shapes, OWL 2 RL logic and the SPARQL quality checks.

:func:`validate` runs, in order:

1. **syntax** -- every Turtle file (ontology, shapes, data) is parsed by pyoxigraph, the parser
   of the query path; every broken file is reported with its line and column, and the later
   stages do not run (they would judge a graph with files missing);
2. **shacl** -- the data, together with the ontology, against ``ontology/shapes.ttl``: the
   ``sh:sparql`` constraints (:mod:`asean_customs_kg.validation.shacl.sparql`) and the core
   constraints compiled to SPARQL (:mod:`asean_customs_kg.validation.shacl.core`) once over the
   whole graph on pyoxigraph; pySHACL only for what neither compiles (nothing, for the project's
   shapes: pySHACL is then not imported);
3. **logic** -- ontology plus data under OWL 2 RL: the closure by ``reasonable`` and the
   "false" rules as SPARQL on a pyoxigraph store of its own, or owlrl for a graph that uses a
   construct ``reasonable`` lacks (see :mod:`asean_customs_kg.validation.logic.reasoning`);
4. **check** -- the SPARQL checks of ``queries/checks/`` on pyoxigraph (see :mod:`.checks`),
   which include the ontology's metadata (title, description, version, licence, creators).

Every problem is placed at the file and line of the statement at fault, in each file that
states it, else where its resource is described (see :mod:`.place`), with IRIs shortened to
the files' prefixes. pySHACL's report cannot say this.

By default the data of the project at ``root`` is validated (a
:class:`~asean_customs_kg.resources.Root` or a directory; without one, the project is found from the
working directory, see :mod:`asean_customs_kg.resources`). Given paths (files, or directories of
``.ttl`` files), those files are validated *with* the project's ontology, shapes and data, so that a
new file may refer to the bodies, sources and concepts already described;
``with_project_data=False`` leaves the project's data out. A given file that is one of the project's
own is not loaded twice.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import resources
from ..errors import DataError, EnvError, UsageError
from ..interrupts import SCRATCH, HeldInterrupts
from ..rdf.graph import to_rdflib_graph
from ..rdf.locate import Locator
from ..rdf.prefixes import Shortener
from .place import Placer, graph_name
from .problems import STAGES, Finding, Problem, Stage

if TYPE_CHECKING:
    pass

__all__ = ["Report", "validate", "validation_files"]

StrPath = str | os.PathLike[str]


@dataclass
class Report:
    """The outcome of :func:`validate`."""

    problems: list[Problem]
    files: list[Path]
    stages_run: list[Stage] = field(default_factory=list)
    #: The project whose ontology, shapes and data were read.
    root: resources.Root | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def infos(self) -> list[Problem]:
        """Problems of severity ``info`` (SHACL's ``sh:Info``): reported, never failing."""
        return [p for p in self.problems if p.severity == "info"]

    def valid(self, strict: bool = False) -> bool:
        """No error (and, when ``strict``, no warning either)."""
        return not self.errors and not (strict and self.warnings)


def _expand(paths: Iterable[StrPath]) -> list[Path]:
    """Files as given; a directory stands for its ``*.ttl`` files (sorted)."""
    files: list[Path] = []
    for raw in paths:
        try:
            files.extend(_expand_one(raw))
        except OSError as error:  # e.g. a directory on the way that may not be searched
            raise EnvError(f"{raw}: cannot read: {error.strerror or error}") from error
    return files


def _expand_one(raw: StrPath) -> list[Path]:
    """The files that one given path stands for (see :func:`_expand`)."""
    path = Path(raw)
    if path.is_dir():
        # os.listdir, not glob: glob takes a directory it may not read for an empty one.
        found = sorted(path / n for n in os.listdir(path) if n.endswith(".ttl"))
        found = [p for p in found if p.is_file()]
        if not found:
            raise UsageError(f"{raw}: the directory holds no .ttl file; give Turtle files")
        return found
    if path.is_file():
        return [path]
    if not path.exists():
        raise EnvError(f"{raw}: no such file; give a Turtle file or a directory")
    raise EnvError(f"{raw}: not a regular file; give a Turtle file or a directory")


def validation_files(
    paths: Sequence[StrPath] | None = None,
    with_project_data: bool = True,
    root: resources.RootLike = None,
) -> tuple[list[Path], list[Path], list[Path]]:
    """``(ontology, shapes, data)`` files that :func:`validate` reads; see the module doc.

    The data files are the given files first (in the order given, each once), then the
    project's data files not already among them (unless ``with_project_data`` is false).
    """
    found = resources.resolve_root(root)
    ontology = resources.ontology_files(found)
    shapes = resources.shapes_files(found)
    if not ontology:
        raise EnvError(
            f"no ontology files under {resources.project_dir('ontology', found)}; run ackg in "
            "a project directory (with ontology/, data/ and queries/) or give --root DIR"
        )
    project = resources.data_files(found)
    if not paths:
        return ontology, shapes, project
    given: list[Path] = []
    seen = {p.resolve() for p in [*ontology, *shapes]}
    for path in _expand(paths):
        if path.resolve() not in seen:
            seen.add(path.resolve())
            given.append(path)
    rest = [p for p in project if p.resolve() not in seen] if with_project_data else []
    return ontology, shapes, given + rest


def parse_files(paths: Sequence[Path]) -> tuple[dict[Path, list[Any]], list[Problem]]:
    """The pyoxigraph triples of every file that parses (each file is read once); a syntax
    problem for every file that does not."""
    import pyoxigraph

    from ..rdf.graph import oxigraph_syntax_error, too_large_error, unreadable_error

    triples: dict[Path, list[Any]] = {}
    problems: list[Problem] = []
    for path in paths:
        try:
            # Blank-node labels are local to a file: each file's get ids of their own.
            triples[path] = list(
                pyoxigraph.parse(
                    path=path, format=pyoxigraph.RdfFormat.TURTLE, rename_blank_nodes=True
                )
            )
        except SyntaxError as syntax:
            error = oxigraph_syntax_error(path, syntax)
            problems.append(
                Problem(
                    "syntax",
                    "error",
                    "turtle",
                    error.message,
                    path=error.path,
                    line=error.line,
                    column=error.column,
                )
            )
        except OSError as failure:
            raise unreadable_error(path, failure) from failure
        except MemoryError as failure:
            too_large = too_large_error(path, failure)
            if not isinstance(too_large, DataError):
                raise too_large from failure
            problems.append(
                Problem("syntax", "error", "turtle", too_large.message, path=too_large.path)
            )
    return triples, problems


def union_store(triples: dict[Path, list[Any]]) -> Any:
    """An in-memory pyoxigraph store holding each file's triples in a named graph of its own
    (query it with ``use_default_graph_as_union``)."""
    import pyoxigraph

    store = pyoxigraph.Store()
    for path, chunk in triples.items():
        graph = graph_name(path)
        store.bulk_extend(pyoxigraph.Quad(t.subject, t.predicate, t.object, graph) for t in chunk)
    return store


def _stop_and_remove(process: Any, directory: str) -> None:
    """Ends ``process`` if it still runs, then removes its temporary ``directory``."""
    import shutil

    if process.is_alive():
        process.kill()  # SIGKILL: it ends even if stopped; it holds nothing worth a tidy end
        process.join()
    shutil.rmtree(directory, ignore_errors=True)
    SCRATCH.discard(directory)


class BackgroundRun:
    """Runs ``function(*args)`` in a forked child process while the caller goes on.

    The OWL RL closure and pySHACL each take a good part of a second and hold the GIL; on a
    machine with two cores, running the closure in a child (which inherits the parsed graphs, so
    nothing large is copied) roughly halves the wall time of a validation. Where ``fork`` is not
    the platform's way (Windows, macOS), or on one core, it runs in the caller, when asked for
    its result.

    The child's temporary files go in a directory the caller makes and removes once the child
    has ended (answered, cancelled, or terminated at exit), so that a child stopped by a signal
    leaves nothing behind.
    """

    def __init__(self, function: Callable[..., list[Finding]], *args: Any) -> None:
        import multiprocessing
        import sys
        import tempfile
        import weakref

        self._function = function
        self._args = args
        self._process: Any = None
        self._receiver: Any = None
        if sys.platform != "linux" or (os.cpu_count() or 1) < 2:
            return
        sys.stdout.flush()  # else the child may write the parent's pending output again
        sys.stderr.flush()
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        self._scratch = tempfile.mkdtemp(prefix="ackg-background-")
        SCRATCH.add(self._scratch)  # removed by the watchdog if Ctrl-C ends the command
        self._process = context.Process(target=self._child, args=(sender,), daemon=True)
        with HeldInterrupts():  # a Ctrl-C in the fork's hooks is raised once the child is owned
            self._process.start()
            self._done = weakref.finalize(self, _stop_and_remove, self._process, self._scratch)
        sender.close()

    def _child(self, sender: Any) -> None:
        import tempfile

        tempfile.tempdir = self._scratch  # the caller removes it, whatever ends this process
        try:
            sender.send(("ok", self._function(*self._args)))
        except BaseException as error:  # reported in the parent, which raises it again
            sender.send(("error", error))
        finally:
            sender.close()

    def cancel(self) -> None:
        """Stops the child, whose result is no longer wanted."""
        if self._process is not None:
            self._process.kill()
            self._process.join()
            self._receiver.close()
            self._process = None
            self._done()

    def result(self) -> list[Finding]:
        """The function's result (raising what it raised)."""
        if self._process is None:
            return self._function(*self._args)
        try:
            status, value = self._receiver.recv()
        except EOFError:
            status, value = "error", EnvError("the reasoning process ended without an answer")
        except BaseException:  # Ctrl-C while waiting: the answer is no longer wanted
            self.cancel()
            raise
        self._receiver.close()
        self._process.join()
        self._done()
        if status == "error":
            raise value
        return list(value)


def _quiet_literal_conversions(record: logging.LogRecord) -> bool:
    """False for rdflib's "Failed to convert Literal lexical form to value" warning (with a
    traceback), which it logs whenever it makes an ill-typed literal: validation reports
    each such literal itself (dt-not-type, sh:datatype), so the warning is noise. Every other
    record passes."""
    return not str(record.msg).startswith("Failed to convert Literal lexical form")


def validate(
    paths: Sequence[StrPath] | None = None,
    *,
    with_project_data: bool = True,
    stages: Sequence[Stage] = STAGES,
    root: resources.RootLike = None,
) -> Report:
    """Validates the project's data, or the given files with it; see the module doc.

    ``stages`` selects which of ``syntax``, ``shacl``, ``logic`` and ``check`` run (syntax
    always runs: the others need the parsed files). Raises :class:`EnvError` for a file that
    cannot be read and :class:`UsageError` for an unknown stage.
    """
    literal_log = logging.getLogger("rdflib.term")
    literal_log.addFilter(_quiet_literal_conversions)  # while validating only
    try:
        return _validate(paths, with_project_data, stages, root)
    finally:
        literal_log.removeFilter(_quiet_literal_conversions)


def _validate(
    paths: Sequence[StrPath] | None,
    with_project_data: bool,
    stages: Sequence[Stage],
    root: resources.RootLike,
) -> Report:
    unknown = sorted(set(stages) - set(STAGES))
    if unknown:
        raise UsageError(f"unknown stage {unknown[0]!r}; expected one of {', '.join(STAGES)}")
    found = resources.resolve_root(root)
    ontology, shapes, data = validation_files(paths, with_project_data, found)
    triples, problems = parse_files([*ontology, *data])
    run: list[Stage] = ["syntax"]
    findings: list[Finding] = []
    logic: BackgroundRun | None = None
    if not problems and "logic" in stages:
        # Started first, so that the closure runs while this process does the rest.
        from .logic.stage import logic_findings

        individuals = {t.subject.value for path in data for t in triples[path]}
        # The pyoxigraph triples: the fast path needs no rdflib graph (see logic/stage.py).
        logic = BackgroundRun(
            logic_findings, [t for chunk in triples.values() for t in chunk], individuals
        )
    shape_triples, shape_problems = parse_files(shapes)
    problems.extend(shape_problems)
    if problems:
        if logic is not None:
            logic.cancel()
        return Report(sorted(problems, key=lambda p: p.sort_key), data, run, found)

    shapes_graph = to_rdflib_graph(shape_triples)
    # Each file in a named graph of the store, which the placer asks who states what.
    store = union_store(triples)
    del shape_triples
    if "shacl" in stages and shapes:
        from functools import partial

        from .shacl.engine import shacl_stage

        # pySHACL checks only what does not compile (see shacl/engine.py).
        union = partial(to_rdflib_graph, triples)
        findings.extend(shacl_stage(store, triples.values(), shapes_graph, union))
        del union
        run.append("shacl")
    del triples
    if logic is not None:
        findings.extend(logic.result())
        run.append("logic")
    if "check" in stages:
        from .checks import load_checks, run_checks

        findings.extend(run_checks(load_checks(root=found), store))
        run.append("check")
    if not findings:
        return Report([], data, run, found)
    # Only now are the files indexed for places and prefixes: a clean graph skips it.
    locator = Locator([*data, *ontology, *shapes])
    placer = Placer(locator, [*data, *ontology], store, Shortener(locator.prefixes()))
    placed = [problem for finding in findings for problem in placer.place(finding)]
    # Two equal SHACL results are two results (two shapes may say the same); a problem that
    # two other stages both find is reported once.
    kept = [p for p in placed if p.stage == "shacl"] + list(
        dict.fromkeys(p for p in placed if p.stage != "shacl")
    )
    return Report(sorted(kept, key=lambda p: p.sort_key), data, run, found)

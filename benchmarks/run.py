"""How cost grows with the size of the graph: load, saved queries, validation, export, memory.

For each size (``--sizes 1e3,1e4,1e5,1e6``) the script grows a synthetic graph of the data's shape
(``benchmarks/generate.py``, deterministic from ``--seed``) and measures, each step in a fresh
process, its wall time and its peak memory (the child's maximum resident set, from ``wait4``):

* load: ``ackg load --store DIR`` into the embedded on-disk store; baseline: rdflib parses the
  same Turtle files into a ``Graph``;
* each saved query, the median of ``--runs`` runs in one process from the loaded store
  (parameters resolved and bound as ``ackg query`` does, rows materialised); baseline: rdflib
  runs the same query text with the same bindings (``initBindings``) on the parsed graph;
* ``ackg validate``; baseline: the pyshacl command line on the same files (shapes only);
* ``ackg export --format nt``; baseline: rdflib parses the files and serialises N-Triples;
* peak memory of each of these processes.

Ratios are baseline time / ackg time, measured in the same run. A step that is not available
yet (a command missing from this version of ``ackg``) is reported as such and, for the load, the
library's own bulk load (pyoxigraph) stands in for it. A step that runs longer than
``--timeout`` seconds is stopped and reported as ``>timeout``. Usage::

    .venv/bin/python benchmarks/run.py --sizes 1e3,1e4,1e5 [--runs 5] [--json results.json]
    .venv/bin/python benchmarks/run.py --quick      # 10^3 only, two runs, a smoke test

Nothing here is a pass/fail test: the script prints what it measured (and the targets of the
issue next to it) and exits 0 unless a step fails outright.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (the generator beside this script)

PYTHON = sys.executable
BIN = Path(PYTHON).parent


@dataclass
class Run:
    """One process: wall time, peak resident memory, exit code, whether it was stopped."""

    seconds: float
    peak_mib: float
    code: int
    timed_out: bool = False
    stdout: str = ""
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.code == 0 and not self.timed_out


@dataclass
class Row:
    """One line of the results table."""

    size: str
    triples: int
    step: str
    ackg: str
    ackg_s: float | None
    ackg_mib: float | None
    baseline: str
    base_s: float | None
    base_mib: float | None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.ackg_s and self.base_s:
            return self.base_s / self.ackg_s
        return None


def measure(command: Sequence[str], env: dict[str, str] | None = None, timeout: float = 600) -> Run:
    """Runs ``command`` in its own process group; returns its wall time and peak memory."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            list(command), stdout=out, stderr=err, env=env, cwd=ROOT, start_new_session=True
        )
        stopped = threading.Event()

        def stop() -> None:
            stopped.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, stop)
        timer.start()
        try:
            _pid, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            seconds=seconds,
            peak_mib=usage.ru_maxrss / 1024,  # Linux reports KiB
            code=process.returncode,
            timed_out=stopped.is_set(),
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["ACKG_HOME"] = str(home)
    env.pop("PYTHONPATH", None)
    return env


def _ackg() -> str:
    found = shutil.which("ackg", path=str(BIN)) or shutil.which("ackg")
    if found is None:
        raise SystemExit("ackg is not installed next to this Python; run pip install -e . first")
    return found


def _has_command(name: str) -> bool:
    run = measure([_ackg(), name, "--help"], timeout=60)
    return run.code == 0


def _label(triples: int) -> str:
    exponent = math.log10(triples)
    return f"1e{int(exponent)}" if exponent.is_integer() else str(triples)


def _project_files(home: Path) -> list[Path]:
    """Ontology (without the shapes) and data: what the queries and the rdflib path read."""
    ontology = [p for p in sorted((home / "ontology").glob("*.ttl")) if p.name != "shapes.ttl"]
    return [*ontology, *sorted((home / "data").glob("*.ttl"))]


def _merged_ontology(home: Path) -> Path:
    """The ontology files as one Turtle file, for the pyshacl command's single ``-e`` file."""
    merged = home / "ontology-merged.ttl"
    parts = [p for p in sorted((home / "ontology").glob("*.ttl")) if p.name != "shapes.ttl"]
    merged.write_text(
        "\n".join(p.read_text(encoding="utf-8") for p in parts), encoding="utf-8", newline="\n"
    )
    return merged


# --- the workers: each runs in its own process, started by this script -------------------------


def worker_rdflib_parse(home: Path) -> None:
    import rdflib

    graph = rdflib.Graph()
    for path in _project_files(home):
        graph.parse(path, format="turtle")
    print(json.dumps({"triples": len(graph)}))


def worker_rdflib_export(home: Path, output: Path) -> None:
    import rdflib

    graph = rdflib.Graph()
    for path in [*_project_files(home), home / "ontology" / "shapes.ttl"]:
        graph.parse(path, format="turtle")
    graph.serialize(destination=str(output), format="nt", encoding="utf-8")


def worker_oxigraph_load(home: Path, store: Path) -> None:
    import pyoxigraph

    target = pyoxigraph.Store(str(store))
    for path in _project_files(home):
        target.bulk_load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    target.flush()
    print(json.dumps({"triples": len(target)}))


def _median_run(action: Any, runs: int, budget: float) -> tuple[float, int]:
    """The median seconds of ``runs`` calls of ``action`` (fewer when they exceed ``budget``
    seconds in all) and the size of its last answer."""
    times: list[float] = []
    size = 0
    spent = 0.0
    for _ in range(runs):
        start = time.perf_counter()
        size = action()
        elapsed = time.perf_counter() - start
        times.append(elapsed)
        spent += elapsed
        if spent > budget:
            break
    return statistics.median(times), size


def worker_queries_ackg(home: Path, store: Path, runs: int, params_file: Path) -> None:
    """Saved queries from the on-disk store through the library; prints medians, row counts
    and the bound terms (N-Triples syntax) for the rdflib worker."""
    import pyoxigraph

    from asean_customs_kg.backends.embedded import Backend, EmbeddedBackend
    from asean_customs_kg.query.catalogue import list_queries
    from asean_customs_kg.query.queries import bindings_for, run_query

    params = json.loads(params_file.read_text(encoding="utf-8"))
    start = time.perf_counter()
    backend: Backend
    if store.with_name("store-by-ackg").exists():
        from asean_customs_kg.backends.stores import StoreBackend

        backend = StoreBackend(store)  # what `ackg query NAME --store DIR` runs on
        backend.query("ASK {}")
    else:
        backend = EmbeddedBackend(store=pyoxigraph.Store.read_only(str(store)))
    opened = time.perf_counter() - start
    results: dict[str, Any] = {}
    for query in list_queries():
        values = params.get(query.name, {})

        def answer(query: Any = query, values: Any = values) -> int:
            result = run_query(query, values, backend=backend)
            return len(result.solutions) + len(result.triples)

        # As `ackg query` does it: parameters looked up in the graph, then the query.
        total, rows = _median_run(answer, runs, budget=60)
        # The query alone, with the terms already bound: the same work as the rdflib path.
        bound = bindings_for(query, values, backend)

        def bound_answer(text: str = query.text, bound: Any = bound) -> int:
            result = backend.query(text, bound)
            return len(result.solutions) + len(result.triples)

        median, rows = _median_run(bound_answer, runs, budget=60)
        results[query.name] = {
            "seconds": median,
            "with_lookup_seconds": total,
            "rows": rows,
            "bindings": {name: str(term) for name, term in bound.items()},
        }
    print(json.dumps({"open_seconds": opened, "queries": results}))


def worker_queries_memory(home: Path, runs: int, params_file: Path) -> None:
    """The saved queries on the embedded in-memory store (what the library and a plain
    ``ackg query`` use): the files parsed into memory once, then each query, as
    :func:`worker_queries_ackg` runs them on the on-disk store."""
    from asean_customs_kg.backends.embedded import EmbeddedBackend
    from asean_customs_kg.query.catalogue import list_queries
    from asean_customs_kg.query.queries import bindings_for

    params = json.loads(params_file.read_text(encoding="utf-8"))
    start = time.perf_counter()
    backend = EmbeddedBackend(_project_files(home))
    backend.query("ASK {}")
    loaded = time.perf_counter() - start
    results: dict[str, Any] = {}
    for query in list_queries():
        bound = bindings_for(query, params.get(query.name, {}), backend)

        def bound_answer(text: str = query.text, bound: Any = bound) -> int:
            result = backend.query(text, bound)
            return len(result.solutions) + len(result.triples)

        median, rows = _median_run(bound_answer, runs, budget=60)
        results[query.name] = {"seconds": median, "rows": rows}
    print(json.dumps({"load_seconds": loaded, "queries": results}))


class _Timeout(Exception):
    pass


def worker_queries_rdflib(home: Path, runs: int, bindings_file: Path, limit: float) -> None:
    """The same queries on rdflib: parse the files, then each query with ``initBindings``."""
    import rdflib
    from rdflib.util import from_n3

    from asean_customs_kg.query.catalogue import list_queries

    graph = rdflib.Graph()
    for path in _project_files(home):
        graph.parse(path, format="turtle")
    bound = json.loads(bindings_file.read_text(encoding="utf-8"))["queries"]

    def alarm(_signum: int, _frame: Any) -> None:
        raise _Timeout

    signal.signal(signal.SIGALRM, alarm)
    results: dict[str, Any] = {}
    for query in list_queries():
        init = {name: from_n3(text) for name, text in bound[query.name]["bindings"].items()}

        def answer(text: str = query.text, init: Any = init) -> int:
            return len(list(graph.query(text, initBindings=init)))

        signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            median, rows = _median_run(answer, runs, budget=limit)
            results[query.name] = {"seconds": median, "rows": rows}
        except _Timeout:
            results[query.name] = {"seconds": None, "rows": None, "timeout": limit}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    print(json.dumps({"queries": results}))


WORKERS = {
    "rdflib-parse": lambda a: worker_rdflib_parse(Path(a[0])),
    "rdflib-export": lambda a: worker_rdflib_export(Path(a[0]), Path(a[1])),
    "oxigraph-load": lambda a: worker_oxigraph_load(Path(a[0]), Path(a[1])),
    "queries-ackg": lambda a: worker_queries_ackg(Path(a[0]), Path(a[1]), int(a[2]), Path(a[3])),
    "queries-memory": lambda a: worker_queries_memory(Path(a[0]), int(a[1]), Path(a[2])),
    "queries-rdflib": lambda a: worker_queries_rdflib(
        Path(a[0]), int(a[1]), Path(a[2]), float(a[3])
    ),
}


def _worker(name: str, *args: object) -> list[str]:
    return [PYTHON, str(Path(__file__).resolve()), "--worker", name, *map(str, args)]


# --- one size --------------------------------------------------------------------------------


def _time(run: Run | None, timeout: float) -> float | None:
    if run is None or not run.ok:
        return None
    return run.seconds


def _why(run: Run, timeout: float) -> str:
    if run.timed_out:
        return f">{timeout:g} s"
    lines = (run.stderr or run.stdout).strip().splitlines()
    return f"exit {run.code}: {lines[-1][:120] if lines else ''}"


def bench_size(
    triples: int, out: Path, seed: int, runs: int, timeout: float, baselines: bool
) -> list[Row]:
    label = _label(triples)
    home = out / label
    manifest = generate.generate(home, triples, seed)
    count = int(manifest["triples"])  # type: ignore[call-overload]
    params_file = home / "params.json"
    params_file.write_text(json.dumps(manifest["params"]), encoding="utf-8")
    env = _env(home)
    ackg = _ackg()
    rows: list[Row] = []

    def row(step: str, ackg_name: str, run: Run | None, base: str, base_run: Run | None) -> Row:
        notes = []
        if run is not None and not run.ok:
            notes.append(f"ackg {_why(run, timeout)}")
        if base_run is not None and not base_run.ok:
            notes.append(f"baseline {_why(base_run, timeout)}")
        made = Row(
            label,
            count,
            step,
            ackg_name,
            _time(run, timeout),
            run.peak_mib if run is not None else None,
            base,
            _time(base_run, timeout),
            base_run.peak_mib if base_run is not None else None,
            "; ".join(notes),
        )
        rows.append(made)
        print(_format_row(made), file=sys.stderr, flush=True)
        return made

    # Load.
    store = home / "store"
    shutil.rmtree(store, ignore_errors=True)
    store.with_name("store-by-ackg").unlink(missing_ok=True)
    if _has_command("load"):
        load = measure([ackg, "load", "--store", str(store)], env, timeout)
        name = "ackg load --store"
        if load.ok:
            store.with_name("store-by-ackg").touch()
    else:
        load = measure(_worker("oxigraph-load", home, store), env, timeout)
        name = "pyoxigraph bulk_load (no ackg load yet)"
    parse = measure(_worker("rdflib-parse", home), env, timeout) if baselines else None
    row("load", name, load, "rdflib parse", parse)

    # Saved queries, from the loaded store.
    if load.ok:
        answers = measure(_worker("queries-ackg", home, store, runs, params_file), env, timeout)
        if answers.ok:
            found = json.loads(answers.stdout)
            bindings = home / "bindings.json"
            bindings.write_text(answers.stdout, encoding="utf-8")
            base: dict[str, Any] = {}
            base_run = None
            if baselines:
                limit = max(10.0, timeout / 10)
                base_run = measure(
                    _worker("queries-rdflib", home, runs, bindings, limit), env, timeout * 3
                )
                if base_run.ok:
                    base = json.loads(base_run.stdout)["queries"]
            for name, got in found["queries"].items():
                other = base.get(name, {})
                note = ""
                if got["with_lookup_seconds"] - got["seconds"] > 0.0005:
                    note = f"with parameter lookup {_seconds(got['with_lookup_seconds'])}"
                if other.get("timeout"):
                    note = f"{note}; rdflib >{other['timeout']:g} s".strip("; ")
                elif other and other.get("rows") != got["rows"]:
                    note = f"ROWS DIFFER: rdflib {other.get('rows')}, ackg {got['rows']}; {note}"
                made = Row(
                    label,
                    count,
                    f"query {name}",
                    "from store (median)",
                    got["seconds"],
                    None,
                    "rdflib SPARQL",
                    other.get("seconds"),
                    None,
                    note,
                    {"rows": got["rows"], "with_lookup_seconds": got["with_lookup_seconds"]},
                )
                rows.append(made)
                print(_format_row(made), file=sys.stderr, flush=True)
            row(
                "load + all queries",
                "process peak",
                answers,
                "parse + all queries",
                base_run,
            )
            rows.extend(_memory_rows(label, count, home, runs, params_file, env, timeout, base))
        else:
            row("queries", "from store", answers, "rdflib SPARQL", None)

    # Validation.
    valid = measure([ackg, "validate"], env, timeout) if _has_command("validate") else None
    shacl = None
    if baselines:
        shacl = measure(
            [
                str(BIN / "pyshacl"),
                "-s",
                str(home / "ontology" / "shapes.ttl"),
                "-e",
                str(_merged_ontology(home)),
                "-i",
                "none",
                *map(str, sorted((home / "data").glob("*.ttl"))),
            ],
            env,
            timeout,
        )
        if shacl.code == 1 and not shacl.timed_out:
            shacl.code = 0 if "Conforms: False" in shacl.stdout else shacl.code
    made = row("validate", "ackg validate", valid, "pyshacl CLI (shapes only)", shacl)
    if valid is None:
        made.note = ("ackg validate not available; " + made.note).strip("; ")

    # Export.
    if _has_command("export"):
        dump = home / "export.nt"
        export = measure([ackg, "export", "--format", "nt", "-o", str(dump)], env, timeout)
    else:
        export = None
    serialise = (
        measure(_worker("rdflib-export", home, home / "rdflib-export.nt"), env, timeout)
        if baselines
        else None
    )
    made = row("export", "ackg export --format nt", export, "rdflib parse + serialize", serialise)
    if export is None:
        made.note = ("ackg export not available; " + made.note).strip("; ")
    return rows


def _memory_rows(
    label: str,
    count: int,
    home: Path,
    runs: int,
    params_file: Path,
    env: dict[str, str],
    timeout: float,
    base: dict[str, Any],
) -> list[Row]:
    """The saved queries on the embedded in-memory store, against the same rdflib times."""
    run = measure(_worker("queries-memory", home, runs, params_file), env, timeout)
    if not run.ok:
        made = Row(
            label,
            count,
            "queries (in memory)",
            "embedded store",
            None,
            None,
            "-",
            None,
            None,
            f"ackg {_why(run, timeout)}",
        )
        print(_format_row(made), file=sys.stderr, flush=True)
        return [made]
    found = json.loads(run.stdout)
    made_rows = [
        Row(
            label,
            count,
            "load (in memory)",
            "parse into the embedded store",
            found["load_seconds"],
            None,
            "-",
            None,
            None,
        )
    ]
    for name, got in found["queries"].items():
        other = base.get(name, {})
        note = ""
        if other.get("timeout"):
            note = f"rdflib >{other['timeout']:g} s"
        elif other and other.get("rows") != got["rows"]:
            note = f"ROWS DIFFER: rdflib {other.get('rows')}, ackg {got['rows']}"
        made_rows.append(
            Row(
                label,
                count,
                f"query {name} (in memory)",
                "embedded store (median)",
                got["seconds"],
                None,
                "rdflib SPARQL",
                other.get("seconds"),
                None,
                note,
                {"rows": got["rows"]},
            )
        )
    made_rows.append(
        Row(
            label,
            count,
            "load + all queries (in memory)",
            "process peak",
            run.seconds,
            run.peak_mib,
            "-",
            None,
            None,
        )
    )
    for made in made_rows:
        print(_format_row(made), file=sys.stderr, flush=True)
    return made_rows


# --- output --------------------------------------------------------------------------------


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def _mib(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def _ratio(row: Row) -> str:
    ratio = row.ratio
    return "-" if ratio is None else f"{ratio:.1f}x"


COLUMNS = ("size", "step", "ackg", "MiB", "baseline", "base", "MiB", "ratio", "note")


def _cells(row: Row) -> list[str]:
    return [
        f"{row.size} ({row.triples:,})",
        row.step,
        _seconds(row.ackg_s),
        _mib(row.ackg_mib),
        row.baseline,
        _seconds(row.base_s),
        _mib(row.base_mib),
        _ratio(row),
        row.note,
    ]


def _format_row(row: Row) -> str:
    return "  ".join(_cells(row))


def table(rows: Iterable[Row], markdown: bool = False) -> str:
    data = [_cells(row) for row in rows]
    if markdown:
        head = "| " + " | ".join(COLUMNS) + " |"
        rule = "|" + "|".join("---" for _ in COLUMNS) + "|"
        return "\n".join([head, rule, *("| " + " | ".join(cells) + " |" for cells in data)])
    widths = [max(len(c[i]) for c in [list(COLUMNS), *data]) for i in range(len(COLUMNS))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(COLUMNS, widths, strict=True))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) for cells in data]
    return "\n".join(line.rstrip() for line in lines)


def growth(rows: Sequence[Row]) -> str:
    """For load, export and validation: the exponent b of time ~ triples^b between sizes."""
    lines = []
    for step in ("load", "validate", "export", "load + all queries"):
        points = [(r.triples, r.ackg_s) for r in rows if r.step == step and r.ackg_s]
        parts = []
        for (n1, t1), (n2, t2) in itertools.pairwise(points):
            assert t1 is not None and t2 is not None
            parts.append(f"{_label(n1)}->{_label(n2)}: {math.log(t2 / t1) / math.log(n2 / n1):.2f}")
        if parts:
            lines.append(f"{step}: time grows as size^b, b = " + ", ".join(parts))
    return "\n".join(lines)


def machine() -> str:
    import platform

    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages / 2**30:.0f} GiB RAM"
    except (ValueError, OSError):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e3,1e4,1e5", help="comma-separated triple counts")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5, help="runs per saved query (median)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per step")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument("--no-baselines", action="store_true", help="measure ackg only")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--quick", action="store_true", help="10^3 triples, 2 runs: a smoke test")
    parser.add_argument(
        "--report",
        type=Path,
        nargs="+",
        help="print the tables of earlier --json files, run nothing",
    )
    parser.add_argument("--worker", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        WORKERS[args.worker[0]](args.worker[1:])
        return 0
    if args.report:
        loaded = [json.loads(path.read_text(encoding="utf-8")) for path in args.report]
        fields = {f for f in Row.__dataclass_fields__}
        old = [
            Row(**{k: v for k, v in r.items() if k in fields}) for d in loaded for r in d["rows"]
        ]
        print(f"machine: {loaded[0]['machine']}")
        print(table(old, args.markdown))
        print(growth(old))
        return 0
    if args.quick:
        args.sizes, args.runs = "1e3", 2
    sizes = [generate.parse_size(s) for s in args.sizes.split(",") if s.strip()]
    rows: list[Row] = []
    baseline = measure([PYTHON, "-c", "pass"])
    print(f"machine: {machine()}", file=sys.stderr)
    print(f"python -c pass: {_seconds(baseline.seconds)}", file=sys.stderr)
    for triples in sizes:
        rows += bench_size(
            triples, args.out, args.seed, args.runs, args.timeout, not args.no_baselines
        )
    print(f"machine: {machine()}")
    print(f"baseline start-up, python -c pass: {_seconds(baseline.seconds)}")
    print(table(rows, args.markdown))
    print(growth(rows))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {"machine": machine(), "rows": [asdict(r) for r in rows]}
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

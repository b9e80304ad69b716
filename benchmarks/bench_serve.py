"""How fast does ``ackg serve`` answer under load? Throughput and latency against Oxigraph's
own server, measured side by side in one run.

The graph is loaded once with ``ackg load --store DIR``; then, each started on a free
127.0.0.1 port and stopped by its PID:

* ``oxigraph serve-read-only --location DIR`` (PyPI ``oxigraph``, the baseline);
* ``ackg serve`` on the project's files, and ``ackg serve --store DIR``: the graph cannot
  change while they run, so their answers are cached (and measured once more uncached, each
  request saying ``Cache-Control: no-cache``);
* ``ackg serve --endpoint`` in front of that Oxigraph server: no cache, every request
  resolves the parameter and runs the query on Oxigraph through the SPARQL protocol.

Targets, each loaded by ``wrk`` (Debian's ``wrk``; ``--connections`` 32, ``--threads`` 2,
``--duration`` seconds each, loopback only):

* the baseline: Oxigraph's ``/query`` with the text the saved query ``reports-to`` sends once
  ``body=CPTFWG`` is bound, on the graphs ``ackg`` queries (``default-graph-uri``);
* ``GET /api/reports-to?body=CPTFWG`` on each ``ackg serve`` (the saved query: the acronym is
  resolved to the body's IRI, then the query runs with it bound), on the files also with
  ``Cache-Control: no-cache``, which has the server compute every answer again;
* ``GET /sparql?query=...`` on ``ackg serve`` (files) with the same text: ad-hoc queries are
  not cached, so this is the engine's work on every request.

It prints requests per second, p50 and p99 latency, and each ackg figure as a fraction of
Oxigraph's throughput. The targets on 2 cores: the saved-query API at least a third of
Oxigraph's throughput, p99 under 50 ms, at 32 connections; it exits 1 when the API on the
project's files misses them.

``--scale N`` measures something else: a synthetic graph of N triples (``generate.py``) loaded
with ``ackg load --store``, and every saved query (with the parameters ``generate.py`` gives)
run ``--runs`` times, in turn, on the store directly (``run_query`` on a ``StoreBackend`` and the
result written as JSON, what ``ackg query --store DIR --format json`` does) and through
``ackg serve --store DIR``'s API, one request at a time. Each request says
``Cache-Control: no-cache``, so that the server's cache never answers.
The target: no query slower through the API than 1.2x its time on the store. Usage::

    .venv/bin/python benchmarks/bench_serve.py [--duration 10] [--connections 32]
    .venv/bin/python benchmarks/bench_serve.py --scale 1e6 [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
ACCEPT = "application/sparql-results+json"
# The graphs ackg queries as the default graph (the ontology and the data).
QUERY_GRAPHS = (
    "https://w3id.org/asean-customs-kg/graph/ontology",
    "https://w3id.org/asean-customs-kg/graph/data",
)
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_NO_CACHE = "ackg serve: /api/reports-to, no-cache"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with _OPENER.open(url, timeout=5) as response:
                response.read()
            return
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"the server at {url} did not start") from None
            time.sleep(0.1)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wrk(
    url: str, connections: int, threads: int, duration: int, headers: tuple[str, ...] = ()
) -> dict[str, float]:
    """Runs wrk on ``url`` (with the extra ``headers``); requests per second and the p50/p99
    latency in ms."""
    done = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "--timeout",
            "10s",
            "-H",
            f"Accept: {ACCEPT}",
            *(part for header in headers for part in ("-H", header)),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 60,
    )
    text = done.stdout

    def latency(percent: str) -> float:
        match = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s)\s*$", text, re.MULTILINE)
        if match is None:
            raise RuntimeError(f"cannot read the {percent}% latency from wrk:\n{text}")
        value, unit = float(match[1]), match[2]
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if rate is None:
        raise RuntimeError(f"cannot read the throughput from wrk:\n{text}")
    if errors is not None:
        raise RuntimeError(f"{errors[1]} answers were errors for {url}")
    return {"rps": float(rate[1]), "p50": latency("50"), "p99": latency("99")}


def _bound_query() -> str:
    """The text the saved query sends once ``body=CPTFWG`` is bound (as every engine gets it)."""
    from asean_customs_kg.backends.embedded import default_backend
    from asean_customs_kg.query.catalogue import get_query
    from asean_customs_kg.query.queries import bindings_for
    from asean_customs_kg.rdf.sparqltext import bind_values

    query = get_query("reports-to", ROOT)
    bindings = bindings_for(query, {"body": "CPTFWG"}, default_backend(ROOT))
    return bind_values(query.text, bindings)


def _medians(first: Callable[[], object], second: Callable[[], object], runs: int) -> list[float]:
    """The median times of ``first`` and ``second``, run in turn (interleaved, so that the
    machine's other work weighs on both alike)."""
    times: list[list[float]] = [[], []]
    for _ in range(runs):
        for index, work in enumerate((first, second)):
            started = time.perf_counter()
            work()
            times[index].append(time.perf_counter() - started)
    return [statistics.median(measured) for measured in times]


def scale(triples: int, runs: int) -> int:
    """Every saved query on a store of ``triples`` triples: directly, and through the API."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import generate

    from asean_customs_kg.backends.stores import StoreBackend
    from asean_customs_kg.query.catalogue import list_queries
    from asean_customs_kg.query.formats import format_result
    from asean_customs_kg.query.queries import run_query

    ackg = Path(sys.executable).parent / "ackg"
    with tempfile.TemporaryDirectory(prefix="ackg-bench-serve-scale-") as work:
        home = Path(work) / "graph"
        manifest: dict[str, Any] = generate.generate(home, triples)
        store = Path(work) / "store"
        subprocess.run(
            [str(ackg), "--root", str(home), "load", "--store", str(store)],
            check=True,
            capture_output=True,
        )
        port = _free_port()
        command = [str(ackg), "--root", str(home), "serve", "--store", str(store)]
        command += ["--port", str(port), "--max-rows", "100000000", "--timeout", "600"]
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        backend = StoreBackend(store)
        rows = []
        try:
            _wait(f"http://127.0.0.1:{port}/api/", server)
            for query in list_queries(home):
                params = manifest["params"].get(query.name, {})
                graph = query.form in ("CONSTRUCT", "DESCRIBE")

                def direct(query: Any = query, params: Any = params, graph: bool = graph) -> None:
                    result = run_query(query, params, backend=backend)
                    format_result(result, "nt" if graph else "json")

                def api(query: Any = query, params: Any = params) -> None:
                    accept = "application/sparql-results+json, application/n-triples;q=0.9"
                    url = f"http://127.0.0.1:{port}/api/{query.name}?{urlencode(params)}"
                    headers = {"Accept": accept, "Cache-Control": "no-cache"}
                    request = urllib.request.Request(url, headers=headers)
                    with _OPENER.open(request, timeout=600) as response:
                        response.read()

                direct()  # warm the store's caches once, for both sides
                rows.append((query.name, *_medians(direct, api, runs)))
        finally:
            _stop(server)
    print(f"{manifest['triples']} triples; median of {runs} runs; each API request uncached")
    print(f"{'query':28} {'store':>10} {'API':>10} {'API/store':>9}")
    worst = 0.0
    for name, on_store, through_api in rows:
        ratio = through_api / on_store
        worst = max(worst, ratio)
        print(f"{name:28} {on_store * 1000:8.1f}ms {through_api * 1000:8.1f}ms {ratio:9.2f}")
    ok = worst <= 1.2
    print(f"target (no query slower than 1.2x through the API): {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per target")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--scale", type=float, default=None, help="triples (e.g. 1e6)")
    parser.add_argument("--runs", type=int, default=5, help="with --scale: runs per query")
    args = parser.parse_args()
    if args.scale is not None:
        return scale(int(args.scale), args.runs)
    bin_dir = Path(sys.executable).parent
    oxigraph = bin_dir / "oxigraph"
    ackg = bin_dir / "ackg"
    missing = [
        name
        for name, found in (
            ("wrk (apt-get install wrk)", shutil.which("wrk")),
            ("oxigraph (pip install -e '.[test]')", oxigraph.is_file()),
            ("ackg (pip install -e '.[web]')", ackg.is_file()),
        )
        if not found
    ]
    if missing:
        print("missing: " + ", ".join(missing))
        return 2
    text = _bound_query()
    processes: list[subprocess.Popen[bytes]] = []
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="ackg-bench-serve-") as work:
        base = Path(work)
        subprocess.run(
            [str(ackg), "--root", str(ROOT), "load", "--store", str(base / "ackg-store")],
            check=True,
            capture_output=True,
        )
        store = str(base / "ackg-store")
        ports = {name: _free_port() for name in ("oxigraph", "files", "store", "endpoint")}
        url = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        try:
            processes.append(
                subprocess.Popen(  # type: ignore[call-overload]
                    [
                        str(oxigraph),
                        "serve-read-only",
                        "--location",
                        store,
                        "--bind",
                        f"127.0.0.1:{ports['oxigraph']}",
                    ],
                    **quiet,
                )
            )
            _wait(url["oxigraph"] + "/", processes[-1])
            for name, extra in (
                ("files", []),
                ("store", ["--store", store]),
                ("endpoint", ["--endpoint", url["oxigraph"] + "/query"]),
            ):
                command = [str(ackg), "--root", str(ROOT), "serve", "--port", str(ports[name])]
                processes.append(subprocess.Popen([*command, *extra], **quiet))  # type: ignore[call-overload]
                _wait(url[name] + "/api/", processes[-1])
            graphs = [("default-graph-uri", graph) for graph in QUERY_GRAPHS]
            direct = "?" + urlencode([("query", text), *graphs])
            sparql = "?" + urlencode({"query": text})
            api = "/api/reports-to?body=CPTFWG"
            targets = {
                "oxigraph serve: /query (bound SPARQL)": f"{url['oxigraph']}/query{direct}",
                "ackg serve: /api/reports-to?body=CPTFWG": url["files"] + api,
                _NO_CACHE: url["files"] + api,
                "ackg serve --store: /api/reports-to": url["store"] + api,
                "ackg serve --endpoint: /api/reports-to": url["endpoint"] + api,
                "ackg serve: /sparql (bound SPARQL)": f"{url['files']}/sparql{sparql}",
            }
            for label, target in targets.items():
                with _OPENER.open(target, timeout=10) as response:  # warm up; check it answers
                    body = response.read()
                assert b"SWG-ACTS" in body, (label, body[:200])
                headers = ("Cache-Control: no-cache",) if label == _NO_CACHE else ()
                results[label] = _wrk(
                    target, args.connections, args.threads, args.duration, headers
                )
        finally:
            for process in processes:
                _stop(process)
    baseline = results["oxigraph serve: /query (bound SPARQL)"]["rps"]
    print(
        f"wrk: {args.connections} connections, {args.threads} threads, {args.duration} s per "
        f"target, loopback; {os.cpu_count()} CPUs"
    )
    print(f"{'target':44} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'/ oxigraph':>10}")
    for label, figures in results.items():
        print(
            f"{label:44} {figures['rps']:9.0f} {figures['p50']:8.2f} {figures['p99']:8.2f} "
            f"{figures['rps'] / baseline:10.2f}"
        )
    served = results["ackg serve: /api/reports-to?body=CPTFWG"]
    ok = served["rps"] >= baseline / 3 and served["p99"] < 50
    print(
        "targets (API >= 1/3 of Oxigraph's throughput, p99 < 50 ms): " + ("met" if ok else "MISSED")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

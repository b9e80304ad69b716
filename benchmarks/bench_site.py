"""``ackg site`` on a synthetic graph: wall time and peak memory of building the static site.

The graph is grown by ``generate.py`` (``--triples``, default 10^5); ``ackg site -o DIR`` runs
on it as a fresh process (``--root``), with ``python -c pass`` (starting Python) and
``ackg export`` (reading the files once and writing one release) as baselines measured in the
same run. Printed: wall seconds and peak resident memory of each command, the files and
resources the site holds, and the ratio of the site to one export.

It checks that every resource of the graph's namespace got its four files (HTML, Turtle,
JSON-LD, N-Triples) and exits 1 when one is missing, when a command fails, or when the build
misses the budget of 60 s (the target for 10^5 triples on 2 cores). Usage::

    .venv/bin/python benchmarks/bench_site.py [--triples 1e5] [--seed 1] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
BUDGET_SECONDS = 60.0
BASE = "https://w3id.org/asean-customs-kg/"

sys.path.insert(0, str(HERE))
from generate import generate, parse_size  # noqa: E402


def _run(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak resident bytes of ``command`` (a fresh process)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        sys.exit(f"{' '.join(command)} exited {process.returncode}: {error}")
    if process.stderr is not None:
        process.stderr.close()
    return wall, usage.ru_maxrss * 1024  # kilobytes on Linux


def _missing(site: Path, release: Path) -> list[str]:
    """The resources of the namespace named in the release (N-Triples) without their four
    files in the site."""
    from asean_customs_kg.publish.site import page_path

    iris = set()
    with release.open(encoding="utf-8") as lines:
        for line in lines:
            for part in line.split(" ")[:3]:
                if part.startswith(f"<{BASE}id/"):
                    iris.add(part[1:-1])
    missing = []
    for iri in sorted(iris):
        path = page_path(iri)
        if path is None or not all(
            (site / f"{path}.{suffix}").is_file() for suffix in ("html", "ttl", "jsonld", "nt")
        ):
            missing.append(iri)
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=parse_size, default=100_000, help="size (default 1e5)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=None, help="work here and keep the files")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="ackg-bench-site-"))
    try:
        graph, site, release = work / "graph", work / "site", work / "release.nt"
        for old in (graph, site):
            if old.exists():
                shutil.rmtree(old)
        manifest = generate(graph, args.triples, args.seed)
        ackg = str(BIN / "ackg")
        results = {
            "python -c pass": _run([sys.executable, "-c", "pass"]),
            "ackg export": _run([ackg, "--root", str(graph), "export", "-o", str(release)]),
            "ackg site": _run([ackg, "--root", str(graph), "site", "-o", str(site)]),
        }
        files = sum(1 for path in site.rglob("*") if path.is_file())
        pages = sum(1 for _ in site.glob("id/**/*.html"))
        missing = _missing(site, release)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)

    print(f"{manifest['triples']} triples; {os.cpu_count()} CPUs")
    print(f"{'command':<16} {'wall s':>8} {'peak MiB':>9}")
    for name, (wall, peak) in results.items():
        print(f"{name:<16} {wall:>8.2f} {peak / 1024**2:>9.0f}")
    wall = results["ackg site"][0]
    print(f"site: {files} files, {pages} resource pages under id/")
    print(f"site / one export: {wall / results['ackg export'][0]:.1f}x")
    if missing:
        print(f"WRONG: {len(missing)} resources without their four files, e.g. {missing[0]}")
        return 1
    if wall > BUDGET_SECONDS:
        print(f"MISSED: the budget is {BUDGET_SECONDS:.0f} s")
        return 1
    print(f"budget met: {wall:.2f} s < {BUDGET_SECONDS:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

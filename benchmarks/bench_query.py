"""How fast is a cold saved query? Prints the times and ratios measured in one run.

Three commands, each run as a fresh process (cold: nothing cached in memory), several times,
the median kept:

* baseline: ``python -c pass`` -- starting the interpreter;
* ackg: ``ackg query reports-to --param body=CPTFWG`` -- the saved-query path (pyoxigraph);
* rdflib: the plain path -- rdflib parses the same Turtle files and runs the same query with
  the same binding (``initBindings``).

The budgets of the saved-query path: well under 100 ms, within 5x of the baseline, and at least
5x faster than the rdflib path. The script also checks that the ackg path imports none of
rdflib, pyshacl or owlrl. Usage::

    .venv/bin/python benchmarks/bench_query.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RDFLIB_PATH = """
import sys
from pathlib import Path
import rdflib
root = Path(sys.argv[1])
graph = rdflib.Graph()
for path in sorted([*root.glob("ontology/*.ttl"), *root.glob("data/*.ttl")]):
    if path.name != "shapes.ttl":
        graph.parse(path, format="turtle")
text = (root / "queries" / "reports-to.rq").read_text(encoding="utf-8")
body = rdflib.URIRef("https://w3id.org/asean-customs-kg/id/body/cptfwg")
rows = list(graph.query(text, initBindings={"_body_iri": body}))
assert len(rows) == 3, rows
"""

NO_HEAVY_IMPORTS = """
import sys
from asean_customs_kg import launcher
sys.argv = ["ackg", "query", "reports-to", "--param", "body=CPTFWG"]
try:
    launcher.main()
except SystemExit as done:
    assert done.code == 0, done.code
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("rdflib", "pyshacl", "owlrl", "click"))
print(" ".join(heavy), file=sys.stderr)
"""


def _median_ms(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs per command (default 21)")
    runs = parser.parse_args().runs
    python = sys.executable
    ackg = shutil.which("ackg", path=os.path.dirname(python)) or shutil.which("ackg")
    if ackg is None:
        print("ackg is not installed next to this Python; run pip install -e . first")
        return 2
    # Warm the file system cache and the bytecode cache once, outside the measurement.
    subprocess.run([python, "-m", "compileall", "-q", str(ROOT / "src")], check=False)
    query = [ackg, "query", "reports-to", "--param", "body=CPTFWG"]
    subprocess.run(query, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)

    heavy = subprocess.run(
        [python, "-c", NO_HEAVY_IMPORTS],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stderr.strip()

    baseline = _median_ms([python, "-c", "pass"], runs)
    fast = _median_ms(query, runs)
    plain = _median_ms([python, "-c", RDFLIB_PATH, str(ROOT)], max(3, runs // 3))

    print(f"runs per command (median kept): {runs}")
    print(f"python -c pass                          {baseline:8.1f} ms")
    print(f"ackg query reports-to body=CPTFWG       {fast:8.1f} ms")
    print(f"rdflib parse + rdflib SPARQL            {plain:8.1f} ms")
    print(f"ackg / python -c pass                   {fast / baseline:8.2f}x   (budget: <= 5x)")
    print(f"rdflib path / ackg                      {plain / fast:8.2f}x   (budget: >= 5x)")
    print(f"modules of rdflib/pyshacl/owlrl/click loaded by the query path: {heavy or 'none'}")
    ok = fast < 100 and fast <= 5 * baseline and plain >= 5 * fast and not heavy
    print("within budget" if ok else "OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

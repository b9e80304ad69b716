"""Cold ``ackg validate`` on the project's data, against the pySHACL command line on the same files.

Each command runs as a fresh process, ``--runs`` times (default 5), and the medians are kept:

* ``python -c pass`` -- the baseline of starting Python;
* ``pyshacl`` -- the pySHACL command line: the same data files against ``ontology/shapes.ttl``,
  with the ontology (``ontology/*.ttl`` but the shapes, joined into one file, since pySHACL takes
  one ontology file) as ``-e``, no inference. It checks the shapes only;
* ``ackg validate`` -- syntax, the same shapes, OWL 2 RL consistency (owlrl), the SPARQL checks,
  and the file and line of every problem.

For each it prints the wall time and the CPU time (user + system, the process and its children:
``ackg validate`` runs the OWL RL closure in a forked child while it checks the shapes, so on a
machine with two cores its wall time is below its CPU time). The ratio pySHACL / ackg is given
for both, so that the parallelism is not mistaken for cheaper work. It exits 1 when the median
cold ``ackg validate`` misses the budget of 2 s wall time, or when a command fails (pySHACL
and ``ackg validate`` must both say the data conforms). Usage::

    .venv/bin/python benchmarks/bench_validate.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BUDGET_SECONDS = 2.0


def _measure(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``command`` (a fresh process each run)."""
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(runs):
        before = os.times()
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        walls.append(time.perf_counter() - start)
        after = os.times()
        cpus.append(
            (after.children_user - before.children_user)
            + (after.children_system - before.children_system)
        )
        if done.returncode != 0:
            sys.exit(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (default 5)")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    from asean_customs_kg import resources

    data = [str(p) for p in resources.data_files()]
    shapes = resources.shapes_files()
    ontology = resources.ontology_files()
    with tempfile.TemporaryDirectory() as tmp:
        joined = Path(tmp) / "ontology.ttl"
        # The ontology files use no blank node labels, so their Turtle can simply be joined.
        joined.write_text(
            "\n".join(p.read_text(encoding="utf-8") for p in ontology), encoding="utf-8"
        )
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "pyshacl (shapes only)": [
                str(BIN / "pyshacl"),
                "-s",
                str(shapes[0]),
                "-e",
                str(joined),
                "-i",
                "none",
                *data,
            ],
            "ackg validate": [str(BIN / "ackg"), "validate"],
        }
        results = {name: _measure(command, args.runs) for name, command in commands.items()}

    print(f"cold runs, median of {args.runs}, {os.cpu_count()} CPUs")
    print(f"{'command':<24} {'wall s':>8} {'cpu s':>8}")
    for name, (wall, cpu) in results.items():
        print(f"{name:<24} {wall:>8.3f} {cpu:>8.3f}")
    shacl_wall, shacl_cpu = results["pyshacl (shapes only)"]
    ackg_wall, ackg_cpu = results["ackg validate"]
    print(
        f"pyshacl / ackg validate: wall {shacl_wall / ackg_wall:.2f}x, "
        f"cpu {shacl_cpu / ackg_cpu:.2f}x (ackg also runs OWL RL, the checks and locating)"
    )
    if ackg_wall > BUDGET_SECONDS:
        print(f"MISSED: ackg validate took {ackg_wall:.2f} s; the budget is {BUDGET_SECONDS} s")
        return 1
    print(f"budget met: {ackg_wall:.2f} s < {BUDGET_SECONDS} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

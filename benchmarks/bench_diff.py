"""``ackg diff`` of two releases of a synthetic graph: wall time and peak memory.

The old side is a graph grown by ``generate.py`` (``--triples``, default 10^5); the new side is
the same graph with one data file's statements in reverse order (which must show nothing) and a
new file of ``--changes`` statements about its bodies (default 1,000: each body gets alternative
names). Both are released with ``ackg export`` as N-Quads, then ``ackg diff OLD.nq NEW.nq
--format json`` runs as a fresh process. Printed for each command: wall seconds and peak
resident memory (the process and its children), and the ratio of the diff to one export (the
cost of reading one side), with ``python -c pass`` as the baseline of starting Python.

It checks the answer (as many statements added as were added, none removed) and exits 1 when
the diff misses the budget of 30 s and 2 GiB (the target for 10^6 triples on 2 cores) or a
command fails. Usage::

    .venv/bin/python benchmarks/bench_diff.py [--triples 1e6] [--changes N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
BUDGET_SECONDS = 30.0
BUDGET_BYTES = 2 * 1024**3

sys.path.insert(0, str(HERE))
from generate import generate, parse_size  # noqa: E402


def _run(command: list[str], output: Path | None = None) -> tuple[float, int]:
    """Wall seconds and peak resident bytes of ``command`` (a fresh process)."""
    start = time.perf_counter()
    with open(output or os.devnull, "wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        sys.exit(f"{' '.join(command)} exited {process.returncode}: {error}")
    return wall, usage.ru_maxrss * 1024  # kilobytes on Linux


def _change(old: Path, new: Path, changes: int) -> int:
    """Makes ``new`` from ``old`` (see the module doc); returns the statements added."""
    shutil.copytree(old, new, symlinks=True)
    files = sorted((new / "data").glob("*.ttl"))
    first = files[0]
    lines = first.read_text(encoding="utf-8").split("\n")
    prefixes = [line for line in lines if line.startswith("@prefix")]
    blocks = "\n".join(line for line in lines if not line.startswith("@prefix")).split("\n\n")
    first.write_text(
        "\n".join(prefixes) + "\n\n" + "\n\n".join(reversed(blocks)) + "\n", encoding="utf-8"
    )
    bodies = sorted(
        {
            line.split()[0]
            for path in files
            for line in path.read_text(encoding="utf-8").split("\n")
            if line.startswith("body:") and " a ack:" in line
        }
    )
    out = [*prefixes, ""]
    added = 0
    for index in range(changes):
        body = bodies[index % len(bodies)]
        out.append(f'{body} skos:altLabel "Alternative name {index}"@en .')
        added += 1
    (new / "data" / "zz-changes.ttl").write_text("\n".join(out) + "\n", encoding="utf-8")
    return added


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=parse_size, default=100_000, help="size (default 1e5)")
    parser.add_argument("--changes", type=int, default=1000, help="statements added (1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=None, help="work here and keep the files")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="ackg-bench-diff-"))
    try:
        old, new = work / "old", work / "new"
        if old.exists():
            shutil.rmtree(old)
        if new.exists():
            shutil.rmtree(new)
        manifest = generate(old, args.triples, args.seed)
        added = _change(old, new, args.changes)
        ackg = str(BIN / "ackg")
        results = {"python -c pass": _run([sys.executable, "-c", "pass"])}
        for name, side in (("old", old), ("new", new)):
            release = work / f"{name}.nq"
            results[f"ackg export ({name})"] = _run(
                [ackg, "--root", str(side), "export", "-o", str(release)]
            )
        answer = work / "diff.json"
        command = [ackg, "diff", str(work / "old.nq"), str(work / "new.nq"), "--format", "json"]
        results["ackg diff old.nq new.nq"] = _run(command, answer)
        document = json.loads(answer.read_text(encoding="utf-8"))
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)

    counts = {entry["graph"]: (entry["added"], entry["removed"]) for entry in document["graphs"]}
    print(f"{manifest['triples']} triples, {added} added; {os.cpu_count()} CPUs")
    print(f"{'command':<26} {'wall s':>8} {'peak MiB':>9}")
    for name, (wall, peak) in results.items():
        print(f"{name:<26} {wall:>8.2f} {peak / 1024**2:>9.0f}")
    diff_wall, diff_peak = results["ackg diff old.nq new.nq"]
    export_wall = results["ackg export (old)"][0]
    print(f"diff / one export: {diff_wall / export_wall:.2f}x")
    if counts != {"data": (added, 0)}:
        print(f"WRONG: expected {added} statements added and none removed, got {counts}")
        return 1
    if diff_wall > BUDGET_SECONDS or diff_peak > BUDGET_BYTES:
        print(f"MISSED: the budget is {BUDGET_SECONDS:.0f} s and {BUDGET_BYTES // 1024**3} GiB")
        return 1
    print(f"budget met: {diff_wall:.2f} s < {BUDGET_SECONDS:.0f} s, {diff_peak / 1024**2:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

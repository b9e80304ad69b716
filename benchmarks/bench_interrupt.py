"""How soon does Ctrl-C end a command? Prints the times measured in one run.

The README promises that Ctrl-C (SIGINT) ends every command within about a second, with exit
code 130, whatever it is doing. The tests check that it ends at all, without waiting for the
work (``tests/test_interrupts.py``); this script measures how soon, through the installed
``ackg`` script, in interleaved rounds, the median kept:

* baseline: ``python -c "import time; time.sleep(600)"``, interrupted: the interpreter's own
  reaction to SIGINT;
* sparql: ``ackg sparql`` of a count over a three-way cross product (minutes of work in the
  query engine, in Rust, where Python's signal handler cannot run);
* validate: ``ackg validate`` of a generated graph of 10^5 triples, interrupted once its
  reasoning process has started.

Usage::

    .venv/bin/python benchmarks/bench_interrupt.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
#: The promise the README makes.
PROMISE = 1.0


def _children(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return []


def _interrupt(command: list[str], env: dict[str, str], ready: str) -> float:
    """Starts ``command``, waits until it is busy (``ready``: a fixed pause, or until it has a
    child process), sends SIGINT and returns the seconds until it ended."""
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    started = time.monotonic()
    if ready == "child":
        while not _children(process.pid) and time.monotonic() - started < 30:
            time.sleep(0.005)
    else:
        time.sleep(1.0)
    if process.poll() is not None:
        raise SystemExit(f"{command[-1]} ended before it could be interrupted")
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    try:
        code = process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        raise SystemExit(f"{' '.join(command)} ignored SIGINT for 60 s") from None
    took = time.monotonic() - sent
    if code != 130 and ready != "baseline":
        raise SystemExit(f"{' '.join(command)} ended with {code}, not 130")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="rounds (default 5)")
    args = parser.parse_args()
    if not Path("/proc/self/task").is_dir():
        raise SystemExit("needs Linux's /proc")
    ackg = str(Path(sys.executable).with_name("ackg"))
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch) / "project"
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--triples", "1e5", "-o", str(project)],
            check=True,
            capture_output=True,
        )
        cases = {
            "baseline": ([sys.executable, "-c", "import time; time.sleep(600)"], {}, "baseline"),
            "sparql": ([ackg, "sparql", ENDLESS], {}, "pause"),
            "validate": ([ackg, "validate"], {"ACKG_HOME": str(project)}, "child"),
        }
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, (command, extra, ready) in cases.items():
                times[name].append(_interrupt(command, {**os.environ, **extra}, ready))
    print(f"Seconds from SIGINT to the end of the process (median of {args.runs}):")
    for name, measured in times.items():
        median = statistics.median(measured)
        print(f"  {name:9} {median:6.3f} s   (max {max(measured):.3f} s)")
    worst = max(statistics.median(times[name]) for name in cases if name != "baseline")
    verdict = "holds" if worst <= PROMISE else "MISSED"
    print(f"The promise (within about {PROMISE:.0f} s): {verdict}")


if __name__ == "__main__":
    main()

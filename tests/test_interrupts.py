"""Ctrl-C: every command exits with code 130 on SIGINT without waiting for its work to end, even
while the query engine computes a long aggregate in Rust. Real processes, real signals.

No duration is asserted (machines are noisy; ``benchmarks/bench_interrupt.py`` measures how
soon the command ends): each case interrupts work that would take minutes, or that cannot end
by itself at all, so a command that waited for it would meet the hang guard instead."""

from __future__ import annotations

import _thread
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from asean_customs_kg.interrupts import IN_CALLER, HeldInterrupts, run_interruptibly
from helpers import REPO

pytestmark = pytest.mark.slow  # real processes interrupted while they work

ACKG = [sys.executable, "-c", "from asean_customs_kg.cli.launcher import main; main()"]
# A count over a three-way cross product: minutes of work on the project's graph.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SORTED = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
#: How long a test waits for an interrupted command to end before calling it hung: far more
#: than the second or so it takes, far less than the minutes of the work it interrupts.
HANG_GUARD = 20


def _threads(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/task"))
    except FileNotFoundError:
        return 0


def _interrupt_when_busy(process: subprocess.Popen[bytes], threads: int) -> None:
    """Waits until the process runs ``threads`` threads (the query's worker among them) and
    has had time to go deep into the work, sends SIGINT, and waits for the process to end."""
    started = time.monotonic()
    while _threads(process.pid) < threads and time.monotonic() - started < 20:
        time.sleep(0.05)
    time.sleep(1.0)
    assert process.poll() is None, process.communicate()
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=HANG_GUARD)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail(f"the process ignored SIGINT for {HANG_GUARD} s")


def _run_and_interrupt(args: list[str], threads: int = 3, **options: object) -> tuple[int, bytes]:
    process = subprocess.Popen(  # type: ignore[call-overload]
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **options
    )
    _interrupt_when_busy(process, threads)
    _, stderr = process.communicate()
    return process.returncode, stderr


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
@pytest.mark.parametrize("query", [ENDLESS, SORTED], ids=["aggregate", "sorted"])
def test_ctrl_c_stops_a_long_ad_hoc_query(query: str) -> None:
    code, stderr = _run_and_interrupt([*ACKG, "sparql", query])
    assert code == 130
    assert stderr.strip() == b"ackg: error: interrupted"


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
def test_ctrl_c_stops_a_long_saved_query_on_the_fast_path(tmp_path: Path) -> None:
    for name in ("ontology", "data", "queries"):
        (tmp_path / name).mkdir()
    (tmp_path / "ontology" / "o.ttl").write_text("<urn:o> a <urn:Ontology> .\n")
    (tmp_path / "data" / "d.ttl").write_text(
        "".join(f"<urn:s{i}> <urn:p> {i} .\n" for i in range(2000))
    )
    (tmp_path / "queries" / "endless.rq").write_text(f"#+ summary: Endless.\n{ENDLESS}\n")
    environment = {**os.environ, "ACKG_HOME": str(tmp_path)}
    # Two threads: the query runs in the main thread, which the watchdog covers.
    code, stderr = _run_and_interrupt([*ACKG, "query", "endless"], 2, env=environment)
    assert code == 130
    assert stderr == b"ackg: error: interrupted\n"


WEDGED = f"""
import pyoxigraph
from asean_customs_kg.interrupts import Watchdog

store = pyoxigraph.Store()
store.extend(
    pyoxigraph.Quad(pyoxigraph.NamedNode(f"urn:s{{i}}"), pyoxigraph.NamedNode("urn:p"),
                    pyoxigraph.Literal(i))
    for i in range(2000)
)
watchdog = Watchdog()
print("ready", flush=True)
store.query({ENDLESS!r})  # in the main thread, which Ctrl-C cannot reach until it ends
"""


def test_the_watchdog_ends_a_command_whose_main_thread_is_wedged() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", WEDGED], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None
    assert process.stdout.readline() == b"ready\n"
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=HANG_GUARD)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail(f"the process ignored SIGINT for {HANG_GUARD} s")
    assert process.returncode == 130
    assert process.stderr is not None and process.stderr.read() == b"ackg: error: interrupted\n"


def test_a_command_that_ends_itself_leaves_the_watchdog_quiet() -> None:
    done = subprocess.run([*ACKG, "query", "reports-to", "-p", "body=CPTFWG"], capture_output=True)
    assert done.returncode == 0 and done.stderr == b""
    code = "from asean_customs_kg.interrupts import Watchdog; Watchdog().stand_down(); print('ok')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    assert done.stdout == b"ok\n" and done.stderr == b""


def _children(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return None


def _generated_project(directory: Path, triples: str) -> Path:
    """A project of ``triples`` synthetic triples (the benchmarks' generator) in ``directory``."""
    generate = [sys.executable, str(REPO / "benchmarks" / "generate.py"), "--triples", triples]
    subprocess.run([*generate, "-o", str(directory)], check=True, capture_output=True)
    return directory


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
def test_ctrl_c_stops_a_validation_and_its_reasoning_process(tmp_path: Path) -> None:
    # A generated graph of 10^5 triples, whose logic stage takes seconds: on the project's own
    # graph the reasoning process could end before the signal arrived.
    project = _generated_project(tmp_path / "project", "1e5")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    environment = {**os.environ, "TMPDIR": str(temporary), "ACKG_HOME": str(project)}
    process = subprocess.Popen(
        [*ACKG, "validate"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment
    )
    started = time.monotonic()
    while not (children := _children(process.pid)) and time.monotonic() - started < 20:
        time.sleep(0.01)  # until the logic stage's process has started
    if process.poll() is not None or not children:
        pytest.skip("the validation runs without a reasoning process here")
    # Frozen, the reasoning process can never answer: only the interruption can end the command.
    (child,) = children
    os.kill(int(child), signal.SIGSTOP)
    process.send_signal(signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=HANG_GUARD)
    except subprocess.TimeoutExpired:
        process.kill()
        os.kill(int(child), signal.SIGKILL)
        pytest.fail(f"the validation waited for its reasoning process for {HANG_GUARD} s")
    assert process.returncode == 130
    assert stderr.strip() == b"ackg: error: interrupted"
    assert not Path(f"/proc/{child}").exists()  # the reasoning process is gone, not orphaned
    assert list(temporary.iterdir()) == []  # and so are its files


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
def test_ctrl_c_stops_a_load_and_the_next_load_puts_things_right(tmp_path: Path) -> None:
    project = _generated_project(tmp_path / "project", "3e5")
    environment = {**os.environ, "ACKG_HOME": str(project)}
    store = tmp_path / "store"
    process = subprocess.Popen(
        [*ACKG, "load", "--store", str(store)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
    )
    started = time.monotonic()
    while not list(tmp_path.glob("store.*")) and time.monotonic() - started < 20:
        time.sleep(0.01)  # until the load writes its working directory
    time.sleep(0.3)
    if process.poll() is not None:
        pytest.skip("the load ended before it could be interrupted")
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=HANG_GUARD)
    assert process.returncode == 130
    assert stderr.decode().startswith(("ackg: error: interrupted", "ackg: error: the load into")), (
        stderr
    )
    assert not store.exists()  # nothing half-loaded in its place
    again = subprocess.run(
        [*ACKG, "load", "--store", str(store)], capture_output=True, env=environment
    )
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "store"]


OWN_HANDLER = f"""
import signal
import pyoxigraph
from asean_customs_kg.interrupts import Watchdog

store = pyoxigraph.Store()
store.extend(
    pyoxigraph.Quad(pyoxigraph.NamedNode(f"urn:s{{i}}"), pyoxigraph.NamedNode("urn:p"),
                    pyoxigraph.Literal(i))
    for i in range(300)
)
received = []
watchdog = Watchdog()
signal.signal(signal.SIGINT, lambda number, frame: received.append(number))
print("ready", flush=True)
store.query({ENDLESS!r})  # a few seconds in the main thread, the signal handled after
watchdog.stand_down()
print("handled", received, flush=True)
"""


def test_the_watchdog_leaves_a_command_with_its_own_sigint_handler_alone() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", OWN_HANDLER], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None
    assert process.stdout.readline() == b"ready\n"
    time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert (process.returncode, stdout, stderr) == (0, b"handled [2]\n", b"")


def test_in_caller_runs_the_function_in_the_calling_thread() -> None:
    here = _thread.get_ident()
    assert run_interruptibly(_thread.get_ident) != here
    token = IN_CALLER.set(True)
    try:
        assert run_interruptibly(_thread.get_ident) == here
    finally:
        IN_CALLER.reset(token)


def test_a_ctrl_c_held_back_around_a_fork_is_raised_when_the_block_ends() -> None:
    # Raised in one of CPython's at-fork hooks, it would be swallowed with a traceback.
    reached = []
    with pytest.raises(KeyboardInterrupt), HeldInterrupts():
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):  # the handler runs between these bytecodes
            reached.append(True)
    assert len(reached) == 1000
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler

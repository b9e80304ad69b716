"""``ackg serve`` runs the queries of the project's files and of an on-disk store in query
processes that it kills when a query passes the time limit: runaway queries never hold the
query slots, an engine that dies answers 500 while the server goes on, and every stop leaves
no process behind. The real command on free loopback ports; processes are read from /proc."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from serve_helpers import Answer, Server

pytestmark = [
    pytest.mark.slow,  # real server processes, stopped and killed
    pytest.mark.skipif(
        not Path("/proc/self/stat").exists(), reason="reads the processes from /proc (Linux)"
    ),
]

# An aggregate over a cross product of the graph: it runs for minutes before its one row.
RUNAWAY = "/sparql?" + urlencode(
    {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"}
)
TOO_LONG = "the query ran longer than the server's limit of 1 s; narrow it or add a LIMIT\n"


def _children(pid: int) -> set[int]:
    """The PIDs of the processes whose parent is ``pid``."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # it ended meanwhile
            continue
        if int(stat.rpartition(")")[2].split()[1]) == pid:
            found.add(int(entry.name))
    return found


def _query_processes(server: Server) -> tuple[int, set[int]]:
    """The server's template process and the query processes it forked."""
    assert server.process is not None
    (template,) = _children(server.process.pid)
    return template, _children(template)


def _alive(pid: int) -> bool:
    """Whether ``pid`` is a process (a zombie, ended but not reaped, counts as one)."""
    return Path(f"/proc/{pid}").exists()


def _at_once(server: Server, paths: list[str]) -> list[Answer]:
    """The answers to ``paths``, requested all at once."""
    answers: dict[int, Answer] = {}

    def get(index: int, path: str) -> None:
        answers[index] = server.get(path)

    clients = [threading.Thread(target=get, args=item) for item in enumerate(paths)]
    for client in clients:
        client.start()
    for client in clients:
        client.join(60)
    return [answers[index] for index in range(len(paths))]


def _runaways_are_killed(server: Server) -> None:
    """Two waves of runaway queries, one per slot (2), each answered 503 at the time limit;
    their processes are gone, and a normal query is answered at once after them."""
    template, first = _query_processes(server)
    assert len(first) == 2
    ran = set(first)
    for _ in range(2):
        answers = _at_once(server, [RUNAWAY, RUNAWAY])
        assert [(answer.status, answer.text) for answer in answers] == [(503, TOO_LONG)] * 2
        now = _children(template)
        assert len(now) == 2 and not now & ran  # each was replaced
        ran |= now
    answer = server.get("/api/reports-to.csv?body=CPTFWG")
    assert answer.status == 200 and "SWG-ACTS" in answer.text
    # Every process that ran a runaway query is gone (killed and reaped), not a zombie.
    assert [pid for pid in ran - _children(template) if _alive(pid)] == []


def test_runaway_queries_free_their_slots(tmp_path: Path) -> None:
    # Before the query processes, the second wave was answered "busy" and so was every query
    # after it, until a restart: the engine went on computing the first wave in its threads.
    log = tmp_path / "serve.log"
    with Server("--timeout", "1", "--max-concurrent", "2", log=log) as server:
        _runaways_are_killed(server)
    assert "Traceback" not in log.read_text()


def test_runaway_queries_on_a_store_free_their_slots(tmp_path: Path) -> None:
    from asean_customs_kg.release.loading import load_store_files

    store = tmp_path / "store"
    load_store_files(store)
    with Server("--store", str(store), "--timeout", "1", "--max-concurrent", "2") as server:
        _runaways_are_killed(server)
        # Each query process opened the store for itself: it answers the resources' pages too.
        assert "Customs Procedures" in server.get("/id/body/cptfwg", "text/html").text


def test_a_query_process_that_dies_is_a_500_and_replaced(tmp_path: Path) -> None:
    # What a fault in the engine does (pyoxigraph can abort the process): here, a kill.
    log = tmp_path / "serve.log"
    with Server("--timeout", "60", "--max-concurrent", "1", log=log) as server:
        template, (worker,) = _query_processes(server)
        answers: list[Answer] = []
        client = threading.Thread(target=lambda: answers.append(server.get(RUNAWAY)))
        client.start()
        deadline = time.monotonic() + 30  # until the process runs the query (hang guard)
        while _cpu_ticks(worker) < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(worker, signal.SIGKILL)
        client.join(60)
        assert [(answer.status, answer.text) for answer in answers] == [
            (500, "the query stopped the engine; the server goes on\n")
        ]
        assert server.get("/api/reports-to.csv?body=CPTFWG").status == 200
        assert not _alive(worker)
        assert len(_children(template)) == 1
    text = log.read_text()
    assert "a query process ended without answering; it was replaced" in text
    assert "Traceback" not in text


def _cpu_ticks(pid: int) -> int:
    """The processor time ``pid`` has used, in clock ticks (0 once it has ended)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


@pytest.mark.parametrize(
    ("sig", "group", "code"),
    [(signal.SIGINT, True, 130), (signal.SIGINT, False, 130), (signal.SIGTERM, False, 0)],
)
def test_a_stop_leaves_no_process(tmp_path: Path, sig: int, group: bool, code: int) -> None:
    # With a runaway query running. A Ctrl-C in a terminal reaches the whole process group
    # (``group``): the query processes ignore it, and the server stops them.
    log = tmp_path / "serve.log"
    server = Server("--timeout", "60", log=log, own_group=group).start()
    try:
        assert server.process is not None
        pid = server.process.pid
        template, workers = _query_processes(server)
        client = threading.Thread(target=lambda: server.get(RUNAWAY))
        client.start()
        time.sleep(0.5)
        if group:
            assert server.process is not None
            os.killpg(pid, sig)
            assert server.process.wait(timeout=30) == code
        else:
            assert server.stop(sig) == code
    finally:
        server.stop(signal.SIGKILL)
    client.join(60)
    assert [p for p in (template, *workers) if _alive(p)] == []
    text = log.read_text()
    assert "Traceback" not in text and text.rstrip().endswith("ackg serve: stopped")


def test_a_killed_server_leaves_no_process() -> None:
    # SIGKILL gives the server no chance to stop anything: the template sees its control
    # socket close, and kills the query processes.
    server = Server().start()
    template, workers = _query_processes(server)
    server.stop(signal.SIGKILL)
    deadline = time.monotonic() + 30  # hang guard
    while any(_alive(p) for p in (template, *workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [p for p in (template, *workers) if _alive(p)] == []


def test_a_request_that_finds_no_free_slot_is_busy() -> None:
    # In worker threads (as for an endpoint), a query over the time limit keeps its slot until
    # its thread ends: the request waiting for that slot is answered "busy" at its limit.
    import asyncio

    from asean_customs_kg.web.limits import HttpError, Limits, QueryRunner

    release = threading.Event()

    async def run() -> list[tuple[int, str, str | None]]:
        runner = QueryRunner(Limits(timeout=0.2, concurrent=1), lambda kind, args: release.wait(30))
        answers = await asyncio.gather(
            runner.run("hold", ()), runner.run("hold", ()), return_exceptions=True
        )
        release.set()
        return [
            (error.status, error.message, error.headers.get("Retry-After"))
            for error in answers
            if isinstance(error, HttpError)
        ]

    assert sorted(asyncio.run(run())) == [
        (
            503,
            "the query ran longer than the server's limit of 0.2 s; narrow it or add a LIMIT",
            None,
        ),
        (
            503,
            "the server is busy (its limit of concurrent queries, 1, is reached); try again later",
            "5",
        ),
    ]


def test_a_request_that_says_no_cache_is_computed_again() -> None:
    # The answers of the files are cached; "Cache-Control: no-cache" has the engine compute
    # the answer again. Seen by stopping the engine (SIGSTOP to the only query process): the
    # cached answer still comes, the one computed again runs into the time limit.
    with Server("--timeout", "1", "--max-concurrent", "1") as server:
        template, _ = _query_processes(server)
        for path in ("/api/reports-to.csv?body=CPTFWG", "/id/body/ccc.ttl"):
            first = server.get(path)
            assert first.status == 200
            (worker,) = _children(template)
            os.kill(worker, signal.SIGSTOP)
            try:
                assert server.get(path).body == first.body
                fresh = server.get(path, headers={"Cache-Control": "max-age=0, no-cache"})
                assert (fresh.status, fresh.text) == (503, TOO_LONG)
            finally:
                if _alive(worker):
                    os.kill(worker, signal.SIGCONT)
            again = server.get(path, headers={"Cache-Control": "no-cache"})
            assert (again.status, again.body) == (200, first.body)

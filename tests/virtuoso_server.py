"""A real OpenLink Virtuoso 7 server for the tests (``virtuoso-t`` from Debian's
``virtuoso-opensource-7-bin``): a fresh database in a temporary directory, its HTTP and SQL
ports on 127.0.0.1 only, started in the foreground and stopped by its PID.

Starting one takes about ten seconds (it creates its database), so the tests share one per
session through the ``virtuoso`` fixture of ``conftest.py``; each test works in graphs of its
own or reloads what it changes. The server's SPARQL user gets the ``SPARQL_UPDATE`` role (so
that ``/sparql`` takes updates, as a loading user's must), and a second user, with a random
password, may update through the Digest-authenticated ``/sparql-auth``.
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

import pytest

from oxigraph_server import free_port

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
#: The user that loads through ``/sparql-auth`` (HTTP Digest).
LOADER = "ackg_loader"

_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = {dir}
CheckpointInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 4
ServerThreads = 4

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


def _die_with_parent() -> None:
    """In the server's process before it starts: the kernel stops it (SIGTERM) if the test
    process dies without stopping it (killed, or a timeout)."""
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def require_virtuoso() -> None:
    """Skips the test when Virtuoso is not installed (``.ci/run`` installs it where it can)."""
    if VIRTUOSO is None or ISQL is None:
        pytest.skip(
            "Virtuoso is not installed (Debian package virtuoso-opensource-7-bin, "
            "which .ci/run installs when apt-get can)"
        )


class VirtuosoServer:
    """``virtuoso-t -f`` over a fresh database in ``directory``, as a context manager."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.http_port = free_port()
        self.sql_port = free_port()
        self.password = secrets.token_urlsafe(12)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql_url(self) -> str:
        """The SPARQL endpoint (queries and, with the grant, updates) without authentication."""
        return self.base + "/sparql"

    @property
    def auth_url(self) -> str:
        """The SPARQL endpoint behind HTTP Digest authentication."""
        return self.base + "/sparql-auth"

    def start(self) -> VirtuosoServer:
        """Writes the configuration, starts the server, waits (at most 120 s) until its SPARQL
        endpoint answers, and on a new database grants the rights the tests need. A stopped
        server starts again on the same ports and database."""
        require_virtuoso()
        assert VIRTUOSO is not None
        fresh = not (self.directory / "virtuoso.db").exists()
        while self.sql_port == self.http_port:
            self.sql_port = free_port()
        ini = self.directory / "virtuoso.ini"
        ini.write_text(
            _INI.format(dir=self.directory, sql_port=self.sql_port, http_port=self.http_port)
        )
        self.process = subprocess.Popen(
            [VIRTUOSO, "-f", "-c", str(ini)],
            cwd=self.directory,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        try:  # whatever fails from here on (Ctrl-C too), the server started is stopped
            self._wait_and_grant(fresh)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_and_grant(self, fresh: bool) -> None:
        """Waits until the SPARQL endpoint answers; on a new database, grants the rights."""
        assert self.process is not None
        deadline = time.monotonic() + 120
        while True:
            try:
                with _OPENER.open(self.sparql_url + "?query=ASK%7B%7D", timeout=5) as response:
                    response.read()
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(
                        f"Virtuoso on port {self.http_port} did not start; see "
                        f"{self.directory / 'virtuoso.log'}"
                    ) from None
                time.sleep(0.2)
        if fresh:
            self.sql(
                'GRANT SPARQL_UPDATE TO "SPARQL";',
                f"DB.DBA.USER_CREATE('{LOADER}', '{self.password}');",
                f'GRANT SPARQL_UPDATE TO "{LOADER}";',
            )

    def sql(self, *statements: str) -> str:
        """Runs SQL statements as the database administrator (``isql-vt``); returns the output."""
        assert ISQL is not None
        done = subprocess.run(
            [ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba", "VERBOSE=OFF", "ERRORS=STDOUT"],
            input="\n".join(statements) + "\n",
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        if "*** Error" in done.stdout:
            raise RuntimeError(f"isql-vt failed: {done.stdout.strip()[:300]}")
        return done.stdout

    def stop(self) -> None:
        """Stops the server by its PID: terminate, then kill if it does not exit."""
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def __enter__(self) -> VirtuosoServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

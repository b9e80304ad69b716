"""``ackg serve`` for the tests: the real command started as a process on a free loopback port,
stopped by its PID; requests with urllib (no proxy), answers as status, headers and text."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from oxigraph_server import free_port

ACKG = [sys.executable, "-c", "from asean_customs_kg.cli.launcher import main; main()"]
ROOT = Path(__file__).resolve().parent.parent
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Answer:
    """An HTTP answer: ``status``, ``headers`` (lower-case names) and ``text``."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        """The body as UTF-8 text."""
        return self.body.decode("utf-8")

    @property
    def media(self) -> str:
        """The media type of ``Content-Type``, without parameters."""
        return self.headers.get("content-type", "").split(";")[0].strip()


def copy_project(target: Path) -> Path:
    """A copy of the project's ontology, data and queries in ``target``."""
    for name in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / name, target / name)
    return target


class Server:
    """``ackg [--root ROOT] serve --port PORT [ARGS]`` as a context manager, in the
    environment ``env`` (default: the tests' own); its standard error is kept in ``log``.
    With ``own_group``, in a process group of its own (as a terminal starts a command)."""

    def __init__(
        self,
        *args: str,
        root: Path | None = None,
        log: Path | None = None,
        env: dict[str, str] | None = None,
        own_group: bool = False,
    ) -> None:
        self.args = args
        self.root = root
        self.env = env
        self.own_group = own_group
        self.port = free_port()
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self._log_file: object = None

    @property
    def base(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        """Starts the server and waits (at most 60 s) until it answers."""
        command = [*ACKG]
        if self.root is not None:
            command += ["--root", str(self.root)]
        command += ["serve", "--port", str(self.port), *self.args]
        log = open(self.log, "wb") if self.log is not None else subprocess.DEVNULL  # noqa: SIM115
        self._log_file = log
        self.process = subprocess.Popen(
            command,
            stdout=log,
            stderr=log,
            cwd=ROOT,
            env=self.env,
            start_new_session=self.own_group,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with _OPENER.open(self.base + "/api/", timeout=5) as response:
                    response.read()
                return self
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"ackg serve on port {self.port} did not start") from None
                time.sleep(0.1)

    def stop(self, sig: int = signal.SIGTERM) -> int | None:
        """Stops the server by its PID with ``sig`` (then kills it after 10 s); its exit code."""
        process, self.process = self.process, None
        if process is None:
            return None
        process.send_signal(sig)
        try:
            code = process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
        close = getattr(self._log_file, "close", None)
        if close is not None:
            close()
        return code

    def get(
        self, path: str, accept: str | None = None, headers: dict[str, str] | None = None
    ) -> Answer:
        """``GET path`` with an ``Accept`` header."""
        sent = dict(headers or {})
        if accept is not None:
            sent["Accept"] = accept
        return self.request("GET", path, headers=sent)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30,
    ) -> Answer:
        """Any request; the answer whatever its status."""
        request = urllib.request.Request(
            self.base + path, data=body, method=method, headers=headers or {}
        )
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                return Answer(
                    response.status,
                    {k.lower(): v for k, v in response.headers.items()},
                    response.read(),
                )
        except urllib.error.HTTPError as error:
            return Answer(
                error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()
            )

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

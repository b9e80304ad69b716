"""A real Oxigraph server for the tests: started on 127.0.0.1 on a free port over a store
directory, stopped by its PID (terminate, then kill). Only loopback traffic."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

import pytest

OXIGRAPH = Path(sys.executable).parent / "oxigraph"
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def require_oxigraph() -> None:
    """Skips the test when the server binary is missing (it comes with the test extra)."""
    if not OXIGRAPH.is_file():
        pytest.skip("the oxigraph server is not installed (pip install -e '.[test]')")


class OxigraphServer:
    """``oxigraph serve --location LOCATION --bind 127.0.0.1:PORT`` as a context manager."""

    def __init__(self, location: Path, port: int | None = None) -> None:
        self.location = location
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        """The SPARQL query endpoint."""
        return self.base + "/query"

    @property
    def update_url(self) -> str:
        """The SPARQL update endpoint."""
        return self.base + "/update"

    def start(self) -> OxigraphServer:
        """Starts the server and waits (at most 30 s) until it answers."""
        require_oxigraph()
        self.process = subprocess.Popen(
            [
                str(OXIGRAPH),
                "serve",
                "--location",
                str(self.location),
                "--bind",
                f"127.0.0.1:{self.port}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with _OPENER.open(self.base + "/", timeout=5) as response:
                    response.read()
                return self
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError(
                        f"the oxigraph server on port {self.port} did not start"
                    ) from None
                time.sleep(0.05)

    def stop(self) -> None:
        """Stops the server by its PID: terminate, then kill if it does not exit."""
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def __enter__(self) -> OxigraphServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

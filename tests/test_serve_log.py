"""``ackg serve``'s access log cannot be forged through a request: a path holding an encoded
line break (``%0A``) or terminal escape (``%1B``, ``%C2%9B``) is logged as sent, percent-encoded,
so that a request makes one log line and no escape sequence reaches the terminal showing it.
The real command, on a free loopback port."""

from __future__ import annotations

import time
from pathlib import Path

from serve_helpers import Server

FORGED = "/id/body/x%0A10.0.0.9%20%22GET%20/admin%22%20200%200%200.1ms"


def test_a_request_cannot_forge_a_log_line_or_drive_the_terminal(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    with Server(log=log) as server:
        for path in (FORGED, "/id/body/%1B%5B31mred", "/id/%C2%9B31m"):
            assert server.get(path).status == 404
        deadline = time.monotonic() + 5
        while "/id/%C2%9B31m" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
    lines = log.read_text(encoding="utf-8").splitlines()
    logged = [line.split('"')[1] for line in lines if '"GET /id/' in line]
    assert logged == [f"GET {FORGED}", "GET /id/body/%1B%5B31mred", "GET /id/%C2%9B31m"]
    assert not [line for line in lines if line.startswith("10.0.0.9")]
    assert not [line for line in lines if "\x1b" in line or "\x9b" in line]

"""The w3id.org redirect rules of ``ackg site``, applied by a real Apache httpd (Debian's
``apache2`` with mod_rewrite, as w3id.org runs them): started on 127.0.0.1 on a free port with
a configuration in a temporary directory, the ``.htaccess`` in ``asean-customs-kg/`` as in
the w3id.org repository, and the site itself under ``site/``, which the rules point to. Each
IRI's path is asked for with the ``Accept`` header of a program or of a browser; the redirect
is checked, then followed to the file. Stopped by its PID."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from asean_customs_kg.publish.site import htaccess
from oxigraph_server import free_port
from site_helpers import build

APACHE = shutil.which("apache2") or "/usr/sbin/apache2"
MODULES = Path("/usr/lib/apache2/modules")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
PROGRAMS = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    # rdflib's own Accept header, which names several formats, Turtle first.
    "ttl-rdflib": "application/rdf+xml, text/n3, text/turtle, application/n-triples, "
    "application/ld+json;q=0.9",
}

_CONF = """ServerRoot "{root}"
Listen 127.0.0.1:{port}
ServerName 127.0.0.1
PidFile "{root}/httpd.pid"
DefaultRuntimeDir "{root}"
Mutex file:{root} default
ErrorLog "{root}/error.log"
LogLevel warn
{user}
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule rewrite_module {modules}/mod_rewrite.so
LoadModule headers_module {modules}/mod_headers.so
LoadModule mime_module {modules}/mod_mime.so
TypesConfig /dev/null
AddType text/html .html
AddType text/turtle .ttl
AddType application/ld+json .jsonld
AddType application/n-triples .nt
DocumentRoot "{root}/htdocs"
<Directory "{root}/htdocs">
    AllowOverride All
    Require all granted
</Directory>
"""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _get(
    url: str, accept: str | None = None, follow: bool = False
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({})]
    if not follow:
        handlers.append(_NoRedirect())
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def apache() -> Iterator[tuple[str, Path]]:
    """The base URL of a running httpd that applies the rules, and the site it serves."""
    if not Path(APACHE).is_file() or not (MODULES / "mod_rewrite.so").is_file():
        pytest.skip("Apache httpd is not installed (apt-get install apache2; .ci/run installs it)")
    root = Path(tempfile.mkdtemp(prefix="ackg-apache-"))
    root.chmod(0o755)  # the server's workers (www-data, when the tests run as root) read it
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    build(root / "htdocs" / "site", site_url=f"{base}/site/")
    (root / "htdocs" / "asean-customs-kg").mkdir()
    shutil.move(
        root / "htdocs" / "site" / ".htaccess", root / "htdocs" / "asean-customs-kg" / ".htaccess"
    )
    user = ""
    if os.geteuid() == 0:
        pwd.getpwnam("www-data")
        user = "User www-data\nGroup www-data"
    conf = root / "httpd.conf"
    conf.write_text(
        _CONF.format(root=root, port=port, modules=MODULES, user=user), encoding="utf-8"
    )
    process = subprocess.Popen(
        [APACHE, "-f", str(conf), "-DFOREGROUND"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (
                        (root / "error.log").read_text(errors="replace")
                        if (root / "error.log").exists()
                        else ""
                    )
                    stderr = process.stderr.read().decode() if process.stderr else ""
                    pytest.fail(f"httpd did not start: {stderr} {log}")
                time.sleep(0.1)
        yield base, root / "htdocs" / "site"
    finally:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        if process.stderr is not None:
            process.stderr.close()
        shutil.rmtree(root, ignore_errors=True)


IRI_PATHS = ["id/body/cptfwg", "id/source/asean-customs-overview/p2", "dataset"]


@pytest.mark.parametrize("path", IRI_PATHS)
@pytest.mark.parametrize("fmt", sorted(PROGRAMS))
def test_a_program_gets_a_303_to_the_rdf(apache: tuple[str, Path], path: str, fmt: str) -> None:
    base, site = apache
    suffix = fmt.split("-")[0]
    status, headers, _ = _get(f"{base}/asean-customs-kg/{path}", PROGRAMS[fmt])
    assert status == 303
    assert headers["Location"] == f"{base}/site/{path}.{suffix}"
    assert headers["Access-Control-Allow-Origin"] == "*"
    status, headers, body = _get(f"{base}/asean-customs-kg/{path}", PROGRAMS[fmt], follow=True)
    assert status == 200
    assert headers["Content-Type"].split(";")[0] == PROGRAMS[suffix]
    assert body == (site / f"{path}.{suffix}").read_bytes()


@pytest.mark.parametrize("path", IRI_PATHS)
@pytest.mark.parametrize("accept", [BROWSER, None, "*/*"])
def test_a_browser_gets_the_html(apache: tuple[str, Path], path: str, accept: str | None) -> None:
    base, site = apache
    status, headers, _ = _get(f"{base}/asean-customs-kg/{path}", accept)
    assert status == 303
    assert headers["Location"] == f"{base}/site/{path}.html"
    status, headers, body = _get(f"{base}/asean-customs-kg/{path}", accept, follow=True)
    assert status == 200
    assert body == (site / f"{path}.html").read_bytes()


def test_a_page_asked_by_name_is_that_file(apache: tuple[str, Path]) -> None:
    base, _ = apache
    status, headers, _ = _get(f"{base}/asean-customs-kg/id/body/ccc.nt", BROWSER)
    assert (status, headers["Location"]) == (303, f"{base}/site/id/body/ccc.nt")


@pytest.mark.parametrize(
    ("accept", "target"),
    [
        (BROWSER, "ontology.html"),
        ("text/turtle", "release/ontology.ttl"),
        ("application/ld+json", "release/ontology.jsonld"),
        ("application/n-triples", "release/ontology.nt"),
    ],
)
def test_the_ontologys_hash_iris(apache: tuple[str, Path], accept: str, target: str) -> None:
    """``ontology#ReportingLine``: the client asks for ``ontology``; a browser lands on the
    ontology's page (which has the anchor ``ReportingLine``), a program gets the whole
    ontology, which describes the term."""
    base, site = apache
    status, headers, _ = _get(f"{base}/asean-customs-kg/ontology", accept)
    assert (status, headers["Location"]) == (303, f"{base}/site/{target}")
    _, _, body = _get(f"{base}/asean-customs-kg/ontology", accept, follow=True)
    assert body == (site / target).read_bytes()
    assert b"ReportingLine" in body


def test_the_namespace_goes_to_the_home_page(apache: tuple[str, Path]) -> None:
    base, _ = apache
    status, headers, _ = _get(f"{base}/asean-customs-kg/", BROWSER)
    assert (status, headers["Location"]) == (303, f"{base}/site/")


def test_the_rules_catch_no_other_path(apache: tuple[str, Path]) -> None:
    base, _ = apache
    status, _, _ = _get(f"{base}/asean-customs-kg/nothing-here", BROWSER)
    assert status == 404


def test_the_rules_name_the_site_url_only() -> None:
    rules = htaccess("https://owner.github.io/repo")
    assert (
        "RewriteRule ^((id/.+)|dataset|(graph/.+))$ https://owner.github.io/repo/$1.ttl [R=303,L]"
        in rules
    )
    assert all(
        "https://" not in line or "https://owner.github.io/repo/" in line or line.startswith("#")
        for line in rules.splitlines()
    )

"""The YASGUI query editor for the SPARQL page: fetched from npm by an install step, never
shipped in the repository, never loaded from a CDN.

``python -m asean_customs_kg.web.yasgui`` runs ``npm pack`` for the pinned version of
:data:`PACKAGE` (npm checks the package's integrity against the registry) and keeps its two
built files, ``yasgui.min.js`` and ``yasgui.min.css``, in :func:`directory` (in the user's
cache). When they are there, ``ackg serve`` serves them under ``/static/yasgui/`` and the
SPARQL page loads them, with the server's own ``sparql-editor.js`` that puts the editor in
place of the plain form; when they are not, the plain form is the page. This is the only
step that reaches the network, and only when it is run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from ..errors import EnvError

__all__ = ["FILES", "PACKAGE", "VERSION", "directory", "fetch", "installed"]

#: The npm package and its pinned version.
PACKAGE = "@zazuko/yasgui"
VERSION = "4.6.2"
#: The files kept from the package's ``build/`` directory.
FILES = ("yasgui.min.js", "yasgui.min.css")


def directory() -> Path:
    """Where the fetched files are kept: ``$XDG_CACHE_HOME`` (default ``~/.cache``)
    ``/asean-customs-kg/yasgui-VERSION``."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "asean-customs-kg" / f"yasgui-{VERSION}"


def installed() -> Path | None:
    """The directory of the fetched files, or None when they are not all there."""
    found = directory()
    return found if all((found / name).is_file() for name in FILES) else None


def fetch() -> Path:
    """Fetches the pinned package with ``npm pack`` and keeps its built files; returns their
    directory. Raises :class:`EnvError` when npm is missing or fails."""
    npm = shutil.which("npm")
    if npm is None:
        raise EnvError(
            "npm is needed to fetch YASGUI (apt-get install npm); the plain form works without it"
        )
    target = directory()
    with tempfile.TemporaryDirectory(prefix="ackg-yasgui-") as work:
        done = subprocess.run(
            [npm, "pack", f"{PACKAGE}@{VERSION}", "--silent", "--pack-destination", work],
            capture_output=True,
            text=True,
            check=False,
        )
        packed = sorted(Path(work).glob("*.tgz"))
        if done.returncode != 0 or not packed:
            reason = (done.stderr.strip().splitlines() or ["no package written"])[-1]
            raise EnvError(f"npm pack {PACKAGE}@{VERSION} failed: {reason[:200]}")
        staging = Path(work) / "files"
        staging.mkdir()
        with tarfile.open(packed[0]) as archive:
            for name in FILES:
                member = archive.getmember(f"package/build/{name}")
                source = archive.extractfile(member)
                if source is None:
                    raise EnvError(f"{packed[0].name}: {name} is not a file")
                (staging / name).write_bytes(source.read())
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            shutil.rmtree(target)
        shutil.move(str(staging), str(target))
    return target


def main() -> int:
    """``python -m asean_customs_kg.web.yasgui``: fetch, and say where the files went."""
    try:
        where = fetch()
    except EnvError as error:
        print(f"ackg: error: {error}", file=sys.stderr)
        return error.exit_code
    print(f"{PACKAGE}@{VERSION}: {', '.join(FILES)} in {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

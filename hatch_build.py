"""Build hook: ship the project's RDF files inside the wheel.

The top-level ``ontology/``, ``data/`` and ``queries/`` directories are copied into the wheel as
``asean_customs_kg/_resources/<name>/``, where ``asean_customs_kg.resources`` finds them once
installed. Directories that do not exist are skipped. Editable installs get nothing: they read
the checkout directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

RESOURCE_DIRS = ("ontology", "data", "queries")


class ResourcesHook(BuildHookInterface):  # type: ignore[type-arg]
    """Adds each existing resource directory to the wheel's forced inclusions."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return
        root = Path(self.root)
        for name in RESOURCE_DIRS:
            source = root / name
            if source.is_dir():
                build_data["force_include"][str(source)] = f"asean_customs_kg/_resources/{name}"

"""Install what the demo's Home Assistant integrations need and the test setup lacks.

Reads the manifests of the integrations the demo configuration loads (and their dependencies)
from the installed homeassistant package, and pip-installs the missing pins with Home
Assistant's own constraints, so that Home Assistant can run with --skip-pip and never downloads
anything at run time.
"""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path
import subprocess
import sys

import homeassistant

DEMO_INTEGRATIONS = [
    "automation",
    "binary_sensor",
    "camera",
    "config",
    "device_automation",
    "diagnostics",
    "event",
    "frontend",
    "history",
    "logbook",
    "recorder",
    "sensor",
]


def missing_requirements() -> list[str]:
    components = Path(homeassistant.__file__).parent / "components"
    seen: set[str] = set()
    missing: list[str] = []

    def visit(domain: str) -> None:
        if domain in seen:
            return
        seen.add(domain)
        manifest = json.loads((components / domain / "manifest.json").read_text())
        for requirement in manifest.get("requirements", []):
            name, _, version = requirement.partition("==")
            try:
                installed = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                installed = None
            if installed != version:
                missing.append(requirement)
        for dependency in manifest.get("dependencies", []):
            visit(dependency)

    for domain in DEMO_INTEGRATIONS:
        visit(domain)
    return missing


def main() -> int:
    missing = missing_requirements()
    if not missing:
        return 0
    constraints = Path(sys.prefix) / "ha-constraints.txt"
    print(f"demo: installing {' '.join(missing)}", file=sys.stderr)
    command = [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    if constraints.exists():
        command += ["-c", str(constraints)]
    return subprocess.call([*command, *missing])


if __name__ == "__main__":
    sys.exit(main())

"""The libraries the demo's Home Assistant needs, derived from Home Assistant's own manifests.

    python scripts/demo_requirements.py             list them (and which integration needs each)
    python scripts/demo_requirements.py --install   pip-install the missing ones

The demo runs Home Assistant with --skip-pip, so that nothing is downloaded at run time; this
installs beforehand what Home Assistant would otherwise install when it starts. The set of
integrations is Home Assistant's own:
- the integrations named in the demo's configuration.yaml (scripts/demo_config.py);
- those Home Assistant always sets up (`bootstrap.CORE_INTEGRATIONS` and, without
  default_config, `bootstrap.DEFAULT_INTEGRATIONS`: on 2026.10 these include conversation,
  assist_satellite, ai_task, tts, infrared, radio_frequency, analytics and so on);
- every entity platform (`const.Platform`): Home Assistant imports their modules when the
  frontend lists services, whether set up or not (2026.10 imports ai_task and assist_satellite
  there, whose chain needs hassil);
- the se5 integration and the platforms it provides;
and, as Home Assistant's requirement manager does, the requirements of their `dependencies`
and `after_dependencies`, transitively. Versions are those of the manifests, installed with
Home Assistant's package constraints.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
from pathlib import Path
import subprocess
import sys

from demo_config import DEMO_INTEGRATIONS
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
SE5 = ROOT / "custom_components" / "se5"


def _components() -> Path:
    import homeassistant  # noqa: PLC0415

    return Path(homeassistant.__file__).parent / "components"


def _manifest(domain: str) -> dict[str, object]:
    path = SE5 / "manifest.json" if domain == "se5" else _components() / domain / "manifest.json"
    return dict(json.loads(path.read_text(encoding="utf-8")))


def root_domains() -> set[str]:
    """The integrations the demo's Home Assistant sets up or imports."""
    from homeassistant import bootstrap  # noqa: PLC0415
    from homeassistant.const import Platform  # noqa: PLC0415

    components = {path.name for path in _components().iterdir() if path.is_dir()}
    se5_platforms = {path.stem for path in SE5.glob("*.py")} & components
    return (
        set(DEMO_INTEGRATIONS)
        | set(bootstrap.CORE_INTEGRATIONS)
        | set(getattr(bootstrap, "DEFAULT_INTEGRATIONS", ()))
        | {platform.value for platform in Platform}
        | se5_platforms
        | {"se5"}
    )


def requirements() -> dict[str, str]:
    """Each requirement of the closure, with the first integration that asks for it."""
    seen: set[str] = set()
    found: dict[str, str] = {}

    def visit(domain: str) -> None:
        if domain in seen:
            return
        seen.add(domain)
        manifest = _manifest(domain)
        for requirement in manifest.get("requirements", []):  # type: ignore[attr-defined]
            found.setdefault(str(requirement), domain)
        for key in ("dependencies", "after_dependencies"):
            for dependency in manifest.get(key, []):  # type: ignore[attr-defined]
                visit(str(dependency))

    for domain in sorted(root_domains()):
        visit(domain)
    return found


def is_installed(requirement: str) -> bool:
    parsed = Requirement(requirement)
    try:
        version = importlib.metadata.version(parsed.name)
    except importlib.metadata.PackageNotFoundError:
        return False
    return parsed.specifier.contains(version, prereleases=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The demo's Home Assistant requirements.")
    parser.add_argument("--install", action="store_true", help="pip-install the missing ones")
    args = parser.parse_args(argv)
    found = requirements()
    missing = sorted(r for r in found if not is_installed(r))
    for requirement in sorted(found, key=str.lower):
        state = "missing" if requirement in missing else "installed"
        print(f"  {requirement:44} {state:9} ({found[requirement]})")
    if not args.install or not missing:
        return 0
    print(f"demo requirements: installing {len(missing)}: {' '.join(missing)}", flush=True)
    command = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check"]
    constraints = Path(sys.prefix) / "ha-constraints.txt"
    if constraints.exists():
        command += ["-c", str(constraints)]
    return subprocess.call([*command, *missing])


if __name__ == "__main__":
    sys.exit(main())

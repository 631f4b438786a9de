"""Write the demo's Home Assistant configuration directory before each start.

    python scripts/demo_config.py --config DIR --port 8123 --listen 127.0.0.1

- `configuration.yaml` (rewritten at each start; automations.yaml and friends are yours): the
  integrations in DEMO_INTEGRATIONS, the name "SE5 demo", metric units, this machine's time zone.
  These core settings come from YAML, which Home Assistant applies over its storage at each start.
- The HTTP address and port: in `http:` of configuration.yaml on releases that read it there;
  on releases that keep HTTP settings in their storage (2026.x: `.storage/http`, migrated from
  YAML once, then a confirmation countdown and a repair while YAML remains), written straight
  into that storage as the confirmed ("stable") configuration, with no `http:` in YAML, so that
  `--port` and `--listen` apply at every start with nothing to confirm.
- `.storage/onboarding` on a new configuration: the core configuration and analytics steps
  marked done (the YAML above gives the core configuration), so that onboarding only creates
  the owner and finishes. Home Assistant's core-configuration step would add met,
  radio_browser, google_translate and shopping_list, which fetch from the internet and whose
  libraries the demo does not install (a red "Failed to set up" card and tracebacks otherwise).
- `custom_components/se5`: a link to this repository's integration.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
import json
import os
from pathlib import Path
import shutil
import sys
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# The integrations named in configuration.yaml. Home Assistant also loads their dependencies and
# what the frontend pulls in at run time; scripts/demo_requirements.py derives the libraries all
# of them need from Home Assistant's own manifests.
DEMO_INTEGRATIONS = (
    "automation",
    "config",
    "frontend",
    "history",
    "logbook",
    "logger",
    "recorder",
    "scene",
    "script",
)


def machine_time_zone() -> str:
    """This machine's IANA time zone name, or UTC."""
    if (name := os.environ.get("TZ", "").lstrip(":")) and "/" in name:
        return name
    try:
        link = os.readlink("/etc/localtime")
    except OSError:
        link = ""
    if "zoneinfo/" in link:
        return link.split("zoneinfo/", 1)[1]
    try:
        return Path("/etc/timezone").read_text(encoding="utf-8").strip() or "UTC"
    except OSError:
        return "UTC"


def http_in_storage() -> Any | None:
    """Home Assistant's HTTP storage module when this release keeps HTTP settings there."""
    try:
        from homeassistant.components.http import config as http_config  # noqa: PLC0415
    except ImportError:
        return None
    return http_config if hasattr(http_config, "HTTP_STORAGE_SCHEMA") else None


# The YAML of the integrations that take settings; the others are a bare `domain:`.
_SECTIONS = {
    "automation": "automation: !include automations.yaml",
    "logger": "logger:\n  default: warning\n  logs:\n    custom_components.se5: info",
    "recorder": "recorder:\n  purge_keep_days: 3",
    "scene": "scene: !include scenes.yaml",
    "script": "script: !include scripts.yaml",
}


def configuration_yaml(port: int, listen: str, *, http_yaml: bool) -> str:
    """The text of configuration.yaml."""
    lines = [
        "# Written by scripts/demo at each start (see scripts/demo_config.py); your automations,",
        "# scripts and scenes go to automations.yaml, scripts.yaml and scenes.yaml.",
        "homeassistant:",
        "  name: SE5 demo",
        "  unit_system: metric",
        f"  time_zone: {machine_time_zone()}",
        "  country: CN",
        "  currency: CNY",
        "  language: en",
    ]
    lines += [_SECTIONS.get(domain, f"{domain}:") for domain in DEMO_INTEGRATIONS]
    if shutil.which("ffmpeg") is None and (true := shutil.which("true")):
        # Text-to-speech, which Home Assistant 2025.x and 2026.x always set up, depends on the
        # ffmpeg integration, which runs `ffmpeg -version` at start and logs an ERROR with a
        # traceback when there is no ffmpeg. The demo plays no media: where ffmpeg is not
        # installed, it names a program that exists and prints nothing, so ffmpeg reports no
        # version, quietly. Install ffmpeg to have the real one used.
        lines += ["ffmpeg:", f"  ffmpeg_bin: {true}"]
    if http_yaml:
        lines += ["http:", f"  server_host: {listen}", f"  server_port: {port}"]
    return "\n".join(lines) + "\n"


def _write_store(config: Path, key: str, version: int, minor: int, data: object) -> None:
    storage = config / ".storage"
    storage.mkdir(parents=True, exist_ok=True)
    path = storage / key
    document = {"version": version, "minor_version": minor, "key": key, "data": data}
    # Created readable by its owner only, as Home Assistant keeps its storage (a leftover
    # temporary file is removed first, as opening it would keep its mode).
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(json.dumps(document, indent=2) + "\n")
    tmp.replace(path)


def write_http_store(config: Path, http_config: Any, port: int, listen: str) -> None:
    """HTTP settings as Home Assistant's confirmed configuration, with the YAML migration done."""
    stable = dict(http_config.HTTP_STORAGE_SCHEMA({"server_host": [listen], "server_port": port}))
    stable.update(created_at=datetime.now(UTC).isoformat(), error=None, error_message=None)
    data = {"stable": stable, "pending": None, "yaml_migration_done": True}
    _write_store(
        config,
        http_config.STORAGE_KEY,
        http_config.STORAGE_VERSION,
        http_config.STORAGE_MINOR_VERSION,
        data,
    )


def write_onboarding_store(config: Path) -> None:
    """On a new configuration: the core configuration and analytics steps marked done.

    The owner's step and the last one ("integration", which ends onboarding and logs the owner
    in; it adds nothing) stay: Home Assistant's onboarding page needs both.
    """
    from homeassistant.components import onboarding  # noqa: PLC0415
    from homeassistant.components.onboarding import const  # noqa: PLC0415

    if (config / ".storage" / onboarding.STORAGE_KEY).exists():
        return
    done = [const.STEP_CORE_CONFIG, const.STEP_ANALYTICS]
    _write_store(config, onboarding.STORAGE_KEY, onboarding.STORAGE_VERSION, 1, {"done": done})


def write(config: Path, port: int, listen: str) -> None:
    """Write or refresh the demo's configuration directory."""
    config.mkdir(parents=True, exist_ok=True)
    http_config = http_in_storage()
    (config / "configuration.yaml").write_text(
        configuration_yaml(port, listen, http_yaml=http_config is None), encoding="utf-8"
    )
    for name, empty in (("automations", "[]"), ("scripts", "{}"), ("scenes", "[]")):
        if not (path := config / f"{name}.yaml").exists():
            path.write_text(empty + "\n", encoding="utf-8")
    if http_config is not None:
        write_http_store(config, http_config, port, listen)
    write_onboarding_store(config)
    components = config / "custom_components"
    components.mkdir(exist_ok=True)
    link = components / "se5"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(ROOT / "custom_components" / "se5", target_is_directory=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--listen", required=True)
    args = parser.parse_args(argv)
    write(args.config.resolve(), args.port, args.listen)
    return 0


if __name__ == "__main__":
    sys.exit(main())

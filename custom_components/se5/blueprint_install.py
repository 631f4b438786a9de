"""The integration's blueprints, put where Home Assistant finds them.

The blueprints ship in this package (`blueprints/<domain>/*.yaml`); at set-up each is copied to
`<config>/blueprints/<domain>/se5/`, where *Settings > Blueprints* lists it, with these rules:
- a blueprint that is not there yet is written (once: one the user deleted stays deleted);
- a file the user changed (or wrote under that name) is never touched;
- a file that is still as the integration wrote it gets the new version when it changes.

What was written is remembered by content (a SHA-256 per file, in Home Assistant's storage).
It runs once Home Assistant has started: the automation integration fills a new
`blueprints/automation` folder with its own examples only when the folder does not exist yet,
so writing ours first would cost the user Home Assistant's examples.
"""

from __future__ import annotations

from dataclasses import dataclass
import hashlib
import logging
import os
from pathlib import Path
import tempfile
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.start import async_at_started
from homeassistant.helpers.storage import Store

from .const import DOMAIN

_LOGGER = logging.getLogger(__name__)

SOURCE = Path(__file__).parent / "blueprints"
STORAGE_KEY = f"{DOMAIN}.blueprints"
STORAGE_VERSION = 1
_BLUEPRINT_DATA = "blueprint"
"""Where Home Assistant's blueprint integration keeps each domain's blueprints."""


@dataclass(slots=True)
class _Outcome:
    written: dict[str, str]
    """Path under `<config>/blueprints` -> SHA-256 of what the integration wrote there."""
    changed: list[str]
    """The files written or updated now."""
    kept: list[str]
    """The files left as the user has them."""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write(target: Path, data: bytes) -> None:
    """Write `data` to `target` at once (a temporary file in the same folder, then renamed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.chmod(tmp, 0o644)  # noqa: PTH101 - the descriptor is closed; mkstemp made it 0600
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def install(source: Path, blueprints: Path, written: dict[str, str]) -> _Outcome:
    """Copy the shipped blueprints under `blueprints` (runs in the executor)."""
    outcome = _Outcome(dict(written), [], [])
    for shipped in sorted(source.glob("*/*.yaml")):
        key = f"{shipped.parent.name}/{DOMAIN}/{shipped.name}"
        target = blueprints / key
        data = shipped.read_bytes()
        digest = _digest(data)
        if target.exists():
            current = _digest(target.read_bytes())
            if current == digest:
                outcome.written[key] = digest
                continue
            if outcome.written.get(key) != current:
                outcome.kept.append(key)  # the user's own: never touched
                continue
        elif key in outcome.written:
            continue  # the integration wrote it, the user deleted it
        _write(target, data)
        outcome.written[key] = digest
        outcome.changed.append(key)
    return outcome


def async_setup_blueprints(hass: HomeAssistant) -> None:
    """Install the blueprints once Home Assistant has started (now, if it has)."""

    async def install_now(hass: HomeAssistant) -> None:
        await async_install_blueprints(hass)

    async_at_started(hass, install_now)


async def async_install_blueprints(hass: HomeAssistant) -> None:
    """Put the integration's blueprints in the configuration's blueprints folder.

    A failure to write (a read-only folder, say) is logged and set-up goes on.
    """
    store: Store[dict[str, Any]] = Store(hass, STORAGE_VERSION, STORAGE_KEY)
    stored = await store.async_load() or {}
    written = {str(k): str(v) for k, v in dict(stored.get("written", {})).items()}
    try:
        outcome = await hass.async_add_executor_job(
            install, SOURCE, Path(hass.config.path("blueprints")), written
        )
    except OSError as err:
        _LOGGER.warning("Could not put the SE5 blueprints in the blueprints folder: %s", err)
        return
    for key in outcome.kept:
        _LOGGER.debug("Blueprint %s was changed by the user: kept as it is", key)
    if outcome.written != written:
        await store.async_save({"written": outcome.written})
    if outcome.changed:
        _LOGGER.info("SE5 blueprints written: %s", ", ".join(outcome.changed))
        for domain_blueprints in hass.data.get(_BLUEPRINT_DATA, {}).values():
            await domain_blueprints.async_reset_cache()  # an updated file is read again

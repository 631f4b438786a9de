"""Snapshots of what a set-up creates (devices, entities, states) and of the diagnostics.

One snapshot file per Home Assistant line (`snapshots/2025.4/`, `snapshots/2026.10/`): the two
releases serialise a few things differently. Values that change from run to run (ports, entry
ids, times) are replaced by placeholders, so that the files read as a specification.
Update with `scripts/test tests/components/test_snapshots.py --snapshot-update` on each line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from homeassistant.const import __version__ as ha_version
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion
from syrupy.location import PyTestLocation

from se5sim import Simulator
from tests.components.conftest import entry_for, setup_entry
from tests.helpers import wait_for

HA_LINE = ".".join(ha_version.split(".")[:2])


class PerReleaseExtension(HomeAssistantSnapshotExtension):
    """Snapshots in `snapshots/<major.minor of Home Assistant>/`."""

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        """The directory of this release's snapshot files."""
        return str(Path(test_location.filepath).parent / "snapshots" / HA_LINE)


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Per-release snapshots."""
    return snapshot.use_extension(PerReleaseExtension)


def _placeholders(value: Any, replace: dict[str, str]) -> Any:
    """`value` with each run-dependent text replaced by its placeholder."""
    if isinstance(value, dict):
        return {key: _placeholders(item, replace) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_placeholders(item, replace) for item in value]
    if isinstance(value, str):
        for text, placeholder in replace.items():
            value = value.replace(text, placeholder)
    if isinstance(value, int) and not isinstance(value, bool) and str(value) in replace:
        return replace[str(value)]
    return value


def _volatile(sim: Simulator, entry_id: str) -> dict[str, str]:
    return {
        str(sim.rest_port): "<rest port>",
        str(sim.ws_port): "<event port>",
        str(sim.system_port): "<system port>",
        entry_id: "<entry id>",
    }


@pytest.mark.parametrize("dialect", ["v5", "v6"], indirect=True)
async def test_what_a_set_up_creates(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    dialect: str,
    snapshot: SnapshotAssertion,
) -> None:
    vip = next(p for p in sim.people if p.person_type == "vip")
    entry = entry_for(sim, people=[vip.identity_id])
    await setup_entry(hass, entry, sim, enable_counter=False)
    await hass.async_block_till_done()
    devices = dr.async_get(hass)
    ours = dr.async_entries_for_config_entry(devices, entry.entry_id)
    names = {device.id: device.name for device in ours}
    device_rows = sorted(
        (
            {
                "name": device.name,
                "identifiers": sorted(f"{d}:{i}" for d, i in device.identifiers),
                "connections": sorted(f"{c}:{v}" for c, v in device.connections),
                "manufacturer": device.manufacturer,
                "model": device.model,
                "model_id": device.model_id,
                "hw_version": device.hw_version,
                "sw_version": device.sw_version,
                "serial_number": device.serial_number,
                "entry_type": device.entry_type,
                "via": names.get(device.via_device_id or ""),
                "configuration_url": device.configuration_url,
            }
            for device in ours
        ),
        key=lambda row: row["identifiers"],
    )
    assert device_rows == snapshot(name="devices")

    entity_rows = {}
    for entity in sorted(
        er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id),
        key=lambda e: e.entity_id,
    ):
        state = hass.states.get(entity.entity_id)
        shown = None if state is None else state.state
        if entity.translation_key in ("boot_time", "photo") and shown not in (None, "unknown"):
            shown = f"<{entity.translation_key} time>"  # when the box booted, or the photo came
        entity_rows[entity.entity_id] = {
            "unique_id": entity.unique_id,
            "device": names.get(entity.device_id or ""),
            "translation_key": entity.translation_key,
            "device_class": entity.device_class or entity.original_device_class,
            "entity_category": entity.entity_category,
            "disabled_by": entity.disabled_by,
            "unit": entity.unit_of_measurement,
            "state": shown,
            "attributes": None
            if state is None
            else {
                str(key): value
                for key, value in state.attributes.items()
                if key not in ("access_token", "entity_picture", "friendly_name")
            },
        }
    assert _placeholders(entity_rows, _volatile(sim, entry.entry_id)) == snapshot(name="entities")
    await hass.config_entries.async_unload(entry.entry_id)


async def test_diagnostics(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    hass_client: Any,
    snapshot: SnapshotAssertion,
) -> None:
    entry = entry_for(sim)
    await setup_entry(hass, entry, sim)
    vip = next(p for p in sim.people if p.person_type == "vip")
    await sim.fire(sim.devices[0].id, identity_id=vip.identity_id, timestamp_ms=1_790_000_000_000)
    await wait_for(lambda: entry.runtime_data.push.recognitions == 1, what="recognition")
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    diagnostics["health"]["data"]["uptime"] = "<uptime>"
    replaced = _placeholders(diagnostics, _volatile(sim, entry.entry_id))
    for recognition in replaced["last_recognitions"].values():
        recognition["event_id"] = "<event id>"
    assert replaced == snapshot(name="diagnostics")
    await hass.config_entries.async_unload(entry.entry_id)

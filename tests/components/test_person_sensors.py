"""The repair for the older "Last seen" person sensors follows the entity registry with one
listener, however often those entities change."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest

from custom_components.se5 import person_sensors
from custom_components.se5.const import DOMAIN
from se5sim import Simulator
from tests.components.conftest import entry_for, setup_entry, uid


async def test_one_check_per_registry_change(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    vip = next(p for p in sim.people if p.person_type == "vip")
    entry = entry_for(sim, people=[vip.identity_id])
    entry.add_to_hass(hass)
    registry = er.async_get(hass)
    old = [
        registry.async_get_or_create(
            "sensor", DOMAIN, uid(entry, "person", vip.identity_id, key), config_entry=entry
        ).entity_id
        for key in person_sensors.ROW_KEYS
    ]
    await setup_entry(hass, entry, sim, enable_counter=False)
    issue_id = person_sensors.issue_id(entry.entry_id)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
    checks: list[int] = []
    enabled_row_sensors = person_sensors.enabled_row_sensors

    def counted(hass: HomeAssistant, entry: Any) -> list[str]:
        checks.append(1)
        return enabled_row_sensors(hass, entry)

    monkeypatch.setattr(person_sensors, "enabled_row_sensors", counted)
    for name in ("One", "Two", "Three"):
        registry.async_update_entity(old[0], name=name)
        await hass.async_block_till_done()
    assert len(checks) == 3  # one check per change (not 1, 2, 4...)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
    # Both disabled by hand: the issue goes.
    for entity in old:
        registry.async_update_entity(entity, disabled_by=er.RegistryEntryDisabler.USER)
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    assert len(checks) == 5
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()

"""The repair issue of enabled "Last seen" and "Last seen at" person sensors: how it follows
the entity registry (see custom_components/se5/person_sensors.py)."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest

from custom_components.se5 import person_sensors
from custom_components.se5.const import DOMAIN
from se5sim import Simulator
from tests.components.conftest import entry_for, setup_entry, uid


async def test_the_issue_follows_the_sensors_with_one_check_per_change(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each change of one of those sensors in the entity registry is checked once (each check
    used to add a listener: the checks doubled with every change); the issue goes once none is
    enabled, and unloading leaves no listener behind."""
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
    checks = 0
    enabled_row_sensors = person_sensors.enabled_row_sensors

    def counted(hass: HomeAssistant, entry: object) -> list[str]:
        nonlocal checks
        checks += 1
        return enabled_row_sensors(hass, entry)  # type: ignore[arg-type]

    monkeypatch.setattr(person_sensors, "enabled_row_sensors", counted)
    await setup_entry(hass, entry, sim)
    issues = ir.async_get(hass)
    issue_id = person_sensors.issue_id(entry.entry_id)
    assert issues.async_get_issue(DOMAIN, issue_id) is not None

    for number in range(6):  # renamed by the user, six times
        checks = 0
        registry.async_update_entity(old[0], name=f"Seen {number}")
        await hass.async_block_till_done()
        assert checks == 1
    assert issues.async_get_issue(DOMAIN, issue_id) is not None

    registry.async_update_entity(old[0], disabled_by=er.RegistryEntryDisabler.USER)
    await hass.async_block_till_done()
    assert issues.async_get_issue(DOMAIN, issue_id) is not None  # one is still enabled
    registry.async_update_entity(old[1], disabled_by=er.RegistryEntryDisabler.USER)
    await hass.async_block_till_done()
    assert issues.async_get_issue(DOMAIN, issue_id) is None

    checks = 0
    registry.async_update_entity(old[1], name="Seen")  # nothing to check any more
    await hass.async_block_till_done()
    assert checks == 0
    await hass.config_entries.async_unload(entry.entry_id)

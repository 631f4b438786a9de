"""The box's health on the system port, and the repair issue of a box that stays away."""

from __future__ import annotations

from datetime import datetime, timedelta

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.se5.const import DOMAIN
from custom_components.se5.coordinator import push as coordinator_module, unreachable_issue_id
from se5sim import Simulator
from tests.components.conftest import entity_id, entry_for, setup_entry, uid
from tests.helpers import wait_for

HEALTH_KEYS = (
    "core_temperature",
    "board_temperature",
    "cpu_usage",
    "tpu_usage",
    "memory_usage",
    "disk_usage",
    "external_disk_usage",
    "fan_speed",
    "boot_time",
)


def _enable_all(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    registry = er.async_get(hass)
    for key in HEALTH_KEYS:
        registry.async_get_or_create("sensor", DOMAIN, uid(entry, key), disabled_by=None)


@pytest.mark.parametrize("dialect", ["v5", "v6"], indirect=True)
async def test_health_sensors_in_both_shapes(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, dialect: str
) -> None:
    entry = entry_for(sim)
    _enable_all(hass, entry)
    sim.health.core_temperature = 44.0
    sim.health.board_temperature = 46.0
    sim.health.cpu_rate = 0.19
    sim.health.tpu_rate = 0.15
    sim.health.fan_rpm = 4470.0
    sim.health.uptime = "3 hours, 57 minutes"
    await setup_entry(hass, entry, sim)

    def state(key: str) -> tuple[str, dict[str, object]]:
        found = hass.states.get(entity_id(hass, "sensor", uid(entry, key)))
        assert found is not None
        return found.state, dict(found.attributes)

    value, attributes = state("core_temperature")
    assert float(value) == pytest.approx(44.0)
    assert attributes["unit_of_measurement"] == "°C"
    assert attributes["device_class"] == "temperature"
    assert attributes["state_class"] == "measurement"
    assert float(state("board_temperature")[0]) == pytest.approx(46.0)
    value, attributes = state("cpu_usage")
    assert float(value) == pytest.approx(19.0)
    assert attributes["unit_of_measurement"] == "%"
    assert float(state("tpu_usage")[0]) == pytest.approx(15.0)
    assert 0 < float(state("memory_usage")[0]) < 100
    assert 0 < float(state("disk_usage")[0]) < 100
    value, attributes = state("fan_speed")
    assert float(value) == pytest.approx(4470.0)
    assert attributes["unit_of_measurement"] == "rpm"
    boot, attributes = state("boot_time")
    assert attributes["device_class"] == "timestamp"
    expected = dt_util.utcnow() - timedelta(hours=3, minutes=57)
    assert abs(datetime.fromisoformat(boot) - expected) < timedelta(minutes=2)
    registry = er.async_get(hass)
    for key in HEALTH_KEYS:
        found = registry.async_get(entity_id(hass, "sensor", uid(entry, key)))
        assert found is not None
        assert found.entity_category is er.EntityCategory.DIAGNOSTIC
    await hass.config_entries.async_unload(entry.entry_id)


async def test_external_disk_only_when_present(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    entry = entry_for(sim)
    _enable_all(hass, entry)
    sim.health.external_disk = False
    await setup_entry(hass, entry, sim)
    external = entity_id(hass, "sensor", uid(entry, "external_disk_usage"))
    assert hass.states.get(external).state == STATE_UNAVAILABLE  # type: ignore[union-attr]
    sim.health.external_disk = True
    await entry.runtime_data.health.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get(external).state != STATE_UNAVAILABLE  # type: ignore[union-attr]
    await hass.config_entries.async_unload(entry.entry_id)


async def test_system_api_failure_makes_only_health_unavailable(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    temperature = entity_id(hass, "sensor", uid(entry, "core_temperature"))
    person = entity_id(hass, "sensor", uid(entry, sim.devices[0].id, "last_person"))
    stream = entity_id(hass, "binary_sensor", uid(entry, "event_stream"))
    sim.fail_system("http500")
    await entry.runtime_data.health.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get(temperature).state == STATE_UNAVAILABLE  # type: ignore[union-attr]
    assert hass.states.get(person).state != STATE_UNAVAILABLE  # type: ignore[union-attr]
    assert hass.states.get(stream).state == "on"  # type: ignore[union-attr]
    sim.clear_system_failure()
    await entry.runtime_data.health.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get(temperature).state != STATE_UNAVAILABLE  # type: ignore[union-attr]


async def test_firmware_upgrade_updates_the_box_device(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    from tests.components.conftest import ha_box

    sim.health.firmware_version = "V5R9C01_new"
    await entry.runtime_data.health.async_refresh()
    await hass.async_block_till_done()
    box = ha_box(hass, entry)
    assert box is not None
    assert box.sw_version == "V5R9C01_new"


async def test_unreachable_box_repair_raised_and_cleared(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(coordinator_module, "UNREACHABLE_REPAIR_AFTER", timedelta(seconds=0.5))
    entry = entry_for(sim)
    await setup_entry(hass, entry, sim)
    issues = ir.async_get(hass)
    issue_id = unreachable_issue_id(entry.entry_id)
    await sim.go_down()
    await wait_for(lambda: issues.async_get_issue(DOMAIN, issue_id), what="repair issue")
    issue = issues.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "box_unreachable"
    assert not issue.is_fixable
    await sim.come_back()
    await wait_for(lambda: issues.async_get_issue(DOMAIN, issue_id) is None, what="cleared")
    # Down again, then the entry disabled (unloaded): no repair is left behind.
    await sim.go_down()
    await wait_for(lambda: issues.async_get_issue(DOMAIN, issue_id), what="repair issue again")
    await hass.config_entries.async_unload(entry.entry_id)
    assert issues.async_get_issue(DOMAIN, issue_id) is None


async def test_short_outage_raises_no_repair(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    await sim.drop_connections()
    await sim.wait_for_subscription(count=2)
    await wait_for(lambda: entry.runtime_data.push.connected, what="back")
    assert ir.async_get(hass).async_get_issue(DOMAIN, unreachable_issue_id(entry.entry_id)) is None

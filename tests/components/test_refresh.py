"""The device list is read again: new cameras are offered, removed ones leave the registry."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.se5 import hub as hub_module
from custom_components.se5.const import CONF_DEVICES
from se5sim import Simulator
from tests.components.conftest import entry_for, ha_device, setup_entry
from tests.helpers import wait_for


@pytest.fixture
def fast_refresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """The periodic refresh every 0.3 s instead of every 5 minutes (before set-up)."""
    monkeypatch.setattr(hub_module, "REFRESH_INTERVAL", timedelta(seconds=0.3))


async def test_new_camera_is_offered_after_refresh(
    socket_enabled: None,
    fast_refresh: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
) -> None:
    hub = entry.runtime_data
    added = sim.add_device(name="Side door")
    await wait_for(lambda: added.id in hub.devices, what="periodic refresh")
    # Offered, not followed until picked.
    assert ha_device(hass, entry, added.id) is None
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    selector = result["data_schema"].schema[
        next(k for k in result["data_schema"].schema if str(k) == CONF_DEVICES)
    ]
    values = [option["value"] for option in selector.config["options"]]
    assert added.id in values
    await hass.config_entries.options.async_configure(
        result["flow_id"], {**entry.options, CONF_DEVICES: values}
    )
    await hass.async_block_till_done()
    camera = ha_device(hass, entry, added.id)
    assert camera is not None
    entities = er.async_entries_for_device(er.async_get(hass), camera.id, True)
    assert len(entities) == 7
    record = await sim.wait_for_subscription(count=2)
    assert added.id in record.payload["event_list"]
    assert sim.connections_total == 1


async def test_renamed_camera_after_reconnect(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    """A reconnection refreshes the list at once (without waiting for the periodic one)."""
    device = sim.devices[0]
    device.name = "Main entrance"
    await sim.drop_connections()
    await wait_for(
        lambda: entry.runtime_data.devices[device.id].name == "Main entrance", what="refresh"
    )
    await hass.async_block_till_done()
    camera = ha_device(hass, entry, device.id)
    assert camera is not None
    assert camera.name == "Main entrance"


async def test_removed_camera_leaves_the_registry(
    socket_enabled: None,
    fast_refresh: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
) -> None:
    hub = entry.runtime_data
    gone = sim.devices[1]
    device = ha_device(hass, entry, gone.id)
    assert device is not None
    assert er.async_entries_for_device(er.async_get(hass), device.id)
    sim.remove_device(gone.id)

    await wait_for(lambda: gone.id not in hub.devices, what="two periodic refreshes")
    await hass.async_block_till_done()
    assert ha_device(hass, entry, gone.id) is None
    assert er.async_entries_for_device(er.async_get(hass), device.id) == []
    record = await sim.wait_for_subscription(count=2)
    assert gone.id not in record.payload["event_list"]
    assert sim.connections_total == 1  # resubscribed on the open socket


async def test_missing_once_or_after_reconnect_is_kept(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    hub = entry.runtime_data
    flaky = sim.devices[0]
    sim.remove_device(flaky.id)
    # Refreshes after reconnections never remove; a periodic one only marks.
    await hub.async_refresh_devices()
    await hub.async_refresh_devices(remove_missing=True)
    assert flaky.id in hub.devices
    # The box lists it again (same id): the earlier miss is forgotten.
    sim._state.devices[flaky.id] = flaky
    await hub.async_refresh_devices()
    sim.remove_device(flaky.id)
    await hub.async_refresh_devices(remove_missing=True)
    assert flaky.id in hub.devices
    assert ha_device(hass, entry, flaky.id) is not None
    await hub.async_refresh_devices(remove_missing=True)
    assert flaky.id not in hub.devices
    assert ha_device(hass, entry, flaky.id) is None


async def test_setup_keeps_a_picked_camera_the_box_does_not_list(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    entry = entry_for(sim)
    await setup_entry(hass, entry, sim)
    missing = sim.devices[2]
    assert await hass.config_entries.async_unload(entry.entry_id)
    sim.remove_device(missing.id)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    hub = entry.runtime_data
    camera = ha_device(hass, entry, missing.id)
    assert camera is not None
    assert camera.name == missing.name
    assert camera.model == {"rtsp": "RTSP camera", "photo": "Capture camera"}[missing.kind]
    assert er.async_entries_for_device(er.async_get(hass), camera.id)
    assert missing.id in hub.subscription.device_ids
    await hub.async_refresh_devices(remove_missing=True)
    assert ha_device(hass, entry, missing.id) is None
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_refresh_failure_keeps_the_list(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    hub = entry.runtime_data
    sim.fail_rest("http500")
    await hub.async_refresh_devices(remove_missing=True)
    await hub.async_refresh_devices(remove_missing=True)
    assert len(hub.devices) == 3
    sim.clear_rest_failure()


async def test_dialect_change_found_by_refresh_reloads(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    """After a firmware upgrade the box answers in the other dialect, on the same ports."""
    ports = {"rest_port": sim.rest_port, "ws_port": sim.ws_port}
    await sim.stop()
    upgraded = Simulator(host="127.0.0.1", dialect="v6", devices=3, seed=11, **ports)
    await upgraded.start()
    try:
        await entry.runtime_data.async_refresh_devices()
        await hass.async_block_till_done()
        assert entry.data["dialect"] == "v6"
        record = await upgraded.wait_for_subscription()
        assert "media_device_ids" in record.payload
        await wait_for(lambda: entry.runtime_data.connected, what="connected after reload")
        assert await hass.config_entries.async_unload(entry.entry_id)
    finally:
        await upgraded.stop()

"""The device list is read again: new cameras are offered, removed ones leave the registry."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.se5.const import CONF_DEVICES, REFRESH_INTERVAL
from se5sim import Simulator
from tests.components.conftest import ha_device
from tests.helpers import wait_for


async def test_new_camera_is_offered_after_refresh(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    hub = entry.runtime_data
    added = sim.add_device(name="Side door")
    async_fire_time_changed(hass, dt_util.utcnow() + REFRESH_INTERVAL)
    await hass.async_block_till_done()
    await wait_for(lambda: added.id in hub.devices, what="refresh")
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
    assert ha_device(hass, entry, added.id) is not None
    record = await sim.wait_for_subscription(count=2)
    assert added.id in record.payload["event_list"]


async def test_removed_camera_leaves_the_registry(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    hub = entry.runtime_data
    gone = sim.devices[1]
    device = ha_device(hass, entry, gone.id)
    assert device is not None
    sim.remove_device(gone.id)

    # A reconnection refreshes the list; one missing listing may be a glitch of the box.
    await sim.drop_connections()
    await sim.wait_for_subscription(count=2)
    await wait_for(lambda: gone.id in hub._missing, what="refresh after reconnect")
    await hass.async_block_till_done()
    assert ha_device(hass, entry, gone.id) is not None

    # Missing again at the next periodic refresh: it goes, with its entities.
    async_fire_time_changed(hass, dt_util.utcnow() + REFRESH_INTERVAL)
    await hass.async_block_till_done()
    await wait_for(lambda: gone.id not in hub.devices, what="second refresh")
    await hass.async_block_till_done()
    assert ha_device(hass, entry, gone.id) is None
    assert er.async_entries_for_device(er.async_get(hass), device.id) == []
    record = await sim.wait_for_subscription(count=3)
    assert gone.id not in record.payload["event_list"]
    assert sim.connections_total == 2  # resubscribed on the open socket


async def test_only_consecutive_missing_listings_remove(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    hub = entry.runtime_data
    flaky = sim.devices[0]
    sim.remove_device(flaky.id)
    await hub.async_refresh_devices()
    assert flaky.id in hub.devices
    # The box lists it again (same id): the earlier miss is forgotten.
    sim._state.devices[flaky.id] = flaky
    await hub.async_refresh_devices()
    sim.remove_device(flaky.id)
    await hub.async_refresh_devices()
    assert flaky.id in hub.devices
    assert ha_device(hass, entry, flaky.id) is not None
    await hub.async_refresh_devices()
    assert flaky.id not in hub.devices
    assert ha_device(hass, entry, flaky.id) is None


async def test_refresh_failure_keeps_the_list(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    hub = entry.runtime_data
    sim.fail_rest("http500")
    await hub.async_refresh_devices()
    assert len(hub.devices) == 3
    sim.clear_rest_failure()

"""Setting up, retrying, unloading and reloading an entry; devices in the registry."""

from __future__ import annotations

import asyncio
import logging

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.se5 import async_remove_config_entry_device
from custom_components.se5.client import StreamState
from custom_components.se5.const import CONF_DIALECT, DOMAIN
from custom_components.se5.identifiers import device_identifier, person_identifier
from se5sim import Simulator
from tests.components.conftest import entry_for, ha_box, ha_device, ha_person, setup_entry, uid
from tests.helpers import wait_for


async def test_devices_in_the_registry(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    box = ha_box(hass, entry)
    assert box is not None
    assert box.manufacturer == "Sophgo"
    assert box.name == "SE5 127.0.0.1"
    assert box.serial_number == sim.serial
    assert box.configuration_url == "http://127.0.0.1/"
    assert (dr.CONNECTION_NETWORK_MAC, sim.mac) in box.connections
    assert box.hw_version
    assert box.sw_version
    for device in sim.devices:
        camera = ha_device(hass, entry, device.id)
        assert camera is not None
        assert camera.name == device.name
        assert camera.via_device_id == box.id
        assert camera.manufacturer == "Sophgo"
        assert camera.model
        assert camera.configuration_url == "http://127.0.0.1/"
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    with_relay = [d for d in sim.devices if d.relay]
    assert len(with_relay) == 2
    video = [d for d in sim.devices if d.kind == "rtsp"]
    assert len(video) == 2
    # Per camera: event, 4 sensors, 2 cameras, a door lock when it has a relay, the live
    # video and the recognition switch of an RTSP one (V5); per box: connectivity, counter,
    # registered people, 9 health sensors and the pass mode.
    assert len(entities) == 3 * 7 + len(with_relay) + 2 * len(video) + 13
    assert {e.unique_id for e in entities if e.domain == "lock"} == {
        uid(entry, d.id, "door") for d in with_relay
    }
    assert all(e.has_entity_name for e in entities)
    assert all(e.translation_key for e in entities)
    assert all(str(e.unique_id).startswith(f"{sim.serial}_") for e in entities)
    disabled = {e.unique_id for e in entities if e.disabled_by is not None}
    # "Last scene" is enabled: the entry asks for scene photos (test_image_options.py); the
    # per-recognition entities are disabled by default but enabled by setup_entry (conftest).
    assert disabled == {
        uid(entry, key)
        for key in (
            "board_temperature",
            "cpu_usage",
            "tpu_usage",
            "memory_usage",
            "external_disk_usage",
            "fan_speed",
        )
    }


async def test_counter_disabled_by_default(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    entry = entry_for(sim)
    await setup_entry(hass, entry, sim, enable_counter=False)
    counter = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, uid(entry, "recognitions"))
    assert counter is not None
    registry_entry = er.async_get(hass).async_get(counter)
    assert registry_entry is not None
    assert registry_entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert hass.states.get(counter) is None
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize(("mode", "key"), [("init", "box_starting"), ("http500", "cannot_connect")])
async def test_box_not_ready_is_retried(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, mode: str, key: str
) -> None:
    entry = entry_for(sim)
    entry.add_to_hass(hass)
    sim.fail_rest(mode, count=1)
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.error_reason_translation_key == key
    sim.clear_rest_failure()
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    await hass.config_entries.async_unload(entry.entry_id)


async def test_unreachable_box_is_retried(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    entry = entry_for(sim)
    entry.add_to_hass(hass)
    await sim.go_down()
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY


async def test_reload_twenty_times_leaves_nothing(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    entry = entry_for(sim)
    await setup_entry(hass, entry, sim)
    tasks_before = len(asyncio.all_tasks())
    for round_ in range(2, 22):
        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
        await sim.wait_for_subscription(count=round_)
        await wait_for(lambda: entry.runtime_data.push.connected, what="connected")
    assert entry.state is ConfigEntryState.LOADED
    await wait_for(lambda: sim.active_connections == 1, what="one connection on the box")
    assert len(asyncio.all_tasks()) <= tasks_before
    push = entry.runtime_data.push
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert push.stream.state is StreamState.STOPPED
    await wait_for(lambda: sim.active_connections == 0, what="no connection on the box")
    # verify_cleanup (autouse) fails the test on any lingering task or timer.


async def test_remove_device(socket_enabled: None, hass: HomeAssistant, sim: Simulator) -> None:
    followed, unfollowed = sim.people[:2]
    entry = entry_for(sim, people=[followed.identity_id])
    await setup_entry(hass, entry, sim)
    box = ha_box(hass, entry)
    camera = ha_device(hass, entry, sim.devices[0].id)
    person = ha_person(hass, entry, followed.identity_id)
    assert box is not None
    assert camera is not None
    assert person is not None
    assert not await async_remove_config_entry_device(hass, entry, box)
    assert not await async_remove_config_entry_device(hass, entry, camera)
    assert not await async_remove_config_entry_device(hass, entry, person)
    gone = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={person_identifier(str(entry.unique_id), unfollowed.identity_id)},
    )
    assert await async_remove_config_entry_device(hass, entry, gone)
    stale = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={device_identifier(str(entry.unique_id), "gone-device")},
    )
    assert await async_remove_config_entry_device(hass, entry, stale)
    # The same answers while the entry is not loaded (Home Assistant asks in any state).
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert not await async_remove_config_entry_device(hass, entry, box)
    assert not await async_remove_config_entry_device(hass, entry, camera)
    assert not await async_remove_config_entry_device(hass, entry, person)
    assert await async_remove_config_entry_device(hass, entry, stale)


async def test_stream_down_and_back_logs_once(
    socket_enabled: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="custom_components.se5")
    # The stream logs each failed connection attempt at debug level.
    caplog.set_level(logging.DEBUG, logger="custom_components.se5.client.stream")

    def failed_attempts() -> int:
        return sum(
            1
            for r in caplog.records
            if r.name == "custom_components.se5.client.stream" and "cannot connect" in r.msg
        )

    await sim.go_down()
    await wait_for(lambda: not entry.runtime_data.push.connected, what="down")
    await wait_for(lambda: failed_attempts() >= 3, what="several failed reconnection attempts")
    await sim.come_back()
    await wait_for(lambda: entry.runtime_data.push.connected, what="back")
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("custom_components")]
    assert len([m for m in messages if "is down" in m]) == 1
    assert len([m for m in messages if "is back" in m]) == 1
    await hass.async_block_till_done()


async def test_dialect_change_is_stored(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    entry = entry_for(sim)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_DIALECT: "v6"})
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.data[CONF_DIALECT] == "v5"


async def test_a_hundred_devices(socket_enabled: None, hass: HomeAssistant) -> None:
    """Set-up in batches (registry, entities, availability): everything arrives, in order."""
    async with Simulator(host="127.0.0.1", dialect="v5", devices=100, seed=2) as sim:
        entry = entry_for(sim)
        await setup_entry(hass, entry, sim)
        await hass.async_block_till_done()
        entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        events = [e for e in entities if e.domain == "event"]
        assert len(events) == 100
        assert all(hass.states.get(e.entity_id).state != "unavailable" for e in events)  # type: ignore[union-attr]
        await sim.go_down()
        await wait_for(lambda: not entry.runtime_data.push.connected, what="down")
        await hass.async_block_till_done()
        assert all(hass.states.get(e.entity_id).state == "unavailable" for e in events)  # type: ignore[union-attr]
        await sim.come_back()
        await wait_for(lambda: entry.runtime_data.push.connected, what="back")
        await hass.async_block_till_done()
        assert all(hass.states.get(e.entity_id).state != "unavailable" for e in events)  # type: ignore[union-attr]
        await hass.config_entries.async_unload(entry.entry_id)

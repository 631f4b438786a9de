"""The config and options flows, against the simulator and against what is not a box."""

from __future__ import annotations

import asyncio

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.se5.config_flow import normalize_host
from custom_components.se5.const import (
    CONF_DEVICES,
    CONF_DIALECT,
    CONF_EVENT_PORT,
    CONF_FACE_IMAGE,
    CONF_KNOWN_DEVICES,
    CONF_MAC,
    CONF_PEOPLE,
    CONF_REGISTERED_IMAGE,
    CONF_REST_PORT,
    CONF_SCENE_IMAGE,
    CONF_SYSTEM_PORT,
    DOMAIN,
)
from se5sim import Simulator
from tests.components.conftest import entity_id, entry_for, ha_device, setup_entry, uid
from tests.helpers import wait_for


async def _start_user_flow(hass: HomeAssistant, sim: Simulator, host: str = "127.0.0.1") -> dict:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    return await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: host,
            CONF_REST_PORT: sim.rest_port,
            CONF_EVENT_PORT: sim.ws_port,
            CONF_SYSTEM_PORT: sim.system_port,
        },
    )


@pytest.mark.parametrize("dialect", ["v5", "v6"], indirect=True)
async def test_happy_path(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, dialect: str
) -> None:
    result = await _start_user_flow(hass, sim, host=" http://127.0.0.1:5555/ ")
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "devices"
    assert result["description_placeholders"]["count"] == "3"
    schema_keys = {str(key) for key in result["data_schema"].schema}
    assert (CONF_SCENE_IMAGE in schema_keys) is (dialect == "v5")
    defaults = {str(key): key.default() for key in result["data_schema"].schema if key.default}
    assert defaults[CONF_DEVICES] == [d.id for d in sim.devices]  # all by default
    assert defaults[CONF_FACE_IMAGE] is True
    assert defaults[CONF_REGISTERED_IMAGE] is False

    picked = [sim.devices[0].id, sim.devices[2].id]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_DEVICES: picked, CONF_FACE_IMAGE: True, CONF_REGISTERED_IMAGE: True},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "SE5 BM1684-180"  # the box's host name
    assert result["data"] == {
        CONF_HOST: "127.0.0.1",
        CONF_REST_PORT: sim.rest_port,
        CONF_EVENT_PORT: sim.ws_port,
        CONF_SYSTEM_PORT: sim.system_port,
        CONF_DIALECT: dialect,
        CONF_MAC: sim.mac,
    }
    assert result["options"] == {
        CONF_DEVICES: picked,
        "follow_new": True,
        "known_devices": sorted(d.id for d in sim.devices),
        CONF_FACE_IMAGE: True,
        CONF_SCENE_IMAGE: False,
        CONF_REGISTERED_IMAGE: True,
        CONF_PEOPLE: [p.identity_id for p in sim.people],  # a small register: everyone
    }
    entry = result["result"]
    assert entry.unique_id == sim.serial
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    record = await sim.wait_for_subscription()
    ids_key = "event_list" if dialect == "v5" else "media_device_ids"
    assert record.payload[ids_key] == picked
    await hass.config_entries.async_unload(entry.entry_id)


def test_normalize_host() -> None:
    assert normalize_host("192.168.1.180") == "192.168.1.180"
    assert normalize_host("http://192.168.1.180:5555/x") == "192.168.1.180"
    assert normalize_host("SE5.local") == "se5.local"
    assert normalize_host("fe80::1") == "fe80::1"
    assert normalize_host("[2001:db8::1]") == "2001:db8::1"
    assert normalize_host("http://[2001:db8::1]:5555") == "2001:db8::1"
    assert normalize_host("") is None


async def test_already_configured(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    MockConfigEntry(domain=DOMAIN, unique_id=sim.serial, data={}, version=2).add_to_hass(hass)
    result = await _start_user_flow(hass, sim)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


@pytest.mark.parametrize("dialect", ["v5", "v6"], indirect=True)
async def test_options_change_resubscribes_on_the_same_socket(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, dialect: str
) -> None:
    entry = entry_for(sim, devices=[sim.devices[0].id])
    await setup_entry(hass, entry, sim)
    await sim.wait_for_subscription()
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    picks = {
        CONF_DEVICES: [sim.devices[1].id, sim.devices[2].id],
        CONF_FACE_IMAGE: False,
        CONF_REGISTERED_IMAGE: True,
    }
    if dialect == "v5":
        picks[CONF_SCENE_IMAGE] = False
    result = await hass.config_entries.options.async_configure(result["flow_id"], picks)
    assert result["step_id"] == "people"
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"people": []})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    record = await sim.wait_for_subscription(count=2)
    ids = [sim.devices[1].id, sim.devices[2].id]
    if dialect == "v5":
        expected = {"need_face": False, "need_register": True, "event_list": ids}
    else:
        expected = {"with_face_image": False, "with_register_image": True, "media_device_ids": ids}
    assert record.payload == expected
    assert record.connection_id == sim.subscriptions[0].connection_id
    assert sim.connections_total == 1
    assert entry.state is ConfigEntryState.LOADED
    # New devices got entities and the unfollowed one is gone, with its entities.
    hub = entry.runtime_data.push
    await hass.async_block_till_done()
    entities = er.async_get(hass)
    assert entry.runtime_data.registry.ha_device_id(sim.devices[0].id) is None
    assert ha_device(hass, entry, sim.devices[0].id) is None
    assert not [e for e in entities.entities.values() if e.unique_id.startswith(sim.devices[0].id)]
    for device in sim.devices[1:]:
        camera = ha_device(hass, entry, device.id)
        assert camera is not None
        door = 1 if device.relay and dialect == "v5" else 0  # V6: no on-demand door call
        video = device.kind == "rtsp"
        live = 1 if video else 0  # the live video of an RTSP device
        switch = 1 if video and dialect == "v5" else 0  # recognition on/off: V5 only
        assert len(er.async_entries_for_device(entities, camera.id, True)) == (
            7 + door + live + switch
        )
        state = hass.states.get(entity_id(hass, "event", uid(entry, device.id, "recognition")))
        assert state is not None
    sent = await sim.fire(sim.devices[2].id)
    await wait_for(lambda: sim.devices[2].id in hub.last, what="event from new device")
    assert hub.last[sim.devices[2].id].event_id == sent.event_id


async def test_options_keep_a_followed_device_the_box_does_not_list_now(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    """Not loaded, the options read the box's list: a followed device missing from it now
    (not offered, so not unpicked) stays followed, and known devices stay known."""
    away, kept = sim.devices[0].id, sim.devices[1].id
    entry = entry_for(sim, devices=[away, kept])
    known = sorted(d.id for d in sim.devices)
    entry = MockConfigEntry(
        domain=DOMAIN,
        version=entry.version,
        unique_id=entry.unique_id,
        data=entry.data,
        options={**entry.options, CONF_KNOWN_DEVICES: known},
    )
    entry.add_to_hass(hass)
    sim.remove_device(away)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    picks = {CONF_DEVICES: [kept], CONF_FACE_IMAGE: True, CONF_REGISTERED_IMAGE: False}
    picks[CONF_SCENE_IMAGE] = False
    result = await hass.config_entries.options.async_configure(result["flow_id"], picks)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"people": []})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_DEVICES] == [kept, away]
    assert entry.options[CONF_KNOWN_DEVICES] == known


async def test_options_flow_when_not_loaded(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    entry = entry_for(sim)
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    await sim.go_down()
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"
    await asyncio.sleep(0)

"""The device list is read again: new cameras are offered, missing ones raise a repair issue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.se5 import async_remove_config_entry_device
from custom_components.se5.const import CONF_DEVICES, DOMAIN
from custom_components.se5.coordinator import devices as device_list_module, missing_issue_id
from se5sim import Simulator
from tests.components.conftest import entity_id, entry_for, ha_device, setup_entry, uid
from tests.helpers import wait_for


@pytest.fixture
def fast_refresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """The periodic refresh every 0.3 s instead of every 5 minutes (before set-up)."""
    monkeypatch.setattr(device_list_module, "REFRESH_INTERVAL", timedelta(seconds=0.3))


async def test_new_camera_is_followed_after_refresh(
    socket_enabled: None,
    fast_refresh: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
) -> None:
    """A camera added on the box becomes a device with its entities, without a user step."""
    added = sim.add_device(name="Side door")
    await wait_for(lambda: added.id in entry.options[CONF_DEVICES], what="followed")
    await hass.async_block_till_done()
    camera = ha_device(hass, entry, added.id)
    assert camera is not None
    entities = er.async_entries_for_device(er.async_get(hass), camera.id, True)
    # No relay: no door button; an RTSP camera of a V5 box: its live video and the switch.
    assert len(entities) == 7 + 2
    record = await sim.wait_for_subscription(count=2)
    assert added.id in record.payload["event_list"]
    assert sim.connections_total == 1


async def test_new_camera_is_only_offered_when_asked(
    socket_enabled: None, fast_refresh: None, hass: HomeAssistant, sim: Simulator
) -> None:
    """With "Follow new devices" off, a new camera is offered in the options, not followed;
    and a camera the user unpicked is never followed again behind their back."""
    unpicked = sim.devices[2]
    entry = entry_for(
        sim, devices=[d.id for d in sim.devices[:2]], known_devices=[d.id for d in sim.devices]
    )
    await setup_entry(hass, entry, sim)
    devices = entry.runtime_data.devices
    hass.config_entries.async_update_entry(entry, options={**entry.options, "follow_new": False})
    await hass.async_block_till_done()
    added = sim.add_device(name="Side door")
    await wait_for(lambda: added.id in devices.data, what="periodic refresh")
    await wait_for(lambda: added.id in entry.options["known_devices"], what="known")
    assert added.id not in entry.options[CONF_DEVICES]
    assert unpicked.id not in entry.options[CONF_DEVICES]
    assert ha_device(hass, entry, added.id) is None
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    selector = result["data_schema"].schema[
        next(k for k in result["data_schema"].schema if str(k) == CONF_DEVICES)
    ]
    values = [option["value"] for option in selector.config["options"]]
    assert added.id in values
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "devices": [added.id],
            "follow_new": False,
            "face_image": True,
            "scene_image": False,
            "registered_image": False,
        },
    )
    assert result["step_id"] == "people"
    await hass.config_entries.options.async_configure(result["flow_id"], {"people": []})
    await hass.async_block_till_done()
    assert ha_device(hass, entry, added.id) is not None
    await hass.config_entries.async_unload(entry.entry_id)


async def test_renamed_camera_after_reconnect(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    """A reconnection refreshes the list at once (without waiting for the periodic one)."""
    device = sim.devices[0]
    device.name = "Main entrance"
    await sim.drop_connections()
    devices = entry.runtime_data.devices
    await wait_for(lambda: devices.data[device.id].name == "Main entrance", what="refresh")
    await hass.async_block_till_done()
    camera = ha_device(hass, entry, device.id)
    assert camera is not None
    assert camera.name == "Main entrance"


async def test_missing_camera_raises_a_repair_and_is_kept(
    socket_enabled: None,
    fast_refresh: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
) -> None:
    gone = sim.devices[1]
    issue_id = missing_issue_id(entry.entry_id, gone.id)
    issues = ir.async_get(hass)
    sim.remove_device(gone.id)
    await wait_for(lambda: issues.async_get_issue(DOMAIN, issue_id), what="repair issue")
    issue = issues.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders == {"device": gone.name, "box": entry.title}
    # Kept, with its entities unavailable; the others are fine.
    device = ha_device(hass, entry, gone.id)
    assert device is not None
    await hass.async_block_till_done()
    state = hass.states.get(entity_id(hass, "sensor", uid(entry, gone.id, "last_person")))
    assert state is not None
    assert state.state == "unavailable"
    other = hass.states.get(entity_id(hass, "sensor", uid(entry, sim.devices[0].id, "last_person")))
    assert other is not None
    assert other.state != "unavailable"

    # Listed again: the issue goes by itself, the entities come back.
    sim._state.devices[gone.id] = gone
    await wait_for(lambda: issues.async_get_issue(DOMAIN, issue_id) is None, what="issue gone")
    await hass.async_block_till_done()
    state = hass.states.get(entity_id(hass, "sensor", uid(entry, gone.id, "last_person")))
    assert state is not None
    assert state.state != "unavailable"


async def test_missing_camera_repair_flow_stops_following_it(
    socket_enabled: None,
    fast_refresh: None,
    hass: HomeAssistant,
    hass_client: Any,
    entry: MockConfigEntry,
    sim: Simulator,
) -> None:
    from homeassistant.components.repairs import DOMAIN as REPAIRS
    from homeassistant.setup import async_setup_component

    gone = sim.devices[2]
    issue_id = missing_issue_id(entry.entry_id, gone.id)
    issues = ir.async_get(hass)
    assert await async_setup_component(hass, REPAIRS, {})
    sim.remove_device(gone.id)
    await wait_for(lambda: issues.async_get_issue(DOMAIN, issue_id), what="repair issue")

    client = await hass_client()
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    assert response.status == 200
    flow = await response.json()
    assert flow["step_id"] == "confirm"
    assert flow["description_placeholders"] == {
        "device": gone.name,
        "box": entry.title,
        "device_name": gone.name,
        "box_name": "SE5 127\\.0\\.0\\.1",  # Markdown: the box's text stays text
    }
    response = await client.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
    assert response.status == 200
    assert (await response.json())["type"] == "create_entry"
    await hass.async_block_till_done()
    assert gone.id not in entry.options[CONF_DEVICES]
    assert ha_device(hass, entry, gone.id) is None
    assert issues.async_get_issue(DOMAIN, issue_id) is None
    record = await sim.wait_for_subscription(count=2)
    assert gone.id not in record.payload["event_list"]
    assert sim.connections_total == 1  # resubscribed on the open socket


async def test_missing_once_is_not_a_repair(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    """One listing without the device (a box starting) raises nothing: listings must agree
    for a refresh interval."""
    devices = entry.runtime_data.devices
    flaky = sim.devices[0]
    sim.remove_device(flaky.id)
    await devices.async_refresh()
    assert devices.is_missing(flaky.id)
    assert (
        ir.async_get(hass).async_get_issue(DOMAIN, missing_issue_id(entry.entry_id, flaky.id))
        is None
    )
    sim._state.devices[flaky.id] = flaky
    await devices.async_refresh()
    assert not devices.is_missing(flaky.id)
    assert ha_device(hass, entry, flaky.id) is not None


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
    camera = ha_device(hass, entry, missing.id)
    assert camera is not None
    assert camera.name == missing.name
    assert camera.model == {"rtsp": "RTSP camera", "photo": "Capture camera"}[missing.kind]
    assert er.async_entries_for_device(er.async_get(hass), camera.id)
    push = entry.runtime_data.push
    assert missing.id in push.subscription.device_ids
    assert entry.runtime_data.devices.is_missing(missing.id)
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_refresh_failure_keeps_the_list(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    devices = entry.runtime_data.devices
    sim.fail_rest("http500")
    await devices.async_refresh()
    assert not devices.last_update_success
    assert len(devices.data) == 3
    assert not any(devices.is_missing(d.id) for d in sim.devices)
    sim.clear_rest_failure()


async def test_dialect_change_found_by_refresh_reloads(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    """After a firmware upgrade the box answers in the other dialect, on the same ports."""
    ports = {
        "rest_port": sim.rest_port,
        "ws_port": sim.ws_port,
        "system_port": sim.system_port,
        "serial": sim.serial,
        "mac": sim.mac,
    }
    await sim.stop()
    upgraded = Simulator(host="127.0.0.1", dialect="v6", devices=3, seed=11, **ports)
    await upgraded.start()
    try:
        await entry.runtime_data.devices.async_refresh()
        await hass.async_block_till_done()
        assert entry.data["dialect"] == "v6"
        # The stream of the entry before the reload may reach the new box first and subscribe
        # in V5 words: wait for the reloaded entry's V6 subscription, whatever came before.
        await wait_for(
            lambda: any("media_device_ids" in r.payload for r in upgraded.subscriptions),
            what="a V6 subscription",
        )
        await wait_for(
            lambda: (
                entry.runtime_data.push.connected and entry.runtime_data.push.dialect.value == "v6"
            ),
            what="connected after reload",
        )
        assert await hass.config_entries.async_unload(entry.entry_id)
    finally:
        await upgraded.stop()


async def test_a_followed_camera_the_box_no_longer_lists_can_be_deleted(
    socket_enabled: None,
    fast_refresh: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
) -> None:
    """A listed followed camera cannot be deleted from its page; once missing it can (and is
    unfollowed), as the repair issue would."""
    gone = sim.devices[1]
    device = ha_device(hass, entry, gone.id)
    assert device is not None
    assert not await async_remove_config_entry_device(hass, entry, device)
    sim.remove_device(gone.id)
    devices = entry.runtime_data.devices
    await wait_for(lambda: devices.is_missing(gone.id), what="missing")
    assert await async_remove_config_entry_device(hass, entry, device)
    assert gone.id not in entry.options[CONF_DEVICES]
    await hass.async_block_till_done()
    assert ha_device(hass, entry, gone.id) is None
    # The others stay followed, and cannot be deleted from their pages.
    kept = ha_device(hass, entry, sim.devices[0].id)
    assert kept is not None
    assert not await async_remove_config_entry_device(hass, entry, kept)

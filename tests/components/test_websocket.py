"""The card's websocket commands: recent recognitions, then each new one; the cameras."""

from __future__ import annotations

import asyncio
from http import HTTPStatus
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    MockHAClientWebSocket,
    WebSocketGenerator,
)

from se5sim import Simulator
from tests.components.conftest import entry_for, ha_device, setup_entry
from tests.helpers import wait_for


async def _receive(client: MockHAClientWebSocket) -> dict[str, Any]:
    message: dict[str, Any] = await asyncio.wait_for(client.receive_json(), 10)
    return message


@pytest.mark.parametrize("dialect", ["v5", "v6"], indirect=True)
async def test_subscription_sends_recent_then_live(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    dialect: str,
    hass_ws_client: WebSocketGenerator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    entry = entry_for(sim, registered_image=True)
    await setup_entry(hass, entry, sim)
    store = entry.runtime_data.recent.store
    vip = next(p for p in sim.people if p.person_type == "vip")
    earlier = [
        await sim.fire(sim.devices[0].id, person_type="stranger"),
        await sim.fire(sim.devices[1].id, identity_id=vip.identity_id),
    ]
    await wait_for(lambda: len(store) == 2, what="two stored")
    camera = ha_device(hass, entry, sim.devices[1].id)
    assert camera is not None
    dr.async_get(hass).async_update_device(camera.id, name_by_user="门口")

    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {"type": "se5/recognitions/subscribe", "limit": 5, "language": "zh-Hans"}
    )
    result = await _receive(client)
    assert result["success"]
    first = (await _receive(client))["event"]
    items = first["recognitions"]
    assert [item["id"] for item in items] == [earlier[1].event_id, earlier[0].event_id]
    newest = items[0]
    assert newest["identity_name"] == vip.name
    assert newest["person_type"] == "vip"
    assert newest["camera"] == "门口"  # the name the user gave it
    assert newest["device_id"] == camera.id
    assert newest["entry_id"] == entry.entry_id
    assert newest["live"] is True
    assert set(first["labels"]["kinds"]) == {"employee", "visitor", "blacklist", "stranger", "vip"}
    assert first["labels"]["kinds"]["blacklist"] == "黑名单"
    assert first["labels"]["card_title"] == "最近识别"
    assert first["labels"]["stranger"] == "陌生人"
    # Signed URLs: an <img> needs no header.
    anonymous = await hass_client_no_auth()
    response = await anonymous.get(newest["face_url"])
    assert response.status == HTTPStatus.OK
    assert await response.read() == earlier[1].face_jpeg
    registered = await anonymous.get(newest["registered_url"])
    assert await registered.read() == earlier[1].registered_jpeg
    assert "registered_url" not in items[1]  # a stranger has no registered photo
    assert ("scene_url" in newest) is (dialect == "v5")
    unsigned = newest["face_url"].split("?")[0]
    assert (await anonymous.get(unsigned)).status == HTTPStatus.UNAUTHORIZED

    # Then each new recognition, as it is stored.
    sent = await sim.fire(sim.devices[2].id, person_type="blacklist")
    live = (await _receive(client))["event"]["recognition"]
    assert live["id"] == sent.event_id
    assert live["person_type"] == "blacklist"
    assert await (await anonymous.get(live["face_url"])).read() == sent.face_jpeg

    # Unsubscribed: nothing more.
    await client.send_json_auto_id({"type": "unsubscribe_events", "subscription": result["id"]})
    assert (await _receive(client))["success"]
    await sim.fire(sim.devices[0].id)
    await wait_for(lambda: len(store) == 4, what="stored")
    await client.send_json_auto_id({"type": "ping"})
    assert (await _receive(client))["type"] == "pong"


async def test_subscription_filters_cameras_and_kinds(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    entry = entry_for(sim)
    await setup_entry(hass, entry, sim)
    store = entry.runtime_data.recent.store
    gate = sim.devices[1]
    kept = await sim.fire(gate.id, person_type="stranger")
    await sim.fire(gate.id, person_type="employee")
    await sim.fire(sim.devices[0].id, person_type="stranger")
    await wait_for(lambda: len(store) == 3, what="stored")
    camera = ha_device(hass, entry, gate.id)
    assert camera is not None

    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "se5/recognitions/subscribe",
            "device_ids": [camera.id],
            "person_types": ["stranger", "blacklist"],
            "entry_id": entry.entry_id,
        }
    )
    assert (await _receive(client))["success"]
    items = (await _receive(client))["event"]["recognitions"]
    assert [item["id"] for item in items] == [kept.event_id]
    await sim.fire(sim.devices[0].id, person_type="blacklist")  # another camera
    await sim.fire(gate.id, person_type="vip")  # another kind
    wanted = await sim.fire(gate.id, person_type="blacklist")
    assert (await _receive(client))["event"]["recognition"]["id"] == wanted.event_id

    # A bad filter is refused with a clear error.
    await client.send_json_auto_id(
        {"type": "se5/recognitions/subscribe", "person_types": ["ghost"]}
    )
    refused = await _receive(client)
    assert not refused["success"]
    assert refused["error"]["code"] == "invalid_format"


async def test_cameras_for_the_editor(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    entry = entry_for(sim, devices=[sim.devices[0].id, sim.devices[2].id])
    await setup_entry(hass, entry, sim)
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "se5/recognitions/cameras"})
    answer = await _receive(client)
    assert answer["success"]
    cameras = answer["result"]["cameras"]
    assert [c["name"] for c in cameras] == [sim.devices[0].name, sim.devices[2].name]
    assert cameras[0]["device_id"] == ha_device(hass, entry, sim.devices[0].id).id  # type: ignore[union-attr]
    assert cameras[0]["box"] == entry.title
    assert answer["result"]["person_types"] == [
        "employee",
        "visitor",
        "blacklist",
        "stranger",
        "vip",
    ]
    labels = answer["result"]["labels"]
    assert labels["editor_cameras"] == "Cameras (all when none is picked)"
    assert labels["kinds"]["blacklist"] == "Blacklist"


async def test_other_boxes_and_unfollowed_cameras_are_left_out(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    entry = entry_for(sim)
    await setup_entry(hass, entry, sim)
    store = entry.runtime_data.recent.store
    gone = await sim.fire(sim.devices[0].id)
    await wait_for(lambda: gone.event_id in store, what="stored")
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "devices": [d.id for d in sim.devices[1:]]}
    )
    await hass.async_block_till_done()
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "se5/recognitions/subscribe"})
    assert (await _receive(client))["success"]
    assert (await _receive(client))["event"]["recognitions"] == []  # its camera is not followed
    await client.send_json_auto_id(
        {"type": "se5/recognitions/subscribe", "entry_id": "another box"}
    )
    other = await _receive(client)
    assert other["success"]
    assert (await _receive(client))["event"]["recognitions"] == []
    sent = await sim.fire(sim.devices[1].id)
    message = await _receive(client)
    assert message["id"] != other["id"]  # only the first subscription hears about it
    assert message["event"]["recognition"]["id"] == sent.event_id
    await hass.config_entries.async_unload(entry.entry_id)
    from homeassistant.helpers.dispatcher import async_dispatcher_send

    from custom_components.se5.recent import SIGNAL_STORED

    record = store.get(sent.event_id)
    async_dispatcher_send(hass, SIGNAL_STORED, entry.entry_id, record)  # an unloaded box
    await client.send_json_auto_id({"type": "ping"})
    assert (await _receive(client))["type"] == "pong"


@pytest.mark.parametrize("command", ["se5/recognitions/subscribe", "se5/recognitions/cameras"])
@pytest.mark.parametrize("language", ["../../../etc/passwd", "x" * 10_000, "tlh"])
async def test_a_language_home_assistant_does_not_know_is_refused(
    socket_enabled: None,
    hass: HomeAssistant,
    entry: Any,
    hass_ws_client: WebSocketGenerator,
    command: str,
    language: str,
) -> None:
    """The language names translation files to load (and cache): only known ones."""
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": command, "language": language})
    result = await _receive(client)
    assert not result["success"]
    assert result["error"]["code"] == "invalid_format"
    await client.send_json_auto_id({"type": command, "language": "zh-Hans"})
    assert (await _receive(client))["success"]

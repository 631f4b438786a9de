"""Faces of recognitions missed while disconnected: from the box's history, served byte for
byte wherever live ones are (the recognition URL, the media browser, the card), marked recovered."""

from __future__ import annotations

from http import HTTPStatus

from homeassistant.components import media_source
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

from custom_components.se5.const import DOMAIN, EVENT_SE5, EVENT_SE5_RECOVERED
from se5sim import Simulator
from tests.components.conftest import entry_for, setup_entry
from tests.helpers import wait_for


@pytest.mark.parametrize("dialect", ["v5", "v6"], indirect=True)
async def test_recovered_faces_everywhere(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    dialect: str,
    hass_client: ClientSessionGenerator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    assert await async_setup_component(hass, "media_source", {})
    entry = entry_for(sim)
    await setup_entry(hass, entry, sim)
    websocket = await hass_ws_client(hass)
    live = async_capture_events(hass, EVENT_SE5)
    recovered = async_capture_events(hass, EVENT_SE5_RECOVERED)
    gate = sim.devices[0]
    await sim.fire(gate.id)
    await wait_for(lambda: live, what="a live recognition")
    await sim.go_down()
    await wait_for(lambda: not entry.runtime_data.push.connected, what="down")
    missed = await sim.fire(gate.id, person_type="stranger", mask=True)
    await sim.come_back()
    await wait_for(lambda: recovered, what="the recovered recognition")
    data = recovered[0].data
    assert data["mask"] is True  # the history tells it, in both dialects
    record_id = data["face_url"].split("/")[-2]

    # The media browser lists it, marked, and plays its own face.
    root = await media_source.async_browse_media(hass, f"media-source://{DOMAIN}")
    box = await media_source.async_browse_media(hass, root.children[0].media_content_id)
    camera = await media_source.async_browse_media(hass, box.children[0].media_content_id)
    item = next(c for c in camera.children if c.media_content_id.endswith(record_id))
    assert item.title.endswith(" · recovered")
    played = await media_source.async_resolve_media(hass, item.media_content_id, None)

    # The card: the item says it is not live, with a signed URL to its face and the mask.
    await websocket.send_json({"id": 1, "type": "se5/recognitions/subscribe"})
    assert (await websocket.receive_json())["success"]
    first = await websocket.receive_json()
    card_item = next(i for i in first["event"]["recognitions"] if i["id"] == record_id)
    assert card_item["live"] is False
    assert card_item["mask"] is True

    client = await hass_client()
    for url in (data["face_url"], played.url, card_item["face_url"]):
        response = await client.get(url)
        assert response.status == HTTPStatus.OK, url
        assert await response.read() == missed.face_jpeg

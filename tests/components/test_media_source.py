"""The media browser: box, cameras, recent recognitions with their faces; playing one."""

from __future__ import annotations

from http import HTTPStatus

from homeassistant.components import media_source
from homeassistant.components.media_player import BrowseError, MediaClass
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

from custom_components.se5.const import DOMAIN
from se5sim import Simulator
from tests.components.conftest import entry_for, setup_entry
from tests.helpers import wait_for

ROOT = f"media-source://{DOMAIN}"


@pytest.mark.parametrize("dialect", ["v5", "v6"], indirect=True)
async def test_browse_and_play(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    dialect: str,
    hass_client: ClientSessionGenerator,
    hass_ws_client: WebSocketGenerator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    assert await async_setup_component(hass, "media_source", {})
    entry = entry_for(sim, registered_image=True)
    await setup_entry(hass, entry, sim)
    websocket = await hass_ws_client(hass)  # before any HTTP client freezes the router
    store = entry.runtime_data.recent.store
    gate = sim.devices[1]
    vip = next(p for p in sim.people if p.person_type == "vip")
    stranger = await sim.fire(gate.id, person_type="stranger")
    known = await sim.fire(gate.id, identity_id=vip.identity_id)
    await wait_for(lambda: len(store) == 2, what="two stored")

    root = await media_source.async_browse_media(hass, ROOT)
    assert root.title == "SE5 recognitions"
    assert [child.title for child in root.children] == [entry.title]
    box = await media_source.async_browse_media(hass, root.children[0].media_content_id)
    titles = [child.title for child in box.children]
    assert titles == [f"{d.name} ({2 if d is gate else 0})" for d in sim.devices]
    camera = await media_source.async_browse_media(hass, box.children[1].media_content_id)
    assert camera.title == gate.name
    newest, oldest = camera.children
    assert newest.title.startswith(f"{vip.name} · VIP · ")
    assert oldest.title.startswith("Stranger · 20")  # who and when: "Stranger" once
    assert newest.media_class == MediaClass.IMAGE
    assert newest.can_play
    assert newest.thumbnail == f"/api/se5/{entry.entry_id}/{known.event_id}/face.jpg"
    client = await hass_client()
    thumbnail = await client.get(newest.thumbnail)
    assert await thumbnail.read() == known.face_jpeg

    # A recognition with several images expands into them.
    kinds = ["face", "scene", "registered"] if dialect == "v5" else ["face", "registered"]
    assert newest.can_expand
    assert oldest.can_expand is (dialect == "v5")  # a stranger has no registered photo
    images = await media_source.async_browse_media(hass, newest.media_content_id)
    assert [child.title for child in images.children] == [
        {"face": "Face", "scene": "Scene photo", "registered": "Registered photo"}[k] for k in kinds
    ]
    expected = {"face": known.face_jpeg, "scene": known.scene_jpeg, "registered": None}
    expected["registered"] = known.registered_jpeg
    for child, kind in zip(images.children, kinds, strict=True):
        played = await media_source.async_resolve_media(hass, child.media_content_id, None)
        assert played.mime_type == "image/jpeg"
        assert played.url == f"/api/se5/{entry.entry_id}/{known.event_id}/{kind}.jpg"
        assert await (await client.get(played.url)).read() == expected[kind]

    # Playing the recognition itself shows its face; through the websocket API the URL
    # comes signed, for a player or a browser without the user's token.
    played = await media_source.async_resolve_media(hass, oldest.media_content_id, None)
    assert played.url.endswith(f"/{stranger.event_id}/face.jpg")
    await websocket.send_json_auto_id(
        {"type": "media_source/resolve_media", "media_content_id": newest.media_content_id}
    )
    answer = await websocket.receive_json()
    assert answer["success"], answer
    signed = answer["result"]["url"]
    assert "authSig=" in signed
    anonymous = await hass_client_no_auth()
    response = await anonymous.get(signed)
    assert response.status == HTTPStatus.OK
    assert await response.read() == known.face_jpeg


async def test_forgotten_and_unknown_items(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    assert await async_setup_component(hass, "media_source", {})
    entry = entry_for(sim, recent_count=1, devices=[sim.devices[0].id])
    await setup_entry(hass, entry, sim)
    store = entry.runtime_data.recent.store
    gate = sim.devices[0]
    first = await sim.fire(gate.id)
    await wait_for(lambda: first.event_id in store, what="stored")
    item = f"{ROOT}/{entry.entry_id}/{gate.id}/{first.event_id}"
    played = await media_source.async_resolve_media(hass, item, None)
    assert played.url.endswith("/face.jpg")
    second = await sim.fire(gate.id)
    await wait_for(lambda: second.event_id in store, what="rolled over")

    with pytest.raises(media_source.Unresolvable, match="no longer kept"):
        await media_source.async_resolve_media(hass, item, None)
    with pytest.raises(BrowseError, match="no longer kept"):
        await media_source.async_browse_media(hass, item)
    current = f"{ROOT}/{entry.entry_id}/{gate.id}/{second.event_id}"
    with pytest.raises(media_source.Unresolvable, match="no such image"):
        await media_source.async_resolve_media(hass, f"{current}/registered", None)
    with pytest.raises(media_source.Unresolvable, match="not an image"):
        await media_source.async_resolve_media(hass, f"{ROOT}/{entry.entry_id}", None)
    with pytest.raises(media_source.Unresolvable, match="no longer kept"):
        await media_source.async_resolve_media(
            hass, f"{ROOT}/{entry.entry_id}/{sim.devices[1].id}/{second.event_id}", None
        )
    with pytest.raises(BrowseError, match="not followed"):
        await media_source.async_browse_media(hass, f"{ROOT}/{entry.entry_id}/{sim.devices[1].id}")
    with pytest.raises(BrowseError, match="not loaded"):
        await media_source.async_browse_media(hass, f"{ROOT}/no-such-entry")
    await hass.config_entries.async_unload(entry.entry_id)
    root = await media_source.async_browse_media(hass, ROOT)
    assert root.children == []

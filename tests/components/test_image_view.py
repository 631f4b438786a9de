"""Each se5_event carries the URLs of that recognition's own images, served by an auth'd view."""

from __future__ import annotations

from http import HTTPStatus
import json

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.se5.const import EVENT_SE5, EVENT_SE5_RECOVERED
from se5sim import Simulator
from tests.components.conftest import entry_for, setup_entry
from tests.helpers import wait_for


@pytest.mark.parametrize("dialect", ["v5", "v6"], indirect=True)
async def test_event_url_serves_that_recognitions_own_jpeg(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    dialect: str,
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    entry = entry_for(sim)  # face crop and scene photo (V5 only)
    await setup_entry(hass, entry, sim)
    events = async_capture_events(hass, EVENT_SE5)
    device = sim.devices[0]
    first = await sim.fire(device.id, person_type="vip")
    second = await sim.fire(device.id, person_type="stranger")
    await wait_for(lambda: len(events) == 2, what="two se5_events")
    assert first.face_jpeg != second.face_jpeg

    client = await hass_client()
    anonymous = await hass_client_no_auth()
    for event, sent in zip(events, (first, second), strict=True):
        face_url = event.data["face_url"]
        assert face_url.startswith(f"/api/se5/{entry.entry_id}/")
        assert face_url.endswith("/face.jpg")
        response = await client.get(face_url)
        assert response.status == HTTPStatus.OK
        assert response.content_type == "image/jpeg"
        assert response.headers["Cache-Control"] == "private, max-age=3600"
        assert await response.read() == sent.face_jpeg  # its own face, not the latest one
        assert (await anonymous.get(face_url)).status == HTTPStatus.UNAUTHORIZED
        if dialect == "v5":
            scene = await client.get(event.data["scene_url"])
            assert await scene.read() == sent.scene_jpeg
            assert (await anonymous.get(event.data["scene_url"])).status == 401
        else:  # V6 sends no scene photo: no URL for one
            assert "scene_url" not in event.data
            assert (await client.get(face_url.replace("face", "scene"))).status == 404
        # Small, and no image in it.
        assert len(json.dumps(event.data, ensure_ascii=False).encode()) < 2048


async def test_event_stays_small_with_long_names(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    long_name = "欧阳" * 60  # 120 Chinese characters, 360 bytes in UTF-8
    person = sim.add_person(long_name, "vip")
    entry = entry_for(sim, registered_image=True)
    await setup_entry(hass, entry, sim)
    events = async_capture_events(hass, EVENT_SE5)
    await sim.fire(sim.devices[0].id, identity_id=person.identity_id)
    await wait_for(lambda: events, what="se5_event")
    data = events[0].data
    assert long_name.startswith(data["identity_name"].rstrip("…"))  # capped by the integration
    assert {"face_url", "scene_url"} <= set(data)
    assert len(json.dumps(data, ensure_ascii=False).encode()) < 2048


async def test_forgotten_after_roll_over(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    hass_client: ClientSessionGenerator,
) -> None:
    entry = entry_for(sim, recent_count=2)
    await setup_entry(hass, entry, sim)
    events = async_capture_events(hass, EVENT_SE5)
    sent = [await sim.fire(sim.devices[n % 3].id) for n in range(3)]
    await wait_for(lambda: len(events) == 3, what="three se5_events")
    client = await hass_client()
    oldest = await client.get(events[0].data["face_url"])
    assert oldest.status == HTTPStatus.NOT_FOUND
    assert (await client.get(events[0].data["scene_url"])).status == HTTPStatus.NOT_FOUND
    for event, recognition in zip(events[1:], sent[1:], strict=True):
        response = await client.get(event.data["face_url"])
        assert await response.read() == recognition.face_jpeg
    # Unknown kinds, recognitions, boxes, and a box that is unloaded: 404 too.
    base = events[2].data["face_url"].rsplit("/", 1)[0]
    assert (await client.get(f"{base}/other.jpg")).status == 404
    assert (await client.get(f"{base}/registered.jpg")).status == 404  # not asked for
    assert (await client.get(base.replace(entry.entry_id, "nope") + "/face.jpg")).status == 404
    assert (await client.get(f"/api/se5/{entry.entry_id}/unknown/face.jpg")).status == 404
    await hass.config_entries.async_unload(entry.entry_id)
    assert (await client.get(events[2].data["face_url"])).status == 404


async def test_registered_photo_served(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    hass_client: ClientSessionGenerator,
) -> None:
    entry = entry_for(sim, registered_image=True)
    await setup_entry(hass, entry, sim)
    vip = next(p for p in sim.people if p.person_type == "vip")
    events = async_capture_events(hass, EVENT_SE5)
    sent = await sim.fire(sim.devices[1].id, identity_id=vip.identity_id)
    await wait_for(lambda: events, what="se5_event")
    assert sent.registered_jpeg
    url = events[0].data["face_url"].replace("face.jpg", "registered.jpg")
    response = await (await hass_client()).get(url)
    assert await response.read() == sent.registered_jpeg


async def test_nothing_kept_when_turned_off(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
) -> None:
    entry = entry_for(sim, recent_count=0)
    await setup_entry(hass, entry, sim)
    events = async_capture_events(hass, EVENT_SE5)
    await sim.fire(sim.devices[0].id)
    await wait_for(lambda: events, what="se5_event")
    assert "face_url" not in events[0].data
    assert "scene_url" not in events[0].data
    assert len(entry.runtime_data.recent.store) == 0


@pytest.mark.parametrize("dialect", ["v5", "v6"], indirect=True)
async def test_recovered_recognition_image_comes_from_the_box(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    dialect: str,
    hass_client: ClientSessionGenerator,
) -> None:
    entry = entry_for(sim)
    await setup_entry(hass, entry, sim)
    live = async_capture_events(hass, EVENT_SE5)
    recovered = async_capture_events(hass, EVENT_SE5_RECOVERED)
    await sim.fire(sim.devices[0].id)
    await wait_for(lambda: live, what="a live recognition")
    await sim.go_down()
    await wait_for(lambda: not entry.runtime_data.push.connected, what="down")
    missed = await sim.fire(sim.devices[0].id, person_type="blacklist")
    await sim.come_back()
    await wait_for(lambda: recovered, what="the recovered recognition")
    url = recovered[0].data["face_url"]
    client = await hass_client()
    response = await client.get(url)
    assert response.status == HTTPStatus.OK
    assert await response.read() == missed.face_jpeg
    record = entry.runtime_data.recent.store.get(url.split("/")[-2])
    assert record is not None
    assert record.face == missed.face_jpeg  # fetched once, kept since
    assert not record.live
    if dialect == "v5":
        assert await (await client.get(recovered[0].data["scene_url"])).read() == missed.scene_jpeg
    # The box cannot be asked while it is away: 502, and it is asked again later.
    record.face, record.face_image_id = None, "1234"
    await sim.go_down()
    assert (await client.get(url)).status == HTTPStatus.BAD_GATEWAY

"""The box's settings and video in Home Assistant: the recognition switch (V5 video devices),
the live camera of RTSP devices (stream source only, the URL nowhere else), and V6 device changes
followed within seconds."""

from __future__ import annotations

import json
import logging
from typing import Any

from homeassistant.components import camera
from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF, STATE_ON, EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

from custom_components.se5.client import (
    Device,
    Health,
    Se5ConnectionError,
    Se5DuplicateError,
    Se5Error,
    Se5LowQualityError,
    Se5NoFaceError,
    Se5NotABoxError,
    Se5NotRegisteredError,
    Se5RefusedError,
    Se5UnconfirmedError,
)
from custom_components.se5.const import CONF_DEVICES, DOMAIN
from custom_components.se5.diagnostics import _device, _health
from custom_components.se5.write_errors import write_error
from se5sim import Simulator
from tests.components.conftest import entity_id, entry_for, ha_device, setup_entry, uid
from tests.helpers import wait_for


async def test_recognition_switch_of_v5_video_devices(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    registry = er.async_get(hass)
    video = [d for d in sim.devices if d.kind == "rtsp"]
    others = [d for d in sim.devices if d.kind != "rtsp"]
    assert video
    assert others
    for device in others:
        assert (
            registry.async_get_entity_id("switch", DOMAIN, uid(entry, device.id, "recognition"))
            is None
        )
    lobby = video[1]
    switch = entity_id(hass, "switch", uid(entry, lobby.id, "recognition"))
    assert registry.async_get(switch).entity_category is EntityCategory.CONFIG  # type: ignore[union-attr]
    assert hass.states.get(switch).state == STATE_ON  # type: ignore[union-attr]

    await hass.services.async_call("switch", "turn_off", {ATTR_ENTITY_ID: switch}, blocking=True)
    assert hass.states.get(switch).state == STATE_OFF  # type: ignore[union-attr]
    assert not lobby.recognising
    # Sent back whole: only the flags changed on the box.
    assert lobby.v5_entry()["device_attr"]["actions"] == {
        "do_detect": False,
        "do_match": False,
        "do_feature": False,
    }
    with pytest.raises(ValueError, match="switched off"):
        await sim.fire(lobby.id)
    await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: switch}, blocking=True)
    assert hass.states.get(switch).state == STATE_ON  # type: ignore[union-attr]
    await sim.fire(lobby.id)
    # The box lists it as no video stream any more: nothing to switch.
    lobby.kind = "photo"
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            "switch", "turn_off", {ATTR_ENTITY_ID: switch}, blocking=True
        )
    assert raised.value.translation_key == "not_a_video_device"
    assert raised.value.translation_placeholders == {"device": lobby.name}
    lobby.kind = "rtsp"
    await entry.runtime_data.devices.async_refresh()
    await hass.async_block_till_done()

    # Switched on the box's own page: the next read of the list shows it.
    lobby.actions = {"do_detect": False}
    await entry.runtime_data.devices.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get(switch).state == STATE_OFF  # type: ignore[union-attr]

    # The box refusing (it no longer lists the device) is a translated error.
    sim.remove_device(lobby.id)
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: switch}, blocking=True)
    assert raised.value.translation_key == "box_refused"
    assert "does not list" in raised.value.translation_placeholders["error"]
    # The box answering a server error.
    sim._state.devices[lobby.id] = lobby  # listed again
    await entry.runtime_data.devices.async_refresh()
    await hass.async_block_till_done()
    sim.fail_rest("http500", count=1)
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: switch}, blocking=True)
    assert raised.value.translation_key == "box_refused"
    assert "HTTP 500" in raised.value.translation_placeholders["error"]


@pytest.mark.parametrize("dialect", ["v6"], indirect=True)
async def test_no_recognition_switch_on_v6(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    assert not [
        e
        for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if e.domain == "switch"
    ]


@pytest.mark.parametrize("dialect", ["v5", "v6"], indirect=True)
async def test_live_camera_plays_the_rtsp_url_and_shows_it_nowhere_else(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    caplog: pytest.LogCaptureFixture,
    hass_client: Any,
    dialect: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    gate = sim.devices[0]
    secret_url = "rtsp://admin:s3cret-pw@127.0.0.2:554/Streaming/Channels/101?token=t0ken-x"
    gate.url = secret_url
    entry = entry_for(sim)
    await setup_entry(hass, entry, sim)
    registry = er.async_get(hass)
    live = entity_id(hass, "camera", uid(entry, gate.id, "live"))
    assert registry.async_get(live).translation_key == "live"  # type: ignore[union-attr]
    for device in sim.devices:
        has_live = registry.async_get_entity_id("camera", DOMAIN, uid(entry, device.id, "live"))
        assert (has_live is not None) == device.url.startswith("rtsp://")
    state = hass.states.get(live)
    assert state is not None
    assert state.attributes["supported_features"] & camera.CameraEntityFeature.STREAM
    assert await camera.async_get_stream_source(hass, live) == secret_url
    # Its credentials nowhere: state, attributes, diagnostics (the URL redacted there), log.
    everywhere = json.dumps(
        [s.as_dict() for s in hass.states.async_all()], default=str
    ) + json.dumps(await get_diagnostics_for_config_entry(hass, hass_client, entry), default=str)  # type: ignore[arg-type]
    everywhere += caplog.text
    for secret in ("s3cret-pw", "t0ken-x"):
        assert secret not in everywhere, secret
    # No stream was opened: no still either (it would have to be cut from the stream).
    with pytest.raises(HomeAssistantError):
        await camera.async_get_image(hass, live)
    assert "stream" not in hass.config.components
    entity = hass.data[camera.DATA_COMPONENT].get_entity(live)
    assert entity is not None
    assert entity.stream is None
    # The "Last face" camera beside it shows faces.
    sent = await sim.fire(gate.id)
    face = entity_id(hass, "camera", uid(entry, gate.id, "last_face"))
    await wait_for(lambda: entry.runtime_data.push.last.get(gate.id), what="the recognition")
    assert (await camera.async_get_image(hass, face)).content == sent.face_jpeg
    # The box lists another address: the stream source follows it.
    gate.url = "rtsp://127.0.0.3:554/ch2"
    await entry.runtime_data.devices.async_refresh()
    assert await camera.async_get_stream_source(hass, live) == "rtsp://127.0.0.3:554/ch2"
    gate.url = "127.0.0.3"
    await entry.runtime_data.devices.async_refresh()
    assert await camera.async_get_stream_source(hass, live) is None


@pytest.mark.parametrize("dialect", ["v6"], indirect=True)
async def test_a_device_added_on_a_v6_box_is_followed_within_seconds(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    """The device list is read every 5 minutes; the box's feed says at once."""
    data = entry.runtime_data
    assert data.feed is not None
    await wait_for(lambda: sim.feed_connections == 1, what="the feed connected")
    added = sim.add_device("Garage", "rtsp")
    await wait_for(lambda: added.id in entry.options[CONF_DEVICES], timeout=10, what="followed")
    await hass.async_block_till_done()
    device = ha_device(hass, entry, added.id)
    assert device is not None
    assert device.name == "Garage"
    record = await sim.wait_for_subscription(count=2)
    assert added.id in record.payload["media_device_ids"]
    assert data.feed.changes == 1
    # Renamed on the box: the name follows, as fast.
    sim.rename_device(added.id, "Carport")
    await wait_for(
        lambda: (d := ha_device(hass, entry, added.id)) is not None and d.name == "Carport",
        timeout=20,
        what="renamed",
    )


async def test_v5_has_no_feed(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    assert entry.runtime_data.feed is None


@pytest.mark.parametrize(
    ("error", "key"),
    [
        (Se5NoFaceError("NO_FACE_ERROR", ""), "photo_no_face"),
        (Se5LowQualityError("LOW_QUALITY_ERROR", "clarity", ("clarity",)), "photo_low_quality"),
        (Se5DuplicateError("ID_REPEAT_ERROR", "100"), "person_duplicate"),
        (Se5NotRegisteredError("ID_NOT_FOUND", "100"), "person_not_registered"),
        (Se5RefusedError(40000, "bad"), "box_refused"),
        (Se5UnconfirmedError("sent, but no answer"), "write_unconfirmed"),
        (Se5ConnectionError("refused"), "write_cannot_connect"),
        (Se5NotABoxError("odd answer"), "write_unexpected"),
    ],
)
def test_write_errors(error: Se5Error, key: str) -> None:
    translated = write_error(error, "Box")
    assert translated.translation_key == key
    assert translated.translation_placeholders is not None
    assert translated.translation_placeholders["box"] == "Box"


async def test_diagnostics_of_what_the_box_leaves_out(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, hass_client: Any
) -> None:
    """No people option, a device without an address, health without an uptime: told as is."""
    entry = entry_for(sim)
    options = dict(entry.options)
    del options["people"]
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=entry.title,
        unique_id=entry.unique_id,
        version=entry.version,
        data=entry.data,
        options=options,
    )
    await setup_entry(hass, entry, sim)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert "people" not in diagnostics["entry"]["options"]
    assert diagnostics["device_feed"] is None
    assert diagnostics["visitors_scheduled"] == 0
    assert _device(Device(id="x", name="x"))["url"] is None
    assert _health(Health())["uptime"] is None

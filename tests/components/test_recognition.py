"""A recognition on the box reaches Home Assistant: bus event, event entity, sensors, cameras."""

from __future__ import annotations

from datetime import UTC, datetime
import json

from homeassistant.components.camera import async_get_image
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    mock_restore_cache_with_extra_data,
)

from custom_components.se5.client import PersonType, Recognition
from custom_components.se5.const import DOMAIN, EVENT_SE5
from se5sim import Simulator
from tests.components.conftest import entity_id, entry_for, ha_device, setup_entry, uid
from tests.helpers import wait_for


@pytest.mark.parametrize("dialect", ["v5", "v6"], indirect=True)
async def test_one_recognition_everywhere(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, dialect: str
) -> None:
    entry = entry_for(sim)
    await setup_entry(hass, entry, sim)
    events = async_capture_events(hass, EVENT_SE5)
    device = sim.devices[0]
    vip = next(p for p in sim.people if p.person_type == "vip")

    sent = await sim.fire(device.id, identity_id=vip.identity_id)
    await wait_for(lambda: events, what="se5_event")
    await hass.async_block_till_done()

    assert len(events) == 1
    data = events[0].data
    camera_device = ha_device(hass, entry, device.id)
    assert camera_device is not None
    expected_score = sent.score / 100 if sent.score > 1 else sent.score
    assert data["device_id"] == camera_device.id
    assert data["device_name"] == device.name
    assert data["identity_id"] == vip.identity_id
    assert data["identity_name"] == vip.name
    assert data["person_type"] == "vip"
    assert data["score"] == pytest.approx(expected_score, abs=1e-4)
    # What the event carries, and nothing more (each field is documented in the README).
    assert set(data) <= {
        "device_id",
        "device_name",
        "identity_id",
        "identity_name",
        "person_type",
        "score",
        "timestamp",
        "event_id",
        "identity_info",
        "recognition_id",
        "face_url",
        "scene_url",
        "mask",
    }
    # The mask, when the box tells it (V6 live frames); no other face attribute.
    assert data.get("mask") is (False if dialect == "v6" else None)
    assert datetime.fromisoformat(data["timestamp"]).timestamp() == pytest.approx(
        sent.timestamp_ms / 1000
    )
    assert data["event_id"] == sent.event_id
    # The id of the recognition as the store keeps it (what se5.register_person takes).
    assert entry.runtime_data.recent.store.get(data["recognition_id"]) is not None
    assert f"/{data['recognition_id']}/face.jpg" in data["face_url"]
    if dialect == "v5":
        assert data["identity_info"]["user_id"] == sent.identity_info["user_id"]
    # Small and without images.
    encoded = json.dumps(data, ensure_ascii=False)
    assert len(encoded.encode()) < 2048
    _assert_no_image(data)

    prefix = device.id
    event_state = hass.states.get(entity_id(hass, "event", uid(entry, prefix, "recognition")))
    assert event_state is not None
    assert event_state.attributes["event_type"] == "vip"
    assert event_state.attributes["identity_name"] == vip.name
    assert event_state.attributes["identity_id"] == vip.identity_id
    assert event_state.attributes["score"] == pytest.approx(expected_score, abs=1e-4)
    assert event_state.attributes["event_types"] == [
        "employee",
        "visitor",
        "blacklist",
        "stranger",
        "vip",
    ]

    def state(key: str) -> str:
        found = hass.states.get(entity_id(hass, "sensor", uid(entry, prefix, key)))
        assert found is not None
        return found.state

    assert state("last_person") == vip.name
    assert state("last_person_type") == "vip"
    assert float(state("last_score")) == pytest.approx(expected_score * 100, abs=0.01)
    assert datetime.fromisoformat(state("last_recognition")).timestamp() == pytest.approx(
        sent.timestamp_ms / 1000
    )
    counter = hass.states.get(entity_id(hass, "sensor", uid(entry, "recognitions")))
    assert counter is not None
    assert counter.state == "1"

    face = await async_get_image(hass, entity_id(hass, "camera", uid(entry, prefix, "last_face")))
    assert face.content == sent.face_jpeg
    assert face.content_type == "image/jpeg"

    for state_ in hass.states.async_all():
        _assert_no_image(dict(state_.attributes))


def _assert_no_image(value: object) -> None:
    """No bytes anywhere, and no base64 JPEG (which starts /9j/) or data URL in any string."""
    if isinstance(value, dict):
        for item in value.values():
            _assert_no_image(item)
    elif isinstance(value, list | tuple | set):
        for item in value:
            _assert_no_image(item)
    else:
        assert not isinstance(value, bytes | bytearray | memoryview)
        if isinstance(value, str):
            assert "/9j/" not in value
            assert "base64," not in value


async def test_stranger_and_other_devices(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    events = async_capture_events(hass, EVENT_SE5)
    first, second = sim.devices[0], sim.devices[1]
    await sim.fire(first.id, person_type="stranger")
    await wait_for(lambda: len(events) == 1, what="first event")
    await hass.async_block_till_done()

    person = hass.states.get(entity_id(hass, "sensor", uid(entry, first.id, "last_person")))
    assert person is not None
    assert person.state == "stranger"
    other = hass.states.get(entity_id(hass, "sensor", uid(entry, second.id, "last_person")))
    assert other is not None
    assert other.state == STATE_UNKNOWN
    assert events[0].data["person_type"] == "stranger"


async def test_face_falls_back_to_scene_and_scene_camera(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    entry = entry_for(sim, face_image=False, scene_image=True)
    device = sim.devices[2]
    registry = er.async_get(hass)
    # "Last scene" is disabled by default; enable it as a user would.
    scene_camera = registry.async_get_or_create(
        "camera", DOMAIN, uid(entry, device.id, "last_scene"), disabled_by=None
    ).entity_id
    await setup_entry(hass, entry, sim)
    sent = await sim.fire(device.id)
    await wait_for(lambda: device.id in entry.runtime_data.push.last, what="recognition")
    face = await async_get_image(
        hass, entity_id(hass, "camera", uid(entry, device.id, "last_face"))
    )
    assert face.content == sent.scene_jpeg
    scene = await async_get_image(hass, scene_camera)
    assert scene.content == sent.scene_jpeg
    assert len(scene.content) > 100_000


async def test_scene_camera_disabled_without_scene_photos(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    # With scene photos picked it is enabled: tests/components/test_image_options.py.
    entry = entry_for(sim, scene_image=False)
    await setup_entry(hass, entry, sim)
    scene_camera = entity_id(hass, "camera", uid(entry, sim.devices[0].id, "last_scene"))
    registry_entry = er.async_get(hass).async_get(scene_camera)
    assert registry_entry is not None
    assert registry_entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert hass.states.get(scene_camera) is None


async def test_no_image_before_first_recognition(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    from homeassistant.exceptions import HomeAssistantError

    with pytest.raises(HomeAssistantError, match="Unable to get image"):
        await async_get_image(
            hass, entity_id(hass, "camera", uid(entry, sim.devices[0].id, "last_face"))
        )


async def test_unfollowed_device_is_ignored(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    entry = entry_for(sim, devices=[sim.devices[0].id])
    await setup_entry(hass, entry, sim)
    events = async_capture_events(hass, EVENT_SE5)
    hub = entry.runtime_data.push
    assert [d.id for d in entry.runtime_data.devices.followed] == [sim.devices[0].id]
    assert ha_device(hass, entry, sim.devices[1].id) is None
    # The box does not send it (the subscription filters), but if it did:
    stray = Recognition(
        device_id=sim.devices[1].id,
        identity_id="1",
        identity_name="x",
        person_type=PersonType.VISITOR,
        score=0.9,
        raw_score=0.9,
        timestamp=datetime.now(UTC),
        timestamp_ms=0,
    )
    hub.async_handle(stray)
    await hass.async_block_till_done()
    assert events == []
    assert hub.recognitions == 1
    assert sim.devices[1].id not in hub.last


async def test_last_values_restored_after_restart(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    entry = entry_for(sim)
    device = sim.devices[0]
    registry = er.async_get(hass)
    person = registry.async_get_or_create(
        "sensor",
        DOMAIN,
        uid(entry, device.id, "last_person"),
        suggested_object_id="gate_last_person",
    ).entity_id
    seen = registry.async_get_or_create(
        "sensor", DOMAIN, uid(entry, device.id, "last_recognition"), suggested_object_id="gate_seen"
    ).entity_id
    when = datetime(2026, 11, 1, 8, 30, tzinfo=UTC)
    mock_restore_cache_with_extra_data(
        hass,
        (
            (
                State(person, "小明"),
                {"native_value": "小明", "native_unit_of_measurement": None},
            ),
            (
                State(seen, when.isoformat()),
                {
                    "native_value": {
                        "__type": "<class 'datetime.datetime'>",
                        "isoformat": when.isoformat(),
                    },
                    "native_unit_of_measurement": None,
                },
            ),
        ),
    )
    await setup_entry(hass, entry, sim)
    person_state = hass.states.get(person)
    seen_state = hass.states.get(seen)
    assert person_state is not None
    assert person_state.state == "小明"
    assert seen_state is not None
    assert seen_state.state == when.isoformat()
    # A new recognition replaces the restored values.
    sent = await sim.fire(device.id, person_type="stranger")
    await wait_for(lambda: device.id in entry.runtime_data.push.last, what="recognition")
    await hass.async_block_till_done()
    person_state = hass.states.get(person)
    assert person_state is not None
    assert person_state.state == "stranger"
    assert sent.person_type == "stranger"

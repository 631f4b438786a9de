"""Names, identities and images stay out of logs above debug and out of the event bus."""

from __future__ import annotations

from datetime import UTC, datetime
import json
import logging

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.se5.client import PersonType, Recognition
from custom_components.se5.const import EVENT_SE5
from custom_components.se5.event_data import recognition_data, small_scalars
from se5sim import Simulator
from tests.helpers import wait_for


@pytest.mark.parametrize("dialect", ["v5", "v6"], indirect=True)
async def test_logs_above_debug_hold_no_name_identity_or_image(
    socket_enabled: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
    caplog: pytest.LogCaptureFixture,
    dialect: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    hub = entry.runtime_data.push
    vip = next(p for p in sim.people if p.person_type == "vip")
    await sim.fire(sim.devices[0].id, identity_id=vip.identity_id)
    await sim.send_bad_frame("truncated")  # a frame with a name in it, cut short
    await sim.send_bad_frame("wrong_types")
    await sim.drop_connections()  # down and back: logged at info
    await sim.wait_for_subscription(count=2)
    await wait_for(lambda: hub.connected, what="back")
    await sim.fire(sim.devices[1].id, identity_id=vip.identity_id)
    await wait_for(lambda: hub.recognitions == 2, what="second recognition")
    await hass.async_block_till_done()

    loud = [r for r in caplog.records if r.levelno > logging.DEBUG]
    assert any("is down" in r.getMessage() for r in loud)
    assert any("skipped a bad frame" in r.getMessage() for r in loud)
    for record in loud:
        text = record.getMessage() + (record.exc_text or "")
        assert vip.name not in text
        assert vip.identity_id not in text
        assert "/9j/" not in text


async def test_event_data_stays_small_with_long_fields(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    events = async_capture_events(hass, EVENT_SE5)
    info = {
        "user_id": "u-1",
        "name": "x" * 5000,
        "image_id": "i" * 36,
        "face_ids": ["f"] * 500,
        "permission_ids": ["p"] * 500,
        "ext_info": {
            "building_no": "B2",
            "room": "302",
            "floor": 3,
            "address": "12 Long Street, Springfield",
            "notes": "n" * 3000,
        },
        "blob": "z" * 100_000,
    }
    recognition = Recognition(
        device_id=sim.devices[0].id,
        identity_id="9" * 40,
        identity_name="名" * 60,
        person_type=PersonType.VISITOR,
        score=0.91,
        raw_score=91.0,
        timestamp=datetime.now(UTC),
        timestamp_ms=0,
        group="g" * 60,
        identity_info=info,
        event_id="e" * 36,
    )
    entry.runtime_data.push.async_handle(recognition)
    await hass.async_block_till_done()
    assert len(events) == 1
    data = events[0].data
    assert len(json.dumps(data, ensure_ascii=False).encode()) < 2048
    kept = {"user_id": "u-1", "building_no": "B2", "floor": 3, "room": "302"}
    assert data["identity_info"] == kept


def test_small_scalars_budget_and_shapes() -> None:
    assert small_scalars(None) == {}
    assert small_scalars([1, 2]) == {}
    assert small_scalars({"user_id": "u", "ext_info": "not a dict"}) == {"user_id": "u"}
    assert small_scalars({"user_id": ["a"], "ext_info": {"room": None, "floor": True}}) == {
        "floor": True
    }
    assert small_scalars({"user_id": "u" * 60, "ext_info": {"room": "r" * 60}}, budget=80) == {
        "user_id": "u" * 60
    }
    # A field longer than a line of text is dropped whole, never cut.
    assert small_scalars({"user_id": "u" * 65, "ext_info": {"room": "302"}}) == {"room": "302"}


def test_recognition_data_without_optional_fields() -> None:
    """No event id, no mask, no score from the box: the keys are absent or None, never made up."""
    recognition = Recognition(
        device_id="cam-1",
        identity_id="p-1",
        identity_name="Alice",
        person_type=PersonType.EMPLOYEE,
        score=None,
        raw_score=None,
        timestamp=datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
        timestamp_ms=0,
    )
    data = recognition_data(recognition, "ha-dev", None, {"recognition_id": "r1"})
    assert data == {
        "device_id": "ha-dev",
        "device_name": None,
        "identity_id": "p-1",
        "identity_name": "Alice",
        "person_type": "employee",
        "score": None,
        "timestamp": "2026-01-02T03:04:05.678+00:00",
        "recognition_id": "r1",
    }

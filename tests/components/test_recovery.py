"""Recognitions missed while disconnected come back from the box's history, as recovered."""

from __future__ import annotations

import asyncio
from datetime import datetime
import time
from types import SimpleNamespace
from typing import Any

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.se5 import recovery as recovery_module
from custom_components.se5.client import MAX_AHEAD_MS
from custom_components.se5.const import EVENT_SE5, EVENT_SE5_RECOVERED
from custom_components.se5.recovery import storage_key
from se5sim import Simulator
from tests.components.conftest import entity_id, entry_for, ha_device, setup_entry, uid
from tests.components.test_automation import logbook_describers
from tests.components.test_store import recognition
from tests.helpers import wait_for


@pytest.mark.parametrize("dialect", ["v5", "v6"], indirect=True)
async def test_reboot_with_three_missed_recognitions(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, dialect: str
) -> None:
    vip = next(p for p in sim.people if p.person_type == "vip")
    entry = entry_for(sim, people=[vip.identity_id])
    await setup_entry(hass, entry, sim)
    gate = sim.devices[0]
    live = async_capture_events(hass, EVENT_SE5)
    recovered = async_capture_events(hass, EVENT_SE5_RECOVERED)
    first = await sim.fire(gate.id, person_type="employee")
    await wait_for(lambda: live, what="live recognition")
    event_entity = entity_id(hass, "event", uid(entry, gate.id, "recognition"))
    await hass.async_block_till_done()
    event_state_before = hass.states.get(event_entity)
    assert event_state_before is not None

    await sim.go_down()
    await wait_for(lambda: not entry.runtime_data.push.connected, what="down")
    missed = [
        await sim.fire(gate.id, person_type="stranger"),
        await sim.fire(sim.devices[1].id, person_type="visitor"),
        await sim.fire(gate.id, identity_id=vip.identity_id),
    ]
    assert all(sent.delivered == 0 for sent in missed)
    await sim.come_back()
    await wait_for(lambda: len(recovered) == 3, what="three recovered recognitions")
    await hass.async_block_till_done()

    assert len(live) == 1  # zero se5_events for the missed ones
    assert [e.data["event_id"] for e in live] == [first.event_id]
    assert sorted(e.data["event_id"] for e in recovered) == sorted(s.event_id for s in missed)
    # The event entity did not fire for them.
    event_state = hass.states.get(event_entity)
    assert event_state is not None
    assert event_state.state == event_state_before.state
    assert event_state.attributes["event_type"] == "employee"
    # The last-seen sensors moved to the newest recovered ones.
    last = hass.states.get(entity_id(hass, "sensor", uid(entry, gate.id, "last_recognition")))
    assert last is not None
    assert datetime.fromisoformat(last.state).timestamp() == pytest.approx(
        missed[2].timestamp_ms / 1000,
        abs=1,  # timestamp states are in whole seconds
    )
    who = hass.states.get(entity_id(hass, "sensor", uid(entry, gate.id, "last_person")))
    assert who is not None
    assert who.state == vip.name
    seen = hass.states.get(
        entity_id(hass, "sensor", uid(entry, "person", vip.identity_id, "sightings"))
    )
    assert seen is not None
    assert seen.attributes["last_seen"].timestamp() == pytest.approx(missed[2].timestamp_ms / 1000)
    # Three logbook rows, marked as recovered.
    describe = logbook_describers(hass)[EVENT_SE5_RECOVERED]
    rows = [describe(SimpleNamespace(data=e.data)) for e in recovered]
    assert len(rows) == 3
    assert all("recovered" in row["message"] for row in rows)
    lobby = ha_device(hass, entry, sim.devices[1].id)
    assert lobby is not None
    assert {row["name"] for row in rows} == {gate.name, sim.devices[1].name}

    # A reconnection with nothing missed recovers nothing more.
    await sim.drop_connections()
    await sim.wait_for_subscription(count=3)
    await wait_for(lambda: entry.runtime_data.push.connected, what="back")
    await hass.async_block_till_done()
    assert entry.runtime_data.recovery.recovered == 3
    assert len(recovered) == 3
    await hass.config_entries.async_unload(entry.entry_id)


async def test_missed_while_home_assistant_was_stopped(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    live = async_capture_events(hass, EVENT_SE5)
    recovered = async_capture_events(hass, EVENT_SE5_RECOVERED)
    await sim.fire(sim.devices[0].id)
    await wait_for(lambda: live, what="live recognition")
    assert await hass.config_entries.async_unload(entry.entry_id)
    missed = [await sim.fire(sim.devices[2].id), await sim.fire(sim.devices[2].id)]
    assert await hass.config_entries.async_setup(entry.entry_id)
    await wait_for(lambda: len(recovered) == 2, what="two recovered")
    assert [e.data["event_id"] for e in recovered] == [s.event_id for s in missed]
    assert len(live) == 1
    await hass.config_entries.async_unload(entry.entry_id)


async def test_first_start_recovers_nothing(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    """History from before the integration was set up is not replayed."""
    await sim.fire(sim.devices[0].id)
    recovered = async_capture_events(hass, EVENT_SE5_RECOVERED)
    entry = entry_for(sim)
    await setup_entry(hass, entry, sim)
    await hass.async_block_till_done()
    assert recovered == []
    assert entry.runtime_data.recovery.last_timestamp_ms is None
    await hass.config_entries.async_unload(entry.entry_id)


async def test_history_failure_is_logged_and_the_stream_goes_on(
    socket_enabled: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    live = async_capture_events(hass, EVENT_SE5)
    await sim.fire(sim.devices[0].id)
    await wait_for(lambda: live, what="live")
    await sim.go_down()
    await wait_for(lambda: not entry.runtime_data.push.connected, what="down")
    await sim.fire(sim.devices[0].id)
    sim.fail_rest("http500", count=50)
    await sim.come_back()
    await wait_for(lambda: "not recovered" in caplog.text, what="a warning")
    sim.clear_rest_failure()
    await sim.fire(sim.devices[0].id)
    await wait_for(lambda: len(live) == 2, what="the stream goes on")
    await hass.async_block_till_done()


async def test_a_busy_gate_still_writes_its_latest_time(
    socket_enabled: None,
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Recognitions closer together than the save delay do not put the write off forever:
    after a crash, recovery starts from a time at most one delay old."""
    monkeypatch.setattr(recovery_module, "SAVE_DELAY", 0.2)
    recovery = entry.runtime_data.recovery
    key = storage_key(entry.entry_id)
    start = recovery.last_timestamp_ms or 0
    for number in range(1, 41):  # 2 s of recognitions, one every 50 ms
        recovery.async_note(recognition(timestamp_ms=start + number), live=True)
        await asyncio.sleep(0.05)
        if key in hass_storage:
            break
    assert key in hass_storage, "not written while recognitions kept coming"
    assert hass_storage[key]["data"]["last_timestamp_ms"] > start


async def test_a_time_in_the_future_does_not_stop_the_recovery(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, hass_storage: dict[str, Any]
) -> None:
    """A box clock in year 3000 once made the latest time kept: the history after it is empty,
    so nothing would ever be recovered again. It is brought back to now."""
    entry = entry_for(sim)
    entry.add_to_hass(hass)
    recovered = async_capture_events(hass, EVENT_SE5_RECOVERED)
    hass_storage[storage_key(entry.entry_id)] = {
        "version": 1,
        "key": storage_key(entry.entry_id),
        "data": {"last_timestamp_ms": 32_503_680_000_000},
    }
    # Missed while away, stamped a minute ahead (a box clock a little fast is believed).
    missed = await sim.fire(sim.devices[1].id, timestamp_ms=int(time.time() * 1000) + 60_000)
    await setup_entry(hass, entry, sim)
    recovery = entry.runtime_data.recovery
    await wait_for(lambda: recovered, what="the missed recognition recovered")
    assert [e.data["event_id"] for e in recovered] == [missed.event_id]
    # A live frame from a clock in year 3000 takes its arrival time: the time kept stays sane.
    await sim.fire(sim.devices[0].id, timestamp_ms=32_503_680_000_000)
    await wait_for(lambda: entry.runtime_data.push.recognitions == 1, what="live")
    assert recovery.last_timestamp_ms is not None
    assert recovery.last_timestamp_ms <= time.time() * 1000 + MAX_AHEAD_MS
    await hass.config_entries.async_unload(entry.entry_id)


async def test_the_last_face_of_a_recovered_recognition_is_fetched_from_the_box(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    """The camera shows the store's record of the latest recognition: a recovered one's face is
    read from the box's history when asked for; a box that cannot give it leaves no image."""
    from homeassistant.components import camera
    from homeassistant.exceptions import HomeAssistantError

    gate, lobby = sim.devices[0], sim.devices[1]
    recovered = async_capture_events(hass, EVENT_SE5_RECOVERED)
    await sim.fire(gate.id)
    await wait_for(lambda: entry.runtime_data.push.recognitions == 1, what="live")
    await sim.go_down()
    await wait_for(lambda: not entry.runtime_data.push.connected, what="down")
    missed = [await sim.fire(gate.id), await sim.fire(lobby.id)]
    await sim.come_back()
    await wait_for(lambda: len(recovered) == 2, what="recovered")
    gate_camera = entity_id(hass, "camera", uid(entry, gate.id, "last_face"))
    image = await camera.async_get_image(hass, gate_camera)
    assert image.content == missed[0].face_jpeg
    sim.fail_rest("http500", count=10)
    lobby_camera = entity_id(hass, "camera", uid(entry, lobby.id, "last_face"))
    with pytest.raises(HomeAssistantError):
        await camera.async_get_image(hass, lobby_camera)
    sim.clear_rest_failure()
    image = await camera.async_get_image(hass, lobby_camera)
    assert image.content == missed[1].face_jpeg


async def test_only_followed_devices_are_recovered_and_the_live_memory_is_bounded(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recovery_module, "_SEEN", 2)  # live recognitions remembered
    followed, other = sim.devices[0], sim.devices[1]
    entry = entry_for(sim, devices=[followed.id])
    await setup_entry(hass, entry, sim)
    recovery = entry.runtime_data.recovery
    for _ in range(3):
        await sim.fire(followed.id)
    await wait_for(lambda: entry.runtime_data.push.recognitions == 3, what="live")
    assert recovery.diagnostics()["remembered_live"] == 2
    recovered = async_capture_events(hass, EVENT_SE5_RECOVERED)
    await sim.go_down()
    await wait_for(lambda: not entry.runtime_data.push.connected, what="down")
    missed = await sim.fire(followed.id)
    await sim.fire(other.id)
    await sim.come_back()
    await wait_for(lambda: recovered, what="recovered")
    await hass.async_block_till_done()
    assert [e.data["event_id"] for e in recovered] == [missed.event_id]
    await hass.config_entries.async_unload(entry.entry_id)


def test_a_recognition_without_an_event_id_is_known_by_device_person_and_second() -> None:
    rec = recognition(event_id=None, timestamp_ms=1_700_000_000_123)
    assert recovery_module._key(rec) == ("cam", "7", "1700000000")


async def test_nothing_to_recover_before_the_first_recognition(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    entry = entry_for(sim)
    await setup_entry(hass, entry, sim)
    assert entry.runtime_data.recovery.last_timestamp_ms is None
    assert await entry.runtime_data.recovery.async_recover() == 0
    await hass.config_entries.async_unload(entry.entry_id)

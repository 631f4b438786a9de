"""Reboots and drops of the box: connectivity, availability, recovery."""

from __future__ import annotations

from homeassistant.const import EVENT_STATE_CHANGED, STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.se5.const import EVENT_SE5
from custom_components.se5.coordinator import push as coordinator_module
from se5sim import Simulator
from tests.components.conftest import entity_id, uid
from tests.helpers import wait_for


@pytest.mark.parametrize("dialect", ["v5", "v6"], indirect=True)
async def test_reboot_unavailable_then_back(
    socket_enabled: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
    dialect: str,
) -> None:
    device = sim.devices[0]
    connectivity = entity_id(hass, "binary_sensor", uid(entry, "event_stream"))
    per_device = [
        entity_id(hass, "sensor", uid(entry, device.id, "last_person")),
        entity_id(hass, "sensor", uid(entry, device.id, "last_recognition")),
        entity_id(hass, "camera", uid(entry, device.id, "last_face")),
        entity_id(hass, "event", uid(entry, device.id, "recognition")),
    ]

    def state(eid: str) -> str:
        found = hass.states.get(eid)
        assert found is not None
        return found.state

    assert state(connectivity) == STATE_ON
    assert all(state(eid) != STATE_UNAVAILABLE for eid in per_device)

    await sim.go_down()
    await wait_for(lambda: state(connectivity) == STATE_OFF, what="connectivity off")
    assert all(state(eid) == STATE_UNAVAILABLE for eid in per_device)
    counter = entity_id(hass, "sensor", uid(entry, "recognitions"))
    assert state(counter) == "0"  # the box's own diagnostics stay available

    await sim.come_back(init_seconds=0.3)
    await wait_for(lambda: state(connectivity) == STATE_ON, what="connectivity on")
    assert all(state(eid) != STATE_UNAVAILABLE for eid in per_device)
    await sim.wait_for_subscription(count=2)  # the box has processed the new subscription

    events = async_capture_events(hass, EVENT_SE5)
    sent = await sim.fire(device.id, person_type="blacklist")
    await wait_for(lambda: events, what="event after recovery")
    assert events[0].data["event_id"] == sent.event_id
    assert events[0].data["person_type"] == "blacklist"
    await hass.async_block_till_done()


async def test_drop_reconnects_without_reload(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    hub = entry.runtime_data.push
    await sim.drop_connections()
    await sim.wait_for_subscription(count=2)
    await wait_for(lambda: hub.connected, what="reconnected")
    assert entry.runtime_data.push is hub
    await hass.async_block_till_done()


async def test_a_failing_handler_does_not_end_the_stream(
    socket_enabled: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    hub = entry.runtime_data.push
    handle = hub.async_handle
    calls: list[str] = []

    def flaky(recognition: object) -> None:
        calls.append("x")
        if len(calls) == 1:
            raise RuntimeError("boom")
        handle(recognition)  # type: ignore[arg-type]

    monkeypatch.setattr(hub, "async_handle", flaky)
    await sim.fire(sim.devices[0].id)
    sent = await sim.fire(sim.devices[0].id)
    await wait_for(lambda: hub.recognitions == 1, what="second recognition handled")
    assert hub.last[sim.devices[0].id].event_id == sent.event_id
    assert "Error handling a recognition" in caplog.text
    assert hub.connected


async def test_device_list_read_writes_only_listing_changes(
    socket_enabled: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A read of the device list (one follows each reconnection) writes the entities of the
    devices whose listing changed, not those still waiting for the stream's state, which
    reaches them in batches (a thousand devices' entities must not all be written at once)."""
    monkeypatch.setattr(coordinator_module, "STATE_BATCH", 2)
    data = entry.runtime_data
    registered = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    by_device = {
        device.id: {
            reg.entity_id
            for reg in registered
            if reg.disabled_by is None and reg.unique_id.startswith(uid(entry, device.id, ""))
        }
        for device in sim.devices
    }
    device_entities = set().union(*by_device.values())
    written: list[str] = []
    during_read: list[tuple[int, int]] = []

    @callback
    def on_state(event: Event[EventStateChangedData]) -> None:
        written.append(event.data["entity_id"])

    def read_device_list() -> None:
        """Between two batches of the stream's state: the list is read and nothing changed."""
        waiting = sum(hass.states.is_state(eid, STATE_UNAVAILABLE) for eid in device_entities)
        before = len(written)
        data.devices.async_update_listeners()
        during_read.append((waiting, len(written) - before))

    @callback
    def connected(reconnected: bool) -> None:
        if reconnected:  # before the first batch: the read runs after it, before the next
            hass.loop.call_soon(read_device_list)

    entry.async_on_unload(data.push.async_add_reconnect_hook(connected))
    entry.async_on_unload(hass.bus.async_listen(EVENT_STATE_CHANGED, on_state))
    await sim.drop_connections()
    await wait_for(lambda: during_read, what="the read between two batches")
    await hass.async_block_till_done()

    waiting, writes = during_read[0]
    assert waiting > 0  # the read came while entities were still waiting for the stream's state
    assert writes == 0
    assert not any(hass.states.is_state(eid, STATE_UNAVAILABLE) for eid in device_entities)

    removed = sim.devices[0].id
    sim.remove_device(removed)  # now the listing of one device changes
    await data.devices.async_refresh()
    gone = {eid for eid in device_entities if hass.states.is_state(eid, STATE_UNAVAILABLE)}
    assert gone == by_device[removed]

"""Doors are locks: exactly the door asked, through real Home Assistant and the strict simulator.

Each followed device with a relay on a V5 box has a lock; `unlock`/`open` pulse its relay
(relay IP, TCP port, channel) for the relay's delay time, `lock` releases it. The strict
simulator refuses any other reading of the EventAction page (the channel as the port, channel 0),
so these tests fail on one.
"""

from __future__ import annotations

from datetime import timedelta

from homeassistant.components.lock import DATA_COMPONENT as LOCK_COMPONENT, LockEntityFeature
from homeassistant.const import ATTR_ASSUMED_STATE, ATTR_ENTITY_ID, ATTR_SUPPORTED_FEATURES
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.se5.const import DOMAIN
from custom_components.se5.door import door_refused_issue_id
from custom_components.se5.lock import Se5DoorLock
from se5sim import SimDevice, Simulator
from tests.components.conftest import entity_id, entry_for, setup_entry, uid


def lock_of(hass: HomeAssistant, entry: MockConfigEntry, device: SimDevice) -> str:
    return entity_id(hass, "lock", uid(entry, device.id, "door"))


def state_of(hass: HomeAssistant, entity: str) -> str:
    found = hass.states.get(entity)
    assert found is not None
    return found.state


async def call(hass: HomeAssistant, service: str, entity: str) -> None:
    await hass.services.async_call("lock", service, {ATTR_ENTITY_ID: entity}, blocking=True)


def lock_entity(hass: HomeAssistant, entity: str) -> Se5DoorLock:
    found = hass.data[LOCK_COMPONENT].get_entity(entity)
    assert isinstance(found, Se5DoorLock)
    return found


def pulse_of(sim: Simulator) -> tuple[str, int, int, str, int | None]:
    pulse = sim.relay_pulses[-1]
    return (pulse.ip, pulse.port, pulse.channel, pulse.mode, pulse.seconds)


def door(device: SimDevice, mode: str = "opendoor") -> tuple[str, int, int, str, int | None]:
    """The pulse a command to this device's door must give: its relay, port, channel."""
    relay = device.relay
    assert relay is not None
    seconds = relay["delay_time"] if mode == "opendoor" else None
    return (relay["ip"], relay["net_port"], relay["door_port"], mode, seconds)


async def test_a_lock_per_door_and_nothing_sent_at_set_up(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    assert sim.relay_actions == []  # no probe: doors are offered from the firmware's docs
    registry = er.async_get(hass)
    for device in sim.devices:
        unique_id = uid(entry, device.id, "door")
        found = registry.async_get_entity_id("lock", DOMAIN, unique_id)
        assert (found is not None) is bool(device.relay), device.name
        if found:
            state = hass.states.get(found)
            assert state is not None
            assert state.state == "locked"
            assert state.attributes[ATTR_ASSUMED_STATE] is True  # the box has no read-back
            assert state.attributes[ATTR_SUPPORTED_FEATURES] == LockEntityFeature.OPEN
        button = registry.async_get_entity_id("button", DOMAIN, uid(entry, device.id, "open_door"))
        assert button is None  # the Open door button is no longer created


@pytest.mark.parametrize(("service", "shown"), [("unlock", "unlocked"), ("open", "open")])
async def test_unlock_and_open_pulse_exactly_that_door_for_its_time(
    socket_enabled: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
    service: str,
    shown: str,
) -> None:
    gates = [d for d in sim.devices if d.relay]
    assert len(gates) >= 2  # doors of one relay, each on its own channel
    for gate in gates:
        lock = lock_of(hass, entry, gate)
        await call(hass, service, lock)
        assert pulse_of(sim) == door(gate)
        assert state_of(hass, lock) == shown
    assert len(sim.relay_pulses) == len(gates)
    assert gates[0].relay is not None
    seconds = max(g.relay["delay_time"] for g in gates if g.relay)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds + 1))
    await hass.async_block_till_done()
    assert all(state_of(hass, lock_of(hass, entry, g)) == "locked" for g in gates)


async def test_lock_releases_the_relay_at_once(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    gate = next(d for d in sim.devices if d.relay)
    lock = lock_of(hass, entry, gate)
    await call(hass, "unlock", lock)
    assert state_of(hass, lock) == "unlocked"
    await call(hass, "lock", lock)
    assert pulse_of(sim) == door(gate, "closedoor")
    assert state_of(hass, lock) == "locked"
    assert lock_entity(hass, lock)._relock is None  # the timer that would lock again is gone


async def test_an_unload_leaves_no_timer_behind(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    gate = next(d for d in sim.devices if d.relay)
    lock = lock_of(hass, entry, gate)
    await call(hass, "unlock", lock)
    entity = lock_entity(hass, lock)
    assert entity._relock is not None  # locks again after the relay's time
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entity._relock is None


async def test_refusals_are_translated_and_repaired(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    """The box's answer is quoted; three in a row raise a repair issue; a success clears it."""
    gate = next(d for d in sim.devices if d.relay)
    lock = lock_of(hass, entry, gate)
    issue_id = door_refused_issue_id(entry.entry_id)
    sim.fail_relay("error")
    for attempt in range(1, 4):
        with pytest.raises(HomeAssistantError) as refused:
            await call(hass, "unlock", lock)
        assert refused.value.translation_key == "door_refused"
        placeholders = refused.value.translation_placeholders or {}
        assert placeholders["device"] == gate.name
        assert "50000" in placeholders["error"]
        assert "the relay did not answer" in placeholders["error"]
        assert state_of(hass, lock) == "locked"  # as it was
        issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
        assert (issue is not None) is (attempt == 3)
    assert issue is not None
    assert issue.translation_key == "door_refused"
    assert not issue.is_fixable
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["count"] == "3"
    assert "the relay did not answer" in issue.translation_placeholders["error"]
    # The box's words and name stay text in the repair's Markdown.
    assert issue.translation_placeholders["box_name"] == "SE5 127\\.0\\.0\\.1"
    assert "\\:" in issue.translation_placeholders["error"]  # "50000: ..." escaped
    sim.clear_relay_failure()
    await call(hass, "open", lock)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    assert len(sim.relay_actions) == 4  # each command went out once


async def test_a_command_without_an_answer_is_not_repeated(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    gate = next(d for d in sim.devices if d.relay)
    lock = lock_of(hass, entry, gate)
    sim.fail_relay("timeout")  # the box never answers; only the client's wait is shortened
    entry.runtime_data.client._timeout = 5.0  # ample for the call to go out, on a busy machine
    with pytest.raises(HomeAssistantError) as unconfirmed:
        await call(hass, "unlock", lock)
    assert unconfirmed.value.translation_key == "door_unconfirmed"
    assert state_of(hass, lock) == "locked"
    assert len(sim.relay_actions) == 1  # sent once, never again
    assert entry.runtime_data.door_refusals == 0  # not a refusal
    sim.clear_relay_failure()
    entry.runtime_data.client._timeout = 10.0


async def test_a_relay_without_port_or_channel_is_refused(
    socket_enabled: None, hass: HomeAssistant
) -> None:
    async with Simulator(host="127.0.0.1", dialect="v5", devices=0, seed=11) as sim:
        odd = sim.add_device(
            "Odd gate",
            "photo",
            relay={"ip": "127.0.0.30", "net_port": 6722, "door_port": 0, "delay_time": 3},
        )
        entry = entry_for(sim)
        await setup_entry(hass, entry, sim)
        with pytest.raises(ServiceValidationError) as refused:
            await call(hass, "unlock", lock_of(hass, entry, odd))
        assert refused.value.translation_key == "relay_incomplete"
        assert refused.value.translation_placeholders == {"device": odd.name}
        assert sim.relay_actions == []  # never 0 (every door) instead
        await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize("legacy", [False, True])
async def test_v6_boxes_have_no_locks(
    socket_enabled: None, hass: HomeAssistant, legacy: bool
) -> None:
    """V6 documents no door call; a V6 box that would answer it is not asked either."""
    async with Simulator(
        host="127.0.0.1", dialect="v6", devices=3, seed=11, v6_legacy_routes=legacy
    ) as sim:
        entry = entry_for(sim)
        await setup_entry(hass, entry, sim)
        assert entry.runtime_data.client.dialect is not None
        assert entry.runtime_data.client.dialect.value == "v6"
        assert not entry.runtime_data.door_api
        assert not [
            e
            for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
            if e.domain in ("lock", "button")
        ]
        assert sim.relay_actions == []
        await hass.config_entries.async_unload(entry.entry_id)

"""Doors: the "Open door" button and the `se5.open_door` action reach the box's relay."""

from __future__ import annotations

from homeassistant.const import ATTR_DEVICE_ID, ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.se5.const import DOMAIN
from se5sim import Simulator
from tests.components.conftest import entity_id, entry_for, ha_device, setup_entry, uid


def _relay_of(action_body: dict[str, object]) -> dict[str, object]:
    actions = action_body["action"]
    assert isinstance(actions, list)
    assert len(actions) == 1
    action = actions[0]
    assert isinstance(action, dict)
    return action


async def test_button_opens_the_door(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    gate = next(d for d in sim.devices if d.relay)
    assert gate.relay is not None
    button = entity_id(hass, "button", uid(entry, gate.id, "open_door"))
    await hass.services.async_call("button", "press", {ATTR_ENTITY_ID: button}, blocking=True)
    assert len(sim.relay_actions) == 1
    action = _relay_of(sim.relay_actions[0])
    assert action["action_ip"] == gate.relay["ip"]
    assert str(action["action_port"]) == str(gate.relay["door_port"])
    assert action["action_mode"] == "opendoor"
    assert action["action_duration"] == gate.relay["delay_time"]


async def test_no_button_without_relay(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    lobby = next(d for d in sim.devices if not d.relay)
    assert (
        er.async_get(hass).async_get_entity_id("button", DOMAIN, uid(entry, lobby.id, "open_door"))
        is None
    )


async def test_action_opens_doors_with_a_duration(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    gates = [d for d in sim.devices if d.relay]
    targets = [ha_device(hass, entry, gate.id) for gate in gates]
    assert all(targets)
    await hass.services.async_call(
        DOMAIN,
        "open_door",
        {ATTR_DEVICE_ID: [t.id for t in targets if t], "duration": 12},
        blocking=True,
    )
    actions = [_relay_of(body) for body in sim.relay_actions]
    assert sorted(str(a["action_ip"]) for a in actions) == sorted(
        str(g.relay["ip"]) for g in gates if g.relay
    )
    assert {a["action_duration"] for a in actions} == {12}


async def test_action_errors_are_translated(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    gate = next(d for d in sim.devices if d.relay)
    lobby = next(d for d in sim.devices if not d.relay)
    gate_device = ha_device(hass, entry, gate.id)
    lobby_device = ha_device(hass, entry, lobby.id)
    assert gate_device is not None
    assert lobby_device is not None

    with pytest.raises(ServiceValidationError) as no_relay:
        await hass.services.async_call(
            DOMAIN, "open_door", {ATTR_DEVICE_ID: lobby_device.id}, blocking=True
        )
    assert no_relay.value.translation_key == "no_relay"
    assert no_relay.value.translation_placeholders == {"device": lobby.name}

    for mode in ("error", "http500", "timeout"):
        sim.fail_relay(mode)  # type: ignore[arg-type]
        if mode == "timeout":
            entry.runtime_data.client._timeout = 0.5
        with pytest.raises(HomeAssistantError) as failed:
            await hass.services.async_call(
                DOMAIN, "open_door", {ATTR_DEVICE_ID: gate_device.id}, blocking=True
            )
        assert failed.value.translation_key == "door_failed", mode
        assert failed.value.translation_placeholders is not None
        assert failed.value.translation_placeholders["device"] == gate.name
    sim.clear_relay_failure()

    with pytest.raises(ServiceValidationError) as unknown:
        await hass.services.async_call(
            DOMAIN, "open_door", {ATTR_DEVICE_ID: "not-a-device"}, blocking=True
        )
    assert unknown.value.translation_key == "not_a_door_device"


async def test_button_error_is_translated(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    gate = next(d for d in sim.devices if d.relay)
    sim.fail_relay("error")
    with pytest.raises(HomeAssistantError) as failed:
        await hass.services.async_call(
            "button",
            "press",
            {ATTR_ENTITY_ID: entity_id(hass, "button", uid(entry, gate.id, "open_door"))},
            blocking=True,
        )
    assert failed.value.translation_key == "door_failed"
    sim.clear_relay_failure()


async def test_v6_box_without_door_api_has_no_buttons(
    socket_enabled: None, hass: HomeAssistant
) -> None:
    async with Simulator(host="127.0.0.1", dialect="v6", devices=3, seed=11) as sim:
        entry = entry_for(sim)
        await setup_entry(hass, entry, sim)
        assert not entry.runtime_data.door_api
        assert not [
            e
            for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
            if e.domain == "button"
        ]
        gate = next(d for d in sim.devices if d.relay)
        device = ha_device(hass, entry, gate.id)
        assert device is not None
        with pytest.raises(ServiceValidationError) as refused:
            await hass.services.async_call(
                DOMAIN, "open_door", {ATTR_DEVICE_ID: device.id}, blocking=True
            )
        assert refused.value.translation_key == "no_door_api"
        assert sim.relay_actions == []
        await hass.config_entries.async_unload(entry.entry_id)


async def test_v6_box_that_answers_the_door_call(socket_enabled: None, hass: HomeAssistant) -> None:
    async with Simulator(
        host="127.0.0.1", dialect="v6", devices=3, seed=11, v6_door_api=True
    ) as sim:
        entry = entry_for(sim)
        await setup_entry(hass, entry, sim)
        assert entry.runtime_data.door_api
        gate = next(d for d in sim.devices if d.relay)
        await hass.services.async_call(
            "button",
            "press",
            {ATTR_ENTITY_ID: entity_id(hass, "button", uid(entry, gate.id, "open_door"))},
            blocking=True,
        )
        assert len(sim.relay_actions) == 1
        await hass.config_entries.async_unload(entry.entry_id)

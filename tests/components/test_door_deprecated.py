"""The ways of opening doors before the locks keep working, and say they are deprecated.

`se5.open_door` sends the correct command once per distinct device and raises one repair issue
pointing to `lock.open`; an *Open door* button an installation already has keeps working, a
disabled one goes, and one that automations or scripts use raises a repair issue naming the lock.
"""

from __future__ import annotations

from homeassistant.const import ATTR_DEVICE_ID, ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er, issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.se5.button import deprecated_button_issue_id
from custom_components.se5.const import DOMAIN
from custom_components.se5.services import DEPRECATED_ACTION_ISSUE
from se5sim import Simulator
from tests.components.conftest import entity_id, entry_for, ha_box, ha_device, setup_entry, uid

try:
    from probatio import Invalid
except ImportError:  # Home Assistant before 2026
    from voluptuous import Invalid  # type: ignore[no-redef]


async def test_the_action_opens_each_distinct_door_once(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    gates = [d for d in sim.devices if d.relay]
    targets = [ha_device(hass, entry, gate.id) for gate in gates]
    ids = [t.id for t in targets if t]
    assert len(ids) == len(gates) >= 2
    await hass.services.async_call(
        DOMAIN, "open_door", {ATTR_DEVICE_ID: [*ids, ids[0], *ids], "duration": 12}, blocking=True
    )
    pulses = sorted((p.ip, p.port, p.channel, p.seconds) for p in sim.relay_pulses)
    expected = sorted(
        (g.relay["ip"], g.relay["net_port"], g.relay["door_port"], 12) for g in gates if g.relay
    )
    assert pulses == expected  # each door once, exactly its channel
    issue = ir.async_get(hass).async_get_issue(DOMAIN, DEPRECATED_ACTION_ISSUE)
    assert issue is not None
    assert issue.translation_key == DEPRECATED_ACTION_ISSUE
    assert not issue.is_fixable
    # One issue, not one per call.
    before = len(ir.async_get(hass).issues)
    await hass.services.async_call(DOMAIN, "open_door", {ATTR_DEVICE_ID: ids[0]}, blocking=True)
    assert len(ir.async_get(hass).issues) == before
    assert sim.relay_pulses[-1].seconds == gates[0].relay["delay_time"]  # type: ignore[index]


@pytest.mark.parametrize("duration", [0, 255, 300])
async def test_the_action_caps_its_duration(
    socket_enabled: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
    duration: int,
) -> None:
    gate = next(d for d in sim.devices if d.relay)
    target = ha_device(hass, entry, gate.id)
    assert target is not None
    with pytest.raises((Invalid, ServiceValidationError)):
        await hass.services.async_call(
            DOMAIN, "open_door", {ATTR_DEVICE_ID: target.id, "duration": duration}, blocking=True
        )
    assert sim.relay_actions == []  # 255 would hold the door open: never sent


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

    for mode, key in (("error", "door_refused"), ("http500", "door_failed")):
        sim.fail_relay(mode)  # type: ignore[arg-type]
        with pytest.raises(HomeAssistantError) as failed:
            await hass.services.async_call(
                DOMAIN, "open_door", {ATTR_DEVICE_ID: gate_device.id}, blocking=True
            )
        assert failed.value.translation_key == key, mode
        assert failed.value.translation_placeholders is not None
        assert failed.value.translation_placeholders["device"] == gate.name
    sim.clear_relay_failure()

    with pytest.raises(ServiceValidationError) as unknown:
        await hass.services.async_call(
            DOMAIN, "open_door", {ATTR_DEVICE_ID: "not-a-device"}, blocking=True
        )
    assert unknown.value.translation_key == "not_a_door_device"
    # Another integration's device, and the box itself: no doors either.
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    foreign = dr.async_get(hass).async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("other", "x")}
    )
    box = ha_box(hass, entry)
    assert box is not None
    for device_id in (foreign.id, box.id):
        with pytest.raises(ServiceValidationError) as not_a_door:
            await hass.services.async_call(
                DOMAIN, "open_door", {ATTR_DEVICE_ID: device_id}, blocking=True
            )
        assert not_a_door.value.translation_key == "not_a_door_device"

    # Several doors, some failing: the names of those that failed.
    back = next(d for d in sim.devices if d.relay and d is not gate)
    back_device = ha_device(hass, entry, back.id)
    assert back_device is not None
    sim.fail_relay("error")
    with pytest.raises(HomeAssistantError) as several:
        await hass.services.async_call(
            DOMAIN,
            "open_door",
            {ATTR_DEVICE_ID: [gate_device.id, back_device.id]},
            blocking=True,
        )
    assert several.value.translation_key == "doors_failed"
    placeholders = several.value.translation_placeholders or {}
    assert sorted(placeholders["devices"].split(", ")) == sorted([gate.name, back.name])
    sim.clear_relay_failure()

    # A box that is not loaded cannot open its doors.
    await hass.config_entries.async_unload(entry.entry_id)
    with pytest.raises(ServiceValidationError) as not_loaded:
        await hass.services.async_call(
            DOMAIN, "open_door", {ATTR_DEVICE_ID: gate_device.id}, blocking=True
        )
    assert not_loaded.value.translation_key == "box_not_loaded"


async def test_a_v6_box_says_it_cannot_open_doors(
    socket_enabled: None, hass: HomeAssistant
) -> None:
    async with Simulator(host="127.0.0.1", dialect="v6", devices=3, seed=11) as sim:
        entry = entry_for(sim)
        await setup_entry(hass, entry, sim)
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


async def test_an_existing_button_keeps_working_and_names_the_lock(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    entry = entry_for(sim)
    entry.add_to_hass(hass)
    registry = er.async_get(hass)
    front, back = [d for d in sim.devices if d.relay]
    kept = registry.async_get_or_create(
        "button",
        DOMAIN,
        uid(entry, front.id, "open_door"),
        config_entry=entry,
        suggested_object_id="front_gate_open_door",
    )
    disabled = registry.async_get_or_create(
        "button",
        DOMAIN,
        uid(entry, back.id, "open_door"),
        config_entry=entry,
        suggested_object_id="back_door_open_door",
        disabled_by=er.RegistryEntryDisabler.USER,
    )
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "id": "uses_the_button",
                    "alias": "Uses the button",
                    "triggers": {"trigger": "event", "event_type": "ring"},
                    "actions": {"action": "button.press", "target": {"entity_id": kept.entity_id}},
                },
                {  # no id: not editable in the UI, named by its entity id
                    "alias": "Also the button",
                    "triggers": {"trigger": "event", "event_type": "knock"},
                    "actions": {"action": "button.press", "target": {"entity_id": kept.entity_id}},
                },
            ]
        },
    )
    await setup_entry(hass, entry, sim)

    # The enabled button is kept and opens exactly its door; the disabled one is gone.
    assert registry.async_get(disabled.entity_id) is None
    await hass.services.async_call(
        "button", "press", {ATTR_ENTITY_ID: kept.entity_id}, blocking=True
    )
    pulse = sim.relay_pulses[-1]
    assert front.relay is not None
    assert (pulse.ip, pulse.port, pulse.channel) == (
        front.relay["ip"],
        front.relay["net_port"],
        front.relay["door_port"],
    )
    # The automation that uses it is told which lock to use instead.
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, deprecated_button_issue_id(entry.entry_id, front.id)
    )
    assert issue is not None
    assert issue.translation_key == "deprecated_open_door_button"
    placeholders = issue.translation_placeholders or {}
    assert placeholders["entity"] == kept.entity_id
    assert placeholders["lock"] == entity_id(hass, "lock", uid(entry, front.id, "door"))
    assert "/config/automation/edit/uses_the_button" in placeholders["items"]
    assert "Uses the button" in placeholders["items"]
    assert "- automation.also_the_button" in placeholders["items"].splitlines()
    assert (
        ir.async_get(hass).async_get_issue(
            DOMAIN, deprecated_button_issue_id(entry.entry_id, back.id)
        )
        is None
    )
    await hass.config_entries.async_unload(entry.entry_id)


async def test_an_unused_button_raises_no_issue(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    entry = entry_for(sim)
    entry.add_to_hass(hass)
    front = next(d for d in sim.devices if d.relay)
    er.async_get(hass).async_get_or_create(
        "button", DOMAIN, uid(entry, front.id, "open_door"), config_entry=entry
    )
    await setup_entry(hass, entry, sim)
    assert entity_id(hass, "button", uid(entry, front.id, "open_door"))
    assert not [i for (domain, i) in ir.async_get(hass).issues if domain == DOMAIN]
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_button_on_a_v6_box_says_why_it_cannot_open(
    socket_enabled: None, hass: HomeAssistant
) -> None:
    """A button kept from before (a V6 box that once answered) is not dropped: it explains."""
    async with Simulator(host="127.0.0.1", dialect="v6", devices=3, seed=11) as sim:
        entry = entry_for(sim)
        entry.add_to_hass(hass)
        gate = next(d for d in sim.devices if d.relay)
        kept = er.async_get(hass).async_get_or_create(
            "button", DOMAIN, uid(entry, gate.id, "open_door"), config_entry=entry
        )
        await setup_entry(hass, entry, sim)
        with pytest.raises(ServiceValidationError) as refused:
            await hass.services.async_call(
                "button", "press", {ATTR_ENTITY_ID: kept.entity_id}, blocking=True
            )
        assert refused.value.translation_key == "no_door_api"
        assert sim.relay_actions == []
        await hass.config_entries.async_unload(entry.entry_id)

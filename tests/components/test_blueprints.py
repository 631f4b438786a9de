"""The blueprints of custom_components/se5/blueprints, loaded by Home Assistant and run for real.

A VIP at a gate unlocks its Door lock, which pulses exactly that gate's relay channel (the
strict simulator records the pulse); a blacklisted person sends a notification whose image is
that recognition's own face.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from http import HTTPStatus
from pathlib import Path
import shutil
from typing import Any

from homeassistant.components.blueprint import DomainBlueprints
from homeassistant.components.blueprint.const import DOMAIN as BLUEPRINT_DOMAIN
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util, yaml as yaml_util
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.se5.compat import device_entry_ids
from custom_components.se5.const import EVENT_SE5
from se5sim import Simulator
from tests.components.conftest import entity_id, entry_for, ha_device, setup_entry, uid
from tests.helpers import wait_for

BLUEPRINTS = Path(__file__).parents[2] / "custom_components" / "se5" / "blueprints" / "automation"


@pytest.fixture
def config_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """A configuration folder holding the blueprints, as after an import."""
    hass.config.config_dir = str(tmp_path)
    shutil.copytree(BLUEPRINTS, tmp_path / "blueprints" / "automation" / "se5")
    return tmp_path


async def test_blueprints_are_valid(hass: HomeAssistant, config_dir: Path) -> None:
    assert await async_setup_component(hass, "automation", {})
    domain_blueprints: DomainBlueprints = hass.data[BLUEPRINT_DOMAIN]["automation"]
    found = await domain_blueprints.async_get_blueprints()
    assert set(found) == {"se5/open_door.yaml", "se5/notify_face.yaml"}
    for path, blueprint in found.items():
        assert not isinstance(blueprint, Exception), f"{path}: {blueprint}"
        name = path.removeprefix("se5/")
        assert blueprint.metadata["source_url"].endswith(
            f"/custom_components/se5/blueprints/automation/{name}"
        )
        assert blueprint.metadata["homeassistant"]["min_version"] == "2025.4.0"


async def test_vip_opens_the_door_and_blacklist_notifies_with_its_own_face(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    config_dir: Path,
    hass_client: ClientSessionGenerator,
) -> None:
    entry = entry_for(sim)
    await setup_entry(hass, entry, sim)
    gate = next(d for d in sim.devices if d.relay)
    assert gate.relay is not None
    lobby = next(d for d in sim.devices if not d.relay)
    gate_device = ha_device(hass, entry, gate.id)
    lobby_device = ha_device(hass, entry, lobby.id)
    assert gate_device is not None
    assert lobby_device is not None

    notified: list[ServiceCall] = []
    hass.services.async_register("notify", "my_phone", notified.append)
    door = entity_id(hass, "lock", uid(entry, gate.id, "door"))
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "id": "door",
                    "alias": "Let VIPs in",
                    "use_blueprint": {
                        "path": "se5/open_door.yaml",
                        "input": {
                            "camera": gate_device.id,
                            "person_types": ["vip"],
                            "min_score": 0,
                            "door": [door],
                        },
                    },
                },
                {
                    "id": "alert",
                    "alias": "Blacklisted at the gates",
                    "use_blueprint": {
                        "path": "se5/notify_face.yaml",
                        "input": {
                            "notify_action": "notify.my_phone",
                            "cameras": [gate_device.id, lobby_device.id],
                        },
                    },
                },
            ]
        },
    )
    await hass.async_block_till_done()
    assert hass.states.get("automation.let_vips_in").state == "on"  # type: ignore[union-attr]
    assert hass.states.get("automation.blacklisted_at_the_gates").state == "on"  # type: ignore[union-attr]
    events = async_capture_events(hass, EVENT_SE5)

    # An employee at the gate: not a VIP, nobody on the blacklist: nothing happens.
    await sim.fire(gate.id, person_type="employee")
    # A VIP at the gate: its door lock opens exactly its relay's channel; no notification.
    vip = next(p for p in sim.people if p.person_type == "vip")
    await sim.fire(gate.id, identity_id=vip.identity_id)
    await wait_for(lambda: sim.relay_pulses, what="the relay pulse")
    await hass.async_block_till_done()
    pulse = sim.relay_pulses[0]
    assert (pulse.ip, pulse.port, pulse.channel, pulse.mode, pulse.seconds) == (
        gate.relay["ip"],
        gate.relay["net_port"],
        gate.relay["door_port"],
        "opendoor",
        gate.relay["delay_time"],
    )
    assert hass.states.get(door).state == "unlocked"  # type: ignore[union-attr]
    # The box refusing the door: the automation's run fails, nothing else is sent.
    sim.fail_relay("error")
    await sim.fire(gate.id, identity_id=vip.identity_id)
    await wait_for(lambda: len(sim.relay_actions) == 2, what="the refused command")
    sim.clear_relay_failure()

    # A blacklisted person in the lobby: a notification with that recognition's face.
    sent = await sim.fire(lobby.id, person_type="blacklist")
    await wait_for(lambda: notified, what="the notification")
    await hass.async_block_till_done()
    assert len(events) == 4
    assert len(notified) == 1
    call = notified[0].data
    image = call["data"]["image"]
    assert image == events[3].data["face_url"]
    assert call["title"] == lobby.name
    assert lobby.name in call["message"]
    assert "blacklist" in call["message"]
    response = await (await hass_client()).get(image)
    assert response.status == HTTPStatus.OK
    assert await response.read() == sent.face_jpeg
    assert len(sim.relay_actions) == 2  # the refused call, and no door for the blacklist
    assert len(sim.relay_pulses) == 1

    # A stranger on a camera not picked: no notification.
    third = next(d for d in sim.devices if d not in (gate, lobby))
    await sim.fire(third.id, person_type="stranger")
    await wait_for(lambda: len(events) == 5, what="se5_event")
    await hass.async_block_till_done()
    assert len(notified) == 1


def waiting_for_a_tap(hass: HomeAssistant) -> bool:
    """Whether an automation run listens for the companion apps' button events (a tap sent
    before it does would be lost; a person takes seconds)."""
    return hass.bus.async_listeners().get("mobile_app_notification_action", 0) > 0


async def test_notification_buttons_open_the_door_and_register_the_visitor(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    config_dir: Path,
) -> None:
    """The companion apps' buttons: *Open door*, and *Let in and register as visitor until
    tonight*, which registers the face of this very recognition; the visitor is then recognised
    by name."""
    entry = entry_for(sim)
    await setup_entry(hass, entry, sim)
    gate = sim.devices[0]
    assert gate.relay is not None
    door = entity_id(hass, "lock", uid(entry, gate.id, "door"))
    notified: list[ServiceCall] = []
    hass.services.async_register("notify", "my_phone", notified.append)
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "id": "strangers",
                    "alias": "Strangers at the gate",
                    "use_blueprint": {
                        "path": "se5/notify_face.yaml",
                        "input": {
                            "notify_action": "notify.my_phone",
                            "person_types": ["stranger"],
                            "locks": [door],
                            "visitor_until": "23:59:00",
                        },
                    },
                }
            ]
        },
    )
    await hass.async_block_till_done()
    events = async_capture_events(hass, EVENT_SE5)

    # A stranger rings: the notification carries the face and both buttons.
    seen = await sim.fire(gate.id, identity_id=sim.strangers[0].identity_id)
    await wait_for(lambda: notified, what="the notification")
    data = notified[0].data["data"]
    assert data["image"] == events[0].data["face_url"]
    open_button, visitor_button = data["actions"]
    assert open_button["title"] == "Open door"
    assert visitor_button["title"] == "Let in and register as visitor until tonight"
    # Someone else's button (another notification) does nothing.
    # (The run is waiting for a tap: nothing may wait for it to end here.)
    await wait_for(lambda: waiting_for_a_tap(hass), what="the run waiting for a tap")
    hass.bus.async_fire("mobile_app_notification_action", {"action": "SE5_VISITOR_other"})
    await asyncio.sleep(0.1)
    assert waiting_for_a_tap(hass)  # still: a matching tap would have ended the wait at once
    assert sim.relay_actions == []
    # Tapped: the door opens and the face is registered as a visitor until tonight.
    hass.bus.async_fire("mobile_app_notification_action", {"action": visitor_button["action"]})
    await wait_for(lambda: len(sim.people) == 9, what="the visitor registered")
    await wait_for(lambda: sim.relay_pulses, what="the door")
    await hass.async_block_till_done()
    pulse = sim.relay_pulses[0]
    assert (pulse.ip, pulse.port, pulse.channel, pulse.mode) == (
        gate.relay["ip"],
        gate.relay["net_port"],
        gate.relay["door_port"],
        "opendoor",
    )
    assert hass.states.get(door).state == "open"  # type: ignore[union-attr]
    visitor = sim.people[-1]
    assert visitor.person_type == "visitor"
    assert visitor.name.startswith("Visitor ")
    assert visitor.photo_jpeg == seen.face_jpeg
    until = entry.runtime_data.visitors.until(visitor.identity_id)
    assert until is not None
    local = dt_util.as_local(until)
    assert (local.hour, local.minute) == (23, 59)
    assert dt_util.now() < until <= dt_util.now() + timedelta(days=1)
    # The visitor walks in: recognised by name.
    await sim.fire(gate.id)
    await wait_for(lambda: len(events) >= 2, what="the visitor's recognition")
    assert events[1].data["identity_name"] == visitor.name
    assert events[1].data["person_type"] == "visitor"
    assert len(notified) == 1  # a visitor is no stranger

    # Another stranger: *Open door* only opens.
    await sim.fire(gate.id, identity_id=sim.strangers[1].identity_id)
    await wait_for(lambda: len(notified) == 2, what="the second notification")
    open_button = notified[1].data["data"]["actions"][0]
    await wait_for(lambda: waiting_for_a_tap(hass), what="the run waiting for a tap")
    hass.bus.async_fire("mobile_app_notification_action", {"action": open_button["action"]})
    await wait_for(lambda: len(sim.relay_pulses) == 2, what="the door")
    await hass.async_block_till_done()
    assert len(sim.people) == 9


def _device_selectors() -> list[tuple[str, dict[str, Any]]]:
    """(blueprint: input, device selector config) of every device input of the blueprints."""
    found = []
    for path in sorted(BLUEPRINTS.glob("*.yaml")):
        inputs = yaml_util.load_yaml(str(path))["blueprint"]["input"]  # type: ignore[index]
        for name, spec in inputs.items():
            if "device" in (spec.get("selector") or {}):
                found.append((f"{path.name}: {name}", spec["selector"]["device"] or {}))
    return found


def _offered(hass: HomeAssistant, device: dr.DeviceEntry, config: dict[str, Any]) -> bool:
    """Whether the frontend's device picker offers `device` for this selector config.

    As the frontend reads it: the device matches one of `filter` (its integration) and has an
    entity matching one of `entity` (integration and domain).
    """
    entries = [hass.config_entries.async_get_entry(e) for e in device_entry_ids(device)]
    domains = {entry.domain for entry in entries if entry is not None}
    if config.get("filter") and not any(f.get("integration") in domains for f in config["filter"]):
        return False
    wanted = config.get("entity")
    if not wanted:
        return True
    entities = er.async_entries_for_device(er.async_get(hass), device.id)
    return any(
        e.platform == f.get("integration", e.platform) and e.domain == f.get("domain", e.domain)
        for e in entities
        for f in wanted
    )


async def test_device_inputs_offer_cameras_only(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    """The camera inputs offer the cameras, gates and readers: not the box, not the people."""
    vip = next(p for p in sim.people if p.person_type == "vip")
    entry = entry_for(sim, people=[vip.identity_id])
    await setup_entry(hass, entry, sim)
    selectors = _device_selectors()
    assert [where for where, _ in selectors] == [
        "notify_face.yaml: cameras",
        "open_door.yaml: camera",
    ]
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    cameras = {device.id for d in sim.devices if (device := ha_device(hass, entry, d.id))}
    assert len(cameras) == len(sim.devices)
    assert len(devices) == len(cameras) + 2  # and the box, and the person
    for where, config in selectors:
        offered = {d.id for d in devices if _offered(hass, d, config)}
        assert offered == cameras, where

"""The blueprints of custom_components/se5/blueprints, loaded by Home Assistant and run for real.

A VIP at a gate unlocks its Door lock, which pulses exactly that gate's relay channel (the
strict simulator records the pulse); a blacklisted person sends a notification whose image is
that recognition's own face.
"""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path
import shutil

from homeassistant.components.blueprint import DomainBlueprints
from homeassistant.components.blueprint.const import DOMAIN as BLUEPRINT_DOMAIN
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

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

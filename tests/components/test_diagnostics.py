"""Diagnostics hold the state of the box and stream, never an image, a name or an identity."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from se5sim import Simulator
from tests.helpers import wait_for


async def test_diagnostics_redacted(
    socket_enabled: None,
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    entry: MockConfigEntry,
    sim: Simulator,
) -> None:
    hub = entry.runtime_data
    vip = next(p for p in sim.people if p.person_type == "vip")
    sent = await sim.fire(sim.devices[0].id, identity_id=vip.identity_id)
    await wait_for(lambda: hub.last, what="recognition")

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    text = json.dumps(diagnostics, ensure_ascii=False)
    assert vip.name not in text
    assert vip.identity_id not in text
    assert "/9j/" not in text
    assert diagnostics["dialect"] == "v5"
    assert diagnostics["stream"]["state"] == "connected"
    assert diagnostics["stream"]["recognitions"] == 1
    assert diagnostics["recognitions"] == 1
    assert len(diagnostics["devices"]) == 3
    last = diagnostics["last_recognitions"][sim.devices[0].id]
    assert last["identity_name"] == "**REDACTED**"
    assert last["identity_id"] == "**REDACTED**"
    assert set(last["identity_info"].values()) == {"**REDACTED**"}
    assert last["face_image_bytes"] == len(sent.face_jpeg)
    assert last["person_type"] == "vip"

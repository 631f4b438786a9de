"""Diagnostics hold the state of the box and stream, never an image, a name or an identity."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from se5sim import Simulator
from tests.components.conftest import entry_for, setup_entry
from tests.helpers import wait_for


@pytest.mark.parametrize("dialect", ["v5", "v6"], indirect=True)
async def test_diagnostics_redacted(
    socket_enabled: None,
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    sim: Simulator,
    dialect: str,
) -> None:
    sim.devices[1].url = "rtsp://admin:s3cret@127.0.0.102:554/ch1"
    entry = entry_for(sim)
    await setup_entry(hass, entry, sim)
    hub = entry.runtime_data.push
    vip = next(p for p in sim.people if p.person_type == "vip")
    sent = await sim.fire(sim.devices[0].id, identity_id=vip.identity_id)
    await wait_for(lambda: hub.last, what="recognition")

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    text = json.dumps(diagnostics, ensure_ascii=False)
    assert vip.name not in text
    assert vip.identity_id not in text
    assert "/9j/" not in text
    assert "s3cret" not in text
    assert diagnostics["devices"][1]["url"] == "rtsp://**REDACTED**@127.0.0.102:554/ch1"
    assert diagnostics["dialect"] == dialect
    assert diagnostics["stream"]["state"] == "connected"
    assert diagnostics["stream"]["recognitions"] == 1
    assert diagnostics["recognitions"] == 1
    assert len(diagnostics["devices"]) == 3
    last = diagnostics["last_recognitions"][sim.devices[0].id]
    assert last["identity_name"] == "**REDACTED**"
    assert last["identity_id"] == "**REDACTED**"
    if dialect == "v5":  # V6 frames carry no identity_info
        assert set(last["identity_info"].values()) == {"**REDACTED**"}
    else:
        assert last["identity_info"] == {}
    # The images are the store's: their size as held there (the box's base64).
    assert last["stored"] is True
    assert last["face_image_bytes"] >= len(sent.face_jpeg) * 4 // 3
    # The group may name the person's employer: redacted (V6 sends none).
    assert last["group"] == ("**REDACTED**" if dialect == "v5" else None)
    assert last["person_type"] == "vip"


def test_parts_that_may_be_missing() -> None:
    """A health without uptime, a device without a stream URL."""
    from custom_components.se5.client import Device, Health
    from custom_components.se5.diagnostics import _device, _health

    assert _health(Health())["uptime"] is None
    assert _device(Device(id="d", name="Gate"))["url"] is None


async def test_an_entry_that_never_picked_people(
    socket_enabled: None,
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    sim: Simulator,
) -> None:
    entry = entry_for(sim)
    entry.add_to_hass(hass)
    options = {key: value for key, value in entry.options.items() if key != "people"}
    hass.config_entries.async_update_entry(entry, options=options)
    await setup_entry(hass, entry, sim)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert "people" not in diagnostics["entry"]["options"]
    assert diagnostics["people"]["followed"] == 0
    await hass.config_entries.async_unload(entry.entry_id)

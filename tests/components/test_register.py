"""The register of people when the box does not tell it, or no longer lists someone followed."""

from __future__ import annotations

from typing import Any

import aiohttp
from aiohttp import web
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from custom_components.se5.client import Dialect, Se5Client
from custom_components.se5.coordinator import Register, async_read_register
from custom_components.se5.identifiers import person_identifier
from se5sim import Simulator
from tests.client.hostile import HostileBox
from tests.components.conftest import entity_id, entry_for, ha_person, setup_entry, uid
from tests.components.test_hostile import entry_for_box, set_up
from tests.helpers import wait_for


async def test_a_register_that_cannot_be_read_is_empty(socket_enabled: None) -> None:
    async with aiohttp.ClientSession() as session:
        register = await async_read_register(
            Se5Client(session, "127.0.0.1", 9, dialect=Dialect.V5, timeout=5)
        )
    assert not register.people


async def test_a_box_without_the_register_call_has_nobody(
    hass: HomeAssistant, hostile: HostileBox
) -> None:
    def missing(_request: web.Request) -> web.Response:
        error = {"code": 40400, "message": "no such call", "status": "NOT_FOUND"}
        return web.json_response({"error": error}, status=404)

    hostile.users = missing
    entry = entry_for_box(hostile)
    await set_up(hass, entry, hostile)
    people = entry.runtime_data.people
    await people.async_refresh()
    assert people.last_update_success
    assert not people.data.people
    await hass.config_entries.async_unload(entry.entry_id)


async def test_followed_people_stay_while_the_box_does_not_list_them(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    vip = next(p for p in sim.people if p.person_type == "vip")
    entry = entry_for(sim, people=[vip.identity_id, "ghost", "nobody"])
    entry.add_to_hass(hass)
    # "ghost" was followed before (their device exists); "nobody" never had a device.
    dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={person_identifier(str(entry.unique_id), "ghost")},
        name="Ghost",
    )
    await setup_entry(hass, entry, sim)
    assert ha_person(hass, entry, "ghost") is not None
    assert ha_person(hass, entry, "nobody") is None
    sim.remove_person(vip.identity_id)
    people = entry.runtime_data.people
    await people.async_refresh()
    assert vip.identity_id in people.data.people  # kept until the user stops following
    assert ha_person(hass, entry, vip.identity_id) is not None
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_photo_that_cannot_be_fetched_keeps_the_one_shown(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, hass_client: Any
) -> None:
    vip = next(p for p in sim.people if p.person_type == "vip")
    entry = entry_for(sim, people=[vip.identity_id])
    await setup_entry(hass, entry, sim)
    photo = entity_id(hass, "image", uid(entry, "person", vip.identity_id, "photo"))
    client = await hass_client()

    async def shown() -> bytes:
        response = await client.get(f"/api/image_proxy/{photo}")
        assert response.status == 200
        return await response.read()

    await wait_for(
        lambda: (s := hass.states.get(photo)) is not None and s.state != STATE_UNKNOWN,
        what="photo fetched",
    )
    people = entry.runtime_data.people
    # Registered again with another photo, which the box cannot give the first time.
    sim.remove_person(vip.identity_id)
    again = sim.add_person(vip.name, "vip", identity_id=vip.identity_id)
    listed = await entry.runtime_data.client.list_people()
    sim.fail_rest("http500")
    people.async_set_updated_data(Register({p.identity_id: p for p in listed}))
    await hass.async_block_till_done()
    assert await shown() == vip.photo_jpeg  # the photo it had stays
    sim.clear_rest_failure()
    assert again.photo_jpeg != vip.photo_jpeg
    await hass.config_entries.async_unload(entry.entry_id)

"""Followed people while the box is away or after they were deleted on it; the register sensor
of a firmware without a register."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.components.image import DATA_COMPONENT as IMAGE_COMPONENT
from homeassistant.components.repairs import DOMAIN as REPAIRS, ConfirmRepairFlow
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest

from custom_components.se5 import async_remove_config_entry_device
from custom_components.se5.client import Se5ConnectionError
from custom_components.se5.const import CONF_PEOPLE, DOMAIN
from custom_components.se5.coordinator import people as people_module, person_missing_issue_id
from custom_components.se5.markdown import markdown_text
from custom_components.se5.registry import person_identifier
from custom_components.se5.repairs import StopFollowingRepairFlow, async_create_fix_flow
from se5sim import Simulator, images
from tests.components.conftest import entity_id, entry_for, ha_person, setup_entry, uid
from tests.helpers import wait_for

FACE = images.face_jpeg(41, "availability:face")


@pytest.fixture
def fast_people(monkeypatch: pytest.MonkeyPatch) -> None:
    """The register read every 0.3 s instead of every 5 minutes (before set-up)."""
    monkeypatch.setattr(people_module, "PEOPLE_INTERVAL", timedelta(seconds=0.3))


def person_entities(hass: HomeAssistant, entry: Any, identity_id: str) -> list[str]:
    """The person's entities enabled by default (Last seen and Last seen at are not)."""
    return [
        entity_id(hass, "sensor", uid(entry, "person", identity_id, "sightings")),
        entity_id(hass, "image", uid(entry, "person", identity_id, "photo")),
    ]


def unavailable(hass: HomeAssistant, entities: list[str]) -> bool:
    return all(hass.states.is_state(e, STATE_UNAVAILABLE) for e in entities)


def available(hass: HomeAssistant, entities: list[str]) -> bool:
    return not any(hass.states.is_state(e, STATE_UNAVAILABLE) for e in entities)


async def test_a_followed_person_is_unavailable_while_the_box_is_away(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    vip = next(p for p in sim.people if p.person_type == "vip")
    entry = entry_for(sim, people=[vip.identity_id])
    await setup_entry(hass, entry, sim)
    entities = person_entities(hass, entry, vip.identity_id)
    assert available(hass, entities)
    await sim.go_down()
    await wait_for(lambda: unavailable(hass, entities), what="unavailable")
    await sim.come_back()
    await wait_for(lambda: available(hass, entities), what="available again")


async def test_a_person_deleted_on_the_box_gets_a_repair_and_can_be_deleted(
    socket_enabled: None,
    fast_people: None,
    hass: HomeAssistant,
    hass_client: Any,
    sim: Simulator,
) -> None:
    vip, visitor = (
        next(p for p in sim.people if p.person_type == kind) for kind in ("vip", "visitor")
    )
    entry = entry_for(sim, people=[vip.identity_id, visitor.identity_id])
    await setup_entry(hass, entry, sim)
    assert await async_setup_component(hass, REPAIRS, {})
    issues = ir.async_get(hass)
    people = entry.runtime_data.people
    entities = person_entities(hass, entry, vip.identity_id)

    # Deleted on the box: unavailable at once, a repair once two reads agree.
    sim.remove_person(vip.identity_id)
    issue_id = person_missing_issue_id(entry.entry_id, vip.identity_id)
    await wait_for(lambda: issues.async_get_issue(DOMAIN, issue_id), what="the repair issue")
    issue = issues.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders == {"person": vip.name, "box": entry.title}
    await hass.async_block_till_done()
    assert unavailable(hass, entities)
    assert available(hass, person_entities(hass, entry, visitor.identity_id))
    assert people.data.listed == 7
    # Registered again: the repair goes by itself.
    sim.add_person(vip.name, "vip", identity_id=vip.identity_id)
    await wait_for(lambda: issues.async_get_issue(DOMAIN, issue_id) is None, what="issue gone")
    await wait_for(lambda: available(hass, entities), what="available again")

    # Deleted again: the repair stops following them; their device goes.
    sim.remove_person(vip.identity_id)
    await wait_for(lambda: issues.async_get_issue(DOMAIN, issue_id), what="the repair again")
    client = await hass_client()
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    flow = await response.json()
    assert flow["step_id"] == "confirm"
    assert flow["description_placeholders"] == {
        "person": vip.name,
        "box": entry.title,
        "person_name": markdown_text(vip.name),
        "box_name": markdown_text(entry.title),
    }
    response = await client.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
    assert (await response.json())["type"] == "create_entry"
    await hass.async_block_till_done()
    assert entry.options[CONF_PEOPLE] == [visitor.identity_id]
    assert ha_person(hass, entry, vip.identity_id) is None
    await wait_for(lambda: issues.async_get_issue(DOMAIN, issue_id) is None, what="issue gone")

    # Or from the device page: a followed person the box no longer lists may be deleted
    # (and is no longer followed); one it lists may not.
    device = ha_person(hass, entry, visitor.identity_id)
    assert device is not None
    assert not await async_remove_config_entry_device(hass, entry, device)
    sim.remove_person(visitor.identity_id)
    await wait_for(lambda: people.is_missing(visitor.identity_id), what="missing")
    assert await async_remove_config_entry_device(hass, entry, device)
    assert entry.options[CONF_PEOPLE] == []
    await hass.async_block_till_done()
    assert dr.async_get(hass).async_get(device.id) is None


async def test_a_large_register_cut_short_proves_nobody_missing(
    socket_enabled: None, fast_people: None, hass: HomeAssistant, sim: Simulator, monkeypatch: Any
) -> None:
    monkeypatch.setattr(people_module, "MAX_PEOPLE", 3)
    last = sim.people[-1]
    entry = entry_for(sim, people=[last.identity_id])
    await setup_entry(hass, entry, sim)
    people = entry.runtime_data.people
    await people.async_refresh()
    assert people.data.truncated
    assert not people.is_missing(last.identity_id)


async def test_registered_people_sensor_without_a_register_api(
    socket_enabled: None, hass: HomeAssistant
) -> None:
    async with Simulator(host="127.0.0.1", devices=1, seed=4, register_api=False) as sim:
        entry = entry_for(sim)
        await setup_entry(hass, entry, sim)
        sensor = entity_id(hass, "sensor", uid(entry, "registered_people"))
        assert hass.states.is_state(sensor, STATE_UNAVAILABLE)
        assert not entry.runtime_data.people.data.supported
        await hass.config_entries.async_unload(entry.entry_id)


async def test_registered_people_sensor_counts(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    entry = entry_for(sim)
    await setup_entry(hass, entry, sim)
    state = hass.states.get(entity_id(hass, "sensor", uid(entry, "registered_people")))
    assert state is not None
    assert state.state == "8"


async def test_repair_flows_of_what_is_gone(hass: HomeAssistant) -> None:
    """An issue of another kind gets the plain confirmation; a flow of a removed entry ends."""
    plain = await async_create_fix_flow(hass, "something_else", None)
    assert isinstance(plain, ConfirmRepairFlow)
    flow = await async_create_fix_flow(
        hass,
        "person_missing_gone_1",
        {"entry_id": "gone", "identity_id": "1", "person": "A", "box": "B"},
    )
    assert isinstance(flow, StopFollowingRepairFlow)
    flow.hass = hass
    result = await flow.async_step_init()
    assert result["step_id"] == "confirm"
    assert result["description_placeholders"] == {
        "person": "A",
        "box": "B",
        "person_name": "A",
        "box_name": "B",
    }
    result = await flow.async_step_confirm({})
    assert result["type"] == "create_entry"


async def test_a_photo_the_box_cannot_give_is_kept_as_it_was(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    hass_client: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A photo read failing leaves the photo as it was; someone the register does not hold
    (followed from before, deleted on the box) has none to read."""
    vip = next(p for p in sim.people if p.person_type == "vip")
    entry = entry_for(sim, people=[vip.identity_id, "ghost"])
    entry.add_to_hass(hass)
    # "ghost" was followed before and deleted on the box while Home Assistant was down.
    dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={person_identifier(str(entry.unique_id), "ghost")},
        name="Ghost",
    )
    await setup_entry(hass, entry, sim)
    ghost = entity_id(hass, "image", uid(entry, "person", "ghost", "photo"))
    assert hass.states.is_state(ghost, STATE_UNAVAILABLE)  # not in the register
    photo = entity_id(hass, "image", uid(entry, "person", vip.identity_id, "photo"))
    await wait_for(lambda: not hass.states.is_state(photo, "unknown"), what="the photo")
    client = await hass_client()
    assert await (await client.get(f"/api/image_proxy/{photo}")).read() == vip.photo_jpeg
    # A new photo on the box, whose read fails (only that read): the photo stays as it was.
    sim._state.people.update(vip.identity_id, photo=FACE)
    client_of_box = entry.runtime_data.client

    async def photo_read_fails(_person: Any) -> bytes | None:
        raise Se5ConnectionError("no answer within 10 s")

    monkeypatch.setattr(client_of_box, "get_person_photo", photo_read_fails)
    entity = hass.data[IMAGE_COMPONENT].get_entity(photo)
    assert entity is not None
    entity._async_start_fetch()  # as a register read showing the new photo id would
    fetching = entity._fetching
    assert fetching is not None
    await wait_for(fetching.done, what="the photo read")
    assert await (await client.get(f"/api/image_proxy/{photo}")).read() == vip.photo_jpeg


async def test_a_person_deleted_while_home_assistant_was_down_is_not_counted(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    """Followed from before and gone from the register at start: missing, and the register
    sensor counts the people the box lists (it counted one fewer)."""
    entry = entry_for(sim, people=["ghost"])
    entry.add_to_hass(hass)
    dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={person_identifier(str(entry.unique_id), "ghost")},
        name="Ghost",
    )
    await setup_entry(hass, entry, sim)
    people = entry.runtime_data.people
    assert people.is_missing("ghost")
    assert people.data.listed == len(sim.people)
    state = hass.states.get(entity_id(hass, "sensor", uid(entry, "registered_people")))
    assert state is not None
    assert state.state == str(len(sim.people))
    await people.async_refresh()  # and on every read after
    assert people.data.listed == len(sim.people)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_unfollowing_a_missing_person_withdraws_their_repair_at_once(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unfollowed in the options (or from the device page) rather than by the repair: the
    repair goes with them, not at the next read of the register minutes later."""
    vip = next(p for p in sim.people if p.person_type == "vip")
    entry = entry_for(sim, people=[vip.identity_id])
    await setup_entry(hass, entry, sim)
    people = entry.runtime_data.people
    monkeypatch.setattr(people_module, "PEOPLE_INTERVAL", timedelta(0))  # reads agree at once
    sim.remove_person(vip.identity_id)
    await people.async_refresh()
    issues = ir.async_get(hass)
    issue_id = person_missing_issue_id(entry.entry_id, vip.identity_id)
    assert issues.async_get_issue(DOMAIN, issue_id) is not None
    hass.config_entries.async_update_entry(entry, options={**entry.options, CONF_PEOPLE: []})
    await hass.async_block_till_done()
    assert issues.async_get_issue(DOMAIN, issue_id) is None
    assert not people.missing_since
    await hass.config_entries.async_unload(entry.entry_id)

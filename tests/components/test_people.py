"""People before their first sighting: register, followed people's entities, options."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import mock_restore_cache_with_extra_data

from custom_components.se5.const import (
    CONF_DEVICES,
    CONF_FACE_IMAGE,
    CONF_PEOPLE,
    CONF_REGISTERED_IMAGE,
    DOMAIN,
)
from se5sim import Simulator
from tests.components.conftest import (
    address,
    entity_id,
    entry_for,
    ha_box,
    ha_device,
    ha_person,
    setup_entry,
    uid,
)
from tests.helpers import wait_for


@pytest.mark.parametrize("dialect", ["v5", "v6"], indirect=True)
async def test_followed_person_has_entities_before_any_recognition(
    socket_enabled: None, hass: HomeAssistant, hass_client: Any, sim: Simulator, dialect: str
) -> None:
    vip = next(p for p in sim.people if p.person_type == "vip")
    entry = entry_for(sim, people=[vip.identity_id])
    await setup_entry(hass, entry, sim)
    await hass.async_block_till_done()
    person = ha_person(hass, entry, vip.identity_id)
    assert person is not None
    assert person.name == vip.name
    box = ha_box(hass, entry)
    assert box is not None
    assert person.via_device_id == box.id
    sightings = entity_id(hass, "sensor", uid(entry, "person", vip.identity_id, "sightings"))
    photo = entity_id(hass, "image", uid(entry, "person", vip.identity_id, "photo"))
    registry = er.async_get(hass)
    # The sensors that made a logbook row per sighting are there, disabled.
    for key in ("last_seen", "last_seen_at"):
        found = registry.async_get(
            entity_id(hass, "sensor", uid(entry, "person", vip.identity_id, key))
        )
        assert found is not None
        assert found.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    state = hass.states.get(sightings)
    assert state is not None
    assert state.state == "0"
    assert state.attributes["last_seen"] is None
    assert state.attributes["last_seen_at"] is None
    await wait_for(
        lambda: (s := hass.states.get(photo)) is not None and s.state != STATE_UNKNOWN,
        what="photo fetched",
    )
    client = await hass_client()
    response = await client.get(f"/api/image_proxy/{photo}")
    assert response.status == 200
    assert response.content_type == "image/jpeg"
    assert await response.read() == vip.photo_jpeg

    gate = sim.devices[1]
    sent = await sim.fire(gate.id, identity_id=vip.identity_id)
    await wait_for(
        lambda: (s := hass.states.get(sightings)) is not None and s.state == "1",
        what="a sighting",
    )
    state = hass.states.get(sightings)
    assert state is not None
    assert state.attributes["last_seen"].timestamp() == pytest.approx(sent.timestamp_ms / 1000)
    assert state.attributes["last_seen_at"] == gate.name
    # Someone else leaves the person's entities alone.
    other = next(p for p in sim.people if p.identity_id != vip.identity_id)
    await sim.fire(gate.id, identity_id=other.identity_id)
    await wait_for(lambda: entry.runtime_data.push.recognitions == 2, what="second")
    await hass.async_block_till_done()
    assert hass.states.get(sightings).state == "1"  # type: ignore[union-attr]
    assert ha_person(hass, entry, other.identity_id) is None
    # The gate renamed by the user: the next sighting says the user's name, as the logbook.
    gate_device = ha_device(hass, entry, gate.id)
    assert gate_device is not None
    dr.async_get(hass).async_update_device(gate_device.id, name_by_user="Main entrance")
    await sim.fire(gate.id, identity_id=vip.identity_id)
    await wait_for(lambda: entry.runtime_data.push.recognitions == 3, what="third")
    await hass.async_block_till_done()
    state = hass.states.get(sightings)
    assert state is not None
    assert state.state == "2"
    assert state.attributes["last_seen_at"] == "Main entrance"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_person_values_restored_after_restart(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    vip = next(p for p in sim.people if p.person_type == "vip")
    entry = entry_for(sim, people=[vip.identity_id])
    registry = er.async_get(hass)
    seen = registry.async_get_or_create(
        "sensor",
        DOMAIN,
        uid(entry, "person", vip.identity_id, "last_seen"),
        suggested_object_id="vip_seen",
    ).entity_id
    where = registry.async_get_or_create(
        "sensor",
        DOMAIN,
        uid(entry, "person", vip.identity_id, "last_seen_at"),
        suggested_object_id="vip_where",
    ).entity_id
    counted = registry.async_get_or_create(
        "sensor",
        DOMAIN,
        uid(entry, "person", vip.identity_id, "sightings"),
        suggested_object_id="vip_sightings",
    ).entity_id
    when = datetime(2026, 11, 1, 8, 30, tzinfo=UTC)
    mock_restore_cache_with_extra_data(
        hass,
        (
            (
                State(
                    counted,
                    "7",
                    {"last_seen": when.isoformat(), "last_seen_at": "Front gate"},
                ),
                {"native_value": 7, "native_unit_of_measurement": None},
            ),
            (
                State(seen, when.isoformat()),
                {
                    "native_value": {
                        "__type": "<class 'datetime.datetime'>",
                        "isoformat": when.isoformat(),
                    },
                    "native_unit_of_measurement": None,
                },
            ),
            (
                State(where, "Front gate"),
                {"native_value": "Front gate", "native_unit_of_measurement": None},
            ),
        ),
    )
    await setup_entry(hass, entry, sim)
    assert hass.states.get(seen).state == when.isoformat()  # type: ignore[union-attr]
    assert hass.states.get(where).state == "Front gate"  # type: ignore[union-attr]
    state = hass.states.get(counted)
    assert state is not None
    assert state.state == "7"
    assert state.attributes["last_seen"] == when
    assert state.attributes["last_seen_at"] == "Front gate"
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize("dialect", ["v5", "v6"], indirect=True)
async def test_registered_people_sensor(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, dialect: str
) -> None:
    entry = entry_for(sim)
    await setup_entry(hass, entry, sim)
    state = hass.states.get(entity_id(hass, "sensor", uid(entry, "registered_people")))
    assert state is not None
    assert int(state.state) == len(sim.people)
    for kind in ("employee", "visitor", "blacklist", "vip"):
        assert state.attributes[kind] == len([p for p in sim.people if p.person_type == kind])
    assert state.attributes["truncated"] is False
    # No names in the attributes.
    assert not {p.name for p in sim.people} & {str(v) for v in state.attributes.values()}
    # A new registration shows after a refresh.
    sim.add_person("新人", "visitor")
    await entry.runtime_data.people.async_refresh()
    await hass.async_block_till_done()
    state = hass.states.get(entity_id(hass, "sensor", uid(entry, "registered_people")))
    assert state is not None
    assert int(state.state) == len(sim.people)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_small_register_is_followed_by_default(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        address(sim),
    )
    assert result["description_placeholders"]["people"] == str(len(sim.people))
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_DEVICES: [], CONF_FACE_IMAGE: True, CONF_REGISTERED_IMAGE: False},
    )
    assert sorted(result["options"][CONF_PEOPLE]) == sorted(p.identity_id for p in sim.people)
    await hass.async_block_till_done()
    entry = result["result"]
    for person in sim.people:
        assert ha_person(hass, entry, person.identity_id) is not None
    await hass.config_entries.async_unload(entry.entry_id)


async def test_large_register_follows_nobody_and_offers_a_capped_list(
    socket_enabled: None, hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    from custom_components.se5 import options_flow

    monkeypatch.setattr(options_flow, "MAX_PEOPLE_OPTIONS", 50)
    async with Simulator(
        host="127.0.0.1", dialect="v6", devices=2, seed=4, extra_people=300
    ) as sim:
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            address(sim),
        )
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {CONF_DEVICES: [], CONF_FACE_IMAGE: True, CONF_REGISTERED_IMAGE: False},
        )
        entry = result["result"]
        assert result["options"][CONF_PEOPLE] == []
        await hass.async_block_till_done()
        assert len(entry.runtime_data.people.data.people) == len(sim.people) > 300

        result = await hass.config_entries.options.async_init(entry.entry_id)
        result = await hass.config_entries.options.async_configure(
            result["flow_id"],
            {CONF_DEVICES: [], CONF_FACE_IMAGE: True, CONF_REGISTERED_IMAGE: False},
        )
        assert result["step_id"] == "people"
        assert result["description_placeholders"]["offered"] == "50"
        selector = next(iter(result["data_schema"].schema.values()))
        offered = [option["value"] for option in selector.config["options"]]
        assert len(offered) == 50
        pick = offered[:2]
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_PEOPLE: pick}
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
        await hass.async_block_till_done()
        for identity_id in pick:
            assert ha_person(hass, entry, identity_id) is not None

        # Unfollowing removes the person's device and entities.
        result = await hass.config_entries.options.async_init(entry.entry_id)
        result = await hass.config_entries.options.async_configure(
            result["flow_id"],
            {CONF_DEVICES: [], CONF_FACE_IMAGE: True, CONF_REGISTERED_IMAGE: False},
        )
        # The followed ones are offered even beyond the cap.
        selector = next(iter(result["data_schema"].schema.values()))
        assert set(pick) <= {option["value"] for option in selector.config["options"]}
        await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_PEOPLE: pick[:1]}
        )
        await hass.async_block_till_done()
        assert ha_person(hass, entry, pick[1]) is None
        assert ha_person(hass, entry, pick[0]) is not None
        await hass.config_entries.async_unload(entry.entry_id)

"""Entries of older releases: migrated in place, customisations kept, never "migrated" early.

Home Assistant takes True from `async_migrate_entry` as "up to date"; so the box-dependent step
of a release 0.1 entry (reading the serial) is set-up's, retried while the box is away.
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.se5 import migration
from custom_components.se5.const import (
    CONF_DEVICES,
    CONF_DIALECT,
    CONF_EVENT_PORT,
    CONF_FACE_IMAGE,
    CONF_MAC,
    CONF_PEOPLE,
    CONF_REGISTERED_IMAGE,
    CONF_REST_PORT,
    CONF_SCENE_IMAGE,
    CONF_SYSTEM_PORT,
    DOMAIN,
)
from custom_components.se5.identifiers import (
    box_identifier,
    device_identifier,
    device_unique_id,
    person_identifier,
    person_unique_id,
)
from custom_components.se5.registry import PERSON_MODEL
from se5sim import Simulator
from tests.components.conftest import entry_for, ha_box, ha_device, ha_person, setup_entry, uid


@pytest.fixture(autouse=True)
def system_port(monkeypatch: pytest.MonkeyPatch, sim: Simulator) -> None:
    """The system port was not a setting of release 0.1: the default applies (the simulator's)."""
    monkeypatch.setattr(migration, "DEFAULT_SYSTEM_PORT", sim.system_port)


def _v1_entry(sim: Simulator, unique_id: str, **options: object) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"SE5 {unique_id}",
        unique_id=unique_id,
        version=1,
        data={
            CONF_HOST: "127.0.0.1",
            CONF_REST_PORT: sim.rest_port,
            CONF_EVENT_PORT: sim.ws_port,
            CONF_DIALECT: sim.dialect,
        },
        options={
            CONF_DEVICES: [],
            CONF_FACE_IMAGE: True,
            CONF_SCENE_IMAGE: False,
            CONF_REGISTERED_IMAGE: False,
            **options,
        },
    )


async def test_migration_from_host_keyed_entries(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    """An entry of release 0.1 keeps its entity ids, names and areas under the new ids.

    While the box is away the entry is migrated as far as it can be without the box (its
    version says so), and set-up waits for the serial; the ids move once the box answers.
    """
    old = _v1_entry(sim, "127.0.0.1", **{CONF_DEVICES: [d.id for d in sim.devices]})
    old.add_to_hass(hass)
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    box = devices.async_get_or_create(
        config_entry_id=old.entry_id, identifiers={(DOMAIN, old.entry_id)}, name="SE5 127.0.0.1"
    )
    gate = sim.devices[0]
    camera = devices.async_get_or_create(
        config_entry_id=old.entry_id, identifiers={(DOMAIN, gate.id)}, name=gate.name
    )
    devices.async_update_device(camera.id, area_id="hall", name_by_user="My gate")
    sensor = entities.async_get_or_create(
        "sensor",
        DOMAIN,
        f"{gate.id}_last_person",
        config_entry=old,
        device_id=camera.id,
        suggested_object_id="my_gate_who",
    )
    entities.async_update_entity(sensor.entity_id, name="Who came")
    stream = entities.async_get_or_create(
        "binary_sensor", DOMAIN, f"{old.entry_id}_event_stream", config_entry=old, device_id=box.id
    )
    await sim.go_down()
    await hass.config_entries.async_setup(old.entry_id)
    assert old.state is ConfigEntryState.SETUP_RETRY
    assert old.error_reason_translation_key == "migration_pending"
    # Migrated as far as it goes without the box: never reported as done while it is not.
    assert (old.version, old.minor_version) == (migration.VERSION, migration.MINOR_VERSION)
    assert old.data[migration.CONF_IDENTITY_PENDING] is True
    assert old.data[CONF_SYSTEM_PORT] == sim.system_port
    assert old.unique_id == "127.0.0.1"
    assert entities.async_get(sensor.entity_id).unique_id == f"{gate.id}_last_person"  # type: ignore[union-attr]
    await sim.come_back()
    await hass.config_entries.async_reload(old.entry_id)
    await hass.async_block_till_done()

    assert old.state is ConfigEntryState.LOADED
    assert old.unique_id == sim.serial
    assert migration.CONF_IDENTITY_PENDING not in old.data
    assert old.data[CONF_MAC] == sim.mac
    migrated = entities.async_get(sensor.entity_id)
    assert migrated is not None
    assert migrated.unique_id == uid(old, gate.id, "last_person")
    assert migrated.name == "Who came"
    assert migrated.entity_id == "sensor.my_gate_who"
    stream_entry = entities.async_get(stream.entity_id)
    assert stream_entry is not None
    assert stream_entry.unique_id == uid(old, "event_stream")
    moved = ha_device(hass, old, gate.id)
    assert moved is not None
    assert moved.id == camera.id
    assert moved.area_id == "hall"
    assert moved.name_by_user == "My gate"
    moved_box = ha_box(hass, old)
    assert moved_box is not None
    assert moved_box.id == box.id
    # Every unique id is scoped by the box now; nothing was created twice.
    # (Unique ids are unique per entity domain: the event and the switch of a camera share the
    # key "recognition".)
    ids = [
        (e.domain, e.unique_id) for e in er.async_entries_for_config_entry(entities, old.entry_id)
    ]
    assert all(str(i).startswith(f"{sim.serial}_") for _, i in ids)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    await hass.config_entries.async_unload(old.entry_id)


async def test_migration_of_a_box_configured_twice(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    """Release 0.1 let one box be added by IP and by name: the second one is flagged."""
    first = _v1_entry(sim, "127.0.0.1")
    second = _v1_entry(sim, "se5.lan")
    first.add_to_hass(hass)
    second.add_to_hass(hass)
    await hass.config_entries.async_setup(first.entry_id)
    await hass.async_block_till_done()
    assert first.state is ConfigEntryState.LOADED
    assert first.unique_id == sim.serial
    assert second.state is ConfigEntryState.SETUP_ERROR
    assert second.unique_id == "se5.lan"
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, migration.duplicate_issue_id(second.entry_id)
    )
    assert issue is not None
    assert issue.translation_placeholders == {
        "entry": second.title,
        "other": first.title,
        "entry_name": "SE5 se5\\.lan",
        "other_name": "SE5 127\\.0\\.0\\.1",
    }
    # The user removes the first one and reloads the second: it is the box's entry now.
    await hass.config_entries.async_remove(first.entry_id)
    await hass.async_block_till_done()
    await hass.config_entries.async_reload(second.entry_id)
    await hass.async_block_till_done()
    assert second.state is ConfigEntryState.LOADED
    assert second.unique_id == sim.serial
    registry = ir.async_get(hass)
    assert registry.async_get_issue(DOMAIN, migration.duplicate_issue_id(second.entry_id)) is None
    await hass.config_entries.async_unload(second.entry_id)


async def test_entry_from_a_newer_release_is_not_set_up(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    entry = entry_for(sim)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, version=3)
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.MIGRATION_ERROR


async def test_joined_ids_of_2_1_become_unambiguous(
    socket_enabled: None, hass: HomeAssistant
) -> None:
    """Version 2.1 joined raw ids: a device `person_7` read as a device, the person `7` as a
    person (by their models and the options), ids with `_` escaped; nothing else changes."""
    box = "SERIAL_1"  # an underscore in the box's own id, too
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="SE5 old",
        unique_id=box,
        version=2,
        minor_version=1,
        data={CONF_HOST: "192.0.2.1"},
        options={CONF_DEVICES: ["cam", "person_7", "a_b"], CONF_PEOPLE: ["7"]},
    )
    entry.add_to_hass(hass)
    devices = dr.async_get(hass)
    entities = er.async_get(hass)

    def device(identifier: str, **info: object) -> dr.DeviceEntry:
        return devices.async_get_or_create(
            config_entry_id=entry.entry_id, identifiers={(DOMAIN, identifier)}, **info
        )

    hub = device(box, name="SE5 old")
    cam = device(f"{box}_cam", name="Cam", model="RTSP camera")
    odd = device(f"{box}_person_7", name="Odd camera", model="RTSP camera")
    person = device(f"{box}_person_42", name="Wei", model=PERSON_MODEL)
    underscored = device(f"{box}_a_b", name="A B", model="RTSP camera")
    devices.async_update_device(cam.id, area_id="hall", name_by_user="Front")

    def entity(platform: str, unique_id: str, owner: dr.DeviceEntry, name: str) -> str:
        created = entities.async_get_or_create(
            platform, DOMAIN, unique_id, config_entry=entry, device_id=owner.id
        )
        entities.async_update_entity(created.entity_id, name=name)
        return created.entity_id

    stream = entity("binary_sensor", f"{box}_event_stream", hub, "Stream")
    # Entities that lost their device: told apart by the followed ids their unique id starts
    # with; one whose unique id is not the box's is left as it is.
    orphans = {
        f"{box}_person_7_last_seen_at": person_unique_id(box, "7", "last_seen_at"),
        f"{box}_cam_last_face": device_unique_id(box, "cam", "last_face"),
        f"{box}_recognitions": "SERIAL%5F1_recognitions",
        "foreign_id": "foreign_id",
    }
    orphan_ids = {
        entities.async_get_or_create("sensor", DOMAIN, old, config_entry=entry).entity_id: new
        for old, new in orphans.items()
    }
    # An entity already at the new id keeps it; the old one is left alone (no clash).
    entities.async_get_or_create("sensor", DOMAIN, "SERIAL%5F1_health", config_entry=entry)
    clash = entities.async_get_or_create(
        "sensor", DOMAIN, f"{box}_health", config_entry=entry
    ).entity_id
    mismatched = entity("sensor", f"{box}_other_key", cam, "Not the camera's")
    who = entity("sensor", f"{box}_cam_last_person", cam, "Who")
    odd_score = entity("sensor", f"{box}_person_7_last_score", odd, "Odd score")
    seen = entity("sensor", f"{box}_person_42_last_seen", person, "Seen")
    ab_event = entity("event", f"{box}_a_b_recognition", underscored, "AB")

    assert await migration.async_migrate_entry(hass, entry)
    assert (entry.version, entry.minor_version) == (2, 2)

    assert devices.async_get(hub.id).identifiers == {box_identifier(box)}  # type: ignore[union-attr]
    assert devices.async_get(cam.id).identifiers == {device_identifier(box, "cam")}  # type: ignore[union-attr]
    assert devices.async_get(odd.id).identifiers == {device_identifier(box, "person_7")}  # type: ignore[union-attr]
    assert devices.async_get(person.id).identifiers == {person_identifier(box, "42")}  # type: ignore[union-attr]
    assert devices.async_get(underscored.id).identifiers == {device_identifier(box, "a_b")}  # type: ignore[union-attr]
    assert devices.async_get(cam.id).area_id == "hall"  # type: ignore[union-attr]
    assert devices.async_get(cam.id).name_by_user == "Front"  # type: ignore[union-attr]
    expected = {
        stream: "SERIAL%5F1_event_stream",
        who: device_unique_id(box, "cam", "last_person"),
        odd_score: device_unique_id(box, "person_7", "last_score"),
        seen: person_unique_id(box, "42", "last_seen"),
        ab_event: device_unique_id(box, "a_b", "recognition"),
    }
    expected |= orphan_ids
    expected[clash] = f"{box}_health"
    expected[mismatched] = f"{box}_other_key"
    for entity_id, unique_id in expected.items():
        found = entities.async_get(entity_id)
        assert found is not None
        assert found.unique_id == unique_id
    assert entities.async_get(who).name == "Who"  # type: ignore[union-attr]
    # The device `person_7` and a person `7` can no longer share an identifier.
    assert device_identifier(box, "person_7") != person_identifier(box, "7")
    # Migrated once: a second call changes nothing.
    assert await migration.async_migrate_entry(hass, entry)
    assert entities.async_get(who).unique_id == expected[who]  # type: ignore[union-attr]


async def test_a_device_named_like_a_person_and_that_person_stay_apart(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    """A camera whose id is `person_<id>` and that person, both followed: two devices."""
    vip = next(p for p in sim.people if p.person_type == "vip")
    camera = sim.devices[0]
    del sim._state.devices[camera.id]
    camera.id = f"person_{vip.identity_id}"
    sim._state.devices[camera.id] = camera
    entry = entry_for(sim, people=[vip.identity_id])
    await setup_entry(hass, entry, sim)
    as_device = ha_device(hass, entry, camera.id)
    as_person = ha_person(hass, entry, vip.identity_id)
    assert as_device is not None
    assert as_person is not None
    assert as_device.id != as_person.id
    assert as_device.name == camera.name
    assert as_person.name == vip.name
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_2_1_entry_without_a_unique_id_only_changes_version(
    socket_enabled: None, hass: HomeAssistant
) -> None:
    entry = MockConfigEntry(domain=DOMAIN, version=2, minor_version=1, data={CONF_HOST: "x"})
    entry.add_to_hass(hass)
    assert await migration.async_migrate_entry(hass, entry)
    assert (entry.version, entry.minor_version, entry.unique_id) == (2, 2, None)


async def test_devices_of_an_entry_still_to_be_keyed_are_kept(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    """Its ids are release 0.1's: whether a device is followed cannot be told yet."""
    from custom_components.se5 import async_remove_config_entry_device

    old = _v1_entry(sim, "127.0.0.1")
    old.add_to_hass(hass)
    await sim.go_down()
    await hass.config_entries.async_setup(old.entry_id)
    assert old.state is ConfigEntryState.SETUP_RETRY
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=old.entry_id, identifiers={(DOMAIN, "some-camera")}
    )
    assert not await async_remove_config_entry_device(hass, old, device)
    await sim.come_back()


async def test_a_2_1_entry_is_migrated_when_home_assistant_sets_it_up(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    """Home Assistant migrates an entry only when its version differs from the flow's: the
    flow is at 2.2, so a 2.1 entry of the previous release is migrated at set-up (it was taken
    as up to date: its devices were replaced, their entities, names and areas lost)."""
    from custom_components.se5.config_flow import Se5ConfigFlow

    assert (Se5ConfigFlow.VERSION, Se5ConfigFlow.MINOR_VERSION) == (
        migration.VERSION,
        migration.MINOR_VERSION,
    )
    entry = entry_for(sim)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, minor_version=1)
    serial = str(sim.serial)
    gate = sim.devices[0]
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    camera = devices.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, f"{serial}_{gate.id}")}
    )
    devices.async_update_device(camera.id, area_id="hall")
    sensor = entities.async_get_or_create(
        "sensor",
        DOMAIN,
        f"{serial}_{gate.id}_last_person",
        config_entry=entry,
        device_id=camera.id,
        suggested_object_id="my_gate_who",
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert (entry.version, entry.minor_version) == (migration.VERSION, migration.MINOR_VERSION)
    migrated = entities.async_get(sensor.entity_id)
    assert migrated is not None
    assert migrated.unique_id == uid(entry, gate.id, "last_person")
    moved = ha_device(hass, entry, gate.id)
    assert moved is not None
    assert moved.id == camera.id
    assert moved.area_id == "hall"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_rekey_moves_only_the_boxs_own_ids(hass: HomeAssistant) -> None:
    """From the MAC key to the serial: the box's part of each id changes; an id that is not
    the box's, another integration's identifier, or an id already taken stay as they are."""
    old, new = "mac-e0a509000001", "SERIAL_1"
    entry = MockConfigEntry(domain=DOMAIN, unique_id=old, data={CONF_HOST: "192.0.2.1"})
    entry.add_to_hass(hass)
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    hub = devices.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={box_identifier(old), ("other", "x")}
    )
    foreign = devices.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, "not-the-box")}
    )
    camera = devices.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={device_identifier(old, "cam_1")}
    )

    def entity(unique_id: str, owner: dr.DeviceEntry | None = None) -> str:
        return entities.async_get_or_create(
            "sensor",
            DOMAIN,
            unique_id,
            config_entry=entry,
            device_id=owner.id if owner else None,
        ).entity_id

    face = entity(device_unique_id(old, "cam_1", "last_face"), camera)
    foreign_entity = entity("not-the-box_count", foreign)
    taken = entity(f"{old}_health", hub)
    entity("SERIAL%5F1_health")  # the id it would take is in use
    migration.async_rekey(hass, entry, new)

    assert entry.unique_id == new
    assert devices.async_get(hub.id).identifiers == {box_identifier(new), ("other", "x")}  # type: ignore[union-attr]
    assert devices.async_get(foreign.id).identifiers == {(DOMAIN, "not-the-box")}  # type: ignore[union-attr]
    assert devices.async_get(camera.id).identifiers == {device_identifier(new, "cam_1")}  # type: ignore[union-attr]
    expected = {
        face: device_unique_id(new, "cam_1", "last_face"),
        foreign_entity: "not-the-box_count",
        taken: f"{old}_health",
    }
    for entity_id, unique_id in expected.items():
        assert entities.async_get(entity_id).unique_id == unique_id  # type: ignore[union-attr]

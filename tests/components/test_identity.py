"""The box's identity: unique id = serial, migration of host-keyed entries, reconfigure, DHCP."""

from __future__ import annotations

from homeassistant.config_entries import SOURCE_DHCP, SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.se5.const import (
    CONF_DEVICES,
    CONF_DIALECT,
    CONF_EVENT_PORT,
    CONF_FACE_IMAGE,
    CONF_MAC,
    CONF_REGISTERED_IMAGE,
    CONF_REST_PORT,
    CONF_SCENE_IMAGE,
    CONF_SYSTEM_PORT,
    DOMAIN,
)
from se5sim import Simulator
from tests.components.conftest import entry_for, ha_box, ha_device, setup_entry, uid
from tests.helpers import wait_for


def _address(sim: Simulator, **changes: object) -> dict[str, object]:
    return {
        CONF_HOST: "127.0.0.1",
        CONF_REST_PORT: sim.rest_port,
        CONF_EVENT_PORT: sim.ws_port,
        CONF_SYSTEM_PORT: sim.system_port,
        **changes,
    }


@pytest.mark.parametrize("dialect", ["v5", "v6"], indirect=True)
async def test_unique_id_is_the_serial(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, dialect: str
) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], _address(sim))
    assert result["step_id"] == "devices"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_DEVICES: [sim.devices[0].id], CONF_FACE_IMAGE: True, CONF_REGISTERED_IMAGE: False},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    assert entry.unique_id == sim.serial
    assert entry.data[CONF_MAC] == sim.mac
    assert entry.data[CONF_SYSTEM_PORT] == sim.system_port
    await hass.async_block_till_done()
    box = ha_box(hass, entry)
    assert box is not None
    assert box.serial_number == sim.serial
    await hass.config_entries.async_unload(entry.entry_id)


async def test_the_same_box_under_another_address_is_already_configured(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    """Typed by host name in one entry and by IP address in a new flow: one box."""
    known = entry_for(sim)
    known.add_to_hass(hass)
    hass.config_entries.async_update_entry(known, data={**known.data, CONF_HOST: "se5.lan"})
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], _address(sim))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_wrong_event_port_is_reported(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, unused_tcp_port: int
) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _address(sim, **{CONF_EVENT_PORT: unused_tcp_port})
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_EVENT_PORT: "cannot_connect_events"}
    # The REST port answers an HTTP request, but it is not a WebSocket.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _address(sim, **{CONF_EVENT_PORT: sim.rest_port})
    )
    assert result["errors"] == {CONF_EVENT_PORT: "cannot_connect_events"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], _address(sim))
    assert result["step_id"] == "devices"


async def test_system_port_without_serial_falls_back_to_the_mac(
    socket_enabled: None, hass: HomeAssistant
) -> None:
    async with Simulator(host="127.0.0.1", dialect="v5", devices=2, seed=3) as sim:
        sim.fail_system("down")
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
        result = await hass.config_entries.flow.async_configure(result["flow_id"], _address(sim))
        assert result["step_id"] == "devices", result.get("errors")
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {CONF_DEVICES: [], CONF_FACE_IMAGE: True, CONF_REGISTERED_IMAGE: False},
        )
        assert sim.mac is not None
        assert result["result"].unique_id == "mac-" + sim.mac.replace(":", "")
        sim.clear_system_failure()
        await hass.config_entries.async_unload(result["result"].entry_id)


async def test_migration_from_host_keyed_entries(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An entry of release 0.1 keeps its entity ids, names and areas under the new ids."""
    old = MockConfigEntry(
        domain=DOMAIN,
        title="SE5 127.0.0.1",
        unique_id="127.0.0.1",
        version=1,
        data={
            CONF_HOST: "127.0.0.1",
            CONF_REST_PORT: sim.rest_port,
            CONF_EVENT_PORT: sim.ws_port,
            CONF_DIALECT: sim.dialect,
        },
        options={
            CONF_DEVICES: [d.id for d in sim.devices],
            CONF_FACE_IMAGE: True,
            CONF_SCENE_IMAGE: False,
            CONF_REGISTERED_IMAGE: False,
        },
    )
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
    # The system port was not a setting of release 0.1: the default applies (here, the
    # simulator's). While the box is away, set-up waits for it, and migrates once it answers.
    from custom_components.se5 import migration

    monkeypatch.setattr(migration, "DEFAULT_SYSTEM_PORT", sim.system_port)
    await sim.go_down()
    await hass.config_entries.async_setup(old.entry_id)
    assert old.version == 1
    assert old.state is ConfigEntryState.SETUP_RETRY
    assert old.error_reason_translation_key == "migration_pending"
    await sim.come_back()
    await hass.config_entries.async_reload(old.entry_id)
    await hass.async_block_till_done()

    assert old.state is ConfigEntryState.LOADED
    assert old.version == 2
    assert old.unique_id == sim.serial
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
    assert not [
        e
        for e in er.async_entries_for_config_entry(entities, old.entry_id)
        if not str(e.unique_id).startswith(f"{sim.serial}_")
    ]
    await hass.config_entries.async_unload(old.entry_id)


async def test_reconfigure_same_box_and_refuse_another(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, unused_tcp_port: int
) -> None:
    """The box's REST port was changed on the box: the entry cannot set up until fixed."""
    entry = entry_for(sim)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_REST_PORT: unused_tcp_port}
    )
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    defaults = {str(key): key.default() for key in result["data_schema"].schema}
    assert defaults[CONF_REST_PORT] == unused_tcp_port  # the form shows what is set
    result = await hass.config_entries.flow.async_configure(result["flow_id"], _address(sim))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_REST_PORT] == sim.rest_port
    await hass.async_block_till_done()
    await wait_for(lambda: entry.state is ConfigEntryState.LOADED, what="reloaded")
    await wait_for(lambda: entry.runtime_data.push.connected, what="connected")

    async with Simulator(host="127.0.0.1", dialect="v5", devices=1, seed=99) as other:
        assert other.serial != sim.serial
        result = await entry.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(result["flow_id"], _address(other))
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "wrong_box"
        assert result["description_placeholders"] == {"title": entry.title}
    assert entry.data[CONF_REST_PORT] == sim.rest_port
    await hass.config_entries.async_unload(entry.entry_id)


async def test_same_box_known_by_its_mac_while_its_system_api_is_down(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    """Without its serial the box is known by its MAC: still the box added with its serial,
    so reconfigure goes on and adding it again is refused."""
    entry = entry_for(sim)
    await setup_entry(hass, entry, sim)
    sim.fail_system("down")
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], _address(sim))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], _address(sim))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    sim.clear_system_failure()
    await hass.config_entries.async_unload(entry.entry_id)


async def test_reconfigure_reports_errors(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, unused_tcp_port: int
) -> None:
    entry = entry_for(sim)
    await setup_entry(hass, entry, sim)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _address(sim, **{CONF_REST_PORT: unused_tcp_port})
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], _address(sim))
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(entry.entry_id)


def _dhcp(sim: Simulator, ip: str = "127.0.0.1") -> DhcpServiceInfo:
    assert sim.mac is not None
    return DhcpServiceInfo(ip=ip, hostname="bm1684", macaddress=sim.mac.replace(":", ""))


@pytest.fixture
def default_ports(monkeypatch: pytest.MonkeyPatch, sim: Simulator) -> None:
    """Discovery probes the default ports: here they are the simulator's."""
    from custom_components.se5 import config_flow

    monkeypatch.setattr(
        config_flow,
        "DEFAULT_PORTS",
        {
            CONF_REST_PORT: sim.rest_port,
            CONF_EVENT_PORT: sim.ws_port,
            CONF_SYSTEM_PORT: sim.system_port,
        },
    )


@pytest.mark.parametrize("dialect", ["v5", "v6"], indirect=True)
async def test_dhcp_discovers_a_new_box(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, default_ports: None
) -> None:
    # Another box is configured already: it is not this one.
    MockConfigEntry(
        domain=DOMAIN,
        unique_id="OTHERSERIAL",
        version=2,
        data={CONF_HOST: "10.0.0.2", CONF_MAC: "e0:a5:09:00:00:01"},
    ).add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=_dhcp(sim)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "discovery_confirm"
    assert result["description_placeholders"]["serial"] == sim.serial
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["step_id"] == "devices"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_DEVICES: [], CONF_FACE_IMAGE: True, CONF_REGISTERED_IMAGE: False},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    assert entry.unique_id == sim.serial
    assert entry.data[CONF_SYSTEM_PORT] == sim.system_port
    assert len(hass.config_entries.async_entries(DOMAIN)) == 2
    await hass.async_block_till_done()
    # Seen again: nothing new, no network.
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=_dhcp(sim)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_dhcp_confirm_with_a_dead_event_port_asks_for_the_ports(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    default_ports: None,
    monkeypatch: pytest.MonkeyPatch,
    unused_tcp_port: int,
) -> None:
    from custom_components.se5 import config_flow

    monkeypatch.setitem(config_flow.DEFAULT_PORTS, CONF_EVENT_PORT, unused_tcp_port)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=_dhcp(sim)
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["step_id"] == "user"
    assert result["errors"] == {CONF_EVENT_PORT: "cannot_connect_events"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], _address(sim))
    assert result["step_id"] == "devices"


async def test_dhcp_moves_a_known_box(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    """The box got a new address: the entry follows, without a user step or a second entry."""
    entry = entry_for(sim)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_HOST: "10.9.8.7"})
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=_dhcp(sim, ip="127.0.0.1")
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == "127.0.0.1"
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1
    assert not hass.config_entries.flow.async_progress()
    await hass.async_block_till_done()
    await wait_for(lambda: entry.state is ConfigEntryState.LOADED, what="set up at the new address")
    await wait_for(lambda: entry.runtime_data.push.connected, what="connected")
    await hass.config_entries.async_unload(entry.entry_id)


async def test_dhcp_of_something_else_aborts(socket_enabled: None, hass: HomeAssistant) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_DHCP},
        data=DhcpServiceInfo(ip="127.0.0.1", hostname="x", macaddress="e0a509000001"),
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_se5"


async def test_another_box_at_the_address_is_not_set_up(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    entry = entry_for(sim)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, unique_id="SOMEOTHERSERIAL", data={**entry.data, CONF_MAC: "e0:a5:09:ff:ff:ff"}
    )
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.error_reason_translation_key == "wrong_box"


def _v1_entry(sim: Simulator, unique_id: str) -> MockConfigEntry:
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
        options={CONF_DEVICES: [], CONF_FACE_IMAGE: True, CONF_REGISTERED_IMAGE: False},
    )


async def test_migration_of_a_box_configured_twice(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Release 0.1 let one box be added by IP and by name: the second one is flagged."""
    from homeassistant.helpers import issue_registry as ir

    from custom_components.se5 import migration

    monkeypatch.setattr(migration, "DEFAULT_SYSTEM_PORT", sim.system_port)
    first = _v1_entry(sim, "127.0.0.1")
    second = _v1_entry(sim, "se5.lan")
    first.add_to_hass(hass)
    second.add_to_hass(hass)
    await hass.config_entries.async_setup(first.entry_id)
    await hass.async_block_till_done()
    assert first.state is ConfigEntryState.LOADED
    assert first.unique_id == sim.serial
    assert second.state is ConfigEntryState.MIGRATION_ERROR
    assert second.version == 1
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, migration.duplicate_issue_id(second.entry_id)
    )
    assert issue is not None
    assert issue.translation_placeholders == {"entry": second.title, "other": first.title}
    # The user removes the first one: the second migrates at Home Assistant's next start
    # (an entry that failed its migration waits for one), and the issue goes.
    await hass.config_entries.async_remove(first.entry_id)
    await hass.async_block_till_done()
    assert await migration.async_migrate_entry(hass, second)
    assert second.unique_id == sim.serial
    registry = ir.async_get(hass)
    assert registry.async_get_issue(DOMAIN, migration.duplicate_issue_id(second.entry_id)) is None


async def test_entry_from_a_newer_release_is_not_set_up(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    entry = entry_for(sim)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, version=3)
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.MIGRATION_ERROR

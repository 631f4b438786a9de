"""The box's identity: unique id = serial, reconfigure, another box at the address."""

from __future__ import annotations

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.se5.const import (
    CONF_DEVICES,
    CONF_EVENT_PORT,
    CONF_FACE_IMAGE,
    CONF_MAC,
    CONF_PEOPLE,
    CONF_REGISTERED_IMAGE,
    CONF_REST_PORT,
    CONF_SYSTEM_PORT,
    DOMAIN,
)
from se5sim import Simulator
from tests.components.conftest import address, entry_for, ha_box, ha_device, setup_entry
from tests.helpers import wait_for


@pytest.mark.parametrize("dialect", ["v5", "v6"], indirect=True)
async def test_unique_id_is_the_serial(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, dialect: str
) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], address(sim))
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
    result = await hass.config_entries.flow.async_configure(result["flow_id"], address(sim))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_wrong_event_port_is_reported(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, unused_tcp_port: int
) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], address(sim, **{CONF_EVENT_PORT: unused_tcp_port})
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_EVENT_PORT: "cannot_connect_events"}
    # The REST port answers an HTTP request, but it is not a WebSocket.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], address(sim, **{CONF_EVENT_PORT: sim.rest_port})
    )
    assert result["errors"] == {CONF_EVENT_PORT: "cannot_connect_events"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], address(sim))
    assert result["step_id"] == "devices"


async def test_system_port_without_serial_falls_back_to_the_mac(
    socket_enabled: None, hass: HomeAssistant, dialect: str
) -> None:
    """Another box added by its own MAC does not make this one that box (V5: the MAC is read
    over REST; a V6 box without its system API cannot be identified, tested with the flow's
    errors)."""
    other = MockConfigEntry(
        domain=DOMAIN,
        unique_id="mac-e0a509ffffff",
        data={CONF_HOST: "127.0.0.9", CONF_MAC: "e0:a5:09:ff:ff:ff"},
    )
    other.add_to_hass(hass)
    async with Simulator(host="127.0.0.1", dialect=dialect, devices=2, seed=3) as sim:
        sim.fail_system("down")
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
        result = await hass.config_entries.flow.async_configure(result["flow_id"], address(sim))
        assert result["step_id"] == "devices", result.get("errors")
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {CONF_DEVICES: [], CONF_FACE_IMAGE: True, CONF_REGISTERED_IMAGE: False},
        )
        assert sim.mac is not None
        assert result["result"].unique_id == "mac-" + sim.mac.replace(":", "")
        sim.clear_system_failure()
        await hass.config_entries.async_unload(result["result"].entry_id)


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
    result = await hass.config_entries.flow.async_configure(result["flow_id"], address(sim))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_REST_PORT] == sim.rest_port
    await hass.async_block_till_done()
    await wait_for(lambda: entry.state is ConfigEntryState.LOADED, what="reloaded")
    await wait_for(lambda: entry.runtime_data.push.connected, what="connected")

    async with Simulator(host="127.0.0.1", dialect="v5", devices=1, seed=99) as other:
        assert other.serial != sim.serial
        result = await entry.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(result["flow_id"], address(other))
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "wrong_box"
        # Markdown: the entry's title (the box's host name) stays text.
        assert result["description_placeholders"] == {"title": "SE5 127\\.0\\.0\\.1"}
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
    result = await hass.config_entries.flow.async_configure(result["flow_id"], address(sim))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], address(sim))
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
        result["flow_id"], address(sim, **{CONF_REST_PORT: unused_tcp_port})
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], address(sim))
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(entry.entry_id)


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


async def test_another_box_with_this_mac_at_the_address_is_not_set_up(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    """The MAC is no proof: a box answering another serial is another box, whatever MAC it
    gives (before, the same MAC let it through)."""
    entry = entry_for(sim)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, unique_id="SOMEOTHERSERIAL")
    assert entry.data[CONF_MAC] == sim.mac
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.error_reason_translation_key == "wrong_box"


async def test_a_box_whose_system_api_is_down_sets_up_on_what_the_entry_knows(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    entry = entry_for(sim)
    sim.fail_system("down")
    await setup_entry(hass, entry, sim)
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.box.mac == entry.data[CONF_MAC]
    assert entry.runtime_data.box.serial is None
    sim.clear_system_failure()
    await hass.config_entries.async_unload(entry.entry_id)


async def test_the_mac_follows_the_box_once_its_serial_is_the_entrys(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    """A new network card: the serial proves the box, then its new MAC is taken."""
    entry = entry_for(sim)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_MAC: "e0:a5:09:ff:ff:ff"}
    )
    await setup_entry(hass, entry, sim)
    assert entry.data[CONF_MAC] == sim.mac
    await hass.config_entries.async_unload(entry.entry_id)


async def test_reconfigure_to_another_box_with_this_mac_is_refused(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    """The MAC is no proof against a serial: a box telling another serial is another box,
    whatever MAC it gives (the flow took the entry's own identity from the MAC)."""
    entry = entry_for(sim)
    await setup_entry(hass, entry, sim)
    async with Simulator(host="127.0.0.1", devices=1, seed=99, mac=sim.mac) as other:
        assert other.serial != sim.serial
        result = await entry.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(result["flow_id"], address(other))
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "wrong_box"
        # Nor can it be added as a new box: it is not this one.
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
        result = await hass.config_entries.flow.async_configure(result["flow_id"], address(other))
        assert result["step_id"] == "devices"
    assert entry.data[CONF_REST_PORT] == sim.rest_port
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_box_added_by_its_mac_is_keyed_by_its_serial_once_it_tells_it(
    socket_enabled: None, hass: HomeAssistant
) -> None:
    """Added while its system API was down (keyed by its MAC), the box tells its serial later:
    the entry takes it, ids rewritten in place (it was refused as another box, for good)."""
    async with Simulator(host="127.0.0.1", dialect="v5", devices=2, seed=3) as sim:
        sim.fail_system("down")
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
        result = await hass.config_entries.flow.async_configure(result["flow_id"], address(sim))
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {
                CONF_DEVICES: [sim.devices[0].id],
                CONF_FACE_IMAGE: True,
                CONF_REGISTERED_IMAGE: False,
            },
        )
        entry = result["result"]
        assert sim.mac is not None
        assert entry.unique_id == "mac-" + sim.mac.replace(":", "")
        await hass.async_block_till_done()
        assert entry.state is ConfigEntryState.LOADED
        entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        before = {e.entity_id for e in entities}
        assert before

        # The same box, now telling its serial; then another box, with the same MAC.
        sim.clear_system_failure()
        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
        assert entry.state is ConfigEntryState.LOADED
        assert entry.unique_id == sim.serial
        entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        assert {e.entity_id for e in entities} == before  # the same entities, re-keyed
        assert all(e.unique_id.startswith(f"{sim.serial}_") for e in entities)
        box = ha_box(hass, entry)
        assert box is not None
        assert box.serial_number == sim.serial
        assert ha_device(hass, entry, sim.devices[0].id) is not None
        devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
        # The box, its camera and the people of its small register: no copy, none left behind.
        assert len(devices) == 2 + len(entry.options[CONF_PEOPLE])
        assert not [i for d in devices for _, i in d.identifiers if i.startswith("mac-")]
        await hass.config_entries.async_unload(entry.entry_id)


async def test_a_box_keyed_by_its_mac_does_not_take_another_boxs_serial(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    """Keyed by a MAC that the box at its address does not give: another box."""
    entry = entry_for(sim)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, unique_id="mac-e0a509ffffff")
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.error_reason_translation_key == "wrong_box"
    assert entry.unique_id == "mac-e0a509ffffff"


async def test_a_box_keyed_by_its_mac_is_already_configured(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    """Telling its serial now, the box of an entry keyed by its MAC is that entry's box."""
    assert sim.mac is not None
    known = entry_for(sim)
    known.add_to_hass(hass)
    hass.config_entries.async_update_entry(known, unique_id="mac-" + sim.mac.replace(":", ""))
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], address(sim))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_a_box_keyed_by_its_mac_and_by_its_serial_is_refused_once(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    """The entry keyed by the MAC turns out to be the same box as the one keyed by the serial:
    it is not set up (a repair says which), and keeps its key."""
    assert sim.mac is not None
    by_mac = "mac-" + sim.mac.replace(":", "")
    by_serial = entry_for(sim)
    by_serial.add_to_hass(hass)
    entry = entry_for(sim)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, unique_id=by_mac)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.unique_id == by_mac
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"duplicate_box_{entry.entry_id}")
    assert issue is not None

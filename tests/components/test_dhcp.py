"""DHCP discovery: a new box offered, a known box followed to its new address by its serial.

The MAC of a DHCP packet proves nothing (any host can send it): an entry moves only when the
serial read at the new address is its own. Every device of the box's maker is probed, so the
probe of an unknown one is a single quiet request.
"""

from __future__ import annotations

import logging

from aiohttp import web
from homeassistant.config_entries import SOURCE_DHCP, ConfigEntryState
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.se5.const import (
    CONF_DEVICES,
    CONF_EVENT_PORT,
    CONF_FACE_IMAGE,
    CONF_MAC,
    CONF_REGISTERED_IMAGE,
    CONF_REST_PORT,
    CONF_SYSTEM_PORT,
    DOMAIN,
)
from se5sim import Simulator
from tests.client.hostile import HostileBox
from tests.components.conftest import address, entry_for
from tests.helpers import start_http_server, wait_for


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
    result = await hass.config_entries.flow.async_configure(result["flow_id"], address(sim))
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


async def test_an_impostor_with_the_box_mac_does_not_move_the_entry(
    socket_enabled: None,
    other_hosts: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Another host sends a DHCP packet with the box's MAC and answers another serial."""
    assert sim.mac is not None
    impostor = HostileBox(
        host="127.0.0.2", serial="IMPOSTOR00000001", mac=sim.mac, system_port=sim.system_port
    )
    await impostor.start()
    try:
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_DHCP}, data=_dhcp(sim, ip="127.0.0.2")
        )
        await hass.async_block_till_done()
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "already_configured"
        assert entry.data[CONF_HOST] == "127.0.0.1"
        assert entry.state is ConfigEntryState.LOADED
        assert entry.runtime_data.push.connected
        # One call: the serial; nothing on any other port, no subscription.
        assert dict(impostor.hits) == {"/SophonSystem/api/deviceSN": 1}
        assert not impostor.ws.subscriptions
        assert "it is another box" in caplog.text
    finally:
        await impostor.stop()


async def test_a_box_whose_system_api_is_down_keeps_itsaddress(
    socket_enabled: None,
    other_hosts: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Nothing answers for the serial at the new address: the entry stays, the log says so."""
    caplog.set_level(logging.INFO, logger="custom_components.se5")
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=_dhcp(sim, ip="127.0.0.3")
    )
    await hass.async_block_till_done()
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == "127.0.0.1"
    assert entry.state is ConfigEntryState.LOADED
    assert "no serial number could be read there" in caplog.text
    assert "the entry keeps the address 127.0.0.1" in caplog.text


@pytest.mark.parametrize(
    ("answer", "calls"),
    [
        (web.Response(text="<html>a printer</html>", content_type="text/html"), 1),
        (web.json_response({"error": {"code": 40400, "message": "no"}}, status=404), 2),
    ],
    ids=["html", "not_found"],
)
async def test_the_probe_of_an_unknown_device_is_one_quiet_request(
    socket_enabled: None,
    hass: HomeAssistant,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    answer: web.Response,
    calls: int,
) -> None:
    """Another device of the maker: one call on the system port (two when its path is not
    there: V6's then), nothing on any other port, nothing logged above debug."""
    from custom_components.se5 import config_flow

    system: list[str] = []
    rest: list[str] = []

    async def on_system(request: web.Request) -> web.Response:
        system.append(request.path)
        return web.Response(body=answer.body, status=answer.status, headers=answer.headers)

    async def on_rest(request: web.Request) -> web.Response:
        rest.append(request.path)
        return web.json_response({})

    system_port, system_runner = await start_http_server(on_system)
    rest_port, rest_runner = await start_http_server(on_rest)
    monkeypatch.setattr(
        config_flow,
        "DEFAULT_PORTS",
        {CONF_REST_PORT: rest_port, CONF_EVENT_PORT: rest_port, CONF_SYSTEM_PORT: system_port},
    )
    caplog.set_level(logging.DEBUG)
    try:
        result = await hass.config_entries.flow.async_init(
            DOMAIN,
            context={"source": SOURCE_DHCP},
            data=DhcpServiceInfo(ip="127.0.0.1", hostname="printer", macaddress="e0a509123456"),
        )
    finally:
        await system_runner.cleanup()
        await rest_runner.cleanup()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_se5"
    assert len(system) == calls
    assert not rest
    ours = [r for r in caplog.records if r.name.startswith("custom_components.se5")]
    assert ours
    assert all(r.levelno <= logging.DEBUG for r in ours)


async def test_what_the_box_says_stays_text_in_the_confirm_step(
    socket_enabled: None, hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A serial written as Markdown (a link, an image fetched from elsewhere) is shown as it is."""
    from custom_components.se5 import config_flow

    box = HostileBox(serial="![x](http://192.0.2.9/t.png)[click](http://192.0.2.9)")
    await box.start()
    monkeypatch.setattr(
        config_flow,
        "DEFAULT_PORTS",
        {
            CONF_REST_PORT: box.rest_port,
            CONF_EVENT_PORT: box.ws_port,
            CONF_SYSTEM_PORT: box.system_port,
        },
    )
    try:
        result = await hass.config_entries.flow.async_init(
            DOMAIN,
            context={"source": SOURCE_DHCP},
            data=DhcpServiceInfo(ip="127.0.0.1", hostname="x", macaddress="e0a509aabbcc"),
        )
    finally:
        await box.stop()
    assert result["step_id"] == "discovery_confirm"
    serial = result["description_placeholders"]["serial"]
    assert serial == (
        "\\!\\[x\\]\\(http\\:\\/\\/192\\.0\\.2\\.9\\/t\\.png\\)"
        "\\[click\\]\\(http\\:\\/\\/192\\.0\\.2\\.9\\)"
    )
    assert result["description_placeholders"]["host"] == "127\\.0\\.0\\.1"


async def test_a_dhcp_packet_with_another_mac_changes_nothing(
    socket_enabled: None,
    hass: HomeAssistant,
    default_ports: None,
    entry: MockConfigEntry,
    sim: Simulator,
) -> None:
    """A packet from the box's own address with a MAC that is not the box's: the serial there
    is the entry's, its address already the entry's; the packet's MAC is not taken (it proves
    nothing: the box tells its own) and the entry is not reloaded."""
    data = entry.runtime_data
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_DHCP},
        data=DhcpServiceInfo(ip="127.0.0.1", hostname="x", macaddress="e0a509777777"),
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_MAC] == sim.mac
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data is data  # not reloaded
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_box_with_a_new_mac_and_address_is_moved_by_its_serial(
    socket_enabled: None, hass: HomeAssistant, default_ports: None, sim: Simulator
) -> None:
    """Neither the address nor the MAC is the entry's, the serial there is: the entry moves,
    and takes the MAC the box tells (not the packet's)."""
    entry = entry_for(sim)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_HOST: "10.9.8.7", CONF_MAC: "e0:a5:09:ff:ff:ff"}
    )
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_DHCP},
        data=DhcpServiceInfo(ip="127.0.0.1", hostname="x", macaddress="e0a509777777"),
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == "127.0.0.1"
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.data[CONF_MAC] == sim.mac
    await hass.config_entries.async_unload(entry.entry_id)

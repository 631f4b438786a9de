"""Every error of the config flow is shown on its field, and the flow recovers to an entry."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from aiohttp import web
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.se5.client import Se5Client, Se5Error
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
from custom_components.se5.flow_common import error_key
from se5sim import Simulator
from tests.components.conftest import address
from tests.helpers import start_http_server

type Break = Callable[[Simulator, dict[str, Any]], Awaitable[None]]
"""Makes the form's input wrong (changing the input or the box)."""
type Mend = Callable[[Simulator, dict[str, Any]], Awaitable[None]]


@pytest.fixture
async def not_a_box_port(socket_enabled: None) -> AsyncIterator[int]:
    """A web server that is not a box (a router's page)."""

    async def answer(request: web.Request) -> web.Response:
        return web.Response(text="<html>router</html>", content_type="text/html")

    port, runner = await start_http_server(answer)
    yield port
    await runner.cleanup()


async def _recovers(
    hass: HomeAssistant,
    sim: Simulator,
    typed: dict[str, Any],
    errors: dict[str, str],
    mend: Callable[[], Awaitable[dict[str, Any]]],
) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], typed)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == errors
    # The form keeps what was typed.
    defaults = {str(key): key.default() for key in result["data_schema"].schema}
    assert defaults[CONF_HOST] == typed[CONF_HOST]
    result = await hass.config_entries.flow.async_configure(result["flow_id"], await mend())
    assert result["step_id"] == "devices", result.get("errors")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_DEVICES: [sim.devices[0].id], CONF_FACE_IMAGE: True, CONF_REGISTERED_IMAGE: False},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(result["result"].entry_id)


@pytest.mark.parametrize("host", ["", "   ", "http://", "bad host", "1.2.3.4:notaport"])
async def test_invalid_host(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, host: str
) -> None:
    async def mend() -> dict[str, Any]:
        return address(sim)

    await _recovers(hass, sim, {**address(sim), CONF_HOST: host}, {CONF_HOST: "invalid_host"}, mend)


async def test_box_down(socket_enabled: None, hass: HomeAssistant, sim: Simulator) -> None:
    await sim.go_down()

    async def mend() -> dict[str, Any]:
        await sim.come_back()
        return address(sim)

    await _recovers(hass, sim, address(sim), {"base": "cannot_connect"}, mend)


@pytest.mark.parametrize(("mode", "error"), [("init", "box_starting"), ("http500", "box_error")])
async def test_box_errors(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, mode: Any, error: str
) -> None:
    sim.fail_rest(mode)

    async def mend() -> dict[str, Any]:
        sim.clear_rest_failure()
        return address(sim)

    await _recovers(hass, sim, address(sim), {"base": error}, mend)


async def test_not_a_box(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, not_a_box_port: int
) -> None:
    async def mend() -> dict[str, Any]:
        return address(sim)

    await _recovers(
        hass, sim, {**address(sim), CONF_REST_PORT: not_a_box_port}, {"base": "not_se5"}, mend
    )


async def test_wrong_event_port(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, unused_tcp_port: int
) -> None:
    async def mend() -> dict[str, Any]:
        return address(sim)

    await _recovers(
        hass,
        sim,
        {**address(sim), CONF_EVENT_PORT: unused_tcp_port},
        {CONF_EVENT_PORT: "cannot_connect_events"},
        mend,
    )


async def test_box_that_cannot_be_identified(
    socket_enabled: None, hass: HomeAssistant, unused_tcp_port: int
) -> None:
    """A wrong system port, and no MAC in the box's configuration to fall back on."""
    async with Simulator(host="127.0.0.1", dialect="v5", devices=2, seed=8, mac=None) as sim:

        async def mend() -> dict[str, Any]:
            return address(sim)

        await _recovers(
            hass,
            sim,
            {**address(sim), CONF_SYSTEM_PORT: unused_tcp_port},
            {CONF_SYSTEM_PORT: "cannot_identify"},
            mend,
        )
        entry = hass.config_entries.async_entries(DOMAIN)[0]
        assert entry.unique_id == sim.serial
        assert CONF_MAC not in entry.data  # the box tells none


async def test_unexpected_error(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A failure the integration did not foresee (a bug) is a form error, logged once."""
    real = Se5Client.list_devices
    calls = 0

    async def failing_once(self: Se5Client) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("a bug")
        return await real(self)

    monkeypatch.setattr(Se5Client, "list_devices", failing_once)

    async def mend() -> dict[str, Any]:
        return address(sim)

    await _recovers(hass, sim, address(sim), {"base": "unknown"}, mend)
    assert "Unexpected error while checking the SE5 box at 127.0.0.1" in caplog.text
    assert calls >= 2  # the failing check, then the mended one (and the set-up after it)


def test_a_client_error_of_no_known_kind_is_the_boxs_error() -> None:
    assert error_key(Se5Error("something else")) == "box_error"

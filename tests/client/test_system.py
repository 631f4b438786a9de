"""Box identity and health against the simulator's system API, over real sockets."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.se5.client import (
    DEFAULT_SYSTEM_PORT,
    BoxInfo,
    Dialect,
    Se5BoxStartingError,
    Se5Client,
    Se5ConnectionError,
    Se5NotABoxError,
    Se5ServerError,
)
from se5sim import Simulator
from tests.helpers import start_http_server

GIB = 1024**3
MakeSim = Callable[..., Awaitable[Simulator]]


def client_for(sim: Simulator, session: aiohttp.ClientSession, **kwargs: Any) -> Se5Client:
    return Se5Client(session, "127.0.0.1", sim.rest_port, system_port=sim.system_port, **kwargs)


@pytest.fixture
async def make_sim(socket_enabled: None) -> AsyncIterator[Callable[..., Awaitable[Simulator]]]:
    """Started simulators on free ports, stopped afterwards."""
    started: list[Simulator] = []

    async def factory(**kwargs: Any) -> Simulator:
        sim = Simulator(host="127.0.0.1", seed=7, **kwargs)
        await sim.start()
        started.append(sim)
        return sim

    yield factory
    for sim in started:
        await sim.stop()


async def test_box_info(sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect) -> None:
    client = client_for(sim, session)
    info = await client.get_box_info()
    assert client.dialect is dialect  # detected first through the device list
    assert info.serial == sim.serial
    assert info.unique_id == sim.serial
    assert info.mac == sim.mac
    assert info.mac is not None
    assert info.mac.startswith("e0:a5:09:")
    assert info.hostname == "BM1684-180"
    if dialect is Dialect.V5:
        assert (info.model, info.hardware_version, info.mcu_version) == ("SE5", "SE50210", "0x23")
        assert info.firmware_version == "V5R3C01_686e472"
    else:
        assert (info.model, info.hardware_version, info.mcu_version) == ("SE50221", "V1.2", "0x34")
        assert info.firmware_version == "V6R2C01_3f9e2a1"
    assert DEFAULT_SYSTEM_PORT == 8888


async def test_serial_missing_falls_back_to_the_mac(
    make_sim: MakeSim, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    sim = await make_sim(dialect=dialect.value, serial=None, mac="E0:A5:09:00:42:6C")
    info = await client_for(sim, session, dialect=dialect).get_box_info()
    assert info.serial is None
    assert info.mac == "e0:a5:09:00:42:6c"
    assert info.unique_id == "mac-e0a50900426c"


async def test_system_down_falls_back_to_box_mac(
    make_sim: MakeSim, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    """V5's `BOX_MAC`, read by name (the whole list holds the box's passwords); V6 has none."""
    sim = await make_sim(dialect=dialect.value, mac="e0:a5:09:12:34:56")
    sim.fail_system("down")
    if dialect is Dialect.V5:
        info = await client_for(sim, session, dialect=dialect).get_box_info()
        assert info == BoxInfo(mac="e0:a5:09:12:34:56")
        assert info.unique_id == "mac-e0a509123456"
    else:
        with pytest.raises(Se5ConnectionError):
            await client_for(sim, session, dialect=dialect).get_box_info()
    assert sim.config_list_reads == 0
    sim.clear_system_failure()
    assert (await client_for(sim, session, dialect=dialect).get_box_info()).serial == sim.serial


async def test_box_without_identity(
    make_sim: MakeSim, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    sim = await make_sim(dialect=dialect.value, serial=None, mac=None)
    with pytest.raises(Se5NotABoxError, match="no serial number and no MAC"):
        await client_for(sim, session, dialect=dialect).get_box_info()


async def test_nothing_answers(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    client = client_for(sim, session, dialect=dialect)
    sim.fail_system("down")
    sim.fail_rest("http500")
    with pytest.raises(Se5ConnectionError) as caught:
        await client.get_box_info()
    assert not isinstance(caught.value, Se5ServerError)  # the refused system port comes first
    sim.clear_rest_failure()
    sim.fail_system("http500")
    sim.fail_rest("init")
    # V5 reads BOX_MAC on port 5555, which says the box is starting; V6 has no such fallback.
    with pytest.raises(Se5BoxStartingError if dialect is Dialect.V5 else Se5ServerError):
        await client.get_box_info()


async def test_unknown_dialect_is_detected_first(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    await sim.go_down()
    with pytest.raises(Se5ConnectionError):
        await client_for(sim, session).get_box_info()


async def test_health(sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect) -> None:
    client = client_for(sim, session, dialect=dialect)
    health = await client.get_health()
    expected = sim.health
    assert health.core_temperature == expected.core_temperature
    assert health.board_temperature == expected.board_temperature
    assert health.cpu_usage == pytest.approx(expected.cpu_rate * 100)
    assert health.tpu_usage == pytest.approx(expected.tpu_rate * 100)
    assert health.memory_usage == pytest.approx(expected.memory_rate * 100)
    # sizes travel as text with two decimals: exact to 0.01 GiB
    assert health.memory_total == pytest.approx(expected.memory_total, abs=0.006 * GIB)
    assert health.memory_used == pytest.approx(expected.memory_used, rel=1e-4)
    assert health.disk_usage == pytest.approx(expected.disk_rate * 100)
    assert health.disk_total == pytest.approx(expected.disk_total, abs=0.006 * GIB)
    assert health.disk_free == pytest.approx(
        expected.disk_total - expected.disk_used, abs=0.006 * GIB
    )
    assert health.external_disk is False
    assert health.external_disk_usage is None
    assert health.external_disk_total is None
    assert health.fan_speed == expected.fan_rpm
    assert health.uptime == timedelta(hours=3, minutes=57)
    assert health.firmware_version == (
        "V5R3C01_686e472" if dialect is Dialect.V5 else "V6R2C01_3f9e2a1"
    )


async def test_health_follows_the_box(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    client = client_for(sim, session, dialect=dialect)
    sim.health.core_temperature = 71.5
    sim.health.cpu_rate = 0.93
    sim.health.external_disk = True
    sim.health.external_total = 2 * 1024 * GIB
    sim.health.external_used = 512 * GIB
    sim.health.fan_rpm = 0
    sim.health.uptime = "1 day, 9 hours"
    sim.health.memory_used = 600 * 1024**2  # below 1 GiB: written in M
    health = await client.get_health()
    assert health.core_temperature == 71.5
    assert health.cpu_usage == 93.0
    assert health.external_disk is True
    assert health.external_disk_usage == 25.0
    assert health.external_disk_total == 2 * 1024 * GIB
    assert health.fan_speed == 0.0
    assert health.uptime == timedelta(days=1, hours=9)
    assert health.memory_used == 600 * 1024**2


async def test_v5_older_memory_page(make_sim: MakeSim, session: aiohttp.ClientSession) -> None:
    sim = await make_sim(dialect="v5")
    sim.health.v5_memory_page = "old"
    health = await client_for(sim, session, dialect=Dialect.V5).get_health()
    assert health.memory_total == pytest.approx(sim.health.memory_total, abs=0.006 * GIB)
    assert health.memory_usage == pytest.approx(
        100 * sim.health.memory_used / sim.health.memory_total, abs=0.1
    )


async def test_partial_failure_leaves_fields_empty(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    client = client_for(sim, session, dialect=dialect)
    sim.fail_system("http500", count=3)  # three of the nine calls fail, the others answer
    health = await client.get_health()
    one_field_per_call = (
        "core_temperature",
        "cpu_usage",
        "tpu_usage",
        "memory_total",
        "disk_total",
        "external_disk",
        "fan_speed",
        "uptime",
        "firmware_version",
    )
    missing = [name for name in one_field_per_call if getattr(health, name) is None]
    assert len(missing) == 3


async def test_all_health_calls_failing(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    client = client_for(sim, session, dialect=dialect)
    sim.fail_system("http500")
    with pytest.raises(Se5ServerError):
        await client.get_health()
    sim.fail_system("down")
    with pytest.raises(Se5ConnectionError):
        await client.get_health()
    sim.clear_system_failure()
    assert (await client.get_health()).fan_speed == sim.health.fan_rpm


async def test_system_timeout(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    """A system API that never answers times out; the other ports stay fine meanwhile.

    Only the client whose calls the box never answers has a short timeout: a call that gets
    an answer is never raced against one (the test must pass on a busy machine).
    """
    hurried = client_for(sim, session, dialect=dialect, timeout=1.0)
    client = client_for(sim, session, dialect=dialect)
    sim.fail_system("timeout")
    with pytest.raises(Se5ConnectionError, match="no answer within"):
        await hurried.get_health()
    # the event socket and REST stay fine meanwhile
    assert len(await client.list_devices()) == 3
    async with session.ws_connect(sim.ws_url) as ws:
        await ws.close()
    sim.clear_system_failure()
    assert (await client.get_health()).core_temperature == sim.health.core_temperature


async def test_not_a_box_system_port(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    async def html(request: web.Request) -> web.Response:
        return web.Response(text="<html>router</html>", content_type="text/html")

    port, runner = await start_http_server(html)
    try:
        client = Se5Client(session, "127.0.0.1", sim.rest_port, dialect=dialect, system_port=port)
        with pytest.raises(Se5NotABoxError):
            await client.get_health()
        # identity: nothing usable from the system port, then V5's BOX_MAC gives the MAC
        if dialect is Dialect.V5:
            assert await client.get_box_info() == BoxInfo(mac=sim.mac)
        else:
            with pytest.raises(Se5ConnectionError, match="answered nothing usable"):
                await client.get_box_info()
    finally:
        await runner.cleanup()


async def test_cancellation_is_not_swallowed(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    client = client_for(sim, session, dialect=dialect)
    sim.fail_system("timeout")
    task = asyncio.create_task(client.get_health())
    while sim.held_requests < 9:  # noqa: ASYNC110 - waiting for the box to hold every call
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    sim.clear_system_failure()

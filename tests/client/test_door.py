"""Door relays and probes: EventAction in both dialects, relay faults, the event-socket probe."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import socket
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.se5.client import (
    Dialect,
    Relay,
    Se5ApiError,
    Se5BoxStartingError,
    Se5Client,
    Se5ConnectionError,
    Se5ServerError,
    probe_event_socket,
)
from se5sim import Simulator
from tests.helpers import Handler, start_http_server

MakeSim = Callable[..., Awaitable[Simulator]]


@pytest.fixture
async def make_sim(socket_enabled: None) -> AsyncIterator[MakeSim]:
    """Started simulators on free ports, stopped afterwards."""
    started: list[Simulator] = []

    async def factory(**kwargs: Any) -> Simulator:
        sim = Simulator(host="127.0.0.1", seed=7, devices=4, **kwargs)
        await sim.start()
        started.append(sim)
        return sim

    yield factory
    for sim in started:
        await sim.stop()


@pytest.fixture
async def fake_server() -> AsyncIterator[Callable[[Handler], Awaitable[int]]]:
    runners: list[web.AppRunner] = []

    async def start(handler: Handler) -> int:
        port, runner = await start_http_server(handler)
        runners.append(runner)
        return port

    yield start
    for runner in runners:
        await runner.cleanup()


async def test_device_relays_in_both_dialects(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    devices = await Se5Client(session, "127.0.0.1", sim.rest_port, dialect=dialect).list_devices()
    for device, expected in zip(devices, sim.devices, strict=True):
        if expected.relay is None:
            assert device.relay is None
        else:
            assert device.relay == Relay(
                ip=expected.relay["ip"],
                net_port=expected.relay["net_port"],
                door_port=expected.relay["door_port"],
                delay_time=expected.relay["delay_time"],
            )
    assert any(device.relay for device in devices)


async def test_probe_door_api(make_sim: MakeSim, session: aiohttp.ClientSession) -> None:
    for kwargs, expected in (
        ({"dialect": "v5"}, True),
        ({"dialect": "v6"}, False),
        ({"dialect": "v6", "v6_door_api": True}, True),
    ):
        sim = await make_sim(**kwargs)
        client = Se5Client(session, "127.0.0.1", sim.rest_port)
        assert await client.probe_door_api() is expected
        assert sim.relay_actions == []  # the probe opened nothing


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, {"data": {"message": "success"}}, True),
        (400, {"error": {"code": 40000, "message": "bad", "status": "BAD_REQUEST"}}, True),
        (404, {"error": {"code": 40400, "message": "no", "status": "NOT_FOUND"}}, False),
        (404, "Not Found", False),
        (405, "Method Not Allowed", False),
        (200, "<html>router</html>", False),
    ],
)
async def test_probe_door_api_answers(
    session: aiohttp.ClientSession,
    socket_enabled: None,
    fake_server: Callable[[Handler], Awaitable[int]],
    status: int,
    body: Any,
    expected: bool,
) -> None:
    async def answer(request: web.Request) -> web.Response:
        assert request.method == "PUT"
        assert await request.json() == {"action": []}
        if isinstance(body, dict):
            return web.json_response(body, status=status)
        return web.Response(status=status, text=body)

    port = await fake_server(answer)
    client = Se5Client(session, "127.0.0.1", port, dialect=Dialect.V5)
    assert await client.probe_door_api() is expected


async def test_probe_door_api_propagates_connection_errors(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    client = Se5Client(session, "127.0.0.1", sim.rest_port, dialect=dialect)
    sim.fail_rest("init", count=1)
    with pytest.raises(Se5BoxStartingError):
        await client.probe_door_api()
    await sim.go_down()
    with pytest.raises(Se5ConnectionError):
        await client.probe_door_api()


async def test_open_door_duration_from_the_relay(
    make_sim: MakeSim, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    sim = await make_sim(dialect=dialect.value, v6_door_api=True)
    client = Se5Client(session, "127.0.0.1", sim.rest_port, dialect=dialect)
    relay = {"ip": "10.1.1.1", "net_port": 6722, "door_port": 2, "delay_time": 3}
    door = sim.add_device("Door", "photo", relay=relay)
    device = next(d for d in await client.list_devices() if d.id == door.id)
    assert device.relay == Relay(ip="10.1.1.1", net_port=6722, door_port=2, delay_time=3)
    await client.open_door(device.relay)
    await client.open_door(Relay(ip="10.0.0.9", door_port=2), mode="alarm")
    await client.open_door(device.relay, mode="closedoor", duration=1, logic_port=1)
    actions = [body["action"][0] for body in sim.relay_actions]
    assert actions[0] == {
        "action_ip": device.relay.ip,
        "action_port": str(device.relay.door_port),
        "action_mode": "opendoor",
        "action_duration": 3,
        "logic_port": 0,
    }
    assert (actions[1]["action_duration"], actions[1]["action_mode"]) == (5, "alarm")
    assert (actions[2]["action_duration"], actions[2]["logic_port"]) == (1, 1)


async def test_relay_faults(make_sim: MakeSim, session: aiohttp.ClientSession) -> None:
    sim = await make_sim(dialect="v5")
    client = Se5Client(session, "127.0.0.1", sim.rest_port, dialect=Dialect.V5)
    # A short timeout only where the box never answers (never raced against an answer).
    hurried = Se5Client(session, "127.0.0.1", sim.rest_port, dialect=Dialect.V5, timeout=0.3)
    relay = Relay(ip="192.168.10.20", door_port=1, delay_time=3)
    sim.fail_relay("error")
    with pytest.raises(Se5ApiError) as caught:
        await client.open_door(relay)
    assert caught.value.code == 50000
    sim.fail_relay("http500")
    with pytest.raises(Se5ServerError):
        await client.open_door(relay)
    sim.fail_relay("timeout")
    with pytest.raises(Se5ConnectionError, match="no answer"):
        await hurried.open_door(relay)
    sim.clear_relay_failure()
    await client.open_door(relay)
    assert len(sim.relay_actions) == 4  # every request reached the box


async def test_probe_event_socket(sim: Simulator, session: aiohttp.ClientSession) -> None:
    before = sim.connections_total
    await probe_event_socket(session, "127.0.0.1", sim.ws_port)
    assert sim.connections_total == before + 1
    assert sim.subscriptions == []  # nothing was subscribed


async def test_probe_event_socket_refused(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(Se5ConnectionError, match="event socket"):
        await probe_event_socket(session, "127.0.0.1", port)


async def test_probe_event_socket_not_a_websocket(
    session: aiohttp.ClientSession,
    socket_enabled: None,
    fake_server: Callable[[Handler], Awaitable[int]],
) -> None:
    async def answer(request: web.Request) -> web.Response:
        return web.Response(text="hello")

    port = await fake_server(answer)
    with pytest.raises(Se5ConnectionError, match=r"not a WebSocket \(HTTP 200\)"):
        await probe_event_socket(session, "127.0.0.1", port)


async def test_probe_event_socket_timeout(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    accepted: list[asyncio.StreamWriter] = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)  # accept and never answer the handshake

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        with pytest.raises(Se5ConnectionError, match=r"no answer within 0\.2 s"):
            await probe_event_socket(session, "127.0.0.1", port, timeout=0.2)
    finally:
        for writer in accepted:
            writer.close()
        server.close()
        await server.wait_closed()

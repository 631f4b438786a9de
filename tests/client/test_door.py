"""Doors: exactly the door asked (relay IP, TCP port, channel), sent once; the socket probe.

The simulator is strict (the default): a command whose port is no relay's `net_port`, channel
0, a duration outside 1..254 or an empty action list is refused with the box's 400, so the
misreading the client once shared with it (the channel sent as the port, channel 0) fails here.
"""

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
    Se5Client,
    Se5ConnectionError,
    Se5NotABoxError,
    Se5RelayIncompleteError,
    Se5ServerError,
    Se5UnconfirmedError,
    probe_event_socket,
)
from custom_components.se5.client.doors import default_duration, relay_missing
from se5sim import Simulator
from tests.helpers import Handler, wait_for

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


def _relay(entry: dict[str, Any]) -> Relay:
    return Relay(
        ip=entry["ip"],
        net_port=entry["net_port"],
        door_port=entry["door_port"],
        delay_time=entry["delay_time"],
    )


async def test_device_relays_in_both_dialects(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    devices = await Se5Client(session, "127.0.0.1", sim.rest_port, dialect=dialect).list_devices()
    for device, expected in zip(devices, sim.devices, strict=True):
        if expected.relay is None:
            assert device.relay is None
        else:
            assert device.relay == _relay(expected.relay)
    assert any(device.relay for device in devices)


async def test_each_door_of_a_multi_door_relay_opens_alone(
    make_sim: MakeSim, session: aiohttp.ClientSession
) -> None:
    """Front gate, Back door and Parking entrance share one relay, each on its own channel."""
    sim = await make_sim(dialect="v5")
    client = Se5Client(session, "127.0.0.1", sim.rest_port, dialect=Dialect.V5)
    gates = [d for d in await client.list_devices() if d.relay is not None]
    assert len({(g.relay.ip, g.relay.net_port) for g in gates if g.relay}) == 1
    assert len({g.relay.door_port for g in gates if g.relay}) == len(gates) >= 2
    for gate in gates:
        assert gate.relay is not None
        seconds = await client.open_door(gate.relay)
        assert seconds == gate.relay.delay_time
        pulse = sim.relay_pulses[-1]
        assert (pulse.ip, pulse.port, pulse.channel, pulse.mode, pulse.seconds) == (
            gate.relay.ip,
            gate.relay.net_port,
            gate.relay.door_port,
            "opendoor",
            gate.relay.delay_time,
        )
        assert sim.relay_actions[-1] == {
            "action": [
                {
                    "action_ip": gate.relay.ip,
                    "action_port": str(gate.relay.net_port),  # a string, as the page types it
                    "action_mode": "opendoor",
                    "action_duration": gate.relay.delay_time,
                    "logic_port": gate.relay.door_port,
                }
            ]
        }
    assert len(sim.relay_pulses) == len(gates)  # one pulse per command, on its own channel


async def test_close_door(make_sim: MakeSim, session: aiohttp.ClientSession) -> None:
    sim = await make_sim(dialect="v5")
    client = Se5Client(session, "127.0.0.1", sim.rest_port, dialect=Dialect.V5)
    relay = _relay(next(d.relay for d in sim.devices if d.relay))
    await client.close_door(relay)
    action = sim.relay_actions[0]["action"][0]
    assert action == {
        "action_ip": relay.ip,
        "action_port": str(relay.net_port),
        "action_mode": "closedoor",
        "logic_port": relay.door_port,
    }  # no duration: the page says it only applies to opendoor
    assert [(p.channel, p.mode, p.seconds) for p in sim.relay_pulses] == [
        (relay.door_port, "closedoor", None)
    ]


async def test_durations(make_sim: MakeSim, session: aiohttp.ClientSession) -> None:
    sim = await make_sim(dialect="v5")
    client = Se5Client(session, "127.0.0.1", sim.rest_port, dialect=Dialect.V5)
    relay = _relay(next(d.relay for d in sim.devices if d.relay))
    assert await client.open_door(relay, duration=1) == 1
    assert await client.open_door(relay, duration=254) == 254
    for bad in (0, 255, -1, 1000):
        with pytest.raises(ValueError, match=r"1\.\.254"):
            await client.open_door(relay, duration=bad)
    assert [p.seconds for p in sim.relay_pulses] == [1, 254]  # nothing else was sent
    assert len(sim.relay_actions) == 2


@pytest.mark.parametrize(
    ("delay", "expected"), [(None, 5), (0, 1), (-3, 1), (3, 3), (254, 254), (255, 254), (600, 254)]
)
def test_default_duration_is_the_relays_clamped(delay: int | None, expected: int) -> None:
    assert default_duration(Relay(ip="127.0.0.20", delay_time=delay)) == expected


@pytest.mark.parametrize(
    ("net_port", "door_port", "missing"),
    [
        (None, 1, ("port",)),
        (0, 1, ("port",)),
        (70000, 1, ("port",)),
        (6722, None, ("channel",)),
        (6722, 0, ("channel",)),  # 0 would open every door on the relay
        (None, None, ("port", "channel")),
        (6722, 2, ()),
    ],
)
async def test_an_incomplete_relay_is_refused_before_anything_is_sent(
    make_sim: MakeSim,
    session: aiohttp.ClientSession,
    net_port: int | None,
    door_port: int | None,
    missing: tuple[str, ...],
) -> None:
    relay = Relay(ip="127.0.0.20", net_port=net_port, door_port=door_port, delay_time=3)
    assert relay_missing(relay) == missing
    if not missing:
        return
    sim = await make_sim(dialect="v5")
    client = Se5Client(session, "127.0.0.1", sim.rest_port, dialect=Dialect.V5)
    for call in (client.open_door(relay), client.close_door(relay)):
        with pytest.raises(Se5RelayIncompleteError) as caught:
            await call
        assert caught.value.missing == missing
    assert sim.relay_actions == []


async def test_a_v6_box_has_no_door_call(make_sim: MakeSim, session: aiohttp.ClientSession) -> None:
    """V6 documents none: the simulated V6 box answers not found (in V6's envelope)."""
    sim = await make_sim(dialect="v6")
    client = Se5Client(session, "127.0.0.1", sim.rest_port, dialect=Dialect.V6)
    relay = _relay(next(d.relay for d in sim.devices if d.relay))
    with pytest.raises(Se5ApiError, match="NOT_FOUND"):
        await client.open_door(relay)
    assert sim.relay_actions == []


async def test_relay_faults(make_sim: MakeSim, session: aiohttp.ClientSession) -> None:
    sim = await make_sim(dialect="v5")
    client = Se5Client(session, "127.0.0.1", sim.rest_port, dialect=Dialect.V5)
    relay = _relay(next(d.relay for d in sim.devices if d.relay))
    sim.fail_relay("error")
    with pytest.raises(Se5ApiError) as caught:
        await client.open_door(relay)
    assert caught.value.code == 50000
    sim.fail_relay("http500")
    with pytest.raises(Se5ServerError):
        await client.open_door(relay)
    sim.fail_relay("timeout")  # the box never answers: only this client's wait is short
    waiting = Se5Client(session, "127.0.0.1", sim.rest_port, dialect=Dialect.V5, timeout=5.0)
    # It went out and no answer came: it may have opened the door; it is not sent again.
    with pytest.raises(Se5UnconfirmedError, match="no answer"):
        await waiting.open_door(relay)
    sim.clear_relay_failure()
    await client.open_door(relay)
    assert len(sim.relay_actions) == 4  # every command reached the box exactly once
    await wait_for(lambda: len(sim.relay_pulses) == 2, what="the held command carried out")
    # The refused ones did nothing; the unanswered one was carried out once the box got to
    # it (as its error said it might be), and the last one: each once.


async def test_a_door_answer_without_data_is_no_success(
    session: aiohttp.ClientSession,
    socket_enabled: None,
    fake_box: Callable[[Handler], Awaitable[int]],
) -> None:
    async def answer(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    port = await fake_box(answer)
    relay = Relay(ip="127.0.0.20", net_port=6722, door_port=1)
    with pytest.raises(Se5NotABoxError):
        await Se5Client(session, "127.0.0.1", port).open_door(relay)


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
    fake_box: Callable[[Handler], Awaitable[int]],
) -> None:
    async def answer(request: web.Request) -> web.Response:
        return web.Response(text="hello")

    port = await fake_box(answer)
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
        with pytest.raises(Se5ConnectionError, match=r"no answer within 1 s"):
            await probe_event_socket(session, "127.0.0.1", port, timeout=1.0)
    finally:
        for writer in accepted:
            writer.close()
        server.close()
        await server.wait_closed()

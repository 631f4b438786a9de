"""Fault switches of the simulated box: drops, reboots, half-open sockets, bad frames."""

from __future__ import annotations

from collections.abc import Callable
import json
from typing import Any

import aiohttp
import pytest

from se5sim import BAD_FRAME_KINDS, Simulator, rest as rest_module
from tests.simulator.helpers import receive_json, subscribe, wait_until

GONE = {aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR}


class FakeClock:
    """Stands in for the ``time`` module of ``se5sim.rest``."""

    def __init__(self) -> None:
        self.now = 50.0

    def monotonic(self) -> float:
        return self.now


async def test_drop_connections(sim: Simulator, session: aiohttp.ClientSession) -> None:
    async with session.ws_connect(sim.ws_url) as ws:
        await subscribe(ws, sim)
        await sim.drop_connections()
        message = await ws.receive(timeout=10)
        assert message.type is aiohttp.WSMsgType.CLOSE
        assert message.data == aiohttp.WSCloseCode.GOING_AWAY
    assert sim.active_connections == 0
    assert (await sim.fire()).delivered == 0
    # the box still accepts connections
    async with session.ws_connect(sim.ws_url) as ws:
        await subscribe(ws, sim)
        sent = await sim.fire()
        assert (await receive_json(ws))["event_id"] == sent.event_id
    assert sim.connections_total == 2


async def test_drop_connections_abruptly(sim: Simulator, session: aiohttp.ClientSession) -> None:
    async with session.ws_connect(sim.ws_url) as ws:
        await subscribe(ws, sim)
        await sim.drop_connections(abrupt=True)
        message = await ws.receive(timeout=10)
        assert message.type in GONE
    assert sim.active_connections == 0
    await sim.drop_connections()  # nothing to drop


async def test_go_down_and_come_back(
    make_sim: Callable[..., Any],
    session: aiohttp.ClientSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = FakeClock()
    monkeypatch.setattr(rest_module, "time", clock)
    sim: Simulator = await make_sim(dialect="v6")
    rest_port, ws_port = sim.rest_port, sim.ws_port
    devices_url = sim.rest_url + "/sophon/v2/face/getmediadevices"
    async with session.ws_connect(sim.ws_url) as ws:
        await subscribe(ws, sim)
        await sim.go_down()
        assert sim.active_connections == 0
        message = await ws.receive(timeout=10)
        assert message.type in GONE
    await sim.go_down()  # already down: nothing happens
    with pytest.raises(aiohttp.ClientConnectionError):
        await session.post(devices_url, json={})
    with pytest.raises(aiohttp.ClientConnectionError):
        await session.ws_connect(sim.ws_url)

    await sim.come_back(init_seconds=30)
    assert (sim.rest_port, sim.ws_port) == (rest_port, ws_port)
    assert sim.is_up
    for _ in range(2):
        async with session.post(devices_url, json={}) as response:
            assert response.status == 500
            body = await response.json()
            assert body["error"]["code"] == "DEVICE_INIT_ERROR"
    clock.now += 30
    async with session.post(devices_url, json={}) as response:
        assert response.status == 200
    async with session.ws_connect(sim.ws_url) as ws:
        await subscribe(ws, sim)
        sent = await sim.fire()
        assert (await receive_json(ws))["event_id"] == sent.event_id
    with pytest.raises(RuntimeError, match="already up"):
        await sim.come_back()


async def test_reboot(sim: Simulator, session: aiohttp.ClientSession) -> None:
    ports = (sim.rest_port, sim.ws_port)
    async with session.ws_connect(sim.ws_url) as ws:
        await subscribe(ws, sim)
        await sim.reboot(downtime=0.0)
        assert (await ws.receive(timeout=10)).type in GONE
    assert (sim.rest_port, sim.ws_port) == ports
    async with session.ws_connect(sim.ws_url) as ws:
        await subscribe(ws, sim)
        assert (await sim.fire()).delivered == 1


async def test_stop_while_down(make_sim: Callable[..., Any]) -> None:
    sim: Simulator = await make_sim()
    await sim.go_down()
    await sim.stop()
    await sim.stop()  # a second stop is harmless
    with pytest.raises(RuntimeError, match="not started"):
        await sim.go_down()
    with pytest.raises(RuntimeError, match="not started"):
        await sim.come_back()


# aiohttp 3.11's client re-arms its heartbeat timer in receive() after the heartbeat has
# already closed the socket; the timer is harmless but outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_go_silent(sim: Simulator, session: aiohttp.ClientSession) -> None:
    async with session.ws_connect(sim.ws_url, heartbeat=0.2) as stale:
        await subscribe(stale, sim)
        sim.go_silent()
        # nothing reaches the stale connection and its pings get no pong
        assert (await sim.fire()).delivered == 0
        message = await stale.receive(timeout=10)
        assert message.type is aiohttp.WSMsgType.ERROR
        assert isinstance(message.data, aiohttp.ServerTimeoutError)
        # the box side still holds the half-open connection
        assert sim.active_connections == 1
        async with session.ws_connect(sim.ws_url) as fresh:
            await subscribe(fresh, sim)
            sent = await sim.fire()
            assert sent.delivered == 1
            assert (await receive_json(fresh))["event_id"] == sent.event_id
            sim.resume()
            # once read again, the stale connection's end is noticed
            await wait_until(lambda: sim.active_connections == 1)
            assert (await sim.fire()).delivered == 1


async def test_silent_connection_is_closed_on_stop(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession
) -> None:
    sim: Simulator = await make_sim()
    async with session.ws_connect(sim.ws_url) as ws:
        await subscribe(ws, sim)
        sim.go_silent()
        await sim.stop()
        message = await ws.receive(timeout=10)
        assert message.type is aiohttp.WSMsgType.CLOSE
    assert sim.active_connections == 0


async def test_resume_after_silence(sim: Simulator, session: aiohttp.ClientSession) -> None:
    async with session.ws_connect(sim.ws_url) as ws:
        await subscribe(ws, sim)
        sim.go_silent()
        assert (await sim.fire()).delivered == 0
        sim.resume()
        sent = await sim.fire()
        assert sent.delivered == 1
        assert (await receive_json(ws))["event_id"] == sent.event_id
        await subscribe(ws, sim, [])  # read again: a new subscription is seen
        assert (await sim.fire()).delivered == 0


async def bad_frame(
    sim: Simulator, session: aiohttp.ClientSession, kind: str, size: int | None = None
) -> aiohttp.WSMessage:
    async with (
        session.ws_connect(sim.ws_url, max_msg_size=0) as ws,
        session.ws_connect(sim.ws_url) as unsubscribed,
    ):
        await subscribe(ws, sim)
        await wait_until(lambda: sim.active_connections == 2)
        assert await sim.send_bad_frame(kind, size) == 1  # type: ignore[arg-type]
        message = await ws.receive(timeout=10)
        # the box goes on sending good frames afterwards
        sent = await sim.fire()
        assert (await receive_json(ws))["event_id"] == sent.event_id
        assert unsubscribed.closed is False
    return message


async def test_bad_frame_garbage(sim: Simulator, session: aiohttp.ClientSession) -> None:
    message = await bad_frame(sim, session, "garbage")
    assert message.type is aiohttp.WSMsgType.TEXT
    with pytest.raises(json.JSONDecodeError):
        json.loads(message.data)


async def test_bad_frame_binary(sim: Simulator, session: aiohttp.ClientSession) -> None:
    message = await bad_frame(sim, session, "binary")
    assert message.type is aiohttp.WSMsgType.BINARY
    assert isinstance(message.data, bytes)


async def test_bad_frame_truncated(sim: Simulator, session: aiohttp.ClientSession) -> None:
    message = await bad_frame(sim, session, "truncated")
    assert message.type is aiohttp.WSMsgType.TEXT
    assert message.data.startswith('{"')
    with pytest.raises(json.JSONDecodeError):
        json.loads(message.data)


async def test_bad_frame_oversized(sim: Simulator, session: aiohttp.ClientSession) -> None:
    message = await bad_frame(sim, session, "oversized")
    assert message.type is aiohttp.WSMsgType.TEXT
    assert len(message.data.encode()) == 20 * 1024 * 1024
    frame = json.loads(message.data)
    assert set(frame["padding"]) == {"x"}
    assert frame["identity_id"] == sim.people[0].identity_id


async def test_bad_frame_oversized_size(sim: Simulator, session: aiohttp.ClientSession) -> None:
    message = await bad_frame(sim, session, "oversized", size=5 * 1024 * 1024 + 1)
    assert len(message.data.encode()) == 5 * 1024 * 1024 + 1
    with pytest.raises(ValueError, match="at least"):
        await sim.send_bad_frame("oversized", size=10)


async def test_bad_frame_not_object(sim: Simulator, session: aiohttp.ClientSession) -> None:
    message = await bad_frame(sim, session, "not_object")
    assert isinstance(json.loads(message.data), list)


async def test_bad_frame_wrong_types(sim: Simulator, session: aiohttp.ClientSession) -> None:
    message = await bad_frame(sim, session, "wrong_types")
    frame = json.loads(message.data)
    key = "device_id" if sim.dialect == "v5" else "media_device_id"
    assert isinstance(frame[key], float)
    assert not frame[key].is_integer()
    assert isinstance(frame["score"], str)
    float(frame["score"])


async def test_bad_frame_empty(sim: Simulator, session: aiohttp.ClientSession) -> None:
    message = await bad_frame(sim, session, "empty")
    assert json.loads(message.data) == {}


async def test_bad_frame_arguments(make_sim: Callable[..., Any]) -> None:
    assert set(BAD_FRAME_KINDS) == {
        "garbage",
        "binary",
        "truncated",
        "oversized",
        "not_object",
        "wrong_types",
        "empty",
    }
    sim: Simulator = await make_sim(devices=0)
    assert await sim.send_bad_frame("empty") == 0  # nobody subscribed
    with pytest.raises(ValueError, match="kind"):
        await sim.send_bad_frame("rude")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="device"):
        await sim.send_bad_frame("truncated")


async def test_rate_loop(make_sim: Callable[..., Any], session: aiohttp.ClientSession) -> None:
    sim: Simulator = await make_sim(rate=200.0, devices=4)
    assert sim.rate == 200.0
    followed = {sim.devices[0].id, sim.devices[3].id}
    async with session.ws_connect(sim.ws_url) as ws:
        await subscribe(ws, sim, sorted(followed))
        frames = [await receive_json(ws) for _ in range(10)]
        assert {frame["device_id"] for frame in frames} <= followed
        task = sim._rate_task
        assert task is not None
        await sim.stop()  # cancels and awaits the running loop
        assert task.done()
        message = await ws.receive(timeout=10)  # frames may still be queued before the close
        while message.type is aiohttp.WSMsgType.TEXT:
            message = await ws.receive(timeout=10)
        assert message.type is aiohttp.WSMsgType.CLOSE


async def test_set_rate(make_sim: Callable[..., Any], session: aiohttp.ClientSession) -> None:
    sim: Simulator = await make_sim(rate=0.0001)  # a first delay of hours, most likely
    with pytest.raises(ValueError, match="rate"):
        sim.set_rate(-1)
    async with session.ws_connect(sim.ws_url) as ws:
        await subscribe(ws, sim, [sim.devices[1].id])
        sim.set_rate(500)  # takes effect at once
        frame = await receive_json(ws)
        assert frame["device_id"] == sim.devices[1].id
        sim.set_rate(0)
        # the loop ends on its own once the rate is 0
        await wait_until(lambda: sim._rate_task is None)


async def test_random_recognitions_skip_types_nobody_has(make_sim: Callable[..., Any]) -> None:
    """Once the only blacklisted people are removed, random faces come from the other types."""
    sim: Simulator = await make_sim(rate=0.0001, devices=2)  # the loop waits, most likely
    blacklisted = [p.identity_id for p in sim.people if p.person_type == "blacklist"]
    assert blacklisted
    for identity_id in blacklisted:
        sim.remove_person(identity_id)
    fired = [await sim.fire() for _ in range(300)]
    assert "blacklist" not in {sent.person_type for sent in fired}
    assert {sent.person_type for sent in fired} == {"employee", "visitor", "stranger", "vip"}
    with pytest.raises(ValueError, match="nobody of type"):
        await sim.fire(person_type="blacklist")
    sim.set_rate(500)
    await wait_until(lambda: len(sim.history) >= 600)  # the loop went on past any such draw
    assert sim._rate_task is not None
    assert not sim._rate_task.done()


async def test_rate_loop_skips_a_failed_recognition_and_ends_cleanly(
    make_sim: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    sim: Simulator = await make_sim(rate=0.0001, devices=1)
    real_fire = sim.fire
    calls = 0

    async def flaky_fire(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ValueError("nobody to recognise")
        if calls == 3:
            raise RuntimeError("a bug")
        return await real_fire(*args, **kwargs)

    monkeypatch.setattr(sim, "fire", flaky_fire)
    sim.set_rate(500)
    task = sim._rate_task
    assert task is not None
    await wait_until(task.done)  # the ValueError was skipped; the RuntimeError ended the loop
    assert isinstance(task.exception(), RuntimeError)
    assert calls == 3
    assert len(sim.history) == 1
    assert sim._rate_task is None  # so that set_rate starts a new loop
    sim.set_rate(400)
    assert sim._rate_task is not None
    assert sim._rate_task is not task
    await wait_until(lambda: calls >= 5)
    sim.set_rate(0)
    await wait_until(lambda: sim._rate_task is None)

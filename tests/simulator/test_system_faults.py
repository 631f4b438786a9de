"""Faults of the system API and of the door relay; the three ports through power cycles."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from se5sim import Simulator, faults as faults_module
from tests.simulator.helpers import receive_json, subscribe, wait_until

EVENT_ACTION = "/SophonFogSys/api/EventAction"
# The first default device's door: relay 127.0.0.20, TCP port 6722, channel 1.
OPEN = {
    "action": [
        {
            "action_ip": "127.0.0.20",
            "action_port": "6722",
            "action_mode": "opendoor",
            "action_duration": 3,
            "logic_port": 1,
        }
    ]
}


class FakeTimer:
    def __init__(self, due: float, callback: Callable[[], object]) -> None:
        self.due = due
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class FakeClock:
    """Stands in for the ``time`` module and the ``call_later`` of ``se5sim.faults``."""

    def __init__(self) -> None:
        self.now = 10.0
        self.timers: list[FakeTimer] = []

    def monotonic(self) -> float:
        return self.now

    def call_later(self, seconds: float, callback: Callable[[], object]) -> FakeTimer:
        timer = FakeTimer(self.now + seconds, callback)
        self.timers.append(timer)
        return timer

    def advance(self, seconds: float) -> None:
        """Move the clock on, running the timers that fall due."""
        self.now += seconds
        due = sorted((t for t in self.timers if t.due <= self.now), key=lambda t: t.due)
        self.timers = [t for t in self.timers if t.due > self.now]
        for timer in due:
            if not timer.cancelled:
                timer.callback()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """A fake clock for the fault windows."""
    fake = FakeClock()
    monkeypatch.setattr(faults_module, "time", fake)
    monkeypatch.setattr(faults_module, "call_later", fake.call_later)
    return fake


def uptime_request(sim: Simulator) -> tuple[str, str, dict[str, Any]]:
    if sim.dialect == "v5":
        return "GET", sim.system_url + "/SophonSystem/api/uptime", {}
    return "POST", sim.system_url + "/sophon/v2/system/getuptime", {"json": {}}


async def system_status(session: aiohttp.ClientSession, sim: Simulator) -> int:
    method, url, kwargs = uptime_request(sim)
    async with session.request(method, url, **kwargs) as response:
        await response.read()
        return response.status


async def rest_ok(session: aiohttp.ClientSession, sim: Simulator) -> bool:
    async with session.get(sim.rest_url + "/SophonFogSys/api/users") as response:
        return response.status == 200


async def test_http500_by_count_and_by_time(
    sim: Simulator, session: aiohttp.ClientSession, clock: FakeClock
) -> None:
    sim.fail_system("http500", count=2)
    assert [await system_status(session, sim) for _ in range(3)] == [500, 500, 200]
    sim.fail_system("http500", seconds=5)
    assert await system_status(session, sim) == 500
    assert await rest_ok(session, sim)  # REST is not affected
    clock.advance(5)
    assert await system_status(session, sim) == 200


async def test_timeout_holds_until_cleared(sim: Simulator, session: aiohttp.ClientSession) -> None:
    sim.fail_system("timeout")
    pending = asyncio.ensure_future(system_status(session, sim))
    await wait_until(lambda: sim.held_requests == 1)
    assert not pending.done()
    assert await rest_ok(session, sim)
    async with session.ws_connect(sim.ws_url) as ws:
        await subscribe(ws, sim)
        sent = await sim.fire()
        assert (await receive_json(ws))["timestamp"] == sent.timestamp_ms
    sim.clear_system_failure()
    assert await pending == 200
    assert sim.held_requests == 0


async def test_down_refuses_only_the_system_port(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    port = sim.system_port
    assert await system_status(session, sim) == 200  # a kept-alive connection exists now
    sim.fail_system("down")
    with pytest.raises(aiohttp.ClientConnectionError):
        await system_status(session, sim)  # cut on its next request
    async with aiohttp.ClientSession() as fresh:
        with pytest.raises(aiohttp.ClientConnectionError):
            await system_status(fresh, sim)  # refused
    assert await rest_ok(session, sim)
    async with session.ws_connect(sim.ws_url) as ws:
        await ws.close()
    sim.clear_system_failure()
    assert sim.system_port == port
    assert await system_status(session, sim) == 200


async def test_down_for_a_while(
    sim: Simulator, session: aiohttp.ClientSession, clock: FakeClock
) -> None:
    sim.fail_system("down", seconds=0.2)
    with pytest.raises(aiohttp.ClientConnectionError):
        await system_status(session, sim)
    clock.advance(0.1)
    with pytest.raises(aiohttp.ClientConnectionError):
        await system_status(session, sim)
    clock.advance(0.1)
    assert await system_status(session, sim) == 200
    sim.fail_system("down", seconds=30)
    sim.fail_system("http500", count=1)  # another failure replaces it: the port opens again
    assert await system_status(session, sim) == 500
    assert await system_status(session, sim) == 200


async def test_faults_survive_a_reboot(sim: Simulator, session: aiohttp.ClientSession) -> None:
    ports = (sim.rest_port, sim.ws_port, sim.system_port)
    sim.fail_system("down")
    await sim.reboot(downtime=0)
    assert (sim.rest_port, sim.ws_port, sim.system_port) == ports
    assert await rest_ok(session, sim)
    with pytest.raises(aiohttp.ClientConnectionError):
        await system_status(session, sim)
    await sim.go_down()
    sim.clear_system_failure()  # while down: nothing opens until the box comes back
    with pytest.raises(aiohttp.ClientConnectionError):
        await system_status(session, sim)
    await sim.come_back()
    assert await system_status(session, sim) == 200


async def test_go_down_takes_all_three_ports(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    await sim.go_down()
    for url in (sim.rest_url + "/", sim.system_url + "/"):
        with pytest.raises(aiohttp.ClientConnectionError):
            await session.get(url)
    with pytest.raises(aiohttp.ClientConnectionError):
        await session.ws_connect(sim.ws_url)
    await sim.come_back()
    assert await system_status(session, sim) == 200


def test_fault_arguments() -> None:
    sim = Simulator()
    with pytest.raises(ValueError, match="mode"):
        sim.fail_system("teapot")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="count"):
        sim.fail_system("http500", count=0)
    with pytest.raises(ValueError, match="count"):
        sim.fail_system("down", count=3)  # refusals cannot be counted
    with pytest.raises(ValueError, match="seconds"):
        sim.fail_system("timeout", seconds=-1)
    with pytest.raises(ValueError, match="mode"):
        sim.fail_relay("jam")  # type: ignore[arg-type]


async def test_stop_lets_held_requests_go(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession
) -> None:
    sim: Simulator = await make_sim(dialect="v5")
    sim.fail_system("timeout")
    sim.fail_relay("timeout")
    held = [
        asyncio.ensure_future(system_status(session, sim)),
        asyncio.ensure_future(session.put(sim.rest_url + EVENT_ACTION, json=OPEN)),
    ]
    await wait_until(lambda: sim.held_requests == 2)
    async with asyncio.timeout(4):  # well within a listener's shutdown timeout
        await sim.stop()
    for future in held:
        try:
            result = await future
        except aiohttp.ClientError:
            continue
        if isinstance(result, aiohttp.ClientResponse):
            result.release()


async def test_relay_faults(make_sim: Callable[..., Any], session: aiohttp.ClientSession) -> None:
    sim: Simulator = await make_sim(dialect="v6", v6_legacy_routes=True)
    url = sim.rest_url + EVENT_ACTION
    sim.fail_relay("error")
    async with session.put(url, json=OPEN) as response:
        assert response.status == 500
        assert (await response.json())["error"]["status"] == "INTERNAL_ERROR"
    sim.fail_relay("http500")
    async with session.put(url, json=OPEN) as response:
        assert (response.status, await response.text()) == (500, "Internal Server Error")
    sim.fail_relay("timeout")
    pending = asyncio.ensure_future(session.put(url, json=OPEN))
    await wait_until(lambda: sim.held_requests == 1)
    sim.clear_relay_failure()
    response = await pending
    assert response.status == 200
    response.release()
    async with session.put(url, json=OPEN) as response:
        assert response.status == 200
    assert sim.relay_actions == [OPEN] * 4  # failing or not, every body was received


async def test_port_flapping_within_one_turn(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    """Down, up, down, up without yielding to the loop: the port ends up served."""
    sim.fail_system("down")
    sim.clear_system_failure()  # bound now, served on the next turn
    sim.fail_system("down")  # closes once served
    sim.clear_system_failure()  # keeps it instead
    assert await system_status(session, sim) == 200
    sim.fail_system("down")
    sim.clear_system_failure()
    sim.fail_system("down")
    with pytest.raises(aiohttp.ClientConnectionError):
        await system_status(session, sim)
    sim.clear_system_failure()
    assert await system_status(session, sim) == 200


async def test_stop_while_a_port_is_opening(make_sim: Callable[..., Any]) -> None:
    sim: Simulator = await make_sim()
    sim.fail_system("down")
    sim.clear_system_failure()
    sim.fail_system("down")  # the reopened port closes once served: stop waits for that
    async with asyncio.timeout(4):
        await sim.stop()
    assert not sim.is_up

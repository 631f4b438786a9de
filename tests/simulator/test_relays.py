"""The simulator's relays follow the EventAction page literally, strict by default.

Each door is (relay IP, TCP port, channel): `action_port` is a relay's `net_port`, `logic_port`
its channel. Strict answers 400 (V5's envelope) to what the page does not allow or no relay of
the box can carry out; lenient accepts it as a firmware might.
"""

from __future__ import annotations

from collections.abc import Callable
import logging
from typing import Any

import aiohttp
import pytest

from se5sim import Simulator

EVENT_ACTION = "/SophonFogSys/api/EventAction"
DROP = object()


async def put(session: aiohttp.ClientSession, sim: Simulator, body: Any) -> tuple[int, Any]:
    async with session.put(sim.rest_url + EVENT_ACTION, json=body) as response:
        return response.status, await response.json(content_type=None)


def action(relay: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The documented command for a device's relay, with `changes`."""
    return {
        "action_ip": relay["ip"],
        "action_port": str(relay["net_port"]),
        "action_mode": "opendoor",
        "action_duration": relay["delay_time"],
        "logic_port": relay["door_port"],
        **changes,
    }


async def test_devices_share_relays_and_addresses_are_loopback(
    make_sim: Callable[..., Any],
) -> None:
    sim: Simulator = await make_sim(dialect="v5", devices=16)
    for device in sim.devices:
        assert device.ip.startswith("127.0.0."), device.ip
        assert device.url.startswith(("rtsp://127.0.0.", "127.0.0.", "/data/", "gb28181://")), (
            device.url
        )
        if device.kind == "gb28181":
            assert "@127.0.0." in device.url
        if device.relay:
            assert device.relay["ip"].startswith("127.0.0.")
    doors = sim.relay_doors
    relays = {(ip, port) for ip, port, _ in doors}
    assert len(relays) < len(doors)  # several doors per relay, each its own channel
    assert all(channel >= 1 for _, _, channel in doors)
    many: Simulator = await make_sim(dialect="v5", devices=400)
    assert all(d.ip.startswith("127.") for d in many.devices)
    assert len({d.ip for d in many.devices}) == 400


async def test_a_documented_command_pulses_exactly_its_door(
    make_sim: Callable[..., Any],
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sim: Simulator = await make_sim(dialect="v5", devices=4)
    gate = next(d for d in sim.devices if d.relay)
    assert gate.relay is not None
    caplog.set_level(logging.INFO, "se5sim.relays")
    status, answer = await put(session, sim, {"action": [action(gate.relay)]})
    assert (status, answer) == (200, {"data": {"message": "success", "action_mode": "opendoor"}})
    [pulse] = sim.relay_pulses
    assert (pulse.ip, pulse.port, pulse.channel, pulse.mode, pulse.seconds) == (
        gate.relay["ip"],
        gate.relay["net_port"],
        gate.relay["door_port"],
        "opendoor",
        gate.relay["delay_time"],
    )
    line = f"relay {gate.relay['ip']}:{gate.relay['net_port']} channel {gate.relay['door_port']}"
    assert f"{line}: open for {gate.relay['delay_time']} s" in caplog.text
    # An integer port is read too; closedoor needs no duration; the default duration is 5.
    status, _ = await put(
        session,
        sim,
        {
            "action": [
                action(gate.relay, action_port=gate.relay["net_port"], action_mode="closedoor"),
                {k: v for k, v in action(gate.relay).items() if k != "action_duration"},
            ]
        },
    )
    assert status == 200
    assert [(p.mode, p.seconds) for p in sim.relay_pulses[1:]] == [
        ("closedoor", None),
        ("opendoor", 5),
    ]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"action_port": "1"}, "no network relay"),  # the channel sent as the port
        ({"action_port": "5555"}, "no network relay"),
        ({"action_ip": "127.0.0.99"}, "no network relay"),
        ({"logic_port": 0}, "every door"),
        ({"logic_port": DROP}, "every door"),  # left out: the page's default, 0
        ({"logic_port": None}, "must be numbers"),
        ({"action_duration": 255}, "1..254"),
        ({"action_duration": 0}, "1..254"),
        ({"action_port": None}, "must be numbers"),
    ],
)
async def test_strict_refuses_what_the_page_does_not_allow(
    make_sim: Callable[..., Any],
    session: aiohttp.ClientSession,
    changes: dict[str, Any],
    reason: str,
) -> None:
    sim: Simulator = await make_sim(dialect="v5", devices=4)
    assert sim.strict
    relay = next(d.relay for d in sim.devices if d.relay)
    command = {k: v for k, v in action(relay, **changes).items() if v is not DROP}
    status, answer = await put(session, sim, {"action": [command]})
    assert status == 400
    assert answer["error"]["code"] == 40000
    assert answer["error"]["status"] == "BAD_REQUEST"
    assert reason in answer["error"]["message"]
    assert sim.relay_pulses == []
    assert sim.relay_actions == []


async def test_strict_refuses_an_empty_action_list(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession
) -> None:
    sim: Simulator = await make_sim(dialect="v5")
    status, answer = await put(session, sim, {"action": []})
    assert (status, answer["error"]["code"]) == (400, 40000)
    sim.strict = False
    status, answer = await put(session, sim, {"action": []})  # lenient: nothing to do
    assert (status, answer) == (200, {"data": {"message": "success", "action_mode": None}})
    assert sim.relay_pulses == []


async def test_lenient_carries_out_what_a_firmware_might(
    make_sim: Callable[..., Any],
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Channel 0 pulses every channel of the relay; 255 holds the door open."""
    sim: Simulator = await make_sim(dialect="v5", devices=4, strict=False)
    relay = next(d.relay for d in sim.devices if d.relay)
    caplog.set_level(logging.INFO, "se5sim.relays")
    for changes in ({"logic_port": 0}, {"action_duration": 255}, {"action_port": "1"}):
        status, _ = await put(session, sim, {"action": [action(relay, **changes)]})
        assert status == 200
    every, held, odd = sim.relay_pulses
    assert (every.channel, every.seconds) == (0, relay["delay_time"])
    assert "every channel" in caplog.text
    assert (held.channel, held.seconds) == (relay["door_port"], None)
    assert "held open" in caplog.text
    assert odd.port == 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"action": "opendoor"},
        {"action": [{"action_mode": "opendoor"}]},
        {"action": [{"action_ip": "", "action_mode": "opendoor"}]},
        {"action": [{"action_ip": "127.0.0.20", "action_mode": "explode"}]},
        {"action": ["opendoor"]},
        ["action"],
    ],
)
@pytest.mark.parametrize("strict", [True, False])
async def test_malformed_commands(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession, body: Any, strict: bool
) -> None:
    sim: Simulator = await make_sim(strict=strict)
    status, answer = await put(session, sim, body)
    assert status == 400
    assert answer["error"]["code"] == 40000
    assert answer["error"]["status"] == "BAD_REQUEST"
    assert sim.relay_actions == []


async def test_not_json_and_wrong_method(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession
) -> None:
    sim: Simulator = await make_sim()
    async with session.put(sim.rest_url + EVENT_ACTION, data=b"open!") as response:
        assert response.status == 400
        error = (await response.json(content_type=None))["error"]
    assert (error["code"], error["status"]) == (40001, "UNSUPPORT_CONTENT_TYPE")
    async with session.get(sim.rest_url + EVENT_ACTION) as response:
        assert response.status == 404


@pytest.mark.parametrize("legacy", [False, True])
async def test_v6(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession, legacy: bool
) -> None:
    """V6 documents no door call; a V6 box that kept the V5 routes answers it (legacy)."""
    sim: Simulator = await make_sim(dialect="v6", v6_legacy_routes=legacy)
    relay = next(d.relay for d in sim.devices if d.relay)
    status, answer = await put(session, sim, {"action": [action(relay)]})
    if not legacy:
        assert (status, answer["error"]["code"]) == (404, "NOT_FOUND")
        assert sim.relay_pulses == []
        return
    assert status == 200
    assert len(sim.relay_pulses) == 1

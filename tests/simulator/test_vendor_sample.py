"""The vendor's own sample client (seed page), run against the simulator.

The client logic is the vendor's, unchanged in substance: the ``websocket-client`` package,
``recv_data(4096)`` and the ``video_id``/``event_id`` print. Only the endless loop is cut to one
event, and a socket timeout keeps a failing test from hanging.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest
import websocket

from se5sim import Simulator


def vendor_sample_client(port: int, config: dict[str, Any]) -> None:
    s = websocket.WebSocket()
    s.settimeout(30)
    s.connect(f"ws://127.0.0.1:{port}")  # type: ignore[no-untyped-call]
    try:
        json_data = json.dumps(config)
        s.send(json_data)
        while True:
            # The vendor passes 4096 where recv_data takes control_frame: a truthy flag.
            info = s.recv_data(4096)  # type: ignore[arg-type]
            event = json.loads(str(info[1], encoding="utf8"))
            print("{} {}".format(event["video_id"], event["event_id"]))
            break
    finally:
        s.close()


async def test_vendor_sample_client(
    socket_enabled: None,
    session: aiohttp.ClientSession,
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with Simulator(rest_port=0, ws_port=0, dialect="v5", devices=4, seed=3) as sim:
        async with session.get(f"http://127.0.0.1:{sim.rest_port}/SophonDevice/api/Devices") as r:
            devices_list = (await r.json())["data"]["devices_list"]
        config = {
            "need_face": True,
            "need_register": True,
            "event_list": [device["device_id"] for device in devices_list],
        }
        client = asyncio.create_task(asyncio.to_thread(vendor_sample_client, sim.ws_port, config))
        await sim.wait_for_subscription(timeout=30)
        sent = await sim.fire(devices_list[2]["device_id"], person_type="vip")
        assert sent.delivered == 1
        await client
    assert capsys.readouterr().out == f"{sent.video_id} {sent.event_id}\n"
    assert sim.subscriptions[0].payload == config

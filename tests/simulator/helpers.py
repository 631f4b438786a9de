"""Helpers shared by the simulator tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import json
from typing import Any

import aiohttp

from se5sim import Dialect, Simulator


def subscription(
    dialect: Dialect,
    device_ids: list[str],
    *,
    face: bool = False,
    register: bool = False,
) -> dict[str, Any]:
    """A subscription frame in the dialect's own keys."""
    if dialect == "v5":
        return {"need_face": face, "need_register": register, "event_list": device_ids}
    return {
        "with_face_image": face,
        "with_register_image": register,
        "media_device_ids": device_ids,
    }


async def subscribe(
    ws: aiohttp.ClientWebSocketResponse,
    sim: Simulator,
    device_ids: list[str] | None = None,
    *,
    face: bool = False,
    register: bool = False,
) -> None:
    """Send a subscription and wait until the simulator has read it."""
    expected = len(sim.subscriptions) + 1
    ids = [device.id for device in sim.devices] if device_ids is None else device_ids
    await ws.send_str(json.dumps(subscription(sim.dialect, ids, face=face, register=register)))
    await sim.wait_for_subscription(count=expected)


async def receive_json(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    """The next frame, which must be a JSON object."""
    message = await ws.receive(timeout=10)
    assert message.type is aiohttp.WSMsgType.TEXT, message
    data = json.loads(message.data)
    assert isinstance(data, dict)
    return data


async def wait_until(predicate: Callable[[], bool], seconds: float = 10.0) -> None:
    """Poll ``predicate`` until it holds, for at most ``seconds`` (no fixed sleeps)."""
    async with asyncio.timeout(seconds):
        while not predicate():  # noqa: ASYNC110 - polling state the simulator exposes
            await asyncio.sleep(0.01)

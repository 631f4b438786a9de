"""Recognition on/off of V5 video devices, the V6 device-change feed, and the mask."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import json
import logging
import socket
from typing import Any

import aiohttp
from aiohttp import WSMsgType, web
import pytest

from custom_components.se5.client import (
    DeviceChange,
    DeviceFeed,
    Dialect,
    Se5Client,
    Se5NotABoxError,
    Se5RefusedError,
    parse_event,
)
from custom_components.se5.client.attributes import mask_of
from custom_components.se5.client.device_feed import MAX_FRAME_BYTES, parse_change
from custom_components.se5.client.device_list import parse_device_v5, parse_device_v6
from custom_components.se5.client.errors import FrameError
from custom_components.se5.client.history import parse_history_event
from se5sim import Simulator
from tests.client.conftest import FAST_BACKOFF
from tests.helpers import Handler, wait_for

# Recognition on/off --------------------------------------------------------------------------


def test_recognition_read_from_the_device_list() -> None:
    video = {"device_id": "a", "device_type": "rtsp", "device_key": "rtsp://127.0.0.1/x"}
    assert parse_device_v5(video).recognition is True  # type: ignore[union-attr]
    off = {**video, "device_attr": {"actions": {"do_detect": True, "do_match": False}}}
    assert parse_device_v5(off).recognition is False  # type: ignore[union-attr]
    on = {**video, "device_attr": {"actions": {"do_detect": True}}}
    assert parse_device_v5(on).recognition is True  # type: ignore[union-attr]
    gate = {"device_id": "b", "device_type": "photo", "device_attr": {"actions": {}}}
    assert parse_device_v5(gate).recognition is None  # type: ignore[union-attr]
    v6 = {"media_device_id": "c", "media_device_type": "rtsp"}
    assert parse_device_v6(v6).recognition is None  # type: ignore[union-attr]
    assert parse_device_v5(video).stream_url == "rtsp://127.0.0.1/x"  # type: ignore[union-attr]
    assert parse_device_v5(gate).stream_url is None  # type: ignore[union-attr]


@pytest.mark.parametrize("dialect", [Dialect.V5], indirect=True)
async def test_recognition_switched_on_the_simulator(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    box = Se5Client(session, "127.0.0.1", sim.rest_port, dialect=dialect)
    video = next(d for d in sim.devices if d.kind == "rtsp")
    gate = next(d for d in sim.devices if d.kind != "rtsp")
    before = {d.id: d.v5_entry() for d in sim.devices}
    await box.set_recognition(video.id, False)
    assert not video.recognising
    listed = {d.id: d for d in await box.list_devices()}
    assert listed[video.id].recognition is False
    after = video.v5_entry()
    # Sent back whole: nothing but the flags changed, the flags it had kept.
    assert {k: v for k, v in after.items() if k != "device_attr"} == {
        k: v for k, v in before[video.id].items() if k != "device_attr"
    }
    assert after["device_attr"]["actions"] == {
        "do_detect": False,
        "do_feature": False,
        "do_match": False,
    }
    await box.set_recognition(video.id, True)
    assert video.recognising
    with pytest.raises(ValueError, match="rtsp"):
        await box.set_recognition(gate.id, False)
    with pytest.raises(Se5RefusedError, match="does not list"):
        await box.set_recognition("gone", False)


@pytest.mark.parametrize("dialect", [Dialect.V6], indirect=True)
async def test_no_recognition_switch_on_v6(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    box = Se5Client(session, "127.0.0.1", sim.rest_port, dialect=dialect)
    with pytest.raises(ValueError, match="V6"):
        await box.set_recognition(sim.devices[0].id, False)


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ((200, {"data": {}}), Se5NotABoxError),
        ((200, {"data": {"success_devices": []}}), Se5RefusedError),
        ((400, {"error": {"code": 40000, "message": "group_id is required"}}), Se5RefusedError),
    ],
)
async def test_odd_answers_to_the_switch(
    fake_box: Callable[[Handler], Awaitable[int]],
    session: aiohttp.ClientSession,
    answer: tuple[int, Any],
    error: type[Exception],
) -> None:
    record = {"device_id": 7, "device_type": "rtsp", "device_attr": "?"}

    async def handler(request: web.Request) -> web.Response:
        if request.method == "GET":
            if error is Se5NotABoxError:
                return web.json_response({"data": {"list": []}})
            return web.json_response({"data": {"devices_list": [record, "junk"]}})
        return web.json_response(answer[1], status=answer[0])

    port = await fake_box(handler)
    box = Se5Client(session, "127.0.0.1", port, dialect=Dialect.V5)
    with pytest.raises(error):
        await box.set_recognition("7", True)


# The V6 device-change feed -------------------------------------------------------------------


def test_parse_change() -> None:
    frame = {
        "modify_media_device": {"action": "Add", "media_device_info": {"media_device_id": 42}},
        "preview_mode": "1",
    }
    assert parse_change(json.dumps(frame).encode()) == DeviceChange("add", "42")
    assert parse_change(json.dumps({"preview_mode": "4"})) is None
    for odd in ({"modify_media_device": {"action": "explode"}}, {"modify_media_device": 3}):
        assert parse_change(json.dumps(odd)) is None
    no_info = {"modify_media_device": {"action": "delete", "media_device_info": []}}
    assert parse_change(json.dumps(no_info)) == DeviceChange("delete", None)
    for bad in (b"\xff\xfe not utf-8", b"[1, 2]", b"{"):
        with pytest.raises(FrameError):
            parse_change(bad)


@pytest.mark.parametrize("dialect", [Dialect.V6], indirect=True)
async def test_feed_hears_device_changes_and_survives_reboots(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    changes: list[DeviceChange] = []
    feed = DeviceFeed(
        session, "127.0.0.1", sim.feed_port, on_change=changes.append, backoff=FAST_BACKOFF
    )
    assert feed.url.port == sim.feed_port
    task = asyncio.create_task(feed.run())
    try:
        await wait_for(lambda: sim.feed_connections == 1, what="feed connected")
        added = sim.add_device("Garage", "rtsp")
        await wait_for(lambda: changes, what="the change")
        assert changes == [DeviceChange("add", added.id)]
        await sim.reboot(downtime=0.2)
        await wait_for(lambda: sim.feed_connections == 1, what="feed reconnected")
        sim.remove_device(added.id)
        await wait_for(lambda: len(changes) == 2, what="the second change")
        assert changes[1] == DeviceChange("delete", added.id)
        assert feed.changes == 2
        assert feed.connected
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def test_feed_skips_bad_frames_and_drops_huge_ones(
    fake_box: Callable[[Handler], Awaitable[int]],
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    connections = 0

    async def handler(request: web.Request) -> web.StreamResponse:
        nonlocal connections
        connections += 1
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_bytes(b"\xff not json")
        await ws.send_bytes(b"\xff not json again")
        # Later than the handshake: a frame that arrives in the handshake's own chunk reaches
        # aiohttp before the size check is in place, which then fails the socket instead.
        await asyncio.sleep(0.3)
        await ws.send_bytes(b"x" * (MAX_FRAME_BYTES + 10))
        change = {"modify_media_device": {"action": "modify", "media_device_info": {}}}
        await ws.send_str(json.dumps(change))
        async for message in ws:
            if message.type is WSMsgType.TEXT:
                await ws.send_str(message.data)  # never happens: the feed sends nothing
        return ws

    port = await fake_box(handler)
    changes: list[DeviceChange] = []
    feed = DeviceFeed(session, "127.0.0.1", port, on_change=changes.append, backoff=FAST_BACKOFF)
    with caplog.at_level(logging.DEBUG, logger="custom_components.se5.client.device_feed"):
        task = asyncio.create_task(feed.run())
        try:
            await wait_for(lambda: changes, what="the change after the bad frames")
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
    assert changes == [DeviceChange("modify", None)]
    infos = [r for r in caplog.records if r.levelno == logging.INFO]
    assert len([r for r in infos if "not a change" in r.getMessage()]) == 1  # logged once
    assert any("too large" in r.getMessage() for r in infos)
    assert connections == 1


async def test_feed_keeps_trying_a_box_without_one(
    session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    changes: list[DeviceChange] = []
    feed = DeviceFeed(
        session, "127.0.0.1", free_port(), on_change=changes.append, backoff=FAST_BACKOFF
    )
    with caplog.at_level(logging.DEBUG, logger="custom_components.se5.client.device_feed"):
        task = asyncio.create_task(feed.run())
        await wait_for(
            lambda: len([r for r in caplog.records if "unavailable" in r.getMessage()]) >= 2,
            what="two attempts",
        )
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    unavailable = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert [r.levelno for r in unavailable[:2]] == [logging.INFO, logging.DEBUG]
    assert not feed.connected


def free_port() -> int:
    """A local port with nothing listening on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Mask -----------------------------------------------------------------------------------------


def test_mask() -> None:
    assert mask_of({"mask": "yes"}) is True
    assert mask_of({"mask": " NO "}) is False
    assert mask_of({"mask": True}) is True
    assert mask_of({"mask": ""}) is None
    assert mask_of({"mask": 1}) is None
    assert mask_of(None) is None
    v6 = {"media_device_id": "d", "timestamp": 1, "recognize_face_attr": {"mask": "yes"}}
    assert parse_event(v6).mask is True
    v5 = {"device_id": "d", "timestamp": 1, "recognize_face_attr": {"mask": "no", "age": 3}}
    assert parse_event(v5).mask is False
    history_v5 = {
        "timestamp": 1.5,
        "common": {"ep_info": {"device_id": "d"}, "recognize_face_attr": {"mask": "yes"}},
    }
    assert parse_history_event(history_v5).mask is True  # type: ignore[union-attr]
    history_v6 = {"timestamp": 1.5, "media_device_id": "d", "recognize_face_attr": {"mask": "no"}}
    assert parse_history_event(history_v6).mask is False  # type: ignore[union-attr]

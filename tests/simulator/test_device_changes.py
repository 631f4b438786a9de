"""The simulated box's device settings (V5 PUT Devices) and V6 device-change feed (54547)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import json
from typing import Any

import aiohttp
import pytest

from se5sim import Simulator

V5_DEVICES = "/SophonDevice/api/Devices"


async def call(
    session: aiohttp.ClientSession, method: str, url: str, **kwargs: Any
) -> tuple[int, Any]:
    async with session.request(method, url, **kwargs) as response:
        return response.status, await response.json(content_type=None)


async def test_v5_device_update_sends_whole_records(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession
) -> None:
    sim: Simulator = await make_sim(dialect="v5", devices=3)
    video = next(d for d in sim.devices if d.kind == "rtsp")
    status, listed = await call(
        session, "GET", sim.rest_url + V5_DEVICES, params={"device_id": video.id}
    )
    assert status == 200
    (record,) = listed["data"]["devices_list"]
    assert record["device_id"] == video.id
    record["device_attr"] = {
        "actions": {"do_detect": False, "do_feature": False, "do_match": False}
    }
    record["device_name"] = "Renamed"
    status, answer = await call(
        session, "PUT", sim.rest_url + V5_DEVICES, json={"devices_list": [record]}
    )
    assert status == 200
    assert answer == {
        "data": {"success_devices": [{"device_id": video.id, "device_name": "Renamed"}]}
    }
    assert video.name == "Renamed"
    assert not video.recognising
    with pytest.raises(ValueError, match="switched off"):
        await sim.fire(video.id)
    # A random recognition never picks it.
    for _ in range(10):
        assert (await sim.fire()).device_id != video.id
    # Every required field, as the page says; an unknown device is left out of the answer.
    for key in ("device_name", "group_id", "permission_id", "device_key", "device_type"):
        partial = {k: v for k, v in record.items() if k != key}
        status, answer = await call(
            session, "PUT", sim.rest_url + V5_DEVICES, json={"devices_list": [partial]}
        )
        assert (status, answer["error"]["code"]) == (400, 40000), key
    status, answer = await call(
        session,
        "PUT",
        sim.rest_url + V5_DEVICES,
        json={"devices_list": [{**record, "device_id": "gone", "netRelay": {}}]},
    )
    assert answer == {"data": {"success_devices": []}}
    for body in ({}, {"devices_list": []}, {"devices_list": [3]}):
        status, answer = await call(session, "PUT", sim.rest_url + V5_DEVICES, json=body)
        assert (status, answer["error"]["code"]) == (400, 40000), body
    status, answer = await call(session, "PUT", sim.rest_url + V5_DEVICES, data=b"{")
    assert (status, answer["error"]["code"]) == (400, 40001)
    # Switched on again.
    record["device_attr"] = {"actions": {"do_detect": True, "do_feature": True, "do_match": True}}
    await call(session, "PUT", sim.rest_url + V5_DEVICES, json={"devices_list": [record]})
    assert video.recognising
    await sim.fire(video.id)


async def test_v6_feed_broadcasts_device_changes(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession
) -> None:
    sim: Simulator = await make_sim(dialect="v6", devices=1)
    async with session.ws_connect(f"ws://127.0.0.1:{sim.feed_port}") as ws:
        await asyncio.sleep(0)
        for _ in range(100):
            if sim.feed_connections:
                break
            await asyncio.sleep(0.01)
        added = sim.add_device("Garage", "rtsp")
        message = await ws.receive(timeout=5)
        assert message.type is aiohttp.WSMsgType.BINARY
        frame = json.loads(message.data.decode("utf-8"))
        assert frame["modify_media_device"]["action"] == "add"
        info = frame["modify_media_device"]["media_device_info"]
        assert info["media_device_id"] == added.id
        assert info["media_device_name"] == "Garage"
        assert set(frame) >= {"preview_device_list", "selected_device_list", "preview_mode"}
        sim.rename_device(added.id, "Carport")
        frame = json.loads((await ws.receive(timeout=5)).data)
        assert frame["modify_media_device"]["action"] == "modify"
        sim.remove_device(added.id)
        frame = json.loads((await ws.receive(timeout=5)).data)
        assert frame["modify_media_device"]["action"] == "delete"
        # What a client sends is ignored.
        await ws.send_str("hello")
        await sim.go_down()
        message = await ws.receive(timeout=5)
        assert message.type in (
            aiohttp.WSMsgType.CLOSE,
            aiohttp.WSMsgType.CLOSED,
            aiohttp.WSMsgType.ERROR,
        )
    await sim.come_back()
    async with session.ws_connect(f"ws://127.0.0.1:{sim.feed_port}"):
        pass


async def test_v5_has_no_feed(make_sim: Callable[..., Any]) -> None:
    sim: Simulator = await make_sim(dialect="v5", devices=1)
    sim.add_device("Garage")
    sim.rename_device(sim.devices[0].id, "Hall")
    assert sim.feed_connections == 0


@pytest.mark.parametrize("dialect", ["v5", "v6"])
async def test_mask_in_live_frames_and_history(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession, dialect: str
) -> None:
    sim: Simulator = await make_sim(dialect=dialect, devices=1)
    await sim.fire(sim.devices[0].id, mask=True)
    await sim.fire(sim.devices[0].id)
    if dialect == "v5":
        _, page = await call(session, "GET", sim.rest_url + "/SophonFace/api/events")
        masks = [event["common"]["recognize_face_attr"]["mask"] for event in page["data"]]
    else:
        _, page = await call(session, "POST", sim.rest_url + "/sophon/v2/face/getevents", json={})
        masks = [event["recognize_face_attr"]["mask"] for event in page["events"]]
    assert masks == ["no", "yes"]  # newest first

"""The simulated box's event socket, both dialects."""

from __future__ import annotations

import base64
from collections.abc import Callable
import json
from typing import Any

import aiohttp
import pytest

from se5sim import SentRecognition, Simulator
from tests.simulator.helpers import receive_json, subscribe, wait_until

V6_PREFIX = "data:image/jpeg;base64,"
V5_KEYS = {
    "ext_data",
    "identity_id",
    "device_id",
    "identity_info",
    "score",
    "timestamp",
    "group_name",
    "identity_name",
    "video_id",
    "event_id",
}
V6_KEYS = {
    "event_id",
    "media_device_id",
    "media_device_ip",
    "media_device_type",
    "identity_id",
    "identity_name",
    "user_type",
    "score",
    "timestamp",
    "recognize_face_attr",
}


def device_of(frame: dict[str, Any]) -> str:
    value = frame.get("device_id", frame.get("media_device_id"))
    assert isinstance(value, str)
    return value


def jpeg(text: str, *, prefixed: bool) -> bytes:
    if prefixed:
        assert text.startswith(V6_PREFIX)
        text = text.removeprefix(V6_PREFIX)
    else:
        assert not text.startswith("data:")
    data = base64.b64decode(text, validate=True)
    assert data.startswith(b"\xff\xd8")
    assert data.endswith(b"\xff\xd9")
    return data


def assert_matches(frame: dict[str, Any], sent: SentRecognition) -> None:
    assert frame["event_id"] == sent.event_id
    assert device_of(frame) == sent.device_id
    assert frame["identity_id"] == sent.identity_id
    assert frame["identity_name"] == sent.identity_name
    assert frame["score"] == sent.score
    assert frame["timestamp"] == sent.timestamp_ms


async def test_nothing_before_subscription(sim: Simulator, session: aiohttp.ClientSession) -> None:
    device = sim.devices[0].id
    async with session.ws_connect(sim.ws_url) as ws:
        await wait_until(lambda: sim.active_connections == 1)
        unseen = await sim.fire(device)
        assert unseen.delivered == 0
        await subscribe(ws, sim, [device])
        sent = await sim.fire(device)
        assert sent.delivered == 1
        frame = await receive_json(ws)
        assert frame["event_id"] == sent.event_id  # the first frame is the second event


async def test_filter_by_device(sim: Simulator, session: aiohttp.ClientSession) -> None:
    first, second, third = (device.id for device in sim.devices)
    async with session.ws_connect(sim.ws_url) as ws:
        await subscribe(ws, sim, [first, third])
        skipped = await sim.fire(second)
        assert skipped.delivered == 0
        sent = await sim.fire(third)
        assert_matches(await receive_json(ws), sent)
        sent = await sim.fire(first)
        assert_matches(await receive_json(ws), sent)


async def test_empty_list_means_no_events(sim: Simulator, session: aiohttp.ClientSession) -> None:
    async with session.ws_connect(sim.ws_url) as ws:
        await subscribe(ws, sim, [])
        assert all([(await sim.fire(device.id)).delivered == 0 for device in sim.devices])
        # the other dialect's keys mean nothing to this box
        other = {"event_list": [sim.devices[0].id], "media_device_ids": [sim.devices[0].id]}
        key = "media_device_ids" if sim.dialect == "v5" else "event_list"
        await ws.send_str(json.dumps({key: other[key]}))
        await sim.wait_for_subscription(count=2)
        assert (await sim.fire(sim.devices[0].id)).delivered == 0


async def test_v5_frame_without_images(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession
) -> None:
    sim: Simulator = await make_sim(dialect="v5")
    device = sim.devices[0]
    person = sim.people[1]
    async with session.ws_connect(sim.ws_url) as ws:
        await subscribe(ws, sim)
        sent = await sim.fire(device.id, identity_id=person.identity_id, timestamp_ms=1566016554020)
        frame = await receive_json(ws)
    assert set(frame) == V5_KEYS
    assert_matches(frame, sent)
    assert frame["timestamp"] == 1566016554020
    assert frame["video_id"] == sent.video_id
    assert frame["group_name"] == person.group_name == sent.group_name
    assert frame["identity_info"] == sent.identity_info
    assert frame["identity_info"] == {
        "image_id": person.image_id,
        "type": 1,
        "user_id": person.user_id,
        "name": person.name,
        "face_ids": [person.face_id],
    }
    assert frame["ext_data"] == {
        "person_type": 1,
        "device_ip": device.ip,
        "device_type": device.type_code,
        "grab_fiqa_info": {},
        "box_fiqa_info": {},
    }
    assert 0 < frame["score"] < 1
    assert sent.person_type == "employee"


async def test_v5_frame_with_images(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession
) -> None:
    sim: Simulator = await make_sim(dialect="v5")
    person = sim.people[6]
    async with session.ws_connect(sim.ws_url) as ws:
        await subscribe(ws, sim, face=True, register=True)
        sent = await sim.fire(sim.devices[2].id, identity_id=person.identity_id)
        frame = await receive_json(ws)
    assert set(frame) == {*V5_KEYS, "reg_pic"}
    assert set(frame["ext_data"]) == {
        "person_type",
        "device_ip",
        "device_type",
        "spot_pic",
        "recognize_face",
        "grab_fiqa_info",
        "box_fiqa_info",
    }
    assert frame["ext_data"]["person_type"] == 5
    assert frame["ext_data"]["device_type"] == "4"  # "Back door" is an access-control panel
    assert jpeg(frame["reg_pic"], prefixed=False) == sent.registered_jpeg == person.photo_jpeg
    assert jpeg(frame["ext_data"]["recognize_face"], prefixed=False) == sent.face_jpeg
    assert jpeg(frame["ext_data"]["spot_pic"], prefixed=False) == sent.scene_jpeg
    assert sent.face_jpeg != sent.registered_jpeg


@pytest.mark.parametrize(("face", "register"), [(True, False), (False, True)])
async def test_v5_image_flags(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession, face: bool, register: bool
) -> None:
    sim: Simulator = await make_sim(dialect="v5")
    async with session.ws_connect(sim.ws_url) as ws:
        await subscribe(ws, sim, face=face, register=register)
        await sim.fire(sim.devices[0].id, person_type="visitor")
        frame = await receive_json(ws)
    assert ("reg_pic" in frame) is register
    assert ("spot_pic" in frame["ext_data"]) is face
    assert ("recognize_face" in frame["ext_data"]) is face


async def test_v6_frames(make_sim: Callable[..., Any], session: aiohttp.ClientSession) -> None:
    sim: Simulator = await make_sim(dialect="v6")
    device = sim.devices[0]
    person = sim.people[3]
    async with session.ws_connect(sim.ws_url) as ws:
        await subscribe(ws, sim, face=True, register=True)
        sent = await sim.fire(device.id, identity_id=person.identity_id)
        frame = await receive_json(ws)
        assert set(frame) == {*V6_KEYS, "recognize_face_image", "register_image"}
        assert_matches(frame, sent)
        assert frame["user_type"] == "visitor"
        assert frame["media_device_ip"] == device.ip
        assert frame["media_device_type"] == "rtsp"
        assert frame["recognize_face_attr"] == {
            "gender": person.gender,
            "age": person.age,
            "glasses": person.glasses,
            "mask": "no",
        }
        assert jpeg(frame["recognize_face_image"], prefixed=True) == sent.face_jpeg
        assert jpeg(frame["register_image"], prefixed=True) == sent.registered_jpeg
        assert sent.scene_jpeg is None
        assert sent.identity_info is None
        assert 1 < frame["score"] <= 100

        stranger = await sim.fire(device.id, person_type="stranger")
        frame = await receive_json(ws)
        assert set(frame) == {*V6_KEYS, "recognize_face_image"}  # no registered photo
        assert frame["user_type"] == "stranger"
        assert frame["identity_name"] == "stranger"
        assert stranger.registered_jpeg is None

        await subscribe(ws, sim)  # same devices, no images
        sent = await sim.fire(device.id)
        frame = await receive_json(ws)
        assert set(frame) == V6_KEYS
        assert_matches(frame, sent)


async def test_resubscribe_mid_stream(sim: Simulator, session: aiohttp.ClientSession) -> None:
    first, second, _ = (device.id for device in sim.devices)
    async with session.ws_connect(sim.ws_url) as ws:
        await subscribe(ws, sim, [first])
        sent = await sim.fire(first)
        assert_matches(await receive_json(ws), sent)
        await subscribe(ws, sim, [second], face=True)
        assert (await sim.fire(first)).delivered == 0
        sent = await sim.fire(second)
        frame = await receive_json(ws)
        assert_matches(frame, sent)
        assert "recognize_face" in frame.get("ext_data", {}) or "recognize_face_image" in frame
    records = sim.subscriptions
    assert len(records) == 2
    assert records[0].connection_id == records[1].connection_id
    assert records[1].received_at >= records[0].received_at


async def test_deeply_nested_subscription_frame_is_ignored(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    """JSON too deep to read is ignored like any other non-JSON text; the socket goes on."""
    device = sim.devices[0].id
    async with session.ws_connect(sim.ws_url) as ws:
        await ws.send_str("[" * 100_000 + "]" * 100_000)
        await subscribe(ws, sim, [device])
        sent = await sim.fire(device)
        assert sent.delivered == 1
        assert_matches(await receive_json(ws), sent)
    assert len(sim.subscriptions) == 1


async def test_subscription_records_and_ignored_frames(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    device = sim.devices[0].id
    async with session.ws_connect(sim.ws_url) as one, session.ws_connect(sim.ws_url) as two:
        await one.send_str("hello box")  # not JSON: ignored
        await one.send_str("[1, 2]")  # not an object: ignored
        await one.send_bytes(b"\x00")  # binary: ignored
        await subscribe(one, sim, [device])
        payload = {"event_list": [device], "media_device_ids": [device], "colour": "blue"}
        await two.send_str(json.dumps(payload))
        record = await sim.wait_for_subscription(count=2)
        assert record.payload == payload
        assert [r.connection_id for r in sim.subscriptions] == [1, 2]
        assert sim.connections_total == 2
        assert sim.active_connections == 2
        sent = await sim.fire(device)
        assert sent.delivered == 2
        assert_matches(await receive_json(one), sent)
        assert_matches(await receive_json(two), sent)
    await wait_until(lambda: sim.active_connections == 0)
    assert sim.connections_total == 2


async def test_any_path(sim: Simulator, session: aiohttp.ClientSession) -> None:
    async with session.ws_connect(sim.ws_url + "/events/stream?x=1") as ws:
        await subscribe(ws, sim)
        sent = await sim.fire()
        assert_matches(await receive_json(ws), sent)


async def test_wait_for_subscription_times_out(sim: Simulator) -> None:
    with pytest.raises(TimeoutError):
        await sim.wait_for_subscription(timeout=1.0)


async def test_plain_http_on_the_socket_port(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    async with session.get(sim.ws_url.replace("ws://", "http://") + "/anything") as response:
        assert response.status == 400
    assert sim.connections_total == 0


@pytest.mark.parametrize(("dialect", "scale"), [("v5", None), ("v5", 100), ("v6", None), ("v6", 1)])
async def test_score_scales(
    make_sim: Callable[..., Any],
    session: aiohttp.ClientSession,
    dialect: str,
    scale: int | None,
) -> None:
    sim: Simulator = await make_sim(dialect=dialect, score_scale=scale)
    hundred = scale == 100 or (scale is None and dialect == "v6")
    assert sim.score_scale == (100 if hundred else 1)
    async with session.ws_connect(sim.ws_url) as ws:
        await subscribe(ws, sim)
        for person_type in ("employee", "stranger", "vip"):
            sent = await sim.fire(person_type=person_type)
            frame = await receive_json(ws)
            assert frame["score"] == sent.score
            assert isinstance(frame["score"], float)
            if hundred:
                assert 1 < frame["score"] < 100
                assert round(frame["score"], 2) == frame["score"]
            else:
                assert 0 < frame["score"] < 1
        raw = await sim.fire(score=82.05)
        assert (await receive_json(ws))["score"] == raw.score == 82.05


async def test_v5_stranger_shapes_alternate(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession
) -> None:
    sim: Simulator = await make_sim(dialect="v5")
    device = sim.devices[0].id
    async with session.ws_connect(sim.ws_url) as ws:
        await subscribe(ws, sim, register=True)
        infos = []
        for _ in range(4):
            sent = await sim.fire(device, person_type="stranger", timestamp_ms=1594111791123)
            frame = await receive_json(ws)
            assert frame["identity_name"] == "stranger"
            assert frame["ext_data"]["person_type"] == 4
            assert frame["reg_pic"] == ""
            assert sent.registered_jpeg is None
            assert frame["identity_info"] == sent.identity_info
            infos.append(frame["identity_info"])
    assert infos[0] == infos[2] == {}
    for record in (infos[1], infos[3]):
        assert set(record) == {"addTime", "image_id", "name", "type"}
        assert record["addTime"] == 1594111791
        assert record["name"] == "stranger"
        assert record["type"] == 4


async def test_omit_person_type(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession
) -> None:
    sim: Simulator = await make_sim(dialect="v5")
    async with session.ws_connect(sim.ws_url) as ws:
        await subscribe(ws, sim)
        sent = await sim.fire(omit_person_type=True)
        frame = await receive_json(ws)
    assert "person_type" not in frame["ext_data"]
    assert sent.person_type == "employee"
    assert not sent.person_type_sent
    assert frame["identity_info"]["type"] == 1
    with pytest.raises(ValueError, match="employees"):
        await sim.fire(person_type="visitor", omit_person_type=True)
    v6: Simulator = await make_sim(dialect="v6")
    with pytest.raises(ValueError, match="V5"):
        await v6.fire(omit_person_type=True)


async def test_random_recognitions_cover_all_types(make_sim: Callable[..., Any]) -> None:
    sim: Simulator = await make_sim(dialect="v5", devices=2)
    seen = {(await sim.fire()).person_type for _ in range(200)}
    assert seen == {"employee", "visitor", "blacklist", "stranger", "vip"}


async def test_fire_device_choice(sim: Simulator, session: aiohttp.ClientSession) -> None:
    followed = sim.devices[1].id
    async with session.ws_connect(sim.ws_url) as ws:
        await subscribe(ws, sim, [followed])
        for _ in range(5):
            sent = await sim.fire()
            assert sent.device_id == followed
            assert_matches(await receive_json(ws), sent)


async def test_fire_rejects_impossible_requests(sim: Simulator) -> None:
    with pytest.raises(ValueError, match="device"):
        await sim.fire("no-such-device")
    with pytest.raises(ValueError, match="person"):
        await sim.fire(identity_id="no-such-person")
    with pytest.raises(ValueError, match="not a"):
        await sim.fire(identity_id=sim.people[0].identity_id, person_type="vip")
    with pytest.raises(ValueError, match="person_type"):
        await sim.fire(person_type="alien")  # type: ignore[arg-type]
    stranger = sim.strangers[0]
    sent = await sim.fire(identity_id=stranger.identity_id)
    assert sent.person_type == "stranger"
    assert sent.identity_id == stranger.identity_id
    for device in sim.devices:
        sim.remove_device(device.id)
    with pytest.raises(ValueError, match="no devices"):
        await sim.fire()

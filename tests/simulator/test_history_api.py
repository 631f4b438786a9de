"""The simulated event history: recording, the query calls, images, order, bounds, numeric ids."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
import json
from typing import Any

import aiohttp
import pytest

from se5sim import SentRecognition, Simulator
from se5sim.history import History
from tests.simulator.helpers import receive_json, subscribe, wait_until

V5_EVENTS = "/SophonFace/api/events"
V5_IMAGES = "/SophonFace/api/event_images/"
V6_EVENTS = "/sophon/v2/face/getevents"
V6_IMAGES = "/sophon/v2/face/getspotimage/"
BASE_MS = 1_700_000_000_000


async def v5_events(session: aiohttp.ClientSession, sim: Simulator, **params: Any) -> Any:
    async with session.get(sim.rest_url + V5_EVENTS, params=params) as response:
        return response.status, await response.json()


async def v6_events(session: aiohttp.ClientSession, sim: Simulator, body: Any) -> Any:
    async with session.post(sim.rest_url + V6_EVENTS, json=body) as response:
        return response.status, await response.json()


async def fire_at(sim: Simulator, *offsets: int, **kwargs: Any) -> list[SentRecognition]:
    return [await sim.fire(timestamp_ms=BASE_MS + offset, **kwargs) for offset in offsets]


async def test_every_recognition_is_recorded(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession
) -> None:
    sim: Simulator = await make_sim(dialect="v5", rate=200.0)
    # nobody connected: the random recognitions go to the history only
    await wait_until(lambda: len(sim.history) >= 3)
    assert all(sent.delivered == 0 for sent in sim.history)
    sim.set_rate(0)
    await wait_until(lambda: sim._rate_task is None)
    count = len(sim.history)
    async with session.ws_connect(sim.ws_url) as ws:
        await subscribe(ws, sim)
        delivered = await sim.fire()
        await receive_json(ws)
    await sim.go_down()
    missed = await sim.fire()  # the box is down: recorded, delivered to nobody
    await sim.come_back()
    assert sim.history[count:] == [delivered, missed]
    assert (delivered.delivered, missed.delivered) == (1, 0)


async def test_v5_events(make_sim: Callable[..., Any], session: aiohttp.ClientSession) -> None:
    sim: Simulator = await make_sim(dialect="v5", devices=2)
    device = sim.devices[1]
    (vip,) = await fire_at(sim, 0, device_id=device.id, person_type="vip")
    stranger = await sim.fire(device.id, person_type="stranger", timestamp_ms=BASE_MS + 1500)
    status, body = await v5_events(session, sim, per_page=10, page=0)
    assert status == 200
    assert body["pagination"] == {"num_pages": 1, "page": 0, "per_page": 10, "total_count": 2}
    newest, oldest = body["data"]  # newest first
    assert newest["timestamp"] == (BASE_MS + 1500) / 1000
    assert set(newest) == {"_id", "common", "gate_data", "grab_data", "timestamp", "video_data"}
    common = newest["common"]
    assert common["ep_info"] == {
        "device_id": device.id,
        "ep_id": "0x" + (sim.mac or "").replace(":", "") + "__" + device.ip,
        "ep_ip": device.ip,
        "ep_name": device.name,
        "ep_type": device.kind,
    }
    # a stranger has no identity in the history
    assert (common["identity_id"], common["identity_name"], common["identity_info"]) == ("", "", {})
    assert common["person_type"] == 4
    assert newest["_id"] == stranger.event_id
    assert common["spot_pic_id"] != common["recognize_face_pic_id"]
    match = oldest["common"]
    assert (match["identity_id"], match["person_type"]) == (vip.identity_id, 5)
    person = next(p for p in sim.people if p.identity_id == vip.identity_id)
    assert match["identity_info"]["image_id"] == person.image_id
    assert match["score"] == vip.score
    assert match["recognize_face_attr"]["gender"] in {"male", "female"}
    assert match["recognize_face_attr"]["glasses"] in {"yes", "no"}
    assert match["recognize_face_attr"]["age"] in {"youth", "middle-aged", "aged"}


async def test_v5_filters_and_paging(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession
) -> None:
    sim: Simulator = await make_sim(dialect="v5", devices=3)
    sent = [
        await sim.fire(sim.devices[n % 3].id, timestamp_ms=BASE_MS + n * 1000, score=n / 10)
        for n in range(9)
    ]
    ids = lambda body: [e["_id"] for e in body["data"]]  # noqa: E731
    _, body = await v5_events(session, sim, per_page=4, page=2)
    assert ids(body) == [sent[0].event_id]
    assert body["pagination"]["num_pages"] == 3
    _, body = await v5_events(
        session, sim, datetime_gte=(BASE_MS + 2000) / 1000, datetime_lte=(BASE_MS + 4000) / 1000
    )
    assert ids(body) == [s.event_id for s in reversed(sent[2:5])]
    _, body = await v5_events(session, sim, score_min=0.65, score_max=0.75)
    assert ids(body) == [sent[7].event_id]
    target = sim.devices[1].id
    expected = [s.event_id for s in reversed(sent) if s.device_id == target]
    for streams in (json.dumps([target]), target, f"{target},nope"):
        _, body = await v5_events(session, sim, streams=streams)
        assert ids(body) == expected
    employee = next(s for s in sent if s.person_type != "stranger")
    _, body = await v5_events(session, sim, identity_id=employee.identity_id)
    assert employee.event_id in ids(body)
    _, body = await v5_events(session, sim, name=employee.identity_name[:2])
    assert employee.event_id in ids(body)
    for bad in ({"per_page": "0"}, {"page": "x"}, {"datetime_gte": "yesterday"}):
        status, body = await v5_events(session, sim, **bad)
        assert (status, body["error"]["code"]) == (400, 40000)
    status, body = await v5_events(session, sim, streams="[broken")
    assert (status, body["error"]["code"]) == (400, 40000)


async def test_v6_events(make_sim: Callable[..., Any], session: aiohttp.ClientSession) -> None:
    sim: Simulator = await make_sim(dialect="v6", devices=2)
    device = sim.devices[0]
    (vip,) = await fire_at(sim, 0, device_id=device.id, person_type="vip")
    status, body = await v6_events(session, sim, {})
    assert status == 200
    assert body["pagination"] == {"page_index": 0, "page_limit": 10, "total_count": 1}
    (event,) = body["events"]
    person = next(p for p in sim.people if p.identity_id == vip.identity_id)
    assert event["event_id"] == vip.event_id
    assert event["timestamp"] == BASE_MS / 1000
    assert event["ext_data"] == {
        "in_timestamp": BASE_MS / 1000,
        "recognition_timestamp": BASE_MS / 1000,
    }
    assert event["media_device_info"] == {
        "media_device_id": device.id,
        "media_device_ip": device.ip,
        "media_device_name": device.name,
        "media_device_type": device.v6_type,
    }
    assert (event["user_type"], event["identity_id"]) == ("vip", vip.identity_id)
    assert event["register_image_id"] == person.image_id
    # the box keeps the face crop only: both ids name it, as in the docs' example
    assert event["spot_image_id"] == event["recognize_face_image_id"]
    assert event["spot_image_id"].startswith("00")
    (stranger,) = await fire_at(sim, 1000, person_type="stranger")
    _, body = await v6_events(session, sim, {"filters": {"user_type": "STRANGER"}})
    (event,) = body["events"]
    assert (event["identity_id"], event["register_image_id"]) == ("", "")
    _, body = await v6_events(session, sim, {"filters": {"media_device_ids": [device.id]}})
    expected = [s.event_id for s in (stranger, vip) if s.device_id == device.id]  # newest first
    assert [e["event_id"] for e in body["events"]] == expected
    _, body = await v6_events(session, sim, {"filters": {"identity_id": vip.identity_id}})
    assert [e["event_id"] for e in body["events"]] == [vip.event_id]
    _, body = await v6_events(
        session, sim, {"filters": {"identity_name": vip.identity_name, "score_min": 0}}
    )
    assert [e["event_id"] for e in body["events"]] == [vip.event_id]


@pytest.mark.parametrize(
    "body",
    [{"page_limit": 0}, {"filters": "x"}, {"filters": {"datetime_gte": "today"}}, [1]],
)
async def test_v6_bad_queries(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession, body: Any
) -> None:
    sim: Simulator = await make_sim(dialect="v6")
    status, answer = await v6_events(session, sim, body)
    assert status == 400
    assert answer["error"]["code"] in {"INVALID_ARGUMENTS", "INVALID_REQUEST_JSON"}


@pytest.mark.parametrize(
    "device_ids",
    ["[broken", "[" * 100_000 + "]" * 100_000, ["cam", "[nope"]],
    ids=["broken", "nested-too-deep", "broken-in-a-list"],
)
async def test_v6_unreadable_device_filter_is_a_bad_request(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession, device_ids: Any
) -> None:
    sim: Simulator = await make_sim(dialect="v6")
    await fire_at(sim, 0)
    status, body = await v6_events(session, sim, {"filters": {"media_device_ids": device_ids}})
    assert (status, body["error"]["code"]) == (400, "INVALID_ARGUMENTS")


@pytest.mark.parametrize(
    ("unit", "gte", "lte", "expected"),
    [
        ("auto", BASE_MS // 1000 + 1, BASE_MS + 2000, [1, 2]),  # each value read in its unit
        ("s", BASE_MS // 1000 + 1, BASE_MS // 1000 + 2, [1, 2]),
        ("s", BASE_MS // 1000 + 1, BASE_MS + 2000, [1, 2, 3]),  # ms as seconds: far future
        ("ms", BASE_MS + 1000, BASE_MS + 2000, [1, 2]),
        ("ms", BASE_MS // 1000 + 1, BASE_MS + 2000, [0, 1, 2]),  # seconds as ms: 1970
    ],
)
async def test_v6_filter_units(
    make_sim: Callable[..., Any],
    session: aiohttp.ClientSession,
    unit: str,
    gte: int,
    lte: int,
    expected: list[int],
) -> None:
    sim: Simulator = await make_sim(dialect="v6", v6_filter_unit=unit)
    sent = await fire_at(sim, 0, 1000, 2000, 3000)
    filters = {"datetime_gte": gte, "datetime_lte": lte}
    _, body = await v6_events(session, sim, {"filters": filters})
    assert [e["event_id"] for e in body["events"]] == [sent[n].event_id for n in reversed(expected)]


async def test_oldest_first_order(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession
) -> None:
    sim: Simulator = await make_sim(dialect="v6", history_order="oldest")
    sent = await fire_at(sim, 3000, 1000, 2000, 1000)  # recorded out of order, one tie
    _, body = await v6_events(session, sim, {})
    assert [e["event_id"] for e in body["events"]] == [
        sent[1].event_id,
        sent[3].event_id,
        sent[2].event_id,
        sent[0].event_id,
    ]


async def test_images(sim: Simulator, session: aiohttp.ClientSession) -> None:
    v5 = sim.dialect == "v5"
    (sent,) = await fire_at(sim, 0)
    record = sim.history_records[-1]
    assert record.sent == sent
    prefix, key = (V5_IMAGES, "datetime") if v5 else (V6_IMAGES, "timestamp")
    seconds = str(BASE_MS / 1000)
    async with session.get(
        sim.rest_url + prefix + record.face_image_id, params={key: seconds}
    ) as response:
        assert response.status == 200
        assert response.content_type == "image/jpeg"
        assert await response.read() == sent.face_jpeg
    async with session.get(
        sim.rest_url + prefix + record.scene_image_id, params={key: seconds}
    ) as response:
        assert await response.read() == (sent.scene_jpeg if v5 else sent.face_jpeg)
    # the right id at the wrong time, and an unknown id
    for image_id, when in ((record.face_image_id, str(BASE_MS / 1000 + 5)), ("nope", seconds)):
        async with session.get(sim.rest_url + prefix + image_id, params={key: when}) as response:
            assert response.status == 404
            error = (await response.json())["error"]
            assert error["code"] == (40400 if v5 else "ID_NOT_FOUND")
    for params in ({}, {key: "soon"}):
        async with session.get(
            sim.rest_url + prefix + record.face_image_id, params=params
        ) as response:
            assert response.status == 400


async def test_bounded_history(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession
) -> None:
    sim: Simulator = await make_sim(dialect="v5", history_size=3)
    await fire_at(sim, 0)
    dropped = sim.history_records[0]
    sent = await fire_at(sim, 1000, 2000, 3000)
    assert sim.history == sent
    params = {"datetime": str(BASE_MS / 1000)}
    for image_id in (dropped.face_image_id, dropped.scene_image_id):
        async with session.get(sim.rest_url + V5_IMAGES + image_id, params=params) as response:
            assert response.status == 404
    _, body = await v5_events(session, sim)
    assert body["pagination"]["total_count"] == 3


@pytest.mark.parametrize(("dialect", "cycle"), [("v5", 5_000), ("v6", 500)])
async def test_image_ids_never_repeat(
    make_sim: Callable[..., Any], dialect: str, cycle: int
) -> None:
    """Past the old id cycle (one event in 5000 / 500), at the same millisecond, ids still
    differ: dropping an old event no longer takes a new event's image with it."""
    sim: Simulator = await make_sim(dialect=dialect, devices=1)
    sent = await sim.fire(timestamp_ms=BASE_MS)
    history = History(sim.dialect, size=cycle + 10)
    for n in range(cycle + 20):
        face = b"face %d" % n
        scene = None if sent.scene_jpeg is None else b"scene %d" % n
        history.record(
            replace(sent, face_jpeg=face, scene_jpeg=scene),
            sim.devices[0],
            face_attr={},
            registered_image_id="",
        )
    held = history.records
    assert len(held) == cycle + 10
    ids = [i for r in held for i in dict.fromkeys((r.face_image_id, r.scene_image_id))]
    assert len(ids) == len(set(ids))
    for record in held:
        assert history.image(record.face_image_id, record.seconds) == record.sent.face_jpeg
        scene = history.image(record.scene_image_id, record.seconds)
        assert scene == (record.sent.scene_jpeg or record.sent.face_jpeg)
    # still shaped as documented: the event's seconds, then more digits
    stamp = ("" if dialect == "v5" else "00") + f"{BASE_MS / 1000:.3f}"
    assert all(i.startswith(stamp) and i.replace(".", "").isdigit() for i in ids)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"history_size": 0}, "history_size"),
        ({"history_order": "random"}, "history_order"),
        ({"v6_filter_unit": "h"}, "filter_unit"),
    ],
)
def test_history_arguments(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        Simulator(**kwargs)


async def test_numeric_device_ids(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession, dialect: str
) -> None:
    sim: Simulator = await make_sim(dialect=dialect, numeric_ids=True, devices=3)
    assert [d.id for d in sim.devices] == ["1", "2", "3"]
    other: Simulator = await make_sim(dialect=dialect, numeric_ids=True, devices=3, seed=99)
    assert [d.id for d in other.devices] == ["1", "2", "3"]  # two boxes, the same ids
    if dialect == "v5":
        async with session.get(sim.rest_url + "/SophonDevice/api/Devices") as response:
            ids = [e["device_id"] for e in (await response.json())["data"]["devices_list"]]
    else:
        async with session.post(sim.rest_url + "/sophon/v2/face/getmediadevices") as response:
            ids = [e["media_device_id"] for e in (await response.json())["devices"]]
    assert ids == [1, 2, 3]
    key = "device_id" if dialect == "v5" else "media_device_id"
    async with session.ws_connect(sim.ws_url) as ws:
        await subscribe(ws, sim, [2])  # numbers, as the box wrote them
        sent = await sim.fire("2")
        frame = await receive_json(ws)
        assert frame[key] == 2
        assert frame["event_id"] == sent.event_id
    if dialect == "v5":
        _, body = await v5_events(session, sim)
        assert body["data"][0]["common"]["ep_info"]["device_id"] == 2
    else:
        _, body = await v6_events(session, sim, {"filters": {"media_device_ids": [2]}})
        assert body["events"][0]["media_device_info"]["media_device_id"] == 2


async def test_history_keeps_its_size(make_sim: Callable[..., Any]) -> None:
    sim: Simulator = await make_sim(dialect="v5", history_size=500)
    fired = [await sim.fire() for _ in range(600)]
    assert len(sim.history) == 500
    assert sim.history == fired[100:]  # the oldest went first


def test_age_bands() -> None:
    from se5sim.history_api import _age_band

    assert [_age_band(age) for age in (5, 15, 30, 50, 70)] == [
        "child",
        "juvenile",
        "youth",
        "middle-aged",
        "aged",
    ]
    assert _age_band(None) is None

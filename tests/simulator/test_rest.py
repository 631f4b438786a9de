"""The simulated box's REST API, both dialects."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from se5sim import Simulator, rest as rest_module

V5_DEVICES = "/SophonDevice/api/Devices"
V6_DEVICES = "/sophon/v2/face/getmediadevices"
USERS = "/SophonFogSys/api/users"
EVENT_ACTION = "/SophonFogSys/api/EventAction"

V5_KEYS = {
    "device_id",
    "device_name",
    "device_ip",
    "device_key",
    "device_type",
    "group_id",
    "netRelay",
    "permission_id",
    "device_attr",
}
V6_KEYS = {
    "media_device_id",
    "media_device_name",
    "media_device_ip",
    "media_device_url",
    "media_device_type",
    "net_relay",
    "permission_id",
}


class FakeClock:
    """Stands in for the ``time`` module of ``se5sim.rest``."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(rest_module, "time", fake)
    return fake


async def get_json(
    session: aiohttp.ClientSession, method: str, url: str, **kwargs: Any
) -> tuple[int, Any]:
    async with session.request(method, url, **kwargs) as response:
        return response.status, await response.json(content_type=None)


async def list_devices(session: aiohttp.ClientSession, sim: Simulator) -> list[dict[str, Any]]:
    if sim.dialect == "v5":
        status, body = await get_json(session, "GET", sim.rest_url + V5_DEVICES)
        assert status == 200
        assert set(body) == {"data"}
        devices: list[dict[str, Any]] = body["data"]["devices_list"]
    else:
        status, body = await get_json(session, "POST", sim.rest_url + V6_DEVICES, json={})
        assert status == 200
        assert set(body) == {"devices"}
        devices = body["devices"]
    return devices


async def test_v5_device_list(make_sim: Callable[..., Any], session: aiohttp.ClientSession) -> None:
    sim: Simulator = await make_sim(dialect="v5", devices=16)
    entries = await list_devices(session, sim)
    assert [entry["device_id"] for entry in entries] == [device.id for device in sim.devices]
    assert entries[0]["device_name"] == "Front gate"
    kinds = set()
    for entry, device in zip(entries, sim.devices, strict=True):
        assert set(entry) == V5_KEYS
        assert entry["device_name"] == device.name
        assert entry["device_ip"] == device.ip
        assert entry["device_type"] == device.kind
        kinds.add(device.kind)
        if device.kind == "rtsp":
            assert entry["device_key"].startswith(f"rtsp://{device.ip}")
        if device.kind == "photo":
            assert entry["device_key"] == device.ip
        assert entry["device_attr"] == {"actions": {"do_detect": True, "do_match": True}}
        if device.relay:
            assert set(entry["netRelay"]) == {"ip", "net_port", "door_port", "delay_time"}
        else:
            assert entry["netRelay"] == {}
    assert kinds == {"rtsp", "photo", "file", "gb28181"}
    assert any(device.relay for device in sim.devices)
    assert any(not device.relay for device in sim.devices)


async def test_v6_device_list(make_sim: Callable[..., Any], session: aiohttp.ClientSession) -> None:
    sim: Simulator = await make_sim(dialect="v6", devices=16)
    entries = await list_devices(session, sim)
    assert [entry["media_device_id"] for entry in entries] == [d.id for d in sim.devices]
    for entry, device in zip(entries, sim.devices, strict=True):
        assert set(entry) == V6_KEYS
        assert entry["media_device_name"] == device.name
        assert entry["media_device_ip"] == device.ip
        assert entry["media_device_url"] == device.url
        assert entry["media_device_type"] in {"photo", "rtsp", "file"}
        assert entry["permission_id"] == device.permission_id
        if device.relay:
            assert entry["net_relay"] == {
                "ip": device.relay["ip"],
                "port": device.relay["net_port"],
                "channel": device.relay["door_port"],
                "delay_time": device.relay["delay_time"],
            }
        else:
            assert entry["net_relay"] == {}
    assert any(entry["net_relay"] for entry in entries)
    # an empty body is accepted too
    async with session.post(sim.rest_url + V6_DEVICES) as response:
        assert response.status == 200


async def test_v6_device_list_rejects_non_json(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession
) -> None:
    sim: Simulator = await make_sim(dialect="v6")
    status, body = await get_json(session, "POST", sim.rest_url + V6_DEVICES, data=b"{nope")
    assert status == 400
    assert body["error"]["code"] == "UNSUPPORT_CONTENT_TYPE"


DEEP_JSON = b"[" * 100_000 + b"]" * 100_000  # too deep for the json module: RecursionError
UNREADABLE_BODIES = [
    pytest.param(b'{"a": "\xff\xfe"}', "application/json", id="not-utf-8"),
    pytest.param(b"{}", "application/json; charset=no-such-charset", id="unknown-charset"),
    pytest.param(DEEP_JSON, "application/json", id="nested-too-deep"),
]


@pytest.mark.parametrize(("data", "content_type"), UNREADABLE_BODIES)
async def test_unreadable_bodies_get_the_boxs_error_not_a_500(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession, data: bytes, content_type: str
) -> None:
    headers = {"Content-Type": content_type}
    v6: Simulator = await make_sim(dialect="v6")
    status, body = await get_json(
        session, "POST", v6.rest_url + V6_DEVICES, data=data, headers=headers
    )
    assert (status, body["error"]["code"]) == (400, "UNSUPPORT_CONTENT_TYPE")
    v5: Simulator = await make_sim(dialect="v5")
    status, body = await get_json(
        session, "PUT", v5.rest_url + EVENT_ACTION, data=data, headers=headers
    )
    assert (status, body["error"]["code"], body["error"]["status"]) == (
        400,
        40001,
        "UNSUPPORT_CONTENT_TYPE",
    )
    assert v5.relay_actions == []


async def test_v5_errors(make_sim: Callable[..., Any], session: aiohttp.ClientSession) -> None:
    sim: Simulator = await make_sim(dialect="v5")
    # a V5 box answers the V6 device path with its own 404: that is how clients tell
    status, body = await get_json(session, "POST", sim.rest_url + V6_DEVICES, json={})
    assert status == 404
    assert body["error"]["code"] == 40400
    assert body["error"]["status"] == "NOT_FOUND"
    assert body["error"]["message"]
    status, body = await get_json(session, "POST", sim.rest_url + V5_DEVICES)
    assert (status, body["error"]["code"], body["error"]["status"]) == (404, 40401, "NOT_FOUND")
    status, body = await get_json(session, "GET", sim.rest_url + "/")
    assert (status, body["error"]["code"]) == (404, 40400)


async def test_v6_errors(make_sim: Callable[..., Any], session: aiohttp.ClientSession) -> None:
    sim: Simulator = await make_sim(dialect="v6")
    status, body = await get_json(session, "GET", sim.rest_url + V5_DEVICES)
    assert status == 404
    assert body == {"error": {"code": "NOT_FOUND", "message": body["error"]["message"]}}
    status, body = await get_json(session, "GET", sim.rest_url + V6_DEVICES)
    assert (status, body["error"]["code"]) == (404, "NOT_FOUND")
    # the shared V5-era endpoints keep their V5 envelopes on a V6 box
    status, body = await get_json(session, "DELETE", sim.rest_url + USERS)
    assert (status, body["error"]["code"]) == (404, 40401)


async def test_users_paging_and_lookup(sim: Simulator, session: aiohttp.ClientSession) -> None:
    people = sim.people
    assert len(people) == 8
    assert {p.person_type for p in people} == {"employee", "visitor", "blacklist", "vip"}
    assert any(not p.name.isascii() for p in people)
    assert any(p.name.isascii() for p in people)

    seen: list[dict[str, Any]] = []
    skip = 0
    while True:
        status, body = await get_json(
            session, "GET", sim.rest_url + USERS, params={"skip_num": skip, "limit": 3}
        )
        assert status == 200
        page = body["data"]["identities_list"]
        seen.extend(page)
        if len(page) < 3:
            break
        skip += 3
    assert [entry["identity_id"] for entry in seen] == [p.identity_id for p in people]
    for entry, person in zip(seen, people, strict=True):
        assert set(entry) == {"identity_id", "group_name", "info", "reg_photo"}
        assert entry["group_name"] == [person.group_name]
        assert entry["info"] == {
            "name": person.name,
            "type": {"employee": 1, "visitor": 2, "blacklist": 3, "vip": 5}[person.person_type],
            "user_id": person.user_id,
            "image_id": person.image_id,
            "permission_ids": list(person.permission_ids),
        }
        assert base64.b64decode(entry["reg_photo"]) == person.photo_jpeg

    assert {p.group_name for p in people} == {"default_group"}
    status, body = await get_json(
        session, "GET", sim.rest_url + USERS, params={"group_name": "default_group", "limit": 50}
    )
    assert [e["identity_id"] for e in body["data"]["identities_list"]] == [
        p.identity_id for p in people
    ]
    status, body = await get_json(
        session, "GET", sim.rest_url + USERS, params={"group_name": "no_such_group"}
    )
    assert body == {"data": {"identities_list": []}}

    target = people[5]
    status, body = await get_json(
        session, "GET", sim.rest_url + USERS, params={"identity_id": target.identity_id}
    )
    assert status == 200
    assert [e["identity_id"] for e in body["data"]["identities_list"]] == [target.identity_id]
    status, body = await get_json(
        session, "GET", sim.rest_url + USERS, params={"identity_id": "nobody"}
    )
    assert body == {"data": {"identities_list": []}}


@pytest.mark.parametrize("params", [{"skip_num": "x"}, {"limit": "-1"}, {"skip_num": "-2"}])
async def test_users_bad_paging(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession, params: dict[str, str]
) -> None:
    sim: Simulator = await make_sim()
    status, body = await get_json(session, "GET", sim.rest_url + USERS, params=params)
    assert status == 400
    assert body["error"]["code"] == 40000
    assert body["error"]["status"] == "BAD_REQUEST"


async def test_fail_rest_init_count(sim: Simulator, session: aiohttp.ClientSession) -> None:
    sim.fail_rest("init", count=2)
    for _ in range(2):
        status, body = await get_json(session, "GET", sim.rest_url + USERS)
        assert status == 500
        assert body["error"]["code"] == "DEVICE_INIT_ERROR"
        assert body["error"]["message"]
    assert len(await list_devices(session, sim)) == 3


async def test_fail_rest_http500_seconds(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession, clock: FakeClock
) -> None:
    sim: Simulator = await make_sim()
    sim.fail_rest("http500", seconds=5)
    for _ in range(3):
        async with session.get(sim.rest_url + V5_DEVICES) as response:
            assert response.status == 500
            assert await response.text() == "Internal Server Error"
    clock.now += 5
    assert len(await list_devices(session, sim)) == 3


async def test_fail_rest_until_cleared(sim: Simulator, session: aiohttp.ClientSession) -> None:
    sim.fail_rest("http500")
    for _ in range(3):
        async with session.get(sim.rest_url + USERS) as response:
            assert response.status == 500
    sim.clear_rest_failure()
    assert len(await list_devices(session, sim)) == 3


async def test_fail_rest_count_and_seconds(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession, clock: FakeClock
) -> None:
    sim: Simulator = await make_sim()
    sim.fail_rest("init", count=10, seconds=1)
    status, _ = await get_json(session, "GET", sim.rest_url + USERS)
    assert status == 500
    clock.now += 1  # the time ends first
    status, _ = await get_json(session, "GET", sim.rest_url + USERS)
    assert status == 200


def test_fail_rest_arguments() -> None:
    sim = Simulator()
    with pytest.raises(ValueError, match="mode"):
        sim.fail_rest("teapot")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="count"):
        sim.fail_rest("init", count=0)
    with pytest.raises(ValueError, match="seconds"):
        sim.fail_rest("init", seconds=0)


async def test_add_and_remove_device(sim: Simulator, session: aiohttp.ClientSession) -> None:
    added = sim.add_device("Bike shed", "photo", relay=True)
    assert added.relay is not None
    ids = [
        entry.get("device_id") or entry.get("media_device_id")
        for entry in await list_devices(session, sim)
    ]
    assert ids[-1] == added.id
    assert len(ids) == 4
    sim.remove_device(sim.devices[0].id)
    ids = [
        entry.get("device_id") or entry.get("media_device_id")
        for entry in await list_devices(session, sim)
    ]
    assert len(ids) == 3
    assert added.id in ids
    with pytest.raises(KeyError):
        sim.remove_device("not-a-device")

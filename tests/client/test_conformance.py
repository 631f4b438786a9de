"""The client's calls that read the box, its door command and its configuration writes, fed the
vendor page's own example request and answer.

The calls that change the box (registering, changing and removing people, the photo checks, a
V5 device's recognition flags) and V6's device-change socket (54547) are rows 27-36, in
`test_conformance_manage.py`.

Pages are under the vendor docs (`/work/bm1682/zh`, sophonai/bm1682; F5/F6, S5/S6 as in
`vendor_examples.py`). A box (`pagebox.py`) answers only the pages' examples and records each
call: a call no page documents fails the test that made it. System calls share one test per
dialect (their answers are the pages' examples in `test_system_parse.py`).

| #     | call                  | V5 page (F5, S5)    | V6 page (F6, S6)     | test_…          |
|-------|-----------------------|---------------------|----------------------|-----------------|
| 1     | device list, V6 first | 5.7/2 GET Devices   | 5.7/2 POST `{}`      | device_lists,   |
|       |                       |                     |                      | v6_that_kept_…  |
| 2     | relay of a device     | 5.7/1 `netRelay`    | 5.7/1 `net_relay`    | door_command    |
| 3     | door command          | 5.5/3 EventAction   | (none documented)    | door_command    |
| 4     | face-library groups   | 5.2/2 GET groups    | (no groups)          | v5_register     |
| 5     | register, paged       | 5.3/2 GET users     | 5.3/3 getidentities  | v5/v6_register  |
| 6     | one person            | 5.3/2 ?identity_id  | (row 29)             | v5_register_…   |
| 7     | registered photo      | 5.5/15 images/<id>  | 5.3/9 getregister…   | v5/v6_register  |
| 8     | event history         | 5.5/12 GET events   | 5.5/12 getevents     | history         |
| 9     | history image         | 5.5/14 event_images | 5.5/17 getspotimage  | history         |
| 10    | config entry by name  | 5.11/1 Configs/<n>  | 5.11/1 getconfigs    | pass_mode,      |
|       |                       |                     |                      | box_mac         |
| 11    | config write          | 5.11/2 PUT Configs  | 5.11/2 setconfigs    | pass_mode       |
| 12    | score scale           | 5.5/10 PrettyScore, | 5.11/3               | score_scale     |
|       |                       | 5.11/3 THRESHOLD    | MATCH_THRESHOLD      |                 |
| 13-17 | identity: serial,     | S5 get_box_sn, …    | S6 the same          | identity        |
|       | hardware, version,    |                     |                      |                 |
|       | NICs, hostname        |                     |                      |                 |
| 18-25 | health: temperatures, | S5 get_box_… (8)    | S6 the same;         | health          |
|       | CPU, TPU, memory,     |                     | getstorage           |                 |
|       | eMMC, external disk,  |                     | `{"device":"emmc"}`  |                 |
|       | fan, uptime           |                     |                      |                 |
| 26    | event socket:         | 5.5/6 (the seed)    | 5.5/6                | event_socket    |
|       | subscription, push    |                     |                      |                 |

Rows 27-36, the calls that change the box (people, photos, the recognition switch) and the V6
device feed, are in `test_conformance_manage.py`.

60 calls checked in all, 46 here: V5 31 (25 here: 11 on port 5555, the 13 system calls, the
socket), V6 29 (21 here: 7, 13, the socket); row 2 is the device list's relay fields, not a
call. 64 of the pages' examples fed as the pages give them in all, 43 here (V5 32, 24 here; V6
32, 19 here: answers, and the requests the pages spell out), and 19 shapes in all, 10 here,
where a page gives only a table or an example with other values (EventAction's request and
answer, the relay fields, V5 users' photo path, V5 events' query, THRESHOLD's default; V6
getregisterimage's and getspotimage's paths, getconfigs' and setconfigs' bodies).

Where the documents contradict themselves, the decision (also in the client's docstrings):
- V6 push example sends `reg_pic` and a 0.62 score against a table of `register_image` and 0..100:
  both names read; the scale is the box's (row 12), else each value judged alone.
- V5 config write: the example answers a write of EVENT_IMAGE_PATH with three other names in
  `success_configs`: only `failed_configs` says a refusal, and the value is read back.
- V5 users: `skip_num` is "the first page" on the users page and "the start" on the groups page:
  told apart from the answers (offset or page).
- V5 device list and users examples are not valid JSON (a missing comma; comments, a tab).
- V6 getspotimage/getregisterimage: GET with the id in the path (the index says POST).
- EventAction: `action_port` is the relay's TCP port (`net_port`), `logic_port` its channel, never
  0 (every door); 255 s (hold open) is unsupported.
"""

from __future__ import annotations

from datetime import UTC, datetime
import json
from pathlib import Path
import re
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.se5.client import (
    Dialect,
    EventStream,
    ImageSelection,
    PassMode,
    PersonType,
    Relay,
    Se5ApiError,
    Se5Client,
    Se5ConfigRefusedError,
    Subscription,
)
from se5sim.images import face_jpeg
from tests.client import vendor_examples as pages
from tests.client.conftest import FAST_BACKOFF, Runner
from tests.client.pagebox import PageBox, Seen, page_box
from tests.client.test_system_parse import EXPECTED_HEALTH, V5_HEALTH, V6_HEALTH
from tests.client.wsbox import WsBox

__all__ = ["page_box"]

JPEG = face_jpeg(1, "conformance")
VENDOR_DOCS = Path("/work/bm1682/zh")


def client(box: PageBox, session: aiohttp.ClientSession, dialect: Dialect | None) -> Se5Client:
    """A client of the box (REST and system API on its port)."""
    return Se5Client(session, "127.0.0.1", box.port, system_port=box.port, dialect=dialect)


@pytest.mark.parametrize("dialect", [Dialect.V5, Dialect.V6], ids=["v5", "v6"])
async def test_device_lists(
    page_box: PageBox, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    if dialect is Dialect.V5:
        page_box.on("GET", "/SophonDevice/api/Devices", pages.V5_DEVICES)
        page_box.not_found("POST", "/sophon/v2/face/getmediadevices")  # as a V5 box answers
    else:
        page_box.on("POST", "/sophon/v2/face/getmediadevices", pages.V6_DEVICES)
    se5 = client(page_box, session, None)
    [device] = await se5.list_devices()
    assert se5.dialect is dialect
    assert (device.id, device.name, device.ip, device.kind) == (
        "2c1a6a12-ecf4-4490-a2fc-8d7a5023bfcd",
        "ddd",
        "192.168.1.100",
        "rtsp",
    )
    assert device.url == "rtsp://192.168.1.100:554/ch2"
    assert device.relay is None  # `{}`: no relay
    # V6 asked first (the page's body `{}`); a V5 box answers it not found.
    assert page_box.seen[0] == Seen("POST", "/sophon/v2/face/getmediadevices", {}, {})
    if dialect is Dialect.V5:
        assert page_box.calls()[1:] == [("GET", "/SophonDevice/api/Devices")]
    else:
        assert len(page_box.seen) == 1


async def test_v6_that_kept_the_v5_route(page_box: PageBox, session: aiohttp.ClientSession) -> None:
    """A V6 box that still answers the V5 device route comes out V6."""
    page_box.on("GET", "/SophonDevice/api/Devices", pages.V5_DEVICES)
    page_box.on("POST", "/sophon/v2/face/getmediadevices", pages.V6_DEVICES)
    se5 = client(page_box, session, None)
    await se5.list_devices()
    assert se5.dialect is Dialect.V6
    assert page_box.calls() == [("POST", "/sophon/v2/face/getmediadevices")]


async def test_door_command(page_box: PageBox, session: aiohttp.ClientSession) -> None:
    """The relay from the device pages' tables; the command as EventAction's table reads."""
    device = json.loads(json.dumps(pages.V5_DEVICES))
    device["data"]["devices_list"][0]["netRelay"] = pages.V5_RELAY
    page_box.on("GET", "/SophonDevice/api/Devices", device)
    page_box.on("PUT", "/SophonFogSys/api/EventAction", pages.EVENT_ACTION_ANSWER)
    se5 = client(page_box, session, Dialect.V5)
    [gate] = await se5.list_devices()
    assert gate.relay == Relay(ip="192.168.1.200", net_port=50000, door_port=2, delay_time=3)
    assert await se5.open_door(gate.relay) == 3
    await se5.close_door(gate.relay)
    base = {"action_ip": "192.168.1.200", "action_port": "50000", "logic_port": 2}
    assert [seen.body for seen in page_box.seen[1:]] == [
        {"action": [{**base, "action_mode": "opendoor", "action_duration": 3}]},
        {"action": [{**base, "action_mode": "closedoor"}]},
    ]
    assert [seen.method for seen in page_box.seen[1:]] == ["PUT", "PUT"]
    # V6 names the same fields port and channel (its add-device table).
    v6 = json.loads(json.dumps(pages.V6_DEVICES))
    v6["devices"][0]["net_relay"] = {"ip": "192.168.1.200", "port": 50000, "channel": 2}
    page_box.on("POST", "/sophon/v2/face/getmediadevices", v6)
    [v6_gate] = await client(page_box, session, Dialect.V6).list_devices()
    assert v6_gate.relay == Relay(ip="192.168.1.200", net_port=50000, door_port=2)


def _pager(entries: list[dict[str, Any]], mode: str) -> Any:
    """The users call over `entries`, `skip_num` read as an offset or as a page number."""

    def answer(seen: Seen) -> dict[str, Any]:
        limit, skip = int(seen.query["limit"]), int(seen.query["skip_num"])
        start = skip * limit if mode == "page" else skip
        return {"data": {"identities_list": entries[start : start + limit]}}

    return answer


@pytest.mark.parametrize("mode", ["offset", "page"])
async def test_v5_register(page_box: PageBox, session: aiohttp.ClientSession, mode: str) -> None:
    many = [
        {**pages.V5_USERS[1], "identity_id": f"{n:03d}", "info": {"name": f"#{n}", "type": 1}}
        for n in range(2, 23)
    ]
    page_box.on("GET", "/SophonFogSys/api/groups", pages.V5_GROUPS)
    page_box.on("GET", "/SophonFogSys/api/users", _pager([*pages.V5_USERS, *many], mode))
    people = await client(page_box, session, Dialect.V5).list_people()
    assert [p.identity_id for p in people] == ["888888", "001", *(e["identity_id"] for e in many)]
    assert (people[0].name, people[0].person_type, people[0].groups) == (
        "小明",
        PersonType.VIP,
        ("default_group",),
    )
    assert people[0].photo_id == "8f5d7b5a-d5da-4b3f-bf46-5830d412ba5e"
    groups, first, *rest = page_box.seen
    assert groups == Seen("GET", "/SophonFogSys/api/groups", {"skip_num": "0", "limit": "10"}, None)
    assert first.query == pages.V5_USERS_QUERY  # the page's own request
    skips = [seen.query["skip_num"] for seen in rest]
    assert skips == (["1", "11", "21", "23"] if mode == "offset" else ["1", "2", "3"])
    assert not page_box.unknown


async def test_v5_register_photo(page_box: PageBox, session: aiohttp.ClientSession) -> None:
    """An empty `reg_photo` (the page's example): the photo by its image id (page 15)."""
    page_box.on("GET", "/SophonFogSys/api/users", {"data": {"identities_list": pages.V5_USERS[:1]}})
    page_box.on("GET", "/SophonFace/api/images/8f5d7b5a-d5da-4b3f-bf46-5830d412ba5e", JPEG)
    page_box.on("GET", "/SophonFogSys/api/groups", pages.V5_GROUPS)
    se5 = client(page_box, session, Dialect.V5)
    [person] = await se5.list_people(limit=1)
    assert await se5.get_person_photo(person) == JPEG
    assert page_box.seen[-2].query == {"identity_id": "888888"}
    assert not page_box.unknown


async def test_v6_register(page_box: PageBox, session: aiohttp.ClientSession) -> None:
    page_box.on("POST", "/sophon/v2/face/getidentities", pages.V6_IDENTITIES)
    image = "/sophon/v2/face/getregisterimage/1e644cc0-1631-4248-b518-c8701d3c7a91"
    page_box.on("GET", image, JPEG)
    page_box.on("GET", "/sophon/v2/face/getregisterimage/00000000-0000-0000-0000-000000000000", b"")
    se5 = client(page_box, session, Dialect.V6)
    people = await se5.list_people()
    assert [(p.identity_id, p.name) for p in people] == [
        ("100000", "小王"),
        ("100001", "小张"),
        ("100002", "小李"),
    ]
    assert page_box.seen[0].body == {"page_limit": 100, "page_index": 0}
    assert await se5.get_person_photo(people[0]) == JPEG
    assert ("GET", image) in page_box.calls()


@pytest.mark.parametrize("dialect", [Dialect.V5, Dialect.V6], ids=["v5", "v6"])
async def test_history(page_box: PageBox, session: aiohttp.ClientSession, dialect: Dialect) -> None:
    """The images of an event are asked with its own time value, unchanged (pages 14, 17)."""
    if dialect is Dialect.V5:
        page_box.on("GET", "/SophonFace/api/events", pages.V5_EVENTS)
        path, when = pages.V5_EVENT_IMAGE_REQUEST
        query = {"datetime": when}
        since = datetime.fromtimestamp(1607062600, UTC)
    else:
        page_box.on("POST", "/sophon/v2/face/getevents", pages.V6_EVENTS)
        path = "/sophon/v2/face/getspotimage/001628066406.650539"
        query = {"timestamp": "1628066406.608026"}
        since = datetime.fromtimestamp(1628066400, UTC)
    page_box.on("GET", path, JPEG)
    se5 = client(page_box, session, dialect)
    [event] = await se5.list_events(since)
    assert event.person_type is PersonType.STRANGER
    assert event.score == pytest.approx(0.1015 if dialect is Dialect.V5 else 0.2769)
    assert event.scene_image_id is None  # the same id as the face: no scene photo
    assert event.face_image_id is not None
    assert await se5.get_event_image(event.face_image_id, event.box_time or "") == JPEG
    assert page_box.seen[-1] == Seen("GET", path, query, None)
    first = page_box.seen[0]
    if dialect is Dialect.V5:
        assert first.query == {"per_page": "100", "page": "0", "datetime_gte": "1607062600"}
    else:
        assert first.body == {
            "filters": {"datetime_gte": 1628066400},
            "page_limit": 100,
            "page_index": 0,
        }


@pytest.mark.parametrize("dialect", [Dialect.V5, Dialect.V6], ids=["v5", "v6"])
async def test_pass_mode(
    page_box: PageBox, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    se5 = client(page_box, session, dialect)
    if dialect is Dialect.V5:
        # The page's answer example is the whole list: read by name, it holds the entry too.
        page_box.on("GET", "/SophonConfig/api/Configs/PASSMODE", pages.V5_CONFIG_LIST)
        page_box.on("PUT", "/SophonConfig/api/Configs", pages.V5_CONFIG_WRITE_ANSWER)
        write = {"config_dict": {"PASSMODE": "allpass"}}
    else:
        page_box.on("POST", "/sophon/v2/face/getconfigs", {"GATE_PASS_MODE": "normal"})
        page_box.on("POST", "/sophon/v2/face/setconfigs", {"GATE_PASS_MODE": "allpass"})
        write = {"config_dict": {"GATE_PASS_MODE": "allpass"}}
    assert await se5.get_pass_mode() is PassMode.NORMAL
    await se5.set_pass_mode(PassMode.ALL_PASS)
    read, written = page_box.seen
    if dialect is Dialect.V6:
        assert read.body == {"config_name": "GATE_PASS_MODE"}  # as the page's request
    assert (written.method, written.body) == (("PUT" if dialect is Dialect.V5 else "POST"), write)
    # A refusal is the box's own words: V5 `failed_configs`, V6 an error envelope.
    if dialect is Dialect.V5:
        refused = {"data": {"failed_configs": ["PASSMODE"], "success_configs": []}}
        page_box.on("PUT", "/SophonConfig/api/Configs", refused)
        with pytest.raises(Se5ConfigRefusedError, match="failed_configs: PASSMODE"):
            await se5.set_pass_mode(PassMode.ALL_FORBIDDEN)
    else:
        error = {"error": {"code": "INVALID_ARGUMENTS", "message": "allforbidden"}}
        page_box.on("POST", "/sophon/v2/face/setconfigs", web.json_response(error, status=400))
        with pytest.raises(Se5ApiError, match="INVALID_ARGUMENTS: allforbidden"):
            await se5.set_pass_mode(PassMode.ALL_FORBIDDEN)
    assert not page_box.unknown


async def test_box_mac(page_box: PageBox, session: aiohttp.ClientSession) -> None:
    """Without a serial or a MAC from the system API, V5's BOX_MAC, read by name only."""
    for name in pages.IDENTITY["v5"]:
        page_box.not_found(*_system(Dialect.V5, name))
    page_box.on("GET", "/SophonConfig/api/Configs/BOX_MAC", pages.V5_CONFIG_LIST)
    info = await client(page_box, session, Dialect.V5).get_box_info()
    assert info.mac == "e0:a5:09:00:42:6c"
    assert ("GET", "/SophonConfig/api/Configs") not in page_box.calls()  # never the list


@pytest.mark.parametrize(
    ("dialect", "answers", "scale"),
    [
        (Dialect.V5, {"PrettyScore": pages.V5_PRETTY_SCORE}, 100),
        (Dialect.V5, {"THRESHOLD": pages.V5_CONFIG_LIST}, 100),  # no PrettyScore: THRESHOLD 82
        (Dialect.V5, {"THRESHOLD": {"data": {"THRESHOLD": 0.5}}}, 1),  # the table's default
        (Dialect.V5, {}, None),  # the box tells nothing: each value judged alone
        (Dialect.V6, {"MATCH_THRESHOLD": {"MATCH_THRESHOLD": 82}}, 100),  # the table's default
    ],
)
async def test_score_scale(
    page_box: PageBox,
    session: aiohttp.ClientSession,
    dialect: Dialect,
    answers: dict[str, Any],
    scale: int | None,
) -> None:
    if dialect is Dialect.V5:
        page_box.not_found("GET", "/SophonFogSys/api/PrettyScore")
        page_box.not_found("GET", "/SophonConfig/api/Configs/THRESHOLD")
    for name, answer in answers.items():
        if name == "PrettyScore":
            page_box.on("GET", "/SophonFogSys/api/PrettyScore", answer)
        elif dialect is Dialect.V5:
            page_box.on("GET", f"/SophonConfig/api/Configs/{name}", answer)
        else:
            page_box.on("POST", "/sophon/v2/face/getconfigs", answer)
    se5 = client(page_box, session, dialect)
    assert await se5.learn_score_scale() == scale
    assert se5.score_scale == scale
    if dialect is Dialect.V6:
        assert page_box.seen[0].body == {"config_name": "MATCH_THRESHOLD"}
    else:
        assert page_box.calls()[0] == ("GET", "/SophonFogSys/api/PrettyScore")


def _system(dialect: Dialect, name: str) -> tuple[str, str]:
    if dialect is Dialect.V5:
        return "GET", f"/SophonSystem/api/{name}"
    return "POST", f"/sophon/v2/system/{name}"


@pytest.mark.parametrize("dialect", [Dialect.V5, Dialect.V6], ids=["v5", "v6"])
async def test_identity(
    page_box: PageBox, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    for name, answer in pages.IDENTITY[dialect.value].items():
        page_box.on(*_system(dialect, name), answer)
    info = await client(page_box, session, dialect).get_box_info()
    assert (info.serial, info.mac, info.hostname) == (
        "HQDZKE5BJJFJH0047",
        "e0:a5:09:00:32:31",
        "BM1684-180",
    )
    assert info.firmware_version == "V5R3C01_686e472"
    assert sorted(page_box.calls()) == sorted(
        _system(dialect, n) for n in pages.IDENTITY[dialect.value]
    )
    # V6: the examples send no body; only JSON is accepted, so `{}` (PROTOCOL-SYSTEM.md).
    assert {str(s.body) for s in page_box.seen} == ({"None"} if dialect is Dialect.V5 else {"{}"})


@pytest.mark.parametrize("dialect", [Dialect.V5, Dialect.V6], ids=["v5", "v6"])
async def test_health(page_box: PageBox, session: aiohttp.ClientSession, dialect: Dialect) -> None:
    answers = V5_HEALTH if dialect is Dialect.V5 else V6_HEALTH
    for key, name in pages.HEALTH_CALLS[dialect.value].items():
        page_box.on(*_system(dialect, name), answers[key])
    assert await client(page_box, session, dialect).get_health() == EXPECTED_HEALTH
    assert not page_box.unknown
    if dialect is Dialect.V6:  # the table's required device (the example leaves it out)
        [storage] = [s for s in page_box.seen if s.path.endswith("getstorage")]
        assert storage.body == {"device": "emmc"}


@pytest.mark.parametrize("dialect", [Dialect.V5, Dialect.V6], ids=["v5", "v6"])
async def test_event_socket(session: aiohttp.ClientSession, dialect: Dialect) -> None:
    """The subscription as the pages' sample client sends it; their push example read."""
    box = WsBox()
    await box.start()
    images = ImageSelection(face=True, scene=False, registered=True)
    stream = EventStream(
        session,
        "127.0.0.1",
        box.port,
        dialect=dialect,
        subscription=Subscription(pages.PUSH_DEVICE_IDS, images),
        backoff=FAST_BACKOFF,
    )
    try:
        async with Runner(stream) as runner:
            await box.wait_for_subscription()
            push = pages.V5_PUSH if dialect is Dialect.V5 else pages.V6_PUSH
            await box.send(json.dumps(push, ensure_ascii=False))
            recognition = await runner.next()
    finally:
        await box.stop()
    keys = (
        ("need_face", "need_register", "event_list")
        if dialect is Dialect.V5
        else ("with_face_image", "with_register_image", "media_device_ids")
    )
    assert json.loads(box.subscriptions[0]) == dict(
        zip(keys, (True, True, list(pages.PUSH_DEVICE_IDS)), strict=True)
    )
    assert recognition.device_id == "04f98265-1fad-47e5-9dda-66e191272055"
    assert (recognition.identity_id, recognition.identity_name) == ("666666", "小明")
    assert recognition.score == pytest.approx(0.6231614351272583)
    assert recognition.timestamp_ms == 1566016554020
    assert recognition.registered_image is None  # `reg_pic: ""`, in both pages' examples
    expected = PersonType.VIP if dialect is Dialect.V5 else PersonType.EMPLOYEE  # no user_type
    assert recognition.person_type is expected


def test_the_table_names_pages_that_exist() -> None:
    """Each page named in vendor_examples.py is in the vendor docs (when they are here)."""
    if not VENDOR_DOCS.is_dir():
        pytest.skip("the vendor docs are not on this machine")
    named = [v for k, v in vars(pages).items() if k.endswith("_PAGE")]
    assert len(named) >= 20
    missing = [page for page in named if not (VENDOR_DOCS / page).is_file()]
    assert missing == []
    for prefix in ("S5", "S6"):
        folder = VENDOR_DOCS / getattr(pages, prefix)
        assert [n for n in pages.S5_PAGES if not (folder / f"{n}.md").is_file()] == []
    assert re.search(r"60 calls checked in all, 46 here", __doc__ or "")

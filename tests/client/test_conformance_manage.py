"""The calls that change the box, fed the vendor pages' own examples (continues the table of
`test_conformance.py`, whose conventions hold here: a `PageBox` answers only the pages'
examples, `vendor_examples_manage.py` holds them, a call no page documents fails the test).

| #  | call                      | V5 page (F5)          | V6 page (F6)           | test_…         |
|----|---------------------------|-----------------------|------------------------|----------------|
| 27 | photo check (read only)   | 5.4/4 POST FIQA       | 5.4/4 fiqa             | photo_check    |
| 28 | register a person         | 5.3/1 POST users      | 5.3/1 createidentity   | v5/v6_register |
| 29 | a person, before a change | (row 6: ?identity_id) | 5.3/2 getidentity      | v5/v6_update   |
| 30 | change a person           | 5.3/3 PUT users       | 5.3/4 updateidentity   | v5/v6_update   |
| 31 | replace the photo         | (row 30: reg_photo)   | 5.3/8 replaceface      | v5_update,     |
|    |                           |                       |                        | v6_photo       |
| 32 | add a photo (none yet)    | -                     | 5.3/6 addface          | v6_photo       |
| 33 | remove a person           | 5.3/4 DELETE users    | 5.3/5 deleteidentities | remove         |
| 34 | one device's record       | 5.7/2 ?device_id      | (no switch: none       | recognition_…  |
| 35 | recognition on/off        | 5.7/3 PUT Devices     | documented)            | recognition_…  |
| 36 | device-change feed        | -                     | 5.7/8 ws :54547        | device_feed    |

14 more calls checked (V5 6: rows 27, 28, 30, 33, 34, 35; V6 8: rows 27-33 and 36), with
`test_conformance.py` 60 in all (V5 31, V6 29). 21 more of the pages' examples fed as the pages
give them (V5 8, V6 13: answers, requests and the feed's frame), 64 in all (V5 32, V6 32); and 9
more shapes, 19 in all: the requests of V5 users create and update and of V6 updateidentity
(the pages' fields and values, with the differences each test names), deleteidentities'
request (one id of its two), V5 users create's answer with the photo back (its table), and the
refusals and failed checks as the tables give them (both photo checks, deleteidentities, PUT
Devices).

Where the pages contradict themselves or leave a choice, the decision:
- `image_base64_str` (both FIQA pages): "图片base64转换格式" in the tables, a `data:image/jpeg`
  URL in both examples (and in both detect pages'): sent as the examples do. `register_image`
  (V6): "base64" in the tables, `data:image/jpg;base64,…` in all three examples: sent so.
  V5 `reg_photo`: plain base64, as the registration flow page sends it.
- V5 users create: its answer table makes `reg_photo` mandatory (the photo comes back whole):
  the answer is read up to a photo's size, not a short write answer's 64 KiB.
- V5 users create: the type table omits 3 (blacklist), its answer table and the users page
  list it: sent for blacklist.
- V5 users update: `info` mandatory "or empty" (必选, 可为空) but its `permission_ids`
  mandatory: the record is read and sent back whole; with a new photo its `image_id` (the
  box's id of the old photo, which the answer gives at the top level) is not sent back.
- V6 updateidentity: the index spells it `updateidenity`; the page's title and URL
  `updateidentity`, which is used. It overwrites ("强制更新覆盖"): the whole record is sent.
- V6 replaceface: one of `register_image_index`, `register_image_id`, `face_id`; the example
  names `face_id`, which is used (the record's first), then `register_image_id`; `addface`
  when the person has neither. Its answer's `identity_id` is a list in the example, a string
  in the table: the answer is not read.
- V5 PUT Devices: its table names ten fields and its example is the device list's record
  without `device_ip`: the record read is sent back with the table's fields only. The answer's
  `success_devices` example names no device (`""`): an entry without an id confirms the one
  device sent; an empty list, or entries naming only other devices, are a refusal.
- 54547: the table makes `modify_media_device` mandatory in every frame and `preview_mode` an
  int, the example sends "1": each frame with a known action is a change (at worst one device
  list read too many); nothing else of the frame is read. The page's client connects to
  `ws://IP:54547` (path `/`) and sends nothing; a redirected handshake is refused, as on the
  event socket (`test_handshake.py`).
"""

from __future__ import annotations

import asyncio
import base64
import json
import re

import aiohttp
from aiohttp import web
import pytest

from custom_components.se5.client import (
    MAX_PHOTO_BYTES,
    Dialect,
    NewPerson,
    PersonChange,
    PersonType,
    Se5LowQualityError,
    Se5NotRegisteredError,
    Se5RefusedError,
)
from custom_components.se5.client.device_feed import DeviceChange, DeviceFeed
from se5sim.images import face_jpeg
from tests.client import test_conformance, vendor_examples_manage as pages
from tests.client.conftest import FAST_BACKOFF
from tests.client.pagebox import PageBox, page_box
from tests.client.test_conformance import client
from tests.client.vendor_examples import V5_DEVICES, V5_USERS
from tests.helpers import start_http_server, wait_for

__all__ = ["page_box"]

JPEG = face_jpeg(2, "conformance:manage")
#: A photo whose base64 is larger than a write's usual answer cap (64 KiB), as phones take them.
LARGE_JPEG = JPEG + bytes(160 * 1024)
USERS = "/SophonFogSys/api/users"
V6 = "/sophon/v2/face/"
DEVICES = "/SophonDevice/api/Devices"
DEVICE_ID = "2c1a6a12-ecf4-4490-a2fc-8d7a5023bfcd"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@pytest.mark.parametrize("dialect", [Dialect.V5, Dialect.V6], ids=["v5", "v6"])
async def test_photo_check(
    page_box: PageBox, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    v5 = dialect is Dialect.V5
    path = "/SophonFace/api/FIQA" if v5 else V6 + "fiqa"
    page_box.on("POST", path, pages.V5_FIQA_ANSWER if v5 else pages.V6_FIQA_ANSWER)
    se5 = client(page_box, session, dialect)
    assert await se5.check_photo(JPEG) is True
    [seen] = page_box.seen
    assert seen.call == ("POST", path)
    assert seen.body == {"image_base64_str": "data:image/jpeg;base64," + b64(JPEG)}
    assert seen.body["image_base64_str"].startswith(pages.FIQA_REQUEST_START)
    # A failed check, as the tables give it: what failed, in the box's words.
    if v5:
        face = {**pages.V5_FIQA_ANSWER["data"][0], "fails": ["clarity"], "fiqa_result": False}
        page_box.on("POST", path, {"data": [face]})
    else:
        detail = {**pages.V6_FIQA_ANSWER["detailed_result"], "failed_items": ["headpose"]}
        page_box.on("POST", path, {"detailed_result": detail, "fiqa_result": False})
    with pytest.raises(Se5LowQualityError) as low:
        await se5.check_photo(JPEG)
    assert low.value.failed == (("clarity",) if v5 else ("headpose",))


async def test_v5_register(page_box: PageBox, session: aiohttp.ClientSession) -> None:
    page_box.on("POST", USERS, pages.V5_CREATE_ANSWER)
    se5 = client(page_box, session, Dialect.V5)
    person = NewPerson("小王", PersonType.EMPLOYEE, JPEG, identity_id="001")
    assert await se5.register_person(person) == "001"
    example = pages.V5_CREATE_REQUEST
    assert page_box.seen[0].body == {
        **{key: value for key, value in example.items() if key != "import_mode"},  # its default
        "info": {
            **example["info"],
            "permission_ids": [],  # the client binds no permission group (people_write)
            "user_id": "001",  # mandatory in the page's table for the box's own screens
        },
        "reg_photo": b64(JPEG),  # plain base64 (the page's registration flow)
        "ignore_exist": False,  # the table's default, said: a taken id is an error
    }
    # The answer carries the photo back (its table: `reg_photo` mandatory), whatever its size.
    page_box.on(
        "POST",
        USERS,
        lambda seen: {
            "data": {**pages.V5_CREATE_ANSWER["data"], "reg_photo": seen.body["reg_photo"]}
        },
    )
    large = NewPerson("小王", PersonType.EMPLOYEE, LARGE_JPEG, identity_id="001")
    assert await se5.register_person(large) == "001"
    assert all(seen.method == "POST" for seen in page_box.seen)


async def test_v6_register(page_box: PageBox, session: aiohttp.ClientSession) -> None:
    page_box.on("POST", V6 + "createidentity", pages.V6_CREATE_ANSWER)
    se5 = client(page_box, session, Dialect.V6)
    person = NewPerson("小王", PersonType.EMPLOYEE, JPEG, identity_id="100000")
    assert await se5.register_person(person) == "100000"
    [seen] = page_box.seen
    assert seen.body["register_image"].startswith(pages.REGISTER_IMAGE_START)
    assert seen.body == {
        "identity_id": "100000",
        "register_image": "data:image/jpg;base64," + b64(JPEG),
        # the table's other fields, said rather than left to their defaults
        "identity_name": "小王",
        "user_type": "employee",
        "permission_ids": [],
        "ext_user_info": {},
        "force_replace": False,
    }
    assert set(pages.V6_CREATE_REQUEST) <= set(seen.body)


async def test_v5_update(page_box: PageBox, session: aiohttp.ClientSession) -> None:
    """The record read (row 6), sent back whole with the change (the page's own request)."""
    entry = V5_USERS[1]  # the users page's "001"
    page_box.on("GET", USERS, {"data": {"identities_list": [entry]}})
    page_box.on("PUT", USERS, pages.V5_UPDATE_ANSWER)
    se5 = client(page_box, session, Dialect.V5)
    await se5.update_person("001", PersonChange(name="小明"))
    read, written = page_box.seen
    assert read.query == {"identity_id": "001"}
    assert written.body == {"identity_id": "001", "info": {**entry["info"], "name": "小明"}}
    example = pages.V5_UPDATE_REQUEST
    assert (written.body["identity_id"], written.body["info"]["name"]) == (
        example["identity_id"],
        example["info"]["name"],
    )
    assert written.body["info"]["type"] == example["info"]["type"]
    # `permission_ids` are the person's own (the example binds others; `aaa` is its own
    # custom field); `reg_photo` is left out without a new photo (the table's default, empty).
    await se5.update_person("001", PersonChange(photo=JPEG))
    photo = page_box.seen[-1].body
    assert photo["reg_photo"] == b64(JPEG)
    assert photo["info"] == {k: v for k, v in entry["info"].items() if k != "image_id"}
    # The record holds its photo (`reg_photo`, mandatory in the users page's table): one the
    # client may have registered is read whole, however large.
    largest = b64(JPEG + bytes(MAX_PHOTO_BYTES - len(JPEG)))
    page_box.on("GET", USERS, {"data": {"identities_list": [{**entry, "reg_photo": largest}]}})
    await se5.update_person("001", PersonChange(name="小王"))
    assert page_box.seen[-1].body["info"]["name"] == "小王"


async def test_v6_update(page_box: PageBox, session: aiohttp.ClientSession) -> None:
    page_box.on("POST", V6 + "getidentity", pages.V6_IDENTITY)
    page_box.on("POST", V6 + "updateidentity", pages.V6_UPDATE_ANSWER)
    se5 = client(page_box, session, Dialect.V6)
    await se5.update_person("100000", PersonChange(name="小王", person_type=PersonType.EMPLOYEE))
    read, written = page_box.seen
    assert read.body == pages.V6_IDENTITY_REQUEST
    # The page's request, whole: `permission_ids` the record's own (the example binds one).
    example = pages.V6_UPDATE_REQUEST
    assert written.call == ("POST", V6 + "updateidentity")
    assert written.body == {
        "identity_id": example["identity_id"],
        "identity_name": example["identity_name"],
        "user_type": "employee",
        "permission_ids": [],
        "ext_user_info": {},
    }


async def test_v6_photo(page_box: PageBox, session: aiohttp.ClientSession) -> None:
    """A new photo replaces the first (by its face id, as the page's example), else is added."""
    page_box.on("POST", V6 + "getidentity", pages.V6_IDENTITY)
    page_box.on("POST", V6 + "replaceface", pages.V6_REPLACE_FACE_ANSWER)
    se5 = client(page_box, session, Dialect.V6)
    await se5.update_person("100000", PersonChange(photo=JPEG))
    assert page_box.calls() == [("POST", V6 + "getidentity"), ("POST", V6 + "replaceface")]
    replace = page_box.seen[-1].body
    assert replace == {
        "identity_id": "100000",
        "face_id": pages.V6_IDENTITY["face_ids"][0],
        "register_image": "data:image/jpg;base64," + b64(JPEG),
    }
    assert set(replace) == set(pages.V6_REPLACE_FACE_REQUEST)
    assert replace["register_image"].startswith(pages.REGISTER_IMAGE_START)
    # No photo yet: added.
    bare = {**pages.V6_IDENTITY, "face_ids": [], "register_image_ids": []}
    page_box.on("POST", V6 + "getidentity", bare)
    page_box.on("POST", V6 + "addface", pages.V6_ADD_FACE_ANSWER)
    await se5.update_person("100000", PersonChange(photo=JPEG))
    assert page_box.seen[-1].call == ("POST", V6 + "addface")
    add = page_box.seen[-1].body
    assert set(add) == set(pages.V6_ADD_FACE_REQUEST)
    assert add["register_image"] == replace["register_image"]


@pytest.mark.parametrize("dialect", [Dialect.V5, Dialect.V6], ids=["v5", "v6"])
async def test_remove(page_box: PageBox, session: aiohttp.ClientSession, dialect: Dialect) -> None:
    se5 = client(page_box, session, dialect)
    if dialect is Dialect.V5:
        page_box.on("DELETE", USERS, pages.V5_DELETE_ANSWER)
        await se5.remove_person("001")
        [seen] = page_box.seen
        assert (seen.call, seen.body) == (("DELETE", USERS), pages.V5_DELETE_REQUEST)
        return
    path = V6 + "deleteidentities"
    page_box.on("POST", path, pages.V6_DELETE_ANSWER)
    await se5.remove_person("100000")
    [seen] = page_box.seen
    assert seen.body == {"identity_ids": pages.V6_DELETE_REQUEST["identity_ids"][:1]}
    page_box.on("POST", path, {"success_identity_ids": [], "failed_identity_ids": ["100000"]})
    with pytest.raises(Se5NotRegisteredError, match="failed_identity_ids"):
        await se5.remove_person("100000")


async def test_recognition_switch(page_box: PageBox, session: aiohttp.ClientSession) -> None:
    """The device list's record read by id, sent back as the PUT page's own request."""
    page_box.on("GET", DEVICES, V5_DEVICES)
    page_box.on("PUT", DEVICES, pages.V5_DEVICE_UPDATE_ANSWER)
    se5 = client(page_box, session, Dialect.V5)
    await se5.set_recognition(DEVICE_ID, True)
    read, written = page_box.seen
    assert read.query == {"device_id": DEVICE_ID}
    assert written.body == pages.V5_DEVICE_UPDATE_REQUEST
    await se5.set_recognition(DEVICE_ID, False)
    [record] = page_box.seen[-1].body["devices_list"]
    expected = pages.V5_DEVICE_UPDATE_REQUEST["devices_list"][0]["device_attr"]["actions"]
    off = {"do_detect": False, "do_feature": False, "do_match": False}
    assert record["device_attr"]["actions"] == {**expected, **off}
    # An answer that names only another device is a refusal.
    other = {"data": {"success_devices": [{"device_id": "other", "device_name": "x"}]}}
    page_box.on("PUT", DEVICES, other)
    with pytest.raises(Se5RefusedError, match="success_devices"):
        await se5.set_recognition(DEVICE_ID, True)
    # V6 documents no switch: nothing is sent.
    calls = len(page_box.seen)
    with pytest.raises(ValueError, match="V6"):
        await client(page_box, session, Dialect.V6).set_recognition(DEVICE_ID, True)
    assert len(page_box.seen) == calls


async def test_device_feed(session: aiohttp.ClientSession, socket_enabled: None) -> None:
    """The page's 54547 frame, binary, as the box sends it; the client sends nothing."""
    paths: list[str] = []
    received: list[aiohttp.WSMessage] = []

    async def box(request: web.Request) -> web.StreamResponse:
        paths.append(request.path)
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_bytes(json.dumps(pages.V6_FEED_FRAME, ensure_ascii=False).encode())
        received.extend([message async for message in ws])
        return ws

    port, runner = await start_http_server(box)
    changes: list[DeviceChange] = []
    feed = DeviceFeed(session, "127.0.0.1", port, on_change=changes.append, backoff=FAST_BACKOFF)
    task = asyncio.create_task(feed.run())
    try:
        await wait_for(lambda: changes, what="the page's change")
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await runner.cleanup()
    assert changes == [DeviceChange("add", "772e476f-726a-455b-a642-17a4e33fd314")]
    assert paths == ["/"]
    assert [
        m for m in received if m.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY)
    ] == []


def test_the_table_names_pages_that_exist() -> None:
    """Each page named in vendor_examples_manage.py is in the vendor docs (when they are here)."""
    docs = test_conformance.VENDOR_DOCS
    if not docs.is_dir():
        pytest.skip("the vendor docs are not on this machine")
    named = [v for k, v in vars(pages).items() if k.endswith("_PAGE")]
    assert len(named) >= 12
    assert [page for page in named if not (docs / page).is_file()] == []
    assert re.search(r"60 in all \(V5 31, V6 29\)", __doc__ or "")
    assert re.search(r"64 in all \(V5 32, V6 32\)", __doc__ or "")
    assert re.search(r"Rows 27-36", test_conformance.__doc__ or "")

"""The simulated register's writes, as the vendor pages describe them (V5 users, V6 identities).

Each call is sent as the docs show it, raw; the answers and refusals are the docs' shapes.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
import io
import random
from typing import Any

import aiohttp
from PIL import Image
import pytest

from se5sim import Simulator, images
from se5sim.faces import decode_base64, judge

USERS = "/SophonFogSys/api/users"
V5_FIQA = "/SophonFace/api/FIQA"
CREATE = "/sophon/v2/face/createidentity"
UPDATE = "/sophon/v2/face/updateidentity"
DELETE = "/sophon/v2/face/deleteidentities"
REPLACE = "/sophon/v2/face/replaceface"
ADD = "/sophon/v2/face/addface"
GET = "/sophon/v2/face/getidentity"
FIQA = "/sophon/v2/face/fiqa"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def small_jpeg(size: int = 64) -> bytes:
    rng = random.Random(size)
    picture = Image.frombytes("RGB", (size, size), rng.randbytes(size * size * 3))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG")
    return buffer.getvalue()


FACE = images.face_jpeg(99, "test:face")


async def call(
    session: aiohttp.ClientSession, method: str, url: str, body: Any = None
) -> tuple[int, Any]:
    async with session.request(method, url, json=body) as response:
        return response.status, await response.json(content_type=None)


def test_judge() -> None:
    assert judge(FACE).error is None
    assert judge(images.blank_jpeg()).error == "NO_FACE_ERROR"
    small = judge(small_jpeg(100))
    assert (small.error, small.failed) == ("LOW_QUALITY_ERROR", ("face_size",))
    assert judge(small_jpeg(100), "middle").error is None
    assert judge(small_jpeg(50), "no").error is None
    assert judge(b"not an image").error == "IMAGE_DECODE_ERROR"
    assert judge(None).error == "IMAGE_DECODE_ERROR"
    assert judge(b"\xff" * (11 * 1024 * 1024)).error == "IMAGE_SIZE_TOO_LARGE_ERROR"
    assert decode_base64("data:image/jpg;base64," + b64(FACE)) == FACE
    assert decode_base64("%%%") is None
    assert decode_base64(3) is None


async def test_v6_create_update_delete(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession
) -> None:
    sim: Simulator = await make_sim(dialect="v6")
    url = sim.rest_url
    body = {
        "identity_name": "小王",
        "user_type": "visitor",
        "register_image": "data:image/jpg;base64," + b64(FACE),
        "ext_user_info": {"end_time": "2030-01-01 23:59:00"},
    }
    status, created = await call(session, "POST", url + CREATE, body)
    assert status == 200
    assert set(created) == {"identity_id", "register_image_id", "face_id"}
    person = next(p for p in sim.people if p.identity_id == created["identity_id"])
    assert (person.name, person.person_type, person.photo_jpeg) == ("小王", "visitor", FACE)
    assert person.ext_info == {"end_time": "2030-01-01 23:59:00"}
    # the same id again: refused, unless replaced on purpose
    again = {**body, "identity_id": created["identity_id"]}
    status, answer = await call(session, "POST", url + CREATE, again)
    assert (status, answer["error"]["code"]) == (400, "ID_REPEAT_ERROR")
    status, _ = await call(session, "POST", url + CREATE, {**again, "force_replace": True})
    assert status == 200
    # refusals of the photo
    for photo, code in (
        (images.blank_jpeg(), "NO_FACE_ERROR"),
        (small_jpeg(), "LOW_QUALITY_ERROR"),
        (b"text", "IMAGE_DECODE_ERROR"),
    ):
        status, answer = await call(session, "POST", url + CREATE, {"register_image": b64(photo)})
        assert (status, answer["error"]["code"]) == (400, code)
    for bad, code in (
        ({}, "MISSING_ARGUMENTS"),
        ({"register_feature": [0.0] * 512}, "INVALID_ARGUMENTS"),
        ({"register_image": b64(FACE), "user_type": "stranger"}, "INVALID_ARGUMENTS"),
        ({"register_image": b64(FACE), "permission_ids": "x"}, "INVALID_ARGUMENTS"),
    ):
        status, answer = await call(session, "POST", url + CREATE, bad)
        assert (status, answer["error"]["code"]) == (400, code), bad
    identity_id = created["identity_id"]

    # updateidentity overwrites: a field left out goes back to its default
    status, updated = await call(
        session, "POST", url + UPDATE, {"identity_id": identity_id, "user_type": "vip"}
    )
    assert status == 200
    assert (updated["identity_name"], updated["user_type"]) == ("佚名", "vip")
    assert updated["ext_user_info"] == {}
    status, read = await call(session, "POST", url + GET, {"identity_id": identity_id})
    assert read == updated
    for bad, expected in (
        ({}, (400, "MISSING_ARGUMENTS")),
        ({"identity_id": "nobody"}, (404, "ID_NOT_FOUND")),
        ({"identity_id": identity_id, "user_type": "car"}, (400, "INVALID_ARGUMENTS")),
    ):
        status, answer = await call(session, "POST", url + UPDATE, bad)
        assert (status, answer["error"]["code"]) == expected, bad

    # a new photo replaces the first one
    new_photo = images.face_jpeg(99, "test:other")
    status, answer = await call(
        session,
        "POST",
        url + REPLACE,
        {"identity_id": identity_id, "register_image_index": 0, "register_image": b64(new_photo)},
    )
    assert status == 200
    assert answer["identity_id"] == identity_id
    person = next(p for p in sim.people if p.identity_id == identity_id)
    assert person.photo_jpeg == new_photo
    assert answer["register_image_ids"] == [person.image_id]
    for bad, expected in (
        ({"identity_id": identity_id, "register_image": b64(FACE)}, (400, "MISSING_ARGUMENTS")),
        ({"identity_id": identity_id, "register_image_index": 3}, (404, "ID_NOT_FOUND")),
        ({"identity_id": identity_id, "register_image_index": 0}, (400, "MISSING_ARGUMENTS")),
        ({"register_image_index": 0}, (400, "MISSING_ARGUMENTS")),
        ({"identity_id": "nobody", "register_image_index": 0}, (404, "ID_NOT_FOUND")),
        (
            {"identity_id": identity_id, "register_image_index": 0, "register_image": "x"},
            (400, "IMAGE_DECODE_ERROR"),
        ),
    ):
        status, answer = await call(session, "POST", url + REPLACE, bad)
        assert (status, answer["error"]["code"]) == expected, bad
    status, _ = await call(
        session, "POST", url + ADD, {"identity_id": identity_id, "register_image": b64(FACE)}
    )
    assert status == 200

    status, answer = await call(session, "POST", url + DELETE, {"identity_ids": [identity_id, "x"]})
    assert status == 200
    assert answer == {"success_identity_ids": [identity_id], "failed_identity_ids": ["x"]}
    assert all(p.identity_id != identity_id for p in sim.people)
    status, answer = await call(session, "POST", url + DELETE, {})
    assert (status, answer["error"]["code"]) == (400, "MISSING_ARGUMENTS")


async def test_v6_fiqa(make_sim: Callable[..., Any], session: aiohttp.ClientSession) -> None:
    sim: Simulator = await make_sim(dialect="v6")
    prefixed = "data:image/jpeg;base64," + b64(FACE)
    body = {"image_base64_str": prefixed}
    status, answer = await call(session, "POST", sim.rest_url + FIQA, body)
    assert status == 200
    assert answer["fiqa_result"] is True
    assert answer["detailed_result"]["failed_items"] == []
    status, answer = await call(
        session, "POST", sim.rest_url + FIQA, {"image_base64_str": b64(small_jpeg())}
    )
    assert status == 200
    assert answer["fiqa_result"] is False
    assert answer["detailed_result"]["failed_items"] == ["face_size"]
    status, answer = await call(
        session, "POST", sim.rest_url + FIQA, {"image_base64_str": b64(images.blank_jpeg())}
    )
    assert (status, answer["error"]["code"]) == (400, "NO_FACE_ERROR")
    status, answer = await call(session, "POST", sim.rest_url + FIQA, {})
    assert (status, answer["error"]["code"]) == (400, "MISSING_ARGUMENTS")
    # no V5 calls on a V6 box
    status, _ = await call(session, "POST", sim.rest_url + V5_FIQA, {})
    assert status == 404


async def test_v5_create_update_delete(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession
) -> None:
    sim: Simulator = await make_sim(dialect="v5")
    url = sim.rest_url + USERS
    body = {
        "identity_id": "001",
        "group_name": "default_group",
        "reg_photo": b64(FACE),
        "info": {"name": "小王", "type": 2, "permission_ids": [], "ext_info": {"endTime": "x"}},
    }
    status, answer = await call(session, "POST", url, body)
    assert status == 200
    assert answer["data"]["identity_id"] == "001"
    assert answer["data"]["group_name"] == "default_group"
    assert answer["data"]["info"]["type"] == 2
    person = next(p for p in sim.people if p.identity_id == "001")
    assert (person.name, person.person_type, person.photo_jpeg) == ("小王", "visitor", FACE)
    status, answer = await call(session, "POST", url, body)
    assert status == 400
    assert "already exist" in answer["error"]["message"]
    status, _ = await call(session, "POST", url, {**body, "ignore_exist": True})
    assert status == 200
    for bad in (
        {**body, "identity_id": ""},
        {**body, "group_name": None},
        {**body, "info": {"type": 1}},
        {**body, "identity_id": "002", "info": {"name": "x", "type": 4}},
        {**body, "identity_id": "002", "reg_photo": b64(images.blank_jpeg())},
        {**body, "identity_id": "002", "reg_photo": ""},
    ):
        status, answer = await call(session, "POST", url, bad)
        assert (status, answer["error"]["code"]) == (400, 40000), bad
    async with session.post(url, data=b"{not json") as response:
        assert response.status == 400
        assert (await response.json())["error"]["code"] == 40001
    status, answer = await call(session, "POST", url, [1])
    assert (status, answer["error"]["code"]) == (400, 40000)

    # PUT: info.permission_ids is required; user_id cannot change; the rest as sent
    new_photo = images.face_jpeg(99, "test:other")
    status, answer = await call(
        session,
        "PUT",
        url,
        {
            "identity_id": "001",
            "info": {"name": "老王", "type": 5, "permission_ids": ["p"], "ext_info": {}},
            "reg_photo": b64(new_photo),
        },
    )
    assert status == 200
    assert answer["data"]["info"]["name"] == "老王"
    person = next(p for p in sim.people if p.identity_id == "001")
    assert (person.person_type, person.permission_ids, person.photo_jpeg) == (
        "vip",
        ("p",),
        new_photo,
    )
    # As the page's answer: the new photo's id beside the record, not in its info.
    assert set(answer["data"]) == {"group_name", "identity_id", "image_id", "info"}
    assert answer["data"]["image_id"] == person.image_id
    assert "image_id" not in answer["data"]["info"]
    for bad, expected in (
        ({"identity_id": "001", "info": {"name": "x"}}, (400, 40000)),
        ({"identity_id": "", "info": {"permission_ids": []}}, (400, 40000)),
        ({"identity_id": "404", "info": {"permission_ids": []}}, (404, 40400)),
        ({"identity_id": "001", "info": {"permission_ids": [], "user_id": "9"}}, (400, 40000)),
        ({"identity_id": "001", "info": {"permission_ids": [], "type": 9}}, (400, 40000)),
        (
            {"identity_id": "001", "info": {"permission_ids": []}, "reg_photo": b64(small_jpeg())},
            (400, 40000),
        ),
    ):
        status, answer = await call(session, "PUT", url, bad)
        assert (status, answer["error"]["code"]) == expected, bad

    # DELETE with a JSON body, one or several
    status, answer = await call(session, "DELETE", url, {"identity_id": "001"})
    assert status == 200
    assert answer["data"]["identity_id"] == "001"
    status, answer = await call(session, "DELETE", url, {"identity_id": "001"})
    assert (status, answer["error"]["code"]) == (404, 40400)
    two = [p.identity_id for p in sim.people[:2]]
    status, answer = await call(session, "DELETE", url, {"identity_ids": [*two, "gone"]})
    assert answer["data"]["identity_ids"] == two
    status, answer = await call(session, "DELETE", url, {})
    assert (status, answer["error"]["code"]) == (400, 40000)


async def test_v5_fiqa(make_sim: Callable[..., Any], session: aiohttp.ClientSession) -> None:
    sim: Simulator = await make_sim(dialect="v5")
    url = sim.rest_url + V5_FIQA
    status, answer = await call(session, "POST", url, {"image_base64_str": b64(FACE)})
    assert status == 200
    assert answer["data"][0]["fiqa_result"] is True
    status, answer = await call(session, "POST", url, {"image_base64_str": b64(small_jpeg())})
    assert (answer["data"][0]["fiqa_result"], answer["data"][0]["fails"]) == (False, ["face_size"])
    status, answer = await call(
        session, "POST", url, {"image_base64_str": b64(images.blank_jpeg())}
    )
    assert answer == {"data": []}
    status, answer = await call(session, "POST", url, {"image_base64_str": "x"})
    assert (status, answer["error"]["code"]) == (400, 40000)
    status, answer = await call(session, "POST", url, {})
    assert (status, answer["error"]["code"]) == (400, 40000)


@pytest.mark.parametrize("dialect", ["v5", "v6"])
async def test_a_stranger_registered_from_their_face_is_recognised_by_name(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession, dialect: str
) -> None:
    sim: Simulator = await make_sim(dialect=dialect)
    stranger = sim.strangers[0]
    seen = await sim.fire(sim.devices[0].id, identity_id=stranger.identity_id)
    if dialect == "v6":
        status, answer = await call(
            session,
            "POST",
            sim.rest_url + CREATE,
            {
                "identity_name": "Guest",
                "user_type": "visitor",
                "register_image": b64(seen.face_jpeg),
            },
        )
        identity_id = answer["identity_id"]
    else:
        identity_id = "guest-1"
        status, answer = await call(
            session,
            "POST",
            sim.rest_url + USERS,
            {
                "identity_id": identity_id,
                "group_name": "default_group",
                "reg_photo": b64(seen.face_jpeg),
                "info": {"name": "Guest", "type": 2},
            },
        )
    assert status == 200, answer
    # The face is no stranger's any more: a new stranger took its place.
    assert stranger.identity_id not in {s.identity_id for s in sim.strangers}
    assert len(sim.strangers) == 4
    # The visitor walks through next (a random recognition draws them first)...
    walked_in = await sim.fire(sim.devices[1].id)
    assert (walked_in.identity_id, walked_in.identity_name) == (identity_id, "Guest")
    assert walked_in.person_type == "visitor"
    assert walked_in.face_jpeg == seen.face_jpeg
    # ...and is recognised by name whenever that face passes again.
    again = await sim.fire(sim.devices[0].id, identity_id=identity_id)
    assert again.face_jpeg == seen.face_jpeg
    # Someone registered from a face and removed before passing again is not drawn.
    other = await sim.fire(sim.devices[0].id, identity_id=sim.strangers[1].identity_id)
    person = sim.add_person("Y", "visitor")
    sim._state.people.update(person.identity_id, photo=other.face_jpeg)
    sim.remove_person(person.identity_id)
    drawn = await sim.fire(sim.devices[0].id)
    assert drawn.identity_id != person.identity_id

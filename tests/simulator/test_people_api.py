"""The simulated face register: V5 users, groups and photos; V6 identities and photos."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from se5sim import Simulator, images

GROUPS = "/SophonFogSys/api/groups"
USERS = "/SophonFogSys/api/users"
V5_IMAGES = "/SophonFace/api/images/"
IDENTITIES = "/sophon/v2/face/getidentities"
IDENTITY = "/sophon/v2/face/getidentity"
REGISTER_IMAGE = "/sophon/v2/face/getregisterimage/"


async def post(session: aiohttp.ClientSession, url: str, body: Any) -> tuple[int, Any]:
    async with session.post(url, json=body) as response:
        return response.status, await response.json(content_type=None)


async def get(session: aiohttp.ClientSession, url: str, **params: Any) -> tuple[int, Any]:
    async with session.get(url, params=params) as response:
        return response.status, await response.json(content_type=None)


async def test_v5_groups(make_sim: Callable[..., Any], session: aiohttp.ClientSession) -> None:
    sim: Simulator = await make_sim(dialect="v5")
    sim.add_person("A", group_name="guests")
    sim.add_person("B", group_name="night_shift")
    status, body = await get(session, sim.rest_url + GROUPS, limit=2)
    assert status == 200
    groups = body["data"]["groups_list"]
    assert [g["name"] for g in groups] == ["default_group", "guests"]
    assert groups[0] == {
        "group_id": "default_group",
        "groupname": "default_group",
        "name": "default_group",
        "version": "V2",
    }
    assert body["data"]["pagination"] == {
        "limit": 2,
        "num_pages": 2,
        "skip_num": 0,
        "total_count": 3,
    }
    _, body = await get(session, sim.rest_url + GROUPS, skip_num=2, limit=2)
    assert [g["name"] for g in body["data"]["groups_list"]] == ["night_shift"]
    _, body = await get(session, sim.rest_url + GROUPS, group_name="guests")
    assert [g["name"] for g in body["data"]["groups_list"]] == ["guests"]
    for bad in ({"limit": "0"}, {"skip_num": "x"}):
        status, body = await get(session, sim.rest_url + GROUPS, **bad)
        assert (status, body["error"]["code"]) == (400, 40000)


async def test_v5_photos_by_id(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession
) -> None:
    sim: Simulator = await make_sim(dialect="v5")
    person = sim.people[2]
    async with session.get(sim.rest_url + V5_IMAGES + person.image_id) as response:
        assert response.status == 200
        assert response.content_type == "image/jpeg"
        assert await response.read() == person.photo_jpeg
    status, body = await get(session, sim.rest_url + V5_IMAGES + "unknown")
    assert (status, body["error"]["code"], body["error"]["status"]) == (404, 40400, "NOT_FOUND")
    # the V6 photo call does not exist on a V5 box
    status, _ = await get(session, sim.rest_url + REGISTER_IMAGE + person.image_id)
    assert status == 404


async def test_v6_identities(make_sim: Callable[..., Any], session: aiohttp.ClientSession) -> None:
    sim: Simulator = await make_sim(dialect="v6")
    status, body = await post(session, sim.rest_url + IDENTITIES, {})
    assert status == 200
    assert body["pagination"] == {"page_index": 0, "page_limit": 10, "total_count": 8}
    first = body["identities"][0]
    person = sim.people[0]
    assert first == {
        "identity_id": person.identity_id,
        "identity_name": person.name,
        "user_type": person.person_type,
        "permission_ids": list(person.permission_ids),
        "ext_user_info": {},
        "face_ids": [person.face_id],
        "register_image_ids": [person.image_id],
    }
    seen = []
    for index in range(3):
        _, body = await post(
            session, sim.rest_url + IDENTITIES, {"page_limit": 3, "page_index": index}
        )
        seen += [entry["identity_id"] for entry in body["identities"]]
    assert seen == [p.identity_id for p in sim.people]
    # filters: exact id, fuzzy name, permission groups
    _, body = await post(
        session, sim.rest_url + IDENTITIES, {"filters": {"identity_id": person.identity_id}}
    )
    assert [e["identity_id"] for e in body["identities"]] == [person.identity_id]
    _, body = await post(session, sim.rest_url + IDENTITIES, {"filters": {"identity_name": "li"}})
    assert {e["identity_name"] for e in body["identities"]} == {"Alice Martin"}
    _, body = await post(
        session, sim.rest_url + IDENTITIES, {"filters": {"permission_id_list": ["other"]}}
    )
    assert body["identities"] == []
    _, body = await post(
        session,
        sim.rest_url + IDENTITIES,
        {"filters": {"permission_id_list": list(person.permission_ids)}},
    )
    assert body["pagination"]["total_count"] == 8


@pytest.mark.parametrize(
    "body",
    [
        {"page_limit": 0},
        {"page_index": -1},
        {"page_limit": "10"},
        {"page_index": True},
        {"filters": ["x"]},
    ],
)
async def test_v6_identities_bad_arguments(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession, body: dict[str, Any]
) -> None:
    sim: Simulator = await make_sim(dialect="v6")
    status, answer = await post(session, sim.rest_url + IDENTITIES, body)
    assert (status, answer["error"]["code"]) == (400, "INVALID_ARGUMENTS")


async def test_v6_identity_and_photo(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession
) -> None:
    sim: Simulator = await make_sim(dialect="v6")
    person = sim.people[4]
    status, body = await post(session, sim.rest_url + IDENTITY, {"identity_id": person.identity_id})
    assert status == 200
    assert body["identity_name"] == person.name
    status, body = await post(session, sim.rest_url + IDENTITY, {"identity_id": "nobody"})
    assert (status, body["error"]["code"]) == (404, "ID_NOT_FOUND")
    status, body = await post(session, sim.rest_url + IDENTITY, {})
    assert (status, body["error"]["code"]) == (400, "MISSING_ARGUMENTS")
    async with session.post(sim.rest_url + IDENTITY, data=b"{nope") as response:
        assert response.status == 400
    async with session.get(sim.rest_url + REGISTER_IMAGE + person.image_id) as response:
        assert response.content_type == "image/jpeg"
        assert await response.read() == person.photo_jpeg
    # documented: a photo that cannot be found comes back as a blank image, status 200
    async with session.get(sim.rest_url + REGISTER_IMAGE + "unknown") as response:
        assert response.status == 200
        assert await response.read() == images.blank_jpeg()
    # the V5 photo call does not exist on a V6 box; the V5-era users call does
    status, _ = await get(session, sim.rest_url + V5_IMAGES + person.image_id)
    assert status == 404
    status, body = await get(session, sim.rest_url + USERS, identity_id=person.identity_id)
    assert [e["identity_id"] for e in body["data"]["identities_list"]] == [person.identity_id]


async def test_add_and_remove_people(sim: Simulator, session: aiohttp.ClientSession) -> None:
    photo = images.face_jpeg(99, "custom")
    given = sim.add_person("Given Photo", "blacklist", identity_id="770001", photo=photo)
    none = sim.add_person("No Photo", "vip", photo=False, gender="male", age=50, glasses=True)
    generated = sim.add_person("Generated", "employee")
    assert given.photo_jpeg == photo
    assert (none.photo_jpeg, none.image_id) == (None, "")
    assert generated.photo_jpeg is not None
    assert generated.identity_id not in {p.identity_id for p in sim.people[:8]}
    assert [p.identity_id for p in sim.people[-3:]] == [
        given.identity_id,
        none.identity_id,
        generated.identity_id,
    ]
    recognition = await sim.fire(identity_id=none.identity_id)
    assert recognition.registered_jpeg is None
    removed = sim.remove_person(given.identity_id)
    assert removed is given
    assert given.identity_id not in {p.identity_id for p in sim.people}
    with pytest.raises(KeyError):
        sim.remove_person(given.identity_id)
    with pytest.raises(ValueError, match="registered type"):
        sim.add_person("Ghost", "stranger")
    with pytest.raises(ValueError, match="name"):
        sim.add_person("", "vip")
    with pytest.raises(ValueError, match="taken"):
        sim.add_person("Twin", "vip", identity_id=none.identity_id)
    if sim.dialect == "v6":
        _, body = await post(session, sim.rest_url + IDENTITY, {"identity_id": none.identity_id})
        assert body["register_image_ids"] == []
    else:
        _, body = await get(session, sim.rest_url + USERS, identity_id=none.identity_id)
        entry = body["data"]["identities_list"][0]
        assert (entry["reg_photo"], entry["info"]["image_id"], entry["info"]["type"]) == ("", "", 5)


async def test_many_generated_people(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession
) -> None:
    sim: Simulator = await make_sim(dialect="v5", extra_people=5000, seed=3)
    again = Simulator(extra_people=5000, seed=3)
    assert len(sim.people) == 5008
    assert [p.name for p in sim.people] == [p.name for p in again.people]
    assert len({p.identity_id for p in sim.people}) == 5008
    assert {p.person_type for p in sim.people[8:]} == {"employee", "visitor", "blacklist", "vip"}
    last = sim.people[-1]
    _, body = await get(session, sim.rest_url + USERS, skip_num=5007, limit=10)
    (entry,) = body["data"]["identities_list"]
    assert entry["identity_id"] == last.identity_id
    assert base64.b64decode(entry["reg_photo"]) == last.photo_jpeg
    with pytest.raises(ValueError, match="extra_people"):
        Simulator(extra_people=-1)


async def test_nobody_of_a_type(sim: Simulator) -> None:
    for person in sim.people:
        if person.person_type == "vip":
            sim.remove_person(person.identity_id)
    with pytest.raises(ValueError, match="nobody of type 'vip'"):
        await sim.fire(person_type="vip")

"""The register and registered photos against the simulator, over real sockets."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.se5.client import (
    Dialect,
    Person,
    PersonType,
    Se5BoxStartingError,
    Se5Client,
    Se5ConnectionError,
    Se5NotABoxError,
)
from se5sim import Simulator, images
from tests.helpers import Handler

MakeSim = Callable[..., Awaitable[Simulator]]


@pytest.fixture
async def make_sim(socket_enabled: None) -> AsyncIterator[MakeSim]:
    """Started simulators on free ports, stopped afterwards."""
    started: list[Simulator] = []

    async def factory(**kwargs: Any) -> Simulator:
        sim = Simulator(host="127.0.0.1", seed=7, **kwargs)
        await sim.start()
        started.append(sim)
        return sim

    yield factory
    for sim in started:
        await sim.stop()


def client_for(sim: Simulator, session: aiohttp.ClientSession, **kwargs: Any) -> Se5Client:
    return Se5Client(session, "127.0.0.1", sim.rest_port, system_port=sim.system_port, **kwargs)


async def test_list_people_without_photos(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    client = client_for(sim, session)
    people = await client.list_people()
    assert [p.identity_id for p in people] == [p.identity_id for p in sim.people]
    for person, expected in zip(people, sim.people, strict=True):
        assert person.name == expected.name
        assert person.person_type is PersonType(expected.person_type)
        assert person.photo is None
        assert person.photo_id == expected.image_id
    assert client.dialect is dialect


async def test_people_in_several_groups_and_added_and_removed(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    client = client_for(sim, session, dialect=dialect)
    guest = sim.add_person("Guest Star", "visitor", group_name="guests")
    no_photo = sim.add_person("Camera Shy", "vip", photo=False)
    sim.remove_person(sim.people[0].identity_id)
    people = await client.list_people(page_size=3)
    if dialect is Dialect.V5:  # group by group: default_group, then guests
        assert [p.identity_id for p in people] == [
            *(p.identity_id for p in sim.people if p.group_name == "default_group"),
            guest.identity_id,
        ]
    else:
        assert [p.identity_id for p in people] == [p.identity_id for p in sim.people]
    by_id = {p.identity_id: p for p in people}
    assert by_id[guest.identity_id].person_type is PersonType.VISITOR
    if dialect is Dialect.V5:
        assert by_id[guest.identity_id].groups == ("guests",)
    assert by_id[no_photo.identity_id].photo_id is None
    assert await client.get_person_photo(by_id[no_photo.identity_id]) is None


async def test_limit(sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect) -> None:
    client = client_for(sim, session, dialect=dialect)
    people = await client.list_people(page_size=3, limit=5)
    assert [p.identity_id for p in people] == [p.identity_id for p in sim.people[:5]]
    assert await client.list_people(limit=0) == []
    with pytest.raises(ValueError, match="page_size"):
        await client.list_people(page_size=0)


async def test_with_photos(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    client = client_for(sim, session, dialect=dialect)
    people = await client.list_people(with_photos=True)
    assert [p.photo for p in people] == [p.photo_jpeg for p in sim.people]
    assert all(p.photo is not None for p in people)


async def test_person_photo_by_id(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    client = client_for(sim, session, dialect=dialect)
    expected = sim.people[3]
    person = Person(
        expected.identity_id, expected.name, PersonType.VISITOR, photo_id=expected.image_id
    )
    assert await client.get_person_photo(person) == expected.photo_jpeg
    inline = Person("x", "x", PersonType.VIP, photo=b"\xff\xd8\xffinline")
    assert await client.get_person_photo(inline) == b"\xff\xd8\xffinline"
    # a removed person: V5 answers not found, V6 a blank image; both mean "no photo"
    sim.remove_person(expected.identity_id)
    assert await client.get_person_photo(person) is None
    nobody = Person("404", "Nobody", PersonType.EMPLOYEE)
    assert await client.get_person_photo(nobody) is None


async def test_v5_photo_from_the_users_call(
    make_sim: MakeSim, session: aiohttp.ClientSession
) -> None:
    sim = await make_sim(dialect="v5")
    client = client_for(sim, session, dialect=Dialect.V5)
    expected = sim.people[1]
    # no photo and no photo id known: the box is asked for the person
    assert (
        await client.get_person_photo(Person(expected.identity_id, "", PersonType.EMPLOYEE))
        == expected.photo_jpeg
    )


async def test_v6_blank_image_is_no_photo(
    make_sim: MakeSim, session: aiohttp.ClientSession
) -> None:
    sim = await make_sim(dialect="v6")
    client = client_for(sim, session, dialect=Dialect.V6)
    unknown = Person("1", "x", PersonType.EMPLOYEE, photo_id="not-a-photo-id")
    assert len(images.blank_jpeg()) > 1024  # caught by comparison, not by size
    assert await client.get_person_photo(unknown) is None
    assert await client.get_person_photo(unknown) is None  # the sample is fetched once
    real = sim.people[0]
    assert (
        await client.get_person_photo(
            Person(real.identity_id, real.name, PersonType.EMPLOYEE, photo_id=real.image_id)
        )
        == real.photo_jpeg
    )


async def test_many_people_page_by_page(
    make_sim: MakeSim, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    sim = await make_sim(dialect=dialect.value, extra_people=5000)
    client = client_for(sim, session, dialect=dialect)
    people = await client.list_people()  # pages of 100: a few MB each with V5's inline photos
    assert len(people) == 5008
    assert len({p.identity_id for p in people}) == 5008
    assert {p.person_type for p in people} == {
        PersonType.EMPLOYEE,
        PersonType.VISITOR,
        PersonType.BLACKLIST,
        PersonType.VIP,
    }
    assert len(await client.list_people(page_size=100, limit=250)) == 250


@pytest.mark.parametrize(
    "answer",
    [
        {"data": {"identities_list": "nope"}},
        {"identities": "nope"},
        {"hello": "world"},
    ],
)
async def test_not_a_register(
    session: aiohttp.ClientSession,
    socket_enabled: None,
    fake_box: Callable[[Handler], Awaitable[int]],
    answer: dict[str, Any],
) -> None:
    async def handler(request: web.Request) -> web.Response:
        if request.path.endswith("groups"):
            return web.json_response({"error": {"code": 40400, "message": "no"}}, status=404)
        return web.json_response(answer)

    port = await fake_box(handler)
    for dialect in Dialect:
        with pytest.raises(Se5NotABoxError):
            await Se5Client(session, "127.0.0.1", port, dialect=dialect).list_people()


async def test_v5_groups_unanswered_and_capped_pages(
    session: aiohttp.ClientSession,
    socket_enabled: None,
    fake_box: Callable[[Handler], Awaitable[int]],
) -> None:
    """A box without the groups call, whose pages are capped at 2 and repeat at the end."""
    everyone = [{"identity_id": str(n), "info": {"name": f"P{n}", "type": 2}} for n in range(5)]
    asked: list[dict[str, str]] = []

    async def handler(request: web.Request) -> web.Response:
        if request.path.endswith("groups"):
            return web.Response(status=404, text="Not Found")
        asked.append(dict(request.query))
        skip = int(request.query["skip_num"])
        page = everyone[skip : skip + 2] or everyone[-2:]  # never empty: repeats the last page
        return web.json_response({"data": {"identities_list": page}})

    port = await fake_box(handler)
    people = await Se5Client(session, "127.0.0.1", port, dialect=Dialect.V5).list_people()
    assert [p.identity_id for p in people] == ["0", "1", "2", "3", "4"]
    assert {q["group_name"] for q in asked} == {"default_group"}
    assert len(asked) == 4  # the repeated page ends the loop


async def test_v5_person_in_two_groups_does_not_cut_the_later_group_short(
    session: aiohttp.ClientSession,
    socket_enabled: None,
    fake_box: Callable[[Handler], Awaitable[int]],
) -> None:
    """A page of a later group holding only people listed in an earlier group is no end."""
    both = [{"identity_id": n, "group_name": ["a", "b"], "info": {"type": 1}} for n in "12"]
    only_b = [{"identity_id": n, "group_name": ["b"], "info": {"type": 2}} for n in "34"]
    members = {"a": both, "b": both + only_b}

    async def handler(request: web.Request) -> web.Response:
        query = request.query
        if request.path.endswith("groups"):
            page = [{"name": g} for g in members][int(query["skip_num"]) :]
            return web.json_response({"data": {"groups_list": page}})
        skip, limit = int(query["skip_num"]), int(query["limit"])
        page = members[query["group_name"]][skip : skip + limit]
        return web.json_response({"data": {"identities_list": page}})

    port = await fake_box(handler)
    client = Se5Client(session, "127.0.0.1", port, dialect=Dialect.V5)
    people = await client.list_people(page_size=2)
    assert [p.identity_id for p in people] == ["1", "2", "3", "4"]
    assert people[0].groups == ("a", "b")


async def test_v6_pages_without_total(
    session: aiohttp.ClientSession,
    socket_enabled: None,
    fake_box: Callable[[Handler], Awaitable[int]],
) -> None:
    everyone = [{"identity_id": str(n), "user_type": "vip"} for n in range(7)]

    async def handler(request: web.Request) -> web.Response:
        body = await request.json()
        index, limit = body["page_index"], body["page_limit"]
        return web.json_response({"identities": everyone[index * limit : (index + 1) * limit]})

    port = await fake_box(handler)
    client = Se5Client(session, "127.0.0.1", port, dialect=Dialect.V6)
    people = await client.list_people(page_size=3)
    assert [p.identity_id for p in people] == [str(n) for n in range(7)]


async def test_errors_propagate(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    client = client_for(sim, session, dialect=dialect)
    sim.fail_rest("init")
    with pytest.raises(Se5BoxStartingError):
        await client.list_people()
    person = Person("1", "x", PersonType.EMPLOYEE, photo_id="abc")
    with pytest.raises(Se5BoxStartingError):
        await client.get_person_photo(person)
    sim.clear_rest_failure()
    await sim.go_down()
    with pytest.raises(Se5ConnectionError):
        await client.get_person_photo(person)

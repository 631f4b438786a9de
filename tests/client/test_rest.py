"""The REST client against the simulator and against things that are not a box."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import aiohttp
from aiohttp import web
import pytest

from custom_components.se5.client import (
    Dialect,
    PersonType,
    Relay,
    Se5ApiError,
    Se5BoxStartingError,
    Se5Client,
    Se5ConnectionError,
    Se5NotABoxError,
    Se5ServerError,
)
from se5sim import Simulator
from tests.helpers import Handler


async def test_list_devices_detects_the_dialect(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    client = Se5Client(session, "127.0.0.1", sim.rest_port)
    devices = await client.list_devices()
    assert client.dialect is dialect
    assert [d.id for d in devices] == [d.id for d in sim.devices]
    for device, expected in zip(devices, sim.devices, strict=True):
        assert device.name == expected.name
        assert device.ip == expected.ip
        assert device.kind == expected.kind
        assert device.url == expected.url
    if dialect is Dialect.V5:
        relays = {d.id: d.relay for d in devices}
        for expected in sim.devices:
            if expected.relay:
                relay = relays[expected.id]
                assert relay is not None
                assert relay.ip == expected.relay["ip"]
    assert await Se5Client(session, "127.0.0.1", sim.rest_port).detect_dialect() is dialect


async def test_new_and_removed_devices_show(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    client = Se5Client(session, "127.0.0.1", sim.rest_port, dialect=dialect)
    added = sim.add_device(name="Side door")
    sim.remove_device(sim.devices[0].id)
    ids = [d.id for d in await client.list_devices()]
    assert added.id in ids
    assert len(ids) == 3


async def test_wrong_stored_dialect_is_detected_again(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    other = Dialect.V6 if dialect is Dialect.V5 else Dialect.V5
    client = Se5Client(session, "127.0.0.1", sim.rest_port, dialect=other)
    assert len(await client.list_devices()) == 3
    assert client.dialect is dialect


async def test_box_starting_then_ready(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    client = Se5Client(session, "127.0.0.1", sim.rest_port, dialect=dialect)
    sim.fail_rest("init", count=1)
    with pytest.raises(Se5BoxStartingError):
        await client.list_devices()
    assert len(await client.list_devices()) == 3


async def test_detection_while_starting_says_starting(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    sim.fail_rest("init")
    with pytest.raises(Se5BoxStartingError):
        await Se5Client(session, "127.0.0.1", sim.rest_port).list_devices()
    sim.clear_rest_failure()


async def test_http_500(sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect) -> None:
    client = Se5Client(session, "127.0.0.1", sim.rest_port, dialect=dialect)
    sim.fail_rest("http500", count=1)
    with pytest.raises(Se5ServerError) as caught:
        await client.list_devices()
    assert caught.value.status == 500
    assert isinstance(caught.value, Se5ConnectionError)
    assert len(await client.list_devices()) == 3


async def test_connection_refused(session: aiohttp.ClientSession, socket_enabled: None) -> None:
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    with pytest.raises(Se5ConnectionError):
        await Se5Client(session, "127.0.0.1", port).list_devices()


async def test_timeout(
    session: aiohttp.ClientSession,
    socket_enabled: None,
    fake_box: Callable[[Handler], Awaitable[int]],
) -> None:
    release = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        await release.wait()
        return web.json_response({})

    port = await fake_box(slow)
    with pytest.raises(Se5ConnectionError, match=r"no answer within 1 s"):
        await Se5Client(session, "127.0.0.1", port, timeout=1.0).list_devices()
    release.set()


@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [
        (200, "<html>router login</html>", "text/html"),
        (200, '{"hello": "world"}', "application/json"),
        (404, "Not Found", "text/plain"),
        (405, "Method Not Allowed", "text/plain"),
        (200, '{"data": {"devices_list": "nope"}}', "application/json"),
    ],
)
async def test_not_a_box(
    session: aiohttp.ClientSession,
    socket_enabled: None,
    fake_box: Callable[[Handler], Awaitable[int]],
    status: int,
    body: str,
    content_type: str,
) -> None:
    async def answer(request: web.Request) -> web.Response:
        return web.Response(status=status, text=body, content_type=content_type)

    port = await fake_box(answer)
    client = Se5Client(session, "127.0.0.1", port)
    with pytest.raises(Se5NotABoxError):
        await client.list_devices()
    assert client.dialect is None


async def test_other_error_envelope(
    session: aiohttp.ClientSession,
    socket_enabled: None,
    fake_box: Callable[[Handler], Awaitable[int]],
) -> None:
    async def answer(request: web.Request) -> web.Response:
        error = {"code": 40000, "message": "bad", "status": "BAD_REQUEST"}
        return web.json_response({"error": error}, status=400)

    port = await fake_box(answer)
    client = Se5Client(session, "127.0.0.1", port, dialect=Dialect.V5)
    with pytest.raises(Se5ApiError) as caught:
        await client.open_door(Relay(ip="127.0.0.20", net_port=6722, door_port=1))
    assert caught.value.code == 40000
    assert caught.value.status == "BAD_REQUEST"


async def test_list_people_pages(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    client = Se5Client(session, "127.0.0.1", sim.rest_port)
    people = await client.list_people(page_size=2, with_photos=True)
    assert sorted(p.identity_id for p in people) == sorted(p.identity_id for p in sim.people)
    by_id = {p.identity_id: p for p in people}
    for expected in sim.people:
        person = by_id[expected.identity_id]
        assert person.name == expected.name
        assert person.person_type is PersonType(expected.person_type)
        assert person.photo == expected.photo_jpeg
        assert person.photo_id == expected.image_id
        # V6 has no face-library groups
        assert person.groups == ((expected.group_name,) if dialect is Dialect.V5 else ())

"""Images by id, and the protocol modules against boxes that answer oddly."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.se5.client import (
    Dialect,
    Person,
    PersonType,
    Se5ApiError,
    Se5BoxStartingError,
    Se5Client,
    Se5ConnectionError,
    Se5NotABoxError,
    Se5ServerError,
)
from custom_components.se5.client.fetch import MESSAGE_MAX, fetch_image
from custom_components.se5.client.system import fetch_box_info, fetch_health
from tests.helpers import Handler, wait_for

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8  # 2 KB that start like a JPEG
WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


def answer_with(status: int, body: Any, content_type: str = "application/json") -> Handler:
    async def handler(request: web.Request) -> web.Response:
        if isinstance(body, bytes):
            return web.Response(status=status, body=body, content_type=content_type)
        return web.json_response(body, status=status)

    return handler


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, JPEG, JPEG),
        (200, b"\x89PNG\r\n\x1a\n" + b"x" * 10, b"\x89PNG\r\n\x1a\n" + b"x" * 10),
        (404, {"error": {"code": 40400, "message": "no", "status": "NOT_FOUND"}}, None),
        (404, {"error": {"code": "ID_NOT_FOUND", "message": "no"}}, None),
        (400, {"error": {"code": "NOT_FOUND", "message": "no"}}, None),
        (404, b"Not Found", None),
        (200, b"<html>login</html>", None),
        (200, {"data": {}}, None),
    ],
)
async def test_image_answers(
    session: aiohttp.ClientSession,
    fake_box: Callable[[Handler], Awaitable[int]],
    status: int,
    body: Any,
    expected: bytes | None,
) -> None:
    port = await fake_box(answer_with(status, body, "image/jpeg"))
    client = Se5Client(session, "127.0.0.1", port, dialect=Dialect.V5)
    assert await client.get_event_image("abc", WHEN) == expected


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (500, {"error": {"code": "DEVICE_INIT_ERROR", "message": ""}}, Se5BoxStartingError),
        (400, {"error": {"code": 40000, "message": "bad", "status": "BAD_REQUEST"}}, Se5ApiError),
        (400, {"error": {"code": ["odd"], "message": "bad"}}, Se5ApiError),
        (500, b"Internal Server Error", Se5ServerError),
        (403, b"Forbidden", Se5ApiError),
    ],
)
async def test_image_errors(
    session: aiohttp.ClientSession,
    fake_box: Callable[[Handler], Awaitable[int]],
    status: int,
    body: Any,
    error: type[Exception],
) -> None:
    port = await fake_box(answer_with(status, body, "text/plain"))
    client = Se5Client(session, "127.0.0.1", port, dialect=Dialect.V6)
    with pytest.raises(error):
        await client.get_event_image("abc", WHEN)


async def test_image_size_cap(
    session: aiohttp.ClientSession, fake_box: Callable[[Handler], Awaitable[int]]
) -> None:
    async def chunked(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        for _ in range(4):
            await response.write(JPEG)
        await response.write_eof()
        return response

    declared = await fake_box(answer_with(200, JPEG * 4, "image/jpeg"))
    streamed = await fake_box(chunked)
    for port in (declared, streamed):
        url = Se5Client(session, "127.0.0.1", port).base_url.with_path("/img")
        with pytest.raises(Se5ApiError, match="TOO_LARGE"):
            await fetch_image(session, url, params=None, timeout=5, max_bytes=len(JPEG) * 2)
        assert await fetch_image(session, url, params=None, timeout=5) == JPEG * 4


async def test_image_unreachable(
    session: aiohttp.ClientSession, fake_box: Callable[[Handler], Awaitable[int]]
) -> None:
    release = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        await release.wait()
        return web.Response(body=JPEG)

    port = await fake_box(slow)
    client = Se5Client(session, "127.0.0.1", port, dialect=Dialect.V5, timeout=1.0)
    with pytest.raises(Se5ConnectionError, match="no answer"):
        await client.get_event_image("abc", WHEN)
    release.set()
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    closed_port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    client = Se5Client(session, "127.0.0.1", closed_port, dialect=Dialect.V5)
    with pytest.raises(Se5ConnectionError):
        await client.get_event_image("abc", WHEN)


async def test_v6_photo_placeholders(
    session: aiohttp.ClientSession, fake_box: Callable[[Handler], Awaitable[int]]
) -> None:
    """Tiny or non-JPEG answers are placeholders; when the blank sample cannot be fetched the
    photo is kept (and the sample is tried again next time)."""
    answers = {"tiny": b"\xff\xd8\xff" + b"0" * 100, "gif": b"GIF89a" + b"0" * 2000}
    sample_requests = 0

    async def handler(request: web.Request) -> web.Response:
        nonlocal sample_requests
        image_id = request.path.rsplit("/", 1)[-1]
        if image_id.startswith("00000000"):
            sample_requests += 1
            return web.Response(status=500, text="broken")
        return web.Response(body=answers.get(image_id, JPEG), content_type="image/jpeg")

    port = await fake_box(handler)
    client = Se5Client(session, "127.0.0.1", port, dialect=Dialect.V6)
    for photo_id, expected in (("tiny", None), ("gif", None), ("real", JPEG), ("real", JPEG)):
        person = Person("1", "x", PersonType.EMPLOYEE, photo_id=photo_id)
        assert await client.get_person_photo(person) == expected
    assert sample_requests == 2


async def test_v5_photo_when_the_users_call_fails(
    session: aiohttp.ClientSession, fake_box: Callable[[Handler], Awaitable[int]]
) -> None:
    async def handler(request: web.Request) -> web.Response:
        if request.path.endswith("/users"):
            return web.json_response({"error": {"code": 40400, "message": "no"}}, status=404)
        assert request.path == "/SophonFace/api/images/img-1"
        return web.Response(body=JPEG, content_type="image/jpeg")

    port = await fake_box(handler)
    client = Se5Client(session, "127.0.0.1", port, dialect=Dialect.V5)
    assert await client.get_person_photo(Person("1", "x", PersonType.VIP, photo_id="img-1")) == JPEG
    assert await client.get_person_photo(Person("1", "x", PersonType.VIP)) is None


async def test_history_odd_answers(
    session: aiohttp.ClientSession, fake_box: Callable[[Handler], Awaitable[int]]
) -> None:
    event = {
        "event_id": "e1",
        "timestamp": WHEN.timestamp() + 10,
        "media_device_info": {"media_device_id": "cam"},
        "user_type": "vip",
    }
    pages = [
        {"events": [event, dict(event)], "pagination": {"total_count": "many"}},
        {"events": [dict(event)]},  # the same event again: the walk ends
    ]
    served: list[int] = []

    async def handler(request: web.Request) -> web.Response:
        index = (await request.json())["page_index"]
        served.append(index)
        return web.json_response(pages[min(index, 1)])

    port = await fake_box(handler)
    client = Se5Client(session, "127.0.0.1", port, dialect=Dialect.V6)
    events = await client.list_events(WHEN, page_size=2)
    assert [e.event_id for e in events] == ["e1"]
    assert served == [0, 1]

    broken = await fake_box(answer_with(200, {"events": "none"}))
    with pytest.raises(Se5NotABoxError):
        await Se5Client(session, "127.0.0.1", broken, dialect=Dialect.V6).list_events(WHEN)


async def test_programming_errors_are_not_swallowed() -> None:
    async def broken(method: str, path: str, **kwargs: Any) -> Any:
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError, match="bug"):
        await fetch_health(broken, Dialect.V6)
    with pytest.raises(RuntimeError, match="bug"):
        await fetch_box_info(broken, broken, Dialect.V5)


async def test_health_errors_that_are_not_connection_errors() -> None:
    async def refusing(method: str, path: str, **kwargs: Any) -> Any:
        raise Se5ApiError("INVALID_ARGUMENTS", path)

    with pytest.raises(Se5ApiError, match="gettemperature"):
        await fetch_health(refusing, Dialect.V6)
    with pytest.raises(Se5ConnectionError, match="nothing usable"):
        await fetch_box_info(refusing, refusing, Dialect.V6)


async def test_ids_are_quoted_once(
    session: aiohttp.ClientSession, fake_box: Callable[[Handler], Awaitable[int]]
) -> None:
    raw_paths: list[str] = []

    async def handler(request: web.Request) -> web.Response:
        raw_paths.append(request.raw_path.split("?")[0])
        return web.Response(body=JPEG, content_type="image/jpeg")

    port = await fake_box(handler)
    v6 = Se5Client(session, "127.0.0.1", port, dialect=Dialect.V6)
    assert await v6.get_event_image("a/b c%", WHEN) == JPEG
    v5 = Se5Client(session, "127.0.0.1", port, dialect=Dialect.V5)
    assert await v5.get_person_photo(Person("1", "x", PersonType.VIP, photo=None, photo_id="é/1"))
    assert raw_paths[0] == "/sophon/v2/face/getspotimage/a%2Fb%20c%25"
    assert raw_paths[-1] == "/SophonFace/api/images/%C3%A9%2F1"


@pytest.mark.parametrize(("status", "expected"), [(200, None), (404, None), (500, Se5ServerError)])
async def test_image_call_answered_with_deeply_nested_json(
    session: aiohttp.ClientSession,
    fake_box: Callable[[Handler], Awaitable[int]],
    status: int,
    expected: type[Exception] | None,
) -> None:
    """JSON nested too deep to decode is no answer to read, not an error out of the client."""
    port = await fake_box(answer_with(status, b"[" * 30_000 + b"]" * 30_000, "text/plain"))
    client = Se5Client(session, "127.0.0.1", port, dialect=Dialect.V6)
    if expected is None:
        assert await client.get_event_image("abc", WHEN) is None
    else:
        with pytest.raises(expected):
            await client.get_event_image("abc", WHEN)


@pytest.mark.parametrize("status", [200, 404])
async def test_image_call_reads_no_more_than_the_error_cap_of_json(
    session: aiohttp.ClientSession, fake_box: Callable[[Handler], Awaitable[int]], status: int
) -> None:
    """An error envelope (or any JSON) larger than ERROR_BODY_BYTES is not read to its end."""
    huge = 50 * 1024 * 1024
    socket_slack = 16 * 1024 * 1024  # what 127.0.0.1 may hold in flight beyond what was read
    written: list[int] = []

    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(status=status)
        await response.prepare(request)
        sent = 0
        chunk = b'{"error": {"code": "X", "message": "' + b"m" * 65_000
        try:
            while sent < huge:
                await response.write(chunk)
                sent += len(chunk)
                chunk = b"m" * 65_536
        except (ConnectionError, aiohttp.ClientConnectionResetError):
            pass
        finally:
            written.append(sent)
        return response

    port = await fake_box(endless)
    url = Se5Client(session, "127.0.0.1", port).base_url.with_path("/img")
    if status == 200:
        with pytest.raises(Se5ApiError, match="TOO_LARGE"):
            await fetch_image(session, url, params=None, timeout=30)
    else:
        assert await fetch_image(session, url, params=None, timeout=30) is None
    await wait_for(lambda: written, what="the server to stop writing")
    assert written[0] < socket_slack


@pytest.mark.parametrize("dialect", [Dialect.V5, Dialect.V6])
async def test_error_messages_are_capped(
    session: aiohttp.ClientSession, fake_box: Callable[[Handler], Awaitable[int]], dialect: Dialect
) -> None:
    long = "x" * 10_000
    envelope = {"error": {"code": "C" * 5_000, "message": long, "status": long}}
    port = await fake_box(answer_with(400, envelope))
    client = Se5Client(session, "127.0.0.1", port, dialect=dialect)
    for call in (client.get_event_image("abc", WHEN), client.list_people()):
        with pytest.raises(Se5ApiError) as caught:
            await call
        assert len(caught.value.message) <= MESSAGE_MAX
        assert len(str(caught.value.code)) <= MESSAGE_MAX
        assert len(caught.value.status or "") <= MESSAGE_MAX
        assert len(str(caught.value)) <= 2 * MESSAGE_MAX + 2
    plain = await fake_box(answer_with(403, long.encode(), "text/plain"))
    with pytest.raises(Se5ApiError) as refused:
        await Se5Client(session, "127.0.0.1", plain, dialect=dialect).list_people()
    assert len(str(refused.value)) <= 2 * MESSAGE_MAX

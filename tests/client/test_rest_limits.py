"""REST answers: capped as they are read, never downloaded twice; device ids of any shape."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
import json
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.se5.client import Dialect, Se5Client, Se5NotABoxError
from custom_components.se5.client.rest import DEFAULT_MAX_BODY_BYTES
from se5sim import Simulator
from tests.helpers import Handler

MB = 1024 * 1024
HUGE = 50 * MB
# What the kernel may hold in flight on 127.0.0.1 (both socket buffers), beyond what was read.
SOCKET_SLACK = 16 * MB


@dataclass
class HugeServer:
    """An HTTP server answering every request with a 50 MB body, counting what it wrote."""

    start: bytes
    status: int = 200
    declare_length: bool = False
    requests: int = 0
    written: list[int] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        response = web.StreamResponse(status=self.status)
        if self.declare_length:
            response.content_length = HUGE
        await response.prepare(request)
        written = 0
        chunk = self.start + b" " * (64 * 1024 - len(self.start))
        try:
            while written < HUGE:
                await response.write(chunk)
                written += len(chunk)
                chunk = b" " * len(chunk)
        except (ConnectionError, aiohttp.ClientConnectionResetError):
            pass
        finally:
            self.written.append(written)
            self.done.set()
        return response


async def _wait_written(server: HugeServer, requests: int) -> None:
    async with asyncio.timeout(30):
        while len(server.written) < requests:
            server.done.clear()
            await server.done.wait()


@pytest.mark.parametrize("declare_length", [False, True], ids=["chunked", "content-length"])
async def test_huge_json_answer_is_cut_at_the_cap_and_ends_detection(
    session: aiohttp.ClientSession,
    fake_box: Callable[[Handler], Awaitable[int]],
    declare_length: bool,
) -> None:
    server = HugeServer(start=b'{"data": {"devices_list": [', declare_length=declare_length)
    client = Se5Client(session, "127.0.0.1", await fake_box(server.handle))
    with pytest.raises(Se5NotABoxError, match=f"larger than {DEFAULT_MAX_BODY_BYTES} bytes"):
        await client.list_devices()
    await _wait_written(server, 1)
    assert server.requests == 1  # V6 not tried: no second download
    assert server.written[0] < DEFAULT_MAX_BODY_BYTES + SOCKET_SLACK
    assert client.dialect is None


async def test_known_dialect_answering_too_much_is_not_detected_again(
    session: aiohttp.ClientSession, fake_box: Callable[[Handler], Awaitable[int]]
) -> None:
    server = HugeServer(start=b"[")
    client = Se5Client(session, "127.0.0.1", await fake_box(server.handle), dialect=Dialect.V5)
    with pytest.raises(Se5NotABoxError, match="larger than"):
        await client.list_devices()
    assert server.requests == 1


@pytest.mark.parametrize("status", [200, 404])
async def test_huge_page_is_read_no_further_than_its_start(
    session: aiohttp.ClientSession, fake_box: Callable[[Handler], Awaitable[int]], status: int
) -> None:
    """A router's 50 MB page on both dialect paths: both tried, neither downloaded."""
    server = HugeServer(start=b"\n  <html><body>router login", status=status)
    client = Se5Client(session, "127.0.0.1", await fake_box(server.handle))
    with pytest.raises(Se5NotABoxError) as caught:
        await client.list_devices()
    await _wait_written(server, 2)
    assert server.requests == 2
    assert sum(server.written) < HUGE
    assert all(written < SOCKET_SLACK for written in server.written)
    if status == 200:
        assert "is not JSON" in str(caught.value)


async def test_cap_is_a_parameter(sim: Simulator, session: aiohttp.ClientSession) -> None:
    client = Se5Client(session, "127.0.0.1", sim.rest_port, dialect=Dialect(sim.dialect))
    path = "/SophonDevice/api/Devices" if sim.dialect == "v5" else "/sophon/v2/face/getmediadevices"
    method = "GET" if sim.dialect == "v5" else "POST"
    body = {} if method == "POST" else None
    assert await client._request(method, path, json_body=body, max_bytes=MB)
    with pytest.raises(Se5NotABoxError, match="larger than 100 bytes"):
        await client._request(method, path, json_body=body, max_bytes=100)


@pytest.mark.parametrize("prefix", [b"", b" \r\n\t", b"\xef\xbb\xbf"], ids=["none", "space", "bom"])
async def test_json_after_white_space_is_read(
    session: aiohttp.ClientSession, fake_box: Callable[[Handler], Awaitable[int]], prefix: bytes
) -> None:
    async def answer(request: web.Request) -> web.Response:
        body = json.dumps({"data": {"devices_list": [{"device_id": "a"}]}}).encode()
        return web.Response(body=prefix + body, content_type="application/json")

    client = Se5Client(session, "127.0.0.1", await fake_box(answer))
    assert [d.id for d in await client.list_devices()] == ["a"]


def _device_list(dialect: Dialect, ids: list[object]) -> dict[str, Any]:
    if dialect is Dialect.V5:
        return {"data": {"devices_list": [{"device_id": i, "device_name": "n"} for i in ids]}}
    return {"devices": [{"media_device_id": i, "media_device_name": "n"} for i in ids]}


@pytest.mark.parametrize("dialect", [Dialect.V5, Dialect.V6])
@pytest.mark.parametrize(
    ("sent", "expected"),
    [(123, "123"), (" cam1 ", "cam1"), ("123", "123"), (1.0, None), (True, None), ("", None)],
)
async def test_device_list_id_shapes(
    session: aiohttp.ClientSession,
    fake_box: Callable[[Handler], Awaitable[int]],
    dialect: Dialect,
    sent: object,
    expected: str | None,
) -> None:
    async def answer(request: web.Request) -> web.Response:
        on_path = (request.method == "GET") is (dialect is Dialect.V5)
        if not on_path:
            return web.Response(status=404, text="Not Found")
        return web.json_response(_device_list(dialect, [sent, "other"]))

    client = Se5Client(session, "127.0.0.1", await fake_box(answer))
    ids = [d.id for d in await client.list_devices()]
    assert client.dialect is dialect
    assert ids == ([expected] if expected else []) + ["other"]


@pytest.mark.parametrize("dialect", [Dialect.V5, Dialect.V6])
async def test_the_same_id_in_two_shapes_is_one_device(
    session: aiohttp.ClientSession, fake_box: Callable[[Handler], Awaitable[int]], dialect: Dialect
) -> None:
    async def answer(request: web.Request) -> web.Response:
        return web.json_response(_device_list(dialect, [123, " 123 ", "123"]))

    client = Se5Client(session, "127.0.0.1", await fake_box(answer), dialect=dialect)
    assert [d.id for d in await client.list_devices()] == ["123"]


async def test_deeply_nested_answer_is_not_a_box(
    session: aiohttp.ClientSession, fake_box: Callable[[Handler], Awaitable[int]]
) -> None:
    async def answer(request: web.Request) -> web.Response:
        return web.Response(text="[" * 200_000, content_type="application/json")

    client = Se5Client(session, "127.0.0.1", await fake_box(answer), dialect=Dialect.V5)
    with pytest.raises(Se5NotABoxError):
        await client.list_devices()

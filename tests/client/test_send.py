"""Writes reach the box once, and no call follows a redirect.

The servers here are raw sockets, so that what reaches "the box" is counted byte for byte,
including a second copy aiohttp would send on its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import contextlib
import socket

import aiohttp
import pytest
from yarl import URL

from custom_components.se5.client import Se5Client, Se5ConnectionError
from custom_components.se5.client.fetch import ERROR_BODY_BYTES, Se5RedirectError
from custom_components.se5.client.send import Se5UnconfirmedError, send_once

type Answer = Callable[[bytes, asyncio.StreamWriter], Awaitable[None]]


class RawBox:
    """A TCP server that reads each HTTP request whole and answers as told."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.requests: list[bytes] = []
        self.connections = 0
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []
        self._tasks: set[asyncio.Task[None]] = set()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.append(writer)
        if (task := asyncio.current_task()) is not None:
            self._tasks.add(task)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                request = head + await reader.readexactly(length)
                self.requests.append(request)
                await self.answer(request, writer)
                if writer.is_closing():
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def __aenter__(self) -> RawBox:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:  # kept-alive connections end with the box
            writer.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        with contextlib.suppress(Exception):
            await self._server.wait_closed()


def _reply(status: int, body: bytes, extra: str = "") -> bytes:
    return (
        f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n{extra}\r\n"
    ).encode() + body


async def hang_up(_request: bytes, writer: asyncio.StreamWriter) -> None:
    """Take the call, then close the connection without a word."""
    writer.close()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


async def test_a_write_whose_answer_never_comes_is_sent_once(
    session: aiohttp.ClientSession,
) -> None:
    """aiohttp re-sends a PUT whose connection drops; a write must reach the box only once."""
    async with RawBox(hang_up) as box:
        client = Se5Client(session, "127.0.0.1", box.port)
        with pytest.raises(Se5UnconfirmedError):
            await client._write("PUT", "/SophonFogSys/api/EventAction", json_body={"action": []})
        await asyncio.sleep(0.2)  # a second copy would have arrived by now (it is sent at once)
    assert len(box.requests) == 1
    assert box.connections == 1


async def test_a_plain_aiohttp_put_is_sent_twice_in_the_same_case(
    session: aiohttp.ClientSession,
) -> None:
    """The fault the write path guards against, shown with aiohttp alone (the test can fail)."""
    async with RawBox(hang_up) as box:
        url = f"http://127.0.0.1:{box.port}/SophonFogSys/api/EventAction"
        with pytest.raises(aiohttp.ClientError):
            async with session.put(url, json={"action": []}):
                pass
    assert len(box.requests) == 2


async def test_a_write_without_an_answer_is_unconfirmed(session: aiohttp.ClientSession) -> None:
    """The box takes the call and never answers: the user is told it may have been done."""

    async def silent(_request: bytes, _writer: asyncio.StreamWriter) -> None:
        await asyncio.Event().wait()  # until the test ends and the connection with it

    async with RawBox(silent) as box:
        client = Se5Client(session, "127.0.0.1", box.port, timeout=3.0)
        with pytest.raises(Se5UnconfirmedError, match="no answer within 3 s"):
            await client._write("PUT", "/SophonFogSys/api/EventAction", json_body={"action": []})
    assert len(box.requests) == 1


async def test_a_write_that_cannot_connect_in_time_is_not_sent(
    session: aiohttp.ClientSession,
) -> None:
    """A box whose connection queue is full never completes the connection: nothing was sent.

    The listening socket never accepts and its queue is filled first, so the write's connection
    attempt waits (Linux drops the handshake) whatever the machine's speed.
    """
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers: list[socket.socket] = []
    try:
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", port))
            fillers.append(filler)
        client = Se5Client(session, "127.0.0.1", port, timeout=1.0)
        with pytest.raises(Se5ConnectionError) as caught:
            await client._write("PUT", "/x", json_body={})
        assert not isinstance(caught.value, Se5UnconfirmedError)
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


async def test_a_write_to_a_closed_port_is_not_sent(session: aiohttp.ClientSession) -> None:
    async with RawBox(hang_up) as box:
        port = box.port
    client = Se5Client(session, "127.0.0.1", port)
    with pytest.raises(Se5ConnectionError) as caught:
        await client._write("PUT", "/x", json_body={})
    assert not isinstance(caught.value, Se5UnconfirmedError)


async def test_a_write_goes_over_a_connection_of_its_own(session: aiohttp.ClientSession) -> None:
    """Reads keep their connection alive; a write never uses it (nor keeps its own)."""

    async def ok(_request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(_reply(200, b'{"data": {"devices_list": []}}'))
        await writer.drain()

    async with RawBox(ok) as box:
        client = Se5Client(session, "127.0.0.1", box.port)
        await client._request("GET", "/SophonDevice/api/Devices")
        await client._request("GET", "/SophonDevice/api/Devices")
        assert box.connections == 1  # the reads share one kept-alive connection
        await client._write("PUT", "/SophonFogSys/api/EventAction", json_body={"action": []})
        await client._write("PUT", "/SophonFogSys/api/EventAction", json_body={"action": []})
    assert box.connections == 3
    assert len(box.requests) == 4


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("write", [False, True], ids=["read", "write"])
async def test_no_call_follows_a_redirect(
    session: aiohttp.ClientSession, status: int, write: bool
) -> None:
    """A redirect is an error; the call (with its body) never goes to the host it names."""
    async with RawBox(hang_up) as elsewhere:

        async def redirect(_request: bytes, writer: asyncio.StreamWriter) -> None:
            location = f"Location: http://127.0.0.1:{elsewhere.port}/stolen\r\n"
            writer.write(_reply(status, b"", location))
            await writer.drain()

        async with RawBox(redirect) as box:
            client = Se5Client(session, "127.0.0.1", box.port)
            call = client._write if write else client._request
            with pytest.raises(Se5RedirectError, match=str(status)):
                await call("PUT", "/SophonFogSys/api/EventAction", json_body={"action": []})
            assert len(box.requests) == 1
    assert elsewhere.requests == []


async def test_a_write_that_may_carry_a_photo_back_reads_an_error_no_further(
    session: aiohttp.ClientSession,
) -> None:
    """A photo's answer is read to its size; an error's to ERROR_BODY_BYTES only (a 400 page)."""
    photo = b'{"data": {"identity_id": "1", "reg_photo": "' + b"A" * 200_000 + b'"}}'
    error = b'{"error": {"code": 40000, "message": "' + b"x" * 200_000 + b'"}}'

    async def answer(request: bytes, writer: asyncio.StreamWriter) -> None:
        refused = b"refuse" in request
        writer.write(_reply(400 if refused else 200, error if refused else photo))
        await writer.drain()

    async with RawBox(answer) as box:
        url = URL(f"http://127.0.0.1:{box.port}/SophonFogSys/api/users")
        status, body, read = await send_once(
            "POST", url, json_body={}, timeout=10.0, max_bytes=1024 * 1024
        )
        assert (status, read, len(body)) == (200, "whole", len(photo))
        status, body, read = await send_once(
            "POST", url, json_body={"refuse": 1}, timeout=10.0, max_bytes=1024 * 1024
        )
        assert (status, read) == (400, "too_large")
        assert len(body) <= ERROR_BODY_BYTES

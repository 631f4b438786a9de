"""The sockets' handshakes never follow a redirect (no call of the client does).

aiohttp's `ws_connect` follows redirects and takes no `allow_redirects`: the control test shows
it, against the same servers, so that the other tests can fail.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web
import pytest
from yarl import URL

from custom_components.se5.client import (
    DeviceFeed,
    Dialect,
    EventStream,
    Se5ConnectionError,
    Subscription,
    probe_event_socket,
)
from custom_components.se5.client.handshake import RedirectedHandshakeError, ws_connect
from se5sim import Simulator
from tests.client.conftest import FAST_BACKOFF, Runner
from tests.helpers import start_http_server, wait_for


@pytest.fixture
async def redirect_port(sim: Simulator) -> AsyncIterator[int]:
    """A server that redirects every handshake (307) to the simulator's event socket."""

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPTemporaryRedirect(f"http://127.0.0.1:{sim.ws_port}/")

    port, runner = await start_http_server(redirect)
    yield port
    await runner.cleanup()


async def test_aiohttp_alone_follows_the_redirect(
    sim: Simulator, session: aiohttp.ClientSession, redirect_port: int
) -> None:
    """The control: without the client's check, the socket opens on the host redirected to."""
    ws = await session.ws_connect(f"ws://127.0.0.1:{redirect_port}/")
    try:
        await wait_for(lambda: sim.active_connections == 1, what="the redirected socket")
    finally:
        await ws.close()


async def test_the_probe_refuses_a_redirected_handshake(
    sim: Simulator, session: aiohttp.ClientSession, redirect_port: int
) -> None:
    with pytest.raises(Se5ConnectionError, match=r"redirected handshake \(HTTP 307\) refused"):
        await probe_event_socket(session, "127.0.0.1", redirect_port)
    assert sim.subscriptions == []


async def test_the_stream_refuses_a_redirected_handshake(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect, redirect_port: int
) -> None:
    """The socket is dropped before the subscription is sent; the stream keeps trying."""
    ids = tuple(device.id for device in sim.devices)
    stream = EventStream(
        session,
        "127.0.0.1",
        redirect_port,
        dialect=dialect,
        subscription=Subscription(ids),
        backoff=FAST_BACKOFF,
    )
    async with Runner(stream):
        await wait_for(
            lambda: "redirected handshake (HTTP 307)" in (stream.last_error or ""),
            what="the refused handshake",
        )
        await wait_for(lambda: sim.active_connections == 0, what="the socket dropped")
        assert stream.stats.connections == 0
    assert sim.subscriptions == []
    assert sim.connections_total >= 1  # the handshake did reach the other end, unused


class _StubSocket:
    """A socket as an aiohttp that keeps no handshake response would give: only its peer."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.closed = False

    def get_extra_info(self, name: str) -> object:
        return ("127.0.0.1", self.port) if name == "peername" else None

    async def close(self) -> None:
        self.closed = True


class _StubSession:
    def __init__(self, ws: _StubSocket) -> None:
        self.ws = ws

    async def ws_connect(self, url: object, **kwargs: object) -> _StubSocket:
        return self.ws


@pytest.mark.parametrize(("peer", "refused"), [(5679, False), (8080, True)])
async def test_without_the_handshake_response_the_peer_tells(peer: int, refused: bool) -> None:
    """An aiohttp without `_response` on its sockets: a peer on another port was redirected to."""
    ws = _StubSocket(peer)
    url = URL("ws://127.0.0.1:5679/")
    if refused:
        with pytest.raises(RedirectedHandshakeError, match=r"redirected handshake \(a redirect\)"):
            await ws_connect(_StubSession(ws), url)  # type: ignore[arg-type]
        assert ws.closed
    else:
        assert await ws_connect(_StubSession(ws), url) is ws  # type: ignore[arg-type]
        assert not ws.closed


@pytest.mark.parametrize("dialect", [Dialect.V6], indirect=True)
async def test_the_device_feed_refuses_a_redirected_handshake(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    """A 307 on the V6 feed's port is never followed to the socket it names."""
    handshakes = 0

    async def redirect(request: web.Request) -> web.Response:
        nonlocal handshakes
        handshakes += 1
        raise web.HTTPTemporaryRedirect(f"http://127.0.0.1:{sim.feed_port}/")

    port, runner = await start_http_server(redirect)
    feed = DeviceFeed(session, "127.0.0.1", port, on_change=lambda _: None, backoff=FAST_BACKOFF)
    task = asyncio.create_task(feed.run())
    try:
        # Followed, the feed would stay on the simulator's socket and ask no more.
        await wait_for(lambda: handshakes >= 2, what="two refused handshakes")
        assert not feed.connected
        await wait_for(lambda: sim.feed_connections == 0, what="the socket dropped unused")
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await runner.cleanup()

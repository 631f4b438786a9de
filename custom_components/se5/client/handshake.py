"""Opening the box's WebSocket without following a redirect.

aiohttp's `ws_connect` follows redirects (up to 10) and takes no `allow_redirects`, so a 3xx from
"the box" would open the event socket on whatever host it names, and the subscription would go
there. No call of this client follows a redirect: a handshake that ended anywhere but the URL
asked for is refused, its connection dropped before anything is sent on it (not even a close
frame), and `RedirectedHandshakeError` says so.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from yarl import URL


class RedirectedHandshakeError(aiohttp.ClientError):
    """The WebSocket handshake was redirected; the socket was dropped unused."""

    def __init__(self, status: int | None) -> None:
        shown = f"HTTP {status}" if status is not None else "a redirect"
        super().__init__(f"redirected handshake ({shown}) refused")
        self.status = status


def _redirect(ws: aiohttp.ClientWebSocketResponse, url: URL) -> tuple[bool, int | None]:
    """Whether the handshake was redirected, and the first redirect's status.

    aiohttp keeps the handshake's response (with its redirect history) on the socket, privately;
    without it, the peer's port stands in (a redirect to another port or host is the case that
    matters: nothing else answers there as the box).
    """
    response: aiohttp.ClientResponse | None = getattr(ws, "_response", None)
    if response is not None:
        history = response.history
        return bool(history), history[0].status if history else None
    peer = ws.get_extra_info("peername")
    port = peer[1] if isinstance(peer, tuple) and len(peer) >= 2 else None
    return port != url.port, None


async def ws_connect(
    session: aiohttp.ClientSession, url: URL, **kwargs: Any
) -> aiohttp.ClientWebSocketResponse:
    """`session.ws_connect(url, **kwargs)`, refusing a redirected handshake.

    Raises RedirectedHandshakeError (an aiohttp.ClientError) when the handshake was redirected.
    """
    ws: aiohttp.ClientWebSocketResponse = await session.ws_connect(url, **kwargs)
    redirected, status = _redirect(ws, url)
    if redirected:
        response: aiohttp.ClientResponse | None = getattr(ws, "_response", None)
        if response is not None:
            response.close()  # drop the connection: nothing, not even a close frame, is sent
            # ... and mark the socket closed, which stops its heartbeat timer (aiohttp's own
            # step when a socket fails; it sends nothing).
            getattr(ws, "_set_closed", lambda: None)()
        else:
            await ws.close()
        raise RedirectedHandshakeError(status)
    return ws

"""A check that the box's event socket answers, without subscribing to anything."""

from __future__ import annotations

import asyncio

import aiohttp
from yarl import URL

from .errors import Se5ConnectionError
from .handshake import ws_connect

_CLOSE_TIMEOUT = aiohttp.ClientWSTimeout(ws_receive=None, ws_close=2.0)


async def probe_event_socket(
    session: aiohttp.ClientSession,
    host: str,
    port: int,
    *,
    timeout: float = 10.0,  # noqa: ASYNC109 - a plain number of seconds, like the client's
) -> None:
    """Open a WebSocket to `ws://host:port/` and close it at once.

    Raises Se5ConnectionError with a short message when the port refuses, does not answer
    within `timeout` seconds, answers but not as a WebSocket, or redirects the handshake.
    """
    url = URL.build(scheme="ws", host=host, port=port, path="/")
    try:
        async with asyncio.timeout(timeout):
            ws = await ws_connect(session, url, autoping=False, timeout=_CLOSE_TIMEOUT)
            await ws.close()
    except TimeoutError as err:
        raise Se5ConnectionError(f"event socket: no answer within {timeout:g} s") from err
    except aiohttp.WSServerHandshakeError as err:
        raise Se5ConnectionError(f"event socket: not a WebSocket (HTTP {err.status})") from err
    except aiohttp.ClientError as err:
        raise Se5ConnectionError(f"event socket: {err or type(err).__name__}") from err

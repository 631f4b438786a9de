"""Calls that change the box (a door, a setting, a person): each sent once, never re-sent.

aiohttp re-sends an idempotent request (PUT, DELETE) once when its connection drops before
the answer (`ClientSession._request`, "retry_persistent_connection"), however fresh that
connection was: for the box's door command that is a second pulse of the relay while the user
is told the first one failed. A write therefore goes over a connection of its own (a session
with a `force_close` connector, closed after the call, so no kept-alive connection that the box
closed meanwhile is ever used), and a trace refuses a second connection within the call. No
redirect is followed (the body would go to whichever host the redirect names).

The answer is read and judged like any other call's (`fetch.read_capped`), by the caller.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, cast

import aiohttp
from yarl import URL

from .errors import Se5ConnectionError
from .fetch import ERROR_BODY_BYTES, Read, read_capped


class Se5UnconfirmedError(Se5ConnectionError):
    """A write reached the box, which gave no answer: it may have been carried out.

    It is never sent again (a door command must not open a door twice).
    """


class _SecondAttemptError(aiohttp.ClientError):
    """aiohttp tried to send the call again; the trace stopped it."""


@dataclass(slots=True)
class _Attempt:
    connections: int = 0
    sent: bool = False


def _trace(attempt: _Attempt) -> aiohttp.TraceConfig:
    trace = aiohttp.TraceConfig()

    async def connecting(
        _session: aiohttp.ClientSession,
        _context: SimpleNamespace,
        _params: aiohttp.TraceConnectionCreateStartParams,
    ) -> None:
        attempt.connections += 1
        if attempt.connections > 1:
            raise _SecondAttemptError("the call is not sent twice")

    async def headers_sent(
        _session: aiohttp.ClientSession,
        _context: SimpleNamespace,
        _params: aiohttp.TraceRequestHeadersSentParams,
    ) -> None:
        attempt.sent = True

    # aiohttp's annotations of these signals do not match aiosignal's on every release.
    cast("Any", trace.on_connection_create_start).append(connecting)
    cast("Any", trace.on_request_headers_sent).append(headers_sent)
    trace.freeze()
    return trace


async def send_once(
    method: str,
    url: URL,
    *,
    json_body: Any = None,
    params: Mapping[str, str | int] | None = None,
    timeout: float,  # noqa: ASYNC109 - the client's configured timeout, a plain number
    max_bytes: int,
) -> tuple[int, bytes, Read]:
    """Send one call on a connection of its own; its status and body (read up to `max_bytes`).

    An error's body is read up to `ERROR_BODY_BYTES` only. Raises Se5ConnectionError when the
    box could not be reached (nothing was sent), and Se5UnconfirmedError when the call went out
    but no answer came back (timeout, connection dropped): it may have been carried out, and it
    is not sent again.
    """
    attempt = _Attempt()
    try:
        async with (
            asyncio.timeout(timeout),
            aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(force_close=True, limit=1),
                trace_configs=[_trace(attempt)],
            ) as session,
            session.request(
                method, url, json=json_body, params=params, allow_redirects=False
            ) as response,
        ):
            status = response.status
            limit = max_bytes if status < 300 else min(max_bytes, ERROR_BODY_BYTES)
            body, read = await read_capped(response, limit)
    except TimeoutError as err:
        if attempt.sent:
            raise Se5UnconfirmedError(f"sent, but no answer within {timeout:g} s") from err
        raise Se5ConnectionError(f"no answer within {timeout:g} s") from err
    except aiohttp.ClientError as err:
        if attempt.sent:
            reason = "connection closed" if isinstance(err, _SecondAttemptError) else str(err)
            raise Se5UnconfirmedError(f"sent, but no answer ({reason or 'no reason'})") from err
        raise Se5ConnectionError(str(err) or type(err).__name__) from err
    return status, body, read

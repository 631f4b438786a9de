"""The box's event socket (port 5679): connections, subscriptions, pushes, half-open faults."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import logging
import time
from typing import Final

from aiohttp import WSCloseCode, WSMsgType, web

from .frames import Event, loads
from .model import Dialect, Subscription, SubscriptionRecord

_LOGGER = logging.getLogger(__name__)

#: The box only receives small subscription frames; 4 MiB is far more than any needs.
MAX_CLIENT_FRAME: Final = 4 * 1024 * 1024
#: How long a graceful close waits for the client's close frame.
CLOSE_TIMEOUT: Final = 2.0


@dataclass(eq=False, slots=True)
class _Connection:
    """One open event-socket connection."""

    id: int
    ws: web.WebSocketResponse
    transport: asyncio.Transport | None
    subscription: Subscription | None = None
    silent: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def pause(self) -> None:
        """Stop reading from the socket (pings get no pong); the TCP stays open."""
        self.silent = True
        if self.transport is not None and not self.transport.is_closing():
            self.transport.pause_reading()

    def unpause(self) -> None:
        """Read from the socket again."""
        self.silent = False
        if self.transport is not None and not self.transport.is_closing():
            self.transport.resume_reading()


class EventSocket:
    """The WebSocket side of the box: who is connected and what each one asked for."""

    def __init__(self, dialect: Dialect) -> None:
        self._dialect: Dialect = dialect
        self._connections: dict[int, _Connection] = {}
        self.connections_total = 0
        self.subscriptions: list[SubscriptionRecord] = []
        self._subscribed = asyncio.Condition()

    @property
    def active(self) -> int:
        """Connections open now."""
        return len(self._connections)

    def application(self) -> web.Application:
        """A new aiohttp application serving the socket on every path."""
        app = web.Application()
        app.router.add_get("/{path:.*}", self._handle)
        return app

    def followed(self) -> set[str]:
        """Device ids some open connection subscribed to."""
        wanted: set[str] = set()
        for connection in self._connections.values():
            if connection.subscription is not None:
                wanted |= connection.subscription.device_ids
        return wanted

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(
            timeout=CLOSE_TIMEOUT, compress=False, max_msg_size=MAX_CLIENT_FRAME
        )
        await ws.prepare(request)
        self.connections_total += 1
        connection = _Connection(self.connections_total, ws, request.transport)
        self._connections[connection.id] = connection
        _LOGGER.info("WS: connection %d from %s", connection.id, request.remote)
        try:
            async for message in ws:
                if message.type is WSMsgType.TEXT:
                    await self._on_client_text(connection, message.data)
        finally:
            del self._connections[connection.id]
            connection.done.set()
            _LOGGER.info("WS: connection %d closed", connection.id)
        return ws

    async def _on_client_text(self, connection: _Connection, text: str) -> None:
        try:
            payload = loads(text)
        except ValueError:  # nesting too deep included
            _LOGGER.debug("WS: connection %d sent non-JSON text, ignored", connection.id)
            return
        if not isinstance(payload, dict):
            return
        connection.subscription = Subscription.parse(payload, self._dialect)
        self.subscriptions.append(SubscriptionRecord(connection.id, payload, time.time()))
        _LOGGER.info("WS: connection %d subscribed: %s", connection.id, connection.subscription)
        async with self._subscribed:
            self._subscribed.notify_all()

    async def wait_for_subscription(self, count: int, timeout: float) -> SubscriptionRecord:  # noqa: ASYNC109
        """Wait until ``count`` subscription frames in total were received; the latest one."""
        async with asyncio.timeout(timeout), self._subscribed:
            await self._subscribed.wait_for(lambda: len(self.subscriptions) >= count)
        return self.subscriptions[-1]

    async def _send(self, connection: _Connection, payload: str | bytes) -> bool:
        if connection.silent or connection.ws.closed:
            return False
        try:
            async with connection.lock:
                if isinstance(payload, bytes):
                    await connection.ws.send_bytes(payload)
                else:
                    await connection.ws.send_str(payload)
        except ConnectionError as err:  # the peer went away while we were sending
            _LOGGER.debug("WS: send to connection %d failed: %s", connection.id, err)
            return False
        return True

    async def deliver(self, event: Event) -> int:
        """Push a recognition to every connection following its device; how many got it."""
        sends = []
        for connection in list(self._connections.values()):
            subscription = connection.subscription
            if subscription is None or event.sent.device_id not in subscription.device_ids:
                continue
            text = event.text(
                with_face=subscription.with_face, with_register=subscription.with_register
            )
            sends.append(self._send(connection, text))
        results = await asyncio.gather(*sends)
        return sum(results)

    async def broadcast(self, payload: str | bytes) -> int:
        """Send ``payload`` to every subscribed connection; how many got it."""
        targets = [c for c in self._connections.values() if c.subscription is not None]
        results = await asyncio.gather(*(self._send(c, payload) for c in targets))
        return sum(results)

    async def close_all(self, *, abrupt: bool) -> None:
        """Close every connection: a close frame (1001), or (``abrupt``) just the TCP."""
        connections = list(self._connections.values())
        if not connections:
            return
        for connection in connections:
            if connection.silent:
                connection.unpause()
        if abrupt:
            for connection in connections:
                if connection.transport is not None:
                    connection.transport.abort()
        else:
            await asyncio.gather(
                *(
                    connection.ws.close(code=WSCloseCode.GOING_AWAY, message=b"box shutting down")
                    for connection in connections
                ),
                return_exceptions=True,
            )
        waiters = [asyncio.ensure_future(connection.done.wait()) for connection in connections]
        _, pending = await asyncio.wait(waiters, timeout=CLOSE_TIMEOUT + 1)
        for waiter in pending:  # pragma: no cover - only if a handler hangs
            waiter.cancel()

    def go_silent(self) -> None:
        """Half-open: stop reading from and sending to the connections open now."""
        for connection in self._connections.values():
            connection.pause()

    def resume(self) -> None:
        """Undo :meth:`go_silent`."""
        for connection in self._connections.values():
            if connection.silent:
                connection.unpause()

"""The V6 box's broadcast of device-list changes on port 54547 (binary frames of UTF-8 JSON).

F6/5.7-device-manger/8-preview-manager.md: on every change of the device list, each connection
receives a frame with `modify_media_device` (`action` add, delete or modify, and the device's
record) beside the preview settings, shaped as the page's example. What a client sends is
ignored.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, Final

from aiohttp import WSCloseCode, WSMsgType, web

from .frames import dumps

#: The box's own limit on what a client may send (nothing is expected).
MAX_CLIENT_FRAME: Final = 64 * 1024


class DeviceFeedSocket:
    """Who listens, and the frames sent to them."""

    def __init__(self) -> None:
        self._connections: dict[web.WebSocketResponse, asyncio.Transport | None] = {}
        self._sending: set[asyncio.Task[None]] = set()
        self.connections_total = 0
        self.sent: list[bytes] = []
        """Every frame broadcast, as sent."""

    @property
    def active(self) -> int:
        """Connections open now."""
        return len(self._connections)

    def application(self) -> web.Application:
        """A new aiohttp application serving the feed on every path."""
        app = web.Application()
        app.router.add_get("/{path:.*}", self._handle)
        return app

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=MAX_CLIENT_FRAME, compress=False)
        await ws.prepare(request)
        self.connections_total += 1
        self._connections[ws] = request.transport
        try:
            async for message in ws:
                if message.type is WSMsgType.ERROR:  # pragma: no cover - a broken client
                    break
        finally:
            self._connections.pop(ws, None)
        return ws

    def notify(self, action: str, record: dict[str, Any]) -> None:
        """Broadcast a change of the device list (nothing when nobody listens)."""
        frame = {
            "modify_media_device": {"action": action, "media_device_info": record},
            "last_set_name": "BOX",
            "preview_device_list": [],
            "selected_device_list": [],
            "preview_mode": "1",
        }
        self.broadcast(dumps(frame).encode())

    def broadcast(self, data: bytes) -> None:
        """Send one binary frame to every listener (nothing when nobody listens)."""
        if not self._connections:
            return
        self.sent.append(data)
        task = asyncio.get_running_loop().create_task(self._send_all(data))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _send_all(self, data: bytes) -> None:
        for ws in list(self._connections):
            with contextlib.suppress(ConnectionError, RuntimeError):
                await ws.send_bytes(data)

    async def close_all(self, *, abrupt: bool) -> None:
        """Close every connection (a close frame, or just the TCP)."""
        for task in list(self._sending):
            task.cancel()
        for ws, transport in list(self._connections.items()):
            if abrupt and transport is not None:
                transport.abort()
            else:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await ws.close(code=WSCloseCode.GOING_AWAY, message=b"box shutting down")
        self._connections.clear()

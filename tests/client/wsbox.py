"""A hand-written WebSocket "box" for fault tests and benchmarks: raw bytes on a raw socket.

Unlike the simulator (aiohttp), it can drip a frame over seconds, announce a frame it never
finishes, fragment messages, hold pongs back and flood. It answers the handshake, records the
subscription frames it receives, answers pings unless told not to, and sends what it is told.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import struct
from typing import Any

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OP_CONTINUATION, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


def frame(payload: bytes | str, opcode: int = OP_TEXT, *, fin: bool = True) -> bytes:
    """One unmasked server frame."""
    data = payload.encode() if isinstance(payload, str) else payload
    return header(len(data), opcode, fin=fin) + data


def header(length: int, opcode: int = OP_TEXT, *, fin: bool = True) -> bytes:
    """The header of an unmasked server frame announcing `length` payload bytes."""
    first = (0x80 if fin else 0) | opcode
    if length < 126:
        return bytes((first, length))
    if length < 1 << 16:
        return bytes((first, 126)) + struct.pack("!H", length)
    return bytes((first, 127)) + struct.pack("!Q", length)


def event(device_id: object = "cam-1", dialect: str = "v5", **fields: Any) -> str:
    """A small recognition frame of the dialect (`fields` added on top)."""
    key = "device_id" if dialect == "v5" else "media_device_id"
    return json.dumps({key: device_id, "identity_id": "1", "score": 0.9, **fields})


class _Client:
    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer


class WsBox:
    """The box: `await start()`, then `send`, `drip`, `write` to the latest connection."""

    def __init__(self, *, answer_pings: bool = True) -> None:
        """Answer pings with pongs unless `answer_pings` is False (a box that holds pongs)."""
        self.answer_pings = answer_pings
        self.subscriptions: list[str] = []
        self.pings = 0
        self.pongs_received = 0
        self.connections_total = 0
        self._clients: list[_Client] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None
        self._subscribed = asyncio.Condition()

    @property
    def port(self) -> int:
        """The listening port."""
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> int:
        """Listen on 127.0.0.1 (a free port); the port."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self.port

    async def stop(self) -> None:
        """Close every connection and stop listening."""
        for client in self._clients:
            client.writer.close()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def wait_for_subscription(self, count: int = 1, timeout: float = 10.0) -> None:
        """Until `count` subscription frames have arrived in all."""
        async with asyncio.timeout(timeout), self._subscribed:
            await self._subscribed.wait_for(lambda: len(self.subscriptions) >= count)

    @property
    def _writer(self) -> asyncio.StreamWriter:
        return self._clients[-1].writer

    async def write(self, data: bytes) -> None:
        """Raw bytes to the latest connection."""
        self._writer.write(data)
        await self._writer.drain()

    async def send(self, payload: bytes | str, opcode: int = OP_TEXT, *, fin: bool = True) -> None:
        """One whole frame to the latest connection."""
        await self.write(frame(payload, opcode, fin=fin))

    async def drip(self, data: bytes, *, chunk: int, interval: float) -> None:
        """`data` (usually a whole frame) in pieces of `chunk` bytes, `interval` s apart."""
        for start in range(0, len(data), chunk):
            await self.write(data[start : start + chunk])
            if start + chunk < len(data):
                await asyncio.sleep(interval)

    def close_connections(self) -> None:
        """Cut every connection (no close frame)."""
        for client in self._clients:
            client.writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            request = await reader.readuntil(b"\r\n\r\n")
            key = next(
                line.split(b":", 1)[1].strip()
                for line in request.split(b"\r\n")
                if line.lower().startswith(b"sec-websocket-key:")
            )
            accept = base64.b64encode(hashlib.sha1(key + _GUID).digest())  # noqa: S324
            writer.write(
                b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n"
            )
            self._clients.append(_Client(writer))
            self.connections_total += 1
            await self._read_frames(reader, writer)
        except (OSError, asyncio.IncompleteReadError, StopIteration):
            pass
        finally:
            writer.close()
            self._tasks.discard(task)

    async def _read_frames(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        while True:
            first, second = await reader.readexactly(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack("!H", await reader.readexactly(2))[0]
            elif length == 127:
                length = struct.unpack("!Q", await reader.readexactly(8))[0]
            mask = await reader.readexactly(4) if second & 0x80 else b"\0\0\0\0"
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(await reader.readexactly(length)))
            opcode = first & 0x0F
            if opcode == OP_TEXT:
                async with self._subscribed:
                    self.subscriptions.append(data.decode())
                    self._subscribed.notify_all()
            elif opcode == OP_PING:
                self.pings += 1
                if self.answer_pings:
                    writer.write(frame(data, OP_PONG))
            elif opcode == OP_PONG:
                self.pongs_received += 1
            elif opcode == OP_CLOSE:
                writer.write(frame(data[:2], OP_CLOSE))
                await writer.drain()
                return

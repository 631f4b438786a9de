"""The bytes of an open event socket: when they last arrived, big frames, frames too large.

aiohttp's `ws.receive(timeout)` times whole messages, so a frame that takes longer than the
heartbeat to arrive looks like silence; aiohttp assembles a frame on the event loop (a 16 MB
frame holds it 15-20 ms in copies alone), and 3.11 buffers a frame whole before it checks
`max_msg_size` (3.12+ checks the header). A `WireTap` sits between the connection's protocol
and aiohttp's WebSocket reader, where every chunk read from the socket passes. It notes when
bytes last arrived, follows the frame headers (a few operations per frame, none per byte), and:
- drops a frame announced over the limit as its bytes arrive: the reader never sees it, and
  the socket goes on;
- keeps the chunks of a big frame (`divert_bytes` or more) as they arrive, unjoined, and passes
  the reader a small placeholder frame in its place, so that its order among the others holds;
  `take()` gives the chunks back for the placeholder (to `bigframe.parse_big_frame`, in a
  worker thread).
A fragmented message that grows over the limit cannot be dropped that way: the tap fails the
socket with aiohttp's own MESSAGE_TOO_BIG error and discards what follows. Fragmented and
masked frames are never diverted.

aiohttp's queue counts a diverted frame as its small placeholder, so its own flow control would
never pause reading for them: a box streaming big frames to a consumer that is busy would be
read into memory without end. So the tap keeps a byte budget (`max_held_bytes`) for what it
holds: above it, with at least one whole frame waiting for the consumer, it pauses the socket's
transport (as aiohttp's flow control does), and resumes it once the consumer has taken enough
(`take`). It pauses the transport itself, not aiohttp's protocol: aiohttp resumes a protocol it
sees paused whenever its consumer reads any message. Held bytes stay below the budget plus one
read from the socket (or one frame under the limit, when that frame alone is what is held).

`install_tap` returns None when aiohttp's internals are not the expected ones; the stream then
falls back to timing whole messages and to aiohttp's own handling of big frames.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import itertools
import os
from typing import Any, cast

import aiohttp

_OP_CONTINUATION = 0x0
_OP_TEXT = 0x1
_OP_BINARY = 0x2
_DATA_OPS = frozenset((_OP_CONTINUATION, _OP_TEXT, _OP_BINARY))
_VALID_OPS = frozenset((0x0, 0x1, 0x2, 0x8, 0x9, 0xA))
_NOT_EOF = (False, b"")
_FORWARD, _DROP, _DIVERT = 0, 1, 2


class WireTap:
    """Feeds aiohttp's WebSocket reader, watching the frames go by.

    `on_oversized(size, dropped)` is called when a data frame is announced at `max_message_bytes`
    or more (aiohttp's own limit is "at least"; 0: no limit): `dropped` is True when the frame is
    dropped and the socket goes on, False when the socket is failed.
    """

    __slots__ = (
        "_clock",
        "_divert_bytes",
        "_diverted",
        "_failed",
        "_failed_size",
        "_kept",
        "_kept_opcode",
        "_limit",
        "_marker",
        "_max_held",
        "_message_bytes",
        "_mode",
        "_on_oversized",
        "_passthrough",
        "_paused",
        "_pending",
        "_protocol",
        "_queue",
        "_reader",
        "_remaining",
        "_tokens",
        "bytes_dropped",
        "bytes_received",
        "frames_diverted",
        "held_bytes",
        "last_bytes_at",
        "pauses",
        "peak_held_bytes",
    )

    def __init__(
        self,
        reader: Any,
        queue: Any,
        *,
        max_message_bytes: int,
        on_oversized: Callable[[int, bool], None],
        clock: Callable[[], float],
        divert_bytes: int = 0,
        max_held_bytes: int = 0,
        protocol: Any = None,
    ) -> None:
        """Wrap `reader` (aiohttp's WebSocketReader) whose messages go to `queue`.

        `max_held_bytes` (0: no budget) bounds the diverted bytes held, by pausing the
        transport of `protocol` (aiohttp's connection protocol).
        """
        self._reader = reader
        self._queue = queue
        self._limit = max_message_bytes
        self._divert_bytes = divert_bytes
        self._on_oversized = on_oversized
        self._clock = clock
        self.last_bytes_at = clock()
        self.bytes_received = 0
        self.bytes_dropped = 0
        self.frames_diverted = 0
        self._pending = b""  # a frame header cut by the end of a read, held back
        self._remaining = 0  # payload bytes of the current frame still to come
        self._mode = _FORWARD  # what becomes of the current frame's payload
        self._kept: list[bytes] = []  # the chunks of the frame being diverted
        self._kept_opcode = _OP_TEXT
        self._diverted: dict[bytes, tuple[int, list[bytes], int]] = {}
        self._max_held = max_held_bytes
        self._protocol = protocol
        self._paused = False
        self.held_bytes = 0
        """Bytes of diverted frames held: whole ones waiting for `take`, and the one arriving."""
        self.peak_held_bytes = 0
        self.pauses = 0
        """How often reading was paused because the budget was reached."""
        self._marker = os.urandom(16)  # starts every placeholder: no box frame can match it
        self._tokens = itertools.count()
        self._message_bytes = 0  # data so far of a fragmented message
        self._failed = False
        self._failed_size = 0
        self._passthrough = not (max_message_bytes or divert_bytes)  # count bytes only

    @property
    def failed(self) -> bool:
        """True once the tap failed the socket (a fragmented message over the limit)."""
        return self._failed

    def messages_waiting(self) -> bool | None:
        """Whether aiohttp's queue holds messages: `ws.receive()` returns at once.

        None when that cannot be seen.
        """
        try:
            return bool(self._queue._buffer)  # noqa: SLF001
        except (AttributeError, TypeError):
            return None

    def take(self, data: object) -> tuple[bool, list[bytes]] | None:
        """For a placeholder's payload: (is text, the diverted frame's chunks); else None."""
        if not isinstance(data, bytes) or len(data) != 24 or not data.startswith(self._marker):
            return None
        diverted = self._diverted.pop(data, None)
        if diverted is None:
            return None
        opcode, chunks, size = diverted
        self.held_bytes -= size
        if self._paused and self.held_bytes <= self._max_held:
            self._resume()
        return opcode == _OP_TEXT, chunks

    @property
    def reading_paused(self) -> bool:
        """True while the tap holds reading back (its budget is full)."""
        return self._paused

    def _hold_back(self) -> None:
        """Pause reading when the budget is full and the consumer has a frame to take."""
        self.peak_held_bytes = max(self.peak_held_bytes, self.held_bytes)
        if not self._max_held or self.held_bytes <= self._max_held or not self._diverted:
            return
        transport = self._transport()
        if transport is None or not transport.is_reading():
            return
        transport.pause_reading()
        self._paused = True
        self.pauses += 1

    def _resume(self) -> None:
        self._paused = False
        transport = self._transport()
        # A protocol that aiohttp paused itself (its queue is full) is resumed by aiohttp.
        if transport is not None and not getattr(self._protocol, "_reading_paused", False):
            transport.resume_reading()

    def _transport(self) -> asyncio.Transport | None:
        transport = getattr(self._protocol, "transport", None)
        if transport is None or transport.is_closing():
            return None
        return cast("asyncio.Transport", transport)

    def feed_data(self, data: bytes) -> tuple[bool, bytes]:
        """A chunk read from the socket (called by aiohttp's protocol)."""
        if data:
            self.last_bytes_at = self._clock()
            self.bytes_received += len(data)
        if self._failed:
            self.bytes_dropped += len(data)
            return _NOT_EOF
        if self._passthrough:
            return cast("tuple[bool, bytes]", self._reader.feed_data(data))
        forward = self._follow(self._pending + data if self._pending else data)
        result = (
            cast("tuple[bool, bytes]", self._reader.feed_data(forward)) if forward else _NOT_EOF
        )
        if self.failed:  # set by _follow
            # After the bytes before the message went through, so that their messages count.
            self._fail()
        elif self._divert_bytes:
            self._hold_back()
        return result

    def feed_eof(self) -> None:
        """The socket closed (called by aiohttp's protocol)."""
        self._reader.feed_eof()

    def _follow(self, data: bytes) -> bytes:
        """Track the frames in `data`; the bytes to pass on (dropped and diverted frames out)."""
        self._pending = b""
        end = len(data)
        pos = 0
        pieces: list[bytes] = []
        # Start of the bytes being passed on; None while a frame is dropped or diverted.
        run_start: int | None = 0 if self._mode == _FORWARD else None
        while True:
            if self._remaining:
                step = min(self._remaining, end - pos)
                if self._mode == _DIVERT and step:
                    self._kept.append(data if step == end else data[pos : pos + step])
                    self.held_bytes += step
                elif self._mode == _DROP:
                    self.bytes_dropped += step
                pos += step
                self._remaining -= step
                if self._remaining:
                    break
                if self._mode == _DIVERT:
                    pieces.append(self._placeholder())
                if self._mode != _FORWARD:
                    self._mode = _FORWARD
                    run_start = pos
                continue
            if pos >= end:
                break
            header = _header(data, pos)
            if header is None:
                # Hold the cut header back until the rest arrives.
                if run_start is not None:
                    pieces.append(data[run_start:pos])
                    run_start = None
                self._pending = data[pos:]
                break
            first, header_size, length = header
            opcode = first & 0x0F
            if first & 0x70 or opcode not in _VALID_OPS or (opcode > 0x7 and length > 125):
                # Not a frame header: the reader will fail the socket; stop following.
                self._passthrough = True
                break
            if opcode in _DATA_OPS:
                message = self._message_bytes + length
                whole = opcode != _OP_CONTINUATION and first & 0x80 and not self._message_bytes
                mode = _FORWARD
                if self._limit and message >= self._limit:
                    if not whole:
                        self.bytes_dropped += end - pos
                        self._failed = True
                        self._failed_size = message
                        if run_start is not None:
                            pieces.append(data[run_start:pos])
                        return b"".join(pieces)
                    mode = _DROP
                    self.bytes_dropped += header_size
                    self._on_oversized(length, True)
                elif (
                    whole
                    and self._divert_bytes
                    and length >= self._divert_bytes
                    and not data[pos + 1] & 0x80  # not masked
                ):
                    mode = _DIVERT
                    self._kept = []
                    self._kept_opcode = opcode
                if mode != _FORWARD:
                    if run_start is not None:
                        pieces.append(data[run_start:pos])
                        run_start = None
                    self._mode = mode
                self._message_bytes = 0 if first & 0x80 else message
            pos += header_size
            self._remaining = length
        if run_start is not None:
            if run_start == 0 and not pieces:
                return data
            pieces.append(data[run_start:end])
        return b"".join(pieces)

    def _placeholder(self) -> bytes:
        """Keep the diverted frame; the binary frame that stands for it."""
        token = self._marker + next(self._tokens).to_bytes(8, "big")
        self._diverted[token] = (self._kept_opcode, self._kept, sum(map(len, self._kept)))
        self._kept = []
        self.frames_diverted += 1
        return bytes((0x80 | _OP_BINARY, len(token))) + token

    def _fail(self) -> None:
        size = self._failed_size
        self._on_oversized(size, False)
        self._queue.set_exception(
            aiohttp.WebSocketError(
                aiohttp.WSCloseCode.MESSAGE_TOO_BIG,
                f"Message size {size} exceeds limit {self._limit}",
            )
        )


def _header(data: bytes, pos: int) -> tuple[int, int, int] | None:
    """(first byte, header size, payload length) of the frame at `pos`; None when cut short."""
    available = len(data) - pos
    if available < 2:
        return None
    second = data[pos + 1]
    length = second & 0x7F
    size = 2 + (4 if second & 0x80 else 0)
    if length == 126:
        size += 2
    elif length == 127:
        size += 8
    if available < size:
        return None
    if length == 126:
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
    elif length == 127:
        length = int.from_bytes(data[pos + 2 : pos + 10], "big")
    return data[pos], size, length


def install_tap(
    ws: aiohttp.ClientWebSocketResponse,
    *,
    max_message_bytes: int,
    on_oversized: Callable[[int, bool], None],
    clock: Callable[[], float],
    divert_bytes: int = 0,
    max_held_bytes: int = 0,
) -> WireTap | None:
    """Put a WireTap in front of the reader of a just-opened socket; None when not possible.

    Call it right after `ws_connect` returns, before anything awaits: no chunk can then have
    reached the reader but the ones that came with the handshake (the box sends nothing before
    it is subscribed).
    """
    protocol = getattr(getattr(ws, "_conn", None), "protocol", None)
    if protocol is None:
        return None
    reader = getattr(protocol, "_payload_parser", None)
    queue = getattr(protocol, "_payload", None)
    if reader is None or queue is None or not hasattr(reader, "feed_data"):
        return None
    if not hasattr(queue, "set_exception"):
        return None
    tap = WireTap(
        reader,
        queue,
        max_message_bytes=max_message_bytes,
        on_oversized=on_oversized,
        clock=clock,
        divert_bytes=divert_bytes,
        max_held_bytes=max_held_bytes,
        protocol=protocol,
    )
    protocol._payload_parser = tap  # noqa: SLF001
    return tap

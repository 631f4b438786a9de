"""The wire tap alone: frames followed across any split of the byte stream."""

from __future__ import annotations

from collections import deque
from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.se5.client.wire import WireTap, install_tap
from tests.client.wsbox import OP_BINARY, OP_CLOSE, OP_CONTINUATION, OP_PING, OP_PONG, OP_TEXT

LIMIT = 100


class FakeReader:
    """Stands for aiohttp's WebSocketReader: records what reaches it."""

    def __init__(self) -> None:
        self.fed: list[bytes] = []
        self.eof = False

    def feed_data(self, data: bytes) -> tuple[bool, bytes]:
        self.fed.append(data)
        return False, b""

    def feed_eof(self) -> None:
        self.eof = True


class FakeQueue:
    def __init__(self) -> None:
        self.errors: list[BaseException] = []

    def set_exception(self, exc: BaseException) -> None:
        self.errors.append(exc)


DIVERT = 60


def make_tap(
    limit: int = LIMIT, divert: int = 0
) -> tuple[WireTap, FakeReader, FakeQueue, list[tuple[int, bool]]]:
    reader, queue, calls = FakeReader(), FakeQueue(), []
    tap = WireTap(
        reader,
        queue,
        max_message_bytes=limit,
        on_oversized=lambda size, dropped: calls.append((size, dropped)),
        clock=lambda: 1.0,
        divert_bytes=divert,
    )
    return tap, reader, queue, calls


def restore_diverted(tap: WireTap, data: bytes) -> bytes:
    """The byte stream with each placeholder replaced by the frame it stands for."""
    out, pos = b"", 0
    while pos < len(data):
        second = data[pos + 1]
        length, size = second & 0x7F, 2
        if length == 126:
            length, size = int.from_bytes(data[pos + 2 : pos + 4], "big"), 4
        elif length == 127:
            length, size = int.from_bytes(data[pos + 2 : pos + 10], "big"), 10
        size += 4 if second & 0x80 else 0
        frame = data[pos : pos + size + length]
        taken = tap.take(frame[size:]) if data[pos] == 0x80 | OP_BINARY else None
        if taken is not None:
            is_text, chunks = taken
            frame = encode(OP_TEXT if is_text else OP_BINARY, len(b"".join(chunks)))
            assert frame.endswith(b"".join(chunks))
        out += frame
        pos += size + length
    return out


def encode(opcode: int, length: int, *, fin: bool = True, masked: bool = False) -> bytes:
    """A frame with a payload of `length` bytes (0x41), masked or not."""
    first = (0x80 if fin else 0) | opcode
    mask = 0x80 if masked else 0
    if length < 126:
        head = bytes((first, mask | length))
    elif length < 1 << 16:
        head = bytes((first, mask | 126)) + length.to_bytes(2, "big")
    else:
        head = bytes((first, mask | 127)) + length.to_bytes(8, "big")
    return head + (b"\x01\x02\x03\x04" if masked else b"") + b"A" * length


def reference(
    frames: list[tuple[int, int, bool, bytes]], limit: int
) -> tuple[bytes, list[tuple[int, bool]], bool]:
    """What should pass, the oversized calls, and whether the socket fails: frame by frame."""
    passed, calls, message = b"", [], 0
    for opcode, length, fin, data in frames:
        if opcode in (OP_CONTINUATION, OP_TEXT, OP_BINARY):
            total = message + length
            if total >= limit:
                if opcode != OP_CONTINUATION and fin and message == 0:
                    calls.append((length, True))
                    continue
                calls.append((total, False))
                return passed, calls, True
            message = 0 if fin else total
        passed += data
    return passed, calls, False


@st.composite
def frame_lists(draw: st.DrawFn) -> list[tuple[int, int, bool, bytes]]:
    frames = []
    fragmenting = False
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["data", "control", "fragment"]))
        masked = draw(st.booleans())
        if kind == "control":
            opcode = draw(st.sampled_from([OP_PING, OP_PONG, OP_CLOSE]))
            length, fin = draw(st.integers(0, 125)), True
        elif kind == "fragment" or fragmenting:
            opcode = OP_CONTINUATION if fragmenting else draw(st.sampled_from([OP_TEXT, OP_BINARY]))
            length = draw(st.integers(0, 80))
            fin = fragmenting and draw(st.booleans())
            fragmenting = not fin
        else:
            opcode = draw(st.sampled_from([OP_TEXT, OP_BINARY]))
            length = draw(st.sampled_from([0, 1, 99, 100, 125, 126, 300, 70_000]))
            fin = True
        frames.append((opcode, length, fin, encode(opcode, length, fin=fin, masked=masked)))
    return frames


@settings(max_examples=300, deadline=None)
@given(frame_lists(), st.lists(st.integers(1, 200), max_size=40), st.sampled_from([0, DIVERT]))
def test_any_split_of_any_frames(
    frames: list[tuple[int, int, bool, bytes]], cuts: list[int], divert: int
) -> None:
    stream = b"".join(f[3] for f in frames)
    tap, reader, queue, calls = make_tap(divert=divert)
    pos = 0
    for size in [*cuts, len(stream)]:
        tap.feed_data(stream[pos : pos + size])
        pos += size
    passed, expected_calls, fails = reference(frames, LIMIT)
    forwarded = b"".join(reader.fed)
    if divert:
        # Whole unmasked frames of DIVERT bytes or more pass as shorter placeholders.
        assert len(forwarded) <= len(passed)
        forwarded = restore_diverted(tap, forwarded)
    assert forwarded == passed
    assert calls == expected_calls
    assert tap.failed is fails
    assert len(queue.errors) == int(fails)
    assert tap.bytes_received == len(stream)
    if not fails:
        assert tap.bytes_dropped == len(stream) - len(passed)
    assert tap.take(b"x" * 24) is None


def test_big_frame_is_kept_in_its_chunks_behind_a_placeholder() -> None:
    tap, reader, _, _ = make_tap(limit=0, divert=1000)
    frame = encode(OP_TEXT, 5000)
    chunks = [frame[:4], frame[4:2000], frame[2000:] + encode(OP_TEXT, 4)]
    for chunk in chunks:
        tap.feed_data(chunk)
    fed = b"".join(reader.fed)
    assert fed.endswith(encode(OP_TEXT, 4))
    placeholder = fed[: -len(encode(OP_TEXT, 4))]
    assert len(placeholder) == 26
    taken = tap.take(placeholder[2:])
    assert taken is not None
    is_text, kept = taken
    assert is_text
    assert b"".join(kept) == b"A" * 5000
    assert kept[0] is chunks[1]  # a chunk wholly inside the frame is kept, not copied
    assert tap.take(placeholder[2:]) is None  # taken once
    masked = encode(OP_BINARY, 5000, masked=True)
    tap.feed_data(masked)
    assert reader.fed[-1] == masked  # masked frames are left to aiohttp


def test_untouched_chunks_pass_as_they_are() -> None:
    tap, reader, _, _ = make_tap()
    chunk = encode(OP_TEXT, 10) + encode(OP_PING, 2)
    tap.feed_data(chunk)
    assert reader.fed[0] is chunk


def test_huge_announced_frame_is_dropped_chunk_by_chunk() -> None:
    tap, reader, _, calls = make_tap(limit=1 << 20)
    tap.feed_data(encode(OP_TEXT, 0)[:1] + bytes((127,)) + (1 << 40).to_bytes(8, "big"))
    for _ in range(100):
        tap.feed_data(b"x" * 65536)
    assert calls == [(1 << 40, True)]
    assert b"".join(reader.fed) == b""
    assert tap.bytes_dropped == 10 + 100 * 65536


def test_a_byte_that_is_not_a_header_stops_the_following() -> None:
    tap, reader, _, _ = make_tap()
    bad = bytes((0x80 | 0x40 | OP_TEXT, 3)) + b"abc"  # RSV1 set: not negotiated
    tap.feed_data(encode(OP_TEXT, 2) + bad)
    tap.feed_data(encode(OP_TEXT, 500))  # over the limit, but no longer followed
    assert b"".join(reader.fed) == encode(OP_TEXT, 2) + bad + encode(OP_TEXT, 500)


def test_after_failing_everything_is_dropped() -> None:
    tap, reader, queue, _ = make_tap()
    tap.feed_data(encode(OP_TEXT, 60, fin=False) + encode(OP_CONTINUATION, 60, fin=False))
    tap.feed_data(encode(OP_TEXT, 1))
    assert b"".join(reader.fed) == encode(OP_TEXT, 60, fin=False)
    assert queue.errors
    assert "exceeds limit 100" in str(queue.errors[0])


def test_no_limit_counts_bytes_only() -> None:
    tap, reader, _, calls = make_tap(limit=0)
    data = encode(OP_TEXT, 500)
    tap.feed_data(data)
    tap.feed_eof()
    assert reader.fed == [data]
    assert reader.eof
    assert not calls


@pytest.mark.parametrize(
    "ws",
    [
        SimpleNamespace(),
        SimpleNamespace(_conn=SimpleNamespace(protocol=None)),
        SimpleNamespace(_conn=SimpleNamespace(protocol=SimpleNamespace(_payload_parser=None))),
        SimpleNamespace(
            _conn=SimpleNamespace(
                protocol=SimpleNamespace(_payload_parser=FakeReader(), _payload=object())
            )
        ),
    ],
)
def test_install_needs_the_expected_internals(ws: Any) -> None:
    assert install_tap(ws, max_message_bytes=1, on_oversized=print, clock=float) is None


def test_messages_waiting_reads_the_queue_when_it_can() -> None:
    tap, _, queue, _ = make_tap()
    assert tap.messages_waiting() is None  # a queue without aiohttp's _buffer
    queue._buffer = deque()  # type: ignore[attr-defined]
    assert tap.messages_waiting() is False
    queue._buffer.append(("message", 1))  # type: ignore[attr-defined]
    assert tap.messages_waiting() is True

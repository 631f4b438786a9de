"""The event stream against a hand-written box that drips, stalls, floods and fragments."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import itertools
import json
import threading
from typing import Any

import aiohttp
import pytest

from custom_components.se5.client import (
    Dialect,
    EventStream,
    ImageSelection,
    Recognition,
    StreamState,
    Subscription,
    bigframe as bigframe_module,
    stream as stream_module,
)
from se5sim import Simulator
from tests.client.conftest import FAST_BACKOFF, Runner, make_stream
from tests.client.wsbox import OP_CONTINUATION, OP_PING, OP_TEXT, WsBox, event, frame, header
from tests.helpers import wait_for


@pytest.fixture
async def box() -> AsyncIterator[WsBox]:
    ws_box = WsBox()
    await ws_box.start()
    yield ws_box
    await ws_box.stop()


def box_stream(
    session: aiohttp.ClientSession, box: WsBox, dialect: Dialect = Dialect.V5, **kwargs: Any
) -> EventStream:
    options: dict[str, Any] = {"heartbeat": 5.0, "backoff": FAST_BACKOFF, **kwargs}
    return EventStream(
        session,
        "127.0.0.1",
        box.port,
        dialect=dialect,
        subscription=Subscription(("cam-1",), ImageSelection(face=True)),
        **options,
    )


async def test_slow_frame_is_received_without_a_ping(
    session: aiohttp.ClientSession, box: WsBox
) -> None:
    """A frame dripped over 5 s at ~1.2 KB/s, heartbeat 2 s, a box that holds pongs.

    The gaps between the bytes (0.05 s) are far below the heartbeat, so that a busy machine
    that runs the dripping late does not make a silence of it.
    """
    box.answer_pings = False
    padding = "x" * 6000
    data = frame(event("cam-1", event_id="slow", padding=padding))
    stream = box_stream(session, box, heartbeat=2.0)
    async with Runner(stream) as runner:
        await box.wait_for_subscription()
        await box.drip(data, chunk=60, interval=0.05)
        rec = await runner.next()
    assert rec.event_id == "slow"
    assert box.connections_total == 1
    assert box.pings == 0
    assert stream.stats.connections == 1


async def test_stall_in_the_middle_of_a_frame_is_half_open(
    session: aiohttp.ClientSession, box: WsBox
) -> None:
    """Bytes stop mid-frame and the box cannot answer a ping: found after 1.5 heartbeats."""
    box.answer_pings = False
    errors: list[str | None] = []
    stream = box_stream(session, box, heartbeat=0.4)
    stream._on_state = lambda state: errors.append(stream.last_error)
    async with Runner(stream) as runner:
        await box.wait_for_subscription()
        data = frame(event("cam-1", padding="x" * 2000))
        await box.write(data[:1000])
        await box.wait_for_subscription(count=2)
        await runner.connected()
        await box.send(event("cam-1", event_id="after"))
        assert (await runner.next()).event_id == "after"
    assert box.pings >= 1
    assert "no answer to a ping within 0.2 s (half-open)" in errors


async def test_silent_socket_that_answers_pings_stays(
    session: aiohttp.ClientSession, box: WsBox
) -> None:
    # A pong has 1 s to come back: a busy machine must not make a half-open socket of it.
    stream = box_stream(session, box, heartbeat=2.0)
    async with Runner(stream) as runner:
        await box.wait_for_subscription()
        # A second ping comes only after the first one's pong was taken as a sign of life.
        await wait_for(lambda: box.pings >= 2, what="two pings")
        await box.send(event("cam-1", event_id="still here"))
        assert (await runner.next()).event_id == "still here"
    assert box.connections_total == 1


async def test_silent_socket_found_without_the_wire_tap(
    session: aiohttp.ClientSession, box: WsBox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should aiohttp's internals change, liveness falls back to whole messages."""
    monkeypatch.setattr(stream_module, "install_tap", lambda ws, **kwargs: None)
    box.answer_pings = False
    stream = box_stream(session, box, heartbeat=0.2)
    async with Runner(stream):
        await box.wait_for_subscription(count=2)
    assert box.pings >= 1


async def test_ping_that_cannot_be_written_is_half_open(
    session: aiohttp.ClientSession, box: WsBox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A socket whose send buffer is full (the box stopped reading) cannot take a ping."""

    async def stuck_ping(self: aiohttp.ClientWebSocketResponse, message: bytes = b"") -> None:
        await asyncio.Event().wait()

    monkeypatch.setattr(aiohttp.ClientWebSocketResponse, "ping", stuck_ping)
    errors: list[str | None] = []
    stream = box_stream(session, box, heartbeat=0.2)
    stream._on_state = lambda state: errors.append(stream.last_error)
    async with Runner(stream):
        await box.wait_for_subscription(count=2)
    assert "a ping could not be sent within 0.1 s (half-open)" in errors


async def test_burst_is_received_whole_and_the_loop_gets_turns(
    session: aiohttp.ClientSession, box: WsBox
) -> None:
    """2,000 frames in one write: all arrive in order, and other tasks run between them."""
    count = 2000
    ticks = 0
    ticks_at: list[int] = []

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    stream = box_stream(session, box)
    burst = b"".join(frame(event("cam-1", event_id=str(n))) for n in range(count))
    async with Runner(stream) as runner:
        await box.wait_for_subscription()
        await runner.connected()
        ticking = asyncio.create_task(ticker())
        try:
            await box.write(burst)
            received: list[Recognition] = []
            for _ in range(count):
                received.append(await runner.next())
                ticks_at.append(ticks)
        finally:
            ticking.cancel()
    assert [r.event_id for r in received] == [str(n) for n in range(count)]
    # The ticker ran between (almost) every two recognitions, not once per socket read.
    between = sum(1 for a, b in itertools.pairwise(ticks_at) if b > a)
    assert between >= count * 0.9


async def test_frame_announced_over_the_limit_is_dropped_as_it_arrives(
    session: aiohttp.ClientSession, box: WsBox
) -> None:
    limit = 1024 * 1024
    stream = box_stream(session, box, max_frame_bytes=limit)
    async with Runner(stream) as runner:
        await box.wait_for_subscription()
        await runner.connected()
        tap = stream._tap
        assert tap is not None
        big = 3 * limit
        await box.write(header(big) + b" " * big + frame(event("cam-1", event_id="next")))
        assert (await runner.next()).event_id == "next"
        assert tap.bytes_dropped == big + len(header(big))
    assert stream.stats.bad_frames["too_large"] == 1
    assert box.connections_total == 1


async def test_unfinished_huge_frame_costs_nothing_and_the_next_socket_works(
    session: aiohttp.ClientSession, box: WsBox
) -> None:
    """100 MB announced, 8 MB sent, then the box drops the socket: nothing was buffered."""
    limit = 1024 * 1024
    stream = box_stream(session, box, max_frame_bytes=limit)
    async with Runner(stream) as runner:
        await box.wait_for_subscription()
        await runner.connected()
        tap = stream._tap
        assert tap is not None
        sent = 8 * 1024 * 1024
        await box.write(header(100 * 1024 * 1024) + b"x" * sent)
        await wait_for(lambda: tap.bytes_received >= sent, what="bytes read")
        assert tap.bytes_dropped >= sent
        box.close_connections()
        await box.wait_for_subscription(count=2)
        await runner.connected()
        await box.send(event("cam-1", event_id="next"))
        assert (await runner.next()).event_id == "next"
    assert stream.stats.bad_frames["too_large"] == 1


async def test_fragmented_message_over_the_limit_reconnects(
    session: aiohttp.ClientSession, box: WsBox
) -> None:
    limit = 64 * 1024
    stream = box_stream(session, box, max_frame_bytes=limit)
    async with Runner(stream) as runner:
        await box.wait_for_subscription()
        await runner.connected()
        part = b"x" * (limit // 2 + 1)
        await box.send(event("cam-1", event_id="before"))
        await box.write(frame(part, OP_TEXT, fin=False) + frame(part, OP_CONTINUATION, fin=False))
        assert (await runner.next()).event_id == "before"
        await box.wait_for_subscription(count=2)
        await runner.connected()
        await box.send(event("cam-1", event_id="after"))
        assert (await runner.next()).event_id == "after"
    assert stream.stats.bad_frames["too_large"] == 1
    assert box.connections_total == 2


async def test_fragments_pings_and_cut_headers_pass_through(
    session: aiohttp.ClientSession, box: WsBox
) -> None:
    """A message in three fragments with a ping between them, sent a byte at a time."""
    stream = box_stream(session, box)
    text = event("cam-1", event_id="fragmented", padding="y" * 300).encode()
    data = (
        frame(text[:100], OP_TEXT, fin=False)
        + frame(b"hi", OP_PING)
        + frame(text[100:250], OP_CONTINUATION, fin=False)
        + frame(text[250:], OP_CONTINUATION)
        + frame(event("cam-1", event_id="whole", padding="z" * 70_000))
    )
    async with Runner(stream) as runner:
        await box.wait_for_subscription()
        await box.drip(data[:700], chunk=1, interval=0)
        await box.write(data[700:])
        assert (await runner.next()).event_id == "fragmented"
        assert (await runner.next()).event_id == "whole"
        await wait_for(lambda: box.pongs_received == 1, what="pong")
    assert box.connections_total == 1


@pytest.mark.parametrize("dialect", [Dialect.V5, Dialect.V6])
@pytest.mark.parametrize(("sent", "expected"), [(123, "123"), (" cam1 ", "cam1"), ("123", "123")])
async def test_event_device_id_shapes(
    session: aiohttp.ClientSession, box: WsBox, dialect: Dialect, sent: object, expected: str
) -> None:
    stream = box_stream(session, box, dialect)
    async with Runner(stream) as runner:
        await box.wait_for_subscription()
        await box.send(event(sent, dialect.value))
        rec = await runner.next()
    assert rec.device_id == expected


async def test_long_frames_are_parsed_off_the_loop(
    session: aiohttp.ClientSession, box: WsBox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Frames of OFF_LOOP_FRAME_CHARS or more (here 10,000) are parsed in a worker thread."""
    threads: list[tuple[str, bool]] = []
    real_parse, real_decode = stream_module.parse_frame, bigframe_module.decode_frame

    def recording_parse(
        data: str | bytes, images: ImageSelection, *, score_scale: int | None = None
    ) -> Recognition:
        threads.append(("parse", threading.current_thread() is threading.main_thread()))
        return real_parse(data, images, score_scale=score_scale)

    def recording_decode(data: str | bytes) -> Any:
        threads.append(("decode", threading.current_thread() is threading.main_thread()))
        return real_decode(data)

    monkeypatch.setattr(stream_module, "parse_frame", recording_parse)
    monkeypatch.setattr(bigframe_module, "decode_frame", recording_decode)
    monkeypatch.setattr(stream_module, "OFF_LOOP_FRAME_CHARS", 10_000)
    stream = box_stream(session, box)
    async with Runner(stream) as runner:
        await box.wait_for_subscription()
        await box.send(event("cam-1", event_id="small"))
        await box.send(event("cam-1", event_id="long", padding="p" * 20_000))
        await box.send(json.dumps({"device_id": False, "padding": "p" * 20_000}))
        await box.send(event("cam-1", event_id="last"))
        assert [(await runner.next()).event_id for _ in range(3)] == ["small", "long", "last"]
    assert threads == [("parse", True), ("decode", False), ("decode", False), ("parse", True)]
    assert stream.stats.bad_frames["bad_device"] == 1
    assert stream.state is StreamState.STOPPED


async def test_the_wire_tap_is_in_place_before_the_subscription_is_sent(
    session: aiohttp.ClientSession, box: WsBox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The box may answer the subscription at once: every byte of its answer must pass the tap
    (install_tap's rule: right after the socket opens, before anything awaits)."""
    steps: list[str] = []
    real_install = stream_module.install_tap
    real_send = aiohttp.ClientWebSocketResponse.send_str

    def install(ws: aiohttp.ClientWebSocketResponse, **kwargs: Any) -> Any:
        steps.append("tap")
        return real_install(ws, **kwargs)

    async def send_str(self: aiohttp.ClientWebSocketResponse, data: str, **kwargs: Any) -> None:
        steps.append("subscribe")
        await real_send(self, data, **kwargs)

    monkeypatch.setattr(stream_module, "install_tap", install)
    monkeypatch.setattr(aiohttp.ClientWebSocketResponse, "send_str", send_str)
    limit = 64 * 1024
    stream = box_stream(session, box, max_frame_bytes=limit)
    async with Runner(stream) as runner:
        await box.wait_for_subscription()
        # answered at once: a frame over the limit, then an event
        await box.write(frame(b"x" * (2 * limit)) + frame(event("cam-1", event_id="first")))
        assert (await runner.next()).event_id == "first"
    assert steps == ["tap", "subscribe"]
    assert stream.stats.bad_frames["too_large"] == 1
    assert box.connections_total == 1  # dropped by the tap, not by aiohttp (a reconnect)


async def test_frame_over_the_limit_without_the_wire_tap(
    session: aiohttp.ClientSession, box: WsBox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the tap, aiohttp rejects the frame itself: counted, and the stream reconnects."""
    monkeypatch.setattr(stream_module, "install_tap", lambda ws, **kwargs: None)
    limit = 64 * 1024
    stream = box_stream(session, box, max_frame_bytes=limit)
    async with Runner(stream) as runner:
        await box.wait_for_subscription()
        await runner.connected()
        await box.send(b"x" * (2 * limit))
        await box.wait_for_subscription(count=2)
        await runner.connected()
        await box.send(event("cam-1", event_id="after"))
        assert (await runner.next()).event_id == "after"
    assert stream.stats.bad_frames["too_large"] == 1


async def test_a_fractional_device_id_is_a_bad_frame_and_the_stream_goes_on(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    """The simulator's "wrong_types" frame: device id 12345.5, score as text."""
    stream = make_stream(session, sim, dialect)
    async with Runner(stream) as runner:
        await sim.wait_for_subscription()
        assert await sim.send_bad_frame("wrong_types") == 1
        sent = await sim.fire(sim.devices[0].id)
        rec = await runner.next()
    assert rec.event_id == sent.event_id
    assert stream.stats.bad_frames["bad_device"] == 1


async def test_numeric_device_ids_of_a_box_are_their_decimal_text(
    session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    """A box whose media device ids are JSON numbers, in the list and in events."""
    async with Simulator(
        host="127.0.0.1", dialect=dialect.value, devices=2, numeric_ids=True
    ) as box:
        stream = make_stream(session, box, dialect)
        async with Runner(stream) as runner:
            await box.wait_for_subscription()
            sent = await box.fire(box.devices[1].id)
            rec = await runner.next()
    assert rec.device_id == str(box.devices[1].id) == sent.device_id


async def test_text_frame_that_is_not_utf8_is_a_bad_frame_and_the_stream_goes_on(
    session: aiohttp.ClientSession, box: WsBox, caplog: pytest.LogCaptureFixture
) -> None:
    """aiohttp ends the socket on it: said once as a bad frame, then a new socket goes on."""
    stream = box_stream(session, box)
    async with Runner(stream) as runner:
        await box.wait_for_subscription()
        await runner.connected()
        await box.send(event("cam-1", event_id="before"))
        assert (await runner.next()).event_id == "before"
        await box.write(frame(b'{"device_id": "cam-1", "identity_name": "\xff\xfe"}'))
        await box.wait_for_subscription(count=2)
        await runner.connected()
        await box.send(event("cam-1", event_id="after"))
        assert (await runner.next()).event_id == "after"
    assert stream.stats.bad_frames["not_utf8"] == 1
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert sum("not UTF-8" in text for text in warnings) == 1

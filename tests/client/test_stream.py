"""The event stream against the simulator, over real sockets, in both dialects."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import logging

import aiohttp
import pytest

from custom_components.se5.client import (
    Backoff,
    Dialect,
    EventStream,
    ImageSelection,
    PersonType,
    StreamState,
    Subscription,
)
from se5sim import Simulator
from tests.client.conftest import FAST_BACKOFF, Runner, make_stream
from tests.helpers import wait_for


async def test_subscribe_and_receive_exact_fields_and_images(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    stream = make_stream(session, sim, dialect)
    assert stream.state is StreamState.STOPPED
    async with Runner(stream) as runner:
        record = await sim.wait_for_subscription()
        await runner.connected()
        if dialect is Dialect.V5:
            assert record.payload == {
                "need_face": True,
                "need_register": True,
                "event_list": [d.id for d in sim.devices],
            }
        else:
            assert record.payload == {
                "with_face_image": True,
                "with_register_image": True,
                "media_device_ids": [d.id for d in sim.devices],
            }
        device = sim.devices[1]
        vip = next(p for p in sim.people if p.person_type == "vip")
        sent = await sim.fire(device.id, identity_id=vip.identity_id)
        assert sent.delivered == 1
        rec = await runner.next()

    assert rec.device_id == device.id
    assert rec.identity_id == vip.identity_id
    assert rec.identity_name == vip.name
    assert rec.person_type is PersonType.VIP
    assert rec.raw_score == pytest.approx(sent.score)
    expected = sent.score / 100 if dialect is Dialect.V6 else sent.score  # the sim's defaults
    assert rec.score == pytest.approx(expected)
    assert rec.timestamp_ms == sent.timestamp_ms
    assert rec.timestamp.timestamp() == pytest.approx(sent.timestamp_ms / 1000)
    assert rec.event_id == sent.event_id
    assert rec.face_image == sent.face_jpeg
    assert rec.registered_image == sent.registered_jpeg
    assert rec.registered_image is not None
    if dialect is Dialect.V5:
        assert rec.scene_image == sent.scene_jpeg
        assert rec.group == sent.group_name
        assert rec.video_id == sent.video_id
    else:
        assert rec.scene_image is None
    assert stream.state is StreamState.STOPPED
    assert stream.stats.recognitions == 1
    assert stream.stats.connections == 1


@pytest.mark.parametrize("person_type", ["employee", "visitor", "blacklist", "stranger", "vip"])
async def test_every_person_type(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect, person_type: str
) -> None:
    async with Runner(make_stream(session, sim, dialect)) as runner:
        await sim.wait_for_subscription()
        await sim.fire(sim.devices[0].id, person_type=person_type)
        rec = await runner.next()
    assert rec.person_type is PersonType(person_type)
    if person_type == "stranger":
        assert rec.registered_image is None


async def test_absent_person_type_means_employee(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    async with Simulator(host="127.0.0.1", dialect="v5", devices=1, seed=3) as sim:
        runner = Runner(make_stream(session, sim, Dialect.V5))
        async with runner:
            await sim.wait_for_subscription()
            await sim.fire(person_type="employee", omit_person_type=True)
            rec = await runner.next()
    assert rec.person_type is PersonType.EMPLOYEE


async def test_only_requested_images(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    stream = make_stream(session, sim, dialect, images=ImageSelection(face=True))
    async with Runner(stream) as runner:
        await sim.wait_for_subscription()
        sent = await sim.fire(sim.devices[0].id, person_type="vip")
        rec = await runner.next()
    assert rec.face_image == sent.face_jpeg
    assert rec.scene_image is None
    assert rec.registered_image is None


async def test_change_selection_on_the_same_socket(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    first, second = sim.devices[0], sim.devices[1]
    stream = make_stream(session, sim, dialect, device_ids=(first.id,))
    async with Runner(stream) as runner:
        await sim.wait_for_subscription()
        await runner.connected()
        assert (await sim.fire(second.id)).delivered == 0
        assert (await sim.fire(first.id)).delivered == 1
        assert (await runner.next()).device_id == first.id

        new = Subscription((second.id,), ImageSelection(face=False))
        assert await stream.update_subscription(new)
        record = await sim.wait_for_subscription(count=2)
        assert stream.subscription == new
        assert record.connection_id == sim.subscriptions[0].connection_id
        assert sim.connections_total == 1

        assert (await sim.fire(first.id)).delivered == 0
        assert (await sim.fire(second.id)).delivered == 1
        rec = await runner.next()
    assert rec.device_id == second.id
    assert rec.face_image is None
    assert runner.queue.empty()
    assert stream.stats.connections == 1


async def test_survives_reboot_and_resubscribes(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    states: list[StreamState] = []
    stream = make_stream(session, sim, dialect, on_state=states.append)
    async with Runner(stream) as runner:
        await sim.wait_for_subscription()
        await runner.connected()
        await sim.go_down()
        await wait_for(lambda: stream.state is StreamState.RECONNECTING, what="reconnecting")
        assert stream.last_error
        await sim.come_back()
        await sim.wait_for_subscription(count=2)
        await runner.connected()
        assert sim.subscriptions[1].payload == sim.subscriptions[0].payload
        assert sim.subscriptions[1].connection_id != sim.subscriptions[0].connection_id
        sent = await sim.fire(sim.devices[2].id)
        rec = await runner.next()
    assert rec.event_id == sent.event_id
    assert states[:3] == [StreamState.CONNECTING, StreamState.CONNECTED, StreamState.RECONNECTING]
    assert states[-2:] == [StreamState.CONNECTED, StreamState.STOPPED]
    assert stream.stats.connections == 2


async def test_dropped_connections_come_back(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    stream = make_stream(session, sim, dialect)
    async with Runner(stream) as runner:
        await sim.wait_for_subscription()
        for round_ in range(2, 4):
            await sim.drop_connections()
            await sim.wait_for_subscription(count=round_)
            await runner.connected()
        await sim.fire()
        await runner.next()
    assert stream.stats.connections == 3


async def test_finds_half_open_connection_by_heartbeat(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    heartbeat = 0.4
    errors: list[str | None] = []
    stream = make_stream(session, sim, dialect, heartbeat=heartbeat)
    stream._on_state = lambda state: errors.append(stream.last_error)
    async with Runner(stream) as runner:
        await sim.wait_for_subscription()
        await runner.connected()
        sim.go_silent()
        # The heartbeat finds it: a ping after `heartbeat` of silence, no pong within half that.
        await sim.wait_for_subscription(count=2, timeout=10)
        await runner.connected()
        assert stream.stats.connections == 2
        sent = await sim.fire(sim.devices[0].id)
        assert (await runner.next()).event_id == sent.event_id
    assert "no answer to a ping within 0.2 s (half-open)" in errors


@pytest.mark.parametrize("kind", ["garbage", "binary", "truncated", "not_object", "empty"])
async def test_bad_frames_are_skipped_and_logged_once(
    sim: Simulator,
    session: aiohttp.ClientSession,
    dialect: Dialect,
    kind: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    stream = make_stream(session, sim, dialect)
    caplog.set_level(logging.DEBUG, logger="custom_components.se5.client")
    async with Runner(stream) as runner:
        await sim.wait_for_subscription()
        await runner.connected()
        assert await sim.send_bad_frame(kind) == 1
        assert await sim.send_bad_frame(kind) == 1
        sent = await sim.fire(sim.devices[0].id)
        rec = await runner.next()
    assert rec.event_id == sent.event_id
    assert sum(stream.stats.bad_frames.values()) == 2
    assert stream.stats.connections == 1
    skipped = [r for r in caplog.records if "skipped a bad frame" in r.getMessage()]
    assert [r.levelno for r in skipped] == [logging.WARNING, logging.DEBUG]
    for record in caplog.records:
        assert "base64" not in record.getMessage()
        assert "/9j/" not in record.getMessage()


async def test_accepts_frames_over_16_mb(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    async with Runner(make_stream(session, sim, dialect)) as runner:
        await sim.wait_for_subscription()
        assert await sim.send_bad_frame("oversized", size=17 * 1024 * 1024) == 1
        rec = await runner.next(timeout=30)
    assert rec.device_id in {d.id for d in sim.devices}


async def test_frame_above_the_limit_is_dropped_and_the_socket_goes_on(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    stream = make_stream(session, sim, dialect, max_frame_bytes=1024 * 1024)
    async with Runner(stream) as runner:
        await sim.wait_for_subscription()
        await runner.connected()
        await sim.send_bad_frame("oversized", size=2 * 1024 * 1024)
        sent = await sim.fire(sim.devices[0].id)
        assert (await runner.next()).event_id == sent.event_id
    assert stream.stats.bad_frames["too_large"] == 1
    assert stream.stats.connections == 1
    assert sim.connections_total == 1


async def test_connection_refused_then_box_appears(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    sim = Simulator(host="127.0.0.1", dialect="v5", devices=1, seed=5)
    await sim.start()
    await sim.go_down()
    states: list[StreamState] = []
    stream = make_stream(session, sim, Dialect.V5, on_state=states.append)
    try:
        async with Runner(stream) as runner:
            await wait_for(lambda: StreamState.RECONNECTING in states, what="reconnecting")
            assert stream.last_error
            assert stream.stats.connections == 0
            await sim.come_back()
            await sim.wait_for_subscription()
            await runner.connected()
            sent = await sim.fire()
            assert (await runner.next()).event_id == sent.event_id
    finally:
        await sim.stop()
    assert states[0] is StreamState.CONNECTING


@pytest.fixture
async def silent_listener(socket_enabled: None) -> AsyncIterator[int]:
    """A TCP listener that accepts and reads but never completes a WebSocket handshake."""
    release = asyncio.Event()
    writers: list[asyncio.StreamWriter] = []

    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        await reader.read(65536)
        await release.wait()
        writer.close()

    server = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    yield int(server.sockets[0].getsockname()[1])
    release.set()
    for writer in writers:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_connect_timeout(session: aiohttp.ClientSession, silent_listener: int) -> None:
    """A listener that never completes the handshake counts as a failed attempt."""
    stream = EventStream(
        session,
        "127.0.0.1",
        silent_listener,
        dialect=Dialect.V5,
        subscription=Subscription(),
        connect_timeout=1.0,
        backoff=FAST_BACKOFF,
    )
    states: list[StreamState] = []
    stream._on_state = states.append
    async with Runner(stream):
        await wait_for(lambda: stream.state is StreamState.RECONNECTING, what="reconnecting")
        assert stream.last_error == "no connection within 1 s"
        await wait_for(lambda: stream.stats.connections == 0 and len(states) >= 2, what="retry")
    # CONNECTING once, then RECONNECTING for every retry: no flapping between the two.
    assert states[0] is StreamState.CONNECTING
    assert StreamState.CONNECTING not in states[1:]


async def test_stop_while_connecting(session: aiohttp.ClientSession, silent_listener: int) -> None:
    stream = EventStream(
        session,
        "127.0.0.1",
        silent_listener,
        dialect=Dialect.V5,
        subscription=Subscription(),
        connect_timeout=30,
    )
    runner = Runner(stream)
    await runner.__aenter__()
    await wait_for(lambda: stream.state is StreamState.CONNECTING, what="connecting")
    await stream.stop()
    await runner.__aexit__()
    assert stream.state is StreamState.STOPPED
    assert stream.stats.connections == 0


async def test_stop_leaves_no_task_and_iterates_once(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    before = asyncio.all_tasks()
    stream = make_stream(session, sim, dialect)
    async with Runner(stream):
        await sim.wait_for_subscription()
        with pytest.raises(RuntimeError):
            stream.__aiter__()
    await wait_for(lambda: sim.active_connections == 0, what="closed on the box")
    assert asyncio.all_tasks() == before
    assert stream.state is StreamState.STOPPED


async def test_cancelling_the_consumer_closes_the_socket(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    stream = make_stream(session, sim, dialect)
    runner = Runner(stream)
    await runner.__aenter__()
    await sim.wait_for_subscription()
    assert runner.task is not None
    runner.task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await runner.task
    await wait_for(lambda: sim.active_connections == 0, what="closed on the box")
    assert stream.state is StreamState.STOPPED


async def test_update_subscription_while_disconnected_is_kept_for_later(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    stream = make_stream(session, sim, dialect, device_ids=())
    new = Subscription((sim.devices[0].id,), ImageSelection(face=False))
    assert not await stream.update_subscription(new)
    async with Runner(stream) as runner:
        record = await sim.wait_for_subscription()
        assert sim.devices[0].id in str(record.payload)
        await sim.fire(sim.devices[0].id)
        await runner.next()


def test_backoff_is_capped_and_jittered() -> None:
    backoff = Backoff(initial=1.0, maximum=60.0)
    assert backoff.delay(0, lambda: 0.0) == 0.5
    assert backoff.delay(0, lambda: 1.0) == 1.0
    assert backoff.delay(3, lambda: 1.0) == 8.0
    assert backoff.delay(10, lambda: 1.0) == 60.0
    assert backoff.delay(10_000, lambda: 0.0) == 30.0
    for attempt in range(12):
        assert 0.0 < backoff.delay(attempt) <= 60.0

"""The client against hostile boxes (tests/client/hostile.py): every size, count and page bounded.

Bounds are asserted on what the client holds or asks for, never on how long it takes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
import json
import threading
import time
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.se5.client import (
    Dialect,
    EventStream,
    ImageSelection,
    Person,
    PersonType,
    Recognition,
    Se5Client,
    Se5Error,
    Se5NotABoxError,
    Subscription,
    fetch as fetch_module,
    history as history_module,
    jsondoc,
    parse_frame,
)
from custom_components.se5.client.parse import FRAME_MAX_VALUES, NAME_MAX, TEXT_MAX
from custom_components.se5.client.people import MAX_GROUPS, MAX_PERSON_GROUPS, V5_PAGE_SIZE
from custom_components.se5.client.rest import MAX_DEVICES
from custom_components.se5.client.system import SERIAL_MAX
from tests.client.conftest import FAST_BACKOFF
from tests.client.hostile import HostileBox, device_entry, huge_frame, values_json
from tests.client.wsbox import frame
from tests.helpers import wait_for

MIB = 1024 * 1024
READ_CHUNK = 256 * 1024
"""The most asyncio reads from a socket at once (`_SelectorSocketTransport.max_size`)."""


@pytest.fixture
async def hostile() -> AsyncIterator[HostileBox]:
    box = HostileBox()
    await box.start()
    yield box
    await box.stop()


def client_for(box: HostileBox, session: aiohttp.ClientSession, **kwargs: Any) -> Se5Client:
    return Se5Client(
        session, box.host, box.rest_port, system_port=box.system_port, dialect=Dialect.V5, **kwargs
    )


def stream_for(box: HostileBox, session: aiohttp.ClientSession, **kwargs: Any) -> EventStream:
    return EventStream(
        session,
        box.host,
        box.ws_port,
        dialect=Dialect.V5,
        subscription=Subscription(("cam-1",), ImageSelection(face=True, scene=True)),
        heartbeat=30.0,
        backoff=FAST_BACKOFF,
        **kwargs,
    )


# The event socket -----------------------------------------------------------------------------


async def test_flood_of_big_frames_for_a_stalled_consumer_holds_a_bounded_number_of_bytes(
    session: aiohttp.ClientSession, hostile: HostileBox
) -> None:
    """Frames set aside by the wire tap count against a budget: reading pauses above it.

    Without the budget, every frame the box sends is read and held (the box is never slowed
    down); with it, held bytes stay below the budget plus one read from the socket, and
    nothing is lost: once the consumer reads again, every frame arrives.
    """
    budget = 3 * MIB
    count = 16
    stream = stream_for(hostile, session, max_held_bytes=budget)
    release = asyncio.Event()
    received: list[Recognition] = []

    async def stalled_consumer() -> None:
        async for recognition in stream:
            received.append(recognition)
            await release.wait()  # busy elsewhere: takes no frame meanwhile

    async def flood() -> None:
        for number in range(count):
            await hostile.ws.write(frame(huge_frame("cam-1", int(1.2 * MIB), f"big-{number}")))

    consumer = asyncio.create_task(stalled_consumer())
    await hostile.ws.wait_for_subscription()
    sender = asyncio.create_task(flood())
    try:
        await wait_for(lambda: received, what="the first frame")
        await wait_for(
            lambda: stream.tap is not None and stream.tap.reading_paused, what="reading paused"
        )
        tap = stream.tap
        assert tap is not None
        assert tap.pauses >= 1
        assert tap.held_bytes <= budget + READ_CHUNK
        assert tap.peak_held_bytes <= budget + READ_CHUNK
        release.set()
        await wait_for(lambda: len(received) == count, what="every frame", timeout=60)
        assert [r.event_id for r in received] == [f"big-{n}" for n in range(count)]
        assert tap.peak_held_bytes <= budget + READ_CHUNK
        assert stream.stats.connections == 1
    finally:
        release.set()
        await stream.stop()
        sender.cancel()
        await asyncio.gather(consumer, sender, return_exceptions=True)


async def test_frames_of_a_million_values_are_refused_unparsed(
    session: aiohttp.ClientSession, hostile: HostileBox
) -> None:
    """`[{},{},…]` is small text and a huge parse: refused by its count of values, on the loop
    (a small frame) or in the worker (a big one), and the stream goes on."""
    stream = stream_for(hostile, session)
    received: list[Recognition] = []

    async def consume() -> None:
        async for recognition in stream:
            received.append(recognition)  # noqa: PERF401 - appended as they arrive

    task = asyncio.create_task(consume())
    try:
        await hostile.ws.wait_for_subscription()
        await hostile.ws.send(values_json(200_000))  # 600 KB: parsed on the loop
        await hostile.ws.send(values_json(700_000))  # 2 MB: set aside, parsed in a worker
        await hostile.ws.send(json.dumps({"device_id": "cam-1", "event_id": "after"}))
        await wait_for(lambda: received, what="the frame after")
        assert [r.event_id for r in received] == ["after"]
        assert stream.stats.bad_frames["too_complex"] == 2
    finally:
        await stream.stop()
        await task


def test_a_frame_of_many_values_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[object] = []
    real = jsondoc.loads

    def loads(text: str | bytes) -> Any:
        parsed.append(text)
        return real(text)

    monkeypatch.setattr(jsondoc, "loads", loads)
    with pytest.raises(Se5Error, match="JSON values"):
        parse_frame(values_json(FRAME_MAX_VALUES + 2))
    assert not parsed
    with pytest.raises(Se5Error, match="not an object"):
        parse_frame(values_json(3))  # what is not refused reaches the parser
    assert len(parsed) == 1
    # A real frame with a few dozen values is not affected.
    assert parse_frame(json.dumps({"device_id": "d", "x": list(range(100))})).device_id == "d"


# REST answers ---------------------------------------------------------------------------------


async def test_an_answer_of_a_million_values_is_refused_unparsed(
    session: aiohttp.ClientSession, hostile: HostileBox
) -> None:
    hostile.devices = lambda _r: values_json(1_000_000)
    with pytest.raises(Se5NotABoxError, match="too many JSON values"):
        await client_for(hostile, session).list_devices()


async def test_large_answers_are_decoded_off_the_loop(
    session: aiohttp.ClientSession, hostile: HostileBox, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[bool] = []
    real = fetch_module.decode

    def decode(body: bytes, read: Any) -> Any:
        threads.append(threading.current_thread() is threading.main_thread())
        return real(body, read)

    monkeypatch.setattr(fetch_module, "decode", decode)
    client = client_for(hostile, session)
    await client.list_devices()  # a small answer: on the loop
    hostile.devices = lambda _r: {
        "data": {"devices_list": [device_entry(f"cam-{i}", "x" * 300) for i in range(800)]}
    }
    assert len(await client.list_devices()) == MAX_DEVICES  # ~400 KB: in a worker thread
    assert threads == [True, False]


async def test_a_device_list_of_thousands_reads_the_first_256(
    session: aiohttp.ClientSession, hostile: HostileBox
) -> None:
    entries = [{"device_id": f"d{i}", "device_name": "x"} for i in range(5_000)]
    hostile.devices = lambda _r: {"data": {"devices_list": entries}}
    client = client_for(hostile, session)
    devices = await client.list_devices()
    assert [d.id for d in devices] == [f"d{i}" for i in range(MAX_DEVICES)]
    assert client.devices_listed == 5_000
    assert client.devices_cut
    twice = [{"device_id": "d1", "device_name": "x"}] * 3  # read whole: nothing was cut
    hostile.devices = lambda _r: {"data": {"devices_list": twice}}
    assert len(await client.list_devices()) == 1
    assert not client.devices_cut
    # 100,000 ids hold more JSON values than any answer may: refused whole, never parsed.
    many = [{"device_id": f"d{i}", "device_name": "x"} for i in range(100_000)]
    hostile.devices = lambda _r: {"data": {"devices_list": many}}
    with pytest.raises(Se5NotABoxError, match="too many JSON values"):
        await client.list_devices()


# History --------------------------------------------------------------------------------------


def _event(ms: int, number: int) -> dict[str, Any]:
    return {
        "_id": f"e{number}",
        "timestamp": ms / 1000,
        "common": {"identity_id": "1", "ep_info": {"device_id": "cam-1"}},
    }


async def test_history_that_serves_one_event_per_page_is_not_paged_through(
    session: aiohttp.ClientSession, hostile: HostileBox
) -> None:
    """per_page=1 and a million events: the pages asked for come from the client's own page
    size (500 / 100 + 3), not from the box's."""
    now_ms = int(time.time() * 1000)

    def one_per_page(request: web.Request) -> Any:
        page = int(request.query["page"])
        pagination = {"num_pages": 10**6, "page": page, "per_page": 1, "total_count": 10**6}
        return {"data": [_event(now_ms - 1000 * (page + 1), page)], "pagination": pagination}

    hostile.history = one_per_page
    since = datetime.now(UTC) - timedelta(days=1)
    found = await client_for(hostile, session).list_events(since, limit=500, page_size=100)
    assert hostile.hits["/SophonFace/api/events"] == 500 // 100 + 3
    assert len(found) == 8


async def test_a_history_page_of_10000_events_keeps_the_newest_and_parses_off_the_loop(
    session: aiohttp.ClientSession, hostile: HostileBox, monkeypatch: pytest.MonkeyPatch
) -> None:
    now_ms = int(time.time() * 1000)
    events = [_event(now_ms - 1000 * n, n) for n in range(10_000)]  # newest first
    body = json.dumps({"data": events, "pagination": {"per_page": 100, "total_count": 10_000}})
    hostile.history = lambda _r: body.encode()
    threads: list[bool] = []
    real = history_module._page

    def page(*args: Any) -> Any:
        threads.append(threading.current_thread() is threading.main_thread())
        return real(*args)

    monkeypatch.setattr(history_module, "_page", page)
    since = datetime.now(UTC) - timedelta(days=1)
    found = await client_for(hostile, session).list_events(since, limit=500, page_size=100)
    assert len(found) == 500
    assert [r.event_id for r in found] == [f"e{n}" for n in reversed(range(500))]
    assert threads == [False]


async def test_history_events_dated_in_the_future_are_dropped(
    session: aiohttp.ClientSession, hostile: HostileBox
) -> None:
    """A box clock in year 3000 would make its events the newest forever."""
    now_ms = int(time.time() * 1000)
    events = [_event(32_503_680_000_000, 1), _event(now_ms - 1000, 2)]
    hostile.history = lambda _r: {"data": events, "pagination": {"total_count": 2}}
    since = datetime.now(UTC) - timedelta(days=1)
    found = await client_for(hostile, session).list_events(since, limit=500, page_size=100)
    assert [r.event_id for r in found] == ["e2"]


def test_a_frame_dated_in_the_future_takes_its_arrival_time() -> None:
    received = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    far = parse_frame(
        json.dumps({"device_id": "d", "timestamp": 32_503_680_000_000}), received_at=received
    )
    assert far.timestamp == received
    near = received + timedelta(minutes=2)  # a box clock a little ahead is believed
    ok = parse_frame(
        json.dumps({"device_id": "d", "timestamp": int(near.timestamp() * 1000)}),
        received_at=received,
    )
    assert ok.timestamp == near


# People ---------------------------------------------------------------------------------------


async def test_people_with_huge_ids_names_and_groups_are_cut(
    session: aiohttp.ClientSession, hostile: HostileBox
) -> None:
    entry = {
        "identity_id": "9" * 100_000,
        "group_name": [f"{n}-" + "g" * 1_000 for n in range(100)],
        "info": {"name": "n" * 100_000, "type": 5, "image_id": "i" * 100_000},
    }
    hostile.users = lambda r: {
        "data": {"identities_list": [entry] if r.query["skip_num"] == "0" else []}
    }
    (person,) = await client_for(hostile, session).list_people()
    assert len(person.identity_id) == TEXT_MAX
    assert len(person.name) == NAME_MAX
    assert person.photo_id is not None
    assert len(person.photo_id) == TEXT_MAX
    assert len(person.groups) == MAX_PERSON_GROUPS
    assert all(len(group) <= NAME_MAX for group in person.groups)


async def test_groups_that_never_end_are_read_up_to_the_cap(
    session: aiohttp.ClientSession, hostile: HostileBox
) -> None:
    """Every page of groups brings new names: reading stops at MAX_GROUPS."""

    def endless(request: web.Request) -> Any:
        skip = int(request.query["skip_num"])
        names = [{"name": f"group-{skip + n}"} for n in range(int(request.query["limit"]))]
        return {"data": {"groups_list": names}}

    hostile.groups = endless
    await client_for(hostile, session).list_people(page_size=100)
    # V5 pages are 10 entries at most (each person carries a photo): 26 pages of groups.
    assert hostile.hits["/SophonFogSys/api/groups"] <= -(-MAX_GROUPS // V5_PAGE_SIZE) + 1
    # One page of people per group at most (each answers nobody).
    assert hostile.hits["/SophonFogSys/api/users"] == MAX_GROUPS


async def test_pages_of_one_new_person_each_end(
    session: aiohttp.ClientSession, hostile: HostileBox
) -> None:
    """A box that brings one new person per page would be paged through 20,000 times."""

    def one_each(request: web.Request) -> Any:
        skip = int(request.query["skip_num"])
        person = {"identity_id": f"p{skip}", "info": {"name": "x"}}
        return {"data": {"identities_list": [person]}}

    hostile.users = one_each
    people = await client_for(hostile, session).list_people(page_size=100, limit=1_000)
    # limit / page size, one per group, two more; not the 1,000 pages one new person each takes.
    assert hostile.hits["/SophonFogSys/api/users"] <= 1_000 // V5_PAGE_SIZE + 1 + 2
    assert len(people) == hostile.hits["/SophonFogSys/api/users"]


# Identity, redirects, personal data -------------------------------------------------------------


async def test_serial_and_hostname_are_cut(
    session: aiohttp.ClientSession, hostile: HostileBox
) -> None:
    hostile.serial = "S" * 100_000
    hostile.hostname = "h" * 100_000
    client = client_for(hostile, session)
    box = await client.get_box_info()
    assert box.serial == "S" * SERIAL_MAX
    assert box.hostname is not None
    assert len(box.hostname) == NAME_MAX
    assert await client.get_serial() == "S" * SERIAL_MAX


async def test_no_call_follows_a_redirect(
    session: aiohttp.ClientSession, hostile: HostileBox
) -> None:
    """Every answer of the box is a redirect: nothing reaches the host it names."""
    elsewhere = HostileBox()
    await elsewhere.start()
    try:
        hostile.redirect_to = f"http://127.0.0.1:{elsewhere.rest_port}/SophonDevice/api/Devices"
        client = client_for(hostile, session)
        since = datetime.now(UTC) - timedelta(hours=1)
        calls = (
            client.list_devices(),
            client.get_box_info(),
            client.get_serial(),
            client.list_people(),
            client.list_events(since),
            client.get_event_image("abc", since),
        )
        for call in calls:
            with pytest.raises(Se5Error):
                await call
        assert sum(hostile.hits.values()) >= len(calls)
        assert not elsewhere.hits
    finally:
        await elsewhere.stop()


def test_repr_leaves_personal_data_out() -> None:
    recognition = parse_frame(
        json.dumps(
            {
                "device_id": "d",
                "identity_id": "1",
                "identity_name": "Wei Zhang",
                "group_name": "Acme Bank staff",
                "identity_info": {"name": "Wei Zhang", "room": "1204"},
            }
        )
    )
    person = Person("1", "Wei Zhang", PersonType.VIP, groups=("Acme Bank staff",))
    for text in (repr(recognition), repr(person)):
        assert "Wei Zhang" not in text
        assert "Acme" not in text
        assert "1204" not in text

"""The event history and its images against the simulator, over real sockets."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
import time
from typing import Any

import aiohttp
import pytest

from custom_components.se5.client import (
    Dialect,
    Person,
    PersonType,
    Recognition,
    Se5Client,
    Se5ConnectionError,
)
from se5sim import SentRecognition, Simulator

MakeSim = Callable[..., Awaitable[Simulator]]
BASE_MS = (int(time.time()) - 3600) * 1000


@pytest.fixture
async def make_sim(socket_enabled: None) -> AsyncIterator[MakeSim]:
    """Started simulators on free ports, stopped afterwards."""
    started: list[Simulator] = []

    async def factory(**kwargs: Any) -> Simulator:
        kwargs.setdefault("devices", 3)
        sim = Simulator(host="127.0.0.1", seed=7, **kwargs)
        await sim.start()
        started.append(sim)
        return sim

    yield factory
    for sim in started:
        await sim.stop()


def client_for(sim: Simulator, session: aiohttp.ClientSession, **kwargs: Any) -> Se5Client:
    return Se5Client(session, "127.0.0.1", sim.rest_port, system_port=sim.system_port, **kwargs)


def at(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


async def fire_many(sim: Simulator, count: int, start_ms: int = BASE_MS) -> list[SentRecognition]:
    kinds = ("employee", "visitor", "stranger", "vip", "blacklist")
    return [
        await sim.fire(person_type=kinds[n % 5], timestamp_ms=start_ms + n * 1000 + 7)  # type: ignore[arg-type]
        for n in range(count)
    ]


def count_requests(client: Se5Client, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Paths of the JSON calls the client makes from now on."""
    paths: list[str] = []
    original = client._request

    async def counting(method: str, path: str, **kwargs: Any) -> Any:
        paths.append(path)
        return await original(method, path, **kwargs)

    monkeypatch.setattr(client, "_request", counting)
    return paths


def assert_matches(recognition: Recognition, sent: SentRecognition) -> None:
    stranger = sent.person_type == "stranger"
    assert recognition.device_id == sent.device_id
    assert recognition.device_ip == sent.device_ip
    assert recognition.person_type is PersonType(sent.person_type)
    assert recognition.identity_id == ("" if stranger else sent.identity_id)
    assert recognition.identity_name == ("" if stranger else sent.identity_name)
    assert recognition.raw_score == sent.score
    assert recognition.timestamp_ms == sent.timestamp_ms
    assert recognition.timestamp == at(sent.timestamp_ms)
    assert recognition.event_id == sent.event_id
    assert recognition.face_image_id
    assert recognition.face_image is None
    assert recognition.scene_image is None
    assert recognition.registered_image is None


async def test_events_with_their_images(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    client = client_for(sim, session)
    sent = await fire_many(sim, 12)
    events = await client.list_events(at(BASE_MS - 1000))
    assert client.dialect is dialect
    assert len(events) == 12
    for event, expected in zip(events, sent, strict=True):
        assert_matches(event, expected)
        # The event's own time value, as the box wrote it, goes with its image calls.
        assert event.box_time is not None
        assert float(event.box_time) == expected.timestamp_ms / 1000
        face = await client.get_event_image(event.face_image_id or "", event.box_time)
        assert face == expected.face_jpeg
        if dialect is Dialect.V5:  # V6 keeps no scene photo
            assert event.scene_image_id is not None
            assert await client.get_event_image(event.scene_image_id, event.box_time) == (
                expected.scene_jpeg
            )
        else:
            assert event.scene_image_id is None
        if expected.person_type == "stranger":
            assert event.registered_image_id is None
        else:
            assert event.registered_image_id is not None
            person = Person(
                event.identity_id, "", event.person_type, photo_id=event.registered_image_id
            )
            assert await client.get_person_photo(person) == expected.registered_jpeg


async def test_image_with_the_wrong_time_or_id(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    client = client_for(sim, session, dialect=dialect)
    await fire_many(sim, 1)
    (event,) = await client.list_events(at(BASE_MS - 1))
    assert event.face_image_id is not None
    later = event.timestamp + timedelta(hours=1)
    assert await client.get_event_image(event.face_image_id, later) is None
    assert await client.get_event_image("no-such-image", event.timestamp) is None
    # The strict box finds an image by its event's exact time; a datetime of the same
    # millisecond is written as that value too (what a record kept before box_time has).
    assert await client.get_event_image(event.face_image_id, event.timestamp) is not None
    nudged = str(float(event.box_time or "0") + 0.001)
    assert await client.get_event_image(event.face_image_id, nudged) is None


async def test_since_and_until_bounds(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    client = client_for(sim, session, dialect=dialect)
    sent = await fire_many(sim, 10)
    # strictly after since (the event at since itself was seen), up to until included
    events = await client.list_events(at(sent[2].timestamp_ms), at(sent[6].timestamp_ms))
    assert [e.event_id for e in events] == [s.event_id for s in sent[3:7]]
    assert await client.list_events(at(sent[-1].timestamp_ms)) == []


async def test_limit_keeps_the_newest_within_bounded_pages(
    sim: Simulator,
    session: aiohttp.ClientSession,
    dialect: Dialect,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = client_for(sim, session, dialect=dialect)
    sent = await fire_many(sim, 60)
    paths = count_requests(client, monkeypatch)
    events = await client.list_events(at(BASE_MS - 1000), limit=25, page_size=10)
    assert [e.event_id for e in events] == [s.event_id for s in sent[-25:]]
    assert len(paths) <= 25 // 10 + 3


@pytest.mark.parametrize("dialect", [Dialect.V5, Dialect.V6], ids=["v5", "v6"])
async def test_oldest_first_box(
    make_sim: MakeSim,
    session: aiohttp.ClientSession,
    dialect: Dialect,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sim = await make_sim(dialect=dialect.value, history_order="oldest")
    client = client_for(sim, session, dialect=dialect)
    sent = await fire_many(sim, 47)
    paths = count_requests(client, monkeypatch)
    events = await client.list_events(at(BASE_MS - 1000), limit=15, page_size=10)
    assert [e.event_id for e in events] == [s.event_id for s in sent[-15:]]
    assert len(paths) <= 15 // 10 + 3
    # everything, when the limit allows: pages read back to the first one
    events = await client.list_events(at(BASE_MS - 1000), limit=100, page_size=10)
    assert [e.event_id for e in events] == [s.event_id for s in sent]
    # a single page is read forwards
    events = await client.list_events(at(sent[40].timestamp_ms), limit=100, page_size=10)
    assert [e.event_id for e in events] == [s.event_id for s in sent[41:]]


@pytest.mark.parametrize("unit", ["ms", "s"])
async def test_v6_filter_units(
    make_sim: MakeSim,
    session: aiohttp.ClientSession,
    unit: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whatever unit the box reads its filters in, the answer is right and the walk bounded."""
    sim = await make_sim(dialect="v6", v6_filter_unit=unit)
    client = client_for(sim, session, dialect=Dialect.V6)
    sent = await fire_many(sim, 40)
    paths = count_requests(client, monkeypatch)
    events = await client.list_events(
        at(sent[20].timestamp_ms), at(sent[30].timestamp_ms), page_size=5
    )
    assert [e.event_id for e in events] == [s.event_id for s in sent[21:31]]
    assert len(paths) <= 500 // 5 + 3
    events = await client.list_events(at(sent[35].timestamp_ms), page_size=5)
    assert [e.event_id for e in events] == [s.event_id for s in sent[36:]]


async def test_missed_while_down_are_found_afterwards(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    client = client_for(sim, session, dialect=dialect)
    # A second apart on the box's clock: fired at once, two could share a millisecond, and the
    # history is asked for what came strictly after `before`.
    now = int(time.time() * 1000)
    before = await sim.fire(sim.devices[0].id, person_type="vip", timestamp_ms=now - 3000)
    await sim.go_down()
    missed = [
        await sim.fire(sim.devices[1].id, person_type=kind, timestamp_ms=now - 2000 + step)
        for step, kind in ((0, "employee"), (1000, "stranger"))
    ]
    assert all(s.delivered == 0 for s in missed)
    with pytest.raises(Se5ConnectionError):
        await client.list_events(at(before.timestamp_ms))
    await sim.come_back()
    events = await client.list_events(at(before.timestamp_ms))
    assert [e.event_id for e in events] == [s.event_id for s in missed]
    assert [e.device_id for e in events] == [sim.devices[1].id] * 2


async def test_bounded_history(make_sim: MakeSim, session: aiohttp.ClientSession) -> None:
    sim = await make_sim(dialect="v6", history_size=5)
    client = client_for(sim, session, dialect=Dialect.V6)
    sent = await fire_many(sim, 9)
    events = await client.list_events(at(BASE_MS - 1000))
    assert [e.event_id for e in events] == [s.event_id for s in sent[-5:]]
    old = sim.history_records[0]
    assert old.sent.event_id == sent[4].event_id
    # the images of dropped events are gone too
    assert await client.get_event_image("00" + str(BASE_MS / 1000), at(BASE_MS)) is None


async def test_arguments(sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect) -> None:
    client = client_for(sim, session, dialect=dialect)
    with pytest.raises(ValueError, match="timezone"):
        await client.list_events(datetime(2024, 1, 1))  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="timezone"):
        await client.list_events(at(BASE_MS), datetime(2024, 1, 1))  # noqa: DTZ001
    with pytest.raises(ValueError, match="page_size"):
        await client.list_events(at(BASE_MS), page_size=0)
    assert await client.list_events(at(BASE_MS), limit=0) == []

"""Fixtures for the client tests: a simulator per dialect and a real aiohttp session."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
from aiohttp import web
from hypothesis import HealthCheck, settings
import pytest

from custom_components.se5.client import (
    Backoff,
    Dialect,
    EventStream,
    ImageSelection,
    Recognition,
    StreamState,
    Subscription,
)
from se5sim import Simulator
from tests.helpers import Handler, start_http_server, wait_for

FAST_BACKOFF = Backoff(initial=0.05, maximum=0.2, stable_after=0.5)

# Property tests judge the client, never the machine's speed: no deadline per example, and no
# health check on how fast examples are generated (a busy machine is slow at both).
settings.register_profile(
    "busy-machine", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("busy-machine")


@pytest.fixture(autouse=True)
def _sockets(socket_enabled: None) -> None:
    """Every client test talks to a real simulator over 127.0.0.1."""


@pytest.fixture(params=[Dialect.V5, Dialect.V6], ids=["v5", "v6"])
def dialect(request: pytest.FixtureRequest) -> Dialect:
    return Dialect(request.param)


@pytest.fixture
async def sim(dialect: Dialect) -> AsyncIterator[Simulator]:
    simulator = Simulator(host="127.0.0.1", dialect=dialect.value, devices=3, seed=7)
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
async def fake_box() -> AsyncIterator[Callable[[Handler], Awaitable[int]]]:
    """Starts hand-written HTTP boxes on 127.0.0.1 (`start(handler)` -> port); stops them after."""
    runners: list[web.AppRunner] = []

    async def start(handler: Handler) -> int:
        port, runner = await start_http_server(handler)
        runners.append(runner)
        return port

    yield start
    for runner in runners:
        await runner.cleanup()


class Runner:
    """Iterates an EventStream in a task and queues what it yields."""

    def __init__(self, stream: EventStream) -> None:
        self.stream = stream
        self.queue: asyncio.Queue[Recognition] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        async for recognition in self.stream:
            await self.queue.put(recognition)

    async def __aenter__(self) -> Runner:
        self.task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stream.stop()
        assert self.task is not None
        await asyncio.wait_for(self.task, 10)

    async def next(self, timeout: float = 10.0) -> Recognition:
        return await asyncio.wait_for(self.queue.get(), timeout)

    async def connected(self) -> None:
        await wait_for(lambda: self.stream.state is StreamState.CONNECTED, what="connected")


def make_stream(
    session: aiohttp.ClientSession,
    sim: Simulator,
    dialect: Dialect,
    device_ids: tuple[str, ...] | None = None,
    images: ImageSelection | None = None,
    **kwargs: Any,
) -> EventStream:
    ids = tuple(d.id for d in sim.devices) if device_ids is None else device_ids
    options: dict[str, Any] = {"heartbeat": 5.0, "backoff": FAST_BACKOFF, **kwargs}
    return EventStream(
        session,
        "127.0.0.1",
        sim.ws_port,
        dialect=dialect,
        subscription=Subscription(
            ids, images or ImageSelection(face=True, scene=True, registered=True)
        ),
        **options,
    )

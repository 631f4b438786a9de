"""Fixtures for the simulator tests: simulators on free ports, an aiohttp client session."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest

from se5sim import Dialect, Simulator


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """A client session (sockets enabled)."""
    async with aiohttp.ClientSession() as client:
        yield client


@pytest.fixture
async def make_sim(socket_enabled: None) -> AsyncIterator[Callable[..., Any]]:
    """A factory of started simulators on free ports; all are stopped afterwards."""
    started: list[Simulator] = []

    async def factory(**kwargs: Any) -> Simulator:
        kwargs.setdefault("rest_port", 0)
        kwargs.setdefault("ws_port", 0)
        kwargs.setdefault("host", "127.0.0.1")
        kwargs.setdefault("seed", 1)
        sim = Simulator(**kwargs)
        await sim.start()
        started.append(sim)
        return sim

    yield factory
    for sim in started:
        await sim.stop()


@pytest.fixture(params=["v5", "v6"])
def dialect(request: pytest.FixtureRequest) -> Dialect:
    """Both firmware dialects."""
    value: Dialect = request.param
    return value


@pytest.fixture
async def sim(make_sim: Callable[..., Any], dialect: Dialect) -> Simulator:
    """A started simulator in each dialect, three devices."""
    result: Simulator = await make_sim(dialect=dialect)
    return result

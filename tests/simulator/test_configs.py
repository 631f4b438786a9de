"""The simulator's configuration: entries by name, pass mode, score scale, the whole list refused.

V5 (5.11 配置管理): GET `/SophonConfig/api/Configs/<name>`, PUT `{"config_dict"}`; V6
(5.11 config-manager): POST `getconfigs {"config_name"}`, `setconfigs {"config_dict"}`;
V5 GET `/SophonFogSys/api/PrettyScore` (5.5, page 10).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from se5sim import Simulator
from tests.simulator.helpers import wait_until

V5_CONFIGS = "/SophonConfig/api/Configs"
V6_GET = "/sophon/v2/face/getconfigs"
V6_SET = "/sophon/v2/face/setconfigs"
PRETTY_SCORE = "/SophonFogSys/api/PrettyScore"


async def read(session: aiohttp.ClientSession, sim: Simulator, name: str | None) -> tuple[int, Any]:
    """One entry by name, or (None) the whole list, as the box's dialect asks."""
    if sim.dialect == "v5":
        url = sim.rest_url + V5_CONFIGS + (f"/{name}" if name else "")
        async with session.get(url) as response:
            return response.status, await response.json(content_type=None)
    body = {"config_name": name} if name else {}
    async with session.post(sim.rest_url + V6_GET, json=body) as response:
        return response.status, await response.json(content_type=None)


async def write(session: aiohttp.ClientSession, sim: Simulator, entries: Any) -> tuple[int, Any]:
    body = {"config_dict": entries}
    if sim.dialect == "v5":
        async with session.put(sim.rest_url + V5_CONFIGS, json=body) as response:
            return response.status, await response.json(content_type=None)
    async with session.post(sim.rest_url + V6_SET, json=body) as response:
        return response.status, await response.json(content_type=None)


def value(sim: Simulator, answer: Any, name: str) -> Any:
    return (answer["data"] if sim.dialect == "v5" else answer)[name]


async def test_entries_by_name(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession, dialect: str
) -> None:
    sim: Simulator = await make_sim(dialect=dialect, mac="E0:A5:09:00:42:6C")
    status, answer = await read(session, sim, "DUPLICATE_REMOVAL_TIMEOUT")
    assert status == 200
    assert answer == (
        {"data": {"DUPLICATE_REMOVAL_TIMEOUT": 6}}
        if dialect == "v5"
        else {"DUPLICATE_REMOVAL_TIMEOUT": 6}
    )
    status, answer = await read(session, sim, "BOX_MAC")
    if dialect == "v5":
        assert (status, value(sim, answer, "BOX_MAC")) == (200, "0xe0a50900426c")
    else:  # V6 documents no BOX_MAC
        assert (status, answer["error"]["code"]) == (400, "INVALID_ARGUMENTS")
    status, answer = await read(session, sim, "NOPE")
    assert status == (404 if dialect == "v5" else 400)
    assert answer["error"]["code"] == (40400 if dialect == "v5" else "INVALID_ARGUMENTS")


async def test_the_whole_list_is_refused_when_strict(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession, dialect: str
) -> None:
    """It holds the box's MQ password, login token and web password."""
    sim: Simulator = await make_sim(dialect=dialect)
    status, answer = await read(session, sim, None)
    assert status == 400
    assert answer["error"]["code"] == (40000 if dialect == "v5" else "MISSING_ARGUMENTS")
    assert sim.config_list_reads == 1
    sim.strict = False
    status, answer = await read(session, sim, None)
    assert status == 200
    assert value(sim, answer, "MQ_PASSWORD")  # what a client must never ask for
    assert sim.config_list_reads == 2


async def test_pass_mode(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession, dialect: str
) -> None:
    sim: Simulator = await make_sim(dialect=dialect)
    key = "PASSMODE" if dialect == "v5" else "GATE_PASS_MODE"
    assert sim.pass_mode == "normal"
    status, answer = await read(session, sim, key)
    assert (status, value(sim, answer, key)) == (200, "normal")
    status, answer = await write(session, sim, {key: "allpass"})
    assert status == 200
    if dialect == "v5":
        assert answer == {"data": {"failed_configs": [], "success_configs": [key]}}
    else:
        assert answer == {key: "allpass"}
    assert sim.pass_mode == "allpass"
    assert sim.config_writes == [{key: "allpass"}]
    # A value outside the three, or an entry that cannot be written: refused, nothing changes.
    for entries in ({key: "open_sesame"}, {"THRESHOLD": 1}):
        status, answer = await write(session, sim, entries)
        if dialect == "v5":
            assert status == 200
            assert answer["data"]["failed_configs"] == list(entries)
        else:
            assert (status, answer["error"]["code"]) == (400, "INVALID_ARGUMENTS")
    assert sim.pass_mode == "allpass"
    sim.pass_mode = "allforbidden"
    assert value(sim, (await read(session, sim, key))[1], key) == "allforbidden"
    with pytest.raises(ValueError, match="pass mode"):
        sim.pass_mode = "open"


@pytest.mark.parametrize("mode", ["refuse", "error"])
async def test_write_faults(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession, dialect: str, mode: str
) -> None:
    sim: Simulator = await make_sim(dialect=dialect)
    key = "PASSMODE" if dialect == "v5" else "GATE_PASS_MODE"
    sim.fail_config_writes(mode)  # type: ignore[arg-type]
    status, answer = await write(session, sim, {key: "allpass"})
    if mode == "error":
        assert status == 500
        assert answer["error"]["code"] == (50000 if dialect == "v5" else "INTERNAL_ERROR")
    elif dialect == "v5":
        assert (status, answer["data"]["failed_configs"]) == (200, [key])
    else:
        assert (status, answer["error"]["code"]) == (400, "INVALID_ARGUMENTS")
    assert sim.pass_mode == "normal"
    sim.fail_config_writes(None)
    assert (await write(session, sim, {key: "allpass"}))[0] == 200
    assert sim.pass_mode == "allpass"
    with pytest.raises(ValueError, match="mode"):
        sim.fail_config_writes("jam")  # type: ignore[arg-type]


@pytest.mark.parametrize("scale", [1, 100])
async def test_the_score_scale_the_box_tells(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession, dialect: str, scale: int
) -> None:
    sim: Simulator = await make_sim(dialect=dialect, score_scale=scale)
    key = "THRESHOLD" if dialect == "v5" else "MATCH_THRESHOLD"
    status, answer = await read(session, sim, key)
    threshold = value(sim, answer, key)
    assert status == 200
    assert (threshold > 1) is (scale == 100)
    if dialect == "v6":
        return
    async with session.get(sim.rest_url + PRETTY_SCORE) as response:
        body = await response.json(content_type=None)
        if scale == 100:
            assert response.status == 200
            assert body == {"data": {"threshold_range": [0.0, 80.0, 100.0]}}
        else:  # a 0..1 box: a firmware without the call
            assert (response.status, body["error"]["code"]) == (404, 40400)


async def test_a_write_held_without_an_answer(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession, dialect: str
) -> None:
    """`timeout`: the box never answers until cleared; then it carries the write out."""
    sim: Simulator = await make_sim(dialect=dialect)
    key = "PASSMODE" if dialect == "v5" else "GATE_PASS_MODE"
    sim.fail_config_writes("timeout")
    pending = asyncio.ensure_future(write(session, sim, {key: "allpass"}))
    await wait_until(lambda: sim.held_requests == 1)
    assert sim.pass_mode == "normal"
    sim.fail_config_writes(None)
    status, _ = await pending
    assert status == 200
    assert sim.pass_mode == "allpass"

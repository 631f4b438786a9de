"""Database bytes per recognition with the recorder on (SQLite), through Home Assistant.

The box (the simulator in its own process) fires recognitions five seconds apart on its own
clock (`Simulator.fire(..., timestamp_ms=...)`), on each of its four devices in turn, of random
people (registered or not): whole-second states such as *Last recognition* change with each, as
at a real door. The database is measured as the pages it uses (WAL checkpointed), before and
after, the recorder having committed everything.

The RSS row runs the same recognitions by the thousand with SQLite's page cache held at
0.5 MiB: Home Assistant gives it 16 MiB (`PRAGMA cache_size = -16384`), which fills as the
database grows and would hide a leak for the first ~12,000 recognitions (the soak sees it).
"""

from __future__ import annotations

import asyncio
import gc
import tempfile
import time
from typing import Any
from unittest.mock import patch

from bench_stream import Row, _rss_mb
from ha_runner import fire, home_assistant, make_entry, set_up, simulator
from homeassistant.components.recorder import get_instance, util as recorder_util
from homeassistant.core import HomeAssistant
from homeassistant.helpers import recorder as recorder_helper
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from sqlalchemy import text

CONFIGS: tuple[tuple[str, str], ...] = (
    ("default options and entities (face crop)", ""),
    ("+ scene photo (V5) and its camera", "scene"),
    ("+ every per-recognition entity (event, last person, type, time, counter)", "scene,all"),
)


GROUPS = {"states": "state rows", "event": "se5_event rows", "state_attributes": "attributes"}
"""Tables and their indexes, grouped by what they hold (the name's start)."""


async def _measure(hass: HomeAssistant) -> dict[str, int]:
    """Bytes used in all ("total") and by table group; state rows ("state_rows")."""
    instance = get_instance(hass)

    def measure() -> dict[str, int]:
        assert instance.engine is not None
        with instance.engine.connect() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            pages = connection.execute(text("PRAGMA page_count")).scalar_one()
            free = connection.execute(text("PRAGMA freelist_count")).scalar_one()
            size = connection.execute(text("PRAGMA page_size")).scalar_one()
            found = {"total": int((pages - free) * size)}
            found["state_rows"] = connection.execute(
                text("SELECT COUNT(*) FROM states")
            ).scalar_one()
            for name, used in connection.execute(
                text("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
            ):
                group = _group(name)
                found[group] = found.get(group, 0) + int(used)
        return found

    return await instance.async_add_executor_job(measure)


def _group(name: str) -> str:
    bare = name.removeprefix("ix_")
    if bare.startswith("state_attributes"):
        return "state_attributes"
    if bare.startswith("states_meta"):
        return "other"
    for group in ("states", "event"):
        if bare.startswith(group):
            return group
    return "other"


async def rss_slope(count: int, warm_up: int) -> float:
    """RSS growth in MB per 1,000 recognitions from `warm_up` to `count` (least squares over a
    mark every 1,000), recorder on, SQLite's page cache small."""
    original = recorder_util.execute_on_connection

    def small_cache(connection: Any, statement: str) -> None:
        original(connection, statement.replace("cache_size = -16384", "cache_size = -512"))

    marks: list[tuple[float, float]] = []
    with (
        tempfile.TemporaryDirectory(prefix="se5-db-") as folder,
        patch.object(recorder_util, "execute_on_connection", small_cache),
    ):
        async with home_assistant() as hass, simulator("--devices=4") as info:
            db_url = f"sqlite:///{folder}/home-assistant_v2.db"
            recorder_helper.async_initialize_recorder(hass)
            assert await async_setup_component(hass, "recorder", {"recorder": {"db_url": db_url}})
            entry = make_entry(info, people=info["people"])
            await set_up(hass, entry)
            push = entry.runtime_data.push
            start = int(time.time() * 1000) - count * 1_000
            for number in range(1, count + 1):
                device = info["devices"][number % len(info["devices"])]
                await fire(info, device_id=device, timestamp_ms=start + number * 1_000)
                # One at a time: a backlog's peak (frames of 0.45 MB) is not what is measured.
                await _until(hass, lambda n=number: push.recognitions == n)
                if number >= warm_up and number % 1_000 == 0:
                    await async_wait_recording_done(hass)
                    gc.collect()
                    marks.append((number / 1000, _rss_mb()))
            await hass.config_entries.async_unload(entry.entry_id)
    return _slope(marks)


def _slope(points: list[tuple[float, float]]) -> float:
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0


async def bytes_per_recognition(count: int, extra: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="se5-db-") as folder:
        async with home_assistant() as hass, simulator("--devices=4") as info:
            db_url = f"sqlite:///{folder}/home-assistant_v2.db"
            recorder_helper.async_initialize_recorder(hass)  # as Home Assistant's bootstrap does
            assert await async_setup_component(hass, "recorder", {"recorder": {"db_url": db_url}})
            # As the config flow makes the entry: all devices, the small register followed.
            entry = make_entry(info, people=info["people"], scene_image="scene" in extra)
            enable: list[tuple[str, str | None, str]] = []
            if "scene" in extra:
                enable += [("camera", device, "last_scene") for device in info["devices"]]
            if "all" in extra:
                for device in info["devices"]:
                    enable.append(("event", device, "recognition"))
                    enable += [
                        ("sensor", device, key)
                        for key in ("last_person", "last_person_type", "last_recognition")
                    ]
                enable.append(("sensor", None, "recognitions"))
            await set_up(hass, entry, enable=tuple(enable))
            await async_wait_recording_done(hass)
            before = await _measure(hass)
            push = entry.runtime_data.push
            start = int(time.time() * 1000) - count * 5_000
            for number in range(count):
                device = info["devices"][number % len(info["devices"])]
                await fire(info, device_id=device, timestamp_ms=start + number * 5_000)
                await _until(hass, lambda n=number: push.recognitions == n + 1)
            await async_wait_recording_done(hass)
            after = await _measure(hass)
            await hass.config_entries.async_unload(entry.entry_id)
    return {key: (after.get(key, 0) - before.get(key, 0)) / count for key in after}


async def _until(hass: HomeAssistant, check: Any) -> None:
    deadline = time.monotonic() + 30
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError("a recognition did not arrive")
        await asyncio.sleep(0.002)


async def rows(count: int, rss_count: int) -> list[Row]:
    result = []
    for label, extra in CONFIGS:
        figures = await bytes_per_recognition(count, extra)
        result.append(
            Row(f"database per recognition, {label}", "B", None, figures["total"], "<= 1024",
                False)
        )  # fmt: skip
        parts = ", ".join(f"{what} {figures.get(group, 0):.0f} B" for group, what in GROUPS.items())
        result.append(Row(f"  state rows; {parts}", "rows", None, figures["state_rows"]))
    warm_up = rss_count // 4
    result.append(
        Row(f"RSS slope {warm_up // 1000}k -> {rss_count // 1000}k recognitions, recorder on "
            "(SQLite cache 0.5 MiB)", "MB/1,000", None, await rss_slope(rss_count, warm_up),
            "flat", False)
    )  # fmt: skip
    return result

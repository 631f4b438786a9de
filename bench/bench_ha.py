"""Benchmark through Home Assistant: the integration's cost per recognition against HA's own.

Run by hand (numbers, not assertions), about 6 minutes (--quick: a tenth of the frames):
    .venv/py3.13/bin/python bench/bench_ha.py                  HA 2025.4, aiohttp 3.11
    .ci/chroot-py314 .venv/py3.14/bin/python bench/bench_ha.py --only pipeline   HA 2026.10

Home Assistant runs in this process (bench/ha_runner.py: as pytest-homeassistant-custom-
component starts it, asyncio debug off); the box's REST and system APIs are the simulator in
its own process (bench/sim_box.py), and the frames come from the bench box (bench/box.py) in
another process, as in bench_stream.py. Three consumers of the same frames, one run each in
turn, best of three:
- raw loop: aiohttp + orjson, nothing else (bench_stream.raw_loop);
- HA floor: Home Assistant receiving the frames on its own aiohttp session and doing, per
  frame, no parsing, one `se5_event` on the bus and the same real state writes as the pipeline
  (an event entity's trigger and write, plus a sensor write for each further state the pipeline
  wrote per frame): what the integration cannot beat;
- HA pipeline: the integration set up from a config entry: frame -> client -> `se5_event` and
  entity states.
Rows for the recorder (bench/ha_recorder.py) and a thousand devices (bench/ha_many.py) follow.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator, Callable
import contextlib
from dataclasses import dataclass
from datetime import timedelta
import gc
import logging
import sys
import time
from typing import Any

import aiohttp
import bench_stream
from bench_stream import LagMonitor, Row, raw_loop
import ha_many
import ha_recorder
from ha_runner import ROOT, home_assistant, make_entry, remove, set_up, simulator
from homeassistant.components.event import EventEntity
from homeassistant.components.sensor import SensorEntity
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.entity_platform import EntityPlatform

from custom_components.se5.const import EVENT_SE5, PERSON_TYPES

_LOGGER = logging.getLogger(__name__)
DELAY = 1.0
"""Seconds between a subscription and the first frame: the set-up's last writes are done."""


@dataclass
class Run:
    seconds: float
    latencies: list[float]
    writes_per_frame: float


@contextlib.asynccontextmanager
async def box(kind: str, count: int, rate: float, device_id: str) -> AsyncIterator[int]:
    """The bench box (bench/box.py) in its own process; its port."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "bench" / "box.py"), f"--kind={kind}", f"--count={count}",
        f"--rate={rate}", f"--device-id={device_id}", f"--delay={DELAY}",
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    try:
        yield int(await process.stdout.readline())
    finally:
        process.terminate()
        await process.wait()


# The floor: Home Assistant's own cost of what the pipeline does per frame ---------------------

EVENT_DATA = {
    "device_id": "0123456789abcdef0123456789abcdef",
    "device_name": "Front gate",
    "identity_id": "888888",
    "identity_name": "Wei Zhang",
    "person_type": "employee",
    "score": 0.87,
    "timestamp": "2023-11-14T22:13:20.000+00:00",
}
ATTRIBUTES = {"identity_name": "Wei Zhang", "identity_id": "888888", "score": 0.87, "group": "g"}


class FloorEvent(EventEntity):
    _attr_should_poll = False
    _attr_event_types = PERSON_TYPES
    _unrecorded_attributes = frozenset(ATTRIBUTES)

    def __init__(self, floor: int) -> None:
        self._attr_unique_id = f"floor_{floor}_recognition"
        self._attr_name = f"Floor {floor} recognition"


class FloorSensor(SensorEntity):
    _attr_should_poll = False

    def __init__(self, floor: int, number: int) -> None:
        self._attr_unique_id = f"floor_{floor}_sensor_{number}"
        self._attr_name = f"Floor {floor} sensor {number}"
        self._attr_native_value = 0


class Floor:
    """One `se5_event` and the same state writes per frame, no parsing."""

    made = 0

    def __init__(self, hass: HomeAssistant) -> None:
        self.hass = hass
        Floor.made += 1
        self.number = Floor.made
        self.event = FloorEvent(self.number)
        self.sensors: list[FloorSensor] = []
        self.active: list[FloorSensor] = []

    async def async_add(self, writes_per_frame: int) -> None:
        """The entities: an event entity, and a sensor for each other write of a frame."""
        if self.event.hass is None:
            await self._platform("event").async_add_entities([self.event])
        wanted = max(0, writes_per_frame - 1)
        if len(self.sensors) < wanted:
            new = [FloorSensor(self.number, n) for n in range(len(self.sensors), wanted)]
            await self._platform("sensor").async_add_entities(new)
            self.sensors.extend(new)
        self.active = self.sensors[:wanted]

    def _platform(self, domain: str) -> EntityPlatform:
        return EntityPlatform(
            hass=self.hass, logger=_LOGGER, domain=domain, platform_name="floor", platform=None,
            scan_interval=timedelta(seconds=30), entity_namespace=None,
        )  # fmt: skip

    async def run(self, port: int) -> None:
        session = async_get_clientsession(self.hass)
        async with session.ws_connect(f"ws://127.0.0.1:{port}/", max_msg_size=0) as ws:
            await ws.send_str(bench_stream.SUBSCRIPTION_TEXT)
            async for message in ws:
                self.handle(message.data)

    def handle(self, text: str) -> None:
        start = text.find('"event_id": "') + 13
        self.hass.bus.async_fire(EVENT_SE5, {**EVENT_DATA, "event_id": text[start : start + 20]})
        self.event._trigger_event("employee", ATTRIBUTES)  # noqa: SLF001 - as an integration does
        self.event.async_write_ha_state()
        for sensor in self.active:
            sensor._attr_native_value = int(sensor._attr_native_value or 0) + 1  # noqa: SLF001
            sensor.async_write_ha_state()


# Runs through Home Assistant ------------------------------------------------------------------


async def through_ha(
    hass: HomeAssistant,
    info: dict[str, Any],
    kind: str,
    count: int,
    rate: float = 0.0,
    *,
    floor: Floor | None = None,
    monitor: LagMonitor | None = None,
    on_frame: Callable[[int], None] | None = None,
) -> Run:
    """`count` frames from the bench box through the pipeline (or the floor)."""
    latencies: list[float] = []
    first: list[float] = []
    writes = [0]
    done = asyncio.Event()

    @callback
    def on_event(event: Event[Any]) -> None:
        now = time.monotonic_ns()
        if not first:
            first.append(now / 1e9)
        latencies.append((now - int(event.data["event_id"])) / 1e9)
        if monitor is not None:
            monitor.mark()
        if on_frame is not None:
            on_frame(len(latencies))
        if len(latencies) >= count:
            done.set()

    @callback
    def on_state(_event: Event[Any]) -> None:
        writes[0] += 1

    unsubscribe = [
        hass.bus.async_listen(EVENT_SE5, on_event),
        hass.bus.async_listen(EVENT_STATE_CHANGED, on_state),
    ]
    entry = task = None
    try:
        async with box(kind, count, rate, info["devices"][0]) as port:
            if floor is None:
                entry = make_entry(info, event_port=port)
                await set_up(hass, entry)
            else:
                task = hass.async_create_background_task(floor.run(port), "floor")
            writes[0] = 0
            await asyncio.wait_for(done.wait(), 600)
    finally:
        for unsub in unsubscribe:
            unsub()
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if entry is not None:
            await remove(hass, entry)
    return Run(time.monotonic() - first[0], latencies, writes[0] / count)


async def raw(kind: str, count: int, rate: float = 0.0, monitor: LagMonitor | None = None) -> Run:
    seconds, latencies = await bench_stream.receive(raw_loop, kind, count, rate, monitor)
    return Run(seconds, latencies, 0.0)


async def throughput(hass: HomeAssistant, info: dict[str, Any], kind: str, count: int) -> dict:
    """Frames per second for the raw loop, the floor and the pipeline, best of three."""
    floor = Floor(hass)
    best: dict[str, float] = {}
    writes = 0.0
    for _ in range(3):
        pipeline = await through_ha(hass, info, kind, count)
        writes = pipeline.writes_per_frame
        await floor.async_add(round(writes))
        runs = {
            "pipeline": pipeline,
            "floor": await through_ha(hass, info, kind, count, floor=floor),
            "raw": await raw(kind, count),
        }
        for name, run in runs.items():
            best[name] = max(best.get(name, 0.0), count / run.seconds)
    best["writes"] = writes
    return best


def throughput_rows(small: dict, image: dict) -> list[Row]:
    rows = []
    for label, figures, goal_floor, goal_raw in (
        ("1 KB", small, ">= 0.5x", ""),
        ("~450 KB", image, "", ">= 0.5x"),
    ):
        writes = f"{figures['writes']:.2f} writes/frame"
        rows += [
            Row(f"HA floor vs raw loop, {label} ({writes})", "frames/s", figures["raw"],
                figures["floor"]),
            Row(f"HA pipeline vs HA floor, {label}", "frames/s", figures["floor"],
                figures["pipeline"], goal_floor),
            Row(f"HA pipeline vs raw loop, {label}", "frames/s", figures["raw"],
                figures["pipeline"], goal_raw),
        ]  # fmt: skip
    return rows


async def latency(
    hass: HomeAssistant, info: dict[str, Any], kind: str, seconds: float, label: str
) -> list[Row]:
    count = int(50 * seconds)
    base = await raw(kind, count, 50)
    pipeline = await through_ha(hass, info, kind, count, 50)
    rows = []
    for name, quantile, goal in (("p50", 50, ""), ("p99", 99, "< 5 ms")):
        rows.append(
            Row(f"latency {name} frame -> se5_event, {label} at 50/s", "ms",
                bench_stream._percentile(base.latencies, quantile) * 1e3,  # noqa: SLF001
                bench_stream._percentile(pipeline.latencies, quantile) * 1e3,  # noqa: SLF001
                goal, higher_is_better=False)
        )  # fmt: skip
    return rows


async def longest_block(  # noqa: PLR0917
    hass: HomeAssistant, info: dict[str, Any], kind: str, count: int, rate: float, label: str,
    goal: str,
) -> Row:  # fmt: skip
    """The longest loop block, best of three runs (see bench_stream.longest_block)."""
    raw_best = pipeline_best = float("inf")
    for _ in range(3):
        with LagMonitor() as monitor:
            await raw(kind, count, rate, monitor)
        raw_best = min(raw_best, monitor.longest)
        with LagMonitor() as monitor:
            await through_ha(hass, info, kind, count, rate, monitor=monitor)
        pipeline_best = min(pipeline_best, monitor.longest)
    return Row(f"longest loop block, {label}, through HA", "ms", raw_best * 1e3,
               pipeline_best * 1e3, goal, False)  # fmt: skip


async def rss_growth(hass: HomeAssistant, info: dict[str, Any], count: int, warm_up: int) -> Row:
    marks: dict[int, float] = {}

    def on_frame(seen: int) -> None:
        if seen in (warm_up, count):
            gc.collect()  # garbage of earlier rows is not growth
            marks[seen] = bench_stream._rss_mb()  # noqa: SLF001

    await through_ha(hass, info, "small", count, on_frame=on_frame)
    return Row(
        f"RSS growth {warm_up // 1000}k -> {count // 1000}k recognitions through HA (1 KB)",
        "MB", None, marks[count] - marks[warm_up], "flat", False,
    )  # fmt: skip


async def pipeline_rows(scale: int) -> list[Row]:
    async with home_assistant() as hass, simulator("--devices=1") as info:
        small = await throughput(hass, info, "small", 20_000 // scale)
        image = await throughput(hass, info, "image", 400 // scale)
        rows = throughput_rows(small, image)
        rows += await latency(hass, info, "small", 20 / scale, "1 KB")
        rows += await latency(hass, info, "image", 20 / scale, "~450 KB")
        rows.append(
            await longest_block(hass, info, "large", 100 // scale, 20, "0.6 MB at 20/s", "")
        )
        rows.append(await longest_block(hass, info, "huge", 6, 1, "16 MB at 1/s", "< 20 ms"))
        rows.append(await rss_growth(hass, info, 100_000 // scale, 10_000 // scale))
    return rows


async def run(quick: bool, only: set[str]) -> list[Row]:
    scale = 10 if quick else 1
    rows: list[Row] = []
    if "pipeline" in only:
        rows += await pipeline_rows(scale)
    if "recorder" in only:
        rows += await ha_recorder.rows(300 // scale, 16_000 // scale)
    if "many" in only:
        rows += await ha_many.rows(1000)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the frames")
    parser.add_argument(
        "--only", default="pipeline,recorder,many", help="comma-separated: pipeline,recorder,many"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    started = time.monotonic()
    rows = asyncio.run(run(args.quick, set(args.only.split(","))))
    bench_stream.print_table(rows, base="baseline", measured="measured")
    print(
        f"({time.monotonic() - started:.0f} s; {sys.version.split()[0]}, aiohttp "
        f"{aiohttp.__version__}, Home Assistant {_ha_version()})"
    )


def _ha_version() -> str:
    from homeassistant.const import __version__  # noqa: PLC0415

    return __version__


if __name__ == "__main__":
    main()

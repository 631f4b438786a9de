"""Hostile boxes, measured: memory, requests and event-loop blocks, for this code or another.

Run by hand (numbers, not assertions), each case in its own process (peak RSS is per process):
    .venv/py3.13/bin/python bench/bench_hostile.py                     every case, this tree
    .venv/py3.13/bin/python bench/bench_hostile.py --code /work/main   every case, another tree
    .venv/py3.13/bin/python bench/bench_hostile.py flood               one case
Cases (the box: tests/client/hostile.py, in this process; the flood's box in another process):
  flood    200 frames of ~1.5 MiB to a consumer that takes one and stalls: peak RSS growth, the
           bytes the wire tap holds, the bytes read from the socket.
  json     one 31 MiB frame of `[{},{},…]` through the big-frame parser: time, and the peak of
           Python's allocations (tracemalloc) during a second run.
  paging   the history recovery's request (500 events) against a box that serves one event per
           page of a million: pages asked for, events returned, the loop's longest block.
  devices  Home Assistant with a box that lists 5,000 new device ids, then refreshes: devices
           followed, the entry's known ids, the loop's longest block during the refresh.
`--code DIR` imports `custom_components` from DIR (e.g. the main branch before a change); the
hostile box and this script stay this tree's.
"""

# The client's modules are imported inside the cases, after --code has chosen the tree.
# ruff: noqa: PLC0415

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
import contextlib
import importlib
import json
from pathlib import Path
import resource
import subprocess
import sys
import time
import tracemalloc
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.client import hostile as kit  # noqa: E402 - before --code moves custom_components

MIB = 1024 * 1024
CASES = ("flood", "json", "paging", "devices")


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class LoopWatch:
    """The longest the event loop went without running a 5 ms ticker."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(0.005)
            self.longest = max(self.longest, loop.time() - before - 0.005)

    def __enter__(self) -> LoopWatch:
        self._task = asyncio.get_running_loop().create_task(self._tick())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


async def flood() -> dict[str, Any]:
    import aiohttp

    from custom_components.se5.client import Dialect, EventStream, Subscription

    process = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "bench" / "box.py"), "--kind=big", "--count=200",
        "--batch=1", stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    port = int(await process.stdout.readline())
    base = _rss_mib()
    async with aiohttp.ClientSession() as session:
        stream = EventStream(
            session, "127.0.0.1", port, dialect=Dialect.V5, subscription=Subscription(("cam-1",))
        )
        got = asyncio.Event()

        async def stalled() -> None:
            async for _recognition in stream:
                got.set()
                await asyncio.Event().wait()

        task = asyncio.create_task(stalled())
        await asyncio.wait_for(got.wait(), 60)
        tap = getattr(stream, "_tap", None)
        last, still = -1, 0
        while still < 20:  # until nothing more was read for 2 s
            await asyncio.sleep(0.1)
            now = tap.bytes_received if tap is not None else 0
            still = still + 1 if now == last else 0
            last = now
        peak = _peak_mib() - base
        held = getattr(tap, "peak_held_bytes", None)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await stream.stop()
    process.terminate()
    await process.wait()
    return {
        "peak_rss_growth_mib": round(peak, 1),
        "held_peak_mib": None if held is None else round(held / MIB, 1),
        "read_mib": round(last / MIB, 1),
        "sent_mib": round(200 * 1.5, 1),
    }


async def json_frame() -> dict[str, Any]:
    from custom_components.se5.client import FrameError, ImageSelection
    from custom_components.se5.client.bigframe import parse_big_frame

    data = b"[" + b"{}," * (31 * MIB // 3) + b"{}]"
    chunks = [data[i : i + 65536] for i in range(0, len(data), 65536)]
    del data
    outcome = "parsed"

    def parse() -> None:
        nonlocal outcome
        try:
            parse_big_frame(list(chunks), ImageSelection())
        except FrameError as err:
            outcome = f"refused ({err.kind})"

    started = time.perf_counter()
    parse()
    seconds = time.perf_counter() - started
    tracemalloc.start()  # Python's allocations (json's objects included) during a second parse
    parse()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "outcome": outcome,
        "seconds": round(seconds, 3),
        "peak_allocated_mib": round(peak / MIB, 1),
    }


async def paging() -> dict[str, Any]:
    from datetime import UTC, datetime, timedelta

    import aiohttp

    from custom_components.se5.client import Dialect, Se5Client

    box = kit.HostileBox()
    now_ms = int(time.time() * 1000)

    def one_per_page(request: Any) -> Any:
        page = int(request.query["page"])
        event = {
            "_id": f"e{page}",
            "timestamp": (now_ms - 10 * (page + 1)) / 1000,
            "common": {"identity_id": "1", "ep_info": {"device_id": "cam-1"}},
        }
        pagination = {"num_pages": 10**6, "page": page, "per_page": 1, "total_count": 10**6}
        return {"data": [event], "pagination": pagination}

    box.history = one_per_page
    await box.start()
    try:
        async with aiohttp.ClientSession() as session:
            client = Se5Client(session, box.host, box.rest_port, dialect=Dialect.V5)
            with LoopWatch() as watch:
                found = await client.list_events(datetime.now(UTC) - timedelta(days=1), limit=500)
    finally:
        await box.stop()
    return {
        "pages": box.hits["/SophonFace/api/events"],
        "events": len(found),
        "longest_loop_block_ms": round(watch.longest * 1000, 1),
    }


async def devices() -> dict[str, Any]:
    # From --code, before bench.ha_runner puts this tree first on the path.
    importlib.import_module("custom_components.se5")
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from bench.ha_runner import home_assistant

    box = kit.HostileBox(devices=2)
    await box.start()
    try:
        async with home_assistant() as hass:
            entry = MockConfigEntry(
                domain="se5",
                title="SE5 bench",
                unique_id=box.serial,
                version=2,
                minor_version=2,
                data={
                    "host": box.host, "rest_port": box.rest_port, "event_port": box.ws_port,
                    "system_port": box.system_port, "dialect": "v5", "mac": box.mac,
                },
                options={
                    "devices": ["cam-1", "cam-2"], "known_devices": ["cam-1", "cam-2"],
                    "follow_new": True, "face_image": True, "scene_image": False,
                    "registered_image": False, "people": [],
                },
            )  # fmt: skip
            entry.add_to_hass(hass)
            assert await hass.config_entries.async_setup(entry.entry_id)
            await hass.async_block_till_done()
            box.devices = kit.rotating_devices(5_000)
            coordinator = entry.runtime_data.devices
            with LoopWatch() as watch:
                started = time.perf_counter()
                await coordinator.async_refresh()
                await hass.async_block_till_done()
                took = time.perf_counter() - started
            result = {
                "followed": len(entry.options["devices"]),
                "known_ids": len(entry.options["known_devices"]),
                "refresh_seconds": round(took, 2),
                "longest_loop_block_ms": round(watch.longest * 1000, 1),
            }
            await hass.config_entries.async_unload(entry.entry_id)
            return result
    finally:
        await box.stop()


RUNNERS: dict[str, Callable[[], Awaitable[dict[str, Any]]]] = {
    "flood": flood,
    "json": json_frame,
    "paging": paging,
    "devices": devices,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("case", nargs="?", choices=(*CASES, "all"), default="all")
    parser.add_argument("--code", type=Path, help="import custom_components from this tree")
    args = parser.parse_args()
    if args.case == "all":
        for case in CASES:
            command = [sys.executable, __file__, case]
            if args.code:
                command += ["--code", str(args.code)]
            done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
            line = done.stdout
            print(f"{case:8} {line.strip().splitlines()[-1] if line.strip() else '(failed)'}")
        return
    if args.code:
        sys.path.insert(0, str(args.code.resolve()))
    result = asyncio.run(RUNNERS[args.case]())
    print(json.dumps({"code": str(args.code or ROOT), **result}))


if __name__ == "__main__":
    main()

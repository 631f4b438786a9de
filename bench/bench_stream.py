"""Benchmark of the client: throughput, latency, loop blocks and memory, against a raw loop.

Run by hand (numbers, not assertions), about 2.5 minutes (--quick: a tenth of the frames):
    .venv/py3.13/bin/python bench/bench_stream.py              HA 2025.4 line, aiohttp 3.11
    .ci/chroot-py314 .venv/py3.14/bin/python bench/bench_stream.py   HA 2026.10, aiohttp 3.14

Every figure comes from frames sent by a bench box in ANOTHER PROCESS (bench/box.py) over
127.0.0.1, and is printed beside the same measure for a raw aiohttp + orjson loop (connect,
subscribe, `orjson.loads` each frame, nothing else): ratios from one run mean something on a
busy machine, absolute figures much less. asyncio debug mode is off.

Each measure is one small function returning a `Row`; `main()` prints them as one table, so
that more rows (Home Assistant's side) can be added beside these.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import contextlib
from dataclasses import dataclass
from pathlib import Path
import statistics
import sys
import time

import aiohttp
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from custom_components.se5.client import (  # noqa: E402
    Dialect,
    EventStream,
    ImageSelection,
    Subscription,
)

SUBSCRIPTION = Subscription(("cam-1",), ImageSelection(face=True, scene=True))
SUBSCRIPTION_TEXT = SUBSCRIPTION.to_wire(Dialect.V5)


@dataclass
class Row:
    """One line of the table: what, the raw loop's figure, the client's, the goal."""

    what: str
    unit: str
    raw: float | None
    client: float
    goal: str = ""
    higher_is_better: bool = True

    def ratio(self) -> str:
        if not self.raw or not self.client:
            return ""
        value = self.client / self.raw if self.higher_is_better else self.raw / self.client
        return f"{value:.2f}x"


# The box process -------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def box(kind: str, count: int, rate: float = 0.0) -> AsyncIterator[int]:
    """A bench box in its own process; its port."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bench" / "box.py"),
        f"--kind={kind}",
        f"--count={count}",
        f"--rate={rate}",
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    try:
        yield int(await process.stdout.readline())
    finally:
        process.terminate()
        await process.wait()


# Consumers: the raw loop and the client, each calling `on_frame(event_id)` per frame ------------

OnFrame = Callable[[str], bool]
"""Called with each frame's event id; returns False to stop."""


async def raw_loop(session: aiohttp.ClientSession, port: int, on_frame: OnFrame) -> None:
    async with session.ws_connect(f"ws://127.0.0.1:{port}/", max_msg_size=0) as ws:
        await ws.send_str(SUBSCRIPTION_TEXT)
        async for message in ws:
            if not on_frame(orjson.loads(message.data)["event_id"]):
                return


async def client_loop(session: aiohttp.ClientSession, port: int, on_frame: OnFrame) -> None:
    stream = EventStream(session, "127.0.0.1", port, dialect=Dialect.V5, subscription=SUBSCRIPTION)
    async for recognition in stream:
        if not on_frame(recognition.event_id or ""):
            await stream.stop()


Consumer = Callable[[aiohttp.ClientSession, int, OnFrame], Awaitable[None]]


async def receive(
    consumer: Consumer, kind: str, count: int, rate: float = 0.0, monitor: LagMonitor | None = None
) -> tuple[float, list[float]]:
    """Seconds from the first to the last of `count` frames, and each frame's latency (s)."""
    latencies: list[float] = []
    first: list[float] = []

    def on_frame(event_id: str) -> bool:
        now = time.monotonic_ns()
        if not first:
            first.append(now / 1e9)
        latencies.append((now - int(event_id)) / 1e9)
        if monitor is not None:
            monitor.mark()
        return len(latencies) < count

    async with box(kind, count, rate) as port, aiohttp.ClientSession() as session:
        await asyncio.wait_for(consumer(session, port, on_frame), 600)
    return time.monotonic() - first[0], latencies


class LagMonitor:
    """How long the loop was held: how late a 1 ms timer fires, the longest per frame."""

    def __init__(self) -> None:
        self.per_frame: list[float] = []
        self._current = 0.0
        self._task: asyncio.Task[None] | None = None

    @property
    def longest(self) -> float:
        return max(self.per_frame, default=0.0)

    @property
    def median(self) -> float:
        return statistics.median(self.per_frame) if self.per_frame else 0.0

    def mark(self) -> None:
        """A frame was delivered: what the loop suffered until then counts for it."""
        self.per_frame.append(self._current)
        self._current = 0.0

    async def _run(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(0.001)
            self._current = max(self._current, time.perf_counter() - started - 0.001)

    def __enter__(self) -> LagMonitor:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


# Measures ----------------------------------------------------------------------------------


async def throughput(kind: str, count: int, label: str, runs: int = 3) -> Row:
    """Frames per second, best of `runs` runs each (runs alternate between the two loops)."""
    raw_s, client_s = [], []
    for _ in range(runs):
        raw_s.append((await receive(raw_loop, kind, count))[0])
        client_s.append((await receive(client_loop, kind, count))[0])
    return Row(f"throughput, {label}", "frames/s", count / min(raw_s), count / min(client_s))


async def latency(kind: str, rate: float, seconds: float, label: str) -> list[Row]:
    count = int(rate * seconds)
    _, raw = await receive(raw_loop, kind, count, rate)
    _, client = await receive(client_loop, kind, count, rate)
    rows = []
    for name, quantile in (("p50", 50), ("p99", 99)):
        raw_q = _percentile(raw, quantile) * 1e3
        client_q = _percentile(client, quantile) * 1e3
        rows.append(Row(f"latency {name}, {label}", "ms", raw_q, client_q, higher_is_better=False))
    return rows


async def longest_block(
    kind: str, count: int, label: str, goal: str, *, rate: float = 0.0, runs: int = 3
) -> list[Row]:
    """The longest loop block while `count` frames arrive, and the median of per-frame blocks.

    Best of `runs` runs (the one with the shortest longest block): on a shared machine a run can
    lose the CPU for tens of milliseconds, which the lag monitor cannot tell from a block.
    """
    best: list[LagMonitor] = []
    for consumer in (raw_loop, client_loop):
        monitors = []
        for _ in range(runs):
            with LagMonitor() as monitor:
                _, latencies = await receive(consumer, kind, count, rate, monitor)
            assert len(latencies) == count
            monitors.append(monitor)
        best.append(min(monitors, key=lambda m: m.longest))
    raw, client = best
    return [
        Row(f"longest loop block, {label}", "ms", raw.longest * 1e3, client.longest * 1e3, goal,
            False),
        Row("  median of per-frame blocks", "ms", raw.median * 1e3, client.median * 1e3, "",
            False),
    ]  # fmt: skip


async def rss_growth(count: int, warm_up: int) -> Row:
    """RSS growth of this process between `warm_up` and `count` recognitions (no raw figure)."""
    marks: dict[int, float] = {}

    def on_frame(event_id: str) -> bool:
        seen = len(marks_counter)
        marks_counter.append(None)
        if seen + 1 in (warm_up, count):
            marks[seen + 1] = _rss_mb()
        return seen + 1 < count

    marks_counter: list[None] = []
    async with box("small", count) as port, aiohttp.ClientSession() as session:
        await client_loop(session, port, on_frame)
    growth = marks[count] - marks[warm_up]
    return Row(
        f"RSS growth {warm_up // 1000}k -> {count // 1000}k recognitions (1 KB)",
        "MB",
        None,
        growth,
        "flat",
        False,
    )


async def frame_memory(kind: str, label: str) -> Row:
    """Peak RSS growth of a fresh process receiving one `kind` frame."""
    figures = []
    for consumer in ("raw", "client"):
        process = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--memory-probe", consumer, kind,
            stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, _ = await process.communicate()
        figures.append(float(out.split()[-1]))
    return Row(f"peak RSS growth, {label}", "MB", figures[0], figures[1], "bounded", False)


async def memory_probe(consumer_name: str, kind: str) -> None:
    """In a fresh process: take one `kind` frame (recognised, or refused as over 32 MiB); print
    the growth of the peak RSS. The raw loop uses aiohttp's own limit (max_msg_size)."""
    asyncio.get_running_loop().set_debug(False)
    async with box(kind, 1) as port, aiohttp.ClientSession() as session:
        before = _rss_mb("VmHWM")
        if consumer_name == "raw":
            async with session.ws_connect(
                f"ws://127.0.0.1:{port}/", max_msg_size=32 * 1024 * 1024
            ) as ws:
                await ws.send_str(SUBSCRIPTION_TEXT)
                await ws.receive()  # the frame, or the error that refuses it
        else:
            seen = asyncio.Event()
            stream = EventStream(
                session, "127.0.0.1", port, dialect=Dialect.V5, subscription=SUBSCRIPTION
            )
            task = asyncio.create_task(_until_frame(stream, seen))
            await seen.wait()
            await stream.stop()
            await task
        print(_rss_mb("VmHWM") - before)


async def _until_frame(stream: EventStream, seen: asyncio.Event) -> None:
    """Iterate until the stream has counted a frame (a recognition or a refused one)."""
    watcher = asyncio.create_task(_watch_frames(stream, seen))
    async for _ in stream:
        seen.set()
    watcher.cancel()


async def _watch_frames(stream: EventStream, seen: asyncio.Event) -> None:
    while stream.stats.frames < 1:  # noqa: ASYNC110 - a refused frame sets no event
        await asyncio.sleep(0.05)
    seen.set()


def _rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


# Table -------------------------------------------------------------------------------------


def print_table(rows: list[Row], base: str = "raw loop", measured: str = "client") -> None:
    width = max([58, *(len(row.what) for row in rows)])
    print(f"{'measure':{width}} {'unit':9} {base:>10} {measured:>10} {'ratio':>7}  goal")
    for row in rows:
        raw = "" if row.raw is None else f"{row.raw:10.2f}"
        print(
            f"{row.what:{width}} {row.unit:9} {raw:>10} {row.client:10.2f} {row.ratio():>7}  "
            f"{row.goal}"
        )
    print(
        f"ratio: {measured} / {base} for throughput, {base} / {measured} for times "
        f"(1.00x = as good as the {base})"
    )


async def run(quick: bool) -> list[Row]:
    asyncio.get_running_loop().set_debug(False)
    scale = 10 if quick else 1
    rows = [
        await throughput("small", 20_000 // scale, "1 KB frames"),
        await throughput("image", 400 // scale, "~450 KB frames (face + scene kept, not decoded)"),
    ]
    rows += await latency("small", 50, 10 / scale, "1 KB frames at 50/s")
    rows += await latency("image", 50, 10 / scale, "~450 KB frames at 50/s")
    rows += await longest_block(
        "small", 10_000 // scale, "2,000 frames/s of 1 KB for 5 s", "< 100 ms", rate=2000
    )
    rows += await longest_block("large", 100 // scale, "0.6 MB frames at 20/s", "", rate=20)
    rows += await longest_block("huge", 6, "16 MB frames at 1/s", "< 20 ms", rate=1)
    rows.append(await rss_growth(100_000 // scale, 10_000 // scale))
    rows.append(await frame_memory("limit", "a 30.7 MiB frame (limit 32 MiB)"))
    rows.append(await frame_memory("over", "a 100 MiB frame (over the limit)"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the frames")
    parser.add_argument("--memory-probe", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_probe:
        asyncio.run(memory_probe(*args.memory_probe))
        return
    started = time.monotonic()
    rows = asyncio.run(run(args.quick))
    print_table(rows)
    print(
        f"({time.monotonic() - started:.0f} s; {sys.version.split()[0]}, aiohttp "
        f"{aiohttp.__version__})"
    )


if __name__ == "__main__":
    main()

"""A thousand followed devices: set-up time and loop blocks, Python's GC pauses told apart.

The simulator (in its own process) lists 1,000 devices; the entry follows them all. A 5 ms
timer measures how late the loop runs while the entry sets up and while the stream drops and
comes back (1,000 devices' entities go unavailable and available again, in batches).
`gc.callbacks` times each collection: a block that holds a collection is reported without it,
and the longest collection separately (the interpreter starts them, not the integration).
"""

from __future__ import annotations

import asyncio
import time

from bench_stream import Row
from ha_runner import GcWatch, fire, home_assistant, make_entry, set_up, simulator
from homeassistant.core import HomeAssistant


class Blocks:
    """Late wake-ups of a 5 ms timer: (start, end) of each gap over the timer."""

    def __init__(self) -> None:
        self.gaps: list[tuple[float, float]] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            self.gaps.append((last, now))
            last = now

    def __enter__(self) -> Blocks:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()

    def longest(self, gc: GcWatch | None = None) -> float:
        """The longest block (s), less the collections inside it when `gc` is given."""
        return max(
            (
                (end - start - 0.005) - (gc.overlap(start, end) if gc else 0.0)
                for start, end in self.gaps
            ),
            default=0.0,
        )


async def rows(devices: int) -> list[Row]:
    async with home_assistant() as hass, simulator(f"--devices={devices}") as info:
        entry = make_entry(info)
        with Blocks() as setup_blocks, GcWatch() as gc:
            started = time.perf_counter()
            await set_up(hass, entry)
            await hass.async_block_till_done()
            seconds = time.perf_counter() - started
        entities = len(hass.states.async_all())
        with Blocks() as drop_blocks, GcWatch() as drop_gc:
            await fire(info, drop=True)
            await _reconnected(hass, entry)
            await hass.async_block_till_done()
        await hass.config_entries.async_unload(entry.entry_id)
    pauses = gc.pauses + drop_gc.pauses
    longest_gc = max(pauses, key=lambda pause: pause[1], default=(0.0, 0.0, 0))
    full = sum(1 for pause in pauses if pause[2] == 2)
    return [
        Row(f"set-up of {devices:,} followed devices ({entities:,} entities)", "s", None, seconds),
        Row("  longest loop block in set-up, GC pauses left out", "ms", None,
            setup_blocks.longest(gc) * 1e3, "< 100 ms", False),
        Row("  longest loop block in set-up, as measured", "ms", None,
            setup_blocks.longest() * 1e3, "", False),
        Row("  longest loop block, stream dropped and back, GC left out", "ms", None,
            drop_blocks.longest(drop_gc) * 1e3, "< 100 ms", False),
        Row(f"  longest GC pause (generation {longest_gc[2]}; {full} full collections)", "ms",
            None, longest_gc[1] * 1e3, "", False),
    ]  # fmt: skip


async def _reconnected(hass: HomeAssistant, entry: object) -> None:
    push = entry.runtime_data.push  # type: ignore[attr-defined]
    before = push.stream.stats.connections
    deadline = time.monotonic() + 60
    while push.stream.stats.connections == before or not push.connected:
        if time.monotonic() > deadline:
            raise RuntimeError("the stream did not come back")
        await asyncio.sleep(0.01)

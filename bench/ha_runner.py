"""Home Assistant in this process, as pytest-homeassistant-custom-component starts it, for the
benchmarks; the simulator in its own process.

Home Assistant is the plugin's `async_test_home_assistant` (a real `HomeAssistant`: its event
bus, state machine, registries, entity platforms, config entries), with custom integrations
enabled, its configuration in a temporary directory, asyncio debug mode off (the plugin's
pytest run turns it on, which halves throughput), and, as the plugin does, aiohttp's own DNS
resolver instead of zeroconf's (the benchmarks use IP literals, resolved by nobody). Being in
this process, a benchmark can time the event loop and listen to the bus without a network hop.
"""

from __future__ import annotations

import asyncio
import atexit
from collections.abc import AsyncIterator
import contextlib
import gc
import json
from pathlib import Path
import shutil
import sys
import tempfile
import time
from typing import Any
from unittest.mock import patch

from aiohttp import AsyncResolver

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from homeassistant import loader  # noqa: E402
from homeassistant.core import HomeAssistant  # noqa: E402
from homeassistant.helpers import entity_registry as er  # noqa: E402
from pytest_homeassistant_custom_component.common import (  # noqa: E402
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.se5.client import StreamState  # noqa: E402
from custom_components.se5.const import DOMAIN  # noqa: E402
from custom_components.se5.identifiers import box_unique_id, device_unique_id  # noqa: E402
from custom_components.se5.migration import MINOR_VERSION, VERSION  # noqa: E402


@contextlib.asynccontextmanager
async def home_assistant() -> AsyncIterator[HomeAssistant]:
    """A running Home Assistant with custom integrations enabled, stopped at the end."""
    asyncio.get_running_loop().set_debug(False)
    config_dir = tempfile.mkdtemp(prefix="se5-bench-")
    # Removed at exit: Home Assistant's executor may still write its registries after the stop.
    atexit.register(shutil.rmtree, config_dir, ignore_errors=True)
    resolver = AsyncResolver()
    resolver.real_close = resolver.close  # type: ignore[attr-defined] # HA 2026 closes it so
    with patch("homeassistant.helpers.aiohttp_client._async_make_resolver", return_value=resolver):
        async with async_test_home_assistant(config_dir=config_dir) as hass:
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)  # enable_custom_integrations
            try:
                yield hass
            finally:
                await hass.async_stop(force=True)


@contextlib.asynccontextmanager
async def simulator(*args: str) -> AsyncIterator[dict[str, Any]]:
    """`python -m se5sim` (bench/sim_box.py) in its own process on free ports; its info line
    (serial, ports, device and identity ids), with `process` for `fire`."""
    with tempfile.TemporaryDirectory(prefix="se5-sim-") as folder:
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "bench" / "sim_box.py"), "--control",
            f"--count-file={folder}/counts.json", "--rest-port=0", "--ws-port=0",
            "--system-port=0", "--seed=1", *args,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        assert process.stdout is not None
        try:
            info = json.loads(await asyncio.wait_for(process.stdout.readline(), 120))
            info["process"] = process
            yield info
        finally:
            process.terminate()
            await process.wait()


async def fire(info: dict[str, Any], **request: Any) -> dict[str, int]:
    """Have the simulator fire one recognition; the bytes of its face crop and scene photo."""
    process = info["process"]
    process.stdin.write(json.dumps(request).encode() + b"\n")
    await process.stdin.drain()
    while not (line := await process.stdout.readline()).startswith(b"{"):
        if not line:
            raise RuntimeError("the simulator ended")
    return dict(json.loads(line))  # (the simulator's banner came first)


def make_entry(info: dict[str, Any], *, event_port: int | None = None, **options: Any) -> Any:
    """A config entry for the simulator as the config flow makes it (all devices, face and
    scene photo, nobody followed unless told); `event_port` points it at another box."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="SE5 bench",
        unique_id=info["serial"],
        version=VERSION,
        minor_version=MINOR_VERSION,
        data={
            "host": "127.0.0.1",
            "rest_port": info["rest_port"],
            "event_port": event_port or info["ws_port"],
            "system_port": info["system_port"],
            "dialect": info["dialect"],
            "mac": info["mac"],
        },
        options={
            "devices": info["devices"],
            "follow_new": False,
            "known_devices": sorted(info["devices"]),
            "face_image": True,
            "scene_image": True,
            "registered_image": False,
            "people": [],
            **options,
        },
    )


async def set_up(
    hass: HomeAssistant, entry: Any, *, enable: tuple[tuple[str, str | None, str], ...] = ()
) -> None:
    """Add and set up `entry`; wait until its event stream is connected.

    `enable` lists (platform, device id or None for the box, key) of entities disabled by
    default to enable.
    """
    entry.add_to_hass(hass)
    registry = er.async_get(hass)
    for platform, device, key in enable:
        unique_id = (
            device_unique_id(entry.unique_id, device, key)
            if device is not None
            else box_unique_id(entry.unique_id, key)
        )
        registry.async_get_or_create(platform, DOMAIN, unique_id, config_entry=entry)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    deadline = time.monotonic() + 60
    while entry.runtime_data.push.stream.state is not StreamState.CONNECTED:
        if time.monotonic() > deadline:
            raise RuntimeError("the event stream did not connect")
        await asyncio.sleep(0.01)


async def remove(hass: HomeAssistant, entry: Any) -> None:
    """Unload and remove `entry` (its devices and entities go with it)."""
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()


class GcWatch:
    """Python's garbage collections while it is on: (start, seconds, generation) each."""

    def __init__(self) -> None:
        self.pauses: list[tuple[float, float, int]] = []
        self._started = 0.0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        now = time.perf_counter()
        if phase == "start":
            self._started = now
        else:
            self.pauses.append((self._started, now - self._started, info["generation"]))

    def overlap(self, start: float, end: float) -> float:
        """Seconds of collection between `start` and `end`."""
        return sum(
            max(0.0, min(end, begin + length) - max(start, begin))
            for begin, length, _ in self.pauses
        )

    def __enter__(self) -> GcWatch:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)

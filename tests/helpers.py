"""Small helpers shared by the test packages."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import time


async def wait_for(condition: Callable[[], object], timeout: float = 10.0, what: str = "") -> None:
    """Poll `condition` until it is truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await asyncio.sleep(0.01)

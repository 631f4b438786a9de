"""Fault switches of the system API and the door relay, and a gate for answers that never come."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
import time
from typing import Final, Literal

type SystemFailureMode = Literal["http500", "down", "timeout"]
type RelayFailureMode = Literal["error", "http500", "timeout"]

SYSTEM_FAILURE_MODES: Final[tuple[SystemFailureMode, ...]] = ("http500", "down", "timeout")
RELAY_FAILURE_MODES: Final[tuple[RelayFailureMode, ...]] = ("error", "http500", "timeout")


def call_later(seconds: float, callback: Callable[[], object]) -> asyncio.TimerHandle:
    """Run ``callback`` in ``seconds`` on the running loop: how a fault window ends by itself.

    Read through this module, with ``time``, so that a test can put one fake clock in both.
    """
    return asyncio.get_running_loop().call_later(seconds, callback)


@dataclass(slots=True)
class Gate:
    """Holds requests that must never be answered, until released (a clear or a shutdown)."""

    _released: asyncio.Event = field(default_factory=asyncio.Event)
    held: int = 0
    """Requests waiting now."""

    async def hold(self) -> None:
        """Wait until :meth:`release`."""
        self.held += 1
        try:
            await self._released.wait()
        finally:
            self.held -= 1

    def release(self) -> None:
        """Let every waiting request go; later ones wait again."""
        self._released.set()
        self._released = asyncio.Event()


@dataclass(slots=True)
class SystemFaults:
    """The injected failure of the system API (port 8888), if any."""

    mode: SystemFailureMode | None = None
    remaining: int | None = None
    until: float | None = None

    def set(self, mode: SystemFailureMode, *, count: int | None, seconds: float | None) -> None:
        """Fail the next ``count`` requests, or for ``seconds``, or (neither) until cleared."""
        if mode not in SYSTEM_FAILURE_MODES:
            raise ValueError(f"unknown system failure mode {mode!r}")
        if count is not None and (count < 1 or mode == "down"):
            raise ValueError("count must be at least 1, and 'down' cannot count refusals")
        if seconds is not None and seconds <= 0:
            raise ValueError("seconds must be positive")
        self.mode = mode
        self.remaining = count
        self.until = None if seconds is None else time.monotonic() + seconds

    def clear(self) -> None:
        """Stop failing."""
        self.mode = None
        self.remaining = None
        self.until = None

    def take(self) -> SystemFailureMode | None:
        """The failure to answer the current request with, if any; counts it."""
        mode = self.mode
        if mode is None:
            return None
        if self.until is not None and time.monotonic() >= self.until:
            self.clear()
            return None
        if self.remaining is not None:
            self.remaining -= 1
            if self.remaining <= 0:
                self.clear()
        return mode

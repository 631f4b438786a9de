"""Small helpers shared by the test packages."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import time

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def wait_for(condition: Callable[[], object], timeout: float = 10.0, what: str = "") -> None:
    """Poll `condition` until it is truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await asyncio.sleep(0.01)


async def start_http_server(handler: Handler) -> tuple[int, web.AppRunner]:
    """An HTTP server on 127.0.0.1 answering every request with `handler`: its port and runner.

    The caller cleans the runner up.
    """
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return int(runner.addresses[0][1]), runner

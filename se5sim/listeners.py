"""One aiohttp application on one TCP port, whose port can be shut and reopened at once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
import socket
from typing import Final

from aiohttp import web

#: How long a listener's shutdown waits for its handlers.
SHUTDOWN_TIMEOUT: Final = 5.0


class PortListener:
    """Serves an application on ``host:port`` (0: a free port, kept across reopenings).

    :meth:`close_port` and :meth:`open_port` are synchronous: the listening socket is closed
    (connections are refused) or bound and listening (connections queue in the backlog) when
    they return, so that fault switches take effect at once.
    """

    def __init__(self, app_factory: Callable[[], web.Application], host: str, port: int) -> None:
        self._app_factory = app_factory
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self._server: asyncio.Server | None = None
        self._opening: asyncio.Task[asyncio.Server] | None = None
        self._closing: asyncio.Task[asyncio.Server] | None = None

    @property
    def port(self) -> int:
        """The port (the bound one once opened)."""
        return self._port

    @property
    def is_open(self) -> bool:
        """True while the port accepts connections."""
        return self._opening is not None or self._server is not None

    async def start(self, *, open_port: bool = True) -> None:
        """Set the application up and (by default) open the port."""
        runner = web.AppRunner(
            self._app_factory(), access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT
        )
        await runner.setup()
        self._runner = runner
        if open_port:
            try:
                self.open_port()
                await self.serving()
            except BaseException:
                await self.stop()
                raise

    async def serving(self) -> None:
        """Wait until an opened port is served (connections are queued until then)."""
        opening = self._opening
        if opening is not None:
            self._server = await opening
            if self._opening is opening:
                self._opening = None

    def open_port(self) -> None:
        """Bind and listen now; serving starts on the next turn of the loop."""
        if self._runner is None or self.is_open:
            return
        closing, self._closing = self._closing, None
        if closing is not None:
            if not closing.done():  # closed and reopened before it even served: keep it
                closing.remove_done_callback(_close_served)
                self._opening = closing
                return
            _close_served(closing)  # its callback may not have run yet: free the port now
        server = self._runner.server
        assert server is not None  # noqa: S101 - set up by start()
        family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
        sock = socket.create_server((self._host, self._port), family=family)
        self._port = sock.getsockname()[1]
        loop = asyncio.get_running_loop()
        self._opening = loop.create_task(loop.create_server(server, sock=sock))

    def close_port(self) -> None:
        """Refuse new connections now (open connections are left alone).

        A port opened in this same turn of the loop closes as soon as it is served.
        """
        opening, self._opening = self._opening, None
        server, self._server = self._server, None
        if opening is not None:
            if opening.done():
                _close_served(opening)
            else:
                opening.add_done_callback(_close_served)
                self._closing = opening
        if server is not None:
            server.close()

    async def stop(self) -> None:
        """Close the port and every connection; the application is torn down."""
        self.close_port()
        closing, self._closing = self._closing, None
        if closing is not None:
            with contextlib.suppress(asyncio.CancelledError, OSError):
                await closing
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()


def _close_served(task: asyncio.Task[asyncio.Server]) -> None:
    """Close the server that came out of an opening (closing twice does nothing)."""
    if not task.cancelled() and task.exception() is None:
        task.result().close()

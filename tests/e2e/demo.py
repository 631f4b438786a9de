"""`scripts/demo` as a process, for the end-to-end and browser tests.

`Demo` starts the README's demo command on free ports with a fresh configuration directory,
waits until it is ready, reads what it printed and stops it as Ctrl-C does. The `demo_factory`
fixture hands out demos and stops them after the test.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
import contextlib
import json
import os
from pathlib import Path
import re
import signal
import socket
import subprocess
import time
from typing import Any

import aiohttp
import pytest

ROOT = Path(__file__).resolve().parents[2]
READY_MARK = "SE5 demo ready:"
# A log line of Home Assistant or the simulator at ERROR or above, or a traceback.
ERROR_LINE = re.compile(r"^\S+ \S+ (ERROR|CRITICAL) |^Traceback |\bERROR:")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    """Whether a server could listen on the port again (as servers do, with SO_REUSEADDR:
    connections closed a moment ago may linger in TIME_WAIT; no process listens)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _default_sigint() -> None:
    """Ctrl-C as in a terminal: a shell started in the background (as CI may start the tests)
    ignores SIGINT, its children inherit that, and bash cannot trap a signal ignored on entry."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (the demo's children run in their own sessions)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return found


class Demo:
    """One run of scripts/demo (start it again to restart on the same configuration)."""

    def __init__(
        self, directory: Path, *, by_hand: bool = False, rate: float = 2.0, devices: int = 4
    ) -> None:
        self.directory = directory
        self.config = directory / "config"
        self.by_hand = by_hand
        self.rate = rate
        self.devices = devices
        self.port = free_port()
        self.rest_port, self.ws_port, self.system_port = free_port(), free_port(), free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.runs = 0
        self.log = directory / "demo-0.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ports(self) -> tuple[int, ...]:
        return (self.port, self.rest_port, self.ws_port, self.system_port)

    def start(self, *extra: str) -> None:
        self.log = self.directory / f"demo-{self.runs}.log"
        self.runs += 1
        command = [
            "bash",
            str(ROOT / "scripts" / "demo"),
            *("--port", str(self.port), "--rest-port", str(self.rest_port)),
            *("--ws-port", str(self.ws_port), "--system-port", str(self.system_port)),
            *("--config", str(self.config), "--rate", str(self.rate)),
            *("--devices", str(self.devices)),
            *(["--by-hand"] if self.by_hand else []),
            *extra,
        ]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own script
                command,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_default_sigint,  # noqa: PLW1509 - only resets a signal
            )

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def tail(self, size: int = 6000) -> str:
        return self.text()[-size:]

    def error_lines(self) -> list[str]:
        return [line for line in self.text().splitlines() if ERROR_LINE.search(line)]

    def simulator_devices(self) -> list[str]:
        """The device names the simulator printed when it started."""
        text = self.text()
        block = text.split("Devices (", 1)[1].split("\n", 1)[1] if "Devices (" in text else ""
        names = []
        for line in block.splitlines():
            if not line.startswith("  "):
                break
            names.append(line.strip().split(None, 1)[1])
        return names

    def owner(self) -> dict[str, str]:
        """The owner's user name, password and token kept by the ready demo."""
        state = json.loads((self.config / ".se5-demo.json").read_text())
        return dict(state["owner"])

    def dashboard(self) -> str:
        """The URL path of the ready demo's dashboard, the one opened after login.

        `se5-demo` on Home Assistant 2026.x (made the default dashboard); the Overview,
        `lovelace`, on 2025.4 (which opens the Overview whatever is set).
        """
        state = json.loads((self.config / ".se5-demo.json").read_text())
        return str(state["dashboard"])

    def _check_running(self) -> None:
        assert self.process is not None
        assert self.process.poll() is None, f"scripts/demo ended early:\n{self.tail()}"

    async def wait_ready(self, timeout: float = 900) -> None:
        """Until the ready demo printed its banner, or Home Assistant answers (by hand)."""
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                self._check_running()
                if self.by_hand:
                    with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                        async with session.get(f"{self.url}/api/onboarding", timeout=5) as reply:
                            if reply.status in (200, 404):  # 404: onboarded (2026.x)
                                return
                elif READY_MARK in self.text():
                    return
                await asyncio.sleep(1)
        raise AssertionError(f"the demo was not ready in {timeout:.0f} s:\n{self.tail()}")

    def stop(self, timeout: float = 90) -> int | None:
        """Ctrl-C as a user would press it; the demo's exit code."""
        if self.process is None:
            return None
        if self.process.poll() is not None:
            return self.process.returncode
        children = _children(self.process.pid)
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired as err:
            for pid in [self.process.pid, *children]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.process.wait(timeout=10)
            message = f"scripts/demo did not stop in {timeout} s:\n{self.tail()}"
            raise AssertionError(message) from err


async def login_token(session: aiohttp.ClientSession, url: str, owner: dict[str, str]) -> str:
    """An access token through Home Assistant's login flow, as its login page gets one."""
    client_id = f"{url}/"
    start = {"client_id": client_id, "handler": ["homeassistant", None]}
    start["redirect_uri"] = f"{url}/?auth_callback=1"
    async with session.post(f"{url}/auth/login_flow", json=start) as reply:
        flow = await reply.json()
    credentials = {"username": owner["username"], "password": owner["password"]}
    async with session.post(
        f"{url}/auth/login_flow/{flow['flow_id']}", json={**credentials, "client_id": client_id}
    ) as reply:
        result = await reply.json()
    assert result["type"] == "create_entry", result
    form = {"grant_type": "authorization_code", "code": result["result"], "client_id": client_id}
    async with session.post(f"{url}/auth/token", data=form) as reply:
        assert reply.status == 200, await reply.text()
        return str((await reply.json())["access_token"])


class WebSocket:
    """Home Assistant's WebSocket API with a token."""

    def __init__(self, session: aiohttp.ClientSession, url: str, token: str) -> None:
        self.session, self.url, self.token = session, url, token
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.next_id = 0

    async def __aenter__(self) -> WebSocket:
        self.ws = await self.session.ws_connect(f"{self.url}/api/websocket")
        await self.ws.receive_json()
        await self.ws.send_json({"type": "auth", "access_token": self.token})
        assert (await self.ws.receive_json())["type"] == "auth_ok"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.ws is not None
        await self.ws.close()

    async def call(self, command: str, **data: Any) -> Any:
        reply = await self._reply(command, data)
        assert reply["success"], reply
        return reply["result"]

    async def call_or_none(self, command: str, **data: Any) -> Any:
        """The result, or None when Home Assistant answers with an error."""
        reply = await self._reply(command, data)
        return reply["result"] if reply["success"] else None

    async def _reply(self, command: str, data: dict[str, Any]) -> dict[str, Any]:
        assert self.ws is not None
        self.next_id += 1
        await self.ws.send_json({"id": self.next_id, "type": command, **data})
        while (reply := await self.ws.receive_json()).get("id") != self.next_id:
            continue
        return dict(reply)


@pytest.fixture
async def demo_factory(socket_enabled: None, tmp_path: Path) -> AsyncIterator[Callable[..., Demo]]:
    """Make demos (`demo_factory(by_hand=True)`); each is stopped after the test."""
    made: list[Demo] = []

    def make(**kwargs: Any) -> Demo:
        directory = tmp_path / f"demo{len(made)}"
        directory.mkdir()
        made.append(Demo(directory, **kwargs))
        return made[-1]

    yield make
    for demo in made:
        demo.stop()

"""The README's demo command, for real: Home Assistant and the simulator as processes.

Starts `scripts/demo` on free ports with a fresh configuration directory, creates the owner
through the onboarding API, adds the SE5 integration through the config flow API as a user
would in the UI, and checks that recognitions from the simulated box reach Home Assistant.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import os
from pathlib import Path
import signal
import socket
import subprocess
from typing import Any

import aiohttp
import pytest

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "http://127.0.0.1/"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Demo:
    def __init__(self, tmp_path: Path) -> None:
        self.port, self.rest_port, self.ws_port = _free_port(), _free_port(), _free_port()
        self.config = tmp_path / "config"
        self.log = tmp_path / "demo.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [
            "bash",
            str(ROOT / "scripts" / "demo"),
            *("--port", str(self.port), "--rest-port", str(self.rest_port)),
            *("--ws-port", str(self.ws_port), "--config", str(self.config), "--rate", "2"),
        ]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own script
                command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def stop(self) -> int | None:
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            return self.process.wait(timeout=10)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@pytest.fixture
async def demo(socket_enabled: None, tmp_path: Path) -> AsyncIterator[Demo]:
    running = Demo(tmp_path)
    running.start()
    yield running
    running.stop()


async def _json(response: aiohttp.ClientResponse) -> Any:
    assert response.status < 400, f"{response.method} {response.url}: {await response.text()}"
    return await response.json()


@pytest.mark.timeout(600)
async def test_demo_runs_home_assistant_with_the_integration(demo: Demo) -> None:
    async with aiohttp.ClientSession() as session:

        async def answers() -> bool:
            try:
                async with session.get(f"{demo.url}/api/onboarding", timeout=5) as response:
                    return response.status == 200
            except (aiohttp.ClientError, TimeoutError):
                return False

        for _ in range(300):
            assert demo.process is not None
            assert demo.process.poll() is None, demo.output()
            if await answers():
                break
            await asyncio.sleep(1)
        else:
            raise AssertionError("Home Assistant did not answer:\n" + demo.output())

        # The page a user opens first.
        async with session.get(demo.url) as response:
            assert response.status == 200
            assert "<html" in (await response.text()).lower()

        owner = {
            "client_id": CLIENT_ID,
            "name": "Demo",
            "username": "demo",
            "password": "demo-password",
            "language": "en",
        }
        async with session.post(f"{demo.url}/api/onboarding/users", json=owner) as response:
            auth_code = (await _json(response))["auth_code"]
        token_form = {"grant_type": "authorization_code", "code": auth_code, "client_id": CLIENT_ID}
        async with session.post(f"{demo.url}/auth/token", data=token_form) as response:
            token = (await _json(response))["access_token"]
        headers = {"Authorization": f"Bearer {token}"}

        flow_url = f"{demo.url}/api/config/config_entries/flow"
        async with session.post(flow_url, json={"handler": "se5"}, headers=headers) as response:
            step = await _json(response)
        assert step["step_id"] == "user"
        address = {"host": "127.0.0.1", "rest_port": demo.rest_port, "event_port": demo.ws_port}
        async with session.post(
            f"{flow_url}/{step['flow_id']}", json=address, headers=headers
        ) as response:
            step = await _json(response)
        assert step["step_id"] == "devices", step
        async with session.post(
            f"{flow_url}/{step['flow_id']}", json={"face_image": True}, headers=headers
        ) as response:
            created = await _json(response)
        assert created["type"] == "create_entry", created

        states: list[dict[str, Any]] = []

        async def recognized() -> bool:
            async with session.get(f"{demo.url}/api/states", headers=headers) as response:
                states[:] = await _json(response)
            return any(
                s["entity_id"].startswith("sensor.")
                and s["entity_id"].endswith("_last_person")
                and s["state"] not in ("unknown", "unavailable")
                for s in states
            )

        for _ in range(120):
            if await recognized():
                break
            await asyncio.sleep(0.5)
        else:
            raise AssertionError(f"no recognition reached Home Assistant: {demo.output()}")

        cameras = [s["entity_id"] for s in states if s["entity_id"].endswith("_last_face")]
        assert cameras
        image = None
        for camera in cameras:
            async with session.get(
                f"{demo.url}/api/camera_proxy/{camera}", headers=headers
            ) as response:
                if response.status == 200:
                    image = await response.read()
                    break
        assert image is not None
        assert image.startswith(b"\xff\xd8")

    assert demo.stop() == 0, demo.output()  # Ctrl-C stops both cleanly

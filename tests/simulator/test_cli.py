"""``python -m se5sim``: the command line, in a subprocess and in-process."""

from __future__ import annotations

import argparse
import asyncio
import io
from pathlib import Path
import re
import signal
import sys

import aiohttp
import pytest

from se5sim import __main__ as cli
from tests.simulator.helpers import wait_until

ROOT = Path(__file__).resolve().parents[2]


async def read_banner(stream: asyncio.StreamReader) -> str:
    """Lines up to and including the device list."""
    text = ""
    async with asyncio.timeout(30):
        while True:
            line = (await stream.readline()).decode()
            assert line, f"the simulator exited early; output so far: {text!r}"
            text += line
            match = re.search(r"Devices \((\d+)\):", text)
            if match and text.count("\n  ") >= int(match.group(1)):
                return text


def urls(banner: str) -> tuple[str, str]:
    rest = re.search(r"^REST: (http://\S+)$", banner, re.MULTILINE)
    ws = re.search(r"^WS: (ws://\S+)$", banner, re.MULTILINE)
    assert rest
    assert ws
    return rest.group(1), ws.group(1)


def system_url(banner: str) -> str:
    system = re.search(r"^System: (http://\S+)$", banner, re.MULTILINE)
    assert system
    return system.group(1)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
async def test_subprocess(
    socket_enabled: None, session: aiohttp.ClientSession, signum: signal.Signals
) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "se5sim",
        "--host",
        "127.0.0.1",
        "--dialect",
        "v6",
        "--devices",
        "2",
        "--rate",
        "5",
        "--rest-port",
        "0",
        "--ws-port",
        "0",
        "--system-port",
        "0",
        "--extra-people",
        "20",
        "--seed",
        "7",
        "--score-scale",
        "1",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        banner = await read_banner(process.stdout)
        rest_url, ws_url = urls(banner)
        async with session.post(rest_url + "/sophon/v2/face/getmediadevices", json={}) as reply:
            assert reply.status == 200
            devices = (await reply.json())["devices"]
        assert len(devices) == 2
        url = system_url(banner) + "/sophon/v2/system/getdevicesn"
        async with session.post(url, json={}) as reply:
            serial = (await reply.json())["device_sn"]
        assert f"Serial: {serial}" in banner
        url = rest_url + "/sophon/v2/face/getidentities"
        async with session.post(url, json={}) as reply:
            assert (await reply.json())["pagination"]["total_count"] == 28
        for device in devices:
            assert f"  {device['media_device_id']}  {device['media_device_name']}" in banner
        async with session.ws_connect(ws_url) as ws:
            ids = [device["media_device_id"] for device in devices]
            await ws.send_json({"media_device_ids": ids})
            frame = await ws.receive_json(timeout=20)  # from the --rate loop
            assert frame["media_device_id"] in ids
            assert 0 < frame["score"] < 1
        process.send_signal(signum)
        async with asyncio.timeout(30):
            _, stderr = await process.communicate()
        assert process.returncode == 0, stderr.decode()
    finally:
        if process.returncode is None:  # pragma: no cover - only when the test failed
            process.kill()
            await process.wait()


@pytest.mark.parametrize("lenient", [False, True])
async def test_relay_pulses_are_printed_at_the_default_level(
    socket_enabled: None, session: aiohttp.ClientSession, lenient: bool
) -> None:
    """No -v: each door pulse shows on the terminal (the demo's), with its relay and channel."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "se5sim",
        *("--rest-port", "0", "--ws-port", "0", "--system-port", "0", "--devices", "3"),
        *(["--lenient"] if lenient else []),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        assert process.stderr is not None
        banner = await read_banner(process.stdout)
        banner += (await process.stdout.readline()).decode()  # "Doors ..."
        banner += (await process.stdout.readline()).decode()  # the Front gate's door
        assert "  Front gate: relay 127.0.0.20:6722 channel 1, 3 s" in banner
        rest_url, _ = urls(banner)
        action = {
            "action_ip": "127.0.0.20",
            "action_port": "6722",
            "action_mode": "opendoor",
            "action_duration": 3,
            "logic_port": 1,
        }
        url = rest_url + "/SophonFogSys/api/EventAction"
        async with session.put(url, json={"action": [{**action, "logic_port": 0}]}) as reply:
            assert reply.status == (200 if lenient else 400)  # 0: every door of the relay
        async with session.put(url, json={"action": [action]}) as reply:
            assert reply.status == 200
        expected = "se5sim.relays: relay 127.0.0.20:6722 channel 1: open for 3 s"
        printed = ""
        async with asyncio.timeout(30):
            while expected not in printed:
                line = (await process.stderr.readline()).decode()
                assert line, f"the simulator exited early; stderr so far: {printed!r}"
                printed += line
        assert ("every channel" in printed) is lenient
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            await process.communicate()
        assert process.returncode == 0
    finally:
        if process.returncode is None:  # pragma: no cover - only when the test failed
            process.kill()
            await process.wait()


async def test_run_in_process(socket_enabled: None, session: aiohttp.ClientSession) -> None:
    args = cli.build_parser().parse_args(
        ["--rest-port", "0", "--ws-port", "0", "--system-port", "0", "--devices", "3"]
    )
    stop = asyncio.Event()
    out = io.StringIO()
    task = asyncio.create_task(cli.run(args, stop=stop, out=out))
    await wait_until(lambda: "Devices (3):" in out.getvalue())
    banner = out.getvalue()
    assert "SE5 simulator (v5)" in banner
    rest_url, _ = urls(banner)
    async with session.get(rest_url + "/SophonDevice/api/Devices") as reply:
        names = [d["device_name"] for d in (await reply.json())["data"]["devices_list"]]
    assert names == ["Front gate", "Lobby", "Back door"]
    stop.set()
    assert await task == 0


def test_main(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[argparse.Namespace] = []

    async def fake_run(args: argparse.Namespace) -> int:
        seen.append(args)
        return 0

    monkeypatch.setattr(cli, "run", fake_run)
    assert cli.main(["--dialect", "v6", "--devices", "5", "--rate", "1.5", "-v"]) == 0
    (args,) = seen
    assert (args.dialect, args.devices, args.rate, args.verbose) == ("v6", 5, 1.5, True)
    assert (args.host, args.rest_port, args.ws_port, args.seed) == ("127.0.0.1", 5555, 5679, 0)
    assert (args.system_port, args.extra_people) == (8888, 0)
    assert args.score_scale is None
    assert args.lenient is False  # strict by default, as in the demo


@pytest.mark.parametrize(
    "argv",
    [
        ["--rate", "-1"],
        ["--rate", "nan"],
        ["--devices", "-2"],
        ["--dialect", "v7"],
        ["--score-scale", "10"],
        ["--system-port", "-1"],
        ["--extra-people", "many"],
    ],
)
def test_bad_arguments(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        cli.build_parser().parse_args(argv)
    assert raised.value.code == 2
    assert "error" in capsys.readouterr().err

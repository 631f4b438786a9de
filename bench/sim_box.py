"""The simulator in its own process for the Home Assistant benchmarks and the soak.

    python bench/sim_box.py --count-file FILE [se5sim arguments]

Runs `python -m se5sim`'s own command line with the same arguments, with two changes for the
benchmarks (bench/soak.py, bench/bench_ha.py): the random recognitions (`--rate`) wait for
SIGUSR1 (so that Home Assistant can be measured idle first) and stop on SIGUSR2; and every
second FILE gets a JSON line with the recognitions fired, those delivered to at least one
connection, the bytes of their images and the subscriptions received. With `--control`, each
JSON line on stdin is a recognition to fire (`Simulator.fire`'s keywords, e.g. `{"device_id":
"...", "timestamp_ms": 1700000000000}`), answered by a JSON line with the image bytes it sent,
or `{"drop": true}`: the event socket's connections are closed (as a restarting box does).
Once up, it prints one JSON line on stdout (serial, MAC, ports, device ids, identity ids) before
the simulator's banner.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
from pathlib import Path
import signal
import sys
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from se5sim import Simulator, __main__ as se5sim_main
from se5sim.model import SentRecognition

COUNT_FILE: Path | None = None
CONTROL = False


class CountingSimulator(Simulator):
    """The simulator, holding its rate until told, counting each recognition it fires."""

    def __init__(self, *, rate: float = 0.0, **kwargs: Any) -> None:
        super().__init__(rate=0.0, **kwargs)
        self.target_rate = rate
        self.fired = 0
        self.delivered = 0
        self.image_bytes = 0
        self._writer: asyncio.Task[None] | None = None
        self._control: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await super().start()
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGUSR1, self.set_rate, self.target_rate)
        loop.add_signal_handler(signal.SIGUSR2, self.set_rate, 0.0)
        self._writer = loop.create_task(self._write_counts())
        if CONTROL:
            self._control = loop.create_task(self._fire_from_stdin())
        info = {
            "serial": self.serial,
            "mac": self.mac,
            "rest_port": self.rest_port,
            "ws_port": self.ws_port,
            "system_port": self.system_port,
            "dialect": self.dialect,
            "devices": [device.id for device in self.devices],
            "people": [person.identity_id for person in self.people],
        }
        print(json.dumps(info), flush=True)

    async def stop(self) -> None:
        for task in (self._writer, self._control):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._dump()
        await super().stop()

    async def fire(self, *args: Any, **kwargs: Any) -> SentRecognition:
        sent = await super().fire(*args, **kwargs)
        self.fired += 1
        if sent.delivered:
            self.delivered += 1
        self.image_bytes += len(sent.face_jpeg) + len(sent.scene_jpeg)
        return sent

    async def _fire_from_stdin(self) -> None:
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        while line := await reader.readline():
            request = json.loads(line)
            if request.pop("drop", False):
                await self.drop_connections()
                print("{}", flush=True)
                continue
            sent = await self.fire(**request)
            answer = {"face": len(sent.face_jpeg), "scene": len(sent.scene_jpeg)}
            print(json.dumps(answer), flush=True)

    async def _write_counts(self) -> None:
        while True:
            self._dump()
            await asyncio.sleep(1.0)

    def _dump(self) -> None:
        if COUNT_FILE is None:
            return
        counts = {
            "fired": self.fired,
            "delivered": self.delivered,
            "image_bytes": self.image_bytes,
            "subscriptions": len(self.subscriptions),
            "rate": self.rate,
        }
        partial = COUNT_FILE.with_suffix(".tmp")
        partial.write_text(json.dumps(counts))
        partial.replace(COUNT_FILE)


def main() -> int:
    global COUNT_FILE, CONTROL
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--count-file", type=Path, required=True)
    parser.add_argument("--control", action="store_true")
    ours, rest = parser.parse_known_args()
    COUNT_FILE, CONTROL = ours.count_file, ours.control
    se5sim_main.Simulator = CountingSimulator  # type: ignore[misc]
    return se5sim_main.main(rest)


if __name__ == "__main__":
    sys.exit(main())

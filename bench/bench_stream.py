"""Benchmark: recognitions per second through the client, and parse cost per frame.

Run by hand (numbers, not assertions):  .venv/py3.13/bin/python bench/bench_stream.py [N]

1. parse_frame on a realistic V5 frame (face crop + 1080p scene photo, base64), in a loop;
2. end to end: the simulator fires N recognitions as fast as it can, the EventStream receives,
   parses and decodes them over a real socket on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path
import statistics
import sys
import time

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from custom_components.se5.client import (
    Dialect,
    EventStream,
    ImageSelection,
    Subscription,
    parse_frame,
)
from se5sim import Simulator


async def main(count: int) -> None:
    async with Simulator(host="127.0.0.1", dialect="v5", devices=4, seed=1) as sim:
        ids = tuple(d.id for d in sim.devices)
        images = ImageSelection(face=True, scene=True, registered=True)
        async with aiohttp.ClientSession() as session:
            stream = EventStream(
                session,
                "127.0.0.1",
                sim.ws_port,
                dialect=Dialect.V5,
                subscription=Subscription(ids, images),
            )
            received, target = 0, 1
            frame_bytes: list[int] = []
            done = asyncio.Event()

            async def consume() -> None:
                nonlocal received
                async for recognition in stream:
                    received += 1
                    frame_bytes.append(
                        len(recognition.face_image or b"") + len(recognition.scene_image or b"")
                    )
                    if received == target:
                        done.set()

            task = asyncio.create_task(consume())
            await sim.wait_for_subscription()
            # 1. Parse cost on one realistic frame captured from the simulator.
            sent = await sim.fire(ids[0], person_type="vip")
            await asyncio.wait_for(done.wait(), 10)
            frame = json.dumps(
                {
                    "device_id": ids[0],
                    "identity_id": sent.identity_id,
                    "identity_name": sent.identity_name,
                    "score": sent.score,
                    "timestamp": sent.timestamp_ms,
                    "reg_pic": _b64(sent.registered_jpeg),
                    "ext_data": {
                        "person_type": 5,
                        "recognize_face": _b64(sent.face_jpeg),
                        "spot_pic": _b64(sent.scene_jpeg),
                    },
                }
            )
            timings = []
            for _ in range(200):
                started = time.perf_counter()
                parse_frame(frame, images)
                timings.append(time.perf_counter() - started)
            print(
                f"parse_frame: {len(frame) / 1024:.0f} KiB frame, "
                f"median {statistics.median(timings) * 1e3:.2f} ms, "
                f"p95 {sorted(timings)[int(len(timings) * 0.95)] * 1e3:.2f} ms"
            )
            # 2. End to end.
            received, target = 0, count
            frame_bytes.clear()
            done.clear()
            started = time.perf_counter()
            for number in range(count):
                await sim.fire(ids[number % len(ids)])
            await asyncio.wait_for(done.wait(), 120)
            elapsed = time.perf_counter() - started
            images_mb = sum(frame_bytes) / 1e6
            print(
                f"end to end: {count} recognitions in {elapsed:.2f} s = "
                f"{count / elapsed:.0f}/s, {images_mb / elapsed:.1f} MB/s of decoded JPEG "
                f"(mean {statistics.mean(frame_bytes) / 1024:.0f} KiB per recognition); "
                f"simulator and client share one core's event loop"
            )
            await stream.stop()
            await task


def _b64(data: bytes | None) -> str:
    return base64.b64encode(data or b"").decode()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 500))

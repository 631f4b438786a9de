"""A bench box in its own process: after each subscription, sends a scripted run of V5 frames.

    python bench/box.py --kind small|image|large|big|huge|limit|over --count N [--rate R]
                        [--batch B]
                        [--device-id cam-1] [--delay 0]

Prints its port on the first line of stdout. Frames carry `event_id` = the sender's
`time.monotonic_ns()` just before the write (the clock is system-wide, so the client can take
the latency), `device_id` "cam-1" (or --device-id), a face crop and a scene photo of random
bytes as base64:
  small  ~1 KB, no image;
  image  ~450 KB: 24 KiB face crop, 312 KiB scene photo (as base64: 32 KB + 416 KB);
  large  ~0.6 MB: 32 KiB face crop, 420 KiB scene photo;
  big    ~1.5 MB: a 1100 KiB scene photo (set aside by the wire tap, parsed in a worker);
  huge   ~16 MB: a 12 MiB scene photo;
  limit  ~30.7 MiB (a 23 MiB photo), just under the client's 32 MiB limit;
  over   ~100 MiB (a 75 MiB photo), over it.
Rate 0 sends as fast as the socket takes them, `batch` frames per write. `delay` seconds pass
between a subscription and its first frame (a Home Assistant set-up finishing meanwhile).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
from pathlib import Path
import sys
import time

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.client.wsbox import WsBox, header

_ID_WIDTH = 20
_PLACEHOLDER = "#" * _ID_WIDTH


def template(kind: str, device_id: str = "cam-1") -> tuple[bytes, bytes]:
    """The frame's bytes before and after its event id."""
    face, scene = {
        "small": (0, 0),
        "image": (24, 312),
        "large": (32, 420),
        "big": (0, 1100),  # 1.5 MB: over the 1 MiB at which the wire tap sets a frame aside
        "huge": (0, 12 * 1024),
        "limit": (0, 23 * 1024),  # 30.7 MiB: just under the 32 MiB limit
        "over": (0, 75 * 1024),  # 100 MiB: over it
    }[kind]
    ext: dict[str, object] = {"person_type": 1, "device_ip": "192.168.1.50", "device_type": "3"}
    if face:
        ext["recognize_face"] = base64.b64encode(os.urandom(face * 1024)).decode()
    if scene:
        ext["spot_pic"] = base64.b64encode(os.urandom(scene * 1024)).decode()
    frame = {
        "device_id": device_id,
        "event_id": _PLACEHOLDER,
        "video_id": "v-1",
        "identity_id": "888888",
        "identity_name": "Wei Zhang",
        "group_name": "default_group",
        "score": 0.87,
        "timestamp": 1_700_000_000_000,
        "identity_info": {"user_id": "888888", "type": 1, "ext_info": {"room": "302"}},
        "ext_data": ext,
    }
    text = json.dumps(frame)
    if kind == "small":
        frame["padding"] = "p" * max(0, 1024 - len(text) - 16)
        text = json.dumps(frame)
    before, after = text.encode().split(_PLACEHOLDER.encode())
    return before, after


def build(before: bytes, after: bytes) -> bytes:
    stamp = str(time.monotonic_ns()).rjust(_ID_WIDTH, "0").encode()
    payload = before + stamp + after
    return header(len(payload)) + payload


async def serve(
    kind: str, count: int, rate: float, batch: int, *, device_id: str = "cam-1", delay: float = 0.0
) -> None:
    before, after = template(kind, device_id)
    box = WsBox()
    print(await box.start(), flush=True)
    runs = 0
    try:
        while True:
            runs += 1
            await box.wait_for_subscription(count=runs, timeout=3600)
            await asyncio.sleep(delay)
            try:
                await _send_run(box, (before, after), count, rate, batch)
            except ConnectionError:
                continue  # the client went away mid-run
    finally:
        await box.stop()


async def _send_run(
    box: WsBox, frame: tuple[bytes, bytes], count: int, rate: float, batch: int
) -> None:
    before, after = frame
    started = time.monotonic()
    sent = 0
    while sent < count:
        if rate:
            delay = started + sent / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            await box.write(build(before, after))
            sent += 1
        else:
            size = min(batch, count - sent)
            await box.write(b"".join(build(before, after) for _ in range(size)))
            sent += size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--kind",
        choices=("small", "image", "large", "big", "huge", "limit", "over"),
        default="small",
    )
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=0.0)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--device-id", default="cam-1")
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt, ConnectionError):
        asyncio.run(
            serve(
                args.kind,
                args.count,
                args.rate,
                args.batch,
                device_id=args.device_id,
                delay=args.delay,
            )
        )


if __name__ == "__main__":
    main()

"""Command line: ``python -m se5sim`` runs a simulated SE5 box until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
import contextlib
import logging
import signal
import sys
from typing import TextIO

from .model import DIALECTS
from .simulator import Simulator


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative")
    return value


def _non_negative_float(text: str) -> float:
    value = float(text)
    if not value >= 0:  # also rejects NaN
        raise argparse.ArgumentTypeError(f"{text} is not a number >= 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m se5sim``."""
    parser = argparse.ArgumentParser(
        prog="python -m se5sim",
        description="Simulate a Sophgo SE5 face-recognition box (REST API and event socket).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default %(default)s)")
    parser.add_argument("--dialect", choices=DIALECTS, default="v5", help="firmware API dialect")
    parser.add_argument("--devices", type=_non_negative_int, default=4, help="number of devices")
    parser.add_argument(
        "--rate",
        type=_non_negative_float,
        default=0.0,
        help="random recognitions per second across the followed devices (0: scripted only)",
    )
    parser.add_argument("--rest-port", type=_non_negative_int, default=5555, help="0: any free")
    parser.add_argument("--ws-port", type=_non_negative_int, default=5679, help="0: any free")
    parser.add_argument(
        "--system-port", type=_non_negative_int, default=8888, help="system API; 0: any free"
    )
    parser.add_argument(
        "--extra-people",
        type=_non_negative_int,
        default=0,
        help="generated registered people in addition to the eight built-in ones",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of ids, images, choices")
    parser.add_argument(
        "--score-scale",
        type=int,
        choices=(1, 100),
        default=None,
        help="score scale (default: 1 for v5, 100 for v6)",
    )
    parser.add_argument(
        "--lenient",
        action="store_true",
        help="accept what the vendor docs do not allow (door commands on channel 0 or to no "
        "relay, 255 s, reading the whole configuration list) instead of answering 400",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log connections")
    return parser


def describe(sim: Simulator) -> str:
    """The banner printed once the box is up."""
    lines = [
        f"SE5 simulator ({sim.dialect}) running; Ctrl-C to stop",
        f"REST: {sim.rest_url}",
        f"WS: {sim.ws_url}",
        f"System: {sim.system_url}",
        f"Serial: {sim.serial}",
        f"Devices ({len(sim.devices)}):",
    ]
    lines.extend(f"  {device.id}  {device.name}" for device in sim.devices)
    doors = [
        f"  {device.name}: relay {device.relay.get('ip')}:{device.relay.get('net_port')}"
        f" channel {device.relay.get('door_port')}, {device.relay.get('delay_time')} s"
        for device in sim.devices
        if device.relay
    ]
    if doors:
        lines.append("Doors (each pulse is printed below):")
        lines.extend(doors)
    if not sim.strict:
        lines.append("Lenient: what the vendor docs do not allow is accepted")
    return "\n".join(lines) + "\n"


async def run(
    args: argparse.Namespace,
    *,
    stop: asyncio.Event | None = None,
    out: TextIO | None = None,
) -> int:
    """Run the box until ``stop`` is set or SIGINT/SIGTERM arrives; the exit code."""
    stop = stop or asyncio.Event()
    out = out or sys.stdout
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Not possible off the main thread or on Windows: then only ``stop`` ends the run.
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, stop.set)
            installed.append(signum)
    try:
        async with Simulator(
            host=args.host,
            rest_port=args.rest_port,
            ws_port=args.ws_port,
            system_port=args.system_port,
            extra_people=args.extra_people,
            dialect=args.dialect,
            devices=args.devices,
            rate=args.rate,
            seed=args.seed,
            score_scale=args.score_scale,
            strict=not args.lenient,
        ) as sim:
            out.write(describe(sim))
            out.flush()
            await stop.wait()
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m se5sim``."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Each relay pulse is shown whatever the level: pressing a door in the demo is visible here.
    logging.getLogger("se5sim.relays").setLevel(logging.INFO)
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())

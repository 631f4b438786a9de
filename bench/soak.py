"""Soak: a real Home Assistant process fed by the simulator in its own process, for an hour.

    .venv/py3.13/bin/python bench/soak.py [--minutes 60] [--warm-up 10] [--idle 5] [--rate 5]
                                          [--dir /tmp/se5-soak]

What it does (numbers, not assertions; everything it writes goes under --dir, never the repo):
1. starts the box (bench/sim_box.py: `python -m se5sim --dialect v5 --devices 4`, free ports,
   face crop and scene photo in every frame, ~0.45 MB frames) in its own process;
2. writes a Home Assistant configuration like the demo's (recorder on SQLite, logbook, history,
   frontend, automation) with a copy of custom_components/se5 and the SE5 entry already in
   `.storage/core.config_entries`, as the config flow makes it (all devices, face + scene,
   the register's eight people followed), then starts `python -m homeassistant --config DIR
   --skip-pip` as a process (asyncio debug off, as in production);
3. once the box has the subscription: `--idle` minutes with no recognition (Home Assistant's
   own CPU use, subtracted below), then `--rate` recognitions per second for `--minutes`;
4. every minute: Home Assistant's CPU time (utime + stime of /proc/PID/stat, all threads), its
   RSS, the recognitions the box sent and the `se5_event` rows in the database;
5. at the end Home Assistant is stopped cleanly (the recorder flushes) and the `se5_event`
   rows are counted against the recognitions the box delivered.

Results (JSON and the per-minute samples) go to DIR/result.json; the last lines printed are
the summary: CPU per recognition after warm-up (gross, and net of the idle baseline), the RSS
slope over the last 45 minutes in MB per 1,000 recognitions, recognitions lost, the load.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from typing import Any
import urllib.request
import uuid

ROOT = Path(__file__).resolve().parents[1]
TICKS = os.sysconf("SC_CLK_TCK")

CONFIGURATION = """\
# Written by bench/soak.py: the demo's configuration on a free port.
homeassistant:
  name: SE5 soak
  unit_system: metric
automation: !include automations.yaml
config:
frontend:
history:
logbook:
recorder:
  purge_keep_days: 3
http:
  server_host: 127.0.0.1
  server_port: {port}
logger:
  default: warning
  logs:
    custom_components.se5: info
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14 and 15)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def load() -> str:
    """The load averages over 1, 5 and 15 minutes."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def database(db: Path) -> tuple[int | None, int | None]:
    """The `se5_event` rows in the database and the bytes it uses (pages not free, WAL too)."""
    if not db.exists():
        return None, None
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as connection:
            (events,) = connection.execute(
                "SELECT COUNT(*) FROM events JOIN event_types USING (event_type_id) "
                "WHERE event_types.event_type = 'se5_event'"
            ).fetchone()
            used = 1
            for pragma in ("page_count", "page_size"):
                used *= connection.execute(f"PRAGMA {pragma}").fetchone()[0]
            free = connection.execute("PRAGMA freelist_count").fetchone()[0]
            used -= free * connection.execute("PRAGMA page_size").fetchone()[0]
        return int(events), int(used)
    except sqlite3.Error:
        return None, None


def write_config(config: Path, box: dict[str, Any], http_port: int) -> None:
    """The demo's configuration, the integration copied in, the entry as the flow makes it."""
    config.mkdir(parents=True)
    (config / "configuration.yaml").write_text(CONFIGURATION.format(port=http_port))
    (config / "automations.yaml").write_text("[]\n")
    shutil.copytree(
        ROOT / "custom_components" / "se5",
        config / "custom_components" / "se5",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    now = "2026-01-01T00:00:00+00:00"
    entry = {
        "created_at": now,
        "data": {
            "host": "127.0.0.1",
            "rest_port": box["rest_port"],
            "event_port": box["ws_port"],
            "system_port": box["system_port"],
            "dialect": box["dialect"],
            "mac": box["mac"],
        },
        "discovery_keys": {},
        "disabled_by": None,
        "domain": "se5",
        "entry_id": uuid.uuid4().hex,
        "minor_version": 1,
        "modified_at": now,
        "options": {
            "devices": box["devices"],
            "follow_new": True,
            "known_devices": sorted(box["devices"]),
            "face_image": True,
            "scene_image": True,
            "registered_image": False,
            "people": box["people"],
        },
        "pref_disable_new_entities": False,
        "pref_disable_polling": False,
        "source": "user",
        "subentries": [],
        "title": "SE5 soak box",
        "unique_id": box["serial"],
        "version": 2,
    }
    storage = config / ".storage"
    storage.mkdir()
    (storage / "core.config_entries").write_text(
        json.dumps(
            {
                "version": 1,
                "minor_version": 5,
                "key": "core.config_entries",
                "data": {"entries": [entry]},
            }
        )
    )


def read_counts(path: Path) -> dict[str, Any]:
    for _ in range(50):
        try:
            return dict(json.loads(path.read_text()))
        except (OSError, ValueError):
            time.sleep(0.1)
    raise RuntimeError(f"cannot read {path}")


def wait_until(what: str, check: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(1)


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of y over x."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    var = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / var if var else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0, help="minutes of recognitions")
    parser.add_argument("--warm-up", type=float, default=10.0, help="minutes not measured")
    parser.add_argument("--idle", type=float, default=5.0, help="idle minutes first (baseline)")
    parser.add_argument("--rate", type=float, default=5.0, help="recognitions per second")
    parser.add_argument("--devices", type=int, default=4)
    parser.add_argument("--sample", type=float, default=60.0, help="seconds between samples")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/se5-soak"))  # noqa: S108
    args = parser.parse_args()

    if args.dir.exists():
        shutil.rmtree(args.dir)
    args.dir.mkdir(parents=True)
    config, counts_path = args.dir / "config", args.dir / "box-counts.json"
    db = config / "home-assistant_v2.db"
    started_load = load()
    print(f"soak in {args.dir}; load {started_load}", flush=True)

    box_log = (args.dir / "box.log").open("w")
    box = subprocess.Popen(  # noqa: S603 - our own scripts
        [
            sys.executable, str(ROOT / "bench" / "sim_box.py"), f"--count-file={counts_path}",
            "--dialect=v5", f"--devices={args.devices}", f"--rate={args.rate}", "--seed=1",
            "--rest-port=0", "--ws-port=0", "--system-port=0",
        ],
        stdout=subprocess.PIPE, stderr=box_log, text=True,
    )  # fmt: skip
    assert box.stdout is not None
    info = json.loads(box.stdout.readline())
    http_port = free_port()
    write_config(config, info, http_port)
    ha_log = (args.dir / "ha.log").open("w")
    ha = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "homeassistant", "--config", str(config), "--skip-pip"],
        stdout=ha_log, stderr=subprocess.STDOUT, cwd=args.dir,
    )  # fmt: skip
    samples: list[dict[str, Any]] = []
    try:
        wait_until("the box's subscription", lambda: read_counts(counts_path)["subscriptions"], 300)
        wait_until("Home Assistant's HTTP port", lambda: _http_up(http_port), 300)
        print(f"Home Assistant {ha.pid} up; box {box.pid} subscribed", flush=True)
        time.sleep(60)  # start-up work (recorder schema, first polls) done

        def sample(phase: str) -> dict[str, Any]:
            counts = read_counts(counts_path)
            events, used = database(db)
            row = {
                "t": round(time.monotonic() - t0, 1),
                "phase": phase,
                "cpu_s": cpu_seconds(ha.pid),
                "rss_mb": round(rss_mb(ha.pid), 1),
                "fired": counts["fired"],
                "delivered": counts["delivered"],
                "image_bytes": counts["image_bytes"],
                "db_events": events,
                "db_used": used,
            }
            samples.append(row)
            print(json.dumps(row), flush=True)
            return row

        t0 = time.monotonic()
        idle_start = sample("idle")
        time.sleep(args.idle * 60)
        idle_end = sample("idle")
        box.send_signal(signal.SIGUSR1)
        fire_start = time.monotonic()
        while time.monotonic() - fire_start < args.minutes * 60:
            time.sleep(args.sample)
            sample("warm-up" if time.monotonic() - fire_start < args.warm_up * 60 else "soak")
        box.send_signal(signal.SIGUSR2)
        time.sleep(15)  # the last frames handled, the recorder's 5 s commit done
        last = sample("end")
        ha.send_signal(signal.SIGTERM)
        ha.wait(timeout=300)
    finally:
        for process in (ha, box):
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=60)
    counts = read_counts(counts_path)
    recorded, used = database(db)
    soak = [s for s in samples if s["phase"] == "soak"]
    first = soak[0]
    idle_cpu_per_s = (idle_end["cpu_s"] - idle_start["cpu_s"]) / (idle_end["t"] - idle_start["t"])
    recognitions = last["delivered"] - first["delivered"]
    seconds = last["t"] - first["t"]
    cpu = last["cpu_s"] - first["cpu_s"]
    tail = [s for s in soak if s["t"] >= soak[-1]["t"] - 45 * 60]
    mb_per_min = slope([(s["t"] / 60, s["rss_mb"]) for s in tail])
    per_min = recognitions / (seconds / 60)
    result = {
        "load_start": started_load,
        "load_end": load(),
        "minutes": args.minutes,
        "rate": args.rate,
        "sent": counts["fired"],
        "delivered": counts["delivered"],
        "recorded_se5_event": recorded,
        "lost": None if recorded is None else counts["delivered"] - recorded,
        "idle_cpu_ms_per_s": round(idle_cpu_per_s * 1e3, 2),
        "cpu_ms_per_recognition_gross": round(cpu / recognitions * 1e3, 2),
        "cpu_ms_per_recognition_net": round(
            (cpu - idle_cpu_per_s * seconds) / recognitions * 1e3, 2
        ),
        "rss_mb_after_warm_up": first["rss_mb"],
        "rss_mb_end": last["rss_mb"],
        "rss_slope_mb_per_1000": round(mb_per_min / per_min * 1000, 3),
        "rss_slope_window_min": round((tail[-1]["t"] - tail[0]["t"]) / 60, 1),
        "image_kb_per_recognition": round(
            (last["image_bytes"] - first["image_bytes"]) / recognitions / 1024, 1
        ),
        "db_bytes_per_recognition": (
            None if used is None or first["db_used"] is None
            else round((used - first["db_used"]) / recognitions)
        ),
        "ha_log_errors": _count_errors(args.dir / "ha.log"),
        "samples": samples,
    }  # fmt: skip
    (args.dir / "result.json").write_text(json.dumps(result, indent=1))
    print(json.dumps({k: v for k, v in result.items() if k != "samples"}, indent=1), flush=True)


def _http_up(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/manifest.json", timeout=5):
            return True
    except OSError:
        return False


def _count_errors(log: Path) -> int:
    return sum(1 for line in log.read_text(errors="replace").splitlines() if " ERROR " in line)


if __name__ == "__main__":
    main()

"""The cameras, gates and door panels of the simulated box."""

from __future__ import annotations

import re
from typing import Any

from .model import DEFAULT_DEVICES, DEVICE_KINDS, DEVICE_ROLES, DeviceKind, DeviceRole, SimDevice


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "camera"


RELAY_PORT = 6722
"""The TCP control port of the simulated relays (`netRelay.net_port`)."""
DOORS_PER_RELAY = 4
"""Channels of one simulated relay: devices next to each other share a relay."""


def device_address(index: int) -> str:
    """The ``index``-th device's address: loopback (127.0.0.101 on), nothing listens there.

    Tests and the demo may only ever target loopback; nothing connects to these addresses.
    """
    return f"127.0.{index // 150}.{101 + index % 150}"


def relay_of(index: int) -> dict[str, Any]:
    """The network relay of the ``index``-th device (V5 ``netRelay``).

    Four devices in a row share one relay (loopback, 127.0.0.20 on), each on its own channel,
    as the doors of a multi-door relay: a door command that named no channel (0) would open
    them all. Delay times of 3, 4 and 5 s.
    """
    board = index // DOORS_PER_RELAY
    return {
        "ip": f"127.0.{board // 80}.{20 + board % 80}",
        "net_port": RELAY_PORT,
        "door_port": 1 + index % DOORS_PER_RELAY,
        "delay_time": 3 + index % 3,
    }


def build_device(
    index: int,
    name: str | None,
    kind: DeviceKind,
    *,
    role: DeviceRole | None,
    relay: dict[str, Any] | bool | None,
    device_id: str,
    group_id: str,
    permission_id: str,
    numeric: bool,
) -> SimDevice:
    """The ``index``-th device of a box (addresses follow from the index, all loopback).

    Without a name the built-in table gives name, kind, role and relay (for the first 16).
    ``relay=True`` generates a network relay; a dict is used as given. ValueError for an
    unknown kind or role.
    """
    if name is None and index < len(DEFAULT_DEVICES):
        name, kind, default_role, has_relay = DEFAULT_DEVICES[index]
        role = role or default_role
        relay = has_relay if relay is None else relay
    if kind not in DEVICE_KINDS:
        raise ValueError(f"kind must be one of {DEVICE_KINDS}, not {kind!r}")
    if role is None:
        role = "capture" if kind == "photo" else "ipc"
    if role not in DEVICE_ROLES:
        raise ValueError(f"role must be one of {DEVICE_ROLES}, not {role!r}")
    name = name or f"Camera {index + 1}"
    ip = device_address(index)
    urls: dict[DeviceKind, str] = {
        "rtsp": f"rtsp://{ip}:554/ch1",
        "photo": ip,
        "file": f"/data/video/{_slug(name)}.mp4",
        "gb28181": f"gb28181://34020000001320{index:06d}@{ip}:5060",
    }
    relay_entry: dict[str, Any] | None
    if relay is True:
        relay_entry = relay_of(index)
    elif isinstance(relay, dict):
        relay_entry = dict(relay)
    else:
        relay_entry = None
    return SimDevice(
        id=device_id,
        name=name,
        ip=ip,
        kind=kind,
        url=urls[kind],
        relay=relay_entry,
        role=role,
        group_id=group_id,
        permission_id=permission_id,
        numeric=numeric,
    )

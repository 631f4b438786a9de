"""The cameras, gates and door panels of the simulated box."""

from __future__ import annotations

import re
from typing import Any

from .model import DEFAULT_DEVICES, DEVICE_KINDS, DEVICE_ROLES, DeviceKind, DeviceRole, SimDevice


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "camera"


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
    """The ``index``-th device of a box (addresses follow from the index).

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
    ip = f"192.168.{1 + index // 150}.{101 + index % 150}"
    urls: dict[DeviceKind, str] = {
        "rtsp": f"rtsp://{ip}:554/ch1",
        "photo": ip,
        "file": f"/data/video/{_slug(name)}.mp4",
        "gb28181": f"gb28181://34020000001320{index:06d}@{ip}:5060",
    }
    relay_entry: dict[str, Any] | None
    if relay is True:
        relay_entry = {
            "ip": f"192.168.{10 + index // 200}.{20 + index % 200}",
            "net_port": 6722,
            "door_port": 1,
            "delay_time": 5,
        }
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

"""One entry of the box's device list, either dialect, as a `Device` with bounded text.

V5 `GET /SophonDevice/api/Devices` lists `devices_list` entries (`device_id`, `device_name`,
`device_ip`, `device_type`, `device_key`, relay in `netRelay`, recognition flags in
`device_attr`); V6 `getmediadevices` lists `media_device_*` entries with the relay in
`net_relay` (`port` and `channel` for V5's `net_port` and `door_port`). Names are cut at
`NAME_MAX`, other text at `TEXT_MAX`, the stream URL at `URL_MAX`; an entry without a usable id
is None.
"""

from __future__ import annotations

from dataclasses import replace

from .attributes import recognition_of
from .models import Device, Relay
from .parse import NAME_MAX, URL_MAX, cap_text, int_or_none, normalize_device_id, optional_text

# Field names of a device entry: id, name, ip, kind, stream URL or address.
_V5_DEVICE_KEYS = ("device_id", "device_name", "device_ip", "device_type", "device_key")
_V6_DEVICE_KEYS = (
    "media_device_id",
    "media_device_name",
    "media_device_ip",
    "media_device_type",
    "media_device_url",
)


def parse_device_v5(entry: object) -> Device | None:
    """One entry of the V5 `devices_list`; None when it has no usable id."""
    device = _parse_device(entry, _V5_DEVICE_KEYS)
    if device is None or not isinstance(entry, dict):
        return device
    return replace(device, recognition=recognition_of(entry))


def parse_device_v6(entry: object) -> Device | None:
    """One entry of the V6 `devices` list; None when it has no usable id."""
    return _parse_device(entry, _V6_DEVICE_KEYS)


def _parse_device(entry: object, keys: tuple[str, str, str, str, str]) -> Device | None:
    if not isinstance(entry, dict):
        return None
    id_key, name_key, ip_key, kind_key, url_key = keys
    device_id = normalize_device_id(entry.get(id_key))
    if device_id is None:
        return None
    return Device(
        id=device_id,
        name=optional_text(entry.get(name_key), NAME_MAX) or cap_text(device_id, NAME_MAX),
        ip=optional_text(entry.get(ip_key)),
        kind=optional_text(entry.get(kind_key)),
        url=optional_text(entry.get(url_key), URL_MAX),
        relay=_relay(entry.get("netRelay", entry.get("net_relay"))),
    )


def _relay(value: object) -> Relay | None:
    if not isinstance(value, dict):
        return None
    ip = optional_text(value.get("ip"))
    if ip is None:
        return None
    # V6 `net_relay` names the ports `port` and `channel`.
    return Relay(
        ip=ip,
        net_port=int_or_none(value.get("net_port", value.get("port"))),
        door_port=int_or_none(value.get("door_port", value.get("channel"))),
        delay_time=int_or_none(value.get("delay_time")),
    )

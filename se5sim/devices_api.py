"""The V5 device list's update call: `PUT /SophonDevice/api/Devices` with whole records.

F5/5.7-she-bei-guan-li/3-geng-xin-she-bei-SophonDeviceapiDevices (PUT): `devices_list` of
records, each with `device_id`, `device_name`, `group_id`, `permission_id`, `device_key` and
`device_type` (all required); `device_attr.actions` holds the video devices' flags. The answer
lists the devices updated. The simulator applies the name, the relay and the flags (the address
and the kind stay as they are); a device it does not have is left out of the answer.
"""

from __future__ import annotations

from typing import Any, Final

from aiohttp import web

from .envelopes import json_response, request_json, v5_bad_request, v5_error
from .model import SimDevice

REQUIRED: Final = (
    "device_id",
    "device_name",
    "group_id",
    "permission_id",
    "device_key",
    "device_type",
)


async def update_v5(request: web.Request, devices: dict[str, SimDevice]) -> web.Response:
    """Apply the records of a `PUT`; which devices were updated."""
    try:
        body = await request_json(request)
    except ValueError:
        return v5_error(400, 40001, "UNSUPPORT_CONTENT_TYPE", "the body must be JSON")
    records = body.get("devices_list") if isinstance(body, dict) else None
    if not isinstance(records, list) or not records:
        return v5_bad_request("devices_list is required")
    for record in records:
        if not isinstance(record, dict):
            return v5_bad_request("each device must be an object")
        missing = [key for key in REQUIRED if record.get(key) in (None, "")]
        if missing:
            return v5_bad_request(f"{', '.join(missing)} is required")
    updated: list[dict[str, Any]] = []
    for record in records:
        device = devices.get(str(record["device_id"]))
        if device is None:
            continue
        device.name = str(record["device_name"])
        relay = record.get("netRelay")
        if isinstance(relay, dict):
            device.relay = dict(relay) or None
        attr = record.get("device_attr")
        actions = attr.get("actions") if isinstance(attr, dict) else None
        if isinstance(actions, dict):
            device.actions = {key: bool(value) for key, value in actions.items()}
        updated.append({"device_id": device.wire_id, "device_name": device.name})
    return json_response({"data": {"success_devices": updated}})

"""Changing a device's settings on the box: recognition on or off (V5 video devices).

V5 `PUT /SophonDevice/api/Devices` takes whole records (`device_name`, `group_id`,
`permission_id`, `device_key`, `device_type` are required): the client reads the device's record
(`GET ...Devices?device_id=`), changes `device_attr.actions` and sends it back whole, with the
fields the PUT page's table names (`PUT_FIELDS`): its example is the device list's record
without `device_ip`. The flags apply to video-stream (`rtsp`) devices only
("仅在视频流模式下使用"). V6 documents no such flags (`updatemediadevice` has none), so there is
nothing to switch there.

Decisions where the docs leave a choice:
- "Recognition" is detection, feature extraction and matching together (`do_detect`,
  `do_feature`, `do_match`); switching it sets all three, and leaves the other flags
  (`do_track`, `fast_mode`, `do_attribute`...) as they are. A flag the box does not list counts
  as on (the documented example has them on).
- The answer lists the devices updated; the page's example lists one with an empty id and name.
  One device is sent, so an entry without an id confirms it; no entry, or entries naming only
  other devices, are a refusal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from . import values
from .attributes import RECOGNITION_FLAGS, VIDEO_KIND
from .errors import Se5ApiError, Se5NotABoxError, Se5RefusedError
from .fetch import RequestFn
from .parse import normalize_device_id

V5_DEVICES_PATH: Final = "/SophonDevice/api/Devices"
PUT_FIELDS: Final = (
    "device_id",
    "device_name",
    "group_id",
    "permission_id",
    "device_key",
    "is_start_rtmp",
    "rtmp_address",
    "device_type",
    "device_attr",
    "netRelay",
)
"""The fields of a record the PUT page's table names, sent back as read."""


async def set_recognition(
    request: RequestFn, write: RequestFn, device_id: str, enabled: bool
) -> None:
    """Switch recognition on or off on one V5 video device (its record sent back whole).

    ValueError for a device that is not a video stream; Se5RefusedError when the box refuses
    or does not list the device as updated.
    """
    payload = await request("GET", V5_DEVICES_PATH, params={"device_id": device_id})
    data = payload.get("data") if isinstance(payload, Mapping) else None
    entries = data.get("devices_list") if isinstance(data, Mapping) else None
    if not isinstance(entries, list):
        raise Se5NotABoxError("answer has no data.devices_list list")
    record = next(
        (
            {key: entry[key] for key in PUT_FIELDS if key in entry}
            for entry in entries
            if isinstance(entry, Mapping)
            and normalize_device_id(entry.get("device_id")) == device_id
        ),
        None,
    )
    if record is None:
        raise Se5RefusedError("NOT_FOUND", f"the box does not list device {device_id}")
    if values.text(record.get("device_type")) != VIDEO_KIND:
        raise ValueError("recognition is switched on video-stream (rtsp) devices only")
    attr = record.get("device_attr")
    attr = dict(attr) if isinstance(attr, Mapping) else {}
    actions = attr.get("actions")
    attr["actions"] = {
        **(actions if isinstance(actions, Mapping) else {}),
        **dict.fromkeys(RECOGNITION_FLAGS, enabled),
    }
    record["device_attr"] = attr
    try:
        answer = await write("PUT", V5_DEVICES_PATH, json_body={"devices_list": [record]})
    except Se5ApiError as err:
        if isinstance(err, Se5RefusedError):
            raise
        raise Se5RefusedError(err.code, err.message, err.status) from err
    answer_data = answer.get("data") if isinstance(answer, Mapping) else None
    updated = answer_data.get("success_devices") if isinstance(answer_data, Mapping) else None
    named = [
        normalize_device_id(item.get("device_id"))
        for item in (updated if isinstance(updated, list) else [])
        if isinstance(item, Mapping)
    ]
    if not any(name in (None, device_id) for name in named):
        raise Se5RefusedError("NOT_UPDATED", f"device {device_id} is not in success_devices")

"""What of a recognition reaches the event bus: small, flat, no image (README: se5_event)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .client import Recognition
from .const import (
    ATTR_DEVICE_NAME,
    ATTR_EVENT_ID,
    ATTR_IDENTITY_ID,
    ATTR_IDENTITY_INFO,
    ATTR_IDENTITY_NAME,
    ATTR_MASK,
    ATTR_PERSON_TYPE,
    ATTR_SCORE,
    ATTR_TIMESTAMP,
    MAX_EVENT_INFO_BYTES,
)

_EXT_INFO_FIELDS = ("building_no", "floor", "room")
_MAX_TEXT = 64


def small_scalars(info: Any, budget: int = MAX_EVENT_INFO_BYTES) -> dict[str, Any]:
    """The useful, short, scalar fields of identity_info, within about `budget` bytes.

    Only known fields are kept (the person's user id and where they belong: building, floor,
    room), so that addresses or whatever else a box stores never reach the event bus.
    """
    if not isinstance(info, dict) or not info:
        return {}
    fields: list[tuple[str, Any]] = [("user_id", info.get("user_id"))]
    extra = info.get("ext_info")
    if isinstance(extra, dict):
        fields.extend((key, extra.get(key)) for key in _EXT_INFO_FIELDS)
    kept: dict[str, Any] = {}
    used = 2  # the braces
    for key, value in fields:
        if isinstance(value, str):
            if len(value) > _MAX_TEXT:
                continue
            # UTF-8 bytes, quotes, colon, comma: an upper bound of the JSON size.
            size = len(key) + len(value.encode()) + 6
        elif isinstance(value, bool | int | float):
            size = len(key) + len(str(value)) + 4
        else:
            continue
        if used + size <= budget:
            kept[key] = value
            used += size
    return kept


def recognition_data(
    recognition: Recognition,
    ha_device_id: str,
    device_name: str | None,
    kept: Mapping[str, str],
) -> dict[str, Any]:
    """The data of `se5_event` (and `se5_recognition_recovered`) for one recognition.

    `kept`: what the store of recent recognitions adds while it keeps the recognition (its
    `recognition_id`, `face_url`, `scene_url`).
    """
    data: dict[str, Any] = {
        "device_id": ha_device_id,
        ATTR_DEVICE_NAME: device_name,
        ATTR_IDENTITY_ID: recognition.identity_id,
        ATTR_IDENTITY_NAME: recognition.identity_name,
        ATTR_PERSON_TYPE: recognition.person_type.value,
        ATTR_SCORE: None if recognition.score is None else round(recognition.score, 4),
        ATTR_TIMESTAMP: recognition.timestamp.isoformat(timespec="milliseconds"),
    }
    if recognition.event_id is not None:
        data[ATTR_EVENT_ID] = recognition.event_id
    if recognition.mask is not None:
        data[ATTR_MASK] = recognition.mask
    if info := small_scalars(recognition.identity_info):
        data[ATTR_IDENTITY_INFO] = info
    data.update(kept)
    return data

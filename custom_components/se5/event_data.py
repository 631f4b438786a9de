"""What of a person's `identity_info` may reach the event bus."""

from __future__ import annotations

from typing import Any

from .const import MAX_EVENT_INFO_BYTES

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

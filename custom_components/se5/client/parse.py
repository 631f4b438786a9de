"""Turn what the box sends into models, whatever the firmware dialect.

Everything here is pure: no I/O, no logging. A frame that cannot become a recognition raises one
`FrameError` whose `kind` names the class of fault and whose reason never repeats names, ids or
image data from the frame.

Whatever the box sends, a Recognition (and a Device, read by `device_list` with the same caps)
carries bounded text: names at most `NAME_MAX` characters, other text `TEXT_MAX`, stream URLs
`URL_MAX`; `identity_info` at most `INFO_MAX_ITEMS` entries per level, `INFO_MAX_DEPTH` levels
and `INFO_BUDGET` characters in all. A cut name ends with "…". Device ids are never cut: one
that does not fit is unusable.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
import math
from typing import Any, cast

from .attributes import mask_of
from .errors import FrameError
from .images import encoded_image
from .jsondoc import (
    ANSWER_MAX_VALUES,
    FRAME_MAX_VALUES,
    check_values,
    decode_frame,
    loads,
    too_many_values,
)
from .models import ImageSelection, PersonType, Recognition

__all__ = [
    "ANSWER_MAX_VALUES",
    "FRAME_MAX_VALUES",
    "check_values",
    "decode_frame",
    "loads",
    "too_many_values",
]

_ALL_IMAGES = ImageSelection(face=True, scene=True, registered=True)
# Epoch values below this are seconds, not milliseconds (1e11 ms is March 1973).
_SECONDS_LIMIT = 100_000_000_000
# Reject timestamps a datetime cannot hold or that are clearly not a date (after year 9999).
_MAX_TIMESTAMP_MS = 253_402_300_799_999
MAX_AHEAD_MS = 5 * 60 * 1000
"""A recognition stamped more than this after it arrived takes its arrival time instead (a
box clock that is wrong): a time in the future would never age out of the store and would
make the history recovery look for events after it."""

NAME_MAX = 64
"""Characters kept of a person's, a device's or a group's name."""
TEXT_MAX = 255
"""Characters kept of other text (ids, addresses, kinds): HA's limit for a state."""
URL_MAX = 2048
"""Characters kept of a device's stream URL."""
INFO_MAX_ITEMS = 32
"""Entries kept per dict or list of identity_info."""
INFO_MAX_DEPTH = 2
"""Levels of identity_info kept: its own entries, and scalars inside dicts or lists there."""
INFO_BUDGET = 4096
"""Characters (keys and texts; 4 per other value) kept of identity_info in all."""
_ID_INT_LIMIT = 10**TEXT_MAX


def parse_frame(
    text: str | bytes,
    images: ImageSelection = _ALL_IMAGES,
    *,
    received_at: datetime | None = None,
    score_scale: int | None = None,
) -> Recognition:
    """Parse one event frame (JSON text) into a Recognition.

    `images` says which images to keep (decoded when read); the others are ignored.
    `received_at` stands in for a missing timestamp (default: now). `score_scale` is the box's
    scale of scores (1 or 100) when it is known (see `normalize_score`).
    """
    return parse_event(decode_frame(text), images, received_at=received_at, score_scale=score_scale)


def parse_event(
    data: object,
    images: ImageSelection = _ALL_IMAGES,
    *,
    received_at: datetime | None = None,
    score_scale: int | None = None,
) -> Recognition:
    """Normalise one decoded event (V5 or V6) into a Recognition."""
    if not isinstance(data, dict):
        raise FrameError("not_object", f"frame is a JSON {_json_type(data)}, not an object")
    if "media_device_id" in data:
        return _parse_v6(data, images, received_at, score_scale)
    if "device_id" in data:
        return _parse_v5(data, images, received_at, score_scale)
    raise FrameError("no_device", "frame names no device (no device_id or media_device_id)")


def _parse_v5(
    data: dict[str, Any], images: ImageSelection, received_at: datetime | None, scale: int | None
) -> Recognition:
    ext = data.get("ext_data")
    ext = ext if isinstance(ext, dict) else {}
    info = bounded_info(data.get("identity_info"))
    person_type = _person_type_v5(ext.get("person_type"), info)
    score, raw_score = normalize_score(data.get("score"), scale)
    timestamp, timestamp_ms = _timestamp(data.get("timestamp"), received_at)
    return Recognition(
        device_id=_device_id(data["device_id"]),
        identity_id=_text(data.get("identity_id")),
        identity_name=_text(data.get("identity_name"), NAME_MAX),
        person_type=person_type,
        score=score,
        raw_score=raw_score,
        timestamp=timestamp,
        timestamp_ms=timestamp_ms,
        group=optional_text(data.get("group_name"), NAME_MAX),
        device_ip=optional_text(ext.get("device_ip")),
        device_type=optional_text(ext.get("device_type")),
        identity_info=info,
        event_id=optional_text(data.get("event_id")),
        video_id=optional_text(data.get("video_id")),
        face_image=encoded_image(ext.get("recognize_face")) if images.face else None,
        scene_image=encoded_image(ext.get("spot_pic")) if images.scene else None,
        registered_image=encoded_image(data.get("reg_pic")) if images.registered else None,
        mask=mask_of(data.get("recognize_face_attr")),
    )


def _parse_v6(
    data: dict[str, Any], images: ImageSelection, received_at: datetime | None, scale: int | None
) -> Recognition:
    score, raw_score = normalize_score(data.get("score"), scale)
    timestamp, timestamp_ms = _timestamp(data.get("timestamp"), received_at)
    info = bounded_info(data.get("identity_info"))
    return Recognition(
        device_id=_device_id(data["media_device_id"]),
        identity_id=_text(data.get("identity_id")),
        identity_name=_text(data.get("identity_name"), NAME_MAX),
        person_type=_person_type_v6(data.get("user_type"), info),
        score=score,
        raw_score=raw_score,
        timestamp=timestamp,
        timestamp_ms=timestamp_ms,
        group=optional_text(data.get("group_name"), NAME_MAX),
        device_ip=optional_text(data.get("media_device_ip")),
        device_type=optional_text(data.get("media_device_type")),
        identity_info=info,
        event_id=optional_text(data.get("event_id")),
        video_id=optional_text(data.get("video_id")),
        face_image=encoded_image(data.get("recognize_face_image")) if images.face else None,
        scene_image=None,
        # The field table says `register_image`, the page's push example `reg_pic`.
        registered_image=(
            encoded_image(data.get("register_image") or data.get("reg_pic"))
            if images.registered
            else None
        ),
        mask=mask_of(data.get("recognize_face_attr")),
    )


def normalize_device_id(value: object) -> str | None:
    """The one text form of a device id, in device lists and events of both dialects.

    A string loses surrounding whitespace; an integer becomes its decimal text (`123` and
    `"123"` are the same device). Floats, booleans, empty text and ids over `TEXT_MAX`
    characters are unusable: None.
    """
    if isinstance(value, str):
        text = value.strip()
    elif isinstance(value, int) and not isinstance(value, bool):
        if not -_ID_INT_LIMIT < value < _ID_INT_LIMIT:
            return None
        text = str(value)
    else:
        return None
    return text if text and len(text) <= TEXT_MAX else None


def _device_id(value: object) -> str:
    if (device_id := normalize_device_id(value)) is not None:
        return device_id
    if isinstance(value, str) and value.strip():
        raise FrameError("bad_device", f"device id longer than {TEXT_MAX} characters")
    raise FrameError(
        "bad_device", f"device id is a {_json_type(value)}, not a non-empty string or an integer"
    )


def _person_type_v5(value: object, info: Mapping[str, Any]) -> PersonType:
    """`ext_data.person_type`, else the stranger record's `type`, else employee (documented)."""
    for candidate in (value, info.get("type")):
        code = int_or_none(candidate)
        if code is not None and (kind := PersonType.from_code(code)) is not None:
            return kind
    return PersonType.EMPLOYEE


def _person_type_v6(value: object, info: Mapping[str, Any]) -> PersonType:
    if isinstance(value, str):
        try:
            return PersonType(value.strip().lower())
        except ValueError:
            pass
    return _person_type_v5(value, info)


def normalize_score(value: object, scale: int | None = None) -> tuple[float | None, float | None]:
    """A score normalised to 0..1 (HA shows it as 0..100 %), and the raw value.

    The box's scale when it told it (`scale`, see `configs.read_score_scale`): 100 divides every
    score; 1 keeps those up to 1. Otherwise each value is judged alone: above 1 it is on the
    0..100 scale. The docs leave no fixed rule per dialect: the V6 field table says 0..100 and
    its push example sends 0.62; V5 live frames send 0..1, its history 10.15 and thresholds 82.
    """
    number = _float_or_none(value)
    if number is None or number < 0:
        return None, None
    normalised = number / 100 if scale == 100 or number > 1 else number
    return min(normalised, 1.0), number


def _timestamp(value: object, received_at: datetime | None) -> tuple[datetime, int]:
    when = received_at or datetime.now(UTC)
    when_ms = int(when.timestamp() * 1000)
    number = _float_or_none(value)
    if number is not None and number > 0:
        ms = int(number * 1000) if number < _SECONDS_LIMIT else int(number)
        if ms <= min(_MAX_TIMESTAMP_MS, when_ms + MAX_AHEAD_MS):
            return datetime.fromtimestamp(ms / 1000, UTC), ms
    return when, when_ms


def cap_text(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, "…" marking a cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bounded_info(value: object) -> dict[str, Any]:
    """A bounded copy of an `identity_info` object (the INFO_* caps); {} when not an object."""
    if not isinstance(value, dict):
        return {}
    return _bounded_dict(value, INFO_MAX_DEPTH, INFO_BUDGET)[0]


def _bounded_dict(value: dict[Any, Any], depth: int, budget: int) -> tuple[dict[str, Any], int]:
    """`value` within the caps, and what is left of the budget."""
    kept: dict[str, Any] = {}
    for key, item in value.items():
        if len(kept) >= INFO_MAX_ITEMS or budget <= 0:
            break
        name = key if type(key) is str and len(key) <= NAME_MAX else cap_text(str(key), NAME_MAX)
        budget -= len(name)
        bounded, budget = _bounded_item(item, depth - 1, budget)
        if bounded is not _DROP:
            kept[name] = bounded
    return kept, budget


def _bounded_item(item: object, depth: int, budget: int) -> tuple[object, int]:
    """One value within the caps (or _DROP), and what is left of the budget."""
    kind = type(item)
    if kind is str:
        text = cast("str", item)
        if len(text) > TEXT_MAX:
            text = cap_text(text, TEXT_MAX)
        budget -= max(len(text), 4)
        return (text if budget >= 0 else _DROP), budget
    if item is None or kind is bool or kind is float:
        return item, budget - 4
    if kind is int:
        number = cast("int", item)
        return (number if -_ID_INT_LIMIT < number < _ID_INT_LIMIT else _DROP), budget - 4
    if depth <= 0:
        return _DROP, budget
    if kind is dict:
        return _bounded_dict(cast("dict[Any, Any]", item), depth, budget)
    if kind is list:
        kept: list[object] = []
        for element in cast("list[object]", item):
            if len(kept) >= INFO_MAX_ITEMS or budget <= 0:
                break
            bounded, budget = _bounded_item(element, depth - 1, budget)
            if bounded is not _DROP:
                kept.append(bounded)
        return kept, budget
    return _DROP, budget


_DROP = object()


def _text(value: object, limit: int = TEXT_MAX) -> str:
    if isinstance(value, str):
        return value if len(value) <= limit else cap_text(value, limit)
    if isinstance(value, float) or (
        isinstance(value, int)
        and not isinstance(value, bool)
        and -_ID_INT_LIMIT < value < _ID_INT_LIMIT
    ):
        return cap_text(str(value), limit)
    return ""


def optional_text(value: object, limit: int = TEXT_MAX) -> str | None:
    return _text(value, limit) or None


def _float_or_none(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # an integer of hundreds of digits
            return None
        return number if math.isfinite(number) else None
    return None


def int_or_none(value: object) -> int | None:
    number = _float_or_none(value)
    if number is None or not number.is_integer():
        return None
    return int(number)


def _json_type(value: object) -> str:
    match value:
        case None:
            return "null"
        case bool():
            return "boolean"
        case int() | float():
            return "number"
        case str():
            return "string"
        case list():
            return "array"
        case dict():
            return "object"
    return type(value).__name__

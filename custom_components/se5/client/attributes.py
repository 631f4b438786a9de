"""The few settings and face attributes the client reads beyond who and where.

- A V5 video device's recognition flags (`device_attr.actions`), for the recognition switch.
- Whether a recognised face wore a mask (`recognize_face_attr.mask`); nothing else of the face
  attributes (age, gender, glasses) is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

RECOGNITION_FLAGS = ("do_detect", "do_feature", "do_match")
"""The V5 `device_attr.actions` flags that together make a video device recognise faces."""
VIDEO_KIND = "rtsp"


def recognition_of(entry: Mapping[str, Any]) -> bool | None:
    """Whether a V5 device record has recognition on; None for a device that has no flags."""
    kind = entry.get("device_type")
    if not isinstance(kind, str) or kind.strip() != VIDEO_KIND:
        return None
    attr = entry.get("device_attr")
    actions = attr.get("actions") if isinstance(attr, Mapping) else None
    if not isinstance(actions, Mapping):
        return True
    return all(actions.get(flag, True) is not False for flag in RECOGNITION_FLAGS)


def mask_of(attributes: object) -> bool | None:
    """`recognize_face_attr.mask` ("yes" / "no", as documented) as a bool; None otherwise.

    Nothing else of the face attributes (age, gender, glasses) is read.
    """
    mask = attributes.get("mask") if isinstance(attributes, dict) else None
    if isinstance(mask, bool):
        return mask
    if isinstance(mask, str):
        return {"yes": True, "no": False}.get(mask.strip().lower())
    return None

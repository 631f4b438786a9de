"""Recognition frames in the box's two dialects."""

from __future__ import annotations

from dataclasses import dataclass, field
import json
from typing import Any, Final

from .images import b64
from .model import PERSON_TYPE_NUMBERS, SentRecognition

#: V6 images carry a data-URL prefix.
V6_IMAGE_PREFIX: Final = "data:image/jpeg;base64,"


def dumps(value: Any) -> str:
    """JSON text as the box writes it (UTF-8, not ASCII-escaped)."""
    return json.dumps(value, ensure_ascii=False)


def loads(text: str | bytes) -> Any:
    """JSON read from a client; ValueError for anything unreadable, nesting too deep included."""
    try:
        return json.loads(text)
    except RecursionError as err:
        raise ValueError("JSON nested too deep") from err


@dataclass(frozen=True, slots=True)
class Event:
    """A recognition ready to be rendered for each subscription's image flags."""

    sent: SentRecognition
    device_type: str
    """V5: ``ext_data.device_type`` code; V6: ``media_device_type``."""
    face_attr: dict[str, Any]
    """V6 ``recognize_face_attr``."""
    wire_device_id: str | int | None = None
    """The device id as the box writes it (a number on boxes with numeric ids)."""
    _texts: dict[tuple[bool, bool], str] = field(default_factory=dict, repr=False)

    @property
    def _device_id(self) -> str | int:
        return self.sent.device_id if self.wire_device_id is None else self.wire_device_id

    def frame(self, *, with_face: bool, with_register: bool) -> dict[str, Any]:
        """The frame as a dict; images only as the flags ask."""
        if self.sent.dialect == "v5":
            return self._v5(with_face=with_face, with_register=with_register)
        return self._v6(with_face=with_face, with_register=with_register)

    def text(self, *, with_face: bool, with_register: bool) -> str:
        """The frame as JSON text, rendered once per combination of flags."""
        key = (with_face, with_register)
        text = self._texts.get(key)
        if text is None:
            text = dumps(self.frame(with_face=with_face, with_register=with_register))
            self._texts[key] = text
        return text

    def _v5(self, *, with_face: bool, with_register: bool) -> dict[str, Any]:
        sent = self.sent
        ext: dict[str, Any] = {}
        if sent.person_type_sent:
            ext["person_type"] = PERSON_TYPE_NUMBERS[sent.person_type]
        ext["device_ip"] = sent.device_ip
        ext["device_type"] = self.device_type
        if with_face:
            if sent.scene_jpeg is not None:
                ext["spot_pic"] = b64(sent.scene_jpeg)
            ext["recognize_face"] = b64(sent.face_jpeg)
        ext["grab_fiqa_info"] = {}
        ext["box_fiqa_info"] = {}
        frame: dict[str, Any] = {}
        if with_register:
            frame["reg_pic"] = b64(sent.registered_jpeg) if sent.registered_jpeg else ""
        frame.update(
            {
                "ext_data": ext,
                "identity_id": sent.identity_id,
                "device_id": self._device_id,
                "identity_info": dict(sent.identity_info or {}),
                "score": sent.score,
                "timestamp": sent.timestamp_ms,
                "group_name": sent.group_name,
                "identity_name": sent.identity_name,
                "video_id": sent.video_id,
                "event_id": sent.event_id,
            }
        )
        return frame

    def _v6(self, *, with_face: bool, with_register: bool) -> dict[str, Any]:
        sent = self.sent
        frame: dict[str, Any] = {
            "event_id": sent.event_id,
            "media_device_id": self._device_id,
            "media_device_ip": sent.device_ip,
            "media_device_type": self.device_type,
            "identity_id": sent.identity_id,
            "identity_name": sent.identity_name,
            "user_type": sent.person_type,
            "score": sent.score,
            "timestamp": sent.timestamp_ms,
        }
        if with_face:
            frame["recognize_face_image"] = V6_IMAGE_PREFIX + b64(sent.face_jpeg)
        if with_register and sent.registered_jpeg is not None:
            frame["register_image"] = V6_IMAGE_PREFIX + b64(sent.registered_jpeg)
        frame["recognize_face_attr"] = dict(self.face_attr)
        return frame

"""Data models of the SE5 protocol, normalised across the V5 and V6 firmware dialects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
import json
from typing import Any, Literal

from .images import Base64Image, LazyImage


class Dialect(StrEnum):
    """Firmware dialect of the box API."""

    V5 = "v5"
    V6 = "v6"


class PersonType(StrEnum):
    """Kind of person a recognition is about (V5 `person_type` 1..5, V6 `user_type`)."""

    EMPLOYEE = "employee"
    VISITOR = "visitor"
    BLACKLIST = "blacklist"
    STRANGER = "stranger"
    VIP = "vip"

    @property
    def code(self) -> int:
        """The V5 `person_type` number of this kind."""
        return _PERSON_TYPE_CODES[self]

    @classmethod
    def from_code(cls, code: int) -> PersonType | None:
        """The kind for a V5 `person_type` number, or None when the number is unknown."""
        return _PERSON_TYPE_BY_CODE.get(code)


_PERSON_TYPE_CODES: dict[PersonType, int] = {
    PersonType.EMPLOYEE: 1,
    PersonType.VISITOR: 2,
    PersonType.BLACKLIST: 3,
    PersonType.STRANGER: 4,
    PersonType.VIP: 5,
}
_PERSON_TYPE_BY_CODE = {code: kind for kind, code in _PERSON_TYPE_CODES.items()}


@dataclass(frozen=True, slots=True)
class Relay:
    """The network relay a device can drive.

    V5 `netRelay` (`ip`, `net_port`, `door_port`, `delay_time`); V6 `net_relay` has `port` for
    `net_port` and `channel` for `door_port`.
    """

    ip: str
    net_port: int | None = None
    door_port: int | None = None
    delay_time: int | None = None


@dataclass(frozen=True, slots=True)
class Device:
    """A camera, gate or reader attached to the box."""

    id: str
    name: str
    ip: str | None = None
    kind: str | None = None
    """`photo`, `rtsp`, `file` or `gb28181` as the box reports it."""
    url: str | None = field(default=None, repr=False)
    """Stream URL for video devices, the address for gates and capture cameras.

    Left out of repr: an RTSP URL may carry the camera's password."""
    relay: Relay | None = None
    recognition: bool | None = None
    """V5 video devices: whether the box recognises faces on it (`device_attr.actions`); None
    where the box has no such setting (V6, devices that are no video stream)."""

    @property
    def stream_url(self) -> str | None:
        """The live stream's URL (`rtsp://...`) of a device that has one.

        It may carry the camera's password: never logged, shown or stored.
        """
        url = self.url
        return url if url is not None and url[:7].lower() == "rtsp://" else None


@dataclass(frozen=True, slots=True)
class Person:
    """A person registered on the box (V5 users endpoint, V6 identities)."""

    identity_id: str
    name: str = field(repr=False)  # personal data: never in a log by way of a repr
    person_type: PersonType
    groups: tuple[str, ...] = field(default=(), repr=False)  # may name the person's employer
    photo: bytes | None = field(default=None, repr=False)
    """JPEG of the registered photo; only filled when asked for."""
    photo_id: str | None = None
    """Id of the registered photo on the box (V5 `info.image_id`, V6 `register_image_ids[0]`)."""


@dataclass(frozen=True, slots=True)
class ImageSelection:
    """Which images to ask the box for and to keep."""

    face: bool = True
    scene: bool = False
    registered: bool = False


@dataclass(frozen=True, slots=True)
class Subscription:
    """What the event socket should push: which devices, which images."""

    device_ids: tuple[str, ...] = ()
    images: ImageSelection = ImageSelection()

    def to_wire(self, dialect: Dialect) -> str:
        """The subscription frame in the box's dialect.

        V5 has one flag for the live images (`need_face`: face crop and scene photo) and one for
        the registered photo; V6 has no scene photo at all.
        """
        payload: dict[str, Any]
        if dialect is Dialect.V5:
            payload = {
                "need_face": self.images.face or self.images.scene,
                "need_register": self.images.registered,
                "event_list": list(self.device_ids),
            }
        else:
            payload = {
                "with_face_image": self.images.face,
                "with_register_image": self.images.registered,
                "media_device_ids": list(self.device_ids),
            }
        return json.dumps(payload)


@dataclass(frozen=True)
class Recognition:
    """One recognition pushed by the box, the same whichever dialect sent it.

    The images read as JPEG bytes (or None) and are decoded on first read (see `images`).
    """

    device_id: str
    identity_id: str
    identity_name: str = field(repr=False)  # personal data: never in a log by way of a repr
    person_type: PersonType
    score: float | None
    """Normalised to 0..1; None when the box sent no usable score."""
    raw_score: float | None
    """The score exactly as sent (0..1 or 0..100: see `parse.normalize_score`)."""
    timestamp: datetime
    """Aware (UTC)."""
    timestamp_ms: int
    group: str | None = field(default=None, repr=False)  # may name the person's employer...
    device_ip: str | None = None
    device_type: str | None = None
    identity_info: Mapping[str, Any] = field(default_factory=dict, repr=False)  # personal data
    event_id: str | None = None
    video_id: str | None = None
    face_image: LazyImage = field(default=LazyImage(), repr=False)
    """JPEG of the face crop."""
    scene_image: LazyImage = field(default=LazyImage(), repr=False)
    """JPEG of the whole scene."""
    registered_image: LazyImage = field(default=LazyImage(), repr=False)
    """JPEG registered for the matched person."""
    face_image_id: str | None = None
    """History only: id of the face crop on the box (see `Se5Client.get_event_image`)."""
    scene_image_id: str | None = None
    """History only: id of the scene photo (None when the box keeps only the face crop)."""
    registered_image_id: str | None = None
    """History only: id of the matched person's registered photo."""
    box_time: str | None = None
    """History only: the event's `timestamp` as the box wrote it (`1607062639.7013178`), which
    its image calls take unchanged."""
    mask: bool | None = None
    """Whether the face wore a mask (`recognize_face_attr.mask`), when the box tells; none of
    the other face attributes (age, gender, glasses) is kept."""

    def held_image(
        self, name: Literal["face_image", "scene_image", "registered_image"]
    ) -> bytes | Base64Image | None:
        """One of the images as held now, without decoding it.

        The box's base64 text, or the JPEG once something has read it.
        """
        value = self.__dict__.get(f"_{name}")
        return value if isinstance(value, bytes | Base64Image) else None

    @property
    def is_stranger(self) -> bool:
        """True for an unmatched face."""
        return self.person_type is PersonType.STRANGER


@dataclass(frozen=True, slots=True)
class BoxInfo:
    """Who the box is: identity and versions (system API, port 8888)."""

    serial: str | None = None
    mac: str | None = None
    """eth0 (WAN) MAC, lower case, `aa:bb:cc:dd:ee:ff`."""
    model: str | None = None
    hardware_version: str | None = None
    firmware_version: str | None = None
    mcu_version: str | None = None
    hostname: str | None = None

    @property
    def unique_id(self) -> str | None:
        """The serial (upper case), else `mac-` and the MAC's 12 hex digits, else None.

        Never the host: the address of a box can change, its serial cannot. A box whose serial
        call fails now and then would flip to the MAC form: callers that once saw a serial
        should retry rather than accept the fallback.
        """
        if self.serial and self.serial.strip():
            return self.serial.strip().upper()
        if self.mac:
            return "mac-" + self.mac.replace(":", "").lower()
        return None


@dataclass(frozen=True, slots=True)
class Health:
    """The box's health (system API); each value is None when the box did not give it."""

    core_temperature: float | None = None
    """°C."""
    board_temperature: float | None = None
    """°C."""
    cpu_usage: float | None = None
    """Percent (0..100), all cores."""
    tpu_usage: float | None = None
    """Percent."""
    memory_usage: float | None = None
    """Percent of the usable memory."""
    memory_total: int | None = None
    """Bytes of usable memory."""
    memory_used: int | None = None
    """Bytes."""
    disk_usage: float | None = None
    """Percent of the eMMC."""
    disk_total: int | None = None
    """Bytes."""
    disk_free: int | None = None
    """Bytes."""
    external_disk: bool | None = None
    """An external disk is present (mounted)."""
    external_disk_usage: float | None = None
    """Percent; None without an external disk."""
    external_disk_total: int | None = None
    """Bytes; None without an external disk."""
    fan_speed: float | None = None
    """rpm (0 for a box without a fan)."""
    uptime: timedelta | None = None
    firmware_version: str | None = None

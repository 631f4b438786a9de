"""Data model of the simulated box: devices, people, recognitions, subscriptions."""

from __future__ import annotations

from dataclasses import dataclass, field
import random
from typing import Any, Final, Literal
import uuid

from . import images

type Dialect = Literal["v5", "v6"]
type DeviceKind = Literal["rtsp", "photo", "file", "gb28181"]
type DeviceRole = Literal["gate", "capture", "ipc", "access"]
type PersonType = Literal["employee", "visitor", "blacklist", "stranger", "vip"]

DIALECTS: Final[tuple[Dialect, ...]] = ("v5", "v6")
DEVICE_KINDS: Final[tuple[DeviceKind, ...]] = ("rtsp", "photo", "file", "gb28181")
DEVICE_ROLES: Final[tuple[DeviceRole, ...]] = ("gate", "capture", "ipc", "access")
PERSON_TYPES: Final[tuple[PersonType, ...]] = (
    "employee",
    "visitor",
    "blacklist",
    "stranger",
    "vip",
)

#: V5 ``ext_data.person_type`` / ``info.type`` numbers.
PERSON_TYPE_NUMBERS: Final[dict[PersonType, int]] = {
    "employee": 1,
    "visitor": 2,
    "blacklist": 3,
    "stranger": 4,
    "vip": 5,
}

#: V5 ``ext_data.device_type`` codes by the role of the device.
ROLE_CODES: Final[dict[DeviceRole, str]] = {
    "gate": "0",
    "capture": "1",
    "ipc": "3",
    "access": "4",
}

#: V6 ``media_device_type`` by kind; V6 knows no ``gb28181`` (a guess: it is a video stream).
V6_KINDS: Final[dict[DeviceKind, str]] = {
    "rtsp": "rtsp",
    "photo": "photo",
    "file": "file",
    "gb28181": "rtsp",
}

#: The default devices of a box: name, kind, role, whether it drives a network relay.
DEFAULT_DEVICES: Final[tuple[tuple[str, DeviceKind, DeviceRole, bool], ...]] = (
    ("Front gate", "rtsp", "gate", True),
    ("Lobby", "rtsp", "ipc", False),
    ("Back door", "photo", "access", True),
    ("Parking entrance", "photo", "gate", True),
    ("Reception", "photo", "capture", False),
    ("Warehouse", "rtsp", "ipc", False),
    ("Side gate", "photo", "gate", False),
    ("Elevator hall", "gb28181", "ipc", False),
    ("Canteen", "file", "ipc", False),
    ("Staff entrance", "photo", "access", True),
    ("Loading dock", "rtsp", "ipc", False),
    ("Garden gate", "photo", "gate", True),
    ("Meeting room", "rtsp", "ipc", False),
    ("Server room", "photo", "access", True),
    ("Stairwell", "rtsp", "ipc", False),
    ("Roof access", "photo", "access", False),
)

#: The registered people: name, person type, group, gender, age, glasses. As in the vendor's
#: examples, everyone is in the one face library ``default_group``; the type is an attribute.
DEFAULT_PEOPLE: Final[tuple[tuple[str, PersonType, str, str, int, bool], ...]] = (
    ("张伟", "employee", "default_group", "male", 41, False),
    ("Alice Martin", "employee", "default_group", "female", 29, True),
    ("李娜", "employee", "default_group", "female", 35, False),
    ("Bob Jensen", "visitor", "default_group", "male", 52, True),
    ("王芳", "visitor", "default_group", "female", 24, False),
    ("Carlos Ruiz", "blacklist", "default_group", "male", 38, False),
    ("小明", "vip", "default_group", "male", 31, False),
    ("Emma Schulz", "vip", "default_group", "female", 46, True),
)

#: How many distinct stranger faces the box sees.
STRANGER_COUNT: Final = 4

#: The group a stranger is compared against (a guess: the box reports the searched group).
STRANGER_GROUP: Final = "default_group"


def make_uuid(rng: random.Random) -> str:
    """A uuid4-shaped id drawn from ``rng`` (deterministic for a seeded generator)."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


@dataclass(slots=True)
class SimDevice:
    """One camera, gate or door panel attached to the box."""

    id: str
    name: str
    ip: str
    kind: DeviceKind
    url: str
    relay: dict[str, Any] | None
    """V5 ``netRelay`` keys: ``ip``, ``net_port``, ``door_port``, ``delay_time``."""
    role: DeviceRole
    group_id: str
    permission_id: str
    numeric: bool = False
    """The id goes on the wire as a JSON number (``id`` is then its decimal text)."""
    actions: dict[str, bool] = field(default_factory=lambda: {"do_detect": True, "do_match": True})
    """V5 ``device_attr.actions``: what the box does with a video stream's faces (a flag left
    out, as ``do_feature`` here, is on)."""

    @property
    def recognising(self) -> bool:
        """Whether the box recognises faces on this device (flags apply to video streams)."""
        if self.kind != "rtsp":
            return True
        return all(self.actions.get(flag, True) for flag in ("do_detect", "do_feature", "do_match"))

    @property
    def wire_id(self) -> str | int:
        """The id as the box writes it in lists, frames and history."""
        return int(self.id) if self.numeric else self.id

    @property
    def type_code(self) -> str:
        """The V5 ``ext_data.device_type`` of this device's events."""
        return ROLE_CODES[self.role]

    @property
    def v6_type(self) -> str:
        """The V6 ``media_device_type``."""
        return V6_KINDS[self.kind]

    def v5_entry(self) -> dict[str, Any]:
        """The entry of ``GET /SophonDevice/api/Devices``."""
        return {
            "device_id": self.wire_id,
            "device_name": self.name,
            "device_ip": self.ip,
            "device_key": self.url,
            "device_type": self.kind,
            "group_id": self.group_id,
            "netRelay": dict(self.relay) if self.relay else {},
            "permission_id": self.permission_id,
            "device_attr": {"actions": dict(self.actions)},
        }

    def v6_entry(self) -> dict[str, Any]:
        """The entry of ``POST /sophon/v2/face/getmediadevices``."""
        return {
            "media_device_id": self.wire_id,
            "media_device_name": self.name,
            "media_device_ip": self.ip,
            "media_device_url": self.url,
            "media_device_type": self.v6_type,
            "net_relay": self.v6_relay(),
            "permission_id": self.permission_id,
        }

    def v6_relay(self) -> dict[str, Any]:
        """V6 ``net_relay``: ``ip``, ``port``, ``channel``, ``delay_time``; ``{}`` for none."""
        if not self.relay:
            return {}
        relay = self.relay
        return {
            "ip": relay.get("ip"),
            "port": relay.get("net_port", relay.get("port")),
            "channel": relay.get("door_port", relay.get("channel")),
            "delay_time": relay.get("delay_time"),
        }


type ImageSource = bytes | tuple[int, str]
"""JPEG bytes, or the ``(seed, key)`` of a generated face (made on first use, then cached)."""


def resolve_image(source: ImageSource) -> bytes:
    """The JPEG bytes of an image source."""
    if isinstance(source, bytes):
        return source
    return images.face_jpeg(*source)


@dataclass(frozen=True, slots=True)
class SimPerson:
    """A face known to the box: a registered person, or a stranger (``person_type`` stranger).

    Images are generated on first use, so that thousands of people cost nothing until asked for.
    """

    identity_id: str
    name: str
    person_type: PersonType
    group_name: str
    user_id: str
    image_id: str
    """Id of the registered photo (``""`` when there is none)."""
    face_id: str
    permission_ids: tuple[str, ...]
    gender: str
    age: int
    glasses: bool
    photo_source: ImageSource | None = field(repr=False)
    """The registered photo (``None`` for strangers and people registered without one)."""
    face_source: ImageSource = field(repr=False)
    """The face crop the box cuts out of the scene when it sees this person."""
    ext_info: dict[str, Any] = field(default_factory=dict, repr=False)
    """Extra information as registered (V5 ``info.ext_info``, V6 ``ext_user_info``)."""

    @property
    def type_number(self) -> int:
        """The V5 person-type number."""
        return PERSON_TYPE_NUMBERS[self.person_type]

    @property
    def photo_jpeg(self) -> bytes | None:
        """The registered photo, or None."""
        return None if self.photo_source is None else resolve_image(self.photo_source)

    @property
    def face_jpeg(self) -> bytes:
        """The face crop seen by the cameras."""
        return resolve_image(self.face_source)


@dataclass(frozen=True, slots=True)
class SentRecognition:
    """One recognition pushed by :meth:`Simulator.fire`, as the box sent it."""

    dialect: Dialect
    device_id: str
    device_ip: str
    identity_id: str
    identity_name: str
    person_type: PersonType
    group_name: str
    score: float
    """The raw score as sent (on the box's scale)."""
    timestamp_ms: int
    event_id: str
    video_id: str
    face_jpeg: bytes = field(repr=False)
    scene_jpeg: bytes | None = field(repr=False)
    """The scene photo (V5 only; V6 sends none)."""
    registered_jpeg: bytes | None = field(repr=False)
    """The registered photo (``None`` for strangers)."""
    identity_info: dict[str, Any] | None
    """V5 ``identity_info`` as sent; ``None`` on V6, which has no such field."""
    person_type_sent: bool
    """False when ``ext_data.person_type`` was left out (V5 employees only)."""
    delivered: int = 0
    """How many connections the frame was sent to."""


@dataclass(frozen=True, slots=True)
class SubscriptionRecord:
    """One subscription frame received on the event socket."""

    connection_id: int
    payload: dict[str, Any]
    received_at: float
    """Wall-clock time (epoch seconds)."""


@dataclass(frozen=True, slots=True)
class Subscription:
    """What a connection asked for, read the way the box's dialect reads it."""

    with_face: bool = False
    with_register: bool = False
    device_ids: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, payload: dict[str, Any], dialect: Dialect) -> Subscription:
        """Read a subscription frame; unknown keys are ignored, odd values count as empty."""
        if dialect == "v5":
            face_key, register_key, list_key = "need_face", "need_register", "event_list"
        else:
            face_key, register_key, list_key = (
                "with_face_image",
                "with_register_image",
                "media_device_ids",
            )
        raw_ids = payload.get(list_key)
        ids: frozenset[str] = frozenset()
        if isinstance(raw_ids, list):
            # Numbers count too: a box with numeric device ids matches them by value.
            ids = frozenset(
                str(item)
                for item in raw_ids
                if isinstance(item, str) or (isinstance(item, int) and not isinstance(item, bool))
            )
        return cls(
            with_face=bool(payload.get(face_key, False)),
            with_register=bool(payload.get(register_key, False)),
            device_ids=ids,
        )

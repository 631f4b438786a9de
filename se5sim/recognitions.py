"""Making recognitions: who passes which camera, with which score and images; bad frames."""

from __future__ import annotations

import random
import time
from typing import Any, Final, Literal

from . import images
from .frames import Event, dumps
from .model import (
    PERSON_TYPES,
    Dialect,
    PersonType,
    SentRecognition,
    SimDevice,
    SimPerson,
    make_uuid,
)
from .people import People

type BadFrameKind = Literal[
    "garbage", "binary", "truncated", "oversized", "not_object", "wrong_types", "empty"
]

BAD_FRAME_KINDS: Final[tuple[BadFrameKind, ...]] = (
    "garbage",
    "binary",
    "truncated",
    "oversized",
    "not_object",
    "wrong_types",
    "empty",
)
#: Default size of an "oversized" frame.
OVERSIZED_BYTES: Final = 20 * 1024 * 1024

#: How often each kind of person passes a camera, for random recognitions.
_TYPE_WEIGHTS: Final[dict[PersonType, int]] = {
    "employee": 40,
    "visitor": 15,
    "blacklist": 5,
    "stranger": 30,
    "vip": 10,
}


class RecognitionMaker:
    """Draws recognitions from the box's devices and people (deterministic for a seed)."""

    def __init__(
        self,
        dialect: Dialect,
        seed: int,
        score_scale: int,
        people: People,
        devices: dict[str, SimDevice],
    ) -> None:
        self._dialect: Dialect = dialect
        self._seed = seed
        self._score_scale = score_scale
        self._people = people
        self._devices = devices
        self._rng = random.Random(f"se5sim:events:{seed}")
        self._stranger_record_next = False

    def pick_device(self, device_id: str | None, followed: set[str]) -> SimDevice:
        """The device asked for, else a random followed one, else any; ValueError if none.

        A video device whose recognition is switched off recognises nobody.
        """
        if device_id is not None:
            device = self._devices.get(device_id)
            if device is None:
                raise ValueError(f"no device {device_id!r}")
            if not device.recognising:
                raise ValueError(f"recognition is switched off on {device_id!r}")
            return device
        working = [d for d, device in self._devices.items() if device.recognising]
        candidates = [d for d in working if d in followed] or working
        if not candidates:
            raise ValueError("the box has no devices")
        return self._devices[self._rng.choice(candidates)]

    def pick_person(self, identity_id: str | None, person_type: PersonType | None) -> SimPerson:
        """A face by id, else a random face of the type, else a random face."""
        if person_type is not None and person_type not in PERSON_TYPES:
            raise ValueError(f"person_type must be one of {PERSON_TYPES}, not {person_type!r}")
        if identity_id is None and person_type is None:
            # Someone just registered from the face a camera saw walks through next.
            while self._people.returning:
                returning = self._people.get(self._people.returning.popleft())
                if returning is not None:
                    return returning
        if identity_id is not None:
            for person in self._people.faces():
                if person.identity_id == identity_id:
                    if person_type is not None and person.person_type != person_type:
                        raise ValueError(
                            f"{identity_id!r} is a {person.person_type}, not a {person_type}"
                        )
                    return person
            raise ValueError(f"no person {identity_id!r}")
        if person_type is None:
            # Only types someone has: removing the only blacklisted person leaves none.
            present = {p.person_type for p in self._people.faces()}
            kinds = [kind for kind in _TYPE_WEIGHTS if kind in present]
            if not kinds:
                raise ValueError("nobody to recognise")
            person_type = self._rng.choices(kinds, weights=[_TYPE_WEIGHTS[k] for k in kinds])[0]
        candidates = [p for p in self._people.faces() if p.person_type == person_type]
        if not candidates:
            raise ValueError(f"nobody of type {person_type!r} is registered")
        return self._rng.choice(candidates)

    def _random_score(self, person: SimPerson) -> float:
        if person.person_type == "stranger":
            value = self._rng.uniform(0.35, 0.7)
        else:
            value = self._rng.uniform(0.72, 0.99)
        return round(value * 100, 2) if self._score_scale == 100 else value

    def build(
        self,
        device: SimDevice,
        person: SimPerson,
        *,
        score: float | None = None,
        timestamp_ms: int | None = None,
        omit_person_type: bool = False,
        advance_stranger_shape: bool = True,
        mask: bool = False,
    ) -> Event:
        """One recognition of ``person`` on ``device``, ready to render per subscription."""
        v5 = self._dialect == "v5"
        if timestamp_ms is None:
            timestamp_ms = time.time_ns() // 1_000_000
        identity_info: dict[str, Any] | None = None
        if v5:
            if person.person_type != "stranger":
                identity_info = {
                    "image_id": person.image_id,
                    "type": person.type_number,
                    "user_id": person.user_id,
                    "name": person.name,
                    "face_ids": [person.face_id],
                }
            elif self._stranger_record_next:
                identity_info = {
                    "addTime": timestamp_ms // 1000,
                    "image_id": person.image_id,
                    "name": "stranger",
                    "type": 4,
                }
            else:
                identity_info = {}
            if person.person_type == "stranger" and advance_stranger_shape:
                self._stranger_record_next = not self._stranger_record_next
        sent = SentRecognition(
            dialect=self._dialect,
            device_id=device.id,
            device_ip=device.ip,
            identity_id=person.identity_id,
            identity_name=person.name,
            person_type=person.person_type,
            group_name=person.group_name,
            score=self._random_score(person) if score is None else score,
            timestamp_ms=timestamp_ms,
            event_id=make_uuid(self._rng),
            video_id=device.id,
            face_jpeg=person.face_jpeg,
            scene_jpeg=(
                images.scene_jpeg(self._seed, self._rng.randrange(images.SCENE_COUNT))
                if v5
                else None
            ),
            registered_jpeg=person.photo_jpeg,
            identity_info=identity_info,
            person_type_sent=not omit_person_type,
        )
        return Event(
            sent=sent,
            device_type=device.type_code if v5 else device.v6_type,
            face_attr={
                "gender": person.gender,
                "age": person.age,
                "glasses": person.glasses,
                "mask": "yes" if mask else "no",
            },
            wire_device_id=device.wire_id,
        )

    def bad_payload(self, kind: BadFrameKind, size: int | None) -> str | bytes:
        """The text (or bytes) of a malformed frame of this kind."""
        if kind not in BAD_FRAME_KINDS:
            raise ValueError(f"kind must be one of {BAD_FRAME_KINDS}, not {kind!r}")
        if kind == "garbage":
            return "<html>502 Bad Gateway</html> not JSON {"
        if kind == "binary":
            return b"\x00\x01\x02\x03SE5\xff\xfe\xfd binary frame"
        if kind == "empty":
            return "{}"
        first_person = next(iter(self._people), None)
        if not self._devices or first_person is None:
            raise ValueError("a bad recognition needs a device and a registered person")
        event = self.build(
            next(iter(self._devices.values())), first_person, advance_stranger_shape=False
        )
        frame = event.frame(with_face=False, with_register=False)
        if kind == "truncated":
            text = dumps(frame)
            return text[: len(text) // 2]
        if kind == "not_object":
            return dumps([frame])
        if kind == "wrong_types":
            # A device id no box could mean (a number with a fraction), a score as text.
            frame["device_id" if self._dialect == "v5" else "media_device_id"] = 12345.5
            frame["score"] = str(frame["score"])
            return dumps(frame)
        # oversized
        target = OVERSIZED_BYTES if size is None else size
        frame["padding"] = ""
        missing = target - len(dumps(frame).encode())
        if missing < 0:
            raise ValueError(f"size must be at least {target - missing} bytes")
        frame["padding"] = "x" * missing
        return dumps(frame)

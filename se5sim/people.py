"""The people the simulated box knows: its face register and the strangers its cameras see."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import replace
import random
from typing import Any, Final

from .faces import fingerprint
from .faults import Gate
from .model import (
    DEFAULT_PEOPLE,
    PERSON_TYPES,
    STRANGER_COUNT,
    STRANGER_GROUP,
    ImageSource,
    PersonType,
    SimPerson,
    make_uuid,
)

#: Generated people share this many distinct faces (each generated once, then cached).
EXTRA_FACES: Final = 16

#: How the types of generated people are spread.
_EXTRA_TYPE_WEIGHTS: Final[dict[PersonType, int]] = {
    "employee": 70,
    "visitor": 15,
    "blacklist": 5,
    "vip": 10,
}
_GIVEN: Final = ("Wei", "Li", "Anna", "Jonas", "Mei", "Omar", "Sara", "Tom", "Yan", "Zoe")
_FAMILY: Final = ("Chen", "Wang", "Müller", "Garcia", "Kim", "Novak", "Rossi", "Zhang", "Ito")


class People:
    """The register (by identity id, in registration order) and the stranger faces."""

    def __init__(self, seed: int, permission_id: str, extra: int = 0) -> None:
        if extra < 0:
            raise ValueError("extra_people must be >= 0")
        self._seed = seed
        self._permission_id = permission_id
        self._rng = random.Random(f"se5sim:people:{seed}")
        self._registered: dict[str, SimPerson] = {}
        self._by_image: dict[str, SimPerson] = {}
        self._added = 0
        for index, (name, kind, group, gender, age, glasses) in enumerate(DEFAULT_PEOPLE):
            identity_id = str(self._rng.randrange(100_000, 1_000_000))
            while identity_id in self._registered:
                identity_id = str(self._rng.randrange(100_000, 1_000_000))
            self._register(
                SimPerson(
                    identity_id=identity_id,
                    name=name,
                    person_type=kind,
                    group_name=group,
                    user_id=f"{self._rng.randrange(10**8):08d}",
                    image_id=make_uuid(self._rng),
                    face_id=make_uuid(self._rng),
                    permission_ids=(permission_id,),
                    gender=gender,
                    age=age,
                    glasses=glasses,
                    photo_source=(seed, f"person:{index}:registered"),
                    face_source=(seed, f"person:{index}:seen"),
                )
            )
        self._strangers_made = 0
        self._strangers = [self._make_stranger() for _ in range(STRANGER_COUNT)]
        self.api = True
        """False: a firmware without the register calls (they answer not found)."""
        self.hold_answers = False
        """Writes are carried out, and their answers never sent (until released)."""
        self.gate = Gate()
        self.returning: deque[str] = deque()
        """People registered from a face a camera saw, who pass a camera next (the visitor
        let in at the gate walks through): the random recognitions draw them first."""
        extra_rng = random.Random(f"se5sim:extra:{seed}")
        kinds, weights = list(_EXTRA_TYPE_WEIGHTS), list(_EXTRA_TYPE_WEIGHTS.values())
        for index in range(extra):
            face = index % EXTRA_FACES
            self._register(
                SimPerson(
                    identity_id=f"9{index:07d}",
                    name=f"{extra_rng.choice(_GIVEN)} {extra_rng.choice(_FAMILY)} {index}",
                    person_type=extra_rng.choices(kinds, weights=weights)[0],
                    group_name="default_group",
                    user_id=f"E{index:07d}",
                    image_id=make_uuid(extra_rng),
                    face_id=make_uuid(extra_rng),
                    permission_ids=(permission_id,),
                    gender=extra_rng.choice(("male", "female")),
                    age=extra_rng.randrange(18, 70),
                    glasses=extra_rng.random() < 0.3,
                    photo_source=(seed, f"extra:{face}:registered"),
                    face_source=(seed, f"extra:{face}:seen"),
                )
            )

    def _make_stranger(self) -> SimPerson:
        index = self._strangers_made
        self._strangers_made += 1
        return SimPerson(
            identity_id=make_uuid(self._rng),
            name="stranger",
            person_type="stranger",
            group_name=STRANGER_GROUP,
            user_id="",
            image_id=make_uuid(self._rng),
            face_id=make_uuid(self._rng),
            permission_ids=(),
            gender=self._rng.choice(("male", "female")),
            age=self._rng.randrange(18, 70),
            glasses=self._rng.random() < 0.3,
            photo_source=None,
            face_source=(self._seed, f"stranger:{index}"),
        )

    def _register(self, person: SimPerson) -> None:
        self._registered[person.identity_id] = person
        if person.image_id:
            self._by_image[person.image_id] = person

    def __len__(self) -> int:
        """How many people are registered."""
        return len(self._registered)

    def __iter__(self) -> Iterator[SimPerson]:
        """The registered people, in registration order (a snapshot)."""
        return iter(list(self._registered.values()))

    @property
    def strangers(self) -> list[SimPerson]:
        """The unregistered faces the cameras may see."""
        return list(self._strangers)

    def get(self, identity_id: str) -> SimPerson | None:
        """The registered person with this id, or None."""
        return self._registered.get(identity_id)

    def by_image_id(self, image_id: str) -> SimPerson | None:
        """The registered person whose photo has this id, or None."""
        return self._by_image.get(image_id)

    def faces(self) -> Iterator[SimPerson]:
        """Everyone a camera can see: the register, then the strangers."""
        yield from self._registered.values()
        yield from self._strangers

    def add(
        self,
        name: str,
        person_type: PersonType = "employee",
        *,
        group_name: str = "default_group",
        identity_id: str | None = None,
        photo: bytes | bool = True,
        gender: str = "female",
        age: int = 30,
        glasses: bool = False,
    ) -> SimPerson:
        """Register a person: ``photo`` True generates one, False registers none."""
        if person_type not in PERSON_TYPES or person_type == "stranger":
            raise ValueError(f"person_type must be a registered type, not {person_type!r}")
        if not name:
            raise ValueError("name must not be empty")
        if identity_id is None:
            identity_id = str(self._rng.randrange(1_000_000, 10_000_000))
            while identity_id in self._registered:
                identity_id = str(self._rng.randrange(1_000_000, 10_000_000))
        elif not identity_id or identity_id in self._registered:
            raise ValueError(f"identity_id {identity_id!r} is empty or taken")
        self._added += 1
        key = f"added:{self._added}"
        photo_source: bytes | tuple[int, str] | None
        if photo is True:
            photo_source = (self._seed, f"{key}:registered")
        elif photo is False:
            photo_source = None
        else:
            photo_source = photo
        person = SimPerson(
            identity_id=identity_id,
            name=name,
            person_type=person_type,
            group_name=group_name,
            user_id=identity_id,
            image_id=make_uuid(self._rng) if photo_source is not None else "",
            face_id=make_uuid(self._rng),
            permission_ids=(self._permission_id,),
            gender=gender,
            age=age,
            glasses=glasses,
            photo_source=photo_source,
            face_source=(self._seed, f"{key}:seen"),
        )
        self._register(person)
        return person

    def new_id(self) -> str:
        """An identity id no one has (the box makes one when the caller gives none)."""
        identity_id = str(self._rng.randrange(1_000_000, 10_000_000))
        while identity_id in self._registered:
            identity_id = str(self._rng.randrange(1_000_000, 10_000_000))
        return identity_id

    def face_of(self, photo: bytes) -> tuple[ImageSource, bool]:
        """The face the box sees for someone registered with `photo`; whether it was a stranger's.

        A photo cut from a stranger's face is that face (a new stranger takes the old one's
        place); any other photo is the face itself.
        """
        key = fingerprint(photo)
        for index, stranger in enumerate(self._strangers):
            if fingerprint(stranger.face_jpeg) == key:
                self._strangers[index] = self._make_stranger()
                return stranger.face_source, True
        return photo, False

    def register(
        self,
        name: str,
        person_type: PersonType,
        photo: bytes,
        *,
        identity_id: str | None = None,
        group_name: str = "default_group",
        permission_ids: tuple[str, ...] = (),
        ext_info: dict[str, Any] | None = None,
    ) -> SimPerson:
        """Register someone from a photo (a registration call); KeyError for a taken id."""
        identity_id = identity_id or self.new_id()
        if identity_id in self._registered:
            raise KeyError(identity_id)
        face, was_stranger = self.face_of(photo)
        person = SimPerson(
            identity_id=identity_id,
            name=name,
            person_type=person_type,
            group_name=group_name,
            user_id=identity_id,
            image_id=make_uuid(self._rng),
            face_id=make_uuid(self._rng),
            permission_ids=permission_ids,
            gender="female",
            age=30,
            glasses=False,
            photo_source=photo,
            face_source=face,
            ext_info=dict(ext_info or {}),
        )
        self._register(person)
        if was_stranger:
            self.returning.append(identity_id)
        return person

    def update(self, identity_id: str, photo: bytes | None = None, **changes: Any) -> SimPerson:
        """Change a registered person (name, person_type, permission_ids, ext_info, photo).

        A new photo gets a new image id; a photo cut from a stranger's face makes this person
        that face. KeyError for someone not registered.
        """
        person = self._registered[identity_id]
        if photo is not None:
            face, was_stranger = self.face_of(photo)
            changes.update(photo_source=photo, image_id=make_uuid(self._rng))
            if was_stranger:
                changes["face_source"] = face
                self.returning.append(identity_id)
        updated = replace(person, **changes)
        self._by_image.pop(person.image_id, None)
        self._register(updated)
        return updated

    def remove(self, identity_id: str) -> SimPerson:
        """Delete a registered person; raises KeyError."""
        person = self._registered.pop(identity_id)
        self._by_image.pop(person.image_id, None)
        return person

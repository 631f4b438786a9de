"""The recent recognitions of one box with their own images, bounded by count and size.

Each recognition of a followed device is kept here with the images the options ask for (face
crop, scene photo, registered photo), so that the view (`views.py`), the media source and the
card can show *that* recognition's face long after the cameras moved on. The store holds at
most `max_count` recognitions and `max_bytes` of images and metadata, whichever comes first;
the oldest (by the box's timestamp) go first. Registered photos are kept once per person and
counted once. Optionally the store is mirrored on disk (`store_disk.py`).

Images never leave this store except through the authenticated view: not on the bus, not in
state attributes, not in logs.
"""

from __future__ import annotations

import asyncio
from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
import itertools
import re
from typing import Literal
import uuid

from .client import Base64Image, ImageSelection, PersonType, Recognition, as_jpeg, held_size

type ImageKind = Literal["face", "scene", "registered"]
IMAGE_KINDS: tuple[ImageKind, ...] = ("face", "scene", "registered")
type ImageFetcher = Callable[[str, datetime | str], Awaitable[bytes | None]]
"""Fetches a recovered image by id and event time (the box's own time value when known)."""
type PhotoListener = Callable[[str, bytes | None], None]
"""Called with an identity id and its registered photo kept, or None once it is dropped."""

RECORD_OVERHEAD = 1_024
"""Bytes counted for each recognition besides its images (its Python objects, roughly)."""
MEGABYTE = 1_000_000

_SAFE_ID = re.compile(r"\A[A-Za-z0-9_-]{1,64}\Z")
r"""A record id that is a safe file name and URL segment (`\Z`: `$` would let a trailing
newline through)."""


def image_path(entry_id: str, record_id: str, kind: ImageKind) -> str:
    """The relative URL of a stored image (served by the integration's view)."""
    return f"/api/se5/{entry_id}/{record_id}/{kind}.jpg"


@dataclass(slots=True)
class StoredRecognition:
    """One recognition as kept: what it was, and its images."""

    id: str
    device_id: str
    """The box's id of the camera, gate or reader."""
    identity_id: str
    identity_name: str
    person_type: PersonType
    score: float | None
    timestamp: datetime
    live: bool
    """False for a recognition recovered from the box's history after a disconnection."""
    face: bytes | Base64Image | None = field(default=None, repr=False)
    """The face crop: as the box sent it (base64), or bytes (read from disk, fetched)."""
    scene: bytes | Base64Image | None = field(default=None, repr=False)
    has_registered: bool = False
    face_image_id: str | None = None
    """Recovered ones: the image id on the box, fetched on first request."""
    scene_image_id: str | None = None
    box_time: str | None = None
    """Recovered ones: the event's time as the box wrote it, which its image calls take."""
    mask: bool | None = None
    """Whether the face wore a mask, when the box told."""
    size: int = field(default=0, init=False)
    """Memory its own images hold (their bytes, or their base64 text as sent)."""

    def __post_init__(self) -> None:
        """Count the images given."""
        self.size = held_size(self.face) + held_size(self.scene)

    def image_of(self, kind: ImageKind) -> bytes | None:
        """Its own face crop or scene photo as a JPEG (None when not held).

        Images stay as the box sent them: most are never looked at, and decoding each on
        arrival would cost the event loop ~1.4 ms per MB; one read decodes, and keeps nothing.
        """
        if kind == "face":
            return as_jpeg(self.face)
        if kind == "scene":
            return as_jpeg(self.scene)
        return None

    def has(self, kind: ImageKind) -> bool:
        """Whether the image can be served (held, or fetchable from the box)."""
        if kind == "face":
            return self.face is not None or self.face_image_id is not None
        if kind == "scene":
            return self.scene is not None or self.scene_image_id is not None
        return self.has_registered

    @property
    def sort_key(self) -> tuple[float, str]:
        """Oldest first (by the box's time; the id only breaks ties between files on disk)."""
        return (self.timestamp.timestamp(), self.id)


def record_id(recognition: Recognition) -> str:
    """The box's event id when it is a safe path segment, else a short random id."""
    if recognition.event_id and _SAFE_ID.match(recognition.event_id):
        return recognition.event_id
    return uuid.uuid4().hex[:16]


def from_recognition(
    recognition: Recognition, live: bool, images: ImageSelection
) -> tuple[StoredRecognition, bytes | None]:
    """A record for a recognition and its registered photo, keeping only the images picked.

    Its own images are kept as the box sent them, undecoded (`image_of` decodes on reading);
    images that the options leave out are never read. The registered photo is decoded now:
    the store keeps one per person and compares it with the last one.
    """
    face = recognition.held_image("face_image") if images.face else None
    scene = recognition.held_image("scene_image") if images.scene else None
    registered = recognition.registered_image if images.registered else None
    record = StoredRecognition(
        id=record_id(recognition),
        device_id=recognition.device_id,
        identity_id=recognition.identity_id,
        identity_name=recognition.identity_name,
        person_type=recognition.person_type,
        score=recognition.score,
        timestamp=recognition.timestamp,
        live=live,
        face=face,
        scene=scene,
        has_registered=registered is not None and bool(recognition.identity_id),
        face_image_id=recognition.face_image_id if images.face and face is None else None,
        scene_image_id=recognition.scene_image_id if images.scene and scene is None else None,
        box_time=recognition.box_time,
        mask=recognition.mask,
    )
    return record, registered


class RecognitionStore:
    """Recent recognitions of one box, in memory; the oldest go when a bound is reached."""

    def __init__(self, max_count: int, max_bytes: int, fetch: ImageFetcher | None = None) -> None:
        self.max_count = max_count
        self.max_bytes = max_bytes
        self.fetch = fetch
        """Reads a recovered recognition's image from the box (the loaded entry's client)."""
        self._records: dict[str, StoredRecognition] = {}
        self._order: list[tuple[float, int, str]] = []
        """(box time, arrival, id) of each record: oldest first, arrival order for equal times."""
        self._seq = itertools.count()
        self._keys: dict[str, tuple[float, int, str]] = {}
        self._registered: dict[str, bytes] = {}
        """The latest registered photo of each person with a stored recognition."""
        self._registered_refs: Counter[str] = Counter()
        self._bytes = 0
        self._removal_listeners: list[Callable[[str], None]] = []
        self._photo_listeners: list[PhotoListener] = []
        self._fetching: dict[tuple[str, ImageKind], asyncio.Task[bytes | None]] = {}

    # Reading -----------------------------------------------------------------------------------

    def __len__(self) -> int:
        """How many recognitions are kept."""
        return len(self._records)

    def __contains__(self, record_id_: object) -> bool:
        """Whether a recognition id is kept."""
        return record_id_ in self._records

    @property
    def size(self) -> int:
        """What the store counts against `max_bytes`: images, registered photos, overhead."""
        return self._bytes

    def get(self, record_id_: str) -> StoredRecognition | None:
        """A stored recognition by id."""
        return self._records.get(record_id_)

    def registered_photo(self, record: StoredRecognition) -> bytes | None:
        """The registered photo of the recognition's person (the latest one received)."""
        if not record.has_registered:
            return None
        return self._registered.get(record.identity_id)

    def image(self, record: StoredRecognition, kind: ImageKind) -> bytes | None:
        """An image held in memory (None when absent or not fetched yet)."""
        if kind == "registered":
            return self.registered_photo(record)
        return record.image_of(kind)

    def recent(
        self,
        device_ids: Iterable[str] | None = None,
        person_types: Iterable[str] | None = None,
        limit: int | None = None,
    ) -> list[StoredRecognition]:
        """The stored recognitions, newest first, optionally of some devices or kinds only."""
        devices = set(device_ids) if device_ids is not None else None
        kinds = set(person_types) if person_types is not None else None
        found: list[StoredRecognition] = []
        for _time, _seq, key in reversed(self._order):
            record = self._records[key]
            if devices is not None and record.device_id not in devices:
                continue
            if kinds is not None and record.person_type.value not in kinds:
                continue
            found.append(record)
            if limit is not None and len(found) >= limit:
                break
        return found

    def all(self) -> list[StoredRecognition]:
        """Every stored recognition, oldest first."""
        return [self._records[key] for _time, _seq, key in self._order]

    # Writing -----------------------------------------------------------------------------------

    def add(
        self, record: StoredRecognition, registered: bytes | None = None
    ) -> StoredRecognition | None:
        """Keep a recognition (replacing one with the same id); None when it does not fit."""
        alone = record.size + RECORD_OVERHEAD + len(registered or b"")
        if self.max_count <= 0 or alone > self.max_bytes:
            return None  # it would push everything else out and still not fit
        if record.id in self._records:
            self.remove(record.id)
        if record.has_registered and registered is not None:
            previous = self._registered.get(record.identity_id)
            if previous != registered:
                self._bytes += len(registered) - len(previous or b"")
                self._registered[record.identity_id] = registered
                for photo_listener in list(self._photo_listeners):
                    photo_listener(record.identity_id, registered)
        elif record.has_registered and record.identity_id not in self._registered:
            record.has_registered = False
        if record.has_registered:
            self._registered_refs[record.identity_id] += 1
        key = (record.timestamp.timestamp(), next(self._seq), record.id)
        self._records[record.id] = record
        self._keys[record.id] = key
        insort(self._order, key)
        self._bytes += record.size + RECORD_OVERHEAD
        self._evict()
        if record.id not in self._records:
            return None
        return record

    def remove(self, record_id_: str) -> StoredRecognition | None:
        """Forget one recognition."""
        record = self._records.pop(record_id_, None)
        if record is None:
            return None
        key = self._keys.pop(record_id_)
        del self._order[bisect_left(self._order, key)]
        self._bytes -= record.size + RECORD_OVERHEAD
        if record.has_registered:
            self._registered_refs[record.identity_id] -= 1
            if self._registered_refs[record.identity_id] <= 0:
                del self._registered_refs[record.identity_id]
                photo = self._registered.pop(record.identity_id, None)
                self._bytes -= len(photo or b"")
                for photo_listener in list(self._photo_listeners):
                    photo_listener(record.identity_id, None)
        for listener in list(self._removal_listeners):
            listener(record_id_)
        return record

    def configure(self, max_count: int, max_bytes: int) -> None:
        """New bounds; what no longer fits goes at once."""
        self.max_count = max_count
        self.max_bytes = max_bytes
        self._evict()

    def clear(self) -> None:
        """Forget everything."""
        for record_id_ in list(self._records):
            self.remove(record_id_)

    def remove_older_than(self, when: datetime) -> int:
        """Forget recognitions older than `when`; how many."""
        old = [key for time, _seq, key in self._order if time < when.timestamp()]
        for record_id_ in old:
            self.remove(record_id_)
        return len(old)

    def _evict(self) -> None:
        while self._order and (len(self._records) > self.max_count or self._bytes > self.max_bytes):
            self.remove(self._order[0][2])

    # Recovered images --------------------------------------------------------------------------

    async def async_image(self, record: StoredRecognition, kind: ImageKind) -> bytes | None:
        """The image, fetched from the box's history once for a recovered recognition."""
        held = self.image(record, kind)
        if held is not None or kind == "registered":
            return held
        image_id = record.face_image_id if kind == "face" else record.scene_image_id
        if image_id is None or self.fetch is None:
            return None
        key = (record.id, kind)
        task = self._fetching.get(key)
        if task is None:
            # Its own task: a request that goes away (a closed page) cancels only its wait,
            # never the fetch the other requests of the same image wait for.
            fetching = self._async_fetch(self.fetch, record, kind, image_id)
            task = asyncio.get_running_loop().create_task(fetching)
            self._fetching[key] = task
            task.add_done_callback(lambda done: self._fetched(key, done))
        return await asyncio.shield(task)

    def _fetched(self, key: tuple[str, ImageKind], task: asyncio.Task[bytes | None]) -> None:
        self._fetching.pop(key, None)
        if not task.cancelled():
            task.exception()  # retrieved: whoever still waits gets it

    async def _async_fetch(
        self, fetch: ImageFetcher, record: StoredRecognition, kind: ImageKind, image_id: str
    ) -> bytes | None:
        image = await fetch(image_id, record.box_time or record.timestamp)
        if image is not None and self._records.get(record.id) is record:
            if kind == "face":
                record.face, record.face_image_id = image, None
            else:
                record.scene, record.scene_image_id = image, None
            record.size += len(image)
            self._bytes += len(image)
            self._evict()
        return image

    # Listeners ---------------------------------------------------------------------------------

    def clear_listeners(self) -> None:
        """Forget every listener (a new owner takes the store over)."""
        self._removal_listeners.clear()
        self._photo_listeners.clear()

    def add_removal_listener(self, listener: Callable[[str], None]) -> Callable[[], None]:
        """Call `listener` with the id of each recognition forgotten."""
        self._removal_listeners.append(listener)
        return lambda: self._removal_listeners.remove(listener)

    def add_photo_listener(self, listener: PhotoListener) -> Callable[[], None]:
        """Call `listener` when a person's registered photo is kept, replaced or dropped."""
        self._photo_listeners.append(listener)
        return lambda: self._photo_listeners.remove(listener)

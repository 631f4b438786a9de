"""The store of recent recognitions on its own: bounds, order, registered photos, fetching."""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, datetime, timedelta

import pytest

from custom_components.se5.client import ImageSelection, PersonType, Recognition, Se5Error
from custom_components.se5.store import (
    RECORD_OVERHEAD,
    RecognitionStore,
    StoredRecognition,
    from_recognition,
    image_path,
    record_id,
)

T0 = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


def record(
    number: int,
    *,
    face: bytes | None = b"f" * 1000,
    scene: bytes | None = None,
    identity: str = "",
    registered: bool = False,
    seconds: int | None = None,
) -> StoredRecognition:
    return StoredRecognition(
        id=f"r{number}",
        device_id="cam",
        identity_id=identity,
        identity_name="",
        person_type=PersonType.STRANGER if not identity else PersonType.VIP,
        score=0.9,
        timestamp=T0 + timedelta(seconds=number if seconds is None else seconds),
        live=True,
        face=face,
        scene=scene,
        has_registered=registered,
    )


def recognition(**changes: object) -> Recognition:
    values: dict[str, object] = {
        "device_id": "cam",
        "identity_id": "7",
        "identity_name": "小明",
        "person_type": PersonType.VIP,
        "score": 0.8,
        "raw_score": 80.0,
        "timestamp": T0,
        "timestamp_ms": int(T0.timestamp() * 1000),
        "event_id": "9f0c-11",
        "face_image": b"face",
        "scene_image": b"scene",
        "registered_image": b"photo",
    }
    values.update(changes)
    return Recognition(**values)  # type: ignore[arg-type]


def test_count_bound_drops_the_oldest() -> None:
    store = RecognitionStore(max_count=3, max_bytes=10**9)
    for number in range(5):
        assert store.add(record(number)) is not None
    assert [r.id for r in store.all()] == ["r2", "r3", "r4"]
    assert [r.id for r in store.recent()] == ["r4", "r3", "r2"]
    assert "r0" not in store
    assert len(store) == 3
    assert store.size == 3 * (1000 + RECORD_OVERHEAD)


def test_size_bound_drops_the_oldest_and_counts_everything() -> None:
    store = RecognitionStore(max_count=100, max_bytes=3 * (1000 + RECORD_OVERHEAD))
    for number in range(4):
        store.add(record(number))
    assert [r.id for r in store.all()] == ["r1", "r2", "r3"]
    # A recognition larger than the whole store is not kept, and pushes nothing out.
    assert store.add(record(9, face=b"x" * 10**6)) is None
    assert [r.id for r in store.all()] == ["r1", "r2", "r3"]


def test_oldest_by_the_box_time_goes_first() -> None:
    """A recovered (older) recognition never pushes out newer live ones."""
    store = RecognitionStore(max_count=2, max_bytes=10**9)
    store.add(record(1, seconds=100))
    store.add(record(2, seconds=200))
    assert store.add(record(3, seconds=50)) is None  # older than everything kept
    assert [r.id for r in store.all()] == ["r1", "r2"]
    store.add(record(4, seconds=150))
    assert [r.id for r in store.all()] == ["r4", "r2"]


def test_same_id_replaces() -> None:
    store = RecognitionStore(max_count=5, max_bytes=10**9)
    store.add(record(1))
    store.add(record(1, face=b"g" * 10))
    assert len(store) == 1
    kept = store.get("r1")
    assert kept is not None
    assert kept.face == b"g" * 10
    assert store.size == 10 + RECORD_OVERHEAD


def test_registered_photos_are_kept_once_per_person() -> None:
    store = RecognitionStore(max_count=10, max_bytes=10**9)
    photos: list[tuple[str, bytes | None]] = []
    store.add_photo_listener(lambda identity, photo: photos.append((identity, photo)))
    first = store.add(record(1, identity="7", registered=True), b"p" * 500)
    second = store.add(record(2, identity="7", registered=True), b"p" * 500)
    assert first is not None
    assert second is not None
    assert store.registered_photo(first) == b"p" * 500
    assert store.image(first, "registered") == b"p" * 500
    assert store.size == 2 * (1000 + RECORD_OVERHEAD) + 500
    assert photos == [("7", b"p" * 500)]  # the same photo again is not news
    # A new photo replaces the old one for every recognition of the person.
    store.add(record(3, identity="7", registered=True), b"q" * 200)
    assert store.registered_photo(first) == b"q" * 200
    assert store.size == 3 * (1000 + RECORD_OVERHEAD) + 200
    for number in (1, 2, 3):
        store.remove(f"r{number}")
    assert photos[-1] == ("7", None)
    assert store.size == 0
    # A recognition said to have a photo but given none, of a person without one, has none.
    lone = store.add(record(4, identity="8", registered=True))
    assert lone is not None
    assert not lone.has_registered
    assert store.image(lone, "registered") is None


def test_recent_filters_and_limit() -> None:
    store = RecognitionStore(max_count=10, max_bytes=10**9)
    for number in range(6):
        item = record(number, identity="7" if number % 2 else "")
        item.device_id = "a" if number < 3 else "b"
        store.add(item)
    assert [r.id for r in store.recent(device_ids=["a"])] == ["r2", "r1", "r0"]
    assert [r.id for r in store.recent(person_types=["vip"])] == ["r5", "r3", "r1"]
    assert [r.id for r in store.recent(limit=2)] == ["r5", "r4"]
    assert store.recent(device_ids=["b"], person_types=["stranger"], limit=1)[0].id == "r4"


def test_configure_and_age_limit() -> None:
    store = RecognitionStore(max_count=10, max_bytes=10**9)
    removed: list[str] = []
    store.add_removal_listener(removed.append)
    for number in range(6):
        store.add(record(number))
    store.configure(4, 10**9)
    assert removed == ["r0", "r1"]
    assert store.remove_older_than(T0 + timedelta(seconds=4)) == 2
    assert [r.id for r in store.all()] == ["r4", "r5"]
    store.clear()
    assert len(store) == 0
    assert store.remove("r9") is None
    store.configure(0, 10**9)
    assert store.add(record(7)) is None


def test_from_recognition_reads_only_the_images_picked() -> None:
    stored, registered = from_recognition(recognition(), True, ImageSelection(face=True))
    assert stored.id == "9f0c-11"
    assert stored.has("face")
    assert stored.size == len(b"face")
    assert stored.image_of("face") == b"face"
    assert stored.scene is None
    assert registered is None
    assert not stored.has_registered
    stored, registered = from_recognition(
        recognition(), False, ImageSelection(face=False, scene=True, registered=True)
    )
    assert stored.face is None
    assert stored.image_of("scene") == b"scene"
    assert registered == b"photo"
    assert stored.has_registered
    assert not stored.live
    # Recovered ones carry the image ids to fetch later.
    history = recognition(
        face_image=None, scene_image=None, face_image_id="F1", scene_image_id="S1"
    )
    stored, _ = from_recognition(history, False, ImageSelection(face=True, scene=True))
    assert (stored.face_image_id, stored.scene_image_id) == ("F1", "S1")
    assert stored.has("face")
    assert stored.has("scene")
    assert not stored.has("registered")


def test_images_stay_as_the_box_sent_them_until_read() -> None:
    """Storing a recognition decodes nothing, and it is counted by what it holds: the base64
    text as sent. Reading decodes, byte-exact, and keeps the text (not a second copy)."""
    from custom_components.se5.client.images import Base64Image

    jpeg = bytes(range(256)) * 40
    face_text = base64.b64encode(jpeg).decode()
    scene_text = "data:image/jpeg;base64," + base64.b64encode(jpeg * 2).decode()
    sent = recognition(face_image=Base64Image(face_text), scene_image=Base64Image(scene_text))
    stored, _ = from_recognition(sent, True, ImageSelection(face=True, scene=True))
    assert stored.size == len(face_text) + len(scene_text)
    assert isinstance(sent.__dict__["_face_image"], Base64Image)  # not decoded
    store = RecognitionStore(max_count=10, max_bytes=10**6)
    store.add(stored)
    assert store.size == stored.size + RECORD_OVERHEAD
    assert store.image(stored, "scene") == jpeg * 2
    assert store.image(stored, "face") == jpeg
    assert isinstance(stored.face, Base64Image)
    assert isinstance(stored.scene, Base64Image)
    assert store.size == stored.size + RECORD_OVERHEAD  # reading changed nothing held
    store.remove(stored.id)
    assert store.size == 0  # the same count out as in


@pytest.mark.parametrize("event_id", [None, "", "a/b", "../x", "x" * 65, "é", "abc\n"])
def test_unsafe_event_ids_get_a_random_id(event_id: str | None) -> None:
    made = record_id(recognition(event_id=event_id))
    assert made != event_id
    assert len(made) == 16
    assert made.isalnum()
    assert image_path("E", made, "face") == f"/api/se5/E/{made}/face.jpg"


async def test_recovered_images_are_fetched_once() -> None:
    calls: list[str] = []
    gate = asyncio.Event()

    async def fetch(image_id: str, when: datetime) -> bytes | None:
        calls.append(image_id)
        await gate.wait()
        return None if image_id == "gone" else b"J" * 300

    store = RecognitionStore(max_count=10, max_bytes=10**9, fetch=fetch)
    item = record(1, face=None)
    item.face_image_id = "F1"
    item.scene_image_id = "gone"
    store.add(item)
    first = asyncio.ensure_future(store.async_image(item, "face"))
    second = asyncio.ensure_future(store.async_image(item, "face"))
    await asyncio.sleep(0)
    gate.set()
    assert await first == b"J" * 300
    assert await second == b"J" * 300
    assert calls == ["F1"]
    assert item.face == b"J" * 300
    assert item.face_image_id is None
    assert store.size == 300 + RECORD_OVERHEAD
    assert await store.async_image(item, "face") == b"J" * 300  # held now
    assert await store.async_image(item, "scene") is None
    assert await store.async_image(item, "registered") is None


async def test_a_failed_fetch_reaches_every_waiter() -> None:
    gate = asyncio.Event()

    async def fetch(image_id: str, when: datetime) -> bytes | None:
        await gate.wait()
        raise Se5Error("box away")

    store = RecognitionStore(max_count=10, max_bytes=10**9, fetch=fetch)
    item = record(1, face=None)
    item.face_image_id = "F1"
    store.add(item)
    first = asyncio.ensure_future(store.async_image(item, "face"))
    second = asyncio.ensure_future(store.async_image(item, "face"))
    await asyncio.sleep(0)
    gate.set()
    for waiter in (first, second):
        with pytest.raises(Se5Error):
            await waiter
    assert item.face_image_id == "F1"  # may be tried again
    no_fetcher = RecognitionStore(max_count=10, max_bytes=10**9)
    no_fetcher.add(item)
    assert await no_fetcher.async_image(item, "face") is None


async def test_a_request_that_goes_away_does_not_cancel_the_others() -> None:
    gate = asyncio.Event()

    async def fetch(image_id: str, when: datetime) -> bytes | None:
        await gate.wait()
        return b"J" * 10

    store = RecognitionStore(max_count=10, max_bytes=10**9, fetch=fetch)
    item = record(1, face=None)
    item.face_image_id = "F1"
    store.add(item)
    first = asyncio.ensure_future(store.async_image(item, "face"))
    second = asyncio.ensure_future(store.async_image(item, "face"))
    await asyncio.sleep(0)
    first.cancel()  # its page was closed
    await asyncio.sleep(0)
    gate.set()
    assert await second == b"J" * 10
    assert first.cancelled()
    assert item.face == b"J" * 10


def test_labels_fall_back_to_what_they_have() -> None:
    from custom_components.se5.labels import COMMON_KEY, Labels

    labels = Labels({COMMON_KEY.format("broken"): "{who} and {missing}"})
    assert labels.text("broken", who="A") == "{who} and {missing}"
    assert labels.text("absent") == "absent"
    assert labels.kind("vip") == "vip"
    assert labels.who("  ", "vip") == "stranger"
    assert labels.who(" 小明 ", "vip") == "小明"

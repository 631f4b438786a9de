"""The simulator as a library: construction, devices, people, images, life cycle."""

from __future__ import annotations

from collections.abc import Callable
import io
from typing import Any
import uuid

from hypothesis import given, strategies as st
from PIL import Image
import pytest

from se5sim import Simulator, images
from se5sim.model import Subscription


def is_uuid4(text: str) -> bool:
    return uuid.UUID(text).version == 4 and str(uuid.UUID(text)) == text


def test_defaults_are_realistic_and_deterministic() -> None:
    one = Simulator(devices=16, seed=5)
    two = Simulator(devices=16, seed=5)
    other = Simulator(devices=16, seed=6)
    assert [d.id for d in one.devices] == [d.id for d in two.devices]
    assert [p.identity_id for p in one.people] == [p.identity_id for p in two.people]
    assert [d.id for d in one.devices] != [d.id for d in other.devices]
    assert all(is_uuid4(d.id) for d in one.devices)
    assert all(is_uuid4(p.image_id) and is_uuid4(p.face_id) for p in one.people)
    assert len({d.id for d in one.devices}) == 16
    assert len({d.ip for d in one.devices}) == 16
    assert [d.name for d in one.devices][:4] == [
        "Front gate",
        "Lobby",
        "Back door",
        "Parking entrance",
    ]
    assert {d.type_code for d in one.devices} == {"0", "1", "3", "4"}
    # the number of devices does not change who is registered
    assert [p.identity_id for p in Simulator(devices=1, seed=5).people] == [
        p.identity_id for p in one.people
    ]
    assert len(one.strangers) == 4
    assert all(s.photo_jpeg is None and s.person_type == "stranger" for s in one.strangers)
    assert (one.rest_port, one.ws_port) == (0, 0)  # free ports unless told
    fixed = Simulator(rest_port=5555, ws_port=5679)
    assert fixed.rest_url == "http://127.0.0.1:5555"
    assert fixed.ws_url == "ws://127.0.0.1:5679"
    assert one.host == "127.0.0.1"
    assert one.seed == 5
    assert one.dialect == "v5"
    assert not one.is_up
    assert Simulator(host="::1", rest_port=5555).rest_url == "http://[::1]:5555"


def test_add_device_variants() -> None:
    sim = Simulator(devices=0)
    assert sim.devices == []
    gate = sim.add_device()
    assert (gate.name, gate.kind, gate.role, gate.relay is not None) == (
        "Front gate",
        "rtsp",
        "gate",
        True,
    )
    photo = sim.add_device("Turnstile", "photo")
    assert (photo.role, photo.url, photo.relay, photo.type_code) == ("capture", photo.ip, None, "1")
    relay = {"ip": "10.0.0.9", "net_port": 1, "door_port": 2, "delay_time": 3}
    door = sim.add_device("Door", "photo", role="access", relay=relay)
    assert door.relay == relay
    assert door.v5_entry()["netRelay"] == relay
    stream = sim.add_device("Archive", "file")
    assert stream.url == "/data/video/archive.mp4"
    national = sim.add_device("GB", "gb28181", relay=False)
    assert national.url.startswith("gb28181://")
    assert national.v6_entry()["media_device_type"] == "rtsp"
    assert sim.device(national.id) is national
    with pytest.raises(ValueError, match="kind"):
        sim.add_device("x", "webcam")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="role"):
        sim.add_device("x", "rtsp", role="doorbell")  # type: ignore[arg-type]
    many = Simulator(devices=18)
    assert many.devices[-1].name == "Camera 18"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"dialect": "v4"}, "dialect"),
        ({"score_scale": 10}, "score_scale"),
        ({"devices": -1}, "devices"),
        ({"rate": -0.5}, "rate"),
    ],
)
def test_invalid_arguments(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        Simulator(**kwargs)


def test_subscription_parsing() -> None:
    assert Subscription.parse({}, "v5") == Subscription()
    parsed = Subscription.parse(
        {"need_face": 1, "need_register": True, "event_list": ["a", 3, "b", None, True, 1.5]}, "v5"
    )
    # a number matches a numeric device id by its decimal text; other values are dropped
    assert parsed == Subscription(True, True, frozenset({"a", "3", "b"}))
    assert Subscription.parse({"media_device_ids": "a"}, "v6").device_ids == frozenset()
    assert Subscription.parse({"with_face_image": True}, "v6").with_face


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
KEYS = st.sampled_from(
    [
        "need_face",
        "need_register",
        "event_list",
        "with_face_image",
        "with_register_image",
        "media_device_ids",
        "other",
    ]
)


@given(payload=st.dictionaries(KEYS, JSON, max_size=7), dialect=st.sampled_from(["v5", "v6"]))
def test_subscription_parsing_never_fails(payload: dict[str, Any], dialect: str) -> None:
    parsed = Subscription.parse(payload, dialect)  # type: ignore[arg-type]
    assert isinstance(parsed.with_face, bool)
    assert isinstance(parsed.with_register, bool)
    assert all(isinstance(item, str) for item in parsed.device_ids)


def test_images() -> None:
    faces = [images.face_jpeg(11, f"k{i}") for i in range(3)]
    scenes = [images.scene_jpeg(11, i) for i in range(images.SCENE_COUNT)]
    assert images.face_jpeg(11, "k0") is faces[0]  # cached
    assert len(set(faces)) == 3
    for data in faces:
        assert 20_000 <= len(data) <= 40_000
        assert data[:2] == b"\xff\xd8"
        assert data[-2:] == b"\xff\xd9"
        assert Image.open(io.BytesIO(data)).size == images.FACE_SIZE
    for data in scenes:
        assert 200_000 <= len(data) <= 500_000
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG"
            assert image.size == (1920, 1080)
    # the same seed gives the same pictures in a fresh generation
    images.face_jpeg.cache_clear()
    assert images.face_jpeg(11, "k1") == faces[1]


def test_jpeg_quality_steps() -> None:
    image = Image.new("RGB", (64, 64), (10, 200, 30))
    small = images._encode_within(image, 0, 100, quality=50)  # steps down to the floor
    large = images._encode_within(image, 10**6, 2 * 10**6, quality=50)  # steps up to 95
    assert len(small) < len(large)
    assert Image.open(io.BytesIO(small)).size == (64, 64)


async def test_life_cycle(make_sim: Callable[..., Any]) -> None:
    sim: Simulator = await make_sim()
    assert sim.is_up
    assert sim.rest_port != 0
    assert sim.ws_port != 0
    with pytest.raises(RuntimeError, match="already started"):
        await sim.start()


async def test_port_in_use(make_sim: Callable[..., Any]) -> None:
    first: Simulator = await make_sim()
    second = Simulator(ws_port=first.ws_port)
    with pytest.raises(OSError, match="address"):
        await second.start()
    assert not second.is_up
    await second.stop()  # never started: nothing to do


async def test_context_manager(socket_enabled: None) -> None:
    async with Simulator() as sim:
        assert sim.is_up
    assert not sim.is_up


def test_relays_in_both_shapes() -> None:
    sim = Simulator(devices=0)
    v5_keys = sim.add_device("A", relay={"ip": "10.0.0.1", "net_port": 1, "door_port": 2})
    v6_keys = sim.add_device(
        "B", relay={"ip": "10.0.0.2", "port": 3, "channel": 4, "delay_time": 6}
    )
    none = sim.add_device("C", relay=False)
    assert v5_keys.v6_entry()["net_relay"] == {
        "ip": "10.0.0.1",
        "port": 1,
        "channel": 2,
        "delay_time": None,
    }
    assert v6_keys.v6_relay() == {"ip": "10.0.0.2", "port": 3, "channel": 4, "delay_time": 6}
    assert none.v6_entry()["net_relay"] == {}
    assert none.v5_entry()["netRelay"] == {}


def test_people_images_are_made_on_first_use() -> None:
    images.face_jpeg.cache_clear()
    sim = Simulator(devices=0, seed=21, extra_people=100)
    assert images.face_jpeg.cache_info().currsize == 0
    person = sim.people[50]
    assert person.photo_jpeg == images.face_jpeg(21, f"extra:{(50 - 8) % 16}:registered")
    assert person.face_jpeg != person.photo_jpeg
    assert images.face_jpeg.cache_info().currsize == 2

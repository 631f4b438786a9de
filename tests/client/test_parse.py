"""Parsing of both dialects, on the examples of PROTOCOL.md and on arbitrary JSON."""

from __future__ import annotations

import base64
import contextlib
from datetime import UTC, datetime
import json
from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.se5.client import (
    FrameError,
    ImageSelection,
    PersonType,
    decode_image,
    parse_event,
    parse_frame,
)
from custom_components.se5.client.device_list import parse_device_v5, parse_device_v6
from custom_components.se5.client.models import Dialect, Subscription

# The examples of PROTOCOL.md, images cut short as there.
V5_MATCH = {
    "reg_pic": "/9j/6QAEAAD/2wBD...",
    "ext_data": {
        "person_type": 5,
        "device_ip": "192.168.1.243",
        "device_type": "0",
        "spot_pic": "/9j/6QAEAAD/2xxD...",
        "recognize_face": "/9j/6QAEAAD/2wBD...",
        "grab_fiqa_info": {},
        "box_fiqa_info": {},
    },
    "identity_id": "666666",
    "device_id": "04f98265-1fad-47e5-9dda-66e191272055",
    "identity_info": {
        "image_id": "7bab3d75-ae0b-44db-bbbd-8d5eb788385a",
        "type": 1,
        "user_id": "01220615",
        "name": "ran93717829",
        "face_ids": ["53be77f3-91a7-4835-bbb8-1cced2354785"],
    },
    "score": 0.6231614351272583,
    "timestamp": 1566016554020,
    "group_name": "default_group",
    "identity_name": "小明",
}
V6_MATCH = {
    "event_id": "...",
    "media_device_ip": "192.168.1.243",
    "media_device_type": "rtsp",
    "recognize_face_image": "data:image/jpeg;base64,/9j/6QAEAAD/2xxD...",
    "identity_id": "666666",
    "media_device_id": "04f98265-1fad-47e5-9dda-66e191272055",
    "user_type": "vip",
    "score": 82.05,
    "timestamp": 1566016554020,
    "identity_name": "小明",
}
# The seed page's answer example (its identity_info is written as JavaScript there).
SEED_EXAMPLE = {
    "reg_pic": "",
    "ext_data": {
        "person_type": 5,
        "device_ip": "192.168.1.243",
        "device_type": "0",
        "spot_pic": "/9j/6QAEAAD/2xxD...",
        "recognize_face": "/9j/6QAEAAD/2wBD...",
    },
    "identity_id": "666666",
    "device_id": "04f98265-1fad-47e5-9dda-66e191272055",
    "identity_info": {
        "addTime": 1594111791,
        "image_id": "5282249a-044d-43a2-9a97-0e4fee3832f5",
        "name": "stranger",
        "type": 4,
    },
    "score": 0.6231614351272583,
    "timestamp": 1566016554020,
    "group_name": "default_group",
    "identity_name": "小明",
}
V5_DEVICE = {
    "device_id": "2c1a6a12-ecf4-4490-a2fc-8d7a5023bfcd",
    "device_name": "Front gate",
    "device_ip": "192.168.1.100",
    "device_key": "rtsp://192.168.1.100:554/ch2",
    "device_type": "rtsp",
    "group_id": "139e03c6-ab31-4af8-bcf6-24aa000dfdab",
    "netRelay": {},
    "permission_id": "820737ae-a6d3-4322-bf7c-46f48066fb64",
    "device_attr": {"actions": {"do_detect": True, "do_match": True}},
}
WHEN = datetime(2019, 8, 17, 4, 35, 54, 20000, tzinfo=UTC)
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4 + b"\xff\xd9"
JPEG_B64 = base64.b64encode(JPEG).decode()


def test_v5_match_example() -> None:
    rec = parse_frame(json.dumps(V5_MATCH))
    assert rec.device_id == "04f98265-1fad-47e5-9dda-66e191272055"
    assert rec.identity_id == "666666"
    assert rec.identity_name == "小明"
    assert rec.group == "default_group"
    assert rec.person_type is PersonType.VIP
    assert rec.score == pytest.approx(0.6231614351272583)
    assert rec.raw_score == pytest.approx(0.6231614351272583)
    assert rec.timestamp == WHEN
    assert rec.timestamp_ms == 1566016554020
    assert rec.device_ip == "192.168.1.243"
    assert rec.device_type == "0"
    assert rec.identity_info["user_id"] == "01220615"
    assert rec.event_id is None
    # The cut-short examples still decode to the JPEG start they carry.
    assert rec.face_image is not None
    assert rec.face_image.startswith(b"\xff\xd8")
    assert rec.scene_image is not None
    assert rec.registered_image is not None
    assert not rec.is_stranger


def test_v6_match_example() -> None:
    rec = parse_frame(json.dumps(V6_MATCH))
    assert rec.device_id == "04f98265-1fad-47e5-9dda-66e191272055"
    assert rec.person_type is PersonType.VIP
    assert rec.score == pytest.approx(0.8205)
    assert rec.raw_score == pytest.approx(82.05)
    assert rec.timestamp == WHEN
    assert rec.event_id == "..."
    assert rec.device_type == "rtsp"
    assert rec.device_ip == "192.168.1.243"
    assert rec.face_image is not None
    assert rec.face_image.startswith(b"\xff\xd8")
    assert rec.scene_image is None
    assert rec.registered_image is None
    assert rec.group is None


def test_seed_example_with_empty_registered_photo() -> None:
    rec = parse_event(SEED_EXAMPLE)
    assert rec.person_type is PersonType.VIP
    assert rec.registered_image is None
    assert rec.identity_info["type"] == 4


@pytest.mark.parametrize(
    ("ext_person_type", "info", "expected"),
    [
        (None, {}, PersonType.EMPLOYEE),  # absent means employee
        (1, {}, PersonType.EMPLOYEE),
        (2, {}, PersonType.VISITOR),
        (3, {}, PersonType.BLACKLIST),
        (4, {}, PersonType.STRANGER),
        (5, {}, PersonType.VIP),
        ("3", {}, PersonType.BLACKLIST),
        (None, {"addTime": 1594111791, "name": "stranger", "type": 4}, PersonType.STRANGER),
        (99, {}, PersonType.EMPLOYEE),
        (True, {}, PersonType.EMPLOYEE),
    ],
)
def test_v5_person_types(ext_person_type: Any, info: dict[str, Any], expected: PersonType) -> None:
    frame: dict[str, Any] = {"device_id": "d", "identity_info": info, "ext_data": {}}
    if ext_person_type is not None:
        frame["ext_data"]["person_type"] = ext_person_type
    assert parse_event(frame).person_type is expected


@pytest.mark.parametrize(
    ("user_type", "expected"),
    [
        ("employee", PersonType.EMPLOYEE),
        ("Visitor", PersonType.VISITOR),
        ("blacklist", PersonType.BLACKLIST),
        ("stranger", PersonType.STRANGER),
        ("vip", PersonType.VIP),
        (None, PersonType.EMPLOYEE),
        (3, PersonType.BLACKLIST),
        ("martian", PersonType.EMPLOYEE),
    ],
)
def test_v6_person_types(user_type: Any, expected: PersonType) -> None:
    frame: dict[str, Any] = {"media_device_id": "d"}
    if user_type is not None:
        frame["user_type"] = user_type
    assert parse_event(frame).person_type is expected


def test_both_stranger_shapes() -> None:
    empty = parse_event({"device_id": "d", "identity_info": {}, "ext_data": {"person_type": 4}})
    record = parse_event(
        {
            "device_id": "d",
            "identity_info": {
                "addTime": 1594111791,
                "image_id": "x",
                "name": "stranger",
                "type": 4,
            },
            "ext_data": {"person_type": 4},
        }
    )
    assert empty.is_stranger
    assert empty.identity_info == {}
    assert record.is_stranger
    assert record.identity_info["name"] == "stranger"


@pytest.mark.parametrize(
    ("raw", "score"),
    [
        (0.78, 0.78),
        (82.05, 0.8205),
        (1, 1.0),
        (0, 0.0),
        (100, 1.0),
        (150, 1.0),
        ("82.05", 0.8205),
    ],
)
def test_score_scales(raw: Any, score: float) -> None:
    rec = parse_event({"device_id": "d", "score": raw})
    assert rec.score == pytest.approx(score)
    assert rec.raw_score == pytest.approx(float(raw))


@pytest.mark.parametrize(
    ("raw", "scale", "score"),
    [
        # The box's scale, once it told it (PrettyScore, THRESHOLD, MATCH_THRESHOLD).
        (82.05, 100, 0.8205),
        (0.9, 100, 0.009),
        (1, 100, 0.01),
        (0, 100, 0.0),
        (150, 100, 1.0),
        ("27.69", 100, 0.2769),
        (0.62, 1, 0.62),
        (1, 1, 1.0),
        (82.05, 1, 0.8205),  # cannot be on 0..1: judged by its value
        # Unknown: each value judged alone (the V6 push example sends 0.62, its table 0..100).
        (0.6231614351272583, None, 0.6231614351272583),
        (82.05, None, 0.8205),
    ],
)
@pytest.mark.parametrize("device_key", ["device_id", "media_device_id"], ids=["v5", "v6"])
def test_scores_read_with_the_boxs_scale(
    raw: Any, scale: int | None, score: float, device_key: str
) -> None:
    rec = parse_event({device_key: "d", "score": raw}, score_scale=scale)
    assert rec.score == pytest.approx(score)
    assert rec.raw_score == pytest.approx(float(raw))


@pytest.mark.parametrize("raw", [None, "high", -1, True, [], {}])
def test_unusable_score_is_none(raw: Any) -> None:
    rec = parse_event({"device_id": "d", "score": raw})
    assert rec.score is None
    assert rec.raw_score is None


def test_timestamp_in_seconds_and_missing() -> None:
    assert parse_event({"device_id": "d", "timestamp": 1566016554.02}).timestamp == WHEN
    received = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    for value in (None, "soon", -5, 0, 1e30):
        rec = parse_event({"device_id": "d", "timestamp": value}, received_at=received)
        assert rec.timestamp == received
        assert rec.timestamp_ms == int(received.timestamp() * 1000)
    now = parse_event({"device_id": "d"}).timestamp
    assert abs((datetime.now(UTC) - now).total_seconds()) < 60


def test_images_v5_exact_and_selected() -> None:
    frame = {
        "device_id": "d",
        "reg_pic": JPEG_B64,
        "ext_data": {"recognize_face": JPEG_B64, "spot_pic": "data:image/jpeg;base64," + JPEG_B64},
    }
    rec = parse_event(frame)
    assert rec.face_image == JPEG
    assert rec.scene_image == JPEG
    assert rec.registered_image == JPEG
    only_face = parse_event(frame, ImageSelection(face=True, scene=False, registered=False))
    assert only_face.face_image == JPEG
    assert only_face.scene_image is None
    assert only_face.registered_image is None


def test_images_v6_prefixed_and_plain() -> None:
    frame = {
        "media_device_id": "d",
        "recognize_face_image": "data:image/jpeg;base64," + JPEG_B64,
        "register_image": JPEG_B64,
    }
    rec = parse_event(frame)
    assert rec.face_image == JPEG
    assert rec.registered_image == JPEG


@pytest.mark.parametrize(
    "value",
    [None, "", 5, "data:image/jpeg,notbase64", "data:image/jpeg;base64,", "é", "=", "A"],
)
def test_bad_or_missing_images_are_none(value: Any) -> None:
    assert decode_image(value) is None


def test_image_without_padding() -> None:
    assert decode_image(JPEG_B64.rstrip("=")) == JPEG


@pytest.mark.parametrize(
    ("frame", "kind"),
    [
        ("not json", "not_json"),
        (b"\xff\xfe\x00", "not_json"),
        ("[1, 2]", "not_object"),
        ("null", "not_object"),
        ("{}", "no_device"),
        ('{"identity_id": "1"}', "no_device"),
        ('{"device_id": 5.5}', "bad_device"),
        ('{"device_id": ""}', "bad_device"),
        ('{"media_device_id": null}', "bad_device"),
        ('{"device_id": true}', "bad_device"),
        ('{"device_id": 42.0}', "bad_device"),
        ('{"media_device_id": "   "}', "bad_device"),
        ("[" * 100000, "not_json"),
    ],
)
def test_unusable_frames_raise_frame_error(frame: str | bytes, kind: str) -> None:
    with pytest.raises(FrameError) as caught:
        parse_frame(frame)
    assert caught.value.kind == kind


def test_frame_error_reason_leaks_nothing() -> None:
    with pytest.raises(FrameError) as caught:
        parse_frame(json.dumps({"device_id": ["小明"], "identity_name": "小明"}))
    assert "小明" not in str(caught.value)


def test_integer_ids_and_extra_fields() -> None:
    rec = parse_event({"device_id": "d", "identity_id": 888888, "surprise": {"x": [1]}})
    assert rec.device_id == "d"
    assert rec.identity_id == "888888"
    assert rec.identity_name == ""


def test_device_entries() -> None:
    device = parse_device_v5(V5_DEVICE)
    assert device is not None
    assert device.id == "2c1a6a12-ecf4-4490-a2fc-8d7a5023bfcd"
    assert device.name == "Front gate"
    assert device.ip == "192.168.1.100"
    assert device.kind == "rtsp"
    assert device.url == "rtsp://192.168.1.100:554/ch2"
    assert device.relay is None
    relay = {"ip": "192.168.1.200", "net_port": 50000, "door_port": "1", "delay_time": 5}
    gate = parse_device_v5({"device_id": "g", "netRelay": relay})
    assert gate is not None
    assert gate.name == "g"
    assert gate.relay is not None
    assert (gate.relay.ip, gate.relay.net_port, gate.relay.door_port) == ("192.168.1.200", 50000, 1)
    v6 = parse_device_v6(
        {
            "media_device_id": "m",
            "media_device_name": "Lobby",
            "media_device_ip": "10.0.0.2",
            "media_device_url": "rtsp://10.0.0.2/1",
            "media_device_type": "rtsp",
        }
    )
    assert v6 is not None
    assert (v6.id, v6.name, v6.ip, v6.kind, v6.url) == (
        "m",
        "Lobby",
        "10.0.0.2",
        "rtsp",
        "rtsp://10.0.0.2/1",
    )
    for bad in (None, [], {"device_name": "no id"}, {"device_id": ""}):
        assert parse_device_v5(bad) is None
        assert parse_device_v6(bad) is None
    assert parse_device_v5({"device_id": "x", "netRelay": {"net_port": 1}}).relay is None  # type: ignore[union-attr]


def test_device_repr_leaves_the_stream_url_out() -> None:
    """An RTSP URL may carry the camera's password: repr (and so logs) must not show it."""
    device = parse_device_v6(
        {"media_device_id": "m", "media_device_url": "rtsp://admin:s3cret@10.0.0.2:554/1"}
    )
    assert device is not None
    assert device.url == "rtsp://admin:s3cret@10.0.0.2:554/1"
    assert "s3cret" not in repr(device)
    assert "s3cret" not in str([device])
    assert "id='m'" in repr(device)


def test_people_and_recognitions_repr_leave_names_out() -> None:
    """Names are personal data: a repr (a log line, a traceback) must not carry them."""
    from datetime import UTC, datetime

    from custom_components.se5.client import Person, PersonType, Recognition

    person = Person("7", "王小明", PersonType.VIP)
    seen = Recognition(
        device_id="cam",
        identity_id="7",
        identity_name="王小明",
        person_type=PersonType.VIP,
        score=0.9,
        raw_score=90.0,
        timestamp=datetime.now(UTC),
        timestamp_ms=0,
    )
    for thing in (person, seen):
        assert "王小明" not in repr(thing)
        assert "'7'" in repr(thing)
    assert person.name == seen.identity_name == "王小明"


def test_subscription_wire_format() -> None:
    sub = Subscription(("a", "b"), ImageSelection(face=False, scene=True, registered=True))
    assert json.loads(sub.to_wire(Dialect.V5)) == {
        "need_face": True,
        "need_register": True,
        "event_list": ["a", "b"],
    }
    assert json.loads(sub.to_wire(Dialect.V6)) == {
        "with_face_image": False,
        "with_register_image": True,
        "media_device_ids": ["a", "b"],
    }
    assert PersonType.from_code(4) is PersonType.STRANGER
    assert PersonType.VIP.code == 5


# Property: no JSON value of any shape raises anything but FrameError. ----------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
KNOWN_KEYS = [
    "device_id",
    "media_device_id",
    "identity_id",
    "identity_name",
    "identity_info",
    "group_name",
    "score",
    "timestamp",
    "event_id",
    "video_id",
    "user_type",
    "reg_pic",
    "register_image",
    "recognize_face_image",
    "media_device_ip",
    "media_device_type",
]
EXT_KEYS = ["person_type", "device_ip", "device_type", "spot_pic", "recognize_face"]
event_like = st.builds(
    lambda base, ext: {**base, "ext_data": ext} if ext is not None else base,
    st.dictionaries(st.sampled_from(KNOWN_KEYS), json_values, max_size=len(KNOWN_KEYS)),
    st.none() | json_values | st.dictionaries(st.sampled_from(EXT_KEYS), json_values),
)


def _parse_or_frame_error(value: object) -> None:
    try:
        rec = parse_event(value)
    except FrameError:
        return
    assert rec.device_id
    assert rec.score is None or 0.0 <= rec.score <= 1.0
    assert rec.timestamp.tzinfo is not None
    assert isinstance(rec.person_type, PersonType)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_any_json_value_gives_recognition_or_frame_error(value: object) -> None:
    _parse_or_frame_error(value)
    try:
        text = json.dumps(value)
    except ValueError:
        return
    with contextlib.suppress(FrameError):
        parse_frame(text)


@settings(max_examples=600, deadline=None)
@given(event_like)
def test_any_event_shaped_object_gives_recognition_or_frame_error(value: dict[str, Any]) -> None:
    _parse_or_frame_error(value)


@settings(max_examples=200, deadline=None)
@given(st.binary() | st.text())
def test_any_bytes_or_text_gives_recognition_or_frame_error(frame: bytes | str) -> None:
    with contextlib.suppress(FrameError):
        parse_frame(frame)

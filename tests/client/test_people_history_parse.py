"""Register and history parsers on the examples of the docs, their traps, and odd values."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import given, strategies as st
import pytest

from custom_components.se5.client import Person, PersonType, Recognition
from custom_components.se5.client.history import event_image_request, parse_history_event
from custom_components.se5.client.models import Dialect
from custom_components.se5.client.parse import TEXT_MAX
from custom_components.se5.client.people import (
    parse_group_names,
    parse_person_v5,
    parse_person_v6,
)

V5_USERS = {
    "data": {
        "identities_list": [
            {
                "group_name": ["default_group"],
                "identity_id": "888888",
                "info": {
                    "description": "",
                    "image_id": "8f5d7b5a-d5da-4b3f-bf46-5830d412ba5e",
                    "name": "小明",
                    "permission_ids": ["31d637be-032e-4a68-89f6-dff91ef2cd6d"],
                    "type": 5,
                    "user_id": "888888",
                    "visit_card_number": "",
                },
                "reg_photo": "",
            },
            {
                "group_name": ["default_group"],
                "identity_id": "001",
                "info": {"image_id": "e690d158", "name": "小王", "type": 1, "user_id": "001"},
                "reg_photo": "/9j/4AAQSkZJRg==",
            },
        ]
    }
}

V6_IDENTITIES = {
    "identities": [
        {
            "ext_user_info": {},
            "face_ids": ["912ce1a6-f4e6-4604-b492-ca1c0443ead4"],
            "identity_id": "100000",
            "identity_name": "小王",
            "permission_ids": [],
            "register_image_ids": ["1e644cc0-1631-4248-b518-c8701d3c7a91"],
            "user_type": "employee",
        },
        {
            "identity_id": "100001",
            "identity_name": "小张",
            "register_image_ids": [],
            "user_type": "VIP",
        },
        {"identity_id": "100002", "identity_name": "Plate", "user_type": "car"},
        {"identity_id": "100003", "identity_name": "New kind", "user_type": "contractor"},
    ],
    "pagination": {"page_index": 0, "page_limit": 10, "total_count": 13},
}


def test_v5_users_example() -> None:
    entries = V5_USERS["data"]["identities_list"]
    first, second = (parse_person_v5(entry, with_photo=True) for entry in entries)
    assert first == Person(
        identity_id="888888",
        name="小明",
        person_type=PersonType.VIP,
        groups=("default_group",),
        photo=None,  # reg_photo "" is no photo
        photo_id="8f5d7b5a-d5da-4b3f-bf46-5830d412ba5e",
    )
    assert second is not None
    assert second.person_type is PersonType.EMPLOYEE
    assert second.photo is not None
    assert second.photo.startswith(b"\xff\xd8\xff")
    # the photo is decoded only when asked for
    assert parse_person_v5(entries[1]).photo is None  # type: ignore[union-attr]


def test_v5_person_variants() -> None:
    absent_type = parse_person_v5({"identity_id": 7, "info": {"name": "x"}, "group_name": "g"})
    assert absent_type == Person("7", "x", PersonType.EMPLOYEE, groups=("g",))
    assert parse_person_v5({"identity_id": "1", "info": {"type": 9}}).person_type is (  # type: ignore[union-attr]
        PersonType.EMPLOYEE
    )
    assert parse_person_v5({"identity_id": "", "info": {}}) is None
    assert parse_person_v5(["888888"]) is None
    assert parse_person_v5({"identity_id": "1", "info": "x", "group_name": 5}) == Person(
        "1", "", PersonType.EMPLOYEE
    )


def test_v6_identities_example() -> None:
    people = [parse_person_v6(entry) for entry in V6_IDENTITIES["identities"]]
    assert people[0] == Person(
        identity_id="100000",
        name="小王",
        person_type=PersonType.EMPLOYEE,
        photo_id="1e644cc0-1631-4248-b518-c8701d3c7a91",
    )
    assert people[1] == Person("100001", "小张", PersonType.VIP)  # "VIP": the filter's case
    assert people[2] is None  # a car is not a person
    assert people[3] is not None
    assert people[3].person_type is PersonType.EMPLOYEE  # unknown: the documented default
    assert parse_person_v6({"identity_name": "nobody"}) is None
    assert parse_person_v6({"identity_id": "5", "user_type": 3}).person_type is (  # type: ignore[union-attr]
        PersonType.BLACKLIST
    )
    assert parse_person_v6("x") is None


def test_groups_example() -> None:
    payload = {
        "data": {
            "groups_list": [
                {
                    "group_id": "default_group",
                    "groupname": "default_group",
                    "name": "default_group",
                },
                {"description": "负责系统软件开发", "name": "软件开发一部"},
                {"groupname": "only_groupname"},
                "junk",
            ],
            "pagination": {"limit": 10, "num_pages": 1, "skip_num": 0, "total_count": 3},
        }
    }
    assert parse_group_names(payload) == ["default_group", "软件开发一部", "only_groupname"]
    assert parse_group_names({"data": {}}) == []
    assert parse_group_names([]) == []


V5_EVENT: dict[str, Any] = {
    "_id": "1607062639.737444",
    "common": {
        "card_id": "",
        "ep_info": {
            "device_id": "a853043e-c10a-4af3-96e5-f646748faed4",
            "ep_id": "0xe0a509261422__192.168.1.96",
            "ep_ip": "192.168.1.96",
            "ep_name": "111",
            "ep_type": "photo",
        },
        "frame_id": 0,
        "group_id": "",
        "group_name": "",
        "identity_id": "",
        "identity_info": {},
        "identity_name": "",
        "is_send": 0,
        "permission_id": "",
        "permission_name": "",
        "person_type": 4,
        "recognize_face_attr": {"age": None, "box": [48.0, 15.0, 171.8, 189.5], "feature": [0.1]},
        "recognize_face_pic_id": "1607062639.7370062",
        "score": 10.15,
        "spot_pic_id": "1607062639.7370062",
        "want_action": "0",
    },
    "gate_data": {},
    "grab_data": {},
    "timestamp": 1607062639.7013178,
    "video_data": {},
}

V6_EVENT: dict[str, Any] = {
    "event_id": "1628066406652506",
    "ext_data": {"in_timestamp": 1628066406.608026, "recognition_timestamp": 1628066406.608026},
    "frame_id": 0,
    "identity_id": "",
    "identity_name": "",
    "media_device_info": {
        "media_device_id": "",
        "media_device_ip": "",
        "media_device_name": "",
        "media_device_type": "",
    },
    "permission_id": "",
    "permission_name": "",
    "post_action": "0",
    "recognize_face_attr": {
        "age": None,
        "box": [169.9, 256.9, 487.3, 671.7],
        "feature_binary": "zuSK",
    },
    "recognize_face_image_id": "001628066406.650539",
    "register_image_id": "",
    "score": 27.69,
    "spot_image_id": "001628066406.650539",
    "timestamp": 1628066406.608026,
    "user_type": "stranger",
}


def test_v5_history_example() -> None:
    recognition = parse_history_event(V5_EVENT)
    assert recognition is not None
    assert recognition.device_id == "a853043e-c10a-4af3-96e5-f646748faed4"
    assert recognition.device_ip == "192.168.1.96"
    assert recognition.device_type == "photo"
    assert recognition.person_type is PersonType.STRANGER
    assert recognition.identity_id == ""
    assert recognition.score == pytest.approx(0.1015)  # 0..100 in the history
    assert recognition.raw_score == 10.15
    assert recognition.timestamp_ms == 1607062639701
    assert recognition.timestamp == datetime.fromtimestamp(1607062639.701, UTC)
    assert recognition.event_id == "1607062639.737444"
    assert recognition.face_image_id == "1607062639.7370062"
    assert recognition.scene_image_id is None  # the same id: the box kept one image
    assert recognition.registered_image_id is None
    assert recognition.face_image is None
    assert recognition.scene_image is None


def test_v5_history_match_with_registered_photo() -> None:
    event = {
        **V5_EVENT,
        "common": {
            **V5_EVENT["common"],
            "identity_id": "666666",
            "identity_name": "小明",
            "identity_info": {"image_id": "7bab3d75", "name": "小明", "type": 5},
            "group_name": "default_group",
            "person_type": 5,
            "score": 0.83,
            "spot_pic_id": "1607062639.7370063",
        },
    }
    recognition = parse_history_event(event)
    assert recognition is not None
    assert (recognition.identity_id, recognition.person_type) == ("666666", PersonType.VIP)
    assert recognition.group == "default_group"
    assert recognition.registered_image_id == "7bab3d75"
    assert recognition.scene_image_id == "1607062639.7370063"
    assert recognition.identity_info["name"] == "小明"


def test_v6_history_example() -> None:
    # the documented example has no device: such an event cannot be placed, it is skipped
    assert parse_history_event(V6_EVENT) is None
    event = {
        **V6_EVENT,
        "media_device_info": {
            "media_device_id": " cam-1 ",
            "media_device_ip": "192.168.1.243",
            "media_device_name": "Gate",
            "media_device_type": "rtsp",
        },
        "identity_id": "100000",
        "identity_name": "小王",
        "user_type": "employee",
        "register_image_id": "1e644cc0",
    }
    recognition = parse_history_event(event)
    assert recognition == Recognition(
        device_id="cam-1",  # normalised as in live frames
        identity_id="100000",
        identity_name="小王",
        person_type=PersonType.EMPLOYEE,
        score=pytest.approx(0.2769),  # type: ignore[arg-type]
        raw_score=27.69,
        timestamp=datetime.fromtimestamp(1628066406.608, UTC),
        timestamp_ms=1628066406608,
        device_ip="192.168.1.243",
        device_type="rtsp",
        event_id="1628066406652506",
        face_image_id="001628066406.650539",
        scene_image_id=None,
        registered_image_id="1e644cc0",
        box_time="1628066406.608026",  # as the box wrote it: its image calls take it so
    )


@pytest.mark.parametrize(
    ("raw", "scale", "score"),
    [
        (0.9, 100, 0.009),
        (1, 100, 0.01),
        (82.05, 100, 0.8205),
        (0.9, None, 0.9),
        (82.05, None, 0.8205),
    ],
)
def test_v6_history_scores_read_with_the_boxs_scale(
    raw: float, scale: int | None, score: float
) -> None:
    event = {**V6_EVENT, "media_device_info": {"media_device_id": "cam"}, "score": raw}
    recognition = parse_history_event(event, scale)
    assert recognition is not None
    assert recognition.score == pytest.approx(score)
    assert recognition.raw_score == raw


def test_v5_history_scores_keep_their_scale() -> None:
    for raw, score in ((0.9, 0.9), (1, 1.0), (82.05, 0.8205)):
        recognition = parse_history_event(
            {**V5_EVENT, "common": {**V5_EVENT["common"], "score": raw}}
        )
        assert recognition is not None
        assert recognition.score == pytest.approx(score)


@pytest.mark.parametrize(
    "change",
    [
        {"user_type": "car"},
        {"timestamp": None},
        {"timestamp": "yesterday"},
        {"timestamp": -5},
    ],
)
def test_unusable_history_events(change: dict[str, Any]) -> None:
    event = {**V6_EVENT, "media_device_info": {"media_device_id": "cam"}, **change}
    assert parse_history_event(event) is None


def test_history_timestamps_in_ms_and_rounding() -> None:
    base = {"media_device_id": "cam", "user_type": "vip", "identity_id": "1"}
    as_ms = parse_history_event({**base, "timestamp": 1628066406608})
    as_seconds = parse_history_event({**base, "timestamp": 1628066406.608})
    assert as_ms is not None
    assert as_seconds is not None
    assert as_ms.timestamp_ms == as_seconds.timestamp_ms == 1628066406608


def test_history_odd_shapes() -> None:
    assert parse_history_event("event") is None
    assert parse_history_event({"timestamp": 1.6e9}) is None  # no device
    odd = parse_history_event({"timestamp": 1.6e9, "common": "x", "device_id": "d"})
    assert odd is not None
    assert odd.device_id == "d"
    assert odd.face_image_id is None


def test_history_ids_and_times_too_long_to_send_back_are_dropped() -> None:
    """Image ids and the time go back to the box unchanged: over TEXT_MAX they are not kept
    (a cut one would name nothing, a whole one of any length would be stored with the event)."""
    long = "1" * (TEXT_MAX + 1)
    event = {
        "media_device_id": "cam",
        "user_type": "vip",
        "identity_id": "1",
        "timestamp": "1628066406." + "0" * 100_000,  # numeric text: the event is still read
        "recognize_face_image_id": long,
        "spot_image_id": "s" * 1_000_000,
        "register_image_id": long,
    }
    recognition = parse_history_event(event)
    assert recognition is not None
    assert recognition.timestamp_ms == 1628066406000
    assert recognition.box_time is None
    assert recognition.face_image_id is None
    assert recognition.scene_image_id is None
    assert recognition.registered_image_id is None
    fits = parse_history_event(
        {**event, "timestamp": "1628066406.5", "recognize_face_image_id": long[1:]}
    )
    assert fits is not None
    assert (fits.box_time, fits.face_image_id) == ("1628066406.5", long[1:])


def test_event_image_requests() -> None:
    when = datetime.fromtimestamp(1607062639.7013178, UTC)
    path, params = event_image_request(Dialect.V5, "1607062639.7370062", when)
    assert path == "/SophonFace/api/event_images/1607062639.7370062"
    assert float(params["datetime"]) == pytest.approx(1607062639.7013178)
    path, params = event_image_request(Dialect.V6, "a/b c", when)
    assert path == "/sophon/v2/face/getspotimage/a%2Fb%20c"
    assert set(params) == {"timestamp"}
    whole = event_image_request(Dialect.V6, "x", datetime.fromtimestamp(1607062639, UTC))
    assert whole[1] == {"timestamp": "1607062639"}


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
FIELDS = st.sampled_from(
    [
        *("timestamp", "common", "media_device_info", "media_device_id", "user_type", "_id"),
        *("identity_id", "score", "spot_image_id", "register_image_id", "info", "reg_photo"),
        *("register_image_ids", "group_name", "identity_name"),
    ]
)


@given(st.dictionaries(FIELDS, JSON) | JSON)
def test_parsers_never_raise(entry: Any) -> None:
    parse_history_event(entry)
    parse_person_v5(entry, with_photo=True)
    parse_person_v6(entry)
    parse_group_names({"data": {"groups_list": [entry]}})

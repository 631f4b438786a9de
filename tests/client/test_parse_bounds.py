"""Whatever the box sends, ids come out one way and text comes out bounded."""

from __future__ import annotations

import base64
import binascii
import json
import math
from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.se5.client import (
    FrameError,
    Recognition,
    images as images_module,
    parse_event,
    parse_frame,
)
from custom_components.se5.client.device_list import parse_device_v5, parse_device_v6
from custom_components.se5.client.images import decode_image
from custom_components.se5.client.parse import (
    INFO_BUDGET,
    INFO_MAX_ITEMS,
    NAME_MAX,
    TEXT_MAX,
    URL_MAX,
    bounded_info,
    cap_text,
    loads,
    normalize_device_id,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (123, "123"),
        (0, "0"),
        (-7, "-7"),
        ("123", "123"),
        (" cam1 ", "cam1"),
        ("\tcam 2\n", "cam 2"),
        ("x" * TEXT_MAX, "x" * TEXT_MAX),
        ("x" * (TEXT_MAX + 1), None),
        (10**TEXT_MAX, None),
        (1.0, None),
        (1.5, None),
        (True, None),
        (False, None),
        (None, None),
        ("", None),
        ("   ", None),
        ([1], None),
        ({"id": 1}, None),
    ],
)
def test_normalize_device_id(value: object, expected: str | None) -> None:
    assert normalize_device_id(value) == expected


@pytest.mark.parametrize("key", ["device_id", "media_device_id"], ids=["v5", "v6"])
@pytest.mark.parametrize(("sent", "expected"), [(123, "123"), (" cam1 ", "cam1"), ("123", "123")])
def test_event_and_device_list_agree(key: str, sent: object, expected: str) -> None:
    assert parse_event({key: sent}).device_id == expected
    parse_device = parse_device_v5 if key == "device_id" else parse_device_v6
    device = parse_device({key: sent})
    assert device is not None
    assert device.id == expected


@pytest.mark.parametrize("key", ["device_id", "media_device_id"], ids=["v5", "v6"])
@pytest.mark.parametrize("sent", [1.0, True, "", " ", "d" * 300, None, [], {}])
def test_unusable_ids_are_rejected_by_both_parsers(key: str, sent: object) -> None:
    with pytest.raises(FrameError) as caught:
        parse_event({key: sent})
    assert caught.value.kind == "bad_device"
    assert "ddd" not in caught.value.reason
    parse_device = parse_device_v5 if key == "device_id" else parse_device_v6
    assert parse_device({key: sent}) is None


def test_cap_text() -> None:
    assert cap_text("short", 64) == "short"
    assert cap_text("x" * 64, 64) == "x" * 64
    capped = cap_text("名" * 10_000, 64)
    assert len(capped) == 64
    assert capped.endswith("…")


def test_recognition_text_is_capped() -> None:
    rec = parse_event(
        {
            "device_id": "d",
            "identity_name": "名" * 10_000,
            "identity_id": "9" * 10_000,
            "group_name": "g" * 10_000,
            "event_id": "e" * 10_000,
            "video_id": "v" * 10_000,
            "ext_data": {"device_ip": "i" * 10_000, "device_type": "t" * 10_000},
        }
    )
    assert len(rec.identity_name) == NAME_MAX
    assert rec.group is not None
    assert len(rec.group) == NAME_MAX
    for text in (rec.identity_id, rec.event_id, rec.video_id, rec.device_ip, rec.device_type):
        assert text is not None
        assert len(text) == TEXT_MAX


def test_device_text_is_capped() -> None:
    device = parse_device_v6(
        {
            "media_device_id": "m",
            "media_device_name": "n" * 10_000,
            "media_device_ip": "i" * 10_000,
            "media_device_type": "t" * 10_000,
            "media_device_url": "rtsp://" + "u" * 10_000,
        }
    )
    assert device is not None
    assert len(device.name) == NAME_MAX
    assert device.ip is not None
    assert len(device.ip) == TEXT_MAX
    assert device.url is not None
    assert len(device.url) == URL_MAX
    relay = parse_device_v5({"device_id": "g", "netRelay": {"ip": "r" * 1000}})
    assert relay is not None
    assert relay.relay is not None
    assert len(relay.relay.ip) == TEXT_MAX


def test_identity_info_is_bounded_but_keeps_what_the_hub_reads() -> None:
    info = {
        "user_id": "01220615",
        "type": 4,
        "ext_info": {"building_no": "B2", "room": "302", "floor": 3},
        "face_ids": ["f"] * 1000,
        "name": "x" * 10_000,
        "deep": {"deeper": {"deepest": 1}},
        **{f"k{n}": n for n in range(1000)},
    }
    kept = bounded_info(info)
    assert kept["user_id"] == "01220615"
    assert kept["type"] == 4
    assert kept["ext_info"] == {"building_no": "B2", "room": "302", "floor": 3}
    assert kept["face_ids"] == ["f"] * INFO_MAX_ITEMS
    assert kept["name"] == cap_text("x" * 10_000, TEXT_MAX)
    assert kept["deep"] == {}
    assert len(kept) == INFO_MAX_ITEMS
    assert parse_event({"device_id": "d", "identity_info": info}).identity_info == kept


def test_identity_info_budget() -> None:
    info = {f"key{n}": "v" * 250 for n in range(30)}
    kept = bounded_info(info)
    assert 10 < len(kept) < 30
    assert sum(len(k) + len(v) for k, v in kept.items()) <= INFO_BUDGET
    assert bounded_info([1, 2]) == {}
    assert bounded_info({"n": None, "f": 1.5, "b": True, "big": 10**300}) == {
        "n": None,
        "f": 1.5,
        "b": True,
    }


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=600),
    lambda inner: st.lists(inner, max_size=50) | st.dictionaries(st.text(), inner, max_size=50),
    max_leaves=300,
)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_any_identity_info_stays_small(value: Any) -> None:
    kept = bounded_info({"info": value, "other": value} if not isinstance(value, dict) else value)
    assert len(json.dumps(kept, ensure_ascii=False)) <= 2 * INFO_BUDGET + 8 * INFO_MAX_ITEMS**2


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=200),
    st.lists(st.sampled_from(["\n", "\r\n", " "]), max_size=5),
    st.integers(0, 300),
    st.booleans(),
)
def test_sliced_decoding_is_whole_decoding(
    data: bytes, spaces: list[str], where: int, drop_padding: bool
) -> None:
    text = base64.b64encode(data).decode()
    for space in spaces:
        at = where % (len(text) + 1)
        text = text[:at] + space + text[at:]
    if drop_padding:
        text = text.rstrip("=")
    whole = decode_image(text)
    original = images_module._DECODE_SLICE
    try:
        images_module._DECODE_SLICE = 8
        assert decode_image(text) == whole
        assert decode_image(text + "=YQ==") == decode_image_whole(text + "=YQ==")
    finally:
        images_module._DECODE_SLICE = original


def decode_image_whole(text: str) -> bytes | None:
    text = text.strip()
    text += "=" * (-len(text) % 4)
    try:
        return binascii.a2b_base64(text) or None
    except (binascii.Error, ValueError):
        return None


def test_sliced_decoding_of_a_long_image() -> None:
    data = bytes(range(256)) * 20_000
    text = base64.b64encode(data).decode()
    assert len(text) > images_module._DECODE_SLICE
    assert decode_image(text) == data
    assert decode_image("data:image/jpeg;base64," + text) == data


def test_loads_reads_every_size_the_same_way() -> None:
    big_int = "1" * 30
    small = loads('{"n": ' + big_int + ', "m": 18446744073709551615}')
    large = loads('{"n": ' + big_int + ', "m": 18446744073709551615, "p": "' + "x" * 2**20 + '"}')
    assert small["n"] == large["n"] == float(big_int)
    assert small["m"] == large["m"] == 2**64 - 1
    assert isinstance(small["m"], int)
    assert isinstance(large["m"], int)
    assert math.isnan(loads("NaN"))  # orjson refuses it; the standard library reads it
    assert loads(b"\xef\xbb\xbf{}") == {}
    assert parse_event({"device_id": 2**70}).device_id == str(2**70)
    with pytest.raises(FrameError):
        parse_frame('{"device_id": ' + "9" * 30 + "}")  # read as a float: no usable id


def test_values_no_json_has_are_dropped_or_unusable() -> None:
    assert bounded_info({"t": (1, 2), "s": {1, 2}, "ok": 1}) == {"ok": 1}
    assert parse_event({"device_id": "d", "score": 10**400}).score is None
    assert Recognition.face_image is None  # the class default


def test_loads_without_orjson(monkeypatch: pytest.MonkeyPatch) -> None:
    """The client needs no orjson: the standard library reads the same documents."""
    from custom_components.se5.client import jsondoc

    monkeypatch.setattr(jsondoc, "_orjson", None)
    assert loads('{"device_id": 12, "big": 18446744073709551616}') == {
        "device_id": 12,
        "big": float(18446744073709551616),
    }

"""Big frames: long strings lifted out of the JSON read back exactly as JSON would read them."""

from __future__ import annotations

import base64
import contextlib
import json
import os
from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.se5.client import FrameError, ImageSelection, Recognition
from custom_components.se5.client.bigframe import (
    LIFT_CHARS,
    lift_long_strings,
    parse_big_frame,
    put_back,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None)
@given(json_values, st.booleans(), st.integers(0, 6))
def test_lifting_reads_as_json_does(value: Any, ascii_only: bool, min_chars: int) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    reduced, lifted = lift_long_strings(text, min_chars)
    assert put_back(json.loads(reduced), lifted) == json.loads(text)
    if lifted:
        assert len(reduced) < len(text) + 40 * len(lifted)


def test_only_long_plain_literals_are_lifted() -> None:
    long = "A" * 100
    text = json.dumps({"k": long, "esc": "B" * 99 + '"', "short": "s", long: [long]})
    reduced, lifted = lift_long_strings(text, 100)
    assert sorted(lifted.values()) == [long, long, long]
    assert "B" * 99 in reduced  # escaped inside: left to JSON
    assert put_back(json.loads(reduced), lifted)["esc"] == "B" * 99 + '"'
    assert lift_long_strings('{"a": "unclosed' + "x" * 200, 10)[1] == {}


def test_big_frame_parses_with_its_image_decoded() -> None:
    image = os.urandom(200_000)
    frame = json.dumps(
        {
            "device_id": "d",
            "identity_name": "n" * 100_000,
            "ext_data": {"spot_pic": base64.b64encode(image).decode()},
        }
    )
    assert len(frame) > 2 * LIFT_CHARS
    for data in (frame, frame.encode(), [frame.encode()[:1000], frame.encode()[1000:]]):
        rec = parse_big_frame(data, ImageSelection(scene=True))
        assert isinstance(rec, Recognition)
        assert rec.__dict__["_scene_image"] == image
        assert rec.identity_name == "n" * 63 + "…"


@pytest.mark.parametrize("depth", [10, 900, 5000])
def test_deep_big_frame_is_a_frame_error(depth: int) -> None:
    frame = "[" * depth + '"' + "x" * LIFT_CHARS + '"' + "]" * depth
    with pytest.raises(FrameError):
        parse_big_frame(frame, ImageSelection())


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet='{}[]":,\\ ax0\n', max_size=60))
def test_any_text_gives_recognition_or_frame_error(text: str) -> None:
    with contextlib.suppress(FrameError):
        parse_big_frame(text + '"' + "y" * LIFT_CHARS + '"', ImageSelection())

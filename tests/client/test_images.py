"""Images decoded when read; big frames assembled and parsed off the loop, in order."""

from __future__ import annotations

from collections.abc import AsyncIterator
import dataclasses
from datetime import UTC, datetime
import json
import os

import aiohttp
import pytest

from custom_components.se5.client import (
    Dialect,
    EventStream,
    ImageSelection,
    PersonType,
    Recognition,
    Subscription,
    parse_frame,
)
from custom_components.se5.client.images import Base64Image, decode_image
from custom_components.se5.client.stream import OFF_LOOP_FRAME_CHARS
from tests.client.conftest import FAST_BACKOFF, Runner
from tests.client.wsbox import OP_BINARY, WsBox, event, frame

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8 + b"\xff\xd9"
JPEG_B64 = __import__("base64").b64encode(JPEG).decode()


def test_images_are_kept_as_sent_and_decoded_once_read() -> None:
    rec = parse_frame(
        json.dumps(
            {
                "device_id": "d",
                "reg_pic": "!!!!",
                "ext_data": {"recognize_face": JPEG_B64, "spot_pic": "data:image/jpeg;base64,"},
            }
        ),
        ImageSelection(face=True, scene=True, registered=True),
    )
    assert isinstance(rec.__dict__["_face_image"], Base64Image)
    assert JPEG_B64 not in repr(rec)
    assert JPEG_B64 not in repr(rec.__dict__["_face_image"])
    assert rec.face_image == JPEG
    assert rec.__dict__["_face_image"] == JPEG  # decoded once, kept
    assert rec.face_image is rec.face_image
    assert rec.scene_image is None
    assert rec.registered_image is None
    as_dict = dataclasses.asdict(rec)
    assert as_dict["face_image"] == JPEG
    assert dataclasses.replace(rec, score=0.5).face_image == JPEG


def test_recognition_built_with_bytes_or_nothing() -> None:
    base = {
        "device_id": "d",
        "identity_id": "1",
        "identity_name": "n",
        "person_type": PersonType.VIP,
        "score": None,
        "raw_score": None,
        "timestamp": datetime.now(UTC),
        "timestamp_ms": 0,
    }
    rec = Recognition(**base, face_image=JPEG)  # type: ignore[arg-type]
    assert rec.face_image == JPEG
    assert Recognition(**base).face_image is None  # type: ignore[arg-type]
    assert Recognition(**base, scene_image=Base64Image(JPEG_B64)).scene_image == JPEG  # type: ignore[arg-type]
    assert decode_image(JPEG_B64) == JPEG


@pytest.fixture
async def box() -> AsyncIterator[WsBox]:
    ws_box = WsBox()
    await ws_box.start()
    yield ws_box
    await ws_box.stop()


def big_event(event_id: str, image: bytes) -> str:
    return event(
        "cam-1",
        event_id=event_id,
        ext_data={"spot_pic": __import__("base64").b64encode(image).decode()},
    )


async def test_big_frames_arrive_in_order_with_images_decoded(
    session: aiohttp.ClientSession, box: WsBox
) -> None:
    image = os.urandom(OFF_LOOP_FRAME_CHARS)  # 1.33 MB as base64
    stream = EventStream(
        session,
        "127.0.0.1",
        box.port,
        dialect=Dialect.V5,
        subscription=Subscription(("cam-1",), ImageSelection(face=True, scene=True)),
        backoff=FAST_BACKOFF,
    )
    async with Runner(stream) as runner:
        await box.wait_for_subscription()
        await box.write(
            frame(event("cam-1", event_id="1"))
            + frame(big_event("2", image))
            + frame(event("cam-1", event_id="3"))
            + frame(b"\xff" * OFF_LOOP_FRAME_CHARS)  # a big text frame that is not UTF-8
            + frame(big_event("4", image).encode(), OP_BINARY)
            + frame(event("cam-1", event_id="5"))
        )
        received = [await runner.next() for _ in range(5)]
        tap = stream._tap
        assert tap is not None
        assert tap.bytes_received > 3 * OFF_LOOP_FRAME_CHARS
        assert tap.frames_diverted == 3
    assert [r.event_id for r in received] == ["1", "2", "3", "4", "5"]
    for rec in (received[1], received[3]):
        assert rec.__dict__["_scene_image"] == image  # decoded in the worker already
    assert stream.stats.bad_frames == {"not_json": 1}
    assert box.connections_total == 1

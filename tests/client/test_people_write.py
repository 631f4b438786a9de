"""Registering, changing and removing people, against the simulator (both dialects) and boxes
that answer oddly."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
import io
import json
import random
from typing import Any

import aiohttp
from aiohttp import web
from PIL import Image
import pytest

from custom_components.se5.client import (
    Dialect,
    NewPerson,
    PersonChange,
    PersonType,
    Se5Client,
    Se5DuplicateError,
    Se5LowQualityError,
    Se5NoFaceError,
    Se5NotABoxError,
    Se5NotRegisteredError,
    Se5RefusedError,
    people,
)
from custom_components.se5.client.people_write import (
    MAX_PHOTO_BYTES,
    check_photo_bytes,
    new_identity_id,
)
from se5sim import Simulator, images
from tests.helpers import Handler

FACE = images.face_jpeg(5, "client:face")
OTHER = images.face_jpeg(5, "client:other")
UNTIL = datetime(2030, 5, 1, 21, 30, tzinfo=UTC)


def small_jpeg(size: int = 64) -> bytes:
    rng = random.Random(size)
    picture = Image.frombytes("RGB", (size, size), rng.randbytes(size * size * 3))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


def client(sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect) -> Se5Client:
    return Se5Client(session, "127.0.0.1", sim.rest_port, dialect=dialect)


def person_of(sim: Simulator, identity_id: str) -> Any:
    return next((p for p in sim.people if p.identity_id == identity_id), None)


async def test_register_change_remove(
    sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect
) -> None:
    box = client(sim, session, dialect)
    assert await box.check_photo(FACE) is True
    identity_id = await box.register_person(
        NewPerson(
            name=" Guest ",
            person_type=PersonType.VISITOR,
            photo=FACE,
            valid_from=datetime(2030, 5, 1, 9, 0, tzinfo=UTC),
            valid_until=UNTIL,
        )
    )
    registered = person_of(sim, identity_id)
    assert registered is not None
    assert (registered.name, registered.person_type) == ("Guest", "visitor")
    assert registered.photo_jpeg == FACE
    end = "endTime" if dialect is Dialect.V5 else "end_time"
    start = "startTime" if dialect is Dialect.V5 else "start_time"
    assert registered.ext_info == {end: "2030-05-01 21:30:00", start: "2030-05-01 09:00:00"}
    assert registered.permission_ids == ()
    if dialect is Dialect.V5:
        assert identity_id.startswith("ha-")
    listed = {p.identity_id: p for p in await box.list_people()}
    assert listed[identity_id].person_type is PersonType.VISITOR

    # A change keeps what it does not change (the record goes back whole).
    await box.update_person(identity_id, PersonChange(person_type=PersonType.VIP))
    changed = person_of(sim, identity_id)
    assert (changed.name, changed.person_type, changed.ext_info) == (
        "Guest",
        "vip",
        registered.ext_info,
    )
    await box.update_person(identity_id, PersonChange(name="Guest Two", photo=OTHER))
    changed = person_of(sim, identity_id)
    assert (changed.name, changed.person_type, changed.photo_jpeg) == ("Guest Two", "vip", OTHER)
    await box.update_person(identity_id, PersonChange(valid_until=UNTIL))
    assert person_of(sim, identity_id).ext_info[end] == "2030-05-01 21:30:00"

    await box.remove_person(identity_id)
    assert person_of(sim, identity_id) is None
    with pytest.raises(Se5NotRegisteredError):
        await box.remove_person(identity_id)
    with pytest.raises(Se5NotRegisteredError):
        await box.update_person(identity_id, PersonChange(name="x"))


async def test_refusals(sim: Simulator, session: aiohttp.ClientSession, dialect: Dialect) -> None:
    box = client(sim, session, dialect)
    with pytest.raises(Se5NoFaceError):
        await box.check_photo(images.blank_jpeg())
    with pytest.raises(Se5LowQualityError) as low:
        await box.check_photo(small_jpeg())
    assert low.value.failed == ("face_size",)
    # V6 names the refusal; V5 documents no codes: its words are quoted as they are.
    refused = Se5NoFaceError if dialect is Dialect.V6 else Se5RefusedError
    with pytest.raises(refused, match="NO_FACE"):
        await box.register_person(
            NewPerson("A", PersonType.EMPLOYEE, images.blank_jpeg(), identity_id="n1")
        )
    refused = Se5LowQualityError if dialect is Dialect.V6 else Se5RefusedError
    with pytest.raises(refused, match="face_size"):
        await box.register_person(NewPerson("A", PersonType.EMPLOYEE, small_jpeg()))
    taken = sim.people[0].identity_id
    with pytest.raises(Se5DuplicateError) as duplicate:
        await box.register_person(NewPerson("A", PersonType.EMPLOYEE, FACE, identity_id=taken))
    assert duplicate.value.message  # the box's own words
    with pytest.raises(refused, match="face_size"):
        await box.update_person(taken, PersonChange(photo=small_jpeg()))
    # Nothing is sent for what the client can tell is wrong.
    for photo in (b"GIF89a", b"\xff\xd8\xff" + b"0" * MAX_PHOTO_BYTES):
        with pytest.raises(ValueError):
            await box.register_person(NewPerson("A", PersonType.EMPLOYEE, photo))
    for name in ("  ", "x" * 65):
        with pytest.raises(ValueError):
            await box.register_person(NewPerson(name, PersonType.EMPLOYEE, FACE))
    assert len(sim.people) == 8


async def test_a_registered_photo_without_photo_gets_one(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    async with Simulator(host="127.0.0.1", dialect="v6", devices=1, seed=3) as sim:
        person = sim.add_person("No photo", photo=False)
        box = Se5Client(session, "127.0.0.1", sim.rest_port, dialect=Dialect.V6)
        await box.update_person(person.identity_id, PersonChange(photo=FACE))
        assert person_of(sim, person.identity_id).photo_jpeg == FACE


def test_photo_checks_and_ids() -> None:
    check_photo_bytes(FACE)
    check_photo_bytes(small_jpeg())
    assert new_identity_id() != new_identity_id()
    assert len(new_identity_id()) == 15


def test_people_to_write_repr_leave_name_and_photo_out() -> None:
    """A name and a face are personal data: a repr (a log line, a traceback) never holds them."""
    new = NewPerson("王小明", PersonType.VISITOR, FACE, identity_id="ha-1")
    change = PersonChange(name="王小明", photo=FACE)
    for thing in (new, change):
        text = repr(thing)
        assert "王小明" not in text
        assert repr(FACE[:8])[2:-1] not in text
        assert len(text) < 300
    assert "ha-1" in repr(new)
    assert new.name == change.name == "王小明"
    assert new.photo == change.photo == FACE


def _json_box(answers: dict[str, Any]) -> Handler:
    """A box answering each path with a canned (status, JSON) and recording the calls."""

    async def handler(request: web.Request) -> web.Response:
        body = await request.read()
        answers.setdefault("calls", []).append((request.method, request.path, body))
        status, payload = answers.get(request.path, (404, {"error": {"code": 40400}}))
        return web.json_response(payload, status=status)

    return handler


@pytest.mark.parametrize(
    ("dialect", "answers", "expected"),
    [
        # no check on this box: registering goes on
        (Dialect.V6, {}, False),
        (Dialect.V6, {"/sophon/v2/face/fiqa": (200, {"detailed_result": {}})}, Se5NotABoxError),
        (
            Dialect.V6,
            {"/sophon/v2/face/fiqa": (200, {"fiqa_result": False})},
            Se5LowQualityError,
        ),
        (
            Dialect.V6,
            {"/sophon/v2/face/fiqa": (400, {"error": {"code": "IMAGE_DECODE_ERROR"}})},
            Se5RefusedError,
        ),
        (Dialect.V5, {"/SophonFace/api/FIQA": (200, {"data": "?"})}, Se5NotABoxError),
    ],
)
async def test_odd_photo_checks(
    fake_box: Callable[[Handler], Awaitable[int]],
    session: aiohttp.ClientSession,
    dialect: Dialect,
    answers: dict[str, Any],
    expected: bool | type[Exception],
) -> None:
    port = await fake_box(_json_box(answers))
    box = Se5Client(session, "127.0.0.1", port, dialect=dialect)
    if isinstance(expected, bool):
        assert await box.check_photo(FACE) is expected
    else:
        with pytest.raises(expected):
            await box.check_photo(FACE)


async def test_odd_answers_to_writes(
    fake_box: Callable[[Handler], Awaitable[int]], session: aiohttp.ClientSession
) -> None:
    answers: dict[str, Any] = {
        "/sophon/v2/face/createidentity": (200, {"face_id": "f"}),
        "/sophon/v2/face/deleteidentities": (
            200,
            {"success_identity_ids": [], "failed_identity_ids": ["1"]},
        ),
        "/sophon/v2/face/getidentity": (200, {"identity_id": "someone else"}),
        "/SophonFogSys/api/users": (
            400,
            {"error": {"code": 40000, "message": "identity 1 already exist", "status": "BAD"}},
        ),
    }
    port = await fake_box(_json_box(answers))
    v6 = Se5Client(session, "127.0.0.1", port, dialect=Dialect.V6)
    with pytest.raises(Se5NotABoxError):  # written, maybe: the register is read again anyway
        await v6.register_person(NewPerson("A", PersonType.EMPLOYEE, FACE))
    with pytest.raises(Se5NotRegisteredError, match="failed_identity_ids"):
        await v6.remove_person("1")
    with pytest.raises(Se5NotRegisteredError):
        await v6.update_person("1", PersonChange(name="B"))
    v5 = Se5Client(session, "127.0.0.1", port, dialect=Dialect.V5)
    with pytest.raises(Se5DuplicateError):
        await v5.register_person(NewPerson("A", PersonType.EMPLOYEE, FACE, identity_id="1"))
    with pytest.raises(Se5DuplicateError):
        await v5.remove_person("1")
    answers["/SophonFogSys/api/users"] = (
        500,
        {"error": {"code": 50000, "message": "database locked", "status": "INTERNAL"}},
    )
    with pytest.raises(Se5RefusedError, match="database locked"):
        await v5.register_person(NewPerson("A", PersonType.EMPLOYEE, FACE))
    answers["/SophonFogSys/api/users"] = (200, {"ok": True})
    with pytest.raises(Se5NotABoxError):
        await v5.register_person(NewPerson("A", PersonType.EMPLOYEE, FACE))
    with pytest.raises(Se5NotABoxError):
        await v5.remove_person("1")
    with pytest.raises(Se5NotRegisteredError):
        await v5.update_person("1", PersonChange(name="B"))
    # Only the writes went out as writes; the V5 create carried the photo as plain base64.
    creates = [json.loads(b) for m, p, b in answers["calls"] if m == "POST" and "users" in p]
    assert all(not body["reg_photo"].startswith("data:") for body in creates)
    assert creates[0]["info"]["permission_ids"] == []
    assert creates[0]["group_name"] == "default_group"


async def test_a_registration_answer_with_a_long_id_is_cut_as_the_register_cuts_it(
    fake_box: Callable[[Handler], Awaitable[int]], session: aiohttp.ClientSession
) -> None:
    """The id answered is bounded, and it is the id the register's read will give that person."""
    long_id = "7" * 5000
    answers: dict[str, Any] = {
        "/sophon/v2/face/createidentity": (200, {"identity_id": long_id}),
    }
    port = await fake_box(_json_box(answers))
    v6 = Se5Client(session, "127.0.0.1", port, dialect=Dialect.V6)
    answered = await v6.register_person(NewPerson("A", PersonType.VIP, FACE))
    assert len(answered) == 255
    assert answered == people._id(long_id)


async def test_v6_update_without_changes_of_the_record_writes_only_the_photo(
    fake_box: Callable[[Handler], Awaitable[int]], session: aiohttp.ClientSession
) -> None:
    answers: dict[str, Any] = {
        "/sophon/v2/face/getidentity": (
            200,
            {
                "identity_id": "1",
                "identity_name": "A",
                "user_type": "vip",
                "register_image_ids": ["img"],
                "permission_ids": "not a list",
                "ext_user_info": [],
            },
        ),
        "/sophon/v2/face/replaceface": (200, {}),
        "/sophon/v2/face/updateidentity": (200, {}),
    }
    port = await fake_box(_json_box(answers))
    v6 = Se5Client(session, "127.0.0.1", port, dialect=Dialect.V6)
    await v6.update_person("1", PersonChange(photo=FACE))
    assert [p for _, p, _ in answers["calls"]] == [
        "/sophon/v2/face/getidentity",
        "/sophon/v2/face/replaceface",
    ]
    await v6.update_person("1", PersonChange(name="B"))
    sent = json.loads(answers["calls"][-1][2])
    assert sent == {
        "identity_id": "1",
        "identity_name": "B",
        "user_type": "vip",
        "permission_ids": [],
        "ext_user_info": {},
    }

"""se5.register_person, se5.update_person, se5.remove_person through real Home Assistant
against the simulator: every photo source, every refusal, admins only."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import io
from pathlib import Path
import random
import threading
from typing import Any
from unittest.mock import patch

from homeassistant.auth.models import User
from homeassistant.components.image import DATA_COMPONENT as IMAGE_COMPONENT
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError, Unauthorized
from homeassistant.util import dt as dt_util
from PIL import Image
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.se5 import person_photo
from custom_components.se5.const import CONF_PEOPLE, DOMAIN, EVENT_SE5
from se5sim import Simulator, images
from tests.components.conftest import entity_id, entry_for, ha_person, setup_entry, uid
from tests.helpers import wait_for

FACE = images.face_jpeg(21, "actions:face")


def small_png(size: int = 64) -> bytes:
    rng = random.Random(size)
    picture = Image.frombytes("RGB", (size, size), rng.randbytes(size * size * 3))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


async def call(
    hass: HomeAssistant, service: str, data: dict[str, Any], *, user: User | None = None
) -> Any:
    return await hass.services.async_call(
        DOMAIN,
        service,
        data,
        blocking=True,
        return_response=service == "register_person",
        context=Context(user_id=user.id) if user else None,
    )


def registered(sim: Simulator, identity_id: str) -> Any:
    return next((p for p in sim.people if p.identity_id == identity_id), None)


async def stranger_recognition(hass: HomeAssistant, sim: Simulator) -> tuple[Any, str]:
    events = async_capture_events(hass, EVENT_SE5)
    seen = await sim.fire(sim.devices[0].id, person_type="stranger")
    await wait_for(lambda: events, what="se5_event")
    data = events[0].data
    assert data["face_url"].split("/")[-2] == data["recognition_id"]  # one id, said twice
    return seen, data["recognition_id"]


@pytest.mark.parametrize("dialect", ["v5", "v6"], indirect=True)
async def test_a_stranger_registered_as_a_visitor_is_recognised_by_name(
    socket_enabled: None,
    hass: HomeAssistant,
    hass_client: Any,
    entry: MockConfigEntry,
    sim: Simulator,
    hass_admin_user: User,
    dialect: str,
) -> None:
    seen, recognition_id = await stranger_recognition(hass, sim)
    until = dt_util.now() + timedelta(hours=3)
    response = await call(
        hass,
        "register_person",
        {
            "name": "Guest",
            "person_type": "visitor",
            "recognition_id": recognition_id,
            "valid_until": until.isoformat(),
        },
        user=hass_admin_user,
    )
    identity_id = response["identity_id"]
    person = registered(sim, identity_id)
    assert person is not None
    assert (person.name, person.person_type, person.photo_jpeg) == (
        "Guest",
        "visitor",
        seen.face_jpeg,
    )
    end = "endTime" if dialect == "v5" else "end_time"
    assert person.ext_info[end] == dt_util.as_local(until).strftime("%Y-%m-%d %H:%M:%S")
    data = entry.runtime_data
    assert identity_id in data.people.data.people  # the register was read again at once
    assert data.visitors.until(identity_id) == dt_util.as_utc(until).replace(
        microsecond=until.microsecond
    )
    # Followed, as the options say by default, with the photo it was registered with.
    assert identity_id in entry.options[CONF_PEOPLE]
    await hass.async_block_till_done()
    assert ha_person(hass, entry, identity_id) is not None
    photo = entity_id(hass, "image", uid(entry, "person", identity_id, "photo"))
    await wait_for(
        lambda: (s := hass.states.get(photo)) is not None and s.state != STATE_UNKNOWN,
        what="the photo",
    )
    client = await hass_client()
    assert await (await client.get(f"/api/image_proxy/{photo}")).read() == seen.face_jpeg

    # The next time the box sees that face, it is the visitor, by name.
    events = async_capture_events(hass, EVENT_SE5)
    again = await sim.fire(sim.devices[1].id)
    assert again.identity_id == identity_id
    await wait_for(lambda: events, what="the visitor's recognition")
    assert (events[0].data["identity_name"], events[0].data["person_type"]) == ("Guest", "visitor")
    sightings = entity_id(hass, "sensor", uid(entry, "person", identity_id, "sightings"))
    await wait_for(
        lambda: (s := hass.states.get(sightings)) is not None and s.state == "1",
        what="the visitor's sighting",
    )
    state = hass.states.get(sightings)
    assert state is not None
    assert state.attributes["last_seen_at"] == sim.devices[1].name


async def test_photo_from_an_entity_or_a_file(
    socket_enabled: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
    tmp_path: Path,
) -> None:
    # The "Last face" camera shows the last face; an employee is registered from it.
    seen = await sim.fire(sim.devices[0].id, person_type="stranger")
    camera = entity_id(hass, "camera", uid(entry, sim.devices[0].id, "last_face"))
    await wait_for(lambda: entry.runtime_data.push.last, what="the recognition")
    response = await call(
        hass,
        "register_person",
        {"name": "From camera", "person_type": "employee", "photo_entity": camera},
    )
    assert registered(sim, response["identity_id"]).photo_jpeg == seen.face_jpeg
    # A followed person's registered photo is an image entity.
    await hass.async_block_till_done()
    photo = entity_id(hass, "image", uid(entry, "person", response["identity_id"], "photo"))
    await wait_for(
        lambda: (s := hass.states.get(photo)) is not None and s.state != STATE_UNKNOWN,
        what="the photo",
    )
    again = await call(
        hass,
        "register_person",
        {"name": "From image", "person_type": "vip", "photo_entity": photo, "identity_id": "id-9"},
    )
    assert again == {"identity_id": "id-9"}
    assert registered(sim, "id-9").photo_jpeg == seen.face_jpeg
    # An image entity that never gives its picture is given up, as a camera is.
    image_entity = hass.data[IMAGE_COMPONENT].get_entity(photo)
    never = asyncio.Event()
    with (
        patch.object(person_photo, "IMAGE_TIMEOUT", 1),
        patch.object(image_entity, "async_image", side_effect=never.wait),
        pytest.raises(ServiceValidationError) as raised,
    ):
        await call(
            hass, "register_person", {"name": "x", "person_type": "vip", "photo_entity": photo}
        )
    assert raised.value.translation_key == "entity_without_picture"

    # A file Home Assistant may read.
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    file = tmp_path / "face.jpg"
    file.write_bytes(FACE)
    response = await call(
        hass,
        "register_person",
        {"name": "File", "person_type": "blacklist", "photo_path": str(file)},
    )
    assert registered(sim, response["identity_id"]).person_type == "blacklist"
    for path, key in (
        ("/etc/passwd", "path_not_allowed"),
        (str(tmp_path / "missing.jpg"), "file_unreadable"),
        (str(tmp_path), "file_unreadable"),
    ):
        with pytest.raises(ServiceValidationError) as raised:
            await call(
                hass, "register_person", {"name": "x", "person_type": "vip", "photo_path": path}
            )
        assert raised.value.translation_key == key
    text = tmp_path / "note.txt"
    text.write_text("not a photo")
    with pytest.raises(ServiceValidationError) as raised:
        await call(
            hass, "register_person", {"name": "x", "person_type": "vip", "photo_path": str(text)}
        )
    assert raised.value.translation_key == "not_a_photo"
    big = tmp_path / "big.jpg"
    big.write_bytes(b"\xff\xd8\xff" + bytes(9 * 1024 * 1024))
    with pytest.raises(ServiceValidationError) as raised:
        await call(
            hass, "register_person", {"name": "x", "person_type": "vip", "photo_path": str(big)}
        )
    assert raised.value.translation_key == "photo_too_large"
    # An entity without a picture (the live video has no still: nothing opens its stream).
    live = entity_id(hass, "camera", uid(entry, sim.devices[1].id, "live"))
    with pytest.raises(ServiceValidationError) as raised:
        await call(
            hass, "register_person", {"name": "x", "person_type": "vip", "photo_entity": live}
        )
    assert raised.value.translation_key == "entity_without_picture"
    with pytest.raises(ServiceValidationError) as raised:
        await call(
            hass,
            "register_person",
            {"name": "x", "person_type": "vip", "photo_entity": "image.none"},
        )
    assert raised.value.translation_key == "entity_without_picture"


async def test_a_photo_path_is_judged_off_the_event_loop(
    socket_enabled: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `is_allowed_path` resolves the path on disk: Home Assistant says never on the loop.
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    (tmp_path / "face.jpg").write_bytes(FACE)
    judged = hass.config.is_allowed_path
    threads: list[int] = []

    def is_allowed_path(path: str) -> bool:
        threads.append(threading.get_ident())
        return judged(path)

    monkeypatch.setattr(hass.config, "is_allowed_path", is_allowed_path)
    response = await call(
        hass,
        "register_person",
        {"name": "File", "person_type": "vip", "photo_path": str(tmp_path / "face.jpg")},
    )
    assert registered(sim, response["identity_id"]) is not None
    with pytest.raises(ServiceValidationError) as raised:
        await call(
            hass,
            "register_person",
            {"name": "x", "person_type": "vip", "photo_path": "/etc/passwd"},
        )
    assert raised.value.translation_key == "path_not_allowed"
    assert len(threads) == 2
    assert hass.loop_thread_id not in threads


@pytest.mark.parametrize("dialect", ["v5", "v6"], indirect=True)
async def test_the_box_refusals_are_translated_and_nothing_is_kept(
    socket_enabled: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
    tmp_path: Path,
    dialect: str,
) -> None:
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    blank, small, good = tmp_path / "blank.jpg", tmp_path / "small.png", tmp_path / "good.jpg"
    blank.write_bytes(images.blank_jpeg())
    small.write_bytes(small_png())
    good.write_bytes(FACE)
    before = len(sim.people)
    cases = [
        ({"photo_path": str(blank)}, "photo_no_face"),
        ({"photo_path": str(small)}, "photo_low_quality"),
        ({"photo_path": str(good), "identity_id": sim.people[0].identity_id}, "person_duplicate"),
    ]
    for extra, key in cases:
        with pytest.raises(HomeAssistantError) as raised:
            await call(hass, "register_person", {"name": "x", "person_type": "employee", **extra})
        assert raised.value.translation_key == key, key
        assert raised.value.translation_placeholders["box"] == entry.title
    # The box's own answer is quoted.
    with pytest.raises(HomeAssistantError) as raised:
        await call(
            hass,
            "register_person",
            {"name": "x", "person_type": "employee", "photo_path": str(small)},
        )
    assert raised.value.translation_placeholders["failed"] == "face_size"
    assert len(sim.people) == before
    assert entry.options[CONF_PEOPLE] == []


async def test_a_write_without_an_answer_is_said_and_never_sent_again(
    socket_enabled: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
    tmp_path: Path,
) -> None:
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    (tmp_path / "good.jpg").write_bytes(FACE)
    client = entry.runtime_data.client
    client._timeout = 5.0  # ample for the call to go out, on a busy machine
    sim.hold_write_answers()
    before = len(sim.people)
    with pytest.raises(HomeAssistantError) as raised:
        await call(
            hass,
            "register_person",
            {"name": "Lost", "person_type": "employee", "photo_path": str(tmp_path / "good.jpg")},
        )
    assert raised.value.translation_key == "write_unconfirmed"
    sim.release_write_answers()
    # Carried out once, and the register read again: the person is known though unconfirmed.
    assert len(sim.people) == before + 1
    lost = next(p for p in sim.people if p.name == "Lost")
    assert lost.identity_id in entry.runtime_data.people.data.people
    assert entry.options[CONF_PEOPLE] == []  # not followed: the action failed


async def test_admins_only(
    socket_enabled: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
    hass_read_only_user: User,
) -> None:
    _, recognition_id = await stranger_recognition(hass, sim)
    for service, data in (
        ("register_person", {"name": "x", "person_type": "vip", "recognition_id": recognition_id}),
        ("update_person", {"identity_id": sim.people[0].identity_id, "name": "y"}),
        ("remove_person", {"identity_id": sim.people[0].identity_id}),
    ):
        with pytest.raises(Unauthorized):
            await call(hass, service, data, user=hass_read_only_user)
    assert len(sim.people) == 8
    assert sim.people[0].name != "y"


async def test_update_and_remove(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    hass_admin_user: User,
) -> None:
    vip = next(p for p in sim.people if p.person_type == "vip")
    entry = entry_for(sim, people=[vip.identity_id])
    await setup_entry(hass, entry, sim)
    device = ha_person(hass, entry, vip.identity_id)
    assert device is not None
    seen, recognition_id = await stranger_recognition(hass, sim)
    await call(
        hass,
        "update_person",
        {"device_id": device.id, "name": "New name", "recognition_id": recognition_id},
        user=hass_admin_user,
    )
    person = registered(sim, vip.identity_id)
    assert (person.name, person.person_type, person.photo_jpeg) == (
        "New name",
        "vip",
        seen.face_jpeg,
    )
    await hass.async_block_till_done()
    assert ha_person(hass, entry, vip.identity_id).name == "New name"  # type: ignore[union-attr]
    # A visitor gets a time; one who is no visitor any more loses it.
    until = dt_util.now() + timedelta(days=1)
    await call(
        hass,
        "update_person",
        {
            "identity_id": vip.identity_id,
            "person_type": "visitor",
            "valid_until": until.isoformat(),
        },
    )
    assert entry.runtime_data.visitors.until(vip.identity_id) is not None
    await call(hass, "update_person", {"identity_id": vip.identity_id, "person_type": "employee"})
    assert entry.runtime_data.visitors.until(vip.identity_id) is None
    assert registered(sim, vip.identity_id).person_type == "employee"

    await call(hass, "remove_person", {"device_id": device.id})
    assert registered(sim, vip.identity_id) is None
    await hass.async_block_till_done()
    assert vip.identity_id not in entry.options[CONF_PEOPLE]
    assert ha_person(hass, entry, vip.identity_id) is None
    with pytest.raises(HomeAssistantError) as raised:
        await call(hass, "remove_person", {"identity_id": vip.identity_id})
    assert raised.value.translation_key == "person_not_registered"
    with pytest.raises(HomeAssistantError) as raised:
        await call(hass, "update_person", {"identity_id": vip.identity_id, "name": "x"})
    assert raised.value.translation_key == "person_not_registered"


async def test_what_the_actions_refuse_before_asking_the_box(
    socket_enabled: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
) -> None:
    _, recognition_id = await stranger_recognition(hass, sim)
    future = (dt_util.now() + timedelta(hours=1)).isoformat()
    past = (dt_util.now() - timedelta(minutes=1)).isoformat()
    person = {"identity_id": sim.people[0].identity_id}
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("register_person", {"name": "x", "person_type": "vip"}, "one_photo_source"),
        (
            "register_person",
            {
                "name": "x",
                "person_type": "vip",
                "recognition_id": recognition_id,
                "photo_path": "/x",
            },
            "one_photo_source",
        ),
        (
            "register_person",
            {
                "name": "x",
                "person_type": "vip",
                "recognition_id": recognition_id,
                "valid_until": future,
            },
            "valid_until_visitors_only",
        ),
        (
            "register_person",
            {
                "name": "x",
                "person_type": "visitor",
                "recognition_id": recognition_id,
                "valid_until": past,
            },
            "valid_until_past",
        ),
        (
            "register_person",
            {"name": "x", "person_type": "visitor", "recognition_id": "forgotten"},
            "recognition_not_found",
        ),
        (
            "register_person",
            {
                "name": "x",
                "person_type": "visitor",
                "recognition_id": recognition_id,
                "config_entry_id": "nope",
            },
            "entry_not_loaded",
        ),
        ("update_person", {"name": "x"}, "person_required"),
        ("update_person", {"device_id": "nope", "name": "x"}, "not_a_person_device"),
        (
            "update_person",
            {**person, "recognition_id": recognition_id, "photo_path": "/x"},
            "one_photo_source",
        ),
        ("update_person", {**person, "valid_until": future}, "valid_until_visitors_only"),
        ("remove_person", {}, "person_required"),
    ]
    for service, data, key in cases:
        with pytest.raises(ServiceValidationError) as raised:
            await call(hass, service, data)
        assert raised.value.translation_key == key, (service, data)
    assert len(sim.people) == 8


async def test_a_second_box_must_be_named(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    async with Simulator(host="127.0.0.1", dialect="v6", devices=1, seed=12) as other:
        second = entry_for(other)
        await setup_entry(hass, second, other)
        with pytest.raises(ServiceValidationError) as raised:
            await call(hass, "remove_person", {"identity_id": "x"})
        assert raised.value.translation_key == "box_required"
        await call(
            hass,
            "remove_person",
            {"identity_id": other.people[0].identity_id, "config_entry_id": second.entry_id},
        )
        assert len(other.people) == 7
        assert len(sim.people) == 8
        await hass.config_entries.async_unload(second.entry_id)


async def test_a_recognition_without_a_face_or_whose_face_the_box_cannot_give(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    entry = entry_for(sim, face_image=False, scene_image=False)
    await setup_entry(hass, entry, sim)
    events = async_capture_events(hass, EVENT_SE5)
    sent = await sim.fire(sim.devices[0].id, person_type="stranger")
    await wait_for(lambda: events, what="se5_event")
    store = entry.runtime_data.recent.store
    assert sent.event_id in store
    with pytest.raises(ServiceValidationError) as raised:
        await call(
            hass,
            "register_person",
            {"name": "x", "person_type": "vip", "recognition_id": sent.event_id},
        )
    assert raised.value.translation_key == "recognition_without_face"
    # A recovered one's face is fetched from the box's history: not while the box is away.
    record = store.get(sent.event_id)
    assert record is not None
    record.face_image_id = "in-the-history"
    await sim.go_down()
    with pytest.raises(HomeAssistantError) as raised:
        await call(
            hass,
            "register_person",
            {"name": "x", "person_type": "vip", "recognition_id": sent.event_id},
        )
    assert raised.value.translation_key == "recognition_face_unavailable"
    await sim.come_back()

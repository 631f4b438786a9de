"""The real logbook (with the recorder and the frontend): one row per recognition, nothing more.

Set up as a user has it: the entities enabled by default only (the per-recognition ones are
disabled; see custom_components/se5/logbook.py for why). HTTP is kept off port 8123.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
import socket
from typing import Any

from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import (
    MockHAClientWebSocket,
    WebSocketGenerator,
)

from custom_components.se5.const import DOMAIN
from custom_components.se5.labels import KIND_ICONS
from se5sim import Simulator
from tests.components.conftest import PER_RECOGNITION, entry_for, ha_device, setup_entry, uid
from tests.helpers import wait_for

KINDS: list[Any] = ["vip", "stranger", "employee", "blacklist", "visitor", "vip"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def mock_recorder_before_hass(async_test_recorder: Any) -> None:
    """Prepare the recorder's database before Home Assistant (and the autouse fixtures) start."""


async def _set_up_logbook(hass: HomeAssistant) -> None:
    http = {"server_host": ["127.0.0.1"], "server_port": _free_port()}
    assert await async_setup_component(hass, "http", {"http": http})
    assert await async_setup_component(hass, "logbook", {})


async def _receive(client: MockHAClientWebSocket) -> dict[str, Any]:
    message: dict[str, Any] = await asyncio.wait_for(client.receive_json(), 10)
    return message


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", {"vip": "recognized {} (VIP)", "stranger": "saw a stranger"}),
        ("zh-Hans", {"vip": "识别到 {}（VIP）", "stranger": "发现陌生人"}),  # noqa: RUF001
    ],
)
async def test_one_row_per_recognition(
    recorder_mock: Recorder,
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    hass_ws_client: WebSocketGenerator,
    language: str,
    words: dict[str, str],
) -> None:
    hass.config.language = language
    await _set_up_logbook(hass)
    entry = entry_for(sim)
    await setup_entry(hass, entry, sim, enable_counter=False)  # what a user gets
    registry = er.async_get(hass)
    for device in sim.devices:
        for platform, key in PER_RECOGNITION:
            found = registry.async_get_entity_id(platform, DOMAIN, uid(entry, device.id, key))
            assert found is not None
            assert registry.async_get(found).disabled_by is er.RegistryEntryDisabler.INTEGRATION  # type: ignore[union-attr]
    client = await hass_ws_client(hass)
    await async_wait_recording_done(hass)
    start = dt_util.utcnow()
    await client.send_json_auto_id(
        {"type": "logbook/event_stream", "start_time": start.isoformat()}
    )
    assert (await _receive(client))["success"]

    vip = next(p for p in sim.people if p.person_type == "vip")
    sent = []
    for number, kind in enumerate(KINDS):
        device = sim.devices[number % len(sim.devices)]
        if kind == "vip":
            sent.append(await sim.fire(device.id, identity_id=vip.identity_id))
        else:
            sent.append(await sim.fire(device.id, person_type=kind))
    push = entry.runtime_data.push
    await wait_for(lambda: push.recognitions == len(KINDS), what="recognitions")
    await hass.async_block_till_done()
    # A marker after the recognitions: once it is streamed, every row before it was too.
    await hass.services.async_call(
        "logbook", "log", {"name": "marker", "message": "end"}, blocking=True
    )
    streamed: list[dict[str, Any]] = []
    while not any(row.get("name") == "marker" for row in streamed):
        message = await _receive(client)
        streamed.extend(message["event"]["events"])
    live_rows = [row for row in streamed if row.get("name") != "marker"]

    await async_wait_recording_done(hass)
    await client.send_json_auto_id(
        {
            "type": "logbook/get_events",
            "start_time": start.isoformat(),
            "end_time": (dt_util.utcnow() + timedelta(seconds=1)).isoformat(),
        }
    )
    answer = await _receive(client)
    assert answer["success"]
    stored_rows = [row for row in answer["result"] if row.get("name") != "marker"]

    for rows in (live_rows, stored_rows):
        # Exactly one row per recognition: no sensor, event-entity or camera rows.
        assert len(rows) == len(KINDS), rows
        assert all(row["domain"] == DOMAIN for row in rows)
        for row, kind, recognition in zip(rows, KINDS, sent, strict=True):
            camera = ha_device(hass, entry, recognition.device_id)
            assert camera is not None
            assert row["name"] == camera.name
            assert row["icon"] == KIND_ICONS[kind]
            assert "entity_id" not in row  # the event entity is disabled: nothing to link
            if kind in words:
                assert row["message"] == words[kind].format(vip.name)
            else:
                assert row["message"]


async def _rows(
    hass: HomeAssistant, client: MockHAClientWebSocket, start: Any, fire: Any
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows streamed live while `fire()` runs, and the rows stored since `start`."""
    await client.send_json_auto_id(
        {"type": "logbook/event_stream", "start_time": start.isoformat()}
    )
    assert (await _receive(client))["success"]
    await fire()
    await hass.async_block_till_done()
    await hass.services.async_call(
        "logbook", "log", {"name": "marker", "message": "end"}, blocking=True
    )
    streamed: list[dict[str, Any]] = []
    while not any(row.get("name") == "marker" for row in streamed):
        streamed.extend((await _receive(client))["event"]["events"])
    await async_wait_recording_done(hass)
    await client.send_json_auto_id(
        {
            "type": "logbook/get_events",
            "start_time": start.isoformat(),
            "end_time": (dt_util.utcnow() + timedelta(seconds=1)).isoformat(),
        }
    )
    answer = await _receive(client)
    assert answer["success"]
    live = [row for row in streamed if row.get("name") != "marker"]
    stored = [row for row in answer["result"] if row.get("name") != "marker"]
    return live, stored


async def test_one_row_per_recognition_of_a_followed_person(
    recorder_mock: Recorder,
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """A followed person's page tells when and where they were seen; the logbook has one row
    per recognition all the same (before: three, with "Last seen" and "Last seen at")."""
    await _set_up_logbook(hass)
    vip = next(p for p in sim.people if p.person_type == "vip")
    entry = entry_for(sim, people=[vip.identity_id])
    await setup_entry(hass, entry, sim, enable_counter=False)  # what a user gets
    sightings = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, uid(entry, "person", vip.identity_id, "sightings")
    )
    assert sightings is not None
    client = await hass_ws_client(hass)
    await async_wait_recording_done(hass)
    start = dt_util.utcnow()
    places = [sim.devices[0], sim.devices[1], sim.devices[0]]

    async def fire() -> None:
        for place in places:
            await sim.fire(place.id, identity_id=vip.identity_id)
        push = entry.runtime_data.push
        await wait_for(lambda: push.recognitions == len(places), what="recognitions")

    live, stored = await _rows(hass, client, start, fire)
    for rows in (live, stored):
        assert len(rows) == len(places), rows
        assert all(row["domain"] == DOMAIN for row in rows)
    state = hass.states.get(sightings)
    assert state is not None
    assert state.state == str(len(places))
    assert state.attributes["last_seen_at"] == places[-1].name
    assert state.attributes["last_seen"] is not None


async def test_upgraded_entry_is_offered_to_disable_the_row_sensors(
    recorder_mock: Recorder,
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    hass_ws_client: WebSocketGenerator,
    hass_client: Any,
) -> None:
    """An entry from before keeps its enabled "Last seen" sensors (nothing removed behind the
    user's back): a repair says why they make three rows, and disables them when asked."""
    from homeassistant.components.repairs import DOMAIN as REPAIRS
    from homeassistant.helpers import issue_registry as ir

    from custom_components.se5.person_sensors import issue_id

    await _set_up_logbook(hass)
    assert await async_setup_component(hass, REPAIRS, {})
    vip = next(p for p in sim.people if p.person_type == "vip")
    entry = entry_for(sim, people=[vip.identity_id])
    entry.add_to_hass(hass)
    registry = er.async_get(hass)
    old = [
        registry.async_get_or_create(
            "sensor", DOMAIN, uid(entry, "person", vip.identity_id, key), config_entry=entry
        ).entity_id
        for key in ("last_seen", "last_seen_at")
    ]
    await setup_entry(hass, entry, sim, enable_counter=False)
    issues = ir.async_get(hass)
    assert issues.async_get_issue(DOMAIN, issue_id(entry.entry_id)) is not None
    for entity in old:
        assert hass.states.get(entity) is not None  # still there, still working

    client = await hass_ws_client(hass)
    await async_wait_recording_done(hass)

    async def fire() -> None:
        await sim.fire(sim.devices[0].id, identity_id=vip.identity_id)
        push = entry.runtime_data.push
        await wait_for(lambda: push.recognitions == 1, what="recognition")

    live, _stored = await _rows(hass, client, dt_util.utcnow(), fire)
    assert len(live) == 3  # the recognition, Last seen, Last seen at: what the repair tells

    http = await hass_client()
    response = await http.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id(entry.entry_id)}
    )
    flow = await response.json()
    assert flow["step_id"] == "confirm"
    assert flow["description_placeholders"] == {"box_name": "SE5 127\\.0\\.0\\.1", "count": "2"}
    response = await http.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
    assert (await response.json())["type"] == "create_entry"
    for entity in old:
        found = registry.async_get(entity)
        assert found is not None
        assert found.disabled_by is er.RegistryEntryDisabler.USER
    assert issues.async_get_issue(DOMAIN, issue_id(entry.entry_id)) is None
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()

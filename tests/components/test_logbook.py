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

"""Home Assistant against hostile boxes (tests/client/hostile.py): what reaches it stays bounded.

The same cases as tests/client/test_hostile.py, where they reach Home Assistant: big frames,
pathological JSON, endless history, endless people, a flood of new devices, redirects. The DHCP
impostor is in test_dhcp.py. Bounds are asserted on what is held or asked for, never on time.
"""

from __future__ import annotations

import json
import time
from typing import Any

from aiohttp import web
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.se5.client import StreamState
from custom_components.se5.const import (
    CONF_DEVICES,
    CONF_DIALECT,
    CONF_EVENT_PORT,
    CONF_FACE_IMAGE,
    CONF_FOLLOW_NEW,
    CONF_KNOWN_DEVICES,
    CONF_MAC,
    CONF_PEOPLE,
    CONF_REGISTERED_IMAGE,
    CONF_REST_PORT,
    CONF_SCENE_IMAGE,
    CONF_SYSTEM_PORT,
    DOMAIN,
    MAX_FOLLOWED_NEW,
    MAX_KNOWN_DEVICES,
)
from custom_components.se5.coordinator import push as push_module
from custom_components.se5.coordinator.devices import cap_issue_id
from custom_components.se5.migration import MINOR_VERSION, VERSION
from custom_components.se5.recovery import storage_key
from tests.client.hostile import HostileBox, huge_frame, rotating_devices, values_json
from tests.client.wsbox import frame
from tests.helpers import wait_for

MIB = 1024 * 1024
READ_CHUNK = 256 * 1024


def entry_for_box(box: HostileBox, **options: Any) -> MockConfigEntry:
    """An entry as the config flow makes it for the box: its devices followed, new ones too."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="SE5 hostile",
        unique_id=box.serial,
        version=VERSION,
        minor_version=MINOR_VERSION,
        data={
            CONF_HOST: box.host,
            CONF_REST_PORT: box.rest_port,
            CONF_EVENT_PORT: box.ws_port,
            CONF_SYSTEM_PORT: box.system_port,
            CONF_DIALECT: "v5",
            CONF_MAC: box.mac,
        },
        options={
            CONF_DEVICES: ["cam-1", "cam-2"],
            CONF_KNOWN_DEVICES: ["cam-1", "cam-2"],
            CONF_FOLLOW_NEW: True,
            CONF_FACE_IMAGE: True,
            CONF_SCENE_IMAGE: True,
            CONF_REGISTERED_IMAGE: False,
            CONF_PEOPLE: [],
            **options,
        },
    )


async def set_up(hass: HomeAssistant, entry: MockConfigEntry, box: HostileBox) -> None:
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await wait_for(
        lambda: entry.runtime_data.push.stream.state is StreamState.CONNECTED, what="connected"
    )
    await box.ws.wait_for_subscription()


async def test_a_flood_of_big_frames_is_held_within_the_budget(
    hass: HomeAssistant, hostile: HostileBox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Home Assistant is the consumer: big frames wait for it within twice the frame limit,
    and every one of them arrives."""
    monkeypatch.setattr(push_module, "MAX_FRAME_BYTES", 2 * MIB)
    entry = entry_for_box(hostile)
    await set_up(hass, entry, hostile)
    count = 12
    for number in range(count):
        await hostile.ws.write(frame(huge_frame("cam-1", int(1.2 * MIB), f"big-{number}")))
    push = entry.runtime_data.push
    await wait_for(lambda: push.recognitions == count, what="every frame", timeout=60)
    tap = push.stream.tap
    assert tap is not None
    assert tap.peak_held_bytes <= 2 * 2 * MIB + READ_CHUNK
    assert push.stream.stats.connections == 1
    # The images went to the store (within its cap), not to the device's latest recognition.
    last = push.last["cam-1"]
    assert last.held_image("scene_image") is None
    record = push.last_record("cam-1")
    assert record is not None
    assert record.scene is not None
    await hass.config_entries.async_unload(entry.entry_id)


async def test_frames_of_a_million_values_are_skipped(
    hass: HomeAssistant, hostile: HostileBox
) -> None:
    entry = entry_for_box(hostile)
    await set_up(hass, entry, hostile)
    await hostile.ws.send(values_json(200_000))
    await hostile.ws.send(values_json(700_000))
    await hostile.ws.send(json.dumps({"device_id": "cam-1", "event_id": "after"}))
    push = entry.runtime_data.push
    await wait_for(lambda: push.recognitions == 1, what="the frame after")
    assert push.last["cam-1"].event_id == "after"
    assert push.stream.stats.bad_frames["too_complex"] == 2
    assert entry.state is ConfigEntryState.LOADED
    await hass.config_entries.async_unload(entry.entry_id)


async def test_one_recovery_asks_a_bounded_number_of_history_pages(
    hass: HomeAssistant, hostile: HostileBox, hass_storage: dict[str, Any]
) -> None:
    """A box serving one event per page of a million: one recovery, 500 / 100 + 3 pages (it
    was 500 requests)."""
    now_ms = int(time.time() * 1000)

    def one_per_page(request: web.Request) -> Any:
        page = int(request.query["page"])
        event = {
            "_id": f"e{page}",
            "timestamp": (now_ms - 1000 * (page + 1)) / 1000,
            "common": {"identity_id": "1", "ep_info": {"device_id": "cam-1"}},
        }
        pagination = {"num_pages": 10**6, "page": page, "per_page": 1, "total_count": 10**6}
        return {"data": [event], "pagination": pagination}

    hostile.history = one_per_page
    entry = entry_for_box(hostile)
    hass_storage[storage_key(entry.entry_id)] = {
        "version": 1,
        "key": storage_key(entry.entry_id),
        "data": {"last_timestamp_ms": now_ms - 3_600_000},
    }
    await set_up(hass, entry, hostile)
    recovery = entry.runtime_data.recovery
    await wait_for(lambda: recovery.recovered > 0, what="the recovery")
    assert hostile.hits["/SophonFace/api/events"] == 500 // 100 + 3
    await hass.config_entries.async_unload(entry.entry_id)


async def test_people_that_never_end_and_huge_names_stay_bounded(
    hass: HomeAssistant, hostile: HostileBox
) -> None:
    def endless_groups(request: web.Request) -> Any:
        skip = int(request.query["skip_num"])
        names = [{"name": f"g{skip + n}"} for n in range(int(request.query["limit"]))]
        return {"data": {"groups_list": names}}

    def one_each(request: web.Request) -> Any:
        person = {
            "identity_id": f"{request.query['group_name']}-{request.query['skip_num']}" * 1000,
            "info": {"name": "n" * 10_000, "type": 5},
        }
        return {"data": {"identities_list": [person]}}

    hostile.groups = endless_groups
    hostile.users = one_each
    entry = entry_for_box(hostile)
    await set_up(hass, entry, hostile)
    register = entry.runtime_data.people.data
    assert hostile.hits["/SophonFogSys/api/groups"] <= 256 // 10 + 2  # pages of 10
    assert 0 < len(register.people) <= 20_001
    assert all(len(i) <= 255 and len(p.name) <= 64 for i, p in register.people.items())
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_flood_of_new_devices_follows_no_more_than_the_cap(
    hass: HomeAssistant, hostile: HostileBox
) -> None:
    """A box listing 300 new ids at every read: at most MAX_FOLLOWED_NEW followed, a repair
    says so, and the entry's options stop growing."""
    entry = entry_for_box(hostile)
    await set_up(hass, entry, hostile)
    hostile.devices = rotating_devices(300)
    devices = entry.runtime_data.devices
    issues = ir.async_get(hass)
    for _ in range(6):
        await devices.async_refresh()
        await hass.async_block_till_done()
        assert len(entry.options[CONF_DEVICES]) <= MAX_FOLLOWED_NEW
        assert len(entry.options[CONF_KNOWN_DEVICES]) <= MAX_KNOWN_DEVICES
    assert len(entry.options[CONF_DEVICES]) == MAX_FOLLOWED_NEW
    assert len(entry.options[CONF_KNOWN_DEVICES]) == MAX_KNOWN_DEVICES
    issue = issues.async_get_issue(DOMAIN, cap_issue_id(entry.entry_id))
    assert issue is not None
    assert issue.translation_key == "device_cap"
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["cap"] == str(MAX_FOLLOWED_NEW)
    registered = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert len(registered) <= MAX_FOLLOWED_NEW + 1  # and the box
    # The box settles: the ids it no longer lists need nobody's attention; the repair goes.
    hostile.devices = lambda _r: {"data": {"devices_list": []}}
    await devices.async_refresh()
    await hass.async_block_till_done()
    assert issues.async_get_issue(DOMAIN, cap_issue_id(entry.entry_id)) is None
    await hass.config_entries.async_unload(entry.entry_id)


async def test_redirects_lead_home_assistant_nowhere(
    hass: HomeAssistant, hostile: HostileBox
) -> None:
    """A box whose every answer is a redirect: the flow says it is no SE5 box, set-up waits,
    and the host the redirects name hears nothing."""
    elsewhere = HostileBox()
    await elsewhere.start()
    try:
        hostile.redirect_to = f"http://127.0.0.1:{elsewhere.rest_port}/"
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {
                CONF_HOST: hostile.host,
                CONF_REST_PORT: hostile.rest_port,
                CONF_EVENT_PORT: hostile.ws_port,
                CONF_SYSTEM_PORT: hostile.system_port,
            },
        )
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {"base": "not_se5"}
        entry = entry_for_box(hostile)
        entry.add_to_hass(hass)
        await hass.config_entries.async_setup(entry.entry_id)
        assert entry.state is ConfigEntryState.SETUP_RETRY
        assert not elsewhere.hits
    finally:
        await elsewhere.stop()

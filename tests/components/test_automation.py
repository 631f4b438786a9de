"""Device triggers and logbook entries built on `se5_event`."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from homeassistant.components import automation
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import translation
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_get_device_automations,
)

from custom_components.se5 import logbook as se5_logbook
from custom_components.se5.const import (
    DOMAIN,
    EVENT_SE5,
    EVENT_SE5_RECOVERED,
    EVENT_SE5_VISITOR_REMOVED,
)
from custom_components.se5.device_trigger import TRIGGER_TYPES
from custom_components.se5.labels import KIND_ICONS
from se5sim import Simulator
from tests.components.conftest import entity_id, ha_box, ha_device, uid
from tests.helpers import wait_for


async def test_triggers_listed_for_cameras_only(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    camera = ha_device(hass, entry, sim.devices[0].id)
    box = ha_box(hass, entry)
    assert camera is not None
    assert box is not None
    triggers = await async_get_device_automations(hass, DeviceAutomationType.TRIGGER, camera.id)
    ours = sorted(t["type"] for t in triggers if t["domain"] == DOMAIN)
    assert ours == sorted(TRIGGER_TYPES)
    assert all(t["device_id"] == camera.id for t in triggers if t["domain"] == DOMAIN)
    box_triggers = await async_get_device_automations(hass, DeviceAutomationType.TRIGGER, box.id)
    assert [t for t in box_triggers if t["domain"] == DOMAIN] == []


async def test_vip_trigger_fires_for_vips_at_that_camera(
    socket_enabled: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
    service_calls: list[ServiceCall],
) -> None:
    front, back = sim.devices[0], sim.devices[1]
    camera = ha_device(hass, entry, front.id)
    assert camera is not None

    def rule(trigger_type: str) -> dict[str, object]:
        return {
            "triggers": [
                {
                    "platform": "device",
                    "domain": DOMAIN,
                    "device_id": camera.id,
                    "type": trigger_type,
                }
            ],
            "actions": [
                {
                    "action": "test.automation",
                    "data": {
                        "trigger": trigger_type,
                        "name": "{{ trigger.event.data.identity_name }}",
                    },
                }
            ],
        }

    assert await async_setup_component(
        hass, automation.DOMAIN, {automation.DOMAIN: [rule("vip"), rule("recognized")]}
    )
    vip = next(p for p in sim.people if p.person_type == "vip")
    await sim.fire(back.id, identity_id=vip.identity_id)  # another camera
    await sim.fire(front.id, person_type="employee")
    await sim.fire(front.id, identity_id=vip.identity_id)
    await wait_for(lambda: entry.runtime_data.push.recognitions == 3, what="three recognitions")
    await hass.async_block_till_done()
    calls = [call.data for call in service_calls if call.domain == "test"]
    assert sorted(call["trigger"] for call in calls) == ["recognized", "recognized", "vip"]
    assert next(call for call in calls if call["trigger"] == "vip")["name"] == vip.name


def logbook_describers(hass: HomeAssistant) -> dict[str, Callable[[Any], dict[str, str]]]:
    """The logbook describers of the integration, by event type."""
    described: dict[str, Callable[[Any], dict[str, str]]] = {}

    def describe_event(domain: str, event_type: str, describer: Any) -> None:
        assert domain == DOMAIN
        described[event_type] = describer

    se5_logbook.async_describe_events(hass, describe_event)
    return described


@pytest.mark.parametrize(
    ("language", "person_type", "name", "expected"),
    [
        ("en", "vip", "小明", "recognized 小明 (VIP)"),
        ("en", "stranger", "stranger", "saw a stranger"),
        ("zh-Hans", "blacklist", "Carlos", "识别到 Carlos（黑名单）"),  # noqa: RUF001
        ("zh-Hans", "stranger", "", "发现陌生人"),
    ],
)
async def test_logbook_describes_recognitions(
    socket_enabled: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
    language: str,
    person_type: str,
    name: str,
    expected: str,
) -> None:
    hass.config.language = language
    for category in ("entity", "common"):
        await translation.async_get_translations(hass, language, category, {DOMAIN})
    describers = logbook_describers(hass)
    assert set(describers) == {
        EVENT_SE5,
        EVENT_SE5_RECOVERED,
        EVENT_SE5_VISITOR_REMOVED,
        EVENT_SE5_VISITOR_REMOVED,
    }
    camera = ha_device(hass, entry, sim.devices[0].id)
    assert camera is not None
    data = {"device_id": camera.id, "person_type": person_type, "identity_name": name}
    describer = describers[EVENT_SE5]
    entry_text = describer(SimpleNamespace(data=data))
    assert entry_text == {
        "name": sim.devices[0].name,
        "message": expected,
        "icon": KIND_ICONS[person_type],
        # The row links to the device's event entity (enabled by setup_entry in these tests).
        "entity_id": entity_id(hass, "event", uid(entry, sim.devices[0].id, "recognition")),
    }
    # Without a device, the name from the event is used.
    fallback = describer(
        SimpleNamespace(data={"device_name": "Gate 9", "person_type": "vip", "identity_name": "A"})
    )
    assert fallback["name"] == "Gate 9"

"""Visitors expire when Home Assistant says: at their time, across a restart, after HA was down,
while the box is away, and when someone else removed them first; each told in the logbook."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import translation
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.se5 import visitors as visitors_module
from custom_components.se5.const import CONF_PEOPLE, DOMAIN, EVENT_SE5_VISITOR_REMOVED
from custom_components.se5.visitors import storage_key
from se5sim import Simulator, images
from tests.components.conftest import entry_for, ha_box, ha_person, setup_entry
from tests.components.test_automation import logbook_describers
from tests.helpers import wait_for

FACE = images.face_jpeg(31, "visitors:face")


async def register_visitor(hass: HomeAssistant, sim: Simulator, until: datetime) -> str:
    """A stranger at the gate, registered as a visitor until `until`."""
    stranger = sim.strangers[0]
    seen = await sim.fire(sim.devices[0].id, identity_id=stranger.identity_id)
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    store = entry.runtime_data.recent.store
    await wait_for(lambda: seen.event_id in store, what="the recognition stored")
    response = await hass.services.async_call(
        DOMAIN,
        "register_person",
        {
            "name": "Guest",
            "person_type": "visitor",
            "recognition_id": seen.event_id,
            "valid_until": until.isoformat(),
        },
        blocking=True,
        return_response=True,
    )
    return str(response["identity_id"])


def on_box(sim: Simulator, identity_id: str) -> bool:
    return any(p.identity_id == identity_id for p in sim.people)


@pytest.mark.parametrize("dialect", ["v5", "v6"], indirect=True)
async def test_a_visitor_is_removed_at_their_time(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator, dialect: str
) -> None:
    removed = async_capture_events(hass, EVENT_SE5_VISITOR_REMOVED)
    until = dt_util.utcnow() + timedelta(seconds=2)
    identity_id = await register_visitor(hass, sim, until)
    await hass.async_block_till_done()
    assert on_box(sim, identity_id)
    assert ha_person(hass, entry, identity_id) is not None
    async_fire_time_changed(hass, until + timedelta(seconds=1))
    await wait_for(lambda: removed, what="the removal")
    await hass.async_block_till_done()
    assert not on_box(sim, identity_id)
    assert identity_id not in entry.options[CONF_PEOPLE]
    assert ha_person(hass, entry, identity_id) is None
    assert identity_id not in entry.runtime_data.people.data.people
    box = ha_box(hass, entry)
    assert box is not None
    assert removed[0].data == {
        "box": entry.title,
        "identity_id": identity_id,
        "identity_name": "Guest",
        "valid_until": until.isoformat(),
        "already_gone": False,
        "device_id": box.id,
    }
    assert entry.runtime_data.visitors.schedule == {}


async def test_the_schedule_survives_a_restart_and_a_visitor_due_while_down_goes_at_start(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    hass_storage: dict[str, Any],
) -> None:
    entry = entry_for(sim)
    await setup_entry(hass, entry, sim)
    later = dt_util.utcnow() + timedelta(hours=2)
    soon = dt_util.utcnow() + timedelta(seconds=30)
    kept = await register_visitor(hass, sim, later)
    due = await register_visitor(hass, sim, soon)
    assert set(hass_storage[storage_key(entry.entry_id)]["data"]["visitors"]) == {kept, due}
    # Home Assistant stops before `soon`, and starts again after it.
    assert await hass.config_entries.async_unload(entry.entry_id)
    stored = hass_storage[storage_key(entry.entry_id)]["data"]["visitors"]
    stored[due]["until"] = (dt_util.utcnow() - timedelta(minutes=5)).isoformat()
    removed = async_capture_events(hass, EVENT_SE5_VISITOR_REMOVED)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await wait_for(lambda: removed, what="the removal at start")
    assert not on_box(sim, due)
    assert on_box(sim, kept)
    assert removed[0].data["identity_id"] == due
    visitors = entry.runtime_data.visitors
    assert set(visitors.schedule) == {kept}
    assert visitors.until(kept) == later
    assert set(hass_storage[storage_key(entry.entry_id)]["data"]["visitors"]) == {kept}
    # The entry removed: its schedule goes with it (the visitor stays on the box).
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert storage_key(entry.entry_id) not in hass_storage
    assert on_box(sim, kept)


async def test_a_box_away_at_the_time_is_asked_again_and_not_twice(
    socket_enabled: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(visitors_module, "RETRY_AFTER", timedelta(seconds=30))
    removed = async_capture_events(hass, EVENT_SE5_VISITOR_REMOVED)
    until = dt_util.utcnow() + timedelta(seconds=2)
    identity_id = await register_visitor(hass, sim, until)
    await sim.go_down()
    async_fire_time_changed(hass, until + timedelta(seconds=1))
    await wait_for(lambda: "could not be removed" in caplog.text, what="the warning")
    assert not removed
    assert entry.runtime_data.visitors.until(identity_id) == until
    await sim.come_back()
    # The box carried it out meanwhile (someone removed them there): not removed twice.
    sim.remove_person(identity_id)
    async_fire_time_changed(hass, until + timedelta(seconds=40))
    await wait_for(lambda: removed, what="the removal after the retry")
    assert removed[0].data["already_gone"] is True
    assert entry.runtime_data.visitors.schedule == {}
    warnings = [r for r in caplog.records if "could not be removed" in r.getMessage()]
    assert [r.levelname for r in warnings] == ["WARNING"]


async def test_a_visitor_removed_meanwhile_is_only_told(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    removed = async_capture_events(hass, EVENT_SE5_VISITOR_REMOVED)
    until = dt_util.utcnow() + timedelta(seconds=2)
    identity_id = await register_visitor(hass, sim, until)
    sim.remove_person(identity_id)
    async_fire_time_changed(hass, until + timedelta(seconds=1))
    await wait_for(lambda: removed, what="the removal")
    assert removed[0].data["already_gone"] is True


@pytest.mark.parametrize(
    ("language", "gone", "expected"),
    [
        (
            "en",
            False,
            "removed the visitor Guest from the box: their time ended at 2030-01-02 03:04",
        ),
        (
            "en",
            True,
            (
                "the time of the visitor Guest ended at 2030-01-02 03:04; "
                "they were no longer on the box"
            ),
        ),
        ("zh-Hans", False, "已从盒子中删除访客 Guest：其有效期于 2030-01-02 03:04 结束"),  # noqa: RUF001
    ],
)
async def test_the_logbook_tells_it(
    socket_enabled: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
    language: str,
    gone: bool,
    expected: str,
) -> None:
    hass.config.language = language
    await hass.config.async_set_time_zone("UTC")
    for category in ("entity", "common"):
        await translation.async_get_translations(hass, language, category, {DOMAIN})
    box = ha_box(hass, entry)
    assert box is not None
    describe = logbook_describers(hass)[EVENT_SE5_VISITOR_REMOVED]
    data = {
        "box": "Box",
        "identity_id": "1",
        "identity_name": "Guest",
        "valid_until": "2030-01-02T03:04:00+00:00",
        "already_gone": gone,
        "device_id": box.id,
    }
    described = describe(SimpleNamespace(data=data))
    assert described == {"name": box.name, "message": expected, "icon": "mdi:account-clock"}
    assert describe(SimpleNamespace(data={"box": "Box"}))["name"] == "Box"


async def test_an_unload_during_a_removal_leaves_no_timer_behind(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    """The entry unloads while the box has not answered a removal: nothing of the unloaded
    entry goes on (no timer that would send the removal again, on the entry's old client)."""
    removed = async_capture_events(hass, EVENT_SE5_VISITOR_REMOVED)
    until = dt_util.utcnow() + timedelta(seconds=2)
    identity_id = await register_visitor(hass, sim, until)
    visitors = entry.runtime_data.visitors
    sim.hold_write_answers()
    async_fire_time_changed(hass, until + timedelta(seconds=1))
    await wait_for(lambda: sim.held_requests == 1, what="the removal held by the box")
    assert not on_box(sim, identity_id)  # carried out; its answer never comes
    assert await hass.config_entries.async_unload(entry.entry_id)
    sim.release_write_answers()
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=10))
    await hass.async_block_till_done()
    assert visitors._timer is None
    assert not removed  # nothing sent again, nothing told, by the unloaded entry
    assert identity_id in visitors.schedule  # kept in storage: settled at the next start


@pytest.mark.parametrize("later", [True, False])
async def test_a_visitor_changed_during_anothers_removal_is_judged_again(
    socket_enabled: None, hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator, later: bool
) -> None:
    """Two visitors due at once; while the box has not answered the first removal, the second
    is given more time (or taken off the schedule, as `se5.update_person` and
    `se5.remove_person` do after their own write): the second is not removed."""
    removed = async_capture_events(hass, EVENT_SE5_VISITOR_REMOVED)
    until = dt_util.utcnow() + timedelta(seconds=2)
    first = await register_visitor(hass, sim, until)
    second = await register_visitor(hass, sim, until)
    visitors = entry.runtime_data.visitors
    sim.hold_write_answers()
    async_fire_time_changed(hass, until + timedelta(seconds=1))
    await wait_for(lambda: sim.held_requests == 1, what="the first removal held by the box")
    removing = first if not on_box(sim, first) else second
    other = second if removing == first else first
    tomorrow = dt_util.utcnow() + timedelta(days=1)
    await visitors.async_set(other, tomorrow if later else None)
    sim.release_write_answers()
    await wait_for(lambda: removed, what="the first removal told")
    await wait_for(lambda: not visitors._removing, what="the removals over")
    await hass.async_block_till_done()
    assert [event.data["identity_id"] for event in removed] == [removing]
    assert on_box(sim, other)
    assert visitors.until(other) == (tomorrow if later else None)

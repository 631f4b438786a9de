"""The pass mode select: who the box's gates let through, V5 `PASSMODE` and V6 `GATE_PASS_MODE`.

Read by name on the system poll and after each write, written only when the user picks an
option; a refused write is a translated error quoting the box, and the state is read again.
"""

from __future__ import annotations

from homeassistant.const import ATTR_ENTITY_ID, ATTR_OPTION, EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.se5.const import DOMAIN
from se5sim import Simulator
from tests.components.conftest import entry_for, ha_box, setup_entry
from tests.helpers import wait_for

pytestmark = pytest.mark.parametrize("dialect", ["v5", "v6"], indirect=True)


def select_of(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    found = er.async_get(hass).async_get_entity_id("select", DOMAIN, f"{entry.unique_id}_pass_mode")
    assert found is not None
    return found


def shown(hass: HomeAssistant, entity: str) -> str:
    state = hass.states.get(entity)
    assert state is not None
    return state.state


async def pick(hass: HomeAssistant, entity: str, option: str) -> None:
    await hass.services.async_call(
        "select", "select_option", {ATTR_ENTITY_ID: entity, ATTR_OPTION: option}, blocking=True
    )


async def test_the_select_reads_and_writes_the_pass_mode(
    socket_enabled: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
    dialect: str,
) -> None:
    key = "PASSMODE" if dialect == "v5" else "GATE_PASS_MODE"
    select = select_of(hass, entry)
    registered = er.async_get(hass).async_get(select)
    assert registered is not None
    assert registered.entity_category is EntityCategory.CONFIG
    box = ha_box(hass, entry)
    assert box is not None
    assert registered.device_id == box.id  # box-wide, on the box's device
    state = hass.states.get(select)
    assert state is not None
    assert state.state == "normal"
    assert state.attributes["options"] == ["normal", "allpass", "allforbidden"]

    await pick(hass, select, "allpass")
    assert sim.pass_mode == "allpass"
    assert sim.config_writes == [{key: "allpass"}]
    assert shown(hass, select) == "allpass"

    # Changed on the box itself: the next poll shows it; polls never write.
    sim.pass_mode = "allforbidden"
    await entry.runtime_data.settings.async_refresh()
    await hass.async_block_till_done()
    assert shown(hass, select) == "allforbidden"
    assert sim.config_writes == [{key: "allpass"}]
    assert sim.config_list_reads == 0  # always by name


@pytest.mark.parametrize(
    ("mode", "quoted"),
    [("refuse", "PASSMODE|GATE_PASS_MODE|allpass"), ("error", "the configuration was not saved")],
)
async def test_a_refused_write_is_told_and_the_state_read_again(
    socket_enabled: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
    dialect: str,
    mode: str,
    quoted: str,
) -> None:
    select = select_of(hass, entry)
    sim.fail_config_writes(mode)  # type: ignore[arg-type]
    with pytest.raises(HomeAssistantError) as failed:
        await pick(hass, select, "allpass")
    assert failed.value.translation_key == "pass_mode_failed"
    error = (failed.value.translation_placeholders or {})["error"]
    assert any(word in error for word in quoted.split("|")), error
    assert len(sim.config_writes) == 1  # sent once
    assert sim.pass_mode == "normal"
    # The box changed meanwhile: what is shown after the failure is what the box says now.
    sim.fail_config_writes(None)
    sim.pass_mode = "allforbidden"
    sim.fail_config_writes(mode)  # type: ignore[arg-type]
    with pytest.raises(HomeAssistantError):
        await pick(hass, select, "allpass")
    assert shown(hass, select) == "allforbidden"


async def test_the_select_follows_the_box_reachability(
    socket_enabled: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
    dialect: str,
) -> None:
    select = select_of(hass, entry)
    sim.fail_rest("http500")
    await entry.runtime_data.settings.async_refresh()
    await hass.async_block_till_done()
    assert shown(hass, select) == "unavailable"
    sim.clear_rest_failure()
    await entry.runtime_data.settings.async_refresh()
    await hass.async_block_till_done()
    assert shown(hass, select) == "normal"


async def test_a_write_without_an_answer_is_told_and_read_back(
    socket_enabled: None,
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: Simulator,
    dialect: str,
) -> None:
    select = select_of(hass, entry)
    sim.fail_config_writes("timeout")  # the box never answers; only the client's wait is short
    entry.runtime_data.client._timeout = 5.0  # ample for the call to go out, on a busy machine
    with pytest.raises(HomeAssistantError) as unconfirmed:
        await pick(hass, select, "allforbidden")
    assert unconfirmed.value.translation_key == "pass_mode_unconfirmed"
    assert len(sim.config_writes) == 1  # never sent again
    entry.runtime_data.client._timeout = 10.0
    sim.fail_config_writes(None)  # the box gets to it after all
    await sim_settled(hass, entry, sim)
    assert shown(hass, select) == "allforbidden"


async def sim_settled(hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator) -> None:
    await wait_for(lambda: sim.pass_mode == "allforbidden", what="the held write")
    await entry.runtime_data.settings.async_refresh()
    await hass.async_block_till_done()


async def test_a_box_without_the_setting_has_no_select(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, dialect: str
) -> None:
    """An older V5 firmware without PASSMODE (not found): no select, nothing written."""
    if dialect == "v6":
        pytest.skip("V6 documents GATE_PASS_MODE; an unknown name is INVALID_ARGUMENTS there")
    del sim._state.configs.values["PASSMODE"]
    entry = entry_for(sim)
    await setup_entry(hass, entry, sim)
    assert entry.runtime_data.settings.last_update_success
    assert not entry.runtime_data.settings.has_pass_mode
    assert (
        er.async_get(hass).async_get_entity_id("select", DOMAIN, f"{entry.unique_id}_pass_mode")
        is None
    )
    assert sim.config_writes == []
    await hass.config_entries.async_unload(entry.entry_id)

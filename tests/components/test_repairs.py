"""Repair flows whose entry went away meanwhile: they end quietly, nothing to change."""

from __future__ import annotations

from homeassistant.components.repairs import ConfirmRepairFlow
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from custom_components.se5.const import CONF_DEVICES
from custom_components.se5.repairs import (
    PersonSensorsRepairFlow,
    StopFollowingRepairFlow,
    async_create_fix_flow,
)


async def test_a_fix_flow_for_an_entry_that_is_gone(hass: HomeAssistant) -> None:
    flow = await async_create_fix_flow(hass, "person_sensors_gone", {"entry_id": "gone"})
    assert isinstance(flow, ConfirmRepairFlow)
    for orphan in (
        PersonSensorsRepairFlow("gone", {}),
        StopFollowingRepairFlow("gone", CONF_DEVICES, "cam", {}),
    ):
        orphan.hass = hass
        result = await orphan.async_step_confirm({})
        assert result["type"] is FlowResultType.CREATE_ENTRY

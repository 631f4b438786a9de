"""Repair flows: unfollow a device the box no longer lists; disable old person sensors."""

from __future__ import annotations

from typing import Any

from homeassistant.components.repairs import ConfirmRepairFlow, RepairsFlow
from homeassistant.core import HomeAssistant

from . import person_sensors
from .compat import RepairsFlowResult
from .const import CONF_DEVICES
from .markdown import markdown_text


class MissingDeviceRepairFlow(RepairsFlow):
    """Confirm, then drop the device from the followed ones (its entities go with it)."""

    def __init__(self, entry_id: str, device_id: str, placeholders: dict[str, str]) -> None:
        self.entry_id = entry_id
        self.device_id = device_id
        self.placeholders = placeholders

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        """The only step."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Ask, then stop following the device."""
        if user_input is not None:
            entry = self.hass.config_entries.async_get_entry(self.entry_id)
            if entry is not None:
                picked = [d for d in entry.options.get(CONF_DEVICES, []) if d != self.device_id]
                self.hass.config_entries.async_update_entry(
                    entry, options={**entry.options, CONF_DEVICES: picked}
                )
            return self.async_create_entry(data={})
        return self.async_show_form(step_id="confirm", description_placeholders=self.placeholders)


class PersonSensorsRepairFlow(RepairsFlow):
    """Confirm, then disable the "Last seen" and "Last seen at" sensors of followed people."""

    def __init__(self, entry_id: str, placeholders: dict[str, str]) -> None:
        self.entry_id = entry_id
        self.placeholders = placeholders

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        """The only step."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Ask, then disable them."""
        if user_input is not None:
            entry = self.hass.config_entries.async_get_entry(self.entry_id)
            if entry is not None:
                person_sensors.async_disable(self.hass, entry)
            return self.async_create_entry(data={})
        return self.async_show_form(step_id="confirm", description_placeholders=self.placeholders)


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """The fix flow of a repair issue."""
    if data is not None and issue_id.startswith("device_missing_"):
        return MissingDeviceRepairFlow(
            str(data["entry_id"]),
            str(data["device_id"]),
            {
                "device": str(data.get("device")),
                "box": str(data.get("box")),
                "device_name": markdown_text(data.get("device")),
                "box_name": markdown_text(data.get("box")),
            },
        )
    entry = hass.config_entries.async_get_entry(str(data.get("entry_id"))) if data else None
    if entry is not None and issue_id.startswith("person_sensors_"):
        count = len(person_sensors.enabled_row_sensors(hass, entry))
        return PersonSensorsRepairFlow(
            entry.entry_id, {"box_name": markdown_text(entry.title), "count": str(count)}
        )
    return ConfirmRepairFlow()

"""Repair flows: unfollow what the box no longer lists (a device, a person); old sensors off."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.repairs import ConfirmRepairFlow, RepairsFlow
from homeassistant.core import HomeAssistant, callback

from . import person_sensors
from .compat import RepairsFlowResult
from .const import CONF_DEVICES, CONF_PEOPLE
from .markdown import markdown_text

if TYPE_CHECKING:
    from .data import Se5ConfigEntry


class _ConfirmRepairFlow(RepairsFlow):
    """Confirm, then act on the entry (nothing to do once the entry is gone)."""

    def __init__(self, entry_id: str, placeholders: dict[str, str]) -> None:
        self.entry_id = entry_id
        self.placeholders = placeholders

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        """The only step."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Ask, then act."""
        if user_input is not None:
            entry = self.hass.config_entries.async_get_entry(self.entry_id)
            if entry is not None:
                self._async_fix(entry)
            return self.async_create_entry(data={})
        return self.async_show_form(step_id="confirm", description_placeholders=self.placeholders)

    def _async_fix(self, entry: Se5ConfigEntry) -> None:
        raise NotImplementedError


class StopFollowingRepairFlow(_ConfirmRepairFlow):
    """Confirm, then drop the device or person from the followed ones (entities go with it)."""

    def __init__(
        self, entry_id: str, option: str, item_id: str, placeholders: dict[str, str]
    ) -> None:
        super().__init__(entry_id, placeholders)
        self.option = option
        """The option listing what is followed: `devices` or `people`."""
        self.item_id = item_id

    @callback
    def _async_fix(self, entry: Se5ConfigEntry) -> None:
        picked = [i for i in entry.options.get(self.option, []) if i != self.item_id]
        self.hass.config_entries.async_update_entry(
            entry, options={**entry.options, self.option: picked}
        )


class PersonSensorsRepairFlow(_ConfirmRepairFlow):
    """Confirm, then disable the "Last seen" and "Last seen at" sensors of followed people."""

    @callback
    def _async_fix(self, entry: Se5ConfigEntry) -> None:
        person_sensors.async_disable(self.hass, entry)


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """The fix flow of a repair issue."""
    if data is not None and issue_id.startswith("device_missing_"):
        return StopFollowingRepairFlow(
            str(data["entry_id"]),
            CONF_DEVICES,
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
    if data is not None and issue_id.startswith("person_missing_"):
        return StopFollowingRepairFlow(
            str(data["entry_id"]),
            CONF_PEOPLE,
            str(data["identity_id"]),
            {
                "person": str(data.get("person")),
                "box": str(data.get("box")),
                "person_name": markdown_text(data.get("person")),
                "box_name": markdown_text(data.get("box")),
            },
        )
    return ConfirmRepairFlow()

"""The integration's actions: `se5.open_door` (deprecated: the doors are locks now).

It keeps working as it did, with the correct door command once per distinct device, so that
no automation breaks; each use raises one repair issue that points to `lock.open`.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    issue_registry as ir,
)

from .client import MAX_DURATION, MIN_DURATION, Device
from .compat import device_entry_ids, vol
from .const import ATTR_DURATION, DOMAIN, SERVICE_OPEN_DOOR
from .door import async_open_door

if TYPE_CHECKING:
    from .data import Se5Data

OPEN_DOOR_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_DEVICE_ID): vol.All(cv.ensure_list, [cv.string]),
        vol.Optional(ATTR_DURATION): vol.All(
            vol.Coerce(int), vol.Range(min=MIN_DURATION, max=MAX_DURATION)
        ),
    }
)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions."""

    async def open_door(call: ServiceCall) -> None:
        _async_flag_deprecated_action(hass)
        # One command per distinct door, however often it was named.
        distinct: dict[tuple[str, str], tuple[Se5Data, Device]] = {}
        for device_id in dict.fromkeys(call.data[ATTR_DEVICE_ID]):
            data, device = _resolve(hass, device_id)
            distinct.setdefault((data.registry.entry.entry_id, device.id), (data, device))
        targets = list(distinct.values())
        duration: int | None = call.data.get(ATTR_DURATION)
        results = await asyncio.gather(
            *(async_open_door(data, device, duration) for data, device in targets),
            return_exceptions=True,
        )
        errors = [result for result in results if isinstance(result, BaseException)]
        if len(errors) == 1 or (errors and len(targets) == 1):
            raise errors[0]
        if errors:
            failed = [
                device.name
                for (_, device), result in zip(targets, results, strict=True)
                if isinstance(result, BaseException)
            ]
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="doors_failed",
                translation_placeholders={"devices": ", ".join(failed)},
            ) from errors[0]

    hass.services.async_register(DOMAIN, SERVICE_OPEN_DOOR, open_door, schema=OPEN_DOOR_SCHEMA)


DEPRECATED_ACTION_ISSUE = "deprecated_open_door_action"


@callback
def _async_flag_deprecated_action(hass: HomeAssistant) -> None:
    """One repair issue (not one per call) saying the action is deprecated for `lock.open`."""
    if ir.async_get(hass).async_get_issue(DOMAIN, DEPRECATED_ACTION_ISSUE) is not None:
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        DEPRECATED_ACTION_ISSUE,
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=DEPRECATED_ACTION_ISSUE,
    )


def _resolve(hass: HomeAssistant, ha_device_id: str) -> tuple[Se5Data, Device]:
    """The loaded box and the followed device behind a Home Assistant device id."""
    device_entry = dr.async_get(hass).async_get(ha_device_id)
    if device_entry is not None:
        for entry_id in device_entry_ids(device_entry):
            entry = hass.config_entries.async_get_entry(entry_id)
            if entry is None or entry.domain != DOMAIN:
                continue
            if entry.state is not ConfigEntryState.LOADED:
                raise ServiceValidationError(
                    translation_domain=DOMAIN,
                    translation_key="box_not_loaded",
                    translation_placeholders={"device": device_entry.name or ha_device_id},
                )
            data: Se5Data = entry.runtime_data
            device_id = data.registry.box_device_id(ha_device_id)
            if device_id is not None and (device := data.devices.data.get(device_id)):
                return data, device
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="not_a_door_device",
        translation_placeholders={"device": ha_device_id},
    )

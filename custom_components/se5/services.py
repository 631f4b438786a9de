"""The integration's actions: `se5.open_door`."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr

from .client import Device
from .compat import vol
from .const import ATTR_DURATION, DOMAIN, SERVICE_OPEN_DOOR
from .door import async_open_door

if TYPE_CHECKING:
    from .data import Se5Data

OPEN_DOOR_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_DEVICE_ID): vol.All(cv.ensure_list, [cv.string]),
        vol.Optional(ATTR_DURATION): vol.All(vol.Coerce(int), vol.Range(min=1, max=300)),
    }
)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions."""

    async def open_door(call: ServiceCall) -> None:
        targets = [_resolve(hass, device_id) for device_id in call.data[ATTR_DEVICE_ID]]
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


def _resolve(hass: HomeAssistant, ha_device_id: str) -> tuple[Se5Data, Device]:
    """The loaded box and the followed device behind a Home Assistant device id."""
    device_entry = dr.async_get(hass).async_get(ha_device_id)
    if device_entry is not None:
        for entry_id in device_entry.config_entries:
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

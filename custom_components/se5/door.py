"""Opening a door through the box: the relay of a gate, driven by the box's EventAction call."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .client import Device, Se5Error
from .const import DOMAIN

if TYPE_CHECKING:
    from .data import Se5Data

_LOGGER = logging.getLogger(__name__)


def has_door(data: Se5Data, device: Device) -> bool:
    """True when the box can open this device's door on demand."""
    return data.door_api and device.relay is not None


async def async_open_door(data: Se5Data, device: Device, duration: int | None = None) -> None:
    """Ask the box to pulse the device's relay; a translated error names the device.

    `duration` is in seconds; by default the relay's own delay time.
    """
    if device.relay is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_relay",
            translation_placeholders={"device": device.name},
        )
    if not data.door_api:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_door_api",
            translation_placeholders={"device": device.name},
        )
    try:
        await data.client.open_door(device.relay, duration=duration)
    except Se5Error as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="door_failed",
            translation_placeholders={"device": device.name, "error": str(err)},
        ) from err
    _LOGGER.debug("Opened the door of %s", device.id)

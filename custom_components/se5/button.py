"""A button "Open door" for each followed device whose relay the box can drive."""

from __future__ import annotations

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import Se5ConfigEntry
from .door import async_open_door, has_door
from .entity import Se5DeviceEntity, async_setup_device_entities

PARALLEL_UPDATES = 1

OPEN_DOOR = ButtonEntityDescription(key="open_door", translation_key="open_door")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: Se5ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the door buttons of the followed devices that have a relay."""
    await async_setup_device_entities(
        entry,
        async_add_entities,
        lambda data, device: (
            [Se5OpenDoorButton(data, device, OPEN_DOOR)] if has_door(data, device) else []
        ),
    )


class Se5OpenDoorButton(Se5DeviceEntity, ButtonEntity):
    """Pulses the device's relay through the box for the relay's own delay time."""

    @property
    def available(self) -> bool:
        """Available while the box lists the device (the REST API opens doors, not the stream)."""
        return not self.data.devices.is_missing(self.device_id)

    async def async_press(self) -> None:
        """Open the door."""
        device = self.data.devices.data[self.device_id]
        await async_open_door(self.data, device)

"""Connectivity of the box's event stream."""

from __future__ import annotations

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import Se5ConfigEntry
from .entity import Se5BoxEntity

PARALLEL_UPDATES = 0

EVENT_STREAM = BinarySensorEntityDescription(
    key="event_stream",
    translation_key="event_stream",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: Se5ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the box's connectivity sensor."""
    async_add_entities([Se5StreamConnectivity(entry.runtime_data, EVENT_STREAM)])


class Se5StreamConnectivity(Se5BoxEntity, BinarySensorEntity):
    """On while the event stream is connected; woken only by the stream's state changes."""

    async def async_added_to_hass(self) -> None:
        """Follow the stream's state."""
        await super().async_added_to_hass()
        self.async_on_remove(self.data.push.async_add_state_listener(self._async_write_if_changed))

    @property
    def is_on(self) -> bool:
        """Whether the stream is up."""
        return self.data.push.connected

    def _state_key(self) -> bool:
        return self.is_on

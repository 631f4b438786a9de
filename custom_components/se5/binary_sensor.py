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

from .entity import Se5BoxEntity
from .hub import Se5ConfigEntry

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
    """On while the event stream is connected."""

    @property
    def is_on(self) -> bool:
        """Whether the stream is up."""
        return self.hub.connected

"""One event entity per device: a recognition, typed by the kind of person."""

from __future__ import annotations

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import Device, Recognition
from .const import ATTR_GROUP, ATTR_IDENTITY_ID, ATTR_IDENTITY_NAME, ATTR_SCORE, PERSON_TYPES
from .entity import Se5DeviceEntity, async_setup_device_entities
from .hub import Se5ConfigEntry, Se5Hub

PARALLEL_UPDATES = 0

RECOGNITION = EventEntityDescription(
    key="recognition",
    translation_key="recognition",
    event_types=PERSON_TYPES,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: Se5ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up an event entity for each followed device, now and later."""
    async_setup_device_entities(
        entry, async_add_entities, lambda hub, device: [Se5RecognitionEvent(hub, device)]
    )


class Se5RecognitionEvent(Se5DeviceEntity, EventEntity):
    """Fires for each recognition on the device."""

    def __init__(self, hub: Se5Hub, device: Device) -> None:
        super().__init__(hub, device, RECOGNITION)
        self._seen: Recognition | None = self.last

    @callback
    def _async_hub_updated(self) -> None:
        last = self.last
        if last is not None and last is not self._seen:
            self._seen = last
            self._trigger_event(
                last.person_type.value,
                {
                    ATTR_IDENTITY_NAME: last.identity_name,
                    ATTR_IDENTITY_ID: last.identity_id,
                    ATTR_SCORE: None if last.score is None else round(last.score, 4),
                    ATTR_GROUP: last.group,
                },
            )
        self.async_write_ha_state()

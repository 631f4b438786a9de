"""One event entity per device: a live recognition, typed by the kind of person."""

from __future__ import annotations

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import Device, Recognition
from .const import ATTR_GROUP, ATTR_IDENTITY_ID, ATTR_IDENTITY_NAME, ATTR_SCORE, PERSON_TYPES
from .data import Se5ConfigEntry, Se5Data
from .entity import Se5DeviceEntity, async_setup_device_entities

PARALLEL_UPDATES = 0

RECOGNITION = EventEntityDescription(
    key="recognition",
    translation_key="recognition",
    event_types=PERSON_TYPES,
    # Each event would be a second logbook row next to se5_event's (see logbook.py).
    entity_registry_enabled_default=False,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: Se5ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up an event entity for each followed device, now and later."""
    await async_setup_device_entities(
        entry, async_add_entities, lambda data, device: [Se5RecognitionEvent(data, device)]
    )


class Se5RecognitionEvent(Se5DeviceEntity, EventEntity):
    """Fires for each live recognition on the device (never for recovered ones).

    Who and how sure are attributes for automations and the UI, but not for the recorder: the
    same facts are in the `se5_event` it records, and a new attributes row per recognition
    would double the database's cost of each.
    """

    _unrecorded_attributes = frozenset(
        {ATTR_IDENTITY_NAME, ATTR_IDENTITY_ID, ATTR_SCORE, ATTR_GROUP}
    )

    def __init__(self, data: Se5Data, device: Device) -> None:
        super().__init__(data, device, RECOGNITION)

    @callback
    def _async_recognition(self, recognition: Recognition, live: bool) -> None:
        if not live:
            return
        self._trigger_event(
            recognition.person_type.value,
            {
                ATTR_IDENTITY_NAME: recognition.identity_name,
                ATTR_IDENTITY_ID: recognition.identity_id,
                ATTR_SCORE: None if recognition.score is None else round(recognition.score, 4),
                ATTR_GROUP: recognition.group,
            },
        )
        self._written = self._state_key()
        self.async_write_ha_state()

"""Sensors: each device's last recognition, and the box's recognition counter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .client import Device, PersonType, Recognition
from .const import PERSON_TYPES
from .entity import Se5BoxEntity, Se5DeviceEntity, async_setup_device_entities
from .hub import Se5ConfigEntry, Se5Hub

PARALLEL_UPDATES = 0

MAX_STATE_LENGTH = 255
STRANGER_STATE = PersonType.STRANGER.value
"""State of `last_person` for a stranger; translated in the frontend."""


@dataclass(frozen=True, kw_only=True)
class Se5SensorEntityDescription(SensorEntityDescription):
    """A sensor computed from a device's last recognition."""

    value_fn: Callable[[Recognition], StateType | datetime]


def _person(recognition: Recognition) -> str | None:
    if recognition.is_stranger:
        return STRANGER_STATE
    name = recognition.identity_name.strip() or recognition.identity_id
    return name[:MAX_STATE_LENGTH] or None


DEVICE_SENSORS: tuple[Se5SensorEntityDescription, ...] = (
    Se5SensorEntityDescription(
        key="last_person",
        translation_key="last_person",
        value_fn=_person,
    ),
    Se5SensorEntityDescription(
        key="last_person_type",
        translation_key="last_person_type",
        device_class=SensorDeviceClass.ENUM,
        options=PERSON_TYPES,
        value_fn=lambda recognition: recognition.person_type.value,
    ),
    Se5SensorEntityDescription(
        key="last_score",
        translation_key="last_score",
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=1,
        value_fn=lambda recognition: (
            None if recognition.score is None else round(recognition.score * 100, 2)
        ),
    ),
    Se5SensorEntityDescription(
        key="last_recognition",
        translation_key="last_recognition",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda recognition: recognition.timestamp,
    ),
)

RECOGNITIONS = SensorEntityDescription(
    key="recognitions",
    translation_key="recognitions",
    state_class=SensorStateClass.TOTAL_INCREASING,
    entity_category=EntityCategory.DIAGNOSTIC,
    # A state row per recognition is a cost most users do not need to pay.
    entity_registry_enabled_default=False,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: Se5ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the box counter, and the sensors of each followed device, now and later."""
    async_add_entities([Se5RecognitionCounter(entry.runtime_data, RECOGNITIONS)])
    async_setup_device_entities(
        entry,
        async_add_entities,
        lambda hub, device: (Se5LastRecognitionSensor(hub, device, d) for d in DEVICE_SENSORS),
    )


class Se5LastRecognitionSensor(Se5DeviceEntity, RestoreSensor):
    """A value of the device's last recognition, kept across restarts."""

    entity_description: Se5SensorEntityDescription

    def __init__(self, hub: Se5Hub, device: Device, description: Se5SensorEntityDescription):
        super().__init__(hub, device, description)
        self._restored: StateType | date | datetime | Decimal = None

    async def async_added_to_hass(self) -> None:
        """Restore the last value seen before Home Assistant stopped."""
        await super().async_added_to_hass()
        if self.last is None and (data := await self.async_get_last_sensor_data()) is not None:
            self._restored = data.native_value

    @property
    def native_value(self) -> StateType | date | datetime | Decimal:
        """The value from the last recognition."""
        if (last := self.last) is None:
            return self._restored
        return self.entity_description.value_fn(last)


class Se5RecognitionCounter(Se5BoxEntity, SensorEntity):
    """Recognitions received from the box since Home Assistant started."""

    @property
    def native_value(self) -> int:
        """The count."""
        return self.hub.recognitions

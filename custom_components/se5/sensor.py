"""Sensors: each device's last recognition, each person's last sighting, the box's counts."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from .client import Device, Person, PersonType, Recognition
from .const import PERSON_TYPES
from .coordinator import Se5PeopleCoordinator
from .data import Se5ConfigEntry, Se5Data
from .entity import (
    Se5BoxCoordinatorEntity,
    Se5BoxEntity,
    Se5DeviceEntity,
    Se5PersonEntity,
    async_setup_device_entities,
    async_setup_person_entities,
)
from .labels import device_name
from .sensor_health import HEALTH_SENSORS, Se5HealthSensor

PARALLEL_UPDATES = 0

MAX_STATE_LENGTH = 255
STRANGER_STATE = PersonType.STRANGER.value
"""State of `last_person` for a stranger; translated in the frontend."""

type Value = StateType | date | datetime | Decimal


@dataclass(frozen=True, kw_only=True)
class Se5SensorEntityDescription(SensorEntityDescription):
    """A sensor computed from a recognition (a device's latest, or a person's)."""

    value_fn: Callable[[Se5Data, Recognition], Value]


def _person(_data: Se5Data, recognition: Recognition) -> str | None:
    if recognition.is_stranger:
        return STRANGER_STATE
    name = recognition.identity_name.strip() or recognition.identity_id
    return name[:MAX_STATE_LENGTH] or None


def _device_name(data: Se5Data, recognition: Recognition) -> str | None:
    """Where a person was seen, as the user named the device (as the logbook and card say)."""
    device = data.devices.data.get(recognition.device_id)
    fallback = device.name if device else recognition.device_id
    ha_device_id = data.registry.ha_device_id(recognition.device_id)
    return device_name(data.push.hass, ha_device_id, fallback)[:MAX_STATE_LENGTH]


DEVICE_SENSORS: tuple[Se5SensorEntityDescription, ...] = (
    Se5SensorEntityDescription(
        key="last_person",
        translation_key="last_person",
        entity_registry_enabled_default=False,  # a logbook row per change (see logbook.py)
        value_fn=_person,
    ),
    Se5SensorEntityDescription(
        key="last_person_type",
        translation_key="last_person_type",
        entity_registry_enabled_default=False,  # a logbook row per change (see logbook.py)
        device_class=SensorDeviceClass.ENUM,
        options=PERSON_TYPES,
        value_fn=lambda _data, recognition: recognition.person_type.value,
    ),
    Se5SensorEntityDescription(
        key="last_score",
        translation_key="last_score",
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=1,
        value_fn=lambda _data, recognition: (
            None if recognition.score is None else round(recognition.score * 100, 2)
        ),
    ),
    Se5SensorEntityDescription(
        key="last_recognition",
        translation_key="last_recognition",
        entity_registry_enabled_default=False,  # a logbook row per change (see logbook.py)
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda _data, recognition: recognition.timestamp,
    ),
)

PERSON_SENSORS: tuple[Se5SensorEntityDescription, ...] = (
    Se5SensorEntityDescription(
        key="last_seen",
        translation_key="last_seen",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_registry_enabled_default=False,  # a logbook row per sighting: see SIGHTINGS
        value_fn=lambda _data, recognition: recognition.timestamp,
    ),
    Se5SensorEntityDescription(
        key="last_seen_at",
        translation_key="last_seen_at",
        entity_registry_enabled_default=False,  # a logbook row per move: see SIGHTINGS
        value_fn=_device_name,
    ),
)
SIGHTINGS = SensorEntityDescription(
    key="sightings",
    translation_key="sightings",
    # A count with a state class: the logbook lists no row for it (on both Home Assistant
    # lines), so a followed person's recognition stays one row (the recognition's own), while
    # the person's page tells when and where they were last seen (the attributes).
    state_class=SensorStateClass.TOTAL_INCREASING,
)
ATTR_LAST_SEEN = "last_seen"
ATTR_LAST_SEEN_AT = "last_seen_at"

RECOGNITIONS = SensorEntityDescription(
    key="recognitions",
    translation_key="recognitions",
    state_class=SensorStateClass.TOTAL_INCREASING,
    entity_category=EntityCategory.DIAGNOSTIC,
    # A state row per recognition is a cost most users do not need to pay.
    entity_registry_enabled_default=False,
)

REGISTERED_PEOPLE = SensorEntityDescription(
    key="registered_people",
    translation_key="registered_people",
    state_class=SensorStateClass.MEASUREMENT,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: Se5ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the box's sensors, and those of each followed device and person, now and later."""
    data = entry.runtime_data
    async_add_entities(
        [
            Se5RecognitionCounter(data, RECOGNITIONS),
            Se5RegisteredPeople(data, REGISTERED_PEOPLE),
            *(Se5HealthSensor(data, description) for description in HEALTH_SENSORS),
        ]
    )
    await async_setup_device_entities(
        entry,
        async_add_entities,
        lambda data, device: (Se5LastRecognitionSensor(data, device, d) for d in DEVICE_SENSORS),
    )
    await async_setup_person_entities(
        entry,
        async_add_entities,
        lambda data, person: (
            Se5SightingsSensor(data, person, SIGHTINGS),
            *(Se5LastSightingSensor(data, person, d) for d in PERSON_SENSORS),
        ),
    )


class Se5LastRecognitionSensor(Se5DeviceEntity, RestoreSensor):
    """A value of the device's latest recognition, kept across restarts."""

    entity_description: Se5SensorEntityDescription

    def __init__(self, data: Se5Data, device: Device, description: Se5SensorEntityDescription):
        super().__init__(data, device, description)
        self._restored: Value = None

    async def async_added_to_hass(self) -> None:
        """Restore the last value seen before Home Assistant stopped."""
        await super().async_added_to_hass()
        if self.last is None and (stored := await self.async_get_last_sensor_data()) is not None:
            self._restored = stored.native_value
        self._written = self._state_key()

    @property
    def native_value(self) -> Value:
        """The value from the latest recognition."""
        if (last := self.last) is None:
            return self._restored
        return self.entity_description.value_fn(self.data, last)

    def _state_key(self) -> Hashable:
        return (self.available, self.native_value)


class Se5LastSightingSensor(Se5PersonEntity, RestoreSensor):
    """When and where a followed person was last recognized, kept across restarts."""

    entity_description: Se5SensorEntityDescription

    def __init__(self, data: Se5Data, person: Person, description: Se5SensorEntityDescription):
        super().__init__(data, person, description)
        self._restored: Value = None

    async def async_added_to_hass(self) -> None:
        """Restore the last value seen before Home Assistant stopped."""
        await super().async_added_to_hass()
        if self.sighting is None and (stored := await self.async_get_last_sensor_data()):
            self._restored = stored.native_value
        self._written = self._state_key()

    @property
    def native_value(self) -> Value:
        """The value from the person's latest recognition."""
        if (sighting := self.sighting) is None:
            return self._restored
        return self.entity_description.value_fn(self.data, sighting)

    def _state_key(self) -> Hashable:
        return (self.available, self.native_value)


class Se5SightingsSensor(Se5PersonEntity, RestoreSensor):
    """How often a followed person was recognized; when and where last, as attributes.

    Kept across restarts. Its state class keeps it out of the logbook: the recognition's own
    row is the one row of a sighting.
    """

    def __init__(self, data: Se5Data, person: Person, description: SensorEntityDescription):
        super().__init__(data, person, description)
        self._count = 0
        self._last_seen: datetime | None = None
        self._last_seen_at: str | None = None

    async def async_added_to_hass(self) -> None:
        """Restore the count and the last sighting seen before Home Assistant stopped."""
        await super().async_added_to_hass()
        stored = await self.async_get_last_sensor_data()
        if stored is not None and isinstance(stored.native_value, int | float | Decimal):
            self._count = max(int(stored.native_value), 0)
        state = await self.async_get_last_state()
        if state is not None and self.sighting is None:
            when = state.attributes.get(ATTR_LAST_SEEN)
            self._last_seen = dt_util.parse_datetime(when) if isinstance(when, str) else None
            where = state.attributes.get(ATTR_LAST_SEEN_AT)
            self._last_seen_at = where if isinstance(where, str) else None
        self._written = self._state_key()

    @callback
    def _async_recognition(self, recognition: Recognition, live: bool) -> None:
        self._count += 1
        self._last_seen = recognition.timestamp
        self._last_seen_at = _device_name(self.data, recognition)
        self._async_write_if_changed()

    @property
    def native_value(self) -> int:
        """How many sightings."""
        return self._count

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """When and where the person was last recognized."""
        return {ATTR_LAST_SEEN: self._last_seen, ATTR_LAST_SEEN_AT: self._last_seen_at}

    def _state_key(self) -> Hashable:
        return (self.available, self._count, self._last_seen, self._last_seen_at)


class Se5RecognitionCounter(Se5BoxEntity, SensorEntity):
    """Recognitions received from the box since Home Assistant started."""

    async def async_added_to_hass(self) -> None:
        """Count with every recognition."""
        await super().async_added_to_hass()
        self.async_on_remove(self.data.push.async_add_recognition_listener(self._counted))

    @callback
    def _counted(self, _recognition: Recognition, live: bool) -> None:
        if live:
            self.async_write_ha_state()

    @property
    def native_value(self) -> int:
        """The count."""
        return self.data.push.recognitions


class Se5RegisteredPeople(Se5BoxCoordinatorEntity[Se5PeopleCoordinator], SensorEntity):
    """How many people the box's register holds; by kind in the attributes (no names).

    Unavailable where the firmware has no register API (there is no count to show, not 0).
    """

    def __init__(self, data: Se5Data, description: SensorEntityDescription) -> None:
        super().__init__(data.people, data, description)

    @property
    def available(self) -> bool:
        """Available while the register is read and the firmware has one."""
        return super().available and self.coordinator.data.supported

    @property
    def native_value(self) -> int:
        """The number of people."""
        return self.coordinator.data.listed

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """How many of each kind, and whether the register was too large to read whole."""
        register = self.coordinator.data
        counts = register.counts
        return {
            "employee": counts["employee"],
            "visitor": counts["visitor"],
            "blacklist": counts["blacklist"],
            "vip": counts["vip"],
            "truncated": register.truncated,
        }

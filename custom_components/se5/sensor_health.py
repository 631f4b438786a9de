"""The box's health sensors: temperatures, load, memory, disks, fan and boot time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    REVOLUTIONS_PER_MINUTE,
    EntityCategory,
    UnitOfTemperature,
)
from homeassistant.util import dt as dt_util

from .client import Health
from .coordinator import Se5HealthCoordinator
from .data import Se5Data
from .entity import Se5BoxCoordinatorEntity


@dataclass(frozen=True, kw_only=True)
class Se5HealthSensorEntityDescription(SensorEntityDescription):
    """A health value of the box."""

    value_fn: Callable[[Health], float | int | datetime | None]
    available_fn: Callable[[Health], bool] = lambda _health: True


def _boot_time(health: Health) -> datetime | None:
    if health.uptime is None:
        return None
    return (dt_util.utcnow() - health.uptime).replace(second=0, microsecond=0)


HEALTH_SENSORS: tuple[Se5HealthSensorEntityDescription, ...] = (
    Se5HealthSensorEntityDescription(
        key="core_temperature",
        translation_key="core_temperature",
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda health: health.core_temperature,
    ),
    Se5HealthSensorEntityDescription(
        key="board_temperature",
        translation_key="board_temperature",
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda health: health.board_temperature,
    ),
    Se5HealthSensorEntityDescription(
        key="cpu_usage",
        translation_key="cpu_usage",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda health: health.cpu_usage,
    ),
    Se5HealthSensorEntityDescription(
        key="tpu_usage",
        translation_key="tpu_usage",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda health: health.tpu_usage,
    ),
    Se5HealthSensorEntityDescription(
        key="memory_usage",
        translation_key="memory_usage",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda health: health.memory_usage,
    ),
    Se5HealthSensorEntityDescription(
        key="disk_usage",
        translation_key="disk_usage",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda health: health.disk_usage,
    ),
    Se5HealthSensorEntityDescription(
        key="external_disk_usage",
        translation_key="external_disk_usage",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda health: health.external_disk_usage,
        available_fn=lambda health: health.external_disk is True,
    ),
    Se5HealthSensorEntityDescription(
        key="fan_speed",
        translation_key="fan_speed",
        native_unit_of_measurement=REVOLUTIONS_PER_MINUTE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda health: health.fan_speed,
    ),
    Se5HealthSensorEntityDescription(
        key="boot_time",
        translation_key="boot_time",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_boot_time,
    ),
)


class Se5HealthSensor(Se5BoxCoordinatorEntity[Se5HealthCoordinator], SensorEntity):
    """One health value of the box; unavailable while the system API does not answer."""

    entity_description: Se5HealthSensorEntityDescription

    def __init__(self, data: Se5Data, description: Se5HealthSensorEntityDescription) -> None:
        super().__init__(data.health, data, description)
        self._boot_time: datetime | None = None

    @property
    def available(self) -> bool:
        """Available while the system API answers (and the value applies)."""
        return super().available and self.entity_description.available_fn(self.coordinator.data)

    @property
    def native_value(self) -> float | int | datetime | None:
        """The value from the latest poll."""
        health = self.coordinator.data
        value = self.entity_description.value_fn(health)
        if isinstance(value, datetime):
            return self._stable_boot_time(value, health.uptime)
        return value

    def _stable_boot_time(self, value: datetime, uptime: timedelta | None) -> datetime:
        """The boot time, kept steady: the box tells its uptime in minutes, hours or days.

        A new value replaces the old one only when it moved by more than the uptime's own
        resolution (a reboot always does).
        """
        previous = self._boot_time
        tolerance = max(timedelta(minutes=5), (uptime or timedelta()) * 0.05)
        if previous is None or abs(value - previous) > tolerance:
            self._boot_time = value
        return self._boot_time or value

"""The box's health (temperatures, load, memory, disks, fan, uptime), polled on port 8888."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
import logging
from typing import TYPE_CHECKING, override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    CONF_HOST,
    PERCENTAGE,
    REVOLUTIONS_PER_MINUTE,
    EntityCategory,
    UnitOfTemperature,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.update_coordinator import (
    CoordinatorEntity,
    DataUpdateCoordinator,
    UpdateFailed,
)
from homeassistant.util import dt as dt_util

from .client import Health, Se5Client, Se5Error
from .const import DOMAIN, HEALTH_INTERVAL
from .registry import box_identifier

if TYPE_CHECKING:
    from .data import Se5ConfigEntry, Se5Data

_LOGGER = logging.getLogger(__name__)


class Se5HealthCoordinator(DataUpdateCoordinator[Health]):
    """Health of the box. When only the system API fails, only the health entities go.

    The event stream's state is its own (the push coordinator).
    """

    config_entry: Se5ConfigEntry

    def __init__(self, hass: HomeAssistant, entry: Se5ConfigEntry, client: Se5Client) -> None:
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} health {entry.data[CONF_HOST]}",
            update_interval=HEALTH_INTERVAL,
            always_update=False,
        )
        self.client = client

    @override
    async def _async_update_data(self) -> Health:
        try:
            return await self.client.get_health()
        except Se5Error as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="health_failed",
                translation_placeholders={
                    "host": self.config_entry.data[CONF_HOST],
                    "error": str(err),
                },
            ) from err


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


class Se5HealthSensor(CoordinatorEntity[Se5HealthCoordinator], SensorEntity):
    """One health value of the box; unavailable while the system API does not answer."""

    _attr_has_entity_name = True
    entity_description: Se5HealthSensorEntityDescription

    def __init__(
        self,
        coordinator: Se5HealthCoordinator,
        data: Se5Data,
        description: Se5HealthSensorEntityDescription,
    ) -> None:
        super().__init__(coordinator)
        self.entity_description = description
        self._attr_unique_id = f"{data.box_uid}_{description.key}"
        self._attr_device_info = DeviceInfo(identifiers={box_identifier(data.box_uid)})
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

"""Recognition on or off, per video device of a V5 box (a setting of the box).

V5 keeps flags per video-stream device (`device_attr.actions`); V6 documents none, so its
devices have no such switch. Each switch writes the box's device record once per user action
and reads the device list again at once.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import Device, Se5Error
from .const import DOMAIN
from .data import Se5ConfigEntry, Se5Data
from .entity import Se5DeviceEntity, async_setup_device_entities
from .write_errors import write_error

PARALLEL_UPDATES = 1

RECOGNITION = SwitchEntityDescription(
    key="recognition",
    translation_key="recognition",
    entity_category=EntityCategory.CONFIG,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: Se5ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """A recognition switch for each followed device that has the setting."""
    await async_setup_device_entities(
        entry,
        async_add_entities,
        lambda data, device: (
            [Se5RecognitionSwitch(data, device, RECOGNITION)]
            if device.recognition is not None
            else []
        ),
    )


class Se5RecognitionSwitch(Se5DeviceEntity, SwitchEntity):
    """Whether the box recognises faces on this video device."""

    _setting: bool | None = None

    @property
    def is_on(self) -> bool | None:
        """As the box's device list says."""
        device = self.data.devices.data.get(self.device_id)
        return None if device is None else device.recognition

    def _state_key(self) -> Hashable:
        return (self.available, self.is_on)

    async def async_added_to_hass(self) -> None:
        """Remember the setting shown first."""
        await super().async_added_to_hass()
        self._setting = self.is_on

    @callback
    def _async_device_list_read(self) -> None:
        """The device list was read: write if the setting (or the listing) changed.

        As for every device entity, the stream's state reaches it through its own listener.
        """
        setting = self.is_on
        if setting != self._setting:
            self._setting = setting
            self._async_write_if_changed()
            return
        super()._async_device_list_read()

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch recognition on."""
        await self._async_set(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch recognition off."""
        await self._async_set(False)

    async def _async_set(self, enabled: bool) -> None:
        data: Se5Data = self.data
        try:
            await data.client.set_recognition(self.device_id, enabled)
        except ValueError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="not_a_video_device",
                translation_placeholders={"device": self._device_name()},
            ) from err
        except Se5Error as err:
            raise write_error(err, data.registry.entry.title) from err
        finally:
            # What the box holds now, whatever the answer.
            await data.devices.async_refresh()

    def _device_name(self) -> str:
        """The device's name as the box lists it."""
        device: Device | None = self.data.devices.data.get(self.device_id)
        return getattr(device, "name", self.device_id)

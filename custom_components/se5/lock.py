"""A lock for each followed gate or reader whose relay the box can drive (V5 firmware).

`unlock` and `open` pulse the relay for its own delay time: the lock shows unlocked (or open)
for that time, then locked again. `lock` releases the relay at once (`closedoor`). The box
cannot tell a relay's state, so the state is assumed: what the last command did, for as long
as it lasts. A command that fails raises a translated error and leaves the state as it was.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime
from typing import Any

from homeassistant.components.lock import LockEntity, LockEntityDescription, LockEntityFeature
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_call_later

from .data import Se5ConfigEntry
from .door import async_close_door, async_open_door, has_door
from .entity import Se5DeviceEntity, async_setup_device_entities

PARALLEL_UPDATES = 1

DOOR_KEY = "door"
DOOR = LockEntityDescription(key=DOOR_KEY, translation_key="door")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: Se5ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the door locks of the followed devices that have a relay."""
    await async_setup_device_entities(
        entry,
        async_add_entities,
        lambda data, device: [Se5DoorLock(data, device, DOOR)] if has_door(data, device) else [],
    )


class Se5DoorLock(Se5DeviceEntity, LockEntity):
    """The door of one gate or reader, opened through the box for the relay's delay time."""

    _attr_assumed_state = True
    _attr_supported_features = LockEntityFeature.OPEN
    _attr_is_locked = True
    _attr_is_open = False
    _relock: CALLBACK_TYPE | None = None

    @property
    def available(self) -> bool:
        """Available while the box lists the device (the REST API opens doors, not the stream)."""
        return not self.data.devices.is_missing(self.device_id)

    def _state_key(self) -> Hashable:
        return (self.available, self._attr_is_locked, self._attr_is_open)

    async def async_unlock(self, **kwargs: Any) -> None:
        """Pulse the relay; unlocked for the relay's delay time."""
        seconds = await async_open_door(self.data, self.data.devices.data[self.device_id])
        self._async_show_open(seconds, is_open=False)

    async def async_open(self, **kwargs: Any) -> None:
        """Pulse the relay; open for the relay's delay time."""
        seconds = await async_open_door(self.data, self.data.devices.data[self.device_id])
        self._async_show_open(seconds, is_open=True)

    async def async_lock(self, **kwargs: Any) -> None:
        """Release the relay at once (`closedoor`)."""
        await async_close_door(self.data, self.data.devices.data[self.device_id])
        self._async_relock()

    async def async_will_remove_from_hass(self) -> None:
        """Stop the timer that would lock again."""
        self._async_cancel_relock()
        await super().async_will_remove_from_hass()

    @callback
    def _async_show_open(self, seconds: int, *, is_open: bool) -> None:
        self._async_cancel_relock()
        self._attr_is_locked = False
        self._attr_is_open = is_open
        self._async_write_if_changed()
        self._relock = async_call_later(self.hass, seconds, self._async_relock_later)

    @callback
    def _async_relock_later(self, _now: datetime) -> None:
        self._relock = None
        self._async_relock()

    @callback
    def _async_relock(self) -> None:
        self._async_cancel_relock()
        self._attr_is_locked = True
        self._attr_is_open = False
        self._async_write_if_changed()

    @callback
    def _async_cancel_relock(self) -> None:
        if self._relock is not None:
            self._relock()
            self._relock = None
